/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ws-fanout.c: how fast a bed change reaches every live WebSocket client.
 *
 * Opens --clients WebSocket connections to /api/v1/events, then, as staff,
 * toggles one free bed between C and U (POST /api/v1/beds/{id}/status)
 * --changes times. For each change it takes the time just before the POST is
 * handed to libsoup and the time each client's "message" handler sees the
 * matching event (same bed, same new status), in this one process, on one
 * monotonic clock. The next change is sent when every client has the event
 * (or after --wait-ms, counting the stragglers as missed), so changes never
 * overlap. The delays therefore include this client's own work of reading
 * 500 sockets in turn on one thread: they are an upper bound on the server's.
 *
 * An even number of changes leaves the bed as it was (U). */
#define G_LOG_DOMAIN "ws-fanout"

#include <stdio.h>
#include <string.h>

#include "bench-http.h"

typedef struct _Fanout Fanout;

typedef struct
{
  Fanout                  *fanout;
  SoupWebsocketConnection *connection;
  guint                    seen_change;  /* last change index this client saw */
} Client;

struct _Fanout
{
  SoupSession *session;
  GMainLoop   *loop;
  char        *base;
  char        *token;
  GPtrArray   *clients;        /* Client */
  guint        n_clients;
  guint        connecting;
  guint        connected;
  guint        connect_failed;
  guint        next_to_connect;

  gint64       bed;
  guint        changes;
  guint        change;         /* 1-based index of the change in flight */
  char        *bed_needle;     /* "bed":ID */
  const char  *status_needle;  /* "status":"C" or "status":"U" */
  gint64       sent_at;
  guint        received;       /* clients that saw the current change */
  guint        wait_ms;
  guint        timeout_source;
  GArray      *delays_ms;      /* double */
  GArray      *post_ms;        /* double */
  guint64      missed;
  guint64      post_errors;
  gboolean     failed;
};

static void send_change (Fanout *fanout);

static gboolean
event_matches (Fanout     *fanout,
               const char *text,
               gsize       length)
{
  const char *hit;
  gsize needle_length = strlen (fanout->bed_needle);

  /* Events are compact JSON from json-glib; match the bed id exactly, not as a prefix. */
  hit = g_strstr_len (text, (gssize) length, fanout->bed_needle);
  if (hit == NULL || hit + needle_length >= text + length || g_ascii_isdigit (hit[needle_length]))
    return FALSE;
  return g_strstr_len (text, (gssize) length, fanout->status_needle) != NULL;
}

static gboolean
on_pause_done_cb (gpointer user_data)
{
  send_change (user_data);
  return G_SOURCE_REMOVE;
}

static void
change_complete (Fanout *fanout)
{
  g_clear_handle_id (&fanout->timeout_source, g_source_remove);
  if (fanout->change >= fanout->changes || fanout->failed)
    {
      g_main_loop_quit (fanout->loop);
      return;
    }
  /* A short pause so each change starts from an idle server. */
  g_timeout_add (10, on_pause_done_cb, fanout);
}

static void
on_message_cb (SoupWebsocketConnection *connection,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  Client *client = user_data;
  Fanout *fanout = client->fanout;
  gint64 now = g_get_monotonic_time ();
  gsize length = 0;
  const char *text = g_bytes_get_data (message, &length);

  if (fanout->change == 0 || client->seen_change == fanout->change || type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  if (!event_matches (fanout, text, length))
    return;

  client->seen_change = fanout->change;
  g_array_append_val (fanout->delays_ms, (double) { (now - fanout->sent_at) / 1000.0 });
  if (++fanout->received == fanout->n_clients)
    change_complete (fanout);
}

static gboolean
on_change_timeout_cb (gpointer user_data)
{
  Fanout *fanout = user_data;

  fanout->timeout_source = 0;
  fanout->missed += fanout->n_clients - fanout->received;
  g_printerr ("ws-fanout: change %u reached only %u of %u clients within %u ms\n", fanout->change,
              fanout->received, fanout->n_clients, fanout->wait_ms);
  change_complete (fanout);
  return G_SOURCE_REMOVE;
}

static void
on_post_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fanout *fanout = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (bytes == NULL || soup_message_get_status (msg) != 200)
    {
      fanout->post_errors++;
      g_printerr ("ws-fanout: POST bed status failed: %s (HTTP %u)\n",
                  error ? error->message : "", soup_message_get_status (msg));
      if (fanout->post_errors >= 3)
        {
          fanout->failed = TRUE;
          g_main_loop_quit (fanout->loop);
        }
      return;
    }
  g_array_append_val (fanout->post_ms, (double) { (g_get_monotonic_time () - fanout->sent_at) / 1000.0 });
}

