/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-durability.c: racing clients never double-book, and acknowledged writes survive kill -9. */
#include "config.h"

#include <string.h>

#include "bb-test-server.h"

#define N_RACERS 32

typedef struct
{
  BbTestServer *server;
  char         *admin;
  char         *staff;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = bb_test_server_new ();
  fixture->admin = bb_test_server_login (fixture->server, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD);
  fixture->staff = bb_test_server_add_user (fixture->server, fixture->admin, "staff@test.bedboard", "staff");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->server, bb_test_server_free);
  g_free (fixture->admin);
  g_free (fixture->staff);
}

/* ---- The race for the last bed ---- */

typedef struct
{
  const char *base_url;
  const char *token;
  const char *body;
  GMutex      lock;
  GCond       cond;
  guint       ready;
  gboolean    go;
  guint       created;
  guint       no_capacity;
  guint       other;
  GArray     *beds;   /* bed ids of the 201 answers */
} Race;

static gpointer
racer_thread (gpointer data)
{
  Race *race = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(BbTestResponse) warm = NULL;
  g_autoptr(BbTestResponse) response = NULL;

  /* Open the connection first so all requests leave together. */
  warm = bb_test_session_request (session, race->base_url, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (warm->status, ==, 200);

  g_mutex_lock (&race->lock);
  race->ready++;
  g_cond_broadcast (&race->cond);
  while (!race->go)
    g_cond_wait (&race->cond, &race->lock);
  g_mutex_unlock (&race->lock);

  response = bb_test_session_request (session, race->base_url, "POST", "/api/v1/bookings",
                                      race->token, race->body);

  g_mutex_lock (&race->lock);
  if (response->status == 201)
    {
      gint64 bed = json_object_get_int_member (bb_test_response_object (response), "bed");

      race->created++;
      g_array_append_val (race->beds, bed);
    }
  else if (response->status == 409 && g_strcmp0 (bb_test_response_error_code (response), "no_capacity") == 0)
    race->no_capacity++;
  else
    race->other++;
  g_mutex_unlock (&race->lock);
  return NULL;
}

static void
run_race (Fixture *fixture,
          guint    n_beds,
          guint    n_racers)
{
  g_autofree char *name = g_strdup_printf ("Race %u", n_beds);
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) beds = NULL;
  g_autoptr(GHashTable) distinct = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 hospital, ward;
  Race race = { 0, };

  bb_test_server_add_hospital (fixture->server, fixture->admin, name, n_beds, &hospital, &ward, &beds);
  body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                          ", \"patient_ref\": \"P-RACE\", \"features\": {\"age\": 50}}", hospital, ward);

  race.base_url = fixture->server->base_url;
  race.token = fixture->staff;
  race.body = body;
  race.beds = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_init (&race.lock);
  g_cond_init (&race.cond);

  for (guint i = 0; i < n_racers; i++)
    g_ptr_array_add (threads, g_thread_new ("racer", racer_thread, &race));

  g_mutex_lock (&race.lock);
  while (race.ready < n_racers)
    g_cond_wait (&race.cond, &race.lock);
  race.go = TRUE;
  g_cond_broadcast (&race.cond);
  g_mutex_unlock (&race.lock);

  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));

  g_assert_cmpuint (race.other, ==, 0);
  g_assert_cmpuint (race.created, ==, MIN (n_beds, n_racers));
  g_assert_cmpuint (race.no_capacity, ==, n_racers - race.created);
  /* Each hold got a different bed. */
  for (guint i = 0; i < race.beds->len; i++)
    g_hash_table_add (distinct, &g_array_index (race.beds, gint64, i));
  g_assert_cmpuint (g_hash_table_size (distinct), ==, race.created);

  g_array_unref (race.beds);
  g_mutex_clear (&race.lock);
  g_cond_clear (&race.cond);
}

static void
test_race_32_clients_for_the_last_bed_get_exactly_one_hold (Fixture       *fixture,
                                                           gconstpointer  user_data)
{
  run_race (fixture, 1, N_RACERS);
}

static void
test_race_32_clients_for_five_beds_get_five_different_beds (Fixture       *fixture,
                                                            gconstpointer  user_data)
{
  run_race (fixture, 5, N_RACERS);
}

/* ---- kill -9 in the middle of writes ---- */

