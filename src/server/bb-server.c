/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-server.c: the SoupServer, the router, authentication and the answer helpers.
 *
 * Every request goes through on_request_cb. An anonymous GET whose answer
 * is cached is served straight from the cache's bytes, before any routing,
 * so the availability pages cost little more than libsoup itself. Anything
 * else is matched against the route tables, authenticated, checked against
 * the route's role and handed to its handler. */
#define G_LOG_DOMAIN "bb-server"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "bb-durability-barrier.h"
#include "bb-event-hub.h"
#include "bb-login-throttle.h"
#include "bb-model-registry.h"
#include "bb-records-json.h"
#include "bb-response-cache.h"
#include "bb-server.h"
#include "bb-server-private.h"
#include "bb-store-private.h"

#define EVENTS_PATH "/api/v1/events"
#define CACHE_MAX_ENTRIES 2048
#define SESSION_TTL_SECONDS (12 * 60 * 60)
#define LISTEN_BACKLOG 1024

typedef struct
{
  const BbRoute  *route;
  char          **segments;
  guint           n_segments;
} CompiledRoute;

struct _BbServer
{
  GObject          parent_instance;

  BbStore         *store;
  SoupServer      *soup;
  BbResponseCache *cache;
  BbLoginThrottle *throttle;
  BbEventHub      *hub;
  BbDurabilityBarrier *barrier;
  GArray          *routes;        /* CompiledRoute */
  GHashTable      *empty_query;
  char            *models_dir;
  BbModelRegistry *models;
  GHashTable      *cache_expiry;  /* hospital id -> GSource id */
  guint            expire_interval;
  guint            expire_source;
  guint            port;
};

G_DEFINE_FINAL_TYPE (BbServer, bb_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MODELS_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (bb-api-error-quark, bb_api_error)

static guint
api_error_status (const GError *error,
                  const char  **code)
{
  static const struct { guint status; const char *code; } map[] = {
    [BB_API_ERROR_INVALID]         = { 400, "invalid" },
    [BB_API_ERROR_UNAUTHORIZED]    = { 401, "unauthorized" },
    [BB_API_ERROR_FORBIDDEN]       = { 403, "forbidden" },
    [BB_API_ERROR_NOT_FOUND]       = { 404, "not_found" },
    [BB_API_ERROR_CONFLICT]        = { 409, "conflict" },
    [BB_API_ERROR_NO_CAPACITY]     = { 409, "no_capacity" },
    [BB_API_ERROR_TOO_LARGE]       = { 413, "too_large" },
    [BB_API_ERROR_NOT_IMPLEMENTED] = { 501, "not_implemented" },
  };

  if (error->domain == BB_API_ERROR && error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (map))
    {
      *code = map[error->code].code;
      return map[error->code].status;
    }
  if (error->domain == BB_STORE_ERROR)
    {
      *code = bb_store_error_code_string (error);
      return bb_store_error_http_status (error);
    }
  if (error->domain == BB_RECORDS_ERROR)
    {
      *code = "invalid";
      return 400;
    }
  *code = "internal";
  return 500;
}

static GBytes *
error_bytes (const char *code,
             const char *message,
             const char *detail_member,
             JsonNode   *details)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (detail_member != NULL && details != NULL)
    {
      json_builder_set_member_name (builder, detail_member);
      json_builder_add_value (builder, json_node_copy (details));
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

static void
message_set_bytes (SoupServerMessage *msg,
                   guint              status,
                   GBytes            *bytes)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", "application/json");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

void
_bb_message_set_error (SoupServerMessage *msg,
                       guint              status,
                       const char        *code,
                       const char        *message)
{
  g_autoptr(GBytes) bytes = error_bytes (code, message, NULL, NULL);

  message_set_bytes (msg, status, bytes);
}

void
_bb_reply_json_or_error (BbRequest    *req,
                         guint         status,
                         JsonNode     *node,
                         const GError *error)
{
  g_autoptr(JsonNode) owned = node;

  if (owned == NULL)
    _bb_reply_gerror (req, error);
  else
    _bb_reply_json (req, status, owned);
}

void
_bb_reply_json (BbRequest *req,
                guint      status,
                JsonNode  *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  bytes = g_bytes_new_take (text, length);

  if (req->cache_key != NULL && status == SOUP_STATUS_OK)
    bb_response_cache_insert (req->server->cache, req->cache_key, req->cache_hospital, bytes);

  message_set_bytes (req->msg, status, bytes);
}

void
_bb_reply_object (BbRequest  *req,
                  guint       status,
                  JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  _bb_reply_json (req, status, node);
}

void
_bb_reply_empty (BbRequest *req,
                 guint      status)
{
  soup_server_message_set_status (req->msg, status, NULL);
}

void
_bb_reply_error (BbRequest  *req,
                 guint       status,
                 const char *code,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  _bb_message_set_error (req->msg, status, code, message);
}

void
_bb_reply_gerror (BbRequest    *req,
                  const GError *error)
{
  const char *code = NULL;
  guint status = api_error_status (error, &code);

  if (status >= 500)
    g_warning ("%s %s failed: %s", soup_server_message_get_method (req->msg),
               req->path, error->message);
  _bb_message_set_error (req->msg, status, code, error->message);
}

void
_bb_reply_gerror_with_details (BbRequest    *req,
                               const GError *error,
                               const char   *member,
                               JsonNode     *details)
{
  const char *code = NULL;
  guint status = api_error_status (error, &code);
  g_autoptr(GBytes) bytes = error_bytes (code, error->message, member, details);

  message_set_bytes (req->msg, status, bytes);
}

void
_bb_request_set_cacheable (BbRequest *req,
                           gint64     hospital_id)
{
  req->cache_hospital = hospital_id;
}

gboolean
_bb_request_is_staff (BbRequest *req)
{
  return req->user != NULL && req->user->role >= BB_ROLE_STAFF;
}

/* ---- Body and query readers ---- */

static JsonNode *
body_member (JsonObject  *body,
             const char  *field,
             gboolean     required,
             GError     **error)
{
  JsonNode *node = json_object_get_member (body, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID, "missing field '%s'", field);
      return NULL;
    }
  return node;
}

static gboolean
wrong_type (const char  *field,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID, "field '%s' must be %s", field, expected);
  return FALSE;
}

