/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-response-cache.h: public answers kept as the bytes that go on the wire.
 *
 * The availability pages are read far more often than beds change, so the
 * server answers them from here without touching SQLite or JSON. Each entry
 * belongs to a hospital (0 for answers that span all of them, such as the
 * hospital list); a change in a hospital drops its entries and the
 * all-hospital ones, so nothing stale is ever served. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BbResponseCache BbResponseCache;

BbResponseCache *bb_response_cache_new        (guint            max_entries);
void             bb_response_cache_free       (BbResponseCache *self);
/* Borrowed; NULL on a miss. */
GBytes          *bb_response_cache_lookup     (BbResponseCache *self,
                                               const char      *key);
void             bb_response_cache_insert     (BbResponseCache *self,
                                               const char      *key,
                                               gint64           hospital_id,
                                               GBytes          *bytes);
/* Drops the entries of hospital_id and those spanning all hospitals;
 * hospital_id 0 drops everything. */
void             bb_response_cache_invalidate (BbResponseCache *self,
                                               gint64           hospital_id);
guint            bb_response_cache_size       (BbResponseCache *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbResponseCache, bb_response_cache_free)

G_END_DECLS
