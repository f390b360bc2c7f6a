/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-page.c: the BbPage interface: its properties and refresh(). */
#define G_LOG_DOMAIN "bb-page"

#include "config.h"

#include "bb-page.h"

#include "bb-client-context.h"

G_DEFINE_INTERFACE (BbPage, bb_page, GTK_TYPE_WIDGET)

static void
bb_page_default_init (BbPageInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_object ("context", NULL, NULL, BB_TYPE_CLIENT_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (iface,
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (iface,
    g_param_spec_enum ("min-role", NULL, NULL, BB_TYPE_ROLE, BB_ROLE_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
}

void
bb_page_install_properties (GObjectClass *object_class,
                            guint         first_prop_id)
{
  g_return_if_fail (G_IS_OBJECT_CLASS (object_class));

  g_object_class_override_property (object_class, first_prop_id + BB_PAGE_PROP_CONTEXT, "context");
  g_object_class_override_property (object_class, first_prop_id + BB_PAGE_PROP_TITLE, "title");
  g_object_class_override_property (object_class, first_prop_id + BB_PAGE_PROP_ICON_NAME, "icon-name");
  g_object_class_override_property (object_class, first_prop_id + BB_PAGE_PROP_MIN_ROLE, "min-role");
  g_object_class_override_property (object_class, first_prop_id + BB_PAGE_PROP_READY, "ready");
}

void
bb_page_refresh (BbPage *self)
{
  BbPageInterface *iface;

  g_return_if_fail (BB_IS_PAGE (self));

  iface = BB_PAGE_GET_IFACE (self);
  if (iface->refresh != NULL)
    iface->refresh (self);
}

BbClientContext *
bb_page_get_context (BbPage *self)
{
  g_autoptr(BbClientContext) context = NULL;

  g_return_val_if_fail (BB_IS_PAGE (self), NULL);

  g_object_get (self, "context", &context, NULL);
  /* The page holds its own reference for its whole life. */
  return context;
}

/* The string getters return strings owned by the page: pages keep them
 * for their whole life (they are static or set once). */
static const char *
get_static_string (BbPage     *self,
                   const char *property)
{
  GValue value = G_VALUE_INIT;
  const char *s;
  GQuark q;

  g_value_init (&value, G_TYPE_STRING);
  g_object_get_property (G_OBJECT (self), property, &value);
  s = g_value_get_string (&value);
  q = g_quark_from_string (s != NULL ? s : "");
  g_value_unset (&value);
  return g_quark_to_string (q);
}

const char *
bb_page_get_title (BbPage *self)
{
  g_return_val_if_fail (BB_IS_PAGE (self), NULL);
  return get_static_string (self, "title");
}

const char *
bb_page_get_icon_name (BbPage *self)
{
  g_return_val_if_fail (BB_IS_PAGE (self), NULL);
  return get_static_string (self, "icon-name");
}

BbRole
bb_page_get_min_role (BbPage *self)
{
  BbRole role = BB_ROLE_NONE;

  g_return_val_if_fail (BB_IS_PAGE (self), BB_ROLE_NONE);
  g_object_get (self, "min-role", &role, NULL);
  return role;
}

gboolean
bb_page_get_ready (BbPage *self)
{
  gboolean ready = FALSE;

  g_return_val_if_fail (BB_IS_PAGE (self), FALSE);
  g_object_get (self, "ready", &ready, NULL);
  return ready;
}