gboolean
_bb_body_get_string (JsonObject  *body,
                     const char  *field,
                     gboolean     required,
                     const char **out,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = body_member (body, field, required, &local_error);
  const char *value;

  if (node == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (field, "a string", error);
  value = json_node_get_string (node);
  if (required && (value == NULL || *value == '\0'))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID, "field '%s' must not be empty", field);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
_bb_body_get_int (JsonObject  *body,
                  const char  *field,
                  gboolean     required,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = body_member (body, field, required, &local_error);
  gint64 value;

  if (node == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return wrong_type (field, "an integer", error);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (d != (double) (gint64) d)
        return wrong_type (field, "an integer", error);
      value = (gint64) d;
    }
  else
    return wrong_type (field, "an integer", error);

  if (value < min || value > max)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field '%s' must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                   field, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
_bb_body_get_id (JsonObject  *body,
                 const char  *field,
                 gboolean     required,
                 gint64      *out,
                 GError     **error)
{
  return _bb_body_get_int (body, field, required, 1, G_MAXINT64, out, error);
}

gboolean
_bb_body_get_double (JsonObject  *body,
                     const char  *field,
                     gboolean     required,
                     double       min,
                     double       max,
                     double      *out,
                     gboolean    *out_set,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = body_member (body, field, required, &local_error);
  double value;

  if (out_set != NULL)
    *out_set = FALSE;
  if (node == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    return wrong_type (field, "a number", error);
  value = json_node_get_double (node);
  if (!(value >= min && value <= max))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field '%s' must be between %g and %g", field, min, max);
      return FALSE;
    }
  *out = value;
  if (out_set != NULL)
    *out_set = TRUE;
  return TRUE;
}

gboolean
_bb_body_get_time (JsonObject  *body,
                   const char  *field,
                   gboolean     required,
                   gint64      *out,
                   GError     **error)
{
  const char *text = NULL;

  if (!_bb_body_get_string (body, field, required, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!bb_time_from_iso8601 (text, out))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field '%s' must be an ISO 8601 time such as 2026-11-22T13:00:00Z", field);
      return FALSE;
    }
  return TRUE;
}

gboolean
_bb_body_get_object (JsonObject  *body,
                     const char  *field,
                     gboolean     required,
                     JsonObject **out,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = body_member (body, field, required, &local_error);

  if (node == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (field, "an object", error);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_bb_body_get_strv (JsonObject  *body,
                   const char  *field,
                   gboolean     required,
                   char      ***out,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *node = body_member (body, field, required, &local_error);
  JsonArray *array;

  if (node == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (field, "an array of strings", error);

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return wrong_type (field, "an array of strings", error);
      value = json_node_get_string (element);
      if (*value == '\0')
        {
          g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                       "field '%s' must not contain empty strings", field);
          return FALSE;
        }
      g_strv_builder_add (builder, value);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_id (const char *text,
          gint64     *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0' || !g_ascii_isdigit (*text))
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

gboolean
_bb_query_get_id (BbRequest   *req,
                  const char  *name,
                  gint64      *out,
                  GError     **error)
{
  const char *text = g_hash_table_lookup (req->query, name);

  if (text == NULL || *text == '\0')
    return TRUE;
  if (!parse_id (text, out))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "query parameter '%s' must be a positive integer id", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
_bb_query_get_time (BbRequest   *req,
                    const char  *name,
                    gint64      *out,
                    GError     **error)
{
  const char *text = g_hash_table_lookup (req->query, name);

  if (text == NULL || *text == '\0')
    return TRUE;
  if (!bb_time_from_iso8601 (text, out))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "query parameter '%s' must be an ISO 8601 time such as 2026-11-22T13:00:00Z",
                   name);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
_bb_time_node (gint64 unix_seconds)
{
  g_autofree char *text = NULL;
  JsonNode *node;

  if (unix_seconds <= 0)
    return json_node_new (JSON_NODE_NULL);
  text = bb_time_to_iso8601 (unix_seconds);
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return node;
}

void
_bb_object_set_time (JsonObject *object,
                     const char *member,
                     gint64      unix_seconds)
{
  json_object_set_member (object, member, _bb_time_node (unix_seconds));
}

/* ---- Routing ---- */

static void
compile_routes (BbServer      *self,
                const BbRoute *table)
{
  for (const BbRoute *route = table; route->method != NULL; route++)
    {
      CompiledRoute compiled;

      compiled.route = route;
      compiled.segments = g_strsplit (route->pattern + 1, "/", -1);
      compiled.n_segments = g_strv_length (compiled.segments);
      g_array_append_val (self->routes, compiled);
    }
}

static void
compiled_route_clear (gpointer data)
{
  CompiledRoute *compiled = data;

  g_strfreev (compiled->segments);
}

/* Matches the path's segments against a pattern, collecting the ids. A
 * "{}" segment that is not a positive number means no such resource. */
static gboolean
route_matches (const CompiledRoute *compiled,
               char               **segments,
               guint                n_segments,
               gint64              *ids,
               guint               *n_ids)
{
  guint found = 0;

  if (compiled->n_segments != n_segments)
    return FALSE;
  for (guint i = 0; i < n_segments; i++)
    {
      const char *want = compiled->segments[i];

      if (want[0] == '{')
        {
          if (found >= 4 || !parse_id (segments[i], &ids[found]))
            return FALSE;
          found++;
        }
      else if (strcmp (want, segments[i]) != 0)
        return FALSE;
    }
  *n_ids = found;
  return TRUE;
}

static const char *
bearer_token (SoupServerMessage *msg,
              gboolean          *present)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  *present = header != NULL;
  if (header == NULL)
    return NULL;
  if (g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return *header ? header : NULL;
}

/* json-glib parses recursively, so a body of a few hundred thousand '['
 * would overflow the stack; no request of ours nests more than a few levels. */
static gboolean
json_nesting_is_shallow (const char *data,
                         gsize       length,
                         guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
read_body (BbRequest  *req,
           GError    **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  gsize length = 0;
  const char *data;

  if (body->length > BB_MAX_BODY_SIZE)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_TOO_LARGE,
                   "request body is larger than %d bytes", BB_MAX_BODY_SIZE);
      return FALSE;
    }

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);

  /* No body reads as {}, so actions such as cancel need none. */
  if (length == 0)
    {
      req->body = json_object_new ();
      return TRUE;
    }

  if (!json_nesting_is_shallow (data, length, BB_MAX_BODY_DEPTH))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "malformed JSON: nested deeper than %d levels", BB_MAX_BODY_DEPTH);
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &parse_error))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID, "malformed JSON: %s",
                   parse_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "the request body must be a JSON object");
      return FALSE;
    }
  req->body = json_object_ref (json_node_get_object (root));
  return TRUE;
}

