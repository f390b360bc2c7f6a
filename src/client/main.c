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
  const char *localedir;
  int status;

  /* BEDBOARD_LOCALEDIR lets the uninstalled client use the build's
   * translations (BUILDDIR/po, set by `meson devenv` and `make run`). */
  localedir = g_getenv ("BEDBOARD_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = bb_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : bb_application_get_exit_status (app);
}
