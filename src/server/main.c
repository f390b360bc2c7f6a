/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: bedboard-server entry point (placeholder until the server lands). */
#include "config.h"

#include <glib.h>

int
main (int argc, char **argv)
{
  g_printerr ("bedboard-server %s\n", PACKAGE_VERSION);
  return 0;
}
