/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-api-client.c: the client's side of docs/api.md, on one SoupSession.
 *
 * Every call goes through request(): build the message, send it and read
 * the whole answer asynchronously, map a non-2xx answer to BB_API_ERROR
 * (keeping the server's error object on the GError), then turn the JSON
 * into records with a parse function. Answers are small (the biggest is a
 * ward's occupancy series), so parsing happens on the main thread; loading
 * an XGBoost model does not, it runs in a worker thread. */
#define G_LOG_DOMAIN "bb-api"

#include "config.h"

#include "bb-api-client.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>

#include "bb-records-json.h"

struct _BbApiClient
{
  GObject      parent_instance;
  SoupSession *session;
  char        *base_url;
  char        *token;
  char        *model_cache_dir;
};

G_DEFINE_FINAL_TYPE (BbApiClient, bb_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The error domain, with the server's error object on each GError. */
typedef struct
{
  JsonObject *details;
  guint       status;
  guint       retry_after;
} BbApiErrorPrivate;

static void
bb_api_error_private_init (BbApiErrorPrivate *priv)
{
}

static void
bb_api_error_private_copy (const BbApiErrorPrivate *src,
                           BbApiErrorPrivate       *dest)
{
  dest->details = src->details != NULL ? json_object_ref (src->details) : NULL;
  dest->status = src->status;
  dest->retry_after = src->retry_after;
}

static void
bb_api_error_private_clear (BbApiErrorPrivate *priv)
{
  if (priv != NULL && priv->details != NULL)
    {
      json_object_unref (priv->details);
      priv->details = NULL;
    }
}

G_DEFINE_EXTENDED_ERROR (BbApiError, bb_api_error)

JsonObject *
bb_api_error_get_details (const GError *error)
{
  BbApiErrorPrivate *priv;

  if (error == NULL || error->domain != BB_API_ERROR)
    return NULL;
  priv = bb_api_error_get_private (error);
  return priv != NULL ? priv->details : NULL;
}

guint
bb_api_error_get_status (const GError *error)
{
  BbApiErrorPrivate *priv;

  if (error == NULL || error->domain != BB_API_ERROR)
    return 0;
  priv = bb_api_error_get_private (error);
  return priv != NULL ? priv->status : 0;
}

guint
bb_api_error_get_retry_after (const GError *error)
{
  BbApiErrorPrivate *priv;

  if (error == NULL || error->domain != BB_API_ERROR)
    return 0;
  priv = bb_api_error_get_private (error);
  return priv != NULL ? priv->retry_after : 0;
}

static double read_double_or (JsonObject *o,
                              const char *member,
                              double      fallback);

double
bb_api_error_get_p_free_at_start (const GError *error)
{
  JsonObject *details = bb_api_error_get_details (error);
  JsonNode *forecast = details != NULL ? json_object_get_member (details, "forecast") : NULL;

  if (forecast == NULL || !JSON_NODE_HOLDS_OBJECT (forecast))
    return NAN;
  return read_double_or (json_node_get_object (forecast), "p_free_at_start", NAN);
}

/* ---- JSON readers for the records the core has no codec for ---- */

static gboolean
require_object (JsonNode    *node,
                const char  *what,
                JsonObject **out,
                GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer is not what was expected: %s is not an object"), what);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_int (JsonObject  *o,
          const char  *member,
          gboolean     required,
          gint64      *out,
          GError     **error)
{
  JsonNode *n = json_object_get_member (o, member);

  *out = 0;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (!required)
        return TRUE;
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has no “%s”"), member);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_INT64 && json_node_get_value_type (n) != G_TYPE_DOUBLE))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has a “%s” that is not a number"), member);
      return FALSE;
    }
  *out = json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n)
                                                       : (gint64) json_node_get_double (n);
  return TRUE;
}

static double
read_double_or (JsonObject *o,
                const char *member,
                double      fallback)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, member) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return fallback;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return (double) json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    return json_node_get_double (n);
  return fallback;
}

static gboolean
read_string (JsonObject  *o,
             const char  *member,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *n = json_object_get_member (o, member);

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (!required)
        return TRUE;
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has no “%s”"), member);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has a “%s” that is not text"), member);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (n));
  return TRUE;
}

static gboolean
read_time (JsonObject  *o,
           const char  *member,
           gboolean     required,
           gint64      *out,
           GError     **error)
{
  g_autofree char *s = NULL;

  *out = 0;
  if (!read_string (o, member, required, &s, error))
    return FALSE;
  if (s != NULL && !bb_time_from_iso8601 (s, out))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has a “%s” that is not a time"), member);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
dup_object_member (JsonObject *o,
                   const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  return json_object_ref (json_node_get_object (n));
}

static BbAdmission *
admission_from_json (JsonNode  *node,
                     GError   **error)
{
  g_autoptr(BbAdmission) a = g_new0 (BbAdmission, 1);
  JsonObject *o;

  if (!require_object (node, "admission", &o, error) ||
      !read_int (o, "id", TRUE, &a->id, error) ||
      !read_int (o, "bed", FALSE, &a->bed_id, error) ||
      !read_int (o, "ward", FALSE, &a->ward_id, error) ||
      !read_int (o, "hospital", FALSE, &a->hospital_id, error) ||
      !read_string (o, "patient_ref", FALSE, &a->patient_ref, error) ||
      !read_time (o, "admitted_at", TRUE, &a->admitted_at, error) ||
      !read_time (o, "discharged_at", FALSE, &a->discharged_at, error))
    return NULL;
  a->features = dup_object_member (o, "features");
  return g_steal_pointer (&a);
}

static BbEnquiry *
enquiry_from_json (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(BbEnquiry) e = g_new0 (BbEnquiry, 1);
  gint64 rating = 0;
  JsonObject *o;

  if (!require_object (node, "enquiry", &o, error) ||
      !read_int (o, "id", TRUE, &e->id, error) ||
      !read_int (o, "hospital", TRUE, &e->hospital_id, error) ||
      !read_int (o, "user", FALSE, &e->user_id, error) ||
      !read_string (o, "name", FALSE, &e->name, error) ||
      !read_string (o, "contact", FALSE, &e->contact, error) ||
      !read_string (o, "message", TRUE, &e->message, error) ||
      !read_string (o, "status", TRUE, &e->status, error) ||
      !read_int (o, "accepted_by", FALSE, &e->accepted_by, error) ||
      !read_string (o, "reply", FALSE, &e->reply, error) ||
      !read_time (o, "replied_at", FALSE, &e->replied_at, error) ||
      !read_int (o, "rating", FALSE, &rating, error) ||
      !read_time (o, "created_at", FALSE, &e->created_at, error))
    return NULL;
  e->rating = (int) CLAMP (rating, 0, 5);
  return g_steal_pointer (&e);
}

static BbUser *
user_from_json (JsonNode  *node,
                GError   **error)
{
  g_autoptr(BbUser) u = g_new0 (BbUser, 1);
  g_autofree char *role = NULL;
  JsonObject *o;

  if (!require_object (node, "user", &o, error) ||
      !read_int (o, "id", TRUE, &u->id, error) ||
      !read_string (o, "email", TRUE, &u->email, error) ||
      !read_string (o, "name", FALSE, &u->name, error) ||
      !read_string (o, "role", TRUE, &role, error) ||
      !read_time (o, "created_at", FALSE, &u->created_at, error))
    return NULL;
  if (!bb_role_from_string (role, &u->role))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server sent an unknown role “%s”"), role);
      return NULL;
    }
  return g_steal_pointer (&u);
}

