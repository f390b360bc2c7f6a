/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-login-throttle.c: per e-mail and address lockout after failed logins. */
#define G_LOG_DOMAIN "bb-login-throttle"

#include "config.h"

#include "bb-login-throttle.h"

/* Failures older than this are forgotten, so an occasional typo never adds up. */
#define FORGET_AFTER_US (15 * G_TIME_SPAN_MINUTE)
/* Beyond this many tracked pairs, stale ones are swept on the next failure. */
#define SWEEP_ABOVE 4096

typedef struct
{
  guint  failures;
  gint64 last_failure;  /* monotonic, microseconds */
  gint64 locked_until;  /* monotonic, microseconds; 0 when not locked */
} Attempts;

struct _BbLoginThrottle
{
  GHashTable *attempts; /* "email\naddress" -> Attempts */
  guint       free_attempts;
  guint       first_delay;
  guint       max_delay;
};

static char *
make_key (const char *email,
          const char *address)
{
  g_autofree char *folded = g_utf8_casefold (email ? email : "", -1);

  return g_strconcat (folded, "\n", address ? address : "", NULL);
}

static gboolean
is_stale (Attempts *a,
          gint64    now)
{
  return a->locked_until <= now && now - a->last_failure > FORGET_AFTER_US;
}

static gboolean
sweep_cb (gpointer key,
          gpointer value,
          gpointer user_data)
{
  return is_stale (value, *(gint64 *) user_data);
}

BbLoginThrottle *
bb_login_throttle_new (guint free_attempts,
                       guint first_delay_seconds,
                       guint max_delay_seconds)
{
  BbLoginThrottle *self = g_new0 (BbLoginThrottle, 1);

  self->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->free_attempts = MAX (free_attempts, 1);
  self->first_delay = MAX (first_delay_seconds, 1);
  self->max_delay = MAX (max_delay_seconds, self->first_delay);
  return self;
}

void
bb_login_throttle_free (BbLoginThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->attempts);
  g_free (self);
}

guint
bb_login_throttle_check (BbLoginThrottle *self,
                         const char      *email,
                         const char      *address)
{
  g_autofree char *key = NULL;
  Attempts *a;
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (self != NULL, 0);

  key = make_key (email, address);
  a = g_hash_table_lookup (self->attempts, key);
  if (a == NULL)
    return 0;
  if (is_stale (a, now))
    {
      g_hash_table_remove (self->attempts, key);
      return 0;
    }
  if (a->locked_until > now)
    return (guint) ((a->locked_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return 0;
}

void
bb_login_throttle_failed (BbLoginThrottle *self,
                          const char      *email,
                          const char      *address)
{
  g_autofree char *key = NULL;
  Attempts *a;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (self != NULL);

  if (g_hash_table_size (self->attempts) > SWEEP_ABOVE)
    g_hash_table_foreach_remove (self->attempts, sweep_cb, &now);

  key = make_key (email, address);
  a = g_hash_table_lookup (self->attempts, key);
  if (a == NULL || is_stale (a, now))
    {
      a = g_new0 (Attempts, 1);
      g_hash_table_replace (self->attempts, g_steal_pointer (&key), a);
    }

  a->failures++;
  a->last_failure = now;
  if (a->failures >= self->free_attempts)
    {
      guint over = MIN (a->failures - self->free_attempts, 20);
      guint64 delay = (guint64) self->first_delay << over;

      delay = MIN (delay, self->max_delay);
      a->locked_until = now + (gint64) delay * G_USEC_PER_SEC;
    }
}

void
bb_login_throttle_succeeded (BbLoginThrottle *self,
                             const char      *email,
                             const char      *address)
{
  g_autofree char *key = NULL;

  g_return_if_fail (self != NULL);

  key = make_key (email, address);
  g_hash_table_remove (self->attempts, key);
}
