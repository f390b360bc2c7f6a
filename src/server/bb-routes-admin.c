/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-admin.c: administrators: users and roles, hospitals, wards, beds, the audit log. */
#define G_LOG_DOMAIN "bb-routes-admin"

#include "config.h"

#include <string.h>

#include "bb-records-json.h"
#include "bb-server-private.h"

#define MAX_FIELD 320

static gboolean
check_length (const char  *field,
              const char  *value,
              gsize        max,
              GError     **error)
{
  if (value != NULL && strlen (value) > max)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field '%s' is longer than %" G_GSIZE_FORMAT " bytes", field, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_role (JsonObject  *body,
           BbRole      *role,
           GError     **error)
{
  const char *text = NULL;

  if (!_bb_body_get_string (body, "role", TRUE, &text, error))
    return FALSE;
  if (!bb_role_from_string (text, role) || *role == BB_ROLE_NONE)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field 'role' must be family, staff or admin");
      return FALSE;
    }
  return TRUE;
}

static void
reply_hospital (BbRequest *req,
                guint      status,
                gint64     hospital_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospital) hospital = bb_store_get_hospital (req->store, hospital_id, &error);

  _bb_reply_json_or_error (req, status, hospital ? bb_hospital_to_json (hospital) : NULL, error);
}

static void
reply_bed (BbRequest *req,
           guint      status,
           gint64     bed_id,
           gint64     ward_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWard) ward = bb_store_get_ward (req->store, ward_id, &error);
  g_autoptr(GPtrArray) beds = NULL;

  if (ward != NULL)
    beds = bb_store_list_beds (req->store, ward->hospital_id, ward_id, FALSE, &error);
  if (beds == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < beds->len; i++)
    {
      const BbBed *bed = g_ptr_array_index (beds, i);

      if (bed->id == bed_id)
        {
          g_autoptr(JsonNode) node = bb_bed_to_json (bed, FALSE);

          _bb_reply_json (req, status, node);
          return;
        }
    }
  _bb_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no bed %" G_GINT64_FORMAT, bed_id);
}

