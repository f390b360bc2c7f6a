/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-snapshot-cache.c: the last public snapshot on disk, as
 *   {"version": 1, "saved_at": ISO, "hospitals": [hospital + "wards": [...]]}
 * written with the core's codecs and read back with them. */
#define G_LOG_DOMAIN "bb-snapshot-cache"

#include "config.h"

#include "bb-snapshot-cache.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bb-records-json.h"

#define SNAPSHOT_VERSION 1

struct _BbSnapshotCache
{
  GObject  parent_instance;
  char    *path;
};

G_DEFINE_FINAL_TYPE (BbSnapshotCache, bb_snapshot_cache, G_TYPE_OBJECT)

static void
bb_snapshot_cache_finalize (GObject *object)
{
  BbSnapshotCache *self = (BbSnapshotCache *) object;

  g_free (self->path);

  G_OBJECT_CLASS (bb_snapshot_cache_parent_class)->finalize (object);
}

static void
bb_snapshot_cache_class_init (BbSnapshotCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bb_snapshot_cache_finalize;
}

static void
bb_snapshot_cache_init (BbSnapshotCache *self)
{
}

BbSnapshotCache *
bb_snapshot_cache_new (const char *path)
{
  BbSnapshotCache *self = g_object_new (BB_TYPE_SNAPSHOT_CACHE, NULL);

  if (path != NULL)
    self->path = g_strdup (path);
  else
    self->path = g_build_filename (g_get_user_cache_dir (), "bedboard", "snapshot.json", NULL);
  return self;
}

const char *
bb_snapshot_cache_get_path (BbSnapshotCache *self)
{
  g_return_val_if_fail (BB_IS_SNAPSHOT_CACHE (self), NULL);
  return self->path;
}

gboolean
bb_snapshot_cache_save (BbSnapshotCache  *self,
                        GPtrArray        *hospitals,
                        GHashTable       *wards_by_hospital,
                        gint64            saved_at,
                        GError          **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *iso = NULL;

  g_return_val_if_fail (BB_IS_SNAPSHOT_CACHE (self), FALSE);
  g_return_val_if_fail (hospitals != NULL, FALSE);

  iso = bb_time_to_iso8601 (saved_at);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, SNAPSHOT_VERSION);
  json_builder_set_member_name (b, "saved_at");
  json_builder_add_string_value (b, iso);
  json_builder_set_member_name (b, "hospitals");
  json_builder_begin_array (b);
  for (guint i = 0; i < hospitals->len; i++)
    {
      const BbHospital *h = g_ptr_array_index (hospitals, i);
      JsonNode *node = bb_hospital_to_json (h);
      GPtrArray *wards = wards_by_hospital != NULL
                         ? g_hash_table_lookup (wards_by_hospital, &h->id) : NULL;

      if (wards != NULL)
        {
          JsonArray *array = json_array_sized_new (wards->len);

          for (guint j = 0; j < wards->len; j++)
            json_array_add_element (array, bb_ward_to_json (g_ptr_array_index (wards, j)));
          json_object_set_array_member (json_node_get_object (node), "wards", array);
        }
      json_builder_add_value (b, node);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* g_file_set_contents writes a temporary file and renames it over. */
  return g_file_set_contents_full (self->path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static void
ptr_array_unref0 (gpointer p)
{
  if (p != NULL)
    g_ptr_array_unref (p);
}

gboolean
bb_snapshot_cache_load (BbSnapshotCache  *self,
                        GPtrArray       **out_hospitals,
                        GHashTable      **out_wards_by_hospital,
                        gint64           *out_saved_at,
                        GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) hospitals = NULL;
  g_autoptr(GHashTable) wards_by_hospital = NULL;
  JsonNode *root;
  JsonObject *o;
  JsonArray *array;
  const char *saved_at_text;
  gint64 saved_at = 0;

  g_return_val_if_fail (BB_IS_SNAPSHOT_CACHE (self), FALSE);

  if (!json_parser_load_from_mapped_file (parser, self->path, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member ((o = json_node_get_object (root)), "hospitals") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "hospitals")) ||
      !json_object_has_member (o, "saved_at") ||
      json_object_get_int_member_with_default (o, "version", 0) != SNAPSHOT_VERSION ||
      (saved_at_text = json_object_get_string_member_with_default (o, "saved_at", NULL)) == NULL ||
      !bb_time_from_iso8601 (saved_at_text, &saved_at))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The snapshot %s is not one this version can read"), self->path);
      return FALSE;
    }

  hospitals = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_hospital_free);
  wards_by_hospital = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, ptr_array_unref0);
  array = json_object_get_array_member (o, "hospitals");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *hn = json_array_get_element (array, i);
      BbHospital *h = bb_hospital_from_json (hn, error);
      JsonNode *wn;

      if (h == NULL)
        return FALSE;
      g_ptr_array_add (hospitals, h);
      wn = json_object_get_member (json_node_get_object (hn), "wards");
      if (wn != NULL && JSON_NODE_HOLDS_ARRAY (wn))
        {
          JsonArray *wa = json_node_get_array (wn);
          g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_ward_free);
          gint64 *key;

          for (guint j = 0; j < json_array_get_length (wa); j++)
            {
              BbWard *w = bb_ward_from_json (json_array_get_element (wa, j), error);

              if (w == NULL)
                return FALSE;
              g_ptr_array_add (wards, w);
            }
          key = g_new (gint64, 1);
          *key = h->id;
          g_hash_table_insert (wards_by_hospital, key, g_steal_pointer (&wards));
        }
    }

  if (out_hospitals != NULL)
    *out_hospitals = g_steal_pointer (&hospitals);
  if (out_wards_by_hospital != NULL)
    *out_wards_by_hospital = g_steal_pointer (&wards_by_hospital);
  if (out_saved_at != NULL)
    *out_saved_at = saved_at;
  return TRUE;
}
