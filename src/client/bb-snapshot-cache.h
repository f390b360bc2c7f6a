/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-snapshot-cache.h: the last public data the client saw (hospitals and
 * their wards), as one JSON file under g_get_user_cache_dir()/bedboard,
 * so the client can show something, with its time, when the server cannot
 * be reached. Written atomically; a broken file reads as "no snapshot". */
#pragma once

#include <gio/gio.h>

#include "bb-client-types.h"

G_BEGIN_DECLS

#define BB_TYPE_SNAPSHOT_CACHE (bb_snapshot_cache_get_type ())
G_DECLARE_FINAL_TYPE (BbSnapshotCache, bb_snapshot_cache, BB, SNAPSHOT_CACHE, GObject)

/* path NULL: g_get_user_cache_dir()/bedboard/snapshot.json */
BbSnapshotCache *bb_snapshot_cache_new      (const char      *path);
const char      *bb_snapshot_cache_get_path (BbSnapshotCache *self);

/* Writes hospitals (BbHospital) and, per hospital id, its wards (GPtrArray of
 * BbWard; hospitals without an entry are saved without wards), stamped
 * saved_at (Unix seconds). */
gboolean         bb_snapshot_cache_save     (BbSnapshotCache *self,
                                             GPtrArray       *hospitals,
                                             GHashTable      *wards_by_hospital,
                                             gint64           saved_at,
                                             GError         **error);
/* Reads it back: out_hospitals (BbHospital), out_wards_by_hospital
 * (gint64* -> GPtrArray of BbWard), out_saved_at. FALSE with an error when
 * there is none or it cannot be read. */
gboolean         bb_snapshot_cache_load     (BbSnapshotCache *self,
                                             GPtrArray      **out_hospitals,
                                             GHashTable     **out_wards_by_hospital,
                                             gint64          *out_saved_at,
                                             GError         **error);

G_END_DECLS