/* Wraps the core's codec errors as BB_API_ERROR_INVALID. */
static gpointer
wrap_core_error (gpointer   result,
                 GError   **error)
{
  if (result == NULL && error != NULL && *error != NULL && (*error)->domain != BB_API_ERROR)
    {
      GError *e = *error;

      *error = g_error_new (BB_API_ERROR, BB_API_ERROR_INVALID,
                            _("The server’s answer could not be read: %s"), e->message);
      g_error_free (e);
    }
  return result;
}

typedef gpointer (*ParseItem) (JsonNode *node, GError **error);

/* root[member] as an array of items, each parsed with parse. */
static GPtrArray *
parse_array (JsonNode       *root,
             const char     *member,
             ParseItem       parse,
             GDestroyNotify  free_func,
             GError        **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (free_func);
  JsonObject *o;
  JsonNode *n;
  JsonArray *array;

  if (!require_object (root, "the answer", &o, error))
    return NULL;
  n = json_object_get_member (o, member);
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has no list “%s”"), member);
      return NULL;
    }
  array = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gpointer item = wrap_core_error (parse (json_array_get_element (array, i), error), error);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (out, item);
    }
  return g_steal_pointer (&out);
}

/* ---- the request machinery ---- */

typedef gpointer (*ParseAnswer) (JsonNode *root, gpointer parse_data, GError **error);

typedef struct
{
  SoupMessage    *message;
  ParseAnswer     parse;
  gpointer        parse_data;
  GDestroyNotify  parse_data_free;
  GDestroyNotify  result_free;
  gboolean        raw;   /* return the body as GBytes */
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_clear_object (&data->message);
  if (data->parse_data_free != NULL)
    g_clear_pointer (&data->parse_data, data->parse_data_free);
  g_free (data);
}

static GError *
error_from_answer (SoupMessage *message,
                   GBytes      *body)
{
  guint status = soup_message_get_status (message);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonObject) details = NULL;
  g_autofree char *message_text = NULL;
  const char *code = NULL;
  const char *retry_after;
  BbApiErrorPrivate *priv;
  BbApiError error_code;
  GError *error;

  if (body != NULL && g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    {
      JsonNode *root = json_parser_get_root (parser);

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *ro = json_node_get_object (root);
          JsonObject *eo = NULL;

          if (json_object_has_member (ro, "error") &&
              JSON_NODE_HOLDS_OBJECT (json_object_get_member (ro, "error")))
            eo = json_object_get_object_member (ro, "error");
          details = json_object_new ();
          if (eo != NULL)
            {
              g_autoptr(GList) members = json_object_get_members (eo);

              for (GList *l = members; l != NULL; l = l->next)
                json_object_set_member (details, l->data,
                                        json_node_copy (json_object_get_member (eo, l->data)));
            }
          /* Anything next to "error" (e.g. a forecast sent with a 409). */
          {
            g_autoptr(GList) members = json_object_get_members (ro);

            for (GList *l = members; l != NULL; l = l->next)
              if (g_strcmp0 (l->data, "error") != 0 && !json_object_has_member (details, l->data))
                json_object_set_member (details, l->data,
                                        json_node_copy (json_object_get_member (ro, l->data)));
          }
          if (json_object_has_member (details, "code") &&
              JSON_NODE_HOLDS_VALUE (json_object_get_member (details, "code")))
            code = json_object_get_string_member (details, "code");
          if (json_object_has_member (details, "message") &&
              JSON_NODE_HOLDS_VALUE (json_object_get_member (details, "message")))
            message_text = g_strdup (json_object_get_string_member (details, "message"));
        }
    }

  if (g_strcmp0 (code, "no_capacity") == 0)
    error_code = BB_API_ERROR_NO_CAPACITY;
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    error_code = BB_API_ERROR_UNAUTHORIZED;
  else if (status == SOUP_STATUS_FORBIDDEN)
    error_code = BB_API_ERROR_FORBIDDEN;
  else if (status == SOUP_STATUS_NOT_FOUND)
    error_code = BB_API_ERROR_NOT_FOUND;
  else if (status == SOUP_STATUS_CONFLICT)
    error_code = BB_API_ERROR_CONFLICT;
  else if (status == 429)
    error_code = BB_API_ERROR_TOO_MANY;
  else if (status >= 500)
    error_code = BB_API_ERROR_SERVER;
  else
    error_code = BB_API_ERROR_INVALID;

  if (message_text == NULL)
    message_text = g_strdup_printf (_("The server answered %u %s"), status,
                                    soup_message_get_reason_phrase (message) != NULL ?
                                    soup_message_get_reason_phrase (message) : "");

  error = g_error_new_literal (BB_API_ERROR, error_code, message_text);
  priv = bb_api_error_get_private (error);
  g_assert (priv != NULL);
  priv->details = g_steal_pointer (&details);
  priv->status = status;
  retry_after = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  if (retry_after != NULL)
    priv->retry_after = (guint) g_ascii_strtoull (retry_after, NULL, 10);
  return error;
}

static void
on_send_and_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root = NULL;
  gpointer answer;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, BB_API_ERROR, BB_API_ERROR_NETWORK,
                                 _("Cannot reach the server: %s"), error->message);
      return;
    }

  status = soup_message_get_status (data->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, error_from_answer (data->message, body));
      return;
    }

  if (data->raw)
    {
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (g_bytes_get_size (body) > 0)
    {
      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                       g_bytes_get_size (body), &error))
        {
          g_task_return_new_error (task, BB_API_ERROR, BB_API_ERROR_INVALID,
                                   _("The server’s answer is not JSON: %s"), error->message);
          return;
        }
      root = json_parser_get_root (parser);
    }

  if (data->parse == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  answer = data->parse (root, data->parse_data, &error);
  if (answer == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (BB_API_ERROR, BB_API_ERROR_INVALID,
                                     _("The server’s answer is empty"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, answer, data->result_free);
}

static char *
build_uri (BbApiClient *self,
           const char  *path)
{
  const char *base = self->base_url;
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s", (int) len, base, path);
}

/* Sends method path (with its query) with body (may be NULL; taken) and
 * finishes task with parse(root). */
static void
request (BbApiClient         *self,
         const char          *method,
         const char          *path,
         JsonNode            *body,
         gboolean             raw,
         ParseAnswer          parse,
         gpointer             parse_data,
         GDestroyNotify       parse_data_free,
         GDestroyNotify       result_free,
         gpointer             source_tag,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body_node = body;
  g_autofree char *uri = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) error = NULL;
  RequestData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (RequestData, 1);
  data->parse = parse;
  data->parse_data = parse_data;
  data->parse_data_free = parse_data_free;
  data->result_free = result_free;
  data->raw = raw;
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);

  uri = build_uri (self, path);
  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, &error);
  if (parsed == NULL)
    {
      g_task_return_new_error (task, BB_API_ERROR, BB_API_ERROR_NETWORK,
                               _("The server address “%s” is not valid: %s"),
                               self->base_url, error->message);
      return;
    }
  data->message = soup_message_new_from_uri (method, parsed);
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);

      soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                    "Authorization", auth);
    }
  soup_message_headers_replace (soup_message_get_request_headers (data->message),
                                "Accept", "application/json");
  if (body_node != NULL)
    {
      gsize length = 0;
      g_autofree char *text = json_to_string (body_node, FALSE);
      g_autoptr(GBytes) bytes = NULL;

      length = strlen (text);
      bytes = g_bytes_new_take (g_steal_pointer (&text), length);
      soup_message_set_request_body_from_bytes (data->message, "application/json", bytes);
    }
  else if (g_strcmp0 (method, "POST") == 0)
    {
      g_autoptr(GBytes) empty = g_bytes_new_static ("{}", 2);

      soup_message_set_request_body_from_bytes (data->message, "application/json", empty);
    }

  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    cancellable, on_send_and_read_cb, g_steal_pointer (&task));
}

