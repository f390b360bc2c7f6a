/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-main-loop.c: slow work never holds up the server's main loop:
 * a real-cost password check runs while other requests are answered. */
#include "config.h"

#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "bb-test-server.h"

#define SLOW_EMAIL    "slow@test.bedboard"
#define SLOW_PASSWORD "a slow password to check"

typedef struct
{
  BbTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = bb_test_server_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->server, bb_test_server_free);
}

/* The test server hashes with the minimum cost; a stored hash carries its
 * own cost, so this user's checks take as long as a production login (or
 * longer: four times the interactive passes). */
static void
add_slow_user (BbTestServer *server)
{
  char hash[crypto_pwhash_STRBYTES];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  g_assert_cmpint (sodium_init (), >=, 0);
  g_assert_cmpint (crypto_pwhash_str_alg (hash, SLOW_PASSWORD, strlen (SLOW_PASSWORD),
                                          crypto_pwhash_OPSLIMIT_INTERACTIVE * 4,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                          crypto_pwhash_ALG_ARGON2ID13), ==, 0);

  g_assert_cmpint (sqlite3_open (server->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO users (email, name, role, password_hash, created_at) "
                                           "VALUES (?1, 'Slow', 'staff', ?2, 0)", -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (st, 1, SLOW_EMAIL, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, hash, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

typedef struct
{
  const char *base_url;
  const char *body;
  guint       status;
  gint64      done_at;
} TimedLogin;

static gpointer
login_thread (gpointer data)
{
  TimedLogin *login = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(BbTestResponse) response = NULL;

  response = bb_test_session_request (session, login->base_url, "POST", "/api/v1/auth/login", NULL,
                                      login->body);
  login->done_at = g_get_monotonic_time ();
  login->status = response->status;
  return NULL;
}

static void
test_main_loop_public_reads_are_answered_while_a_password_is_checked (Fixture       *fixture,
                                                                      gconstpointer  user_data)
{
  g_autofree char *right = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}",
                                            SLOW_EMAIL, SLOW_PASSWORD);
  TimedLogin login = { fixture->server->base_url, right, 0, 0 };
  g_autoptr(BbTestResponse) warm = NULL;
  GThread *thread;
  gint64 start, login_us, read_done_at = 0, first_read_done_at = 0;
  guint reads = 0;

  add_slow_user (fixture->server);
  warm = bb_test_server_request (fixture->server, "GET", "/api/v1/hospitals", NULL, NULL);
  g_assert_cmpuint (warm->status, ==, 200);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("login", login_thread, &login);
  /* Let the login reach the server, then read while its hash runs. */
  g_usleep (20 * 1000);
  while (g_atomic_int_get ((gint *) &login.status) == 0 && reads < 5)
    {
      g_autoptr(BbTestResponse) read = bb_test_server_request (fixture->server, "GET",
                                                               "/api/v1/hospitals", NULL, NULL);

      g_assert_cmpuint (read->status, ==, 200);
      read_done_at = g_get_monotonic_time ();
      if (reads++ == 0)
        first_read_done_at = read_done_at;
    }
  g_thread_join (thread);
  login_us = login.done_at - start;

  g_test_message ("the login took %" G_GINT64_FORMAT " ms; %u reads answered meanwhile, the first after %"
                  G_GINT64_FORMAT " ms, the last after %" G_GINT64_FORMAT " ms", login_us / 1000, reads,
                  (first_read_done_at - start) / 1000, (read_done_at - start) / 1000);
  g_assert_cmpuint (login.status, ==, 200);
  /* The hash must cost enough for the test to mean something... */
  g_assert_cmpint (login_us, >=, 60 * 1000);
  /* ...and the reads were answered while it ran, not after it (a read
   * queued behind the hash would finish with the login). */
  g_assert_cmpuint (reads, >=, 1);
  g_assert_cmpint (first_read_done_at - start, <, login_us / 2);
}

static void
test_main_loop_unknown_email_and_wrong_password_get_the_same_answer (Fixture       *fixture,
                                                                     gconstpointer  user_data)
{
  g_autofree char *wrong = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"not it at all\"}", SLOW_EMAIL);
  g_autoptr(BbTestResponse) wrong_password = NULL;
  g_autoptr(BbTestResponse) unknown = NULL;
  JsonObject *a, *b;

  add_slow_user (fixture->server);
  wrong_password = bb_test_server_request (fixture->server, "POST", "/api/v1/auth/login", NULL, wrong);
  unknown = bb_test_server_request (fixture->server, "POST", "/api/v1/auth/login", NULL,
                                    "{\"email\": \"nobody@test.bedboard\", \"password\": \"not it at all\"}");
  g_assert_cmpuint (wrong_password->status, ==, 401);
  g_assert_cmpuint (unknown->status, ==, 401);
  a = json_object_get_object_member (bb_test_response_object (wrong_password), "error");
  b = json_object_get_object_member (bb_test_response_object (unknown), "error");
  g_assert_cmpstr (json_object_get_string_member (a, "code"), ==, json_object_get_string_member (b, "code"));
  g_assert_cmpstr (json_object_get_string_member (a, "message"), ==, json_object_get_string_member (b, "message"));
}

static void
test_main_loop_registration_hashes_off_the_loop_and_can_log_in (Fixture       *fixture,
                                                               gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) first = NULL;
  g_autoptr(BbTestResponse) again = NULL;
  g_autofree char *token = NULL;
  const char *body = "{\"email\": \"new@test.bedboard\", \"name\": \"New\", \"password\": \"long enough\"}";

  first = bb_test_server_request (fixture->server, "POST", "/api/v1/auth/register", NULL, body);
  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (first), "role"), ==, "family");
  again = bb_test_server_request (fixture->server, "POST", "/api/v1/auth/register", NULL, body);
  g_assert_cmpuint (again->status, ==, 409);
  token = bb_test_server_login (fixture->server, "new@test.bedboard", "long enough");
  g_assert_nonnull (token);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/http/main-loop/public-reads-are-answered-while-a-password-is-checked",
       test_main_loop_public_reads_are_answered_while_a_password_is_checked);
  ADD ("/http/main-loop/unknown-email-and-wrong-password-get-the-same-answer",
       test_main_loop_unknown_email_and_wrong_password_get_the_same_answer);
  ADD ("/http/main-loop/registration-hashes-off-the-loop-and-can-log-in",
       test_main_loop_registration_hashes_off_the_loop_and_can_log_in);
#undef ADD

  return g_test_run ();
}
