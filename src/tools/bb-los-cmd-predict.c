/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-cmd-predict.c: `bedboard-los predict`: the median stay and 80%
 * interval for every row of a CSV, in input order. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include <stdio.h>

#include "bb-los-commands.h"
#include "bb-los-model.h"

int
bb_los_cmd_predict (int    argc,
                    char **argv)
{
  g_autofree char *model_path = NULL;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model card", "CARD" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("INPUT.csv - predict stays");
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbLosTable) table = NULL;
  g_autofree float *rows = NULL;
  g_autofree double *mu = NULL, *sigma = NULL;
  guint n;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("bedboard-los predict: %s\n", error->message);
      return 2;
    }
  if (model_path == NULL || argc != 2)
    {
      g_printerr ("Usage: bedboard-los predict --model CARD INPUT.csv\n");
      return 2;
    }
  if ((model = bb_los_model_load (model_path, &error)) == NULL ||
      (table = bb_los_table_load (argv[1], &error)) == NULL)
    goto fail;
  /* Only the card's feature columns are read, so outcome columns may be
   * present, blank or absent. */
  rows = bb_los_card_encode_table (bb_los_model_get_card (model), table,
                                   BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, &error);
  if (rows == NULL)
    goto fail;
  n = bb_los_table_get_n_rows (table);
  mu = g_new (double, n);
  sigma = g_new (double, n);
  if (!bb_los_model_predict (model, rows, n, mu, sigma, &error))
    goto fail;

  printf ("row,median_days,p10_days,p90_days\n");
  for (guint i = 0; i < n; i++)
    {
      BbLosPrediction p;
      bb_los_model_interval (model, mu[i], sigma[i], &p);
      printf ("%u,%.3f,%.3f,%.3f\n", i + 1, p.median_days, p.p10_days, p.p90_days);
    }
  if (fflush (stdout) != 0)
    {
      g_printerr ("bedboard-los predict: cannot write the predictions\n");
      return 1;
    }
  return 0;

fail:
  g_printerr ("bedboard-los predict: %s\n", error->message);
  return 1;
}