static gpointer
finish_pointer (BbApiClient  *self,
                GAsyncResult *result,
                GError      **error)
{
  g_return_val_if_fail (BB_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- parse functions per answer ---- */

static gpointer
parse_hospitals (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "hospitals", (ParseItem) bb_hospital_from_json,
                      (GDestroyNotify) bb_hospital_free, error);
}

typedef struct
{
  BbHospital *hospital;
  GPtrArray  *wards;
} HospitalDetail;

static void
hospital_detail_free (HospitalDetail *d)
{
  g_clear_pointer (&d->hospital, bb_hospital_free);
  g_clear_pointer (&d->wards, g_ptr_array_unref);
  g_free (d);
}

static gpointer
parse_hospital_detail (JsonNode *root, gpointer unused, GError **error)
{
  HospitalDetail *d = g_new0 (HospitalDetail, 1);

  d->hospital = wrap_core_error (bb_hospital_from_json (root, error), error);
  if (d->hospital == NULL ||
      (d->wards = parse_array (root, "wards", (ParseItem) bb_ward_from_json,
                               (GDestroyNotify) bb_ward_free, error)) == NULL)
    {
      hospital_detail_free (d);
      return NULL;
    }
  return d;
}

static gpointer
parse_beds (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "beds", (ParseItem) bb_bed_from_json, (GDestroyNotify) bb_bed_free, error);
}

static gpointer
parse_occupancy_series (JsonNode *node, GError **error)
{
  g_autoptr(BbOccupancySeries) s = g_new0 (BbOccupancySeries, 1);
  JsonObject *o;
  JsonNode *pn;
  JsonArray *points;

  if (!require_object (node, "series", &o, error) ||
      !read_int (o, "ward", TRUE, &s->ward_id, error))
    return NULL;
  pn = json_object_get_member (o, "points");
  if (pn == NULL || !JSON_NODE_HOLDS_ARRAY (pn))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   _("The server’s answer has no list “%s”"), "points");
      return NULL;
    }
  points = json_node_get_array (pn);
  s->n_points = json_array_get_length (points);
  s->points = g_new0 (BbOccupancyPoint, MAX (s->n_points, 1));
  for (guint i = 0; i < s->n_points; i++)
    {
      JsonObject *po;
      gint64 occupied, capacity;

      if (!require_object (json_array_get_element (points, i), "point", &po, error) ||
          !read_time (po, "t", TRUE, &s->points[i].t, error) ||
          !read_int (po, "occupied", TRUE, &occupied, error) ||
          !read_int (po, "capacity", TRUE, &capacity, error))
        return NULL;
      s->points[i].occupied = (guint) CLAMP (occupied, 0, G_MAXUINT);
      s->points[i].capacity = (guint) CLAMP (capacity, 0, G_MAXUINT);
    }
  return g_steal_pointer (&s);
}

static gpointer
parse_occupancy (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "series", (ParseItem) parse_occupancy_series,
                      (GDestroyNotify) bb_occupancy_series_free, error);
}

static gpointer
parse_forecast_entry (JsonNode *node, GError **error)
{
  g_autoptr(BbWardForecastEntry) e = g_new0 (BbWardForecastEntry, 1);
  JsonObject *o;
  JsonNode *fn;
  JsonNode *model;

  if (!require_object (node, "ward forecast", &o, error) ||
      !read_int (o, "ward", TRUE, &e->ward_id, error) ||
      !read_string (o, "model_version", FALSE, &e->model_version, error) ||
      !read_string (o, "unavailable", FALSE, &e->unavailable, error))
    return NULL;
  /* "model" is the model's name; bb_ward_forecast_to_json writes it as
   * {"name", "version"}: take either. */
  model = json_object_get_member (o, "model");
  if (model != NULL && JSON_NODE_HOLDS_OBJECT (model))
    {
      g_clear_pointer (&e->model_version, g_free);
      if (!read_string (json_node_get_object (model), "name", FALSE, &e->model_name, error) ||
          !read_string (json_node_get_object (model), "version", FALSE, &e->model_version, error))
        return NULL;
    }
  else if (!read_string (o, "model", FALSE, &e->model_name, error))
    return NULL;
  if (e->unavailable != NULL)
    return g_steal_pointer (&e);

  /* The forecast is the entry itself or under "forecast". */
  fn = json_object_get_member (o, "forecast");
  if (fn == NULL || !JSON_NODE_HOLDS_OBJECT (fn))
    fn = node;
  e->forecast = wrap_core_error (bb_ward_forecast_new_from_json (fn, error), error);
  if (e->forecast == NULL)
    return NULL;
  return g_steal_pointer (&e);
}

static gpointer
parse_forecast (JsonNode *root, gpointer unused, GError **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  JsonObject *o;
  gint64 computed_at = 0;

  if (!require_object (root, "the answer", &o, error) ||
      !read_time (o, "computed_at", FALSE, &computed_at, error))
    return NULL;
  entries = parse_array (root, "wards", (ParseItem) parse_forecast_entry,
                         (GDestroyNotify) bb_ward_forecast_entry_free, error);
  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    ((BbWardForecastEntry *) g_ptr_array_index (entries, i))->at = computed_at;
  return g_steal_pointer (&entries);
}

typedef struct
{
  GPtrArray *inpatients;
  gint64     at;
} Inpatients;

static void
inpatients_free (Inpatients *i)
{
  g_clear_pointer (&i->inpatients, g_ptr_array_unref);
  g_free (i);
}

static gpointer
parse_inpatients (JsonNode *root, gpointer unused, GError **error)
{
  Inpatients *i = g_new0 (Inpatients, 1);
  JsonObject *o;

  if (!require_object (root, "the answer", &o, error) ||
      !read_time (o, "at", FALSE, &i->at, error) ||
      (i->inpatients = parse_array (root, "inpatients", (ParseItem) admission_from_json,
                                    (GDestroyNotify) bb_admission_free, error)) == NULL)
    {
      inpatients_free (i);
      return NULL;
    }
  return i;
}

