/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-events.c: the live WebSocket bed stream, its replay, and the login throttle. */
#include "config.h"

#include <string.h>

#include <sqlite3.h>
#include <sys/socket.h>

#include "bb-test-server.h"

typedef struct
{
  BbTestServer *server;
  char         *admin;
  char         *staff;
  gint64        hospital;
  gint64        ward;
  GArray       *beds;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = bb_test_server_new ();
  fixture->admin = bb_test_server_login (fixture->server, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD);
  fixture->staff = bb_test_server_add_user (fixture->server, fixture->admin, "staff@test.bedboard", "staff");
  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Live", 2,
                               &fixture->hospital, &fixture->ward, &fixture->beds);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->server, bb_test_server_free);
  g_clear_pointer (&fixture->beds, g_array_unref);
  g_free (fixture->admin);
  g_free (fixture->staff);
}

typedef struct
{
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GError                  *error;
  GPtrArray               *messages;  /* JsonObject */
  gboolean                 done;
} Listener;

static void
on_message_cb (SoupWebsocketConnection *connection,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  Listener *listener = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_true (json_parser_load_from_data (parser, data, (gssize) length, NULL));
  g_ptr_array_add (listener->messages, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
}

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Listener *listener = user_data;

  listener->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                                &listener->error);
  if (listener->connection != NULL)
    g_signal_connect (listener->connection, "message", G_CALLBACK (on_message_cb), listener);
  listener->done = TRUE;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *flag or n messages, or the timeout. */
static void
wait_for (Listener *listener,
          gboolean *flag,
          guint     n_messages,
          guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, on_timeout_cb, &timed_out);

  while (!timed_out && !(flag ? *flag : listener->messages->len >= n_messages))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
}

static Listener *
listen_events (Fixture    *fixture,
               const char *query)
{
  Listener *listener = g_new0 (Listener, 1);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/events%s", fixture->server->port,
                                          query ? query : "");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  listener->session = soup_session_new ();
  listener->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  soup_session_websocket_connect_async (listener->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected_cb, listener);
  wait_for (listener, &listener->done, 0, 5000);
  g_assert_no_error (listener->error);
  g_assert_nonnull (listener->connection);
  return listener;
}

static void
listener_free (Listener *listener)
{
  if (listener->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (listener->connection, listener);
      soup_websocket_connection_close (listener->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (listener->connection);
    }
  g_ptr_array_unref (listener->messages);
  g_object_unref (listener->session);
  g_free (listener);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listener, listener_free)

static void
set_bed_status (Fixture    *fixture,
                gint64      bed,
                const char *status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", bed);
  g_autofree char *body = g_strdup_printf ("{\"status\": \"%s\"}", status);
  g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, "POST", path, fixture->staff, body);

  g_assert_cmpuint (response->status, ==, 200);
}

static gint64
last_event_seq (Fixture *fixture)
{
  g_autoptr(BbTestResponse) health = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return json_object_get_int_member (bb_test_response_object (health), "last_event_seq");
}

static void
assert_event_shape (JsonObject *event)
{
  const char *members[] = { "seq", "type", "hospital", "ward", "bed", "status", "reserved", "at", NULL };

  for (guint i = 0; members[i] != NULL; i++)
    g_assert_true (json_object_has_member (event, members[i]));
  g_assert_false (json_object_has_member (event, "features"));
  g_assert_false (json_object_has_member (event, "patient_ref"));
}

static void
test_events_a_bed_change_reaches_a_connected_client (Fixture       *fixture,
                                                     gconstpointer  user_data)
{
  g_autoptr(Listener) listener = listen_events (fixture, NULL);
  gint64 bed = g_array_index (fixture->beds, gint64, 1);
  JsonObject *event;

  /* Only live events: nothing from before the connection. */
  wait_for (listener, NULL, 1, 200);
  g_assert_cmpuint (listener->messages->len, ==, 0);

  set_bed_status (fixture, bed, "C");
  wait_for (listener, NULL, 1, 5000);
  g_assert_cmpuint (listener->messages->len, ==, 1);
  event = g_ptr_array_index (listener->messages, 0);
  assert_event_shape (event);
  g_assert_cmpint (json_object_get_int_member (event, "bed"), ==, bed);
  g_assert_cmpint (json_object_get_int_member (event, "ward"), ==, fixture->ward);
  g_assert_cmpint (json_object_get_int_member (event, "hospital"), ==, fixture->hospital);
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "C");
  g_assert_false (json_object_get_boolean_member (event, "reserved"));
  g_assert_cmpint (json_object_get_int_member (event, "seq"), ==, last_event_seq (fixture));
}

