/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-records-json.c: turns records into the API's JSON and parses them back,
 * checking every member's type so a malformed document gives an error that
 * names the member instead of a half-filled record. */
#define G_LOG_DOMAIN "bb-core"

#include "config.h"

#include "bb-records-json.h"

G_DEFINE_QUARK (bb-records-error-quark, bb_records_error)

/* ---- writing ---- */

static void
set_time (JsonObject *obj,
          const char *name,
          gint64      t)
{
  g_autofree char *iso = NULL;

  if (t == 0)
    {
      json_object_set_null_member (obj, name);
      return;
    }

  iso = bb_time_to_iso8601 (t);
  if (iso != NULL)
    json_object_set_string_member (obj, name, iso);
  else
    json_object_set_null_member (obj, name);
}

static void
set_id (JsonObject *obj,
        const char *name,
        gint64      id)
{
  if (id == 0)
    json_object_set_null_member (obj, name);
  else
    json_object_set_int_member (obj, name, id);
}

static void
set_string (JsonObject *obj,
            const char *name,
            const char *value)
{
  if (value == NULL)
    json_object_set_null_member (obj, name);
  else
    json_object_set_string_member (obj, name, value);
}

static void
set_features (JsonObject *obj,
              const char *name,
              JsonObject *features)
{
  if (features != NULL)
    json_object_set_object_member (obj, name, json_object_ref (features));
  else
    json_object_set_object_member (obj, name, json_object_new ());
}