static char *
cache_key_for (SoupServerMessage *msg,
               const char        *path)
{
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));

  if (raw_query == NULL || *raw_query == '\0')
    return g_strdup (path);
  return g_strconcat (path, "?", raw_query, NULL);
}

static void
dispatch (BbServer          *self,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(BbUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) allowed = NULL;
  const CompiledRoute *match = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *token;
  gboolean auth_present = FALSE;
  gint64 ids[4] = { 0, };
  guint n_ids = 0;
  guint n_segments;
  guint64 commits;
  BbRequest req = { 0, };

  if (path[0] != '/')
    {
      _bb_message_set_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such resource");
      return;
    }

  segments = g_strsplit (path + 1, "/", -1);
  n_segments = g_strv_length (segments);
  /* Tolerate one trailing slash. */
  if (n_segments > 1 && segments[n_segments - 1][0] == '\0')
    {
      g_clear_pointer (&segments[n_segments - 1], g_free);
      n_segments--;
    }

  for (guint i = 0; i < self->routes->len; i++)
    {
      const CompiledRoute *compiled = &g_array_index (self->routes, CompiledRoute, i);
      gint64 found_ids[4];
      guint found_n = 0;

      if (!route_matches (compiled, segments, n_segments, found_ids, &found_n))
        continue;
      if (strcmp (compiled->route->method, method) == 0 ||
          (strcmp (method, "HEAD") == 0 && strcmp (compiled->route->method, "GET") == 0))
        {
          match = compiled;
          memcpy (ids, found_ids, sizeof ids);
          n_ids = found_n;
          break;
        }
      if (allowed == NULL)
        allowed = g_string_new (compiled->route->method);
      else
        g_string_append_printf (allowed, ", %s", compiled->route->method);
    }

  if (match == NULL)
    {
      if (allowed != NULL)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", allowed->str);
          _bb_message_set_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                                 "this resource does not take that method");
        }
      else
        _bb_message_set_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such resource");
      return;
    }

  /* Who is calling. A token that is sent must be valid, even on public
   * routes, so a client learns at once that its session is gone. */
  token = bearer_token (msg, &auth_present);
  if (auth_present)
    {
      if (token == NULL)
        {
          _bb_message_set_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                 "the Authorization header must be 'Bearer TOKEN'");
          return;
        }
      user = bb_store_lookup_session (self->store, token, &error);
      if (user == NULL)
        {
          _bb_message_set_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                 error ? error->message : "unknown or expired token");
          return;
        }
    }

  if (match->route->role > BB_ROLE_NONE)
    {
      if (user == NULL)
        {
          _bb_message_set_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                 "this resource needs a login (Authorization: Bearer TOKEN)");
          return;
        }
      if (user->role < match->route->role)
        {
          g_autofree char *text = g_strdup_printf ("this resource needs the %s role",
                                                   bb_role_to_string (match->route->role));

          _bb_message_set_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", text);
          return;
        }
    }

  req.server = self;
  req.store = self->store;
  req.msg = msg;
  req.path = path;
  req.query = query ? query : self->empty_query;
  memcpy (req.ids, ids, sizeof ids);
  req.n_ids = n_ids;
  req.user = user;
  req.token = token;

  if ((match->route->flags & BB_ROUTE_BODY) && !read_body (&req, &error))
    {
      _bb_reply_gerror (&req, error);
      return;
    }

  if ((match->route->flags & BB_ROUTE_CACHE) && user == NULL && strcmp (method, "GET") == 0)
    req.cache_key = cache_key_for (msg, path);

  commits = bb_durability_barrier_get_commits (self->barrier);
  match->route->handler (&req);
  /* Whatever the route, an answer to a request that changed the database
   * leaves only once the change is on disk. Routes that answer later
   * (paused) call _bb_server_unpause_when_durable themselves. */
  if (bb_durability_barrier_get_commits (self->barrier) != commits &&
      soup_server_message_get_status (msg) != 0 &&
      g_object_get_data (G_OBJECT (msg), "bb-paused") == NULL)
    {
      _bb_server_pause_message (msg);
      _bb_server_unpause_when_durable (self, msg);
    }

  g_clear_pointer (&req.body, json_object_unref);
  g_clear_pointer (&req.cache_key, g_free);
}