static gpointer
parse_discharge (JsonNode *node, GError **error)
{
  g_autoptr(BbDischarge) d = g_new0 (BbDischarge, 1);
  JsonNode *stays;

  if ((d->admission = admission_from_json (node, error)) == NULL)
    return NULL;
  stays = json_object_get_member (json_node_get_object (node), "ward_stays");
  if (stays != NULL && JSON_NODE_HOLDS_ARRAY (stays))
    {
      JsonArray *array = json_node_get_array (stays);

      d->n_ward_stays = json_array_get_length (array);
      d->ward_stays = g_new0 (BbWardStay, d->n_ward_stays);
      for (guint i = 0; i < d->n_ward_stays; i++)
        {
          JsonObject *o;

          if (!require_object (json_array_get_element (array, i), "ward stay", &o, error) ||
              !read_int (o, "ward", TRUE, &d->ward_stays[i].ward_id, error) ||
              !read_time (o, "from", TRUE, &d->ward_stays[i].from, error) ||
              !read_time (o, "to", FALSE, &d->ward_stays[i].to, error))
            return NULL;
        }
    }
  return g_steal_pointer (&d);
}

static gpointer
parse_discharges (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "discharges", (ParseItem) parse_discharge,
                      (GDestroyNotify) bb_discharge_free, error);
}

static gpointer
parse_admission (JsonNode *root, gpointer unused, GError **error)
{
  return admission_from_json (root, error);
}

static gpointer
parse_booking (JsonNode *root, gpointer unused, GError **error)
{
  return wrap_core_error (bb_booking_from_json (root, error), error);
}

static gpointer
parse_bookings (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "bookings", (ParseItem) bb_booking_from_json,
                      (GDestroyNotify) bb_booking_free, error);
}

static gpointer
parse_enquiry (JsonNode *root, gpointer unused, GError **error)
{
  return enquiry_from_json (root, error);
}

static gpointer
parse_enquiries (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "enquiries", (ParseItem) enquiry_from_json,
                      (GDestroyNotify) bb_enquiry_free, error);
}

static gpointer
parse_user (JsonNode *root, gpointer unused, GError **error)
{
  return user_from_json (root, error);
}

static gpointer
parse_login (JsonNode *root, gpointer unused, GError **error)
{
  g_autoptr(BbLogin) login = g_new0 (BbLogin, 1);
  JsonObject *o;

  if (!require_object (root, "the answer", &o, error) ||
      !read_string (o, "token", TRUE, &login->token, error) ||
      !read_time (o, "expires_at", FALSE, &login->expires_at, error))
    return NULL;
  login->user = user_from_json (json_object_get_member (o, "user"), error);
  if (login->user == NULL)
    return NULL;
  return g_steal_pointer (&login);
}

typedef struct
{
  gint64 last_event_seq;
  gint64 time;
} Health;

static gpointer
parse_health (JsonNode *root, gpointer unused, GError **error)
{
  g_autofree Health *h = g_new0 (Health, 1);
  JsonObject *o;

  if (!require_object (root, "the answer", &o, error) ||
      !read_int (o, "last_event_seq", TRUE, &h->last_event_seq, error) ||
      !read_time (o, "time", FALSE, &h->time, error))
    return NULL;
  return g_steal_pointer (&h);
}

static gpointer
parse_model_info (JsonNode *node, GError **error)
{
  g_autoptr(BbModelInfo) info = g_new0 (BbModelInfo, 1);
  JsonObject *o;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      info->name = g_strdup (json_node_get_string (node));
      return g_steal_pointer (&info);
    }
  if (!require_object (node, "model", &o, error) ||
      !read_string (o, "name", TRUE, &info->name, error) ||
      !read_string (o, "version", FALSE, &info->version, error) ||
      !read_string (o, "created_at", FALSE, &info->created_at, error))
    return NULL;
  if (json_object_has_member (o, "target") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "target")))
    read_string (json_object_get_object_member (o, "target"), "name", FALSE, &info->target, NULL);
  return g_steal_pointer (&info);
}

static gpointer
parse_models (JsonNode *root, gpointer unused, GError **error)
{
  return parse_array (root, "models", (ParseItem) parse_model_info,
                      (GDestroyNotify) bb_model_info_free, error);
}

static gpointer
parse_retrain (JsonNode *root, gpointer unused, GError **error)
{
  g_autoptr(BbRetrainStatus) s = g_new0 (BbRetrainStatus, 1);
  g_autoptr(JsonObject) result = NULL;
  JsonObject *o;

  s->mae_before = NAN;
  s->mae_after = NAN;
  if (!require_object (root, "retrain status", &o, error) ||
      !read_string (o, "model", FALSE, &s->model, error) ||
      !read_string (o, "status", TRUE, &s->state, error) ||
      !read_string (o, "stage", FALSE, &s->stage, error) ||
      !read_string (o, "error", FALSE, &s->error, error) ||
      !read_time (o, "started_at", FALSE, &s->started_at, error) ||
      !read_time (o, "finished_at", FALSE, &s->finished_at, error))
    return NULL;
  s->progress = CLAMP (read_double_or (o, "progress", 0), 0, 1);
  result = dup_object_member (o, "result");
  if (result != NULL)
    {
      JsonNode *swapped = json_object_get_member (result, "swapped");
      JsonNode *mae = json_object_get_member (result, "mae_days");

      if (!read_string (result, "version", FALSE, &s->version, error) ||
          !read_string (result, "previous_version", FALSE, &s->previous_version, error) ||
          !read_int (result, "held_out_stays", FALSE, &s->held_out_stays, error))
        return NULL;

      s->swapped = swapped != NULL && JSON_NODE_HOLDS_VALUE (swapped) &&
                   json_node_get_value_type (swapped) == G_TYPE_BOOLEAN && json_node_get_boolean (swapped);
      if (mae != NULL && JSON_NODE_HOLDS_OBJECT (mae))
        {
          s->mae_before = read_double_or (json_node_get_object (mae), "current", NAN);
          s->mae_after = read_double_or (json_node_get_object (mae), "candidate", NAN);
        }
    }
  return g_steal_pointer (&s);
}

/* ---- GObject ---- */

static void
bb_api_client_finalize (GObject *object)
{
  BbApiClient *self = (BbApiClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->model_cache_dir, g_free);

  G_OBJECT_CLASS (bb_api_client_parent_class)->finalize (object);
}

