/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bedboard-los.c: the bedboard-los command: trains, evaluates, explains and
 * runs the length-of-stay models and the ward forecast. Each subcommand
 * lives in its own bb-los-cmd-*.c. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib.h>

#include "bb-los-commands.h"

static const struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "train", bb_los_cmd_train, "train --data CSV --card OUT.card.json [--seed N] [--kind icu|ward]" },
  { "evaluate", bb_los_cmd_evaluate, "evaluate --model CARD --data CSV [--rows test|all] [--apache CSV]" },
  { "predict", bb_los_cmd_predict, "predict --model CARD INPUT.csv" },
  { "explain", bb_los_cmd_explain, "explain --model CARD INPUT.csv --row N" },
  { "forecast", bb_los_cmd_forecast, "forecast --model CARD --inpatients CSV --capacity N ..." },
  { "backtest", bb_los_cmd_backtest, "backtest --model CARD --data CSV" },
};

static void
usage (void)
{
  g_printerr ("Usage: bedboard-los COMMAND [OPTIONS]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_printerr ("  %s\n", commands[i].summary);
  g_printerr ("\nRun bedboard-los COMMAND --help for a command's options.\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage ();
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("bedboard-los %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);
  g_printerr ("bedboard-los: unknown command \"%s\"\n\n", argv[1]);
  usage ();
  return 2;
}
