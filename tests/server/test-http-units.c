/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-units.c: the HTTP layer's parts on their own: the response cache, the login throttle and
 * the group-commit barrier. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bb-durability-barrier.h"
#include "bb-login-throttle.h"
#include "bb-response-cache.h"

static GBytes *
bytes (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

static void
test_cache_change_in_a_hospital_drops_its_answers_and_the_lists (void)
{
  g_autoptr(BbResponseCache) cache = bb_response_cache_new (100);
  g_autoptr(GBytes) list = bytes ("list");
  g_autoptr(GBytes) one = bytes ("one");
  g_autoptr(GBytes) two = bytes ("two");

  bb_response_cache_insert (cache, "/api/v1/hospitals", 0, list);
  bb_response_cache_insert (cache, "/api/v1/hospitals/1", 1, one);
  bb_response_cache_insert (cache, "/api/v1/hospitals/2", 2, two);
  g_assert_true (bb_response_cache_lookup (cache, "/api/v1/hospitals/1") == one);
  g_assert_null (bb_response_cache_lookup (cache, "/api/v1/hospitals/3"));

  bb_response_cache_invalidate (cache, 1);
  g_assert_null (bb_response_cache_lookup (cache, "/api/v1/hospitals/1"));
  g_assert_null (bb_response_cache_lookup (cache, "/api/v1/hospitals"));
  g_assert_true (bb_response_cache_lookup (cache, "/api/v1/hospitals/2") == two);

  bb_response_cache_invalidate (cache, 0);
  g_assert_cmpuint (bb_response_cache_size (cache), ==, 0);
}

static void
test_cache_never_grows_past_its_bound (void)
{
  g_autoptr(BbResponseCache) cache = bb_response_cache_new (8);
  g_autoptr(GBytes) body = bytes ("x");

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("/api/v1/hospitals?near=%u,0", i);

      bb_response_cache_insert (cache, key, 0, body);
      g_assert_cmpuint (bb_response_cache_size (cache), <=, 8);
      g_assert_true (bb_response_cache_lookup (cache, key) == body);
    }
}

static void
test_throttle_locks_after_the_free_attempts_and_doubles (void)
{
  g_autoptr(BbLoginThrottle) throttle = bb_login_throttle_new (3, 30, 100);
  guint wait;

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1"), ==, 0);
      bb_login_throttle_failed (throttle, "a@example.org", "10.0.0.1");
    }
  g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1"), ==, 0);
  bb_login_throttle_failed (throttle, "a@example.org", "10.0.0.1");
  wait = bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1");
  g_assert_cmpuint (wait, >=, 29);
  g_assert_cmpuint (wait, <=, 30);
  /* E-mail case does not matter; the address and other accounts do. */
  g_assert_cmpuint (bb_login_throttle_check (throttle, "A@Example.org", "10.0.0.1"), >=, 29);
  g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.2"), ==, 0);
  g_assert_cmpuint (bb_login_throttle_check (throttle, "b@example.org", "10.0.0.1"), ==, 0);

  bb_login_throttle_failed (throttle, "a@example.org", "10.0.0.1");
  g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1"), >=, 59);
  bb_login_throttle_failed (throttle, "a@example.org", "10.0.0.1");
  g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1"), ==, 100);
  bb_login_throttle_failed (throttle, "a@example.org", "10.0.0.1");
  g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1"), ==, 100);

  bb_login_throttle_succeeded (throttle, "a@example.org", "10.0.0.1");
  g_assert_cmpuint (bb_login_throttle_check (throttle, "a@example.org", "10.0.0.1"), ==, 0);
}

/* ---- Group commit ---- */

static void
on_waited_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (bb_durability_barrier_wait_finish (BB_DURABILITY_BARRIER (source), result, &error));
  g_assert_no_error (error);
  (*done)++;
}

static void
add_hospital (BbStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (bb_store_create_hospital (store, 0, "St Barrier", "1 Sync Road", 42.6, -73.7, "", &error), >, 0);
  g_assert_no_error (error);
}

static void
test_barrier_one_fsync_releases_every_earlier_commit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bb-barrier-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "barrier.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(BbStore) store = bb_store_open (path, &error);
  g_autoptr(BbDurabilityBarrier) barrier = NULL;
  g_autoptr(BbDurabilityBarrier) second = NULL;
  guint64 first_commit;
  guint done = 0;

  g_assert_no_error (error);
  barrier = bb_durability_barrier_new (store);

  /* Commits are counted; nothing is synced until someone waits. */
  add_hospital (store);
  first_commit = bb_durability_barrier_get_commits (barrier);
  g_assert_cmpuint (first_commit, ==, 1);
  add_hospital (store);
  add_hospital (store);
  g_assert_cmpuint (bb_durability_barrier_get_commits (barrier), ==, 3);
  g_assert_cmpuint (bb_durability_barrier_get_n_syncs (barrier), ==, 0);

  /* Three waiters for commits made before the flush started: one fsync. */
  bb_durability_barrier_wait_async (barrier, first_commit, NULL, on_waited_cb, &done);
  bb_durability_barrier_wait_async (barrier, 2, NULL, on_waited_cb, &done);
  bb_durability_barrier_wait_async (barrier, 3, NULL, on_waited_cb, &done);
  while (done < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (bb_durability_barrier_get_n_syncs (barrier), ==, 1);

  /* Already durable: no new fsync. */
  bb_durability_barrier_wait_async (barrier, 3, NULL, on_waited_cb, &done);
  while (done < 4)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (bb_durability_barrier_get_n_syncs (barrier), ==, 1);

  /* A commit after the flush needs the next one. */
  add_hospital (store);
  bb_durability_barrier_wait_async (barrier, 4, NULL, on_waited_cb, &done);
  while (done < 5)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (bb_durability_barrier_get_n_syncs (barrier), ==, 2);

  /* A newer barrier on the same store keeps counting after the old one goes. */
  second = bb_durability_barrier_new (store);
  g_clear_object (&barrier);
  add_hospital (store);
  g_assert_cmpuint (bb_durability_barrier_get_commits (second), ==, 1);

  g_clear_object (&second);
  g_clear_object (&store);
  g_unlink (wal);
  g_unlink (path);
  {
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (shm);
  }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http/cache/change-in-a-hospital-drops-its-answers-and-the-lists",
                   test_cache_change_in_a_hospital_drops_its_answers_and_the_lists);
  g_test_add_func ("/http/cache/never-grows-past-its-bound", test_cache_never_grows_past_its_bound);
  g_test_add_func ("/http/throttle/locks-after-the-free-attempts-and-doubles",
                   test_throttle_locks_after_the_free_attempts_and_doubles);
  g_test_add_func ("/http/group-commit/one-fsync-releases-every-earlier-commit",
                   test_barrier_one_fsync_releases_every_earlier_commit);

  return g_test_run ();
}
