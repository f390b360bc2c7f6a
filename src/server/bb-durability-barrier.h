/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-durability-barrier.h: group commit for the store's SQLite database.
 *
 * The store commits with synchronous=NORMAL: a commit is in the WAL file
 * (the OS page cache) when sqlite3_step() returns, but not fsynced. Before
 * an HTTP write is acknowledged, its route waits on this barrier: one
 * flusher at a time runs fdatasync() on the WAL in a worker thread and, when
 * it returns, releases every waiter whose commit happened before that
 * fdatasync started. Writes that arrive during a flush wait for the next
 * one, so a burst of writes shares one fsync instead of paying one each,
 * with the same guarantee as synchronous=FULL for acknowledged writes. */
#pragma once

#include <gio/gio.h>

#include "bb-store.h"

G_BEGIN_DECLS

#define BB_TYPE_DURABILITY_BARRIER (bb_durability_barrier_get_type ())
G_DECLARE_FINAL_TYPE (BbDurabilityBarrier, bb_durability_barrier, BB, DURABILITY_BARRIER, GObject)

/* Counts the store's commits (a commit hook on its connection) and syncs
 * "<database file>-wal". An in-memory or temporary database has nothing to
 * sync: waits return at once. */
BbDurabilityBarrier *bb_durability_barrier_new          (BbStore              *store);
/* Commits counted so far; pass it to wait_async after a write. */
guint64              bb_durability_barrier_get_commits  (BbDurabilityBarrier  *self);
/* Completes once every commit up to and including commit is on disk; fails
 * (G_IO_ERROR) if an fdatasync failed: from then on every wait fails, since
 * after a failed fsync Linux may have dropped the dirty pages. */
void                 bb_durability_barrier_wait_async   (BbDurabilityBarrier  *self,
                                                         guint64               commit,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean             bb_durability_barrier_wait_finish  (BbDurabilityBarrier  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* How many fdatasync() calls have completed (for tests and the benchmark). */
guint64              bb_durability_barrier_get_n_syncs  (BbDurabilityBarrier  *self);

G_END_DECLS