static void
bb_api_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BbApiClient *self = BB_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL: g_value_set_string (value, self->base_url); break;
    case PROP_TOKEN: g_value_set_string (value, self->token); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_api_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BbApiClient *self = BB_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL: bb_api_client_set_base_url (self, g_value_get_string (value)); break;
    case PROP_TOKEN: bb_api_client_set_token (self, g_value_get_string (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_api_client_class_init (BbApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bb_api_client_finalize;
  object_class->get_property = bb_api_client_get_property;
  object_class->set_property = bb_api_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, "http://127.0.0.1:8470",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_api_client_init (BbApiClient *self)
{
  /* A dead server should be noticed in seconds, not minutes. */
  self->session = soup_session_new_with_options ("timeout", 15,
                                                 "idle-timeout", 60,
                                                 "user-agent", "bedboard/" PACKAGE_VERSION,
                                                 NULL);
  self->base_url = g_strdup ("http://127.0.0.1:8470");
}

/* ---- public API ---- */

BbApiClient *
bb_api_client_new (const char *base_url)
{
  return g_object_new (BB_TYPE_API_CLIENT, "base-url", base_url, NULL);
}

const char *
bb_api_client_get_base_url (BbApiClient *self)
{
  g_return_val_if_fail (BB_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

void
bb_api_client_set_base_url (BbApiClient *self,
                            const char  *base_url)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (base_url == NULL)
    base_url = "http://127.0.0.1:8470";
  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

const char *
bb_api_client_get_token (BbApiClient *self)
{
  g_return_val_if_fail (BB_IS_API_CLIENT (self), NULL);
  return self->token;
}

void
bb_api_client_set_token (BbApiClient *self,
                         const char  *token)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (token != NULL && token[0] == '\0')
    token = NULL;
  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

SoupSession *
bb_api_client_get_session (BbApiClient *self)
{
  g_return_val_if_fail (BB_IS_API_CLIENT (self), NULL);
  return self->session;
}

char *
bb_api_client_build_ws_uri (BbApiClient *self,
                            const char  *path)
{
  g_autofree char *uri = NULL;

  g_return_val_if_fail (BB_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  uri = build_uri (self, path);
  if (g_str_has_prefix (uri, "https://"))
    return g_strconcat ("wss://", uri + strlen ("https://"), NULL);
  if (g_str_has_prefix (uri, "http://"))
    return g_strconcat ("ws://", uri + strlen ("http://"), NULL);
  return g_steal_pointer (&uri);
}

void
bb_api_client_set_model_cache_dir (BbApiClient *self,
                                   const char  *dir)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  g_free (self->model_cache_dir);
  self->model_cache_dir = g_strdup (dir);
}

static const char *
get_model_cache_dir (BbApiClient *self)
{
  if (self->model_cache_dir == NULL)
    self->model_cache_dir = g_build_filename (g_get_user_cache_dir (), "bedboard", "models", NULL);
  return self->model_cache_dir;
}

/* GET /api/v1/health */
void
bb_api_client_get_health_async (BbApiClient         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "GET", "/api/v1/health", NULL, FALSE, parse_health, NULL, NULL, g_free,
           bb_api_client_get_health_async, cancellable, callback, user_data);
}

gboolean
bb_api_client_get_health_finish (BbApiClient   *self,
                                 GAsyncResult  *result,
                                 gint64        *last_event_seq,
                                 gint64        *server_time,
                                 GError       **error)
{
  g_autofree Health *h = finish_pointer (self, result, error);

  if (h == NULL)
    return FALSE;
  if (last_event_seq != NULL)
    *last_event_seq = h->last_event_seq;
  if (server_time != NULL)
    *server_time = h->time;
  return TRUE;
}

/* Hospitals */
void
bb_api_client_list_hospitals_async (BbApiClient         *self,
                                    gboolean             has_location,
                                    double               latitude,
                                    double               longitude,
                                    const char          *kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("/api/v1/hospitals");
  char sep = '?';

  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (has_location)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (path, "%cnear=%s,%s", sep,
                              g_ascii_dtostr (lat, sizeof lat, latitude),
                              g_ascii_dtostr (lon, sizeof lon, longitude));
      sep = '&';
    }
  if (kind != NULL && kind[0] != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (kind, NULL, FALSE);

      g_string_append_printf (path, "%ckind=%s", sep, escaped);
    }
  request (self, "GET", path->str, NULL, FALSE, parse_hospitals, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_list_hospitals_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_list_hospitals_finish (BbApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_get_hospital_async (BbApiClient         *self,
                                  gint64               hospital_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT, hospital_id);

  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "GET", path, NULL, FALSE, parse_hospital_detail, NULL, NULL,
           (GDestroyNotify) hospital_detail_free, bb_api_client_get_hospital_async,
           cancellable, callback, user_data);
}

BbHospital *
bb_api_client_get_hospital_finish (BbApiClient   *self,
                                   GAsyncResult  *result,
                                   GPtrArray    **out_wards,
                                   GError       **error)
{
  HospitalDetail *d = finish_pointer (self, result, error);
  BbHospital *hospital;

  if (d == NULL)
    return NULL;
  hospital = g_steal_pointer (&d->hospital);
  if (out_wards != NULL)
    *out_wards = g_steal_pointer (&d->wards);
  hospital_detail_free (d);
  return hospital;
}

void
bb_api_client_list_ward_beds_async (BbApiClient         *self,
                                    gint64               hospital_id,
                                    gint64               ward_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT
                                           "/wards/%" G_GINT64_FORMAT "/beds",
                                           hospital_id, ward_id);

  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "GET", path, NULL, FALSE, parse_beds, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_list_ward_beds_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_list_ward_beds_finish (BbApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_get_occupancy_async (BbApiClient         *self,
                                   gint64               hospital_id,
                                   gint64               from,
                                   gint64               to,
                                   const char          *step,
                                   gint64               ward_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new (NULL);

  g_return_if_fail (BB_IS_API_CLIENT (self));

  g_string_printf (path, "/api/v1/hospitals/%" G_GINT64_FORMAT "/occupancy?step=%s",
                   hospital_id, step != NULL ? step : "1h");
  if (from > 0)
    {
      g_autofree char *iso = bb_time_to_iso8601 (from);

      g_string_append_printf (path, "&from=%s", iso);
    }
  if (to > 0)
    {
      g_autofree char *iso = bb_time_to_iso8601 (to);

      g_string_append_printf (path, "&to=%s", iso);
    }
  if (ward_id > 0)
    g_string_append_printf (path, "&ward=%" G_GINT64_FORMAT, ward_id);
  request (self, "GET", path->str, NULL, FALSE, parse_occupancy, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_get_occupancy_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_get_occupancy_finish (BbApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_get_forecast_async (BbApiClient         *self,
                                  gint64               hospital_id,
                                  gint64               ward_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (ward_id > 0)
    path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/forecast?ward=%" G_GINT64_FORMAT,
                            hospital_id, ward_id);
  else
    path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/forecast", hospital_id);
  request (self, "GET", path, NULL, FALSE, parse_forecast, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_get_forecast_async,
           cancellable, callback, user_data);
}

void
bb_api_client_get_forecast_with_arrivals_async (BbApiClient         *self,
                                                gint64               hospital_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));

  path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/forecast?arrivals=recent", hospital_id);
  request (self, "GET", path, NULL, FALSE, parse_forecast, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_get_forecast_with_arrivals_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_get_forecast_finish (BbApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_list_inpatients_async (BbApiClient         *self,
                                     gint64               hospital_id,
                                     gint64               ward_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (ward_id > 0)
    path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/inpatients?ward=%" G_GINT64_FORMAT,
                            hospital_id, ward_id);
  else
    path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/inpatients", hospital_id);
  request (self, "GET", path, NULL, FALSE, parse_inpatients, NULL, NULL,
           (GDestroyNotify) inpatients_free, bb_api_client_list_inpatients_async,
           cancellable, callback, user_data);
}

void
bb_api_client_list_discharges_async (BbApiClient         *self,
                                     gint64               hospital_id,
                                     gint64               since,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (since > 0)
    {
      g_autofree char *iso = bb_time_to_iso8601 (since);

      path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges?since=%s", hospital_id, iso);
    }
  else
    path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges", hospital_id);
  request (self, "GET", path, NULL, FALSE, parse_discharges, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_list_discharges_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_list_discharges_finish (BbApiClient   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return finish_pointer (self, result, error);
}

GPtrArray *
bb_api_client_list_inpatients_finish (BbApiClient   *self,
                                      GAsyncResult  *result,
                                      gint64        *out_at,
                                      GError       **error)
{
  Inpatients *i = finish_pointer (self, result, error);
  GPtrArray *array;

  if (i == NULL)
    return NULL;
  if (out_at != NULL)
    *out_at = i->at;
  array = g_steal_pointer (&i->inpatients);
  inpatients_free (i);
  return array;
}

/* Admissions */
void
bb_api_client_get_admission_async (BbApiClient         *self,
                                   gint64               admission_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admissions/%" G_GINT64_FORMAT, admission_id);

  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "GET", path, NULL, FALSE, parse_admission, NULL, NULL,
           (GDestroyNotify) bb_admission_free, bb_api_client_admission_finish,
           cancellable, callback, user_data);
}

void
bb_api_client_discharge_async (BbApiClient         *self,
                               gint64               admission_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admissions/%" G_GINT64_FORMAT "/discharge",
                                           admission_id);

  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "POST", path, NULL, FALSE, parse_admission, NULL, NULL,
           (GDestroyNotify) bb_admission_free, bb_api_client_admission_finish,
           cancellable, callback, user_data);
}

void
bb_api_client_transfer_async (BbApiClient         *self,
                              gint64               admission_id,
                              gint64               bed_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admissions/%" G_GINT64_FORMAT "/transfer",
                                           admission_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bed");
  json_builder_add_int_value (b, bed_id);
  json_builder_end_object (b);
  request (self, "POST", path, json_builder_get_root (b), FALSE, parse_admission, NULL, NULL,
           (GDestroyNotify) bb_admission_free, bb_api_client_admission_finish,
           cancellable, callback, user_data);
}

BbAdmission *
bb_api_client_admission_finish (BbApiClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_pointer (self, result, error);
}

/* Beds */
static gpointer
parse_ok (JsonNode *root, gpointer unused, GError **error)
{
  return GINT_TO_POINTER (TRUE);
}

void
bb_api_client_set_bed_status_async (BbApiClient         *self,
                                    gint64               bed_id,
                                    BbBedStatus          status,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", bed_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, bb_bed_status_to_string (status));
  json_builder_end_object (b);
  request (self, "POST", path, json_builder_get_root (b), FALSE, parse_ok, NULL, NULL, NULL,
           bb_api_client_set_bed_status_async, cancellable, callback, user_data);
}

gboolean
bb_api_client_set_bed_status_finish (BbApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_pointer (self, result, error) != NULL;
}

/* Bookings */
void
bb_api_client_create_booking_async (BbApiClient         *self,
                                    gint64               hospital_id,
                                    gint64               ward_id,
                                    const char          *patient_ref,
                                    JsonObject          *features,
                                    gint64               start,
                                    guint                hold_minutes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));
  g_return_if_fail (patient_ref != NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hospital");
  json_builder_add_int_value (b, hospital_id);
  json_builder_set_member_name (b, "ward");
  json_builder_add_int_value (b, ward_id);
  json_builder_set_member_name (b, "patient_ref");
  json_builder_add_string_value (b, patient_ref);
  if (features != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, features);
      json_builder_set_member_name (b, "features");
      json_builder_add_value (b, node);
    }
  if (start > 0)
    {
      g_autofree char *iso = bb_time_to_iso8601 (start);

      json_builder_set_member_name (b, "start");
      json_builder_add_string_value (b, iso);
    }
  if (hold_minutes > 0)
    {
      json_builder_set_member_name (b, "hold_minutes");
      json_builder_add_int_value (b, hold_minutes);
    }
  json_builder_end_object (b);
  request (self, "POST", "/api/v1/bookings", json_builder_get_root (b), FALSE, parse_booking,
           NULL, NULL, (GDestroyNotify) bb_booking_free, bb_api_client_booking_finish,
           cancellable, callback, user_data);
}

static void
booking_action (BbApiClient         *self,
                gint64               booking_id,
                const char          *action,
                JsonNode            *body,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autofree char *path = NULL;

  if (action != NULL)
    path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT "/%s", booking_id, action);
  else
    path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT, booking_id);
  request (self, action != NULL ? "POST" : "GET", path, body, FALSE, parse_booking, NULL, NULL,
           (GDestroyNotify) bb_booking_free, bb_api_client_booking_finish,
           cancellable, callback, user_data);
}

void
bb_api_client_confirm_booking_async (BbApiClient         *self,
                                     gint64               booking_id,
                                     const char          *model,
                                     const char          *model_version,
                                     double               los_days,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  if (model != NULL)
    {
      json_builder_set_member_name (b, "forecast");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, model);
      if (model_version != NULL)
        {
          json_builder_set_member_name (b, "version");
          json_builder_add_string_value (b, model_version);
        }
      if (isfinite (los_days) && los_days >= 0)
        {
          json_builder_set_member_name (b, "los_days");
          json_builder_add_double_value (b, los_days);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  booking_action (self, booking_id, "confirm", json_builder_get_root (b),
                  cancellable, callback, user_data);
}

void
bb_api_client_cancel_booking_async (BbApiClient         *self,
                                    gint64               booking_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  booking_action (self, booking_id, "cancel", NULL, cancellable, callback, user_data);
}

void
bb_api_client_admit_booking_async (BbApiClient         *self,
                                   gint64               booking_id,
                                   gint64               bed_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  if (bed_id > 0)
    {
      json_builder_set_member_name (b, "bed");
      json_builder_add_int_value (b, bed_id);
    }
  json_builder_end_object (b);
  booking_action (self, booking_id, "admit", json_builder_get_root (b),
                  cancellable, callback, user_data);
}

void
bb_api_client_get_booking_async (BbApiClient         *self,
                                 gint64               booking_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  booking_action (self, booking_id, NULL, NULL, cancellable, callback, user_data);
}

BbBooking *
bb_api_client_booking_finish (BbApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_list_bookings_async (BbApiClient         *self,
                                   gint64               hospital_id,
                                   const char          *status,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("/api/v1/bookings");
  char sep = '?';

  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (hospital_id > 0)
    {
      g_string_append_printf (path, "%chospital=%" G_GINT64_FORMAT, sep, hospital_id);
      sep = '&';
    }
  if (status != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (status, NULL, FALSE);

      g_string_append_printf (path, "%cstatus=%s", sep, escaped);
    }
  request (self, "GET", path->str, NULL, FALSE, parse_bookings, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_list_bookings_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_list_bookings_finish (BbApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_pointer (self, result, error);
}

/* Enquiries */
static void
enquiry_request (BbApiClient         *self,
                 const char          *method,
                 const char          *path,
                 JsonNode            *body,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  request (self, method, path, body, FALSE, parse_enquiry, NULL, NULL,
           (GDestroyNotify) bb_enquiry_free, bb_api_client_enquiry_finish,
           cancellable, callback, user_data);
}

void
bb_api_client_create_enquiry_async (BbApiClient         *self,
                                    gint64               hospital_id,
                                    const char          *name,
                                    const char          *contact,
                                    const char          *message,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hospital");
  json_builder_add_int_value (b, hospital_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name != NULL ? name : "");
  json_builder_set_member_name (b, "contact");
  json_builder_add_string_value (b, contact != NULL ? contact : "");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message != NULL ? message : "");
  json_builder_end_object (b);
  enquiry_request (self, "POST", "/api/v1/enquiries", json_builder_get_root (b),
                   cancellable, callback, user_data);
}

void
bb_api_client_get_enquiry_async (BbApiClient         *self,
                                 gint64               enquiry_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enquiries/%" G_GINT64_FORMAT, enquiry_id);

  g_return_if_fail (BB_IS_API_CLIENT (self));
  enquiry_request (self, "GET", path, NULL, cancellable, callback, user_data);
}

void
bb_api_client_accept_enquiry_async (BbApiClient         *self,
                                    gint64               enquiry_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enquiries/%" G_GINT64_FORMAT "/accept", enquiry_id);

  g_return_if_fail (BB_IS_API_CLIENT (self));
  enquiry_request (self, "POST", path, NULL, cancellable, callback, user_data);
}

void
bb_api_client_reply_enquiry_async (BbApiClient         *self,
                                   gint64               enquiry_id,
                                   const char          *reply,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enquiries/%" G_GINT64_FORMAT "/reply", enquiry_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reply");
  json_builder_add_string_value (b, reply != NULL ? reply : "");
  json_builder_end_object (b);
  enquiry_request (self, "POST", path, json_builder_get_root (b), cancellable, callback, user_data);
}

void
bb_api_client_rate_enquiry_async (BbApiClient         *self,
                                  gint64               enquiry_id,
                                  int                  rating,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enquiries/%" G_GINT64_FORMAT "/rate", enquiry_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rating");
  json_builder_add_int_value (b, rating);
  json_builder_end_object (b);
  enquiry_request (self, "POST", path, json_builder_get_root (b), cancellable, callback, user_data);
}

BbEnquiry *
bb_api_client_enquiry_finish (BbApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_list_enquiries_async (BbApiClient         *self,
                                    gint64               hospital_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));

  if (hospital_id > 0)
    path = g_strdup_printf ("/api/v1/enquiries?hospital=%" G_GINT64_FORMAT, hospital_id);
  else
    path = g_strdup ("/api/v1/enquiries");
  request (self, "GET", path, NULL, FALSE, parse_enquiries, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_list_enquiries_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_list_enquiries_finish (BbApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_pointer (self, result, error);
}

/* Accounts */
void
bb_api_client_login_async (BbApiClient         *self,
                           const char          *email,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, email != NULL ? email : "");
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password != NULL ? password : "");
  json_builder_end_object (b);
  request (self, "POST", "/api/v1/auth/login", json_builder_get_root (b), FALSE, parse_login,
           NULL, NULL, (GDestroyNotify) bb_login_free, bb_api_client_login_async,
           cancellable, callback, user_data);
}

BbLogin *
bb_api_client_login_finish (BbApiClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_logout_async (BbApiClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "POST", "/api/v1/auth/logout", NULL, FALSE, parse_ok, NULL, NULL, NULL,
           bb_api_client_logout_async, cancellable, callback, user_data);
}

gboolean
bb_api_client_logout_finish (BbApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_pointer (self, result, error) != NULL;
}

void
bb_api_client_register_async (BbApiClient         *self,
                              const char          *email,
                              const char          *name,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_if_fail (BB_IS_API_CLIENT (self));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, email != NULL ? email : "");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name != NULL ? name : "");
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password != NULL ? password : "");
  json_builder_end_object (b);
  request (self, "POST", "/api/v1/auth/register", json_builder_get_root (b), FALSE, parse_user,
           NULL, NULL, (GDestroyNotify) bb_user_free, bb_api_client_user_finish,
           cancellable, callback, user_data);
}