static JsonNode *
node_from_object (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

static void
add_counts (JsonObject        *obj,
            const BbBedCounts *c)
{
  json_object_set_int_member (obj, "free", c->free);
  json_object_set_int_member (obj, "occupied", c->occupied);
  json_object_set_int_member (obj, "reserved", c->reserved);
  json_object_set_int_member (obj, "cleaning", c->cleaning);
  json_object_set_int_member (obj, "closed", c->closed);
}

JsonNode *
bb_bed_counts_to_json (const BbBedCounts *counts)
{
  JsonObject *obj;

  g_return_val_if_fail (counts != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "total", counts->total);
  add_counts (obj, counts);
  return node_from_object (obj);
}

JsonNode *
bb_hospital_to_json (const BbHospital *hospital)
{
  JsonObject *obj;

  g_return_val_if_fail (hospital != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", hospital->id);
  set_string (obj, "name", hospital->name);
  set_string (obj, "address", hospital->address);
  json_object_set_double_member (obj, "latitude", hospital->latitude);
  json_object_set_double_member (obj, "longitude", hospital->longitude);
  set_string (obj, "phone", hospital->phone);
  set_time (obj, "updated_at", hospital->updated_at);
  json_object_set_member (obj, "beds", bb_bed_counts_to_json (&hospital->beds));
  if (hospital->distance_km >= 0)
    json_object_set_double_member (obj, "distance_km", hospital->distance_km);

  return node_from_object (obj);
}

JsonNode *
bb_ward_to_json (const BbWard *ward)
{
  JsonObject *obj;

  g_return_val_if_fail (ward != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", ward->id);
  json_object_set_int_member (obj, "hospital", ward->hospital_id);
  set_string (obj, "name", ward->name);
  set_string (obj, "kind", ward->kind);
  set_string (obj, "model", ward->model);
  json_object_set_int_member (obj, "capacity", ward->beds.total);
  add_counts (obj, &ward->beds);

  return node_from_object (obj);
}

JsonNode *
bb_bed_to_json (const BbBed *bed,
                gboolean     with_patient)
{
  JsonObject *obj;
  JsonArray *tags;

  g_return_val_if_fail (bed != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", bed->id);
  json_object_set_int_member (obj, "ward", bed->ward_id);
  set_string (obj, "label", bed->label);
  set_string (obj, "status", bb_bed_status_to_string (bed->status));
  json_object_set_boolean_member (obj, "reserved", bed->reserved);

  tags = json_array_new ();
  for (guint i = 0; bed->tags != NULL && bed->tags[i] != NULL; i++)
    json_array_add_string_element (tags, bed->tags[i]);
  json_object_set_array_member (obj, "tags", tags);

  if (with_patient && bed->admission_id != 0)
    {
      JsonObject *adm = json_object_new ();

      json_object_set_int_member (adm, "id", bed->admission_id);
      set_time (adm, "admitted_at", bed->admitted_at);
      set_features (adm, "features", bed->features);
      json_object_set_object_member (obj, "admission", adm);
    }

  return node_from_object (obj);
}

JsonNode *
bb_booking_to_json (const BbBooking *booking)
{
  JsonObject *obj;

  g_return_val_if_fail (booking != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", booking->id);
  json_object_set_int_member (obj, "hospital", booking->hospital_id);
  json_object_set_int_member (obj, "ward", booking->ward_id);
  set_id (obj, "bed", booking->bed_id);
  set_time (obj, "start", booking->start);
  set_string (obj, "status", bb_booking_status_to_string (booking->status));
  set_time (obj, "expires_at", booking->expires_at);
  set_string (obj, "patient_ref", booking->patient_ref);
  set_features (obj, "features", booking->features);

  if (booking->forecast_model != NULL)
    {
      JsonObject *fc = json_object_new ();

      json_object_set_string_member (fc, "model", booking->forecast_model);
      set_string (fc, "version", booking->forecast_version);
      if (booking->forecast_los_days >= 0)
        json_object_set_double_member (fc, "los_days", booking->forecast_los_days);
      else
        json_object_set_null_member (fc, "los_days");
      json_object_set_object_member (obj, "forecast", fc);
    }
  else
    {
      json_object_set_null_member (obj, "forecast");
    }

  set_id (obj, "admission", booking->admission_id);
  set_id (obj, "created_by", booking->created_by);
  set_time (obj, "created_at", booking->created_at);

  return node_from_object (obj);
}

JsonNode *
bb_admission_to_json (const BbAdmission *admission)
{
  JsonObject *obj;

  g_return_val_if_fail (admission != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", admission->id);
  json_object_set_int_member (obj, "bed", admission->bed_id);
  json_object_set_int_member (obj, "ward", admission->ward_id);
  json_object_set_int_member (obj, "hospital", admission->hospital_id);
  set_string (obj, "patient_ref", admission->patient_ref);
  set_features (obj, "features", admission->features);
  set_time (obj, "admitted_at", admission->admitted_at);
  set_time (obj, "discharged_at", admission->discharged_at);

  return node_from_object (obj);
}

JsonNode *
bb_enquiry_to_json (const BbEnquiry *enquiry)
{
  JsonObject *obj;

  g_return_val_if_fail (enquiry != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", enquiry->id);
  json_object_set_int_member (obj, "hospital", enquiry->hospital_id);
  set_id (obj, "user", enquiry->user_id);
  set_string (obj, "name", enquiry->name);
  set_string (obj, "contact", enquiry->contact);
  set_string (obj, "message", enquiry->message);
  set_string (obj, "status", enquiry->status);
  set_id (obj, "accepted_by", enquiry->accepted_by);
  set_string (obj, "reply", enquiry->reply);
  set_time (obj, "replied_at", enquiry->replied_at);
  if (enquiry->rating > 0)
    json_object_set_int_member (obj, "rating", enquiry->rating);
  else
    json_object_set_null_member (obj, "rating");
  set_time (obj, "created_at", enquiry->created_at);

  return node_from_object (obj);
}

JsonNode *
bb_user_to_json (const BbUser *user)
{
  JsonObject *obj;

  g_return_val_if_fail (user != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "id", user->id);
  set_string (obj, "email", user->email);
  set_string (obj, "name", user->name);
  set_string (obj, "role", bb_role_to_string (user->role));
  set_time (obj, "created_at", user->created_at);

  return node_from_object (obj);
}

JsonNode *
bb_event_to_json (const BbEvent *event)
{
  JsonObject *obj;

  g_return_val_if_fail (event != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "seq", event->seq);
  set_string (obj, "type", event->type);
  set_id (obj, "hospital", event->hospital_id);
  set_id (obj, "ward", event->ward_id);
  set_id (obj, "bed", event->bed_id);
  set_string (obj, "status", bb_bed_status_to_string (event->status));
  json_object_set_boolean_member (obj, "reserved", event->reserved);
  set_time (obj, "at", event->at);

  return node_from_object (obj);
}

/* ---- reading ---- */

static JsonObject *
object_of (JsonNode    *node,
           const char  *what,
           GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID,
                   "%s: expected a JSON object", what);
      return NULL;
    }

  return json_node_get_object (node);
}

/* Returns the member's value node, or NULL when absent or null. Sets an
 * error only when the member is required and missing. */
static JsonNode *
member (JsonObject  *obj,
        const char  *name,
        gboolean     required,
        GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID,
                     "missing member “%s”", name);
      return NULL;
    }

  return node;
}

static gboolean
wrong_type (const char  *name,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID,
               "member “%s” must be %s", name, expected);
  return FALSE;
}

static gboolean
read_int (JsonObject  *obj,
          const char  *name,
          gboolean     required,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = member (obj, name, required, error);

  if (node == NULL)
    {
      *out = 0;
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (name, "an integer", error);

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_double (JsonObject  *obj,
             const char  *name,
             gboolean     required,
             double      *out,
             GError     **error)
{
  JsonNode *node = member (obj, name, required, error);
  GType type;

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return wrong_type (name, "a number", error);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return wrong_type (name, "a number", error);

  return TRUE;
}

static gboolean
read_bool (JsonObject  *obj,
           const char  *name,
           gboolean     required,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = member (obj, name, required, error);

  if (node == NULL)
    {
      *out = FALSE;
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (name, "true or false", error);

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_string (JsonObject  *obj,
             const char  *name,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = member (obj, name, required, error);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (name, "a string", error);

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_time (JsonObject  *obj,
           const char  *name,
           gboolean     required,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = member (obj, name, required, error);

  *out = 0;
  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      !bb_time_from_iso8601 (json_node_get_string (node), out))
    return wrong_type (name, "an ISO 8601 time", error);

  return TRUE;
}

static gboolean
read_features (JsonObject  *obj,
               const char  *name,
               JsonObject **out,
               GError     **error)
{
  JsonNode *node = member (obj, name, FALSE, error);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (name, "an object", error);

  g_clear_pointer (out, json_object_unref);
  *out = json_object_ref (json_node_get_object (node));
  return TRUE;
}

static gboolean
read_status (JsonObject   *obj,
             const char   *name,
             BbBedStatus  *out,
             GError      **error)
{
  g_autofree char *s = NULL;

  if (!read_string (obj, name, TRUE, &s, error))
    return FALSE;
  if (!bb_bed_status_from_string (s, out))
    return wrong_type (name, "one of U, O, H, C, I, K", error);

  return TRUE;
}

static gboolean
read_counts (JsonObject   *obj,
             gboolean      with_total,
             BbBedCounts  *c,
             GError      **error)
{
  struct { const char *name; guint *field; } fields[] = {
    { with_total ? "total" : "capacity", &c->total },
    { "free", &c->free },
    { "occupied", &c->occupied },
    { "reserved", &c->reserved },
    { "cleaning", &c->cleaning },
    { "closed", &c->closed },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      gint64 v = 0;

      if (!read_int (obj, fields[i].name, TRUE, &v, error))
        return FALSE;
      if (v < 0 || v > G_MAXUINT)
        return wrong_type (fields[i].name, "a count", error);
      *fields[i].field = (guint) v;
    }

  return TRUE;
}

BbHospital *
bb_hospital_from_json (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(BbHospital) h = g_new0 (BbHospital, 1);
  JsonObject *obj;
  JsonNode *beds;

  if (!(obj = object_of (node, "hospital", error)))
    return NULL;

  h->distance_km = -1;
  if (!read_int (obj, "id", TRUE, &h->id, error) ||
      !read_string (obj, "name", TRUE, &h->name, error) ||
      !read_string (obj, "address", FALSE, &h->address, error) ||
      !read_double (obj, "latitude", TRUE, &h->latitude, error) ||
      !read_double (obj, "longitude", TRUE, &h->longitude, error) ||
      !read_string (obj, "phone", FALSE, &h->phone, error) ||
      !read_time (obj, "updated_at", FALSE, &h->updated_at, error) ||
      !read_double (obj, "distance_km", FALSE, &h->distance_km, error))
    return NULL;

  beds = member (obj, "beds", FALSE, error);
  if (beds != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (beds))
        {
          wrong_type ("beds", "an object", error);
          return NULL;
        }
      if (!read_counts (json_node_get_object (beds), TRUE, &h->beds, error))
        return NULL;
    }

  return g_steal_pointer (&h);
}

BbWard *
bb_ward_from_json (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(BbWard) w = g_new0 (BbWard, 1);
  JsonObject *obj;

  if (!(obj = object_of (node, "ward", error)))
    return NULL;

  if (!read_int (obj, "id", TRUE, &w->id, error) ||
      !read_int (obj, "hospital", FALSE, &w->hospital_id, error) ||
      !read_string (obj, "name", TRUE, &w->name, error) ||
      !read_string (obj, "kind", TRUE, &w->kind, error) ||
      !read_string (obj, "model", FALSE, &w->model, error) ||
      !read_counts (obj, FALSE, &w->beds, error))
    return NULL;

  if (w->model == NULL)
    w->model = g_strdup (bb_ward_kind_model (w->kind));

  return g_steal_pointer (&w);
}

BbBed *
bb_bed_from_json (JsonNode  *node,
                  GError   **error)
{
  g_autoptr(BbBed) b = g_new0 (BbBed, 1);
  JsonObject *obj;
  JsonNode *tags;
  JsonNode *adm;

  if (!(obj = object_of (node, "bed", error)))
    return NULL;

  if (!read_int (obj, "id", TRUE, &b->id, error) ||
      !read_int (obj, "ward", FALSE, &b->ward_id, error) ||
      !read_string (obj, "label", TRUE, &b->label, error) ||
      !read_status (obj, "status", &b->status, error) ||
      !read_bool (obj, "reserved", FALSE, &b->reserved, error))
    return NULL;

  tags = member (obj, "tags", FALSE, error);
  if (tags != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *arr;

      if (!JSON_NODE_HOLDS_ARRAY (tags))
        {
          wrong_type ("tags", "an array of strings", error);
          return NULL;
        }
      arr = json_node_get_array (tags);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *t = json_array_get_element (arr, i);

          if (!JSON_NODE_HOLDS_VALUE (t) || json_node_get_value_type (t) != G_TYPE_STRING)
            {
              wrong_type ("tags", "an array of strings", error);
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (t));
        }
      b->tags = g_strv_builder_end (builder);
    }
  else
    {
      b->tags = g_new0 (char *, 1);
    }

  adm = member (obj, "admission", FALSE, error);
  if (adm != NULL)
    {
      JsonObject *aobj;

      if (!JSON_NODE_HOLDS_OBJECT (adm))
        {
          wrong_type ("admission", "an object", error);
          return NULL;
        }
      aobj = json_node_get_object (adm);
      if (!read_int (aobj, "id", TRUE, &b->admission_id, error) ||
          !read_time (aobj, "admitted_at", FALSE, &b->admitted_at, error) ||
          !read_features (aobj, "features", &b->features, error))
        return NULL;
    }

  return g_steal_pointer (&b);
}

BbBooking *
bb_booking_from_json (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(BbBooking) b = g_new0 (BbBooking, 1);
  g_autofree char *status = NULL;
  JsonObject *obj;
  JsonNode *fc;

  if (!(obj = object_of (node, "booking", error)))
    return NULL;

  b->forecast_los_days = -1;
  if (!read_int (obj, "id", TRUE, &b->id, error) ||
      !read_int (obj, "hospital", TRUE, &b->hospital_id, error) ||
      !read_int (obj, "ward", TRUE, &b->ward_id, error) ||
      !read_int (obj, "bed", FALSE, &b->bed_id, error) ||
      !read_time (obj, "start", FALSE, &b->start, error) ||
      !read_string (obj, "status", TRUE, &status, error) ||
      !read_time (obj, "expires_at", FALSE, &b->expires_at, error) ||
      !read_string (obj, "patient_ref", FALSE, &b->patient_ref, error) ||
      !read_features (obj, "features", &b->features, error) ||
      !read_int (obj, "admission", FALSE, &b->admission_id, error) ||
      !read_int (obj, "created_by", FALSE, &b->created_by, error) ||
      !read_time (obj, "created_at", FALSE, &b->created_at, error))
    return NULL;

  if (!bb_booking_status_from_string (status, &b->status))
    {
      wrong_type ("status", "one of held, confirmed, admitted, cancelled, expired", error);
      return NULL;
    }

  fc = member (obj, "forecast", FALSE, error);
  if (fc != NULL)
    {
      JsonObject *fobj;

      if (!JSON_NODE_HOLDS_OBJECT (fc))
        {
          wrong_type ("forecast", "an object", error);
          return NULL;
        }
      fobj = json_node_get_object (fc);
      if (!read_string (fobj, "model", TRUE, &b->forecast_model, error) ||
          !read_string (fobj, "version", FALSE, &b->forecast_version, error) ||
          !read_double (fobj, "los_days", FALSE, &b->forecast_los_days, error))
        return NULL;
    }

  return g_steal_pointer (&b);
}

BbEvent *
bb_event_from_json (JsonNode  *node,
                    GError   **error)
{
  g_autoptr(BbEvent) e = g_new0 (BbEvent, 1);
  JsonObject *obj;

  if (!(obj = object_of (node, "event", error)))
    return NULL;

  if (!read_int (obj, "seq", TRUE, &e->seq, error) ||
      !read_string (obj, "type", TRUE, &e->type, error) ||
      !read_int (obj, "hospital", FALSE, &e->hospital_id, error) ||
      !read_int (obj, "ward", FALSE, &e->ward_id, error) ||
      !read_int (obj, "bed", FALSE, &e->bed_id, error) ||
      !read_bool (obj, "reserved", FALSE, &e->reserved, error) ||
      !read_time (obj, "at", TRUE, &e->at, error))
    return NULL;

  /* Events about something other than a bed carry no status. */
  if (json_object_has_member (obj, "status") &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (obj, "status")))
    {
      if (!read_status (obj, "status", &e->status, error))
        return NULL;
    }

  return g_steal_pointer (&e);
}
