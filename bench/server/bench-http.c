/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-http.c: blocking HTTP/JSON helpers for the server benchmarks' set-up
 * (never on a timed path). */
#define G_LOG_DOMAIN "bench-http"

#include <math.h>
#include <string.h>

#include "bench-http.h"

JsonNode *
bench_http_call (SoupSession  *session,
                 const char   *base,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *body,
                 guint        *status,
                 GError      **error)
{
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data;

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URI %s", uri);
      return NULL;
    }
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = soup_session_send_and_read (session, msg, NULL, error);
  if (answer == NULL)
    return NULL;
  *status = soup_message_get_status (msg);

  data = g_bytes_get_data (answer, &length);
  if (length == 0)
    return json_node_init_object (json_node_alloc (), json_object_new ());
  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    {
      g_prefix_error (error, "%s %s answered %u with bad JSON: ", method, path, *status);
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

char *
bench_http_login (SoupSession  *session,
                  const char   *base,
                  const char   *email,
                  const char   *password,
                  GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  guint status = 0;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);

  answer = bench_http_call (session, base, "POST", "/api/v1/auth/login", NULL, body, &status, error);
  if (answer == NULL)
    return NULL;
  object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  if (status != 200 || object == NULL || !json_object_has_member (object, "token"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "login as %s failed with HTTP %u (%s)", email, status,
                   bench_http_error_code (answer));
      return NULL;
    }
  return g_strdup (json_object_get_string_member (object, "token"));
}

const char *
bench_http_error_code (JsonNode *node)
{
  JsonObject *object, *inner;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return "";
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "error"))
    return "";
  inner = json_object_get_object_member (object, "error");
  if (inner == NULL || !json_object_has_member (inner, "code"))
    return "";
  return json_object_get_string_member (inner, "code");
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_percentile (GArray *values,
                  double  p)
{
  double rank;
  guint index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  /* Nearest rank: the smallest value with at least p% of values at or below it. */
  rank = ceil (p / 100.0 * values->len);
  index = rank < 1 ? 0 : (guint) rank - 1;
  if (index >= values->len)
    index = values->len - 1;
  return g_array_index (values, double, index);
}