void
bb_api_client_get_me_async (BbApiClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "GET", "/api/v1/auth/me", NULL, FALSE, parse_user, NULL, NULL,
           (GDestroyNotify) bb_user_free, bb_api_client_user_finish,
           cancellable, callback, user_data);
}

BbUser *
bb_api_client_user_finish (BbApiClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish_pointer (self, result, error);
}

/* Models */
void
bb_api_client_list_models_async (BbApiClient         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (BB_IS_API_CLIENT (self));
  request (self, "GET", "/api/v1/models", NULL, FALSE, parse_models, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, bb_api_client_list_models_async,
           cancellable, callback, user_data);
}

GPtrArray *
bb_api_client_list_models_finish (BbApiClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_pointer (self, result, error);
}

/* Getting a model: the card (GET /api/v1/models/NAME), then, unless the
 * cached copy has that version and the booster's sha256, the booster; then
 * build it in a thread. When the server cannot give it, a copy on disk. */
typedef struct
{
  char      *name;
  char      *cache_dir;
  JsonNode  *card_json;
  char      *version;
  char      *booster_url;
  char      *booster_format;
  char      *booster_sha256;
  GBytes    *booster;
  GError    *server_error;  /* why the server's copy was not used */
} ModelFetch;

static void
model_fetch_free (ModelFetch *f)
{
  g_free (f->name);
  g_free (f->cache_dir);
  g_clear_pointer (&f->card_json, json_node_unref);
  g_free (f->version);
  g_free (f->booster_url);
  g_free (f->booster_format);
  g_free (f->booster_sha256);
  g_clear_pointer (&f->booster, g_bytes_unref);
  g_clear_error (&f->server_error);
  g_free (f);
}