static void
send_change (Fanout *fanout)
{
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/beds/%" G_GINT64_FORMAT "/status", fanout->base, fanout->bed);
  g_autofree char *auth = g_strconcat ("Bearer ", fanout->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) body = NULL;
  const char *status;

  fanout->change++;
  fanout->received = 0;
  status = fanout->change % 2 == 1 ? "C" : "U";
  fanout->status_needle = fanout->change % 2 == 1 ? "\"status\":\"C\"" : "\"status\":\"U\"";
  body = g_bytes_new_take (g_strdup_printf ("{\"status\":\"%s\"}", status), 14);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  /* Reuse the keep-alive connection; libsoup opens a new one per POST otherwise. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  fanout->timeout_source = g_timeout_add (fanout->wait_ms, on_change_timeout_cb, fanout);
  fanout->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (fanout->session, msg, G_PRIORITY_DEFAULT, NULL, on_post_cb, fanout);
}

static void connect_more (Fanout *fanout);

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Client *client = user_data;
  Fanout *fanout = client->fanout;
  g_autoptr(GError) error = NULL;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  fanout->connecting--;
  if (client->connection == NULL)
    {
      if (fanout->connect_failed++ < 3)
        g_printerr ("ws-fanout: WebSocket connect failed: %s\n", error->message);
    }
  else
    {
      fanout->connected++;
      /* No pings from our side: only the events cross the wire. */
      soup_websocket_connection_set_keepalive_interval (client->connection, 0);
      g_signal_connect (client->connection, "message", G_CALLBACK (on_message_cb), client);
    }

  if (fanout->connected + fanout->connect_failed == fanout->n_clients)
    {
      if (fanout->connect_failed > 0)
        {
          g_printerr ("ws-fanout: %u of %u WebSocket connections failed\n", fanout->connect_failed,
                      fanout->n_clients);
          fanout->failed = TRUE;
          g_main_loop_quit (fanout->loop);
          return;
        }
      g_print ("%u WebSocket clients connected\n", fanout->connected);
      /* Let the server settle after the handshakes before the first change. */
      g_timeout_add (200, on_pause_done_cb, fanout);
      return;
    }
  connect_more (fanout);
}

/* At most 32 handshakes in flight, so the listen backlog never overflows. */
static void
connect_more (Fanout *fanout)
{
  g_autofree char *uri = g_strconcat (fanout->base, "/api/v1/events", NULL);

  while (fanout->connecting < 32 && fanout->next_to_connect < fanout->n_clients)
    {
      Client *client = g_ptr_array_index (fanout->clients, fanout->next_to_connect++);
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);

      fanout->connecting++;
      soup_session_websocket_connect_async (fanout->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            on_connected_cb, client);
    }
}

