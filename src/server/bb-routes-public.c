/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-public.c: what anyone may read without a login.
 *
 * Health, the hospital list and detail, a ward's beds and the occupancy
 * history. None of these ever carries patient data for an anonymous caller;
 * their anonymous answers are cached until the hospital changes. */
#define G_LOG_DOMAIN "bb-routes-public"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bb-records-json.h"
#include "bb-server-private.h"

/* At most this many points per ward in one occupancy answer. */
#define MAX_OCCUPANCY_POINTS 5000

static double
distance_km (double lat1,
             double lon1,
             double lat2,
             double lon2)
{
  const double r = 6371.0088;
  double p1 = lat1 * G_PI / 180.0;
  double p2 = lat2 * G_PI / 180.0;
  double dp = (lat2 - lat1) * G_PI / 180.0;
  double dl = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dp / 2) * sin (dp / 2) + cos (p1) * cos (p2) * sin (dl / 2) * sin (dl / 2);

  return 2 * r * atan2 (sqrt (a), sqrt (1 - a));
}

static gint
compare_distance (gconstpointer a,
                  gconstpointer b)
{
  const BbHospital *ha = *(const BbHospital **) a;
  const BbHospital *hb = *(const BbHospital **) b;

  if (ha->distance_km < hb->distance_km)
    return -1;
  if (ha->distance_km > hb->distance_km)
    return 1;
  return ha->id < hb->id ? -1 : ha->id > hb->id;
}

static gboolean
parse_near (const char  *text,
            double      *lat,
            double      *lon,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  char *end = NULL;

  if (g_strv_length (parts) != 2)
    goto invalid;
  *lat = g_ascii_strtod (g_strstrip (parts[0]), &end);
  if (end == parts[0] || *end != '\0' || !(*lat >= -90 && *lat <= 90))
    goto invalid;
  *lon = g_ascii_strtod (g_strstrip (parts[1]), &end);
  if (end == parts[1] || *end != '\0' || !(*lon >= -180 && *lon <= 180))
    goto invalid;
  return TRUE;

invalid:
  g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
               "query parameter 'near' must be LAT,LON in degrees, such as 52.52,13.40");
  return FALSE;
}