/* ---- Group commit ---- */

static void
on_paused_message_disconnected_cb (SoupServerMessage *msg,
                                   gpointer           user_data)
{
  g_object_set_data (G_OBJECT (msg), "bb-disconnected", GINT_TO_POINTER (TRUE));
}

void
_bb_server_pause_message (SoupServerMessage *msg)
{
  /* Unpausing a message whose client went away is not ours to do. */
  if (g_object_get_data (G_OBJECT (msg), "bb-watched") == NULL)
    {
      g_object_set_data (G_OBJECT (msg), "bb-watched", GINT_TO_POINTER (TRUE));
      g_signal_connect (msg, "disconnected", G_CALLBACK (on_paused_message_disconnected_cb), NULL);
    }
  g_object_set_data (G_OBJECT (msg), "bb-paused", GINT_TO_POINTER (TRUE));
  soup_server_message_pause (msg);
}

typedef struct
{
  SoupServerMessage *msg;
} DurableWait;

static void
on_durable_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  DurableWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  if (!bb_durability_barrier_wait_finish (BB_DURABILITY_BARRIER (source), result, &error))
    {
      /* The change is committed but may not survive a power cut: never
       * acknowledge it as done. */
      soup_message_body_truncate (soup_server_message_get_response_body (wait->msg));
      soup_message_headers_remove (soup_server_message_get_response_headers (wait->msg), "Location");
      _bb_message_set_error (wait->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                             "the change could not be written to disk");
    }
  g_object_set_data (G_OBJECT (wait->msg), "bb-paused", NULL);
  if (g_object_get_data (G_OBJECT (wait->msg), "bb-disconnected") == NULL)
    soup_server_message_unpause (wait->msg);
  g_object_unref (wait->msg);
  g_free (wait);
}

