/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bedboard-los.c: entry point (placeholder until the LOS tool lands). */
#include "config.h"

#include <glib.h>

int
main (int argc, char **argv)
{
  g_printerr ("bedboard-los %s\n", PACKAGE_VERSION);
  return 0;
}