static void
test_events_since_replays_what_was_missed_in_order (Fixture       *fixture,
                                                    gconstpointer  user_data)
{
  g_autoptr(Listener) listener = NULL;
  g_autoptr(BbTestResponse) booking = NULL;
  g_autofree char *query = NULL;
  g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                           ", \"patient_ref\": \"P-LIVE\", \"features\": {}}",
                                           fixture->hospital, fixture->ward);
  gint64 since = last_event_seq (fixture);
  gint64 bed = g_array_index (fixture->beds, gint64, 0);
  gint64 previous = since;
  gboolean saw_reserved = FALSE;

  set_bed_status (fixture, bed, "C");
  set_bed_status (fixture, bed, "U");
  booking = bb_test_server_request (fixture->server, "POST", "/api/v1/bookings", fixture->staff, body);
  g_assert_cmpuint (booking->status, ==, 201);

  query = g_strdup_printf ("?since=%" G_GINT64_FORMAT, since);
  listener = listen_events (fixture, query);
  wait_for (listener, NULL, 3, 5000);
  g_assert_cmpuint (listener->messages->len, >=, 3);

  for (guint i = 0; i < listener->messages->len; i++)
    {
      JsonObject *event = g_ptr_array_index (listener->messages, i);
      gint64 seq = json_object_get_int_member (event, "seq");

      assert_event_shape (event);
      g_assert_cmpint (seq, >, previous);
      previous = seq;
      if (json_object_get_boolean_member (event, "reserved"))
        saw_reserved = TRUE;
    }
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (listener->messages, 0), "status"), ==, "C");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (listener->messages, 1), "status"), ==, "U");
  g_assert_true (saw_reserved);

  /* And it goes on live after the replay. */
  {
    guint before = listener->messages->len;

    set_bed_status (fixture, g_array_index (fixture->beds, gint64, 1), "I");
    wait_for (listener, NULL, before + 1, 5000);
    g_assert_cmpuint (listener->messages->len, ==, before + 1);
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (listener->messages, before), "status"),
                     ==, "I");
  }
}

static void
test_events_reach_many_clients (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  gint64 bed = g_array_index (fixture->beds, gint64, 0);

  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (listeners, listen_events (fixture, NULL));
  set_bed_status (fixture, bed, "K");
  for (guint i = 0; i < listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (listeners, i);

      wait_for (listener, NULL, 1, 5000);
      g_assert_cmpuint (listener->messages->len, ==, 1);
      g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (listener->messages, 0), "status"),
                       ==, "K");
    }
}

/* ---- A client that stops reading ---- */

#define SLOW_READER_EVENTS 9000
#define SLOW_READER_LIMIT (64 * 1024)

static void
add_stored_events (const char *db_path,
                   gint64      hospital,
                   gint64      ward,
                   gint64      bed,
                   guint       n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO events (type, hospital, ward, bed, status, reserved, at) "
                                           "VALUES ('bed', ?1, ?2, ?3, ?4, 0, ?5)", -1, &st, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (st, 1, hospital);
      sqlite3_bind_int64 (st, 2, ward);
      sqlite3_bind_int64 (st, 3, bed);
      sqlite3_bind_text (st, 4, i % 2 ? "U" : "C", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, g_get_real_time () / G_USEC_PER_SEC);
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
      sqlite3_reset (st);
    }
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Reads exactly n bytes (FALSE on end of stream or the 10 s timeout). */
static gboolean
read_exactly (GSocket *socket,
              guint8  *buffer,
              gsize    n)
{
  gsize done = 0;

  while (done < n)
    {
      gssize got = g_socket_receive (socket, (char *) buffer + done, n - done, NULL, NULL);

      if (got <= 0)
        return FALSE;
      done += (gsize) got;
    }
  return TRUE;
}