static gboolean
valid_model_name (const char *name)
{
  if (name == NULL || name[0] == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return name[0] != '.';
}

/* The cached copy: NAME.card.json beside its booster in the cache dir. */
static char *
cached_card_path (const char *cache_dir,
                  const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.card.json", name);

  return g_build_filename (cache_dir, file, NULL);
}

static BbLosModel *
load_local_model (const char  *cache_dir,
                  const char  *name,
                  GError     **error)
{
  g_autofree char *cached = cached_card_path (cache_dir, name);
  g_autofree char *file = g_strdup_printf ("%s.card.json", name);
  const char *dirs[4] = { NULL, };
  guint n = 0;

  if (g_file_test (cached, G_FILE_TEST_EXISTS))
    {
      BbLosModel *model = bb_los_model_load (cached, NULL);

      if (model != NULL)
        return model;
    }
  if (g_getenv ("BEDBOARD_MODELS_DIR") != NULL)
    dirs[n++] = g_getenv ("BEDBOARD_MODELS_DIR");
  dirs[n++] = BB_SOURCE_MODELS_DIR;
  dirs[n++] = BB_MODELS_DIR;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return bb_los_model_load (path, error);
    }
  g_set_error (error, BB_API_ERROR, BB_API_ERROR_NOT_FOUND,
               _("No copy of the model “%s” is available"), name);
  return NULL;
}