static void
get_health (BbRequest *req)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "status", "ok");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  json_object_set_int_member (object, "schema_version", bb_store_schema_version (req->store));
  json_object_set_int_member (object, "last_event_seq", bb_store_last_event_seq (req->store));
  _bb_object_set_time (object, "time", bb_store_now (req->store));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_hospitals (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hospitals = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  const char *kind = g_hash_table_lookup (req->query, "kind");
  const char *near = g_hash_table_lookup (req->query, "near");
  double lat = 0, lon = 0;

  if (kind != NULL && *kind == '\0')
    kind = NULL;
  if (kind != NULL && !bb_ward_kind_is_valid (kind))
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "query parameter 'kind': '%s' is not a known ward kind", kind);
      return;
    }
  if (near != NULL && !parse_near (near, &lat, &lon, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  hospitals = bb_store_list_hospitals (req->store, kind, &error);
  if (hospitals == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  if (near != NULL)
    {
      for (guint i = 0; i < hospitals->len; i++)
        {
          BbHospital *h = g_ptr_array_index (hospitals, i);

          h->distance_km = round (distance_km (lat, lon, h->latitude, h->longitude) * 100) / 100;
        }
      g_ptr_array_sort (hospitals, compare_distance);
    }

  for (guint i = 0; i < hospitals->len; i++)
    json_array_add_element (array, bb_hospital_to_json (g_ptr_array_index (hospitals, i)));
  json_object_set_array_member (object, "hospitals", g_steal_pointer (&array));

  _bb_request_set_cacheable (req, 0);
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_hospital (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospital) hospital = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 id = req->ids[0];

  hospital = bb_store_get_hospital (req->store, id, &error);
  if (hospital == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  wards = bb_store_list_wards (req->store, id, &error);
  if (wards == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  node = bb_hospital_to_json (hospital);
  for (guint i = 0; i < wards->len; i++)
    json_array_add_element (array, bb_ward_to_json (g_ptr_array_index (wards, i)));
  json_object_set_array_member (json_node_get_object (node), "wards", g_steal_pointer (&array));

  _bb_request_set_cacheable (req, id);
  _bb_reply_json (req, SOUP_STATUS_OK, node);
}

static void
get_ward_beds (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) beds = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  gboolean staff = _bb_request_is_staff (req);
  gint64 hospital_id = req->ids[0];
  gint64 ward_id = req->ids[1];

  beds = bb_store_list_beds (req->store, hospital_id, ward_id, staff, &error);
  if (beds == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  for (guint i = 0; i < beds->len; i++)
    json_array_add_element (array, bb_bed_to_json (g_ptr_array_index (beds, i), staff));
  json_object_set_int_member (object, "hospital", hospital_id);
  json_object_set_int_member (object, "ward", ward_id);
  json_object_set_array_member (object, "beds", g_steal_pointer (&array));

  _bb_request_set_cacheable (req, hospital_id);
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static gboolean
parse_step (const char *text,
            gint64     *out)
{
  if (text == NULL || *text == '\0' || strcmp (text, "1h") == 0)
    *out = 3600;
  else if (strcmp (text, "6h") == 0)
    *out = 6 * 3600;
  else if (strcmp (text, "1d") == 0)
    *out = 24 * 3600;
  else
    return FALSE;
  return TRUE;
}

static void
get_occupancy (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  const char *step_text = g_hash_table_lookup (req->query, "step");
  gint64 hospital_id = req->ids[0];
  gint64 ward_id = 0;
  gint64 now = bb_store_now (req->store);
  gint64 from = 0, to = 0, step = 0;
  gboolean fixed;

  if (!parse_step (step_text, &step))
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "query parameter 'step' must be 1h, 6h or 1d");
      return;
    }
  if (!_bb_query_get_time (req, "from", &from, &error) ||
      !_bb_query_get_time (req, "to", &to, &error) ||
      !_bb_query_get_id (req, "ward", &ward_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  /* Only an answer for a fixed window may be cached; "the last week" moves. */
  fixed = from != 0 && to != 0;
  if (to == 0)
    to = now;
  if (from == 0)
    from = to - 7 * 24 * 3600;
  if (from > to)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "query parameter 'from' must not be after 'to'");
      return;
    }
  if ((to - from) / step + 1 > MAX_OCCUPANCY_POINTS)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "from..to holds more than %d steps; use a larger 'step' or a shorter window",
                       MAX_OCCUPANCY_POINTS);
      return;
    }

  series = bb_store_occupancy (req->store, hospital_id, ward_id, from, to, step, &error);
  if (series == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  for (guint i = 0; i < series->len; i++)
    {
      const BbOccupancySeries *s = g_ptr_array_index (series, i);
      g_autoptr(JsonObject) entry = json_object_new ();
      g_autoptr(JsonArray) points = json_array_new ();

      for (guint j = 0; j < s->points->len; j++)
        {
          const BbOccupancyPoint *p = &g_array_index (s->points, BbOccupancyPoint, j);
          g_autoptr(JsonObject) point = json_object_new ();

          _bb_object_set_time (point, "t", p->t);
          json_object_set_int_member (point, "occupied", p->occupied);
          json_object_set_int_member (point, "capacity", p->capacity);
          json_array_add_object_element (points, g_steal_pointer (&point));
        }
      json_object_set_int_member (entry, "ward", s->ward_id);
      json_object_set_array_member (entry, "points", g_steal_pointer (&points));
      json_array_add_object_element (array, g_steal_pointer (&entry));
    }

  json_object_set_int_member (object, "hospital", hospital_id);
  _bb_object_set_time (object, "from", from);
  _bb_object_set_time (object, "to", to);
  json_object_set_string_member (object, "step", step == 3600 ? "1h" : step == 6 * 3600 ? "6h" : "1d");
  json_object_set_array_member (object, "series", g_steal_pointer (&array));

  if (fixed)
    _bb_request_set_cacheable (req, hospital_id);
  else
    g_clear_pointer (&req->cache_key, g_free);
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

const BbRoute _bb_routes_public[] = {
  { "GET", "/api/v1/health", BB_ROLE_NONE, BB_ROUTE_NONE, get_health },
  { "GET", "/api/v1/hospitals", BB_ROLE_NONE, BB_ROUTE_CACHE, get_hospitals },
  { "GET", "/api/v1/hospitals/{id}", BB_ROLE_NONE, BB_ROUTE_CACHE, get_hospital },
  { "GET", "/api/v1/hospitals/{id}/wards/{ward}/beds", BB_ROLE_NONE, BB_ROUTE_CACHE, get_ward_beds },
  { "GET", "/api/v1/hospitals/{id}/occupancy", BB_ROLE_NONE, BB_ROUTE_CACHE, get_occupancy },
  { NULL, }
};
