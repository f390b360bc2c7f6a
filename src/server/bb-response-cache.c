/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-response-cache.c: serialized public answers, dropped on change. */
#define G_LOG_DOMAIN "bb-response-cache"

#include "config.h"

#include "bb-response-cache.h"

typedef struct
{
  GBytes *bytes;
  gint64  hospital_id;
} Entry;

struct _BbResponseCache
{
  GHashTable *entries; /* key -> Entry */
  guint       max_entries;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_bytes_unref (entry->bytes);
  g_free (entry);
}

static gboolean
entry_matches_cb (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  Entry *entry = value;
  gint64 hospital_id = *(gint64 *) user_data;

  return hospital_id == 0 || entry->hospital_id == 0 || entry->hospital_id == hospital_id;
}

BbResponseCache *
bb_response_cache_new (guint max_entries)
{
  BbResponseCache *self = g_new0 (BbResponseCache, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  self->max_entries = MAX (max_entries, 1);
  return self;
}

void
bb_response_cache_free (BbResponseCache *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_free (self);
}

GBytes *
bb_response_cache_lookup (BbResponseCache *self,
                          const char      *key)
{
  Entry *entry;

  g_return_val_if_fail (self != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, key);
  return entry ? entry->bytes : NULL;
}

void
bb_response_cache_insert (BbResponseCache *self,
                          const char      *key,
                          gint64           hospital_id,
                          GBytes          *bytes)
{
  Entry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (bytes != NULL);

  /* Query strings are chosen by clients; a bound keeps them from filling
   * memory. Starting over is cheap because every entry is rebuilt on demand. */
  if (g_hash_table_size (self->entries) >= self->max_entries)
    g_hash_table_remove_all (self->entries);

  entry = g_new0 (Entry, 1);
  entry->bytes = g_bytes_ref (bytes);
  entry->hospital_id = hospital_id;
  g_hash_table_replace (self->entries, g_strdup (key), entry);
}

void
bb_response_cache_invalidate (BbResponseCache *self,
                              gint64           hospital_id)
{
  g_return_if_fail (self != NULL);

  g_hash_table_foreach_remove (self->entries, entry_matches_cb, &hospital_id);
}

guint
bb_response_cache_size (BbResponseCache *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->entries);
}
