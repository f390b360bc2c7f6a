/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-login-dialog.h: e-mail and password, logs in through the session,
 * shows the server's error in place and closes on success. */
#pragma once

#include <adwaita.h>

#include "bb-client-context.h"

G_BEGIN_DECLS

#define BB_TYPE_LOGIN_DIALOG (bb_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BbLoginDialog, bb_login_dialog, BB, LOGIN_DIALOG, AdwWindow)

BbLoginDialog *bb_login_dialog_new (GtkWindow       *parent,
                                    BbClientContext *context);

G_END_DECLS
