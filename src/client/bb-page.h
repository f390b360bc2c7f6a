/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-page.h: what every page of the window is. The window builds each page
 * from its table in bb-window.c with g_object_new (type, "context", ctx, NULL),
 * shows it when BbSession:role >= the page's "min-role", and --screenshot
 * waits for "ready".
 *
 * A page implements the interface with
 *   G_DEFINE_FINAL_TYPE_WITH_CODE (BbFooPage, bb_foo_page, GTK_TYPE_WIDGET,
 *     G_IMPLEMENT_INTERFACE (BB_TYPE_PAGE, bb_foo_page_page_iface_init))
 * and overrides the five properties in class_init:
 *   bb_page_install_properties (object_class, PROP_CONTEXT);
 * which calls g_object_class_override_property for "context", "title",
 * "icon-name", "min-role" and "ready" with ids PROP_CONTEXT .. PROP_CONTEXT+4
 * in that order (see BbPageProperty). "context" is construct-only; "ready"
 * must be notified (g_object_notify "ready") when it turns TRUE. */
#pragma once

#include <gtk/gtk.h>

#include "bb-client-types.h"

G_BEGIN_DECLS

#define BB_TYPE_PAGE (bb_page_get_type ())
G_DECLARE_INTERFACE (BbPage, bb_page, BB, PAGE, GtkWidget)

struct _BbPageInterface
{
  GTypeInterface parent_iface;

  /* Reload what the page shows (after login, reconnect, or by the user). */
  void (*refresh) (BbPage *self);
};

/* Offsets from the first id passed to bb_page_install_properties. */
typedef enum
{
  BB_PAGE_PROP_CONTEXT,
  BB_PAGE_PROP_TITLE,
  BB_PAGE_PROP_ICON_NAME,
  BB_PAGE_PROP_MIN_ROLE,
  BB_PAGE_PROP_READY,
  BB_PAGE_N_PROPS,
} BbPageProperty;

void             bb_page_install_properties (GObjectClass *object_class,
                                             guint         first_prop_id);

void             bb_page_refresh            (BbPage       *self);
BbClientContext *bb_page_get_context        (BbPage       *self); /* transfer none */
const char      *bb_page_get_title          (BbPage       *self);
const char      *bb_page_get_icon_name      (BbPage       *self);
BbRole           bb_page_get_min_role       (BbPage       *self);
gboolean         bb_page_get_ready          (BbPage       *self);

G_END_DECLS
