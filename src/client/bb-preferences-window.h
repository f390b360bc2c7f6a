/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-preferences-window.h: the server's address (GSettings server-url);
 * applying it reconnects the client. */
#pragma once

#include <adwaita.h>

#include "bb-client-context.h"

G_BEGIN_DECLS

#define BB_TYPE_PREFERENCES_WINDOW (bb_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (BbPreferencesWindow, bb_preferences_window, BB, PREFERENCES_WINDOW, AdwPreferencesWindow)

BbPreferencesWindow *bb_preferences_window_new (GtkWindow       *parent,
                                                BbClientContext *context);

G_END_DECLS
