/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-commands.h: the subcommands of bedboard-los. Each takes the
 * arguments after its own name (argv[0] is the subcommand) and returns the
 * process exit status; errors go to stderr naming the row and column. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int bb_los_cmd_train    (int argc, char **argv);
int bb_los_cmd_evaluate (int argc, char **argv);
int bb_los_cmd_predict  (int argc, char **argv);
int bb_los_cmd_explain  (int argc, char **argv);
int bb_los_cmd_forecast (int argc, char **argv);
int bb_los_cmd_backtest (int argc, char **argv);

G_END_DECLS
