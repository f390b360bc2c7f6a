/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: bedboard, the desktop client. Everything else is in
 * libbedboard-client. */
#define G_LOG_DOMAIN "bedboard"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bb-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BbApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = bb_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : bb_application_get_exit_status (app);
}