static void
test_events_a_client_that_stops_reading_is_closed_to_resync (Fixture       *fixture,
                                                             gconstpointer  user_data)
{
  g_autofree char *limit = g_strdup_printf ("%d", SLOW_READER_LIMIT);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) headers = g_string_new (NULL);
  g_autoptr(BbTestResponse) health = NULL;
  const char *request = "GET /api/v1/events?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  guint64 text_bytes = 0;
  guint n_text = 0;
  guint16 close_code = 0;
  g_autofree char *close_reason = NULL;

  /* Thousands of stored events for a since=0 replay, and a small limit. */
  bb_test_server_stop (fixture->server, FALSE);
  add_stored_events (fixture->server->db_path, fixture->hospital, fixture->ward,
                     g_array_index (fixture->beds, gint64, 0), SLOW_READER_EVENTS);
  g_setenv ("BEDBOARD_TEST_WS_MAX_BACKLOG", limit, TRUE);
  bb_test_server_start (fixture->server, NULL);
  g_unsetenv ("BEDBOARD_TEST_WS_MAX_BACKLOG");

  /* A client with a tiny receive buffer that asks for everything and then
   * does not read. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, &error));
  g_socket_set_timeout (socket, 10);
  address = g_inet_socket_address_new (loopback, (guint16) fixture->server->port);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_cmpint (g_socket_send (socket, request, strlen (request), NULL, &error), ==, (gssize) strlen (request));
  g_usleep (G_USEC_PER_SEC);

  /* The server still answers everyone else. */
  health = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);

  /* Now read: the 101, some events, then a close frame well before the
   * replay's end. */
  while (!g_str_has_suffix (headers->str, "\r\n\r\n"))
    {
      char byte;

      g_assert_true (read_exactly (socket, (guint8 *) &byte, 1));
      g_string_append_c (headers, byte);
    }
  g_assert_true (g_str_has_prefix (headers->str, "HTTP/1.1 101"));

  for (;;)
    {
      guint8 head[2], extended[8];
      guint64 length;
      g_autofree guint8 *payload = NULL;
      guint opcode;

      if (!read_exactly (socket, head, 2))
        g_error ("the stream ended or stalled after %u events (%" G_GUINT64_FORMAT " bytes) without a close frame",
                 n_text, text_bytes);
      opcode = head[0] & 0x0f;
      length = head[1] & 0x7f;
      g_assert_cmpuint (head[1] & 0x80, ==, 0);  /* server frames are not masked */
      if (length == 126)
        {
          g_assert_true (read_exactly (socket, extended, 2));
          length = ((guint64) extended[0] << 8) | extended[1];
        }
      else if (length == 127)
        {
          g_assert_true (read_exactly (socket, extended, 8));
          length = 0;
          for (guint i = 0; i < 8; i++)
            length = (length << 8) | extended[i];
        }
      g_assert_cmpuint (length, <, 1024 * 1024);
      payload = g_malloc (length + 1);
      g_assert_true (read_exactly (socket, payload, length));
      payload[length] = '\0';

      if (opcode == 0x1)
        {
          n_text++;
          text_bytes += length;
          continue;
        }
      if (opcode == 0x8)
        {
          g_assert_cmpuint (length, >=, 2);
          close_code = (guint16) ((payload[0] << 8) | payload[1]);
          close_reason = g_strdup ((const char *) payload + 2);
          break;
        }
    }

  g_test_message ("read %u of %d replayed events (%" G_GUINT64_FORMAT " bytes) before close %u: %s",
                  n_text, SLOW_READER_EVENTS, text_bytes, close_code, close_reason);
  g_assert_cmpuint (close_code, ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_assert_true (g_str_has_prefix (close_reason, "resync"));
  g_assert_cmpuint (n_text, <, SLOW_READER_EVENTS / 2);
}

static guint
login_status (Fixture    *fixture,
              const char *email,
              const char *password,
              char      **retry_after)
{
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
  g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, "POST", "/api/v1/auth/login",
                                                                NULL, body);

  if (retry_after != NULL)
    *retry_after = g_strdup (response->retry_after);
  if (response->status == 429)
    g_assert_cmpstr (bb_test_response_error_code (response), ==, "too_many_requests");
  return response->status;
}

static void
test_throttle_repeated_failed_logins_get_429 (Fixture       *fixture,
                                              gconstpointer  user_data)
{
  g_autofree char *retry = NULL;
  g_autofree char *retry_again = NULL;
  guint64 seconds = 0;

  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (login_status (fixture, BB_TEST_ADMIN_EMAIL, "guess", NULL), ==, 401);

  /* Locked now, even with the right password. */
  g_assert_cmpuint (login_status (fixture, BB_TEST_ADMIN_EMAIL, "guess", &retry), ==, 429);
  g_assert_nonnull (retry);
  g_assert_true (g_ascii_string_to_unsigned (retry, 10, 1, 3600, &seconds, NULL));
  g_assert_cmpuint (login_status (fixture, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD, &retry_again), ==, 429);
  g_assert_nonnull (retry_again);

  /* Another account from the same address is not affected. */
  g_assert_cmpuint (login_status (fixture, "staff@test.bedboard", "password-staff", NULL), ==, 200);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/http/events/a-bed-change-reaches-a-connected-client", test_events_a_bed_change_reaches_a_connected_client);
  ADD ("/http/events/since-replays-what-was-missed-in-order", test_events_since_replays_what_was_missed_in_order);
  ADD ("/http/events/reach-many-clients", test_events_reach_many_clients);
  ADD ("/http/events/a-client-that-stops-reading-is-closed-to-resync",
       test_events_a_client_that_stops_reading_is_closed_to_resync);
  ADD ("/http/throttle/repeated-failed-logins-get-429", test_throttle_repeated_failed_logins_get_429);
#undef ADD

  return g_test_run ();
}
