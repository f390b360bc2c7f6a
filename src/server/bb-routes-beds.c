/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-beds.c: staff work on beds and admissions: inpatients, discharge, transfer, bed status. */
#define G_LOG_DOMAIN "bb-routes-beds"

#include "config.h"

#include "bb-records-json.h"
#include "bb-server-private.h"

static void
reply_admission (BbRequest *req,
                 gint64     admission_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbAdmission) admission = bb_store_get_admission (req->store, admission_id, &error);

  _bb_reply_json_or_error (req, SOUP_STATUS_OK, admission ? bb_admission_to_json (admission) : NULL, error);
}

static void
get_inpatients (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) admissions = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 ward_id = 0;

  if (!_bb_query_get_id (req, "ward", &ward_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  admissions = bb_store_list_inpatients (req->store, req->ids[0], ward_id, &error);
  if (admissions == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < admissions->len; i++)
    json_array_add_element (array, bb_admission_to_json (g_ptr_array_index (admissions, i)));
  json_object_set_int_member (object, "hospital", req->ids[0]);
  _bb_object_set_time (object, "at", bb_store_now (req->store));
  json_object_set_array_member (object, "inpatients", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_admission (BbRequest *req)
{
  reply_admission (req, req->ids[0]);
}

static void
post_discharge (BbRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!bb_store_discharge (req->store, req->user->id, req->ids[0], &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_admission (req, req->ids[0]);
}

static void
post_transfer (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 bed_id = 0;

  if (!_bb_body_get_id (req->body, "bed", TRUE, &bed_id, &error) ||
      !bb_store_transfer (req->store, req->user->id, req->ids[0], bed_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_admission (req, req->ids[0]);
}

static void
post_bed_status (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  const char *text = NULL;
  BbBedStatus status;

  if (!_bb_body_get_string (req->body, "status", TRUE, &text, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (!bb_bed_status_from_string (text, &status))
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'status' must be an HL7 0116 bed status: U, O, H, C, I or K");
      return;
    }
  if (!bb_store_set_bed_status (req->store, req->user->id, req->ids[0], status, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  json_object_set_int_member (object, "id", req->ids[0]);
  json_object_set_string_member (object, "status", bb_bed_status_to_string (status));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

const BbRoute _bb_routes_beds[] = {
  { "GET", "/api/v1/hospitals/{id}/inpatients", BB_ROLE_STAFF, BB_ROUTE_NONE, get_inpatients },
  { "GET", "/api/v1/admissions/{id}", BB_ROLE_STAFF, BB_ROUTE_NONE, get_admission },
  { "POST", "/api/v1/admissions/{id}/discharge", BB_ROLE_STAFF, BB_ROUTE_BODY, post_discharge },
  { "POST", "/api/v1/admissions/{id}/transfer", BB_ROLE_STAFF, BB_ROUTE_BODY, post_transfer },
  { "POST", "/api/v1/beds/{id}/status", BB_ROLE_STAFF, BB_ROUTE_BODY, post_bed_status },
  { NULL, }
};