void
_bb_server_unpause_when_durable (BbServer          *self,
                                 SoupServerMessage *msg)
{
  DurableWait *wait = g_new0 (DurableWait, 1);

  wait->msg = g_object_ref (msg);
  bb_durability_barrier_wait_async (self->barrier, bb_durability_barrier_get_commits (self->barrier),
                                    NULL, on_durable_cb, wait);
}

BbDurabilityBarrier *
_bb_server_get_durability_barrier (BbServer *self)
{
  return self->barrier;
}

/* ---- Callbacks ---- */

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  BbServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  /* The availability read path: an anonymous GET whose answer is cached. */
  if (soup_server_message_get_method (msg) == SOUP_METHOD_GET &&
      soup_message_headers_get_one (headers, "Authorization") == NULL)
    {
      const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
      GBytes *hit;

      if (raw_query == NULL || *raw_query == '\0')
        hit = bb_response_cache_lookup (self->cache, path);
      else
        {
          g_autofree char *key = g_strconcat (path, "?", raw_query, NULL);

          hit = bb_response_cache_lookup (self->cache, key);
        }
      if (hit != NULL)
        {
          message_set_bytes (msg, SOUP_STATUS_OK, hit);
          return;
        }
    }

  if (g_str_equal (path, EVENTS_PATH))
    {
      gint64 since = -1;
      const char *since_text = query ? g_hash_table_lookup (query, "since") : NULL;

      if (since_text != NULL && *since_text != '\0' &&
          !(g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL)))
        {
          _bb_message_set_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                 "query parameter 'since' must be an event sequence number (>= 0)");
          return;
        }
      if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL))
        {
          _bb_message_set_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                 "GET /api/v1/events is a WebSocket: send an Upgrade: websocket request");
          return;
        }
      /* Leaving the status unset lets libsoup complete the upgrade. */
      return;
    }

  dispatch (self, msg, path, query);
}

/* The TCP socket under a WebSocket, for the hub's backlog bound. */
static GSocket *
events_socket (SoupServerMessage       *msg,
               SoupWebsocketConnection *connection)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (connection);

  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  return soup_server_message_get_socket (msg);
}

