/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-events.c: the live WebSocket bed stream, its replay, and the login throttle. */
#include "config.h"

#include <string.h>

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
  ADD ("/http/throttle/repeated-failed-logins-get-429", test_throttle_repeated_failed_logins_get_429);
#undef ADD

  return g_test_run ();
}
