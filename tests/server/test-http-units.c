/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-units.c: the HTTP layer's parts on their own: the response cache and the login throttle. */
#include "config.h"

#include <string.h>

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

  return g_test_run ();
}
