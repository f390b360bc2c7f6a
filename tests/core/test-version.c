/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-version.c: the core library reports the project's version. */
#include "config.h"

#include <glib.h>

#include "bb-version.h"

static void
test_version_matches_project (void)
{
  g_assert_cmpstr (bb_version_string (), ==, PACKAGE_VERSION);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/version/matches-project", test_version_matches_project);
  return g_test_run ();
}
