/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-discharges.c: recent discharges with their intake features and
 * the wards they lay in (staff), so an admin can check the LOS models'
 * predictions against the stays that actually happened. */
#define G_LOG_DOMAIN "bb-routes-discharges"

#include "config.h"

#include "bb-records-json.h"
#include "bb-server-private.h"

/* Thirty days back when the caller does not say. */
#define DEFAULT_SINCE_SECONDS (30 * 24 * 3600)

/* The admission's bed stays merged into one entry per consecutive ward:
 * [{ward, from, to}], oldest first. */
static JsonArray *
ward_stays_to_json (GPtrArray *bed_stays)
{
  g_autoptr(JsonArray) array = json_array_new ();
  JsonObject *current = NULL;

  for (guint i = 0; i < bed_stays->len; i++)
    {
      JsonObject *stay = g_ptr_array_index (bed_stays, i);
      gint64 ward = json_object_get_int_member (stay, "ward");
      JsonNode *to = json_object_get_member (stay, "to");

      if (current != NULL && json_object_get_int_member (current, "ward") == ward)
        {
          json_object_set_member (current, "to", json_node_copy (to));
          continue;
        }
      current = json_object_new ();
      json_object_set_int_member (current, "ward", ward);
      json_object_set_member (current, "from", json_node_copy (json_object_get_member (stay, "from")));
      json_object_set_member (current, "to", json_node_copy (to));
      json_array_add_object_element (array, current);
    }
  return g_steal_pointer (&array);
}

static void
get_discharges (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) admissions = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 now = bb_store_now (req->store);
  gint64 since = now - DEFAULT_SINCE_SECONDS;
  gint64 ward_id = 0;

  if (!_bb_query_get_id (req, "ward", &ward_id, &error) ||
      !_bb_query_get_time (req, "since", &since, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  admissions = bb_store_list_discharges (req->store, req->ids[0], ward_id, since, &error);
  if (admissions == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < admissions->len; i++)
    {
      BbAdmission *admission = g_ptr_array_index (admissions, i);
      g_autoptr(GPtrArray) bed_stays = NULL;
      JsonNode *node;

      bed_stays = bb_store_get_bed_history (req->store, admission->id, &error);
      if (bed_stays == NULL)
        {
          _bb_reply_gerror (req, error);
          return;
        }
      node = bb_admission_to_json (admission);
      json_object_set_array_member (json_node_get_object (node), "ward_stays",
                                    ward_stays_to_json (bed_stays));
      json_array_add_element (array, node);
    }
  json_object_set_int_member (object, "hospital", req->ids[0]);
  _bb_object_set_time (object, "since", since);
  _bb_object_set_time (object, "at", now);
  json_object_set_array_member (object, "discharges", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

const BbRoute _bb_routes_discharges[] = {
  { "GET", "/api/v1/hospitals/{id}/discharges", BB_ROLE_STAFF, BB_ROUTE_NONE, get_discharges },
  { NULL, }
};