static void
on_events_websocket_cb (SoupServer              *server,
                        SoupServerMessage       *msg,
                        const char              *path,
                        SoupWebsocketConnection *connection,
                        gpointer                 user_data)
{
  BbServer *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw_query = g_uri_get_query (uri);
  gint64 since = -1;

  if (raw_query != NULL)
    {
      g_autoptr(GHashTable) query = soup_form_decode (raw_query);
      const char *since_text = g_hash_table_lookup (query, "since");

      if (since_text != NULL && *since_text != '\0')
        g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL);
    }

  bb_event_hub_add_client (self->hub, connection, events_socket (msg, connection), since);
}

/* Refuses oversized bodies as soon as their headers arrive, so a client
 * announcing a huge upload is answered without sending it. */
static void
on_early_request_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > BB_MAX_BODY_SIZE)
    {
      g_autofree char *text = g_strdup_printf ("request body is larger than %d bytes",
                                               BB_MAX_BODY_SIZE);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      _bb_message_set_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", text);
    }
}

/* Retrained models go next to the database, never into the shipped
 * models folder (which may be the source tree or read-only). */
static char *
trained_models_dir (BbStore *store)
{
  const char *db_path = sqlite3_db_filename (_bb_store_get_db (store), "main");
  g_autofree char *dir = NULL;

  if (db_path == NULL || *db_path == '\0')
    return NULL;
  dir = g_path_get_dirname (db_path);
  return g_build_filename (dir, "models", NULL);
}

static void
on_models_changed_cb (BbServer        *self,
                      const char      *name,
                      BbModelRegistry *registry)
{
  /* Every hospital's forecast may use the model that changed. */
  bb_response_cache_invalidate (self->cache, 0);
}

static void
on_retrain_progress_cb (BbServer        *self,
                        const char      *name,
                        JsonObject      *status,
                        BbModelRegistry *registry)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) message = json_object_new ();
  g_autofree char *text = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_set_string_member (message, "type", "model");
  json_object_iter_init (&iter, status);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (message, member, json_node_copy (value));
  json_object_set_member (message, "at", _bb_time_node (bb_store_now (self->store)));
  json_node_set_object (node, message);
  text = json_to_string (node, FALSE);
  bb_event_hub_broadcast (self->hub, text);
}

static void
load_models (BbServer *self)
{
  g_autofree char *trained = NULL;
  guint n;

  if (self->store == NULL)
    return;
  if (self->models != NULL)
    g_signal_handlers_disconnect_by_data (self->models, self);
  g_clear_object (&self->models);

  trained = trained_models_dir (self->store);
  self->models = bb_model_registry_new (self->models_dir, trained);
  n = bb_model_registry_load (self->models);
  g_debug ("%u LOS models from %s and %s", n, self->models_dir ? self->models_dir : "(none)",
           trained ? trained : "(none)");
  g_signal_connect_object (self->models, "changed", G_CALLBACK (on_models_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->models, "retrain-progress", G_CALLBACK (on_retrain_progress_cb), self,
                           G_CONNECT_SWAPPED);
  bb_response_cache_invalidate (self->cache, 0);
}

typedef struct
{
  BbServer *self;
  gint64    hospital_id;
} CacheExpiry;

static gboolean
on_cache_expiry_cb (gpointer data)
{
  CacheExpiry *expiry = data;

  bb_response_cache_invalidate (expiry->self->cache, expiry->hospital_id);
  /* Frees expiry's key; expiry itself goes with the source. */
  g_hash_table_remove (expiry->self->cache_expiry, &expiry->hospital_id);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (BbServer *self,
                     gint64    hospital_id,
                     BbStore  *store)
{
  bb_response_cache_invalidate (self->cache, hospital_id);
}

static gboolean
on_expire_timeout_cb (gpointer user_data)
{
  BbServer *self = user_data;
  g_autoptr(GError) error = NULL;
  guint expired;

  expired = bb_store_expire_holds (self->store, &error);
  if (error != NULL)
    g_warning ("Could not expire holds: %s", error->message);
  else if (expired > 0)
    g_debug ("Expired %u holds", expired);
  return G_SOURCE_CONTINUE;
}

/* ---- GObject ---- */

static void
bb_server_constructed (GObject *object)
{
  BbServer *self = (BbServer *) object;

  G_OBJECT_CLASS (bb_server_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  self->hub = bb_event_hub_new (self->store);
  self->barrier = bb_durability_barrier_new (self->store);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed_cb), self,
                           G_CONNECT_SWAPPED);

  soup_server_add_early_handler (self->soup, NULL, on_early_request_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, on_request_cb, self, NULL);
  soup_server_add_handler (self->soup, EVENTS_PATH, on_request_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, EVENTS_PATH, NULL, NULL,
                                     on_events_websocket_cb, self, NULL);

  bb_server_set_expire_interval (self, 30);
}

static void
bb_server_dispose (GObject *object)
{
  BbServer *self = (BbServer *) object;

  g_clear_handle_id (&self->expire_source, g_source_remove);
  if (self->cache_expiry != NULL)
    {
      GHashTableIter iter;
      gpointer source_id;

      g_hash_table_iter_init (&iter, self->cache_expiry);
      while (g_hash_table_iter_next (&iter, NULL, &source_id))
        g_source_remove (GPOINTER_TO_UINT (source_id));
      g_hash_table_remove_all (self->cache_expiry);
    }
  if (self->models != NULL)
    g_signal_handlers_disconnect_by_data (self->models, self);
  g_clear_object (&self->models);
  if (self->hub != NULL)
    bb_event_hub_close_all (self->hub);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->hub);
  g_clear_object (&self->soup);
  g_clear_object (&self->barrier);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bb_server_parent_class)->dispose (object);
}

