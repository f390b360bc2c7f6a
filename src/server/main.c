/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: bedboard-server entry point; everything else is in the server library. */
#include "config.h"

#include "bb-server-cli.h"

int
main (int    argc,
      char **argv)
{
  return bb_server_cli_run (argc, argv);
}
