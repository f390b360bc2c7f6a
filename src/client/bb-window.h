/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-window.h: the main window: the pages (from the table in bb-window.c)
 * in an AdwViewStack, shown by role; the header bar with the user menu; the
 * offline banner and toasts. */
#pragma once

#include <adwaita.h>

#include "bb-client-context.h"
#include "bb-page.h"

G_BEGIN_DECLS

#define BB_TYPE_WINDOW (bb_window_get_type ())
G_DECLARE_FINAL_TYPE (BbWindow, bb_window, BB, WINDOW, AdwApplicationWindow)

BbWindow        *bb_window_new            (AdwApplication  *application,
                                           BbClientContext *context);
BbClientContext *bb_window_get_context    (BbWindow        *self);
/* The page by its table name ("availability", "ward", ...), or NULL. */
BbPage          *bb_window_get_page       (BbWindow        *self,
                                           const char      *name);
/* Shows that page if the role allows it; FALSE otherwise. */
gboolean         bb_window_show_page      (BbWindow        *self,
                                           const char      *name);
const char      *bb_window_get_visible_page_name (BbWindow *self);
/* Whether the page is shown in the switcher for the current role. */
gboolean         bb_window_page_is_visible (BbWindow       *self,
                                            const char     *name);
/* The names in the page table, NULL-terminated (static). */
const char     **bb_window_get_page_names (void);
void             bb_window_add_toast      (BbWindow        *self,
                                           const char      *message);
void             bb_window_show_login     (BbWindow        *self);
/* Renders the window as it is now into a PNG (--screenshot, tests). */
gboolean         bb_window_render_to_png  (BbWindow        *self,
                                           const char      *path,
                                           GError         **error);

G_END_DECLS