/* The first bed that is free (U, not reserved) in any ward. */
static gint64
find_free_bed (Fanout  *fanout,
               GError **error)
{
  g_autoptr(JsonNode) list = NULL;
  JsonArray *hospitals;
  guint status = 0;

  list = bench_http_call (fanout->session, fanout->base, "GET", "/api/v1/hospitals", NULL, NULL, &status, error);
  if (list == NULL)
    return 0;
  if (status != 200 || (hospitals = json_object_get_array_member (json_node_get_object (list), "hospitals")) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET /api/v1/hospitals: HTTP %u", status);
      return 0;
    }
  for (guint i = 0; i < json_array_get_length (hospitals); i++)
    {
      gint64 hospital = json_object_get_int_member (json_array_get_object_element (hospitals, i), "id");
      g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT, hospital);
      g_autoptr(JsonNode) detail = bench_http_call (fanout->session, fanout->base, "GET", path, NULL, NULL,
                                                    &status, error);
      JsonArray *wards;

      if (detail == NULL)
        return 0;
      if (status != 200 || (wards = json_object_get_array_member (json_node_get_object (detail), "wards")) == NULL)
        continue;
      for (guint j = 0; j < json_array_get_length (wards); j++)
        {
          gint64 ward = json_object_get_int_member (json_array_get_object_element (wards, j), "id");
          g_autofree char *beds_path = g_strdup_printf ("%s/wards/%" G_GINT64_FORMAT "/beds", path, ward);
          g_autoptr(JsonNode) beds_node = bench_http_call (fanout->session, fanout->base, "GET", beds_path,
                                                           NULL, NULL, &status, error);
          JsonArray *beds;

          if (beds_node == NULL)
            return 0;
          if (status != 200 || (beds = json_object_get_array_member (json_node_get_object (beds_node), "beds")) == NULL)
            continue;
          for (guint k = 0; k < json_array_get_length (beds); k++)
            {
              JsonObject *bed = json_array_get_object_element (beds, k);

              if (g_strcmp0 (json_object_get_string_member (bed, "status"), "U") == 0 &&
                  !json_object_get_boolean_member (bed, "reserved"))
                return json_object_get_int_member (bed, "id");
            }
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no free bed to toggle");
  return 0;
}

static gboolean
on_deadline_cb (gpointer user_data)
{
  Fanout *fanout = user_data;

  g_printerr ("ws-fanout: hard time limit reached\n");
  fanout->failed = TRUE;
  g_main_loop_quit (fanout->loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL, *email = NULL, *password = NULL;
  int clients = 500, changes = 100, wait_ms = 2000;
  gint64 bed = 0;
  Fanout fanout = { 0, };
  gboolean ok;
  double p50, p99, max, post_p50, post_p99;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server base URL, e.g. http://127.0.0.1:8470", "URL" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "WebSocket clients (default 500)", "N" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &changes, "Bed changes to send, even (default 100)", "N" },
    { "bed", 0, 0, G_OPTION_ARG_INT64, &bed, "Bed to toggle (default: the first free bed)", "ID" },
    { "wait-ms", 0, 0, G_OPTION_ARG_INT, &wait_ms, "Give up on a change after this long (default 2000)", "MS" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Staff login (default staff@demo.bedboard)", "EMAIL" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Password (default demo)", "PASSWORD" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Delay from a bed change to each of N live WebSocket clients.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ws-fanout: %s\n", error->message);
      return 2;
    }
  if (url == NULL || clients < 1 || clients > 10000 || changes < 2 || changes > 100000 || changes % 2 != 0 ||
      wait_ms < 10 || wait_ms > 60000)
    {
      g_printerr ("ws-fanout: need --url, --clients 1..10000, an even --changes 2..100000, --wait-ms 10..60000\n");
      return 2;
    }

  fanout.session = soup_session_new_with_options ("max-conns", clients + 16,
                                                  "max-conns-per-host", clients + 16,
                                                  "timeout", 30, NULL);
  fanout.loop = g_main_loop_new (NULL, FALSE);
  fanout.base = g_strdup (url);
  fanout.n_clients = (guint) clients;
  fanout.changes = (guint) changes;
  fanout.wait_ms = (guint) wait_ms;
  fanout.clients = g_ptr_array_new ();
  fanout.delays_ms = g_array_sized_new (FALSE, FALSE, sizeof (double), (guint) (clients * changes));
  fanout.post_ms = g_array_new (FALSE, FALSE, sizeof (double));

  fanout.token = bench_http_login (fanout.session, fanout.base, email ? email : "staff@demo.bedboard",
                                   password ? password : "demo", &error);
  if (fanout.token == NULL || (bed == 0 && (bed = find_free_bed (&fanout, &error)) == 0))
    {
      g_printerr ("ws-fanout: %s\n", error->message);
      return 1;
    }
  fanout.bed = bed;
  fanout.bed_needle = g_strdup_printf ("\"bed\":%" G_GINT64_FORMAT, bed);
  g_print ("toggling bed %" G_GINT64_FORMAT " between C and U %u times for %u clients\n", bed,
           fanout.changes, fanout.n_clients);

  for (guint i = 0; i < fanout.n_clients; i++)
    {
      Client *client = g_new0 (Client, 1);

      client->fanout = &fanout;
      g_ptr_array_add (fanout.clients, client);
    }
  g_timeout_add_seconds (60 + (guint) ((gint64) changes * wait_ms / 1000), on_deadline_cb, &fanout);
  connect_more (&fanout);
  g_main_loop_run (fanout.loop);

  p50 = bench_percentile (fanout.delays_ms, 50);
  p99 = bench_percentile (fanout.delays_ms, 99);
  max = bench_percentile (fanout.delays_ms, 100);
  post_p50 = bench_percentile (fanout.post_ms, 50);
  post_p99 = bench_percentile (fanout.post_ms, 99);
  ok = !fanout.failed && fanout.missed == 0 && fanout.post_errors == 0 &&
       fanout.delays_ms->len == (guint64) fanout.n_clients * fanout.changes;

  g_print ("changes %u, deliveries %u, missed %" G_GUINT64_FORMAT ", POST errors %" G_GUINT64_FORMAT "\n",
           fanout.change, fanout.delays_ms->len, fanout.missed, fanout.post_errors);
  g_print ("delay from POST to client: p50 %.2f ms, p99 %.2f ms, max %.2f ms (POST answered: p50 %.2f ms, p99 %.2f ms)\n",
           p50, p99, max, post_p50, post_p99);
  g_print ("RESULT ws-fanout clients=%u deliveries=%u p50_ms=%.2f p99_ms=%.2f max_ms=%.2f missed=%" G_GUINT64_FORMAT
           " ok=%s\n", fanout.n_clients, fanout.delays_ms->len, p50, p99, max, fanout.missed, ok ? "yes" : "no");

  for (guint i = 0; i < fanout.clients->len; i++)
    {
      Client *client = g_ptr_array_index (fanout.clients, i);

      if (client->connection != NULL)
        {
          g_signal_handlers_disconnect_by_data (client->connection, client);
          g_object_unref (client->connection);
        }
      g_free (client);
    }
  g_ptr_array_unref (fanout.clients);
  g_array_unref (fanout.delays_ms);
  g_array_unref (fanout.post_ms);
  g_main_loop_unref (fanout.loop);
  g_object_unref (fanout.session);
  g_free (fanout.base);
  g_free (fanout.token);
  g_free (fanout.bed_needle);
  return ok ? 0 : 1;
}