static void
get_users (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = bb_store_list_users (req->store, &error);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();

  if (users == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    json_array_add_element (array, bb_user_to_json (g_ptr_array_index (users, i)));
  json_object_set_array_member (object, "users", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
post_user (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  const char *email = NULL, *name = NULL, *password = NULL;
  BbRole role = BB_ROLE_NONE;
  gint64 id;

  if (!_bb_body_get_string (req->body, "email", TRUE, &email, &error) ||
      !_bb_body_get_string (req->body, "name", TRUE, &name, &error) ||
      !_bb_body_get_string (req->body, "password", TRUE, &password, &error) ||
      !read_role (req->body, &role, &error) ||
      !check_length ("email", email, MAX_FIELD, &error) ||
      !check_length ("name", name, MAX_FIELD, &error) ||
      !check_length ("password", password, 1024, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (strchr (email, '@') == NULL)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'email' must be an e-mail address");
      return;
    }
  if (g_utf8_strlen (password, -1) < 8)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'password' must have at least 8 characters");
      return;
    }

  id = bb_store_create_user (req->store, req->user->id, email, name, role, password, &error);
  if (id <= 0)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "email", email);
  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "role", bb_role_to_string (role));
  _bb_reply_object (req, SOUP_STATUS_CREATED, object);
}

static void
post_user_role (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  BbRole role = BB_ROLE_NONE;

  if (!read_role (req->body, &role, &error) ||
      !bb_store_set_user_role (req->store, req->user->id, req->ids[0], role, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  json_object_set_int_member (object, "id", req->ids[0]);
  json_object_set_string_member (object, "role", bb_role_to_string (role));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
post_hospital (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *name = NULL, *address = NULL, *phone = NULL;
  double latitude = 0, longitude = 0;
  gint64 id;

  if (!_bb_body_get_string (req->body, "name", TRUE, &name, &error) ||
      !_bb_body_get_string (req->body, "address", TRUE, &address, &error) ||
      !_bb_body_get_double (req->body, "latitude", TRUE, -90, 90, &latitude, NULL, &error) ||
      !_bb_body_get_double (req->body, "longitude", TRUE, -180, 180, &longitude, NULL, &error) ||
      !_bb_body_get_string (req->body, "phone", FALSE, &phone, &error) ||
      !check_length ("name", name, MAX_FIELD, &error) ||
      !check_length ("address", address, MAX_FIELD, &error) ||
      !check_length ("phone", phone, 64, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  id = bb_store_create_hospital (req->store, req->user->id, name, address, latitude, longitude,
                                 phone ? phone : "", &error);
  if (id <= 0)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_hospital (req, SOUP_STATUS_CREATED, id);
}

static void
patch_hospital (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *name = NULL, *address = NULL, *phone = NULL;
  double latitude = 0, longitude = 0;
  gboolean has_latitude = FALSE, has_longitude = FALSE;

  if (!_bb_body_get_string (req->body, "name", FALSE, &name, &error) ||
      !_bb_body_get_string (req->body, "address", FALSE, &address, &error) ||
      !_bb_body_get_double (req->body, "latitude", FALSE, -90, 90, &latitude, &has_latitude, &error) ||
      !_bb_body_get_double (req->body, "longitude", FALSE, -180, 180, &longitude, &has_longitude, &error) ||
      !_bb_body_get_string (req->body, "phone", FALSE, &phone, &error) ||
      !check_length ("name", name, MAX_FIELD, &error) ||
      !check_length ("address", address, MAX_FIELD, &error) ||
      !check_length ("phone", phone, 64, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (name != NULL && *name == '\0')
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid", "field 'name' must not be empty");
      return;
    }

  if (!bb_store_update_hospital (req->store, req->user->id, req->ids[0], name, address,
                                 has_latitude ? &latitude : NULL,
                                 has_longitude ? &longitude : NULL,
                                 phone, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_hospital (req, SOUP_STATUS_OK, req->ids[0]);
}

static void
post_ward (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWard) ward = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *name = NULL, *kind = NULL;
  gint64 id;

  if (!_bb_body_get_string (req->body, "name", TRUE, &name, &error) ||
      !_bb_body_get_string (req->body, "kind", TRUE, &kind, &error) ||
      !check_length ("name", name, MAX_FIELD, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (!bb_ward_kind_is_valid (kind))
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'kind': '%s' is not a known ward kind", kind);
      return;
    }

  id = bb_store_create_ward (req->store, req->user->id, req->ids[0], name, kind, &error);
  if (id > 0)
    ward = bb_store_get_ward (req->store, id, &error);
  if (ward == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  node = bb_ward_to_json (ward);
  _bb_reply_json (req, SOUP_STATUS_CREATED, node);
}

static void
post_bed (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tags = NULL;
  const char *label = NULL;
  gint64 id;

  if (!_bb_body_get_string (req->body, "label", TRUE, &label, &error) ||
      !_bb_body_get_strv (req->body, "tags", FALSE, &tags, &error) ||
      !check_length ("label", label, 64, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  id = bb_store_create_bed (req->store, req->user->id, req->ids[0], label,
                            (const char * const *) tags, &error);
  if (id <= 0)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_bed (req, SOUP_STATUS_CREATED, id, req->ids[0]);
}

static void
post_bed_tags (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  g_auto(GStrv) tags = NULL;

  if (!_bb_body_get_strv (req->body, "tags", TRUE, &tags, &error) ||
      !bb_store_set_bed_tags (req->store, req->user->id, req->ids[0],
                              (const char * const *) tags, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; tags[i] != NULL; i++)
    json_array_add_string_element (array, tags[i]);
  json_object_set_int_member (object, "id", req->ids[0]);
  json_object_set_array_member (object, "tags", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_audit (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  const char *entity = g_hash_table_lookup (req->query, "entity");
  const char *limit_text = g_hash_table_lookup (req->query, "limit");
  gint64 entity_id = 0;
  guint64 limit = 100;

  if (!_bb_query_get_id (req, "entity_id", &entity_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (limit_text != NULL &&
      !g_ascii_string_to_unsigned (limit_text, 10, 1, 1000, &limit, NULL))
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "query parameter 'limit' must be between 1 and 1000");
      return;
    }
  if (entity != NULL && *entity == '\0')
    entity = NULL;

  entries = bb_store_list_audit (req->store, entity, entity_id, (guint) limit, &error);
  if (entries == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (entries, i)));
  json_object_set_array_member (object, "audit", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

const BbRoute _bb_routes_admin[] = {
  { "GET", "/api/v1/users", BB_ROLE_ADMIN, BB_ROUTE_NONE, get_users },
  { "POST", "/api/v1/users", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_user },
  { "POST", "/api/v1/users/{id}/role", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_user_role },
  { "POST", "/api/v1/hospitals", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_hospital },
  { "PATCH", "/api/v1/hospitals/{id}", BB_ROLE_ADMIN, BB_ROUTE_BODY, patch_hospital },
  { "POST", "/api/v1/hospitals/{id}/wards", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_ward },
  { "POST", "/api/v1/wards/{id}/beds", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_bed },
  { "POST", "/api/v1/beds/{id}/tags", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_bed_tags },
  { "GET", "/api/v1/audit", BB_ROLE_ADMIN, BB_ROUTE_NONE, get_audit },
  { NULL, }
};
