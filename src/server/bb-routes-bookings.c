/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-bookings.c: staff booking a bed: create (hold), confirm, cancel, admit, list.
 *
 * Holding a bed is one store transaction, so concurrent requests for the
 * last free bed get exactly one hold and the others 409 no_capacity. */
#define G_LOG_DOMAIN "bb-routes-bookings"

#include "config.h"

#include <string.h>

#include "bb-records-json.h"
#include "bb-server-private.h"

#define DEFAULT_HOLD_MINUTES 120
#define MAX_HOLD_MINUTES (7 * 24 * 60)

static void
reply_booking (BbRequest *req,
               guint      status,
               BbBooking *booking)
{
  g_autoptr(JsonNode) node = bb_booking_to_json (booking);

  _bb_reply_json (req, status, node);
}

static void
post_booking (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWard) ward = NULL;
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(JsonObject) no_features = NULL;
  JsonObject *features = NULL;
  const char *patient_ref = NULL;
  gint64 hospital_id = 0, ward_id = 0, start = 0;
  gint64 hold_minutes = DEFAULT_HOLD_MINUTES;
  gboolean future;

  if (!_bb_body_get_id (req->body, "hospital", TRUE, &hospital_id, &error) ||
      !_bb_body_get_id (req->body, "ward", TRUE, &ward_id, &error) ||
      !_bb_body_get_time (req->body, "start", FALSE, &start, &error) ||
      !_bb_body_get_string (req->body, "patient_ref", TRUE, &patient_ref, &error) ||
      !_bb_body_get_object (req->body, "features", FALSE, &features, &error) ||
      !_bb_body_get_int (req->body, "hold_minutes", FALSE, 1, MAX_HOLD_MINUTES,
                         &hold_minutes, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (strlen (patient_ref) > 200)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'patient_ref' is longer than 200 bytes");
      return;
    }
  if (features == NULL)
    features = no_features = json_object_new ();
  future = start != 0 && _bb_server_is_future (req->server, start);

  /* Holding a bed now needs only the ward's row; its bed counts (a sum over
   * every bed) are for the forecast of a future start. */
  if (future)
    ward = bb_store_get_ward (req->store, ward_id, &error);
  else
    ward = bb_store_get_ward_row (req->store, ward_id, &error);
  if (ward == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (ward->hospital_id != hospital_id)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'ward': ward %" G_GINT64_FORMAT " is not in hospital %" G_GINT64_FORMAT,
                       ward_id, hospital_id);
      return;
    }

  if (!_bb_models_validate_features (req->server, ward->model, features, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  if (future)
    {
      g_autoptr(JsonNode) forecast = NULL;

      if (!_bb_server_check_future_booking (req->server, ward, start, features, &forecast, &error))
        {
          _bb_reply_gerror_with_details (req, error, "forecast", forecast);
          return;
        }
    }
  else
    start = 0;

  booking = bb_store_create_booking (req->store, req->user->id, hospital_id, ward_id, start,
                                     patient_ref, features, (guint) hold_minutes, &error);
  if (booking == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_booking (req, SOUP_STATUS_CREATED, booking);
}

static void
get_bookings (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bookings = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  const char *status = g_hash_table_lookup (req->query, "status");
  gint64 hospital_id = 0;
  BbBookingStatus parsed;

  if (!_bb_query_get_id (req, "hospital", &hospital_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (status != NULL && *status == '\0')
    status = NULL;
  if (status != NULL && !bb_booking_status_from_string (status, &parsed))
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "query parameter 'status' must be held, confirmed, admitted, cancelled or expired");
      return;
    }

  bookings = bb_store_list_bookings (req->store, hospital_id, status, &error);
  if (bookings == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < bookings->len; i++)
    json_array_add_element (array, bb_booking_to_json (g_ptr_array_index (bookings, i)));
  json_object_set_array_member (object, "bookings", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_booking (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = bb_store_get_booking (req->store, req->ids[0], &error);

  if (booking == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_booking (req, SOUP_STATUS_OK, booking);
}

static void
post_confirm (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  JsonObject *forecast = NULL;
  const char *model = NULL, *version = NULL;
  double los_days = -1;

  if (!_bb_body_get_object (req->body, "forecast", FALSE, &forecast, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (forecast != NULL)
    {
      if (!_bb_body_get_string (forecast, "model", TRUE, &model, &error) ||
          !_bb_body_get_string (forecast, "version", FALSE, &version, &error) ||
          !_bb_body_get_double (forecast, "los_days", TRUE, 0, 3650, &los_days, NULL, &error))
        {
          g_prefix_error (&error, "forecast: ");
          _bb_reply_gerror (req, error);
          return;
        }
    }

  booking = bb_store_confirm_booking (req->store, req->user->id, req->ids[0],
                                      model, version, los_days, &error);
  if (booking == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_booking (req, SOUP_STATUS_OK, booking);
}

static void
post_cancel (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;

  booking = bb_store_cancel_booking (req->store, req->user->id, req->ids[0], &error);
  if (booking == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_booking (req, SOUP_STATUS_OK, booking);
}

static void
post_admit (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  gint64 bed_id = 0;

  if (!_bb_body_get_id (req->body, "bed", FALSE, &bed_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  booking = bb_store_admit_booking (req->store, req->user->id, req->ids[0], bed_id, &error);
  if (booking == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_booking (req, SOUP_STATUS_OK, booking);
}

const BbRoute _bb_routes_bookings[] = {
  { "POST", "/api/v1/bookings", BB_ROLE_STAFF, BB_ROUTE_BODY, post_booking },
  { "GET", "/api/v1/bookings", BB_ROLE_STAFF, BB_ROUTE_NONE, get_bookings },
  { "GET", "/api/v1/bookings/{id}", BB_ROLE_STAFF, BB_ROUTE_NONE, get_booking },
  { "POST", "/api/v1/bookings/{id}/confirm", BB_ROLE_STAFF, BB_ROUTE_BODY, post_confirm },
  { "POST", "/api/v1/bookings/{id}/cancel", BB_ROLE_STAFF, BB_ROUTE_BODY, post_cancel },
  { "POST", "/api/v1/bookings/{id}/admit", BB_ROLE_STAFF, BB_ROUTE_BODY, post_admit },
  { NULL, }
};