/* The cached copy when it is the server's version with the same booster. */
static void
check_cache_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ModelFetch *f = task_data;
  g_autofree char *card_path = cached_card_path (f->cache_dir, f->name);
  g_autoptr(BbLosModel) model = NULL;
  g_autofree char *booster_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  gsize length = 0;

  if (f->booster_sha256 == NULL || !g_file_test (card_path, G_FILE_TEST_EXISTS) ||
      (model = bb_los_model_load (card_path, NULL)) == NULL ||
      g_strcmp0 (bb_los_model_get_version (model), f->version) != 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  dir = g_path_get_dirname (card_path);
  booster_path = g_build_filename (dir, bb_los_card_get_booster (bb_los_model_get_card (model)), NULL);
  if (!g_file_get_contents (booster_path, &contents, &length, NULL))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  if (g_ascii_strcasecmp (sha256, f->booster_sha256) != 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&model), g_object_unref);
}

static void
build_model_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ModelFetch *f = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;

  if (f->card_json != NULL && f->booster != NULL)
    {
      g_autoptr(BbLosCard) card = bb_los_card_new_from_json (f->card_json, &error);

      if (card != NULL)
        {
          g_autofree char *booster_file =
            g_strdup_printf ("%s.%s", f->name, g_strcmp0 (f->booster_format, "json") == 0 ? "json" : "ubj");

          /* The cached copy names its booster by the model's name so an
           * update replaces it. */
          bb_los_card_set_booster (card, booster_file);
          model = bb_los_model_new (card, f->booster, &error);
        }
      if (model != NULL)
        {
          g_autofree char *card_path = cached_card_path (f->cache_dir, f->name);
          g_autoptr(GError) save_error = NULL;

          if (g_mkdir_with_parents (f->cache_dir, 0700) != 0)
            g_warning ("Could not create %s to keep the model %s: %s",
                       f->cache_dir, f->name, g_strerror (errno));
          else if (!bb_los_model_save (model, card_path, &save_error))
            g_warning ("Could not keep the model %s in %s: %s", f->name, f->cache_dir,
                       save_error->message);
          g_task_return_pointer (task, g_steal_pointer (&model), g_object_unref);
          return;
        }
      g_warning ("The server’s model %s could not be loaded: %s", f->name, error->message);
      g_clear_error (&error);
    }

  model = load_local_model (f->cache_dir, f->name, &error);
  if (model == NULL)
    {
      /* Say why the server's copy was not used when it was not a 404. */
      if (f->server_error != NULL && !g_error_matches (f->server_error, BB_API_ERROR, BB_API_ERROR_NOT_FOUND))
        g_task_return_error (task, g_error_copy (f->server_error));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&model), g_object_unref);
}

static void
start_model_build (GTask *task)
{
  g_task_run_in_thread (task, build_model_thread);
}

static void
on_model_booster_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ModelFetch *f = g_task_get_task_data (task);

  f->booster = finish_pointer (BB_API_CLIENT (source), result, &f->server_error);
  start_model_build (task);
}

static void
on_cache_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbApiClient *self = BB_API_CLIENT (source);
  ModelFetch *f = g_task_get_task_data (task);
  g_autoptr(BbLosModel) cached = g_task_propagate_pointer (G_TASK (result), NULL);
  GCancellable *cancellable;

  if (cached != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&cached), g_object_unref);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  request (self, "GET", f->booster_url, NULL, TRUE, NULL, NULL, NULL, NULL, bb_api_client_get_model_async,
           cancellable, on_model_booster_cb, g_steal_pointer (&task));
}

static gpointer
parse_model_answer (JsonNode *root, gpointer unused, GError **error)
{
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                           _("The server’s model card is not an object"));
      return NULL;
    }
  return json_node_copy (root);
}

static void
on_model_card_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbApiClient *self = BB_API_CLIENT (source);
  ModelFetch *f = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GTask) check = NULL;
  GCancellable *cancellable;
  JsonObject *o, *booster = NULL;
  JsonNode *card;

  answer = finish_pointer (self, result, &f->server_error);
  if (answer == NULL)
    {
      start_model_build (task);
      return;
    }
  o = json_node_get_object (answer);
  card = json_object_get_member (o, "card");
  f->card_json = json_node_copy (card != NULL && JSON_NODE_HOLDS_OBJECT (card) ? card : answer);
  if (json_object_has_member (o, "booster") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "booster")))
    booster = json_object_get_object_member (o, "booster");
  if (!read_string (o, "version", FALSE, &f->version, &f->server_error) ||
      (booster != NULL &&
       (!read_string (booster, "url", FALSE, &f->booster_url, &f->server_error) ||
        !read_string (booster, "format", FALSE, &f->booster_format, &f->server_error) ||
        !read_string (booster, "sha256", FALSE, &f->booster_sha256, &f->server_error))))
    {
      g_clear_pointer (&f->card_json, json_node_unref);
      start_model_build (task);
      return;
    }
  /* Only a path on this server: never follow an answer elsewhere. */
  if (f->booster_url == NULL || !g_str_has_prefix (f->booster_url, "/api/v1/models/"))
    {
      g_free (f->booster_url);
      f->booster_url = g_strdup_printf ("/api/v1/models/%s/booster", f->name);
    }

  cancellable = g_task_get_cancellable (task);
  check = g_task_new (self, cancellable, on_cache_checked_cb, g_steal_pointer (&task));
  g_task_set_task_data (check, f, NULL);  /* owned by the outer task, which outlives this one */
  g_task_run_in_thread (check, check_cache_thread);
}

void
bb_api_client_get_model_async (BbApiClient         *self,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  ModelFetch *f;

  g_return_if_fail (BB_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_api_client_get_model_async);
  if (!valid_model_name (name))
    {
      g_task_return_new_error (task, BB_API_ERROR, BB_API_ERROR_INVALID,
                               _("“%s” is not a model name"), name != NULL ? name : "");
      return;
    }
  f = g_new0 (ModelFetch, 1);
  f->name = g_strdup (name);
  f->cache_dir = g_strdup (get_model_cache_dir (self));
  g_task_set_task_data (task, f, (GDestroyNotify) model_fetch_free);

  path = g_strdup_printf ("/api/v1/models/%s", name);
  request (self, "GET", path, NULL, FALSE, parse_model_answer, NULL, NULL,
           (GDestroyNotify) json_node_unref, bb_api_client_get_model_async,
           cancellable, on_model_card_cb, g_steal_pointer (&task));
}

BbLosModel *
bb_api_client_get_model_finish (BbApiClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_pointer (self, result, error);
}

void
bb_api_client_start_retrain_async (BbApiClient         *self,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));
  g_return_if_fail (name != NULL);

  escaped = g_uri_escape_string (name, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/models/%s/retrain", escaped);
  request (self, "POST", path, NULL, FALSE, parse_retrain, NULL, NULL,
           (GDestroyNotify) bb_retrain_status_free, bb_api_client_retrain_finish,
           cancellable, callback, user_data);
}

void
bb_api_client_get_retrain_async (BbApiClient         *self,
                                 const char          *name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (BB_IS_API_CLIENT (self));
  g_return_if_fail (name != NULL);

  escaped = g_uri_escape_string (name, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/models/%s/retrain", escaped);
  request (self, "GET", path, NULL, FALSE, parse_retrain, NULL, NULL,
           (GDestroyNotify) bb_retrain_status_free, bb_api_client_retrain_finish,
           cancellable, callback, user_data);
}

BbRetrainStatus *
bb_api_client_retrain_finish (BbApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, error);
}
