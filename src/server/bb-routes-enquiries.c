/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-enquiries.c: families ask the admissions desk; staff accept and reply; families rate.
 *
 * Anyone may send an enquiry; a family member who is logged in has it tied
 * to their account and can read and rate the answers to their own. Staff see
 * every enquiry (the inbox). */
#define G_LOG_DOMAIN "bb-routes-enquiries"

#include "config.h"

#include <string.h>

#include "bb-records-json.h"
#include "bb-server-private.h"

#define MAX_SHORT_FIELD 320
#define MAX_MESSAGE 8000

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

/* Staff may see any enquiry; others only their own. */
static BbEnquiry *
get_visible_enquiry (BbRequest  *req,
                     GError    **error)
{
  g_autoptr(BbEnquiry) enquiry = bb_store_get_enquiry (req->store, req->ids[0], error);

  if (enquiry == NULL)
    return NULL;
  if (!_bb_request_is_staff (req) && enquiry->user_id != req->user->id)
    {
      /* Not found rather than forbidden: whether it exists is not theirs to know. */
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_NOT_FOUND,
                   "no enquiry %" G_GINT64_FORMAT, req->ids[0]);
      return NULL;
    }
  return g_steal_pointer (&enquiry);
}

static void
reply_enquiry (BbRequest *req,
               guint      status,
               gint64     enquiry_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbEnquiry) enquiry = bb_store_get_enquiry (req->store, enquiry_id, &error);

  _bb_reply_json_or_error (req, status, enquiry ? bb_enquiry_to_json (enquiry) : NULL, error);
}

static void
post_enquiry (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *name = NULL, *contact = NULL, *message = NULL;
  gint64 hospital_id = 0;
  gint64 id;

  if (!_bb_body_get_id (req->body, "hospital", TRUE, &hospital_id, &error) ||
      !_bb_body_get_string (req->body, "name", TRUE, &name, &error) ||
      !_bb_body_get_string (req->body, "contact", TRUE, &contact, &error) ||
      !_bb_body_get_string (req->body, "message", TRUE, &message, &error) ||
      !check_length ("name", name, MAX_SHORT_FIELD, &error) ||
      !check_length ("contact", contact, MAX_SHORT_FIELD, &error) ||
      !check_length ("message", message, MAX_MESSAGE, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  id = bb_store_create_enquiry (req->store, req->user ? req->user->id : 0, hospital_id,
                                name, contact, message, &error);
  if (id <= 0)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_enquiry (req, SOUP_STATUS_CREATED, id);
}

static void
get_enquiries (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enquiries = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 hospital_id = 0;

  if (!_bb_query_get_id (req, "hospital", &hospital_id, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  enquiries = bb_store_list_enquiries (req->store, hospital_id,
                                       _bb_request_is_staff (req) ? 0 : req->user->id, &error);
  if (enquiries == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  for (guint i = 0; i < enquiries->len; i++)
    json_array_add_element (array, bb_enquiry_to_json (g_ptr_array_index (enquiries, i)));
  json_object_set_array_member (object, "enquiries", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_enquiry (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbEnquiry) enquiry = get_visible_enquiry (req, &error);
  g_autoptr(JsonNode) node = NULL;

  if (enquiry == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  node = bb_enquiry_to_json (enquiry);
  _bb_reply_json (req, SOUP_STATUS_OK, node);
}

static void
post_accept (BbRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!bb_store_accept_enquiry (req->store, req->user->id, req->ids[0], &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_enquiry (req, SOUP_STATUS_OK, req->ids[0]);
}

static void
post_reply (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *reply = NULL;

  if (!_bb_body_get_string (req->body, "reply", TRUE, &reply, &error) ||
      !check_length ("reply", reply, MAX_MESSAGE, &error) ||
      !bb_store_reply_enquiry (req->store, req->user->id, req->ids[0], reply, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_enquiry (req, SOUP_STATUS_OK, req->ids[0]);
}

static void
post_rate (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbEnquiry) enquiry = NULL;
  gint64 rating = 0;

  if (!_bb_body_get_int (req->body, "rating", TRUE, 1, 5, &rating, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  enquiry = get_visible_enquiry (req, &error);
  if (enquiry == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (enquiry->user_id != req->user->id)
    {
      _bb_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                       "only the family member who asked may rate the answer");
      return;
    }
  if (!bb_store_rate_enquiry (req->store, req->user->id, req->ids[0], (int) rating, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  reply_enquiry (req, SOUP_STATUS_OK, req->ids[0]);
}

const BbRoute _bb_routes_enquiries[] = {
  { "POST", "/api/v1/enquiries", BB_ROLE_NONE, BB_ROUTE_BODY, post_enquiry },
  { "GET", "/api/v1/enquiries", BB_ROLE_FAMILY, BB_ROUTE_NONE, get_enquiries },
  { "GET", "/api/v1/enquiries/{id}", BB_ROLE_FAMILY, BB_ROUTE_NONE, get_enquiry },
  { "POST", "/api/v1/enquiries/{id}/accept", BB_ROLE_STAFF, BB_ROUTE_BODY, post_accept },
  { "POST", "/api/v1/enquiries/{id}/reply", BB_ROLE_STAFF, BB_ROUTE_BODY, post_reply },
  { "POST", "/api/v1/enquiries/{id}/rate", BB_ROLE_FAMILY, BB_ROUTE_BODY, post_rate },
  { NULL, }
};
