/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-server-cli.h: the bedboard-server command line.
 *
 *   bedboard-server [--demo] [--db PATH] [--port N] [--listen ADDR]
 *                   [--simulate SPEED] [--models DIR] [--create-admin EMAIL]
 *
 * Kept out of main.c so the option handling is in the library. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs the server (or a one-shot command) and returns the exit status. */
int   bb_server_cli_run             (int    argc,
                                     char **argv);
/* $XDG_DATA_HOME/bedboard/bedboard.db */
char *bb_server_cli_default_db_path (void);

G_END_DECLS
