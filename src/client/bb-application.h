/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-application.h: the bedboard application: its actions (app.quit,
 * app.preferences, app.login, app.logout, app.about) and its command line
 *   bedboard [--server URL] [--login EMAIL:PASSWORD] [--screenshot FILE.png]
 *            [--page availability|ward|booking|forecast|enquiries]
 * With --screenshot it renders that page once it is ready and exits. */
#pragma once

#include <adwaita.h>

#include "bb-client-context.h"

G_BEGIN_DECLS

#define BB_TYPE_APPLICATION (bb_application_get_type ())
G_DECLARE_FINAL_TYPE (BbApplication, bb_application, BB, APPLICATION, AdwApplication)

BbApplication   *bb_application_new         (void);
BbClientContext *bb_application_get_context (BbApplication *self);
/* 0, or non-zero when --screenshot (or --login) failed; main() returns it. */
int              bb_application_get_exit_status (BbApplication *self);

G_END_DECLS