static void
bb_server_finalize (GObject *object)
{
  BbServer *self = (BbServer *) object;

  g_clear_pointer (&self->cache, bb_response_cache_free);
  g_clear_pointer (&self->throttle, bb_login_throttle_free);
  g_clear_pointer (&self->routes, g_array_unref);
  g_clear_pointer (&self->empty_query, g_hash_table_unref);
  g_clear_pointer (&self->models_dir, g_free);
  g_clear_pointer (&self->cache_expiry, g_hash_table_unref);

  G_OBJECT_CLASS (bb_server_parent_class)->finalize (object);
}

static void
bb_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BbServer *self = BB_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MODELS_DIR:
      g_value_set_string (value, self->models_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BbServer *self = BB_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_MODELS_DIR:
      bb_server_set_models_dir (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_server_class_init (BbServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bb_server_constructed;
  object_class->dispose = bb_server_dispose;
  object_class->finalize = bb_server_finalize;
  object_class->get_property = bb_server_get_property;
  object_class->set_property = bb_server_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODELS_DIR] =
    g_param_spec_string ("models-dir", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_server_init (BbServer *self)
{
  self->soup = soup_server_new ("server-header", "bedboard/" PACKAGE_VERSION, NULL);
  self->cache = bb_response_cache_new (CACHE_MAX_ENTRIES);
  /* Five free tries, then 30 s, 60 s, ... up to 15 minutes per e-mail and address. */
  self->throttle = bb_login_throttle_new (5, 30, 15 * 60);
  self->empty_query = g_hash_table_new (g_str_hash, g_str_equal);
  self->cache_expiry = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->routes = g_array_new (FALSE, FALSE, sizeof (CompiledRoute));
  g_array_set_clear_func (self->routes, compiled_route_clear);

  compile_routes (self, _bb_routes_public);
  compile_routes (self, _bb_routes_auth);
  compile_routes (self, _bb_routes_bookings);
  compile_routes (self, _bb_routes_beds);
  compile_routes (self, _bb_routes_enquiries);
  compile_routes (self, _bb_routes_admin);
  compile_routes (self, _bb_routes_forecast);
  compile_routes (self, _bb_routes_models);
  compile_routes (self, _bb_routes_discharges);
}

/* ---- Public API ---- */

BbServer *
bb_server_new (BbStore *store)
{
  g_return_val_if_fail (BB_IS_STORE (store), NULL);

  return g_object_new (BB_TYPE_SERVER, "store", store, NULL);
}

BbStore *
bb_server_get_store (BbServer *self)
{
  g_return_val_if_fail (BB_IS_SERVER (self), NULL);

  return self->store;
}

SoupServer *
bb_server_get_soup_server (BbServer *self)
{
  g_return_val_if_fail (BB_IS_SERVER (self), NULL);

  return self->soup;
}

const char *
bb_server_get_models_dir (BbServer *self)
{
  g_return_val_if_fail (BB_IS_SERVER (self), NULL);

  return self->models_dir;
}

void
bb_server_set_models_dir (BbServer   *self,
                          const char *models_dir)
{
  g_return_if_fail (BB_IS_SERVER (self));

  if (g_strcmp0 (self->models_dir, models_dir) == 0)
    return;
  g_free (self->models_dir);
  self->models_dir = g_strdup (models_dir);
  load_models (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODELS_DIR]);
}

void
bb_server_set_expire_interval (BbServer *self,
                               guint     seconds)
{
  g_return_if_fail (BB_IS_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->expire_interval = seconds;
  g_clear_handle_id (&self->expire_source, g_source_remove);
  self->expire_source = g_timeout_add_seconds (seconds, on_expire_timeout_cb, self);
}

gboolean
bb_server_listen (BbServer    *self,
                  const char  *address,
                  guint        port,
                  GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) socket = NULL;
  GSList *listeners;

  g_return_val_if_fail (BB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (port <= 65535, FALSE);

  inet = g_inet_address_new_from_string (address ? address : BB_SERVER_DEFAULT_ADDRESS);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not an IP address", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, (guint16) port);

  /* Our own socket rather than soup_server_listen(), whose backlog of 10
   * makes a burst of clients (32 racing for one bed) overflow the accept
   * queue and lose connections. */
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (self->soup, socket, 0, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return TRUE;
}

guint
bb_server_get_port (BbServer *self)
{
  g_return_val_if_fail (BB_IS_SERVER (self), 0);

  return self->port;
}

void
bb_server_disconnect (BbServer *self)
{
  g_return_if_fail (BB_IS_SERVER (self));

  bb_event_hub_close_all (self->hub);
  soup_server_disconnect (self->soup);
}

gboolean
bb_server_accept_future_booking (BbServer     *self,
                                 const BbWard *ward,
                                 gint64        start,
                                 JsonObject   *features,
                                 GError      **error)
{
  g_return_val_if_fail (BB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (ward != NULL, FALSE);

  return _bb_server_check_future_booking (self, ward, start, features, NULL, error);
}

gboolean
_bb_server_check_future_booking (BbServer      *self,
                                 const BbWard  *ward,
                                 gint64         start,
                                 JsonObject    *features,
                                 JsonNode     **out_forecast,
                                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (_bb_forecast_accepts_booking (self, ward, start, out_forecast, &local_error))
    return TRUE;

  /* A ward whose model is not loaded has no forecast: a future start is
   * then accepted only when a bed is free now, never an overbooking. */
  if (g_error_matches (local_error, BB_API_ERROR, BB_API_ERROR_NOT_IMPLEMENTED))
    {
      if (ward->beds.free > 0)
        return TRUE;
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY,
                   "ward %" G_GINT64_FORMAT " has no free bed now, and without its %s model there "
                   "is no forecast to book its future against", ward->id, ward->model);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

BbModelRegistry *
_bb_server_get_models (BbServer *self)
{
  if (self->models == NULL)
    load_models (self);
  return self->models;
}

void
_bb_server_expire_cached (BbServer *self,
                          gint64    hospital_id,
                          guint     seconds)
{
  CacheExpiry *expiry;
  gint64 *key;
  guint id;

  if (g_hash_table_contains (self->cache_expiry, &hospital_id))
    return;
  expiry = g_new0 (CacheExpiry, 1);
  expiry->self = self;
  expiry->hospital_id = hospital_id;
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds, on_cache_expiry_cb, expiry, g_free);
  key = g_new (gint64, 1);
  *key = hospital_id;
  g_hash_table_insert (self->cache_expiry, key, GUINT_TO_POINTER (id));
}

gboolean
_bb_server_is_future (BbServer *self,
                      gint64    start)
{
  /* A minute of slack so a client clock slightly ahead still means "now". */
  return start > bb_store_now (self->store) + 60;
}

void
_bb_server_add_routes (BbServer      *self,
                       const BbRoute *table)
{
  g_return_if_fail (BB_IS_SERVER (self));
  g_return_if_fail (table != NULL);

  compile_routes (self, table);
}

BbLoginThrottle *
_bb_server_get_login_throttle (BbServer *self)
{
  return self->throttle;
}

gint64
_bb_server_get_session_ttl (BbServer *self)
{
  return SESSION_TTL_SECONDS;
}
