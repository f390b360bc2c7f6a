/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-client-types.c: registers the core's BbRole as a GEnum. */
#define G_LOG_DOMAIN "bb-client"

#include "config.h"

#include "bb-client-types.h"

GType
bb_role_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { BB_ROLE_NONE, "BB_ROLE_NONE", "none" },
        { BB_ROLE_FAMILY, "BB_ROLE_FAMILY", "family" },
        { BB_ROLE_STAFF, "BB_ROLE_STAFF", "staff" },
        { BB_ROLE_ADMIN, "BB_ROLE_ADMIN", "admin" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static (g_intern_static_string ("BbRole"), values);
      g_once_init_leave (&type_id, t);
    }
  return type_id;
}