typedef struct
{
  const char *base_url;
  const char *token;
  gint64      hospital;
  guint       index;
  GMutex     *lock;
  GHashTable *acked;     /* enquiry id -> message */
  GArray     *bookings;  /* acknowledged booking ids */
  gint64      ward;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);

  for (guint n = 0; ; n++)
    {
      g_autofree char *message = g_strdup_printf ("writer %u enquiry %u", writer->index, n);
      g_autofree char *body = NULL;
      g_autoptr(BbTestResponse) response = NULL;

      if (n % 2 == 0)
        body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"name\": \"Crash\", "
                                "\"contact\": \"c@example.org\", \"message\": \"%s\"}",
                                writer->hospital, message);
      else
        body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                ", \"patient_ref\": \"%s\", \"features\": {}}",
                                writer->hospital, writer->ward, message);

      response = bb_test_session_request (session, writer->base_url, "POST",
                                          n % 2 == 0 ? "/api/v1/enquiries" : "/api/v1/bookings",
                                          writer->token, body);
      if (response->status == 0)
        break;  /* the server is gone */
      if (response->status == 201)
        {
          gint64 id = json_object_get_int_member (bb_test_response_object (response), "id");

          g_mutex_lock (writer->lock);
          if (n % 2 == 0)
            g_hash_table_insert (writer->acked, g_memdup2 (&id, sizeof id), g_steal_pointer (&message));
          else
            g_array_append_val (writer->bookings, id);
          g_mutex_unlock (writer->lock);

          /* Keep the ward from filling up: cancel (another acknowledged write). */
          if (n % 2 == 1)
            {
              g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT "/cancel", id);
              g_autoptr(BbTestResponse) cancel = bb_test_session_request (session, writer->base_url,
                                                                          "POST", path, writer->token, NULL);
              if (cancel->status == 0)
                break;
            }
        }
    }
  return NULL;
}

static void
test_crash_acknowledged_writes_survive_kill_9 (Fixture       *fixture,
                                               gconstpointer  user_data)
{
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) bookings = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(BbTestResponse) inbox = NULL;
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autofree char *token = NULL;
  g_autofree char *integrity = NULL;
  Writer writers[4];
  GMutex lock;
  GHashTableIter iter;
  gpointer key, value;
  gint64 hospital, ward;
  JsonArray *array;
  int status;

  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Crash", 8, &hospital, &ward, NULL);
  g_mutex_init (&lock);

  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      writers[i] = (Writer) { fixture->server->base_url, fixture->staff, hospital, i, &lock, acked, bookings, ward };
      g_ptr_array_add (threads, g_thread_new ("writer", writer_thread, &writers[i]));
    }

  /* Let the writers get going, then pull the plug mid-stream. */
  g_usleep (400 * 1000);
  bb_test_server_stop (fixture->server, TRUE);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_mutex_clear (&lock);

  g_test_message ("%u enquiries and %u bookings acknowledged before kill -9",
                  g_hash_table_size (acked), bookings->len);
  g_assert_cmpuint (g_hash_table_size (acked), >=, 10);

  {
    const char *args[] = { "--db", fixture->server->db_path, "--check-integrity", NULL };

    status = bb_test_server_run_command (args, NULL, &integrity);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (integrity, ==, "ok\n");
  }

  bb_test_server_start (fixture->server, NULL);
  token = bb_test_server_login (fixture->server, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD);

  inbox = bb_test_server_request (fixture->server, "GET", "/api/v1/enquiries", token, NULL);
  g_assert_cmpuint (inbox->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (inbox), "enquiries");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *enquiry = json_array_get_object_element (array, i);
      gint64 id = json_object_get_int_member (enquiry, "id");

      g_hash_table_insert (found, g_memdup2 (&id, sizeof id),
                           g_strdup (json_object_get_string_member (enquiry, "message")));
    }

  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *message = g_hash_table_lookup (found, key);

      if (message == NULL)
        g_error ("acknowledged enquiry %" G_GINT64_FORMAT " is gone after kill -9", *(gint64 *) key);
      g_assert_cmpstr (message, ==, value);
    }

  for (guint i = 0; i < bookings->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT,
                                               g_array_index (bookings, gint64, i));
      g_autoptr(BbTestResponse) booking = bb_test_server_request (fixture->server, "GET", path, token, NULL);

      g_assert_cmpuint (booking->status, ==, 200);
    }
}

/* ---- Group commit: no answer before the fsync ---- */

#define FSYNC_DELAY_MS 500
#define N_GROUP_WRITERS 8

typedef struct
{
  const char *base_url;
  gint64      hospital;
  guint       status;
  gint64      elapsed_us;
} TimedWrite;

static gpointer
timed_write_thread (gpointer data)
{
  TimedWrite *write = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"name\": \"Slow\", "
                                           "\"contact\": \"s@example.org\", \"message\": \"disk\"}",
                                           write->hospital);
  g_autoptr(BbTestResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();

  response = bb_test_session_request (session, write->base_url, "POST", "/api/v1/enquiries", NULL, body);
  write->elapsed_us = g_get_monotonic_time () - start;
  write->status = response->status;
  return NULL;
}

static void
test_durability_writes_are_answered_only_after_their_fsync (Fixture       *fixture,
                                                           gconstpointer  user_data)
{
  g_autofree char *delay = g_strdup_printf ("%d", FSYNC_DELAY_MS);
  g_autoptr(BbTestResponse) health = NULL;
  TimedWrite single = { 0, }, group[N_GROUP_WRITERS];
  GThread *threads[N_GROUP_WRITERS];
  gint64 hospital, ward, start, elapsed_us;

  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Slow Disk", 2, &hospital, &ward, NULL);

  /* The server's fdatasync of the WAL now takes FSYNC_DELAY_MS longer. */
  bb_test_server_stop (fixture->server, FALSE);
  g_setenv ("BEDBOARD_TEST_FSYNC_DELAY_MS", delay, TRUE);
  bb_test_server_start (fixture->server, NULL);
  g_unsetenv ("BEDBOARD_TEST_FSYNC_DELAY_MS");

  /* A write's 201 comes only after the flush that covers its commit. */
  single = (TimedWrite) { fixture->server->base_url, hospital, 0, 0 };
  timed_write_thread (&single);
  g_assert_cmpuint (single.status, ==, 201);
  g_test_message ("one write answered after %" G_GINT64_FORMAT " ms", single.elapsed_us / 1000);
  g_assert_cmpint (single.elapsed_us, >=, FSYNC_DELAY_MS * 1000);

  /* Reads do not wait for the disk. */
  start = g_get_monotonic_time ();
  health = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, <, FSYNC_DELAY_MS * 1000);

  /* Concurrent writes share flushes: each waits for one, none for all the
   * others' (which would take N_GROUP_WRITERS flushes). */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_GROUP_WRITERS; i++)
    {
      group[i] = (TimedWrite) { fixture->server->base_url, hospital, 0, 0 };
      threads[i] = g_thread_new ("group-writer", timed_write_thread, &group[i]);
    }
  for (guint i = 0; i < N_GROUP_WRITERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (group[i].status, ==, 201);
      g_assert_cmpint (group[i].elapsed_us, >=, FSYNC_DELAY_MS * 1000);
    }
  elapsed_us = g_get_monotonic_time () - start;
  g_test_message ("%d concurrent writes answered within %" G_GINT64_FORMAT " ms",
                  N_GROUP_WRITERS, elapsed_us / 1000);
  g_assert_cmpint (elapsed_us, <, (N_GROUP_WRITERS / 2) * FSYNC_DELAY_MS * 1000);
}

static void
test_durability_a_failed_fsync_is_never_acknowledged (Fixture       *fixture,
                                                      gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) first = NULL;
  g_autoptr(BbTestResponse) second = NULL;
  g_autoptr(BbTestResponse) health = NULL;
  g_autofree char *body = NULL;
  gint64 hospital, ward;

  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Broken Disk", 2, &hospital, &ward, NULL);
  body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"name\": \"Lost\", "
                          "\"contact\": \"l@example.org\", \"message\": \"disk\"}", hospital);

  bb_test_server_stop (fixture->server, FALSE);
  g_setenv ("BEDBOARD_TEST_FSYNC_FAIL", "1", TRUE);
  bb_test_server_start (fixture->server, NULL);
  g_unsetenv ("BEDBOARD_TEST_FSYNC_FAIL");

  /* The write commits, but its fsync fails: 500, never 201, and so on for
   * every later write (a failed fsync proves nothing about later ones). */
  first = bb_test_server_request (fixture->server, "POST", "/api/v1/enquiries", NULL, body);
  g_assert_cmpuint (first->status, ==, 500);
  g_assert_cmpstr (bb_test_response_error_code (first), ==, "internal");
  second = bb_test_server_request (fixture->server, "POST", "/api/v1/enquiries", NULL, body);
  g_assert_cmpuint (second->status, ==, 500);

  /* Reads go on. */
  health = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/http/race/32-clients-for-the-last-bed-get-exactly-one-hold",
       test_race_32_clients_for_the_last_bed_get_exactly_one_hold);
  ADD ("/http/race/32-clients-for-five-beds-get-five-different-beds",
       test_race_32_clients_for_five_beds_get_five_different_beds);
  ADD ("/http/crash/acknowledged-writes-survive-kill-9", test_crash_acknowledged_writes_survive_kill_9);
  ADD ("/http/durability/writes-are-answered-only-after-their-fsync",
       test_durability_writes_are_answered_only_after_their_fsync);
  ADD ("/http/durability/a-failed-fsync-is-never-acknowledged",
       test_durability_a_failed_fsync_is_never_acknowledged);
#undef ADD

  return g_test_run ();
}
