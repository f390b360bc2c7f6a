/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-store-private.h: what the demo network needs from the store beyond its
 * public API: the raw connection for bulk loading in one transaction, and
 * the demo-only hidden length of stay. Nothing in the HTTP layer uses this. */
#pragma once

#include <sqlite3.h>

#include "bb-store.h"

G_BEGIN_DECLS

sqlite3  *_bb_store_get_db        (BbStore   *self);
/* BEGIN IMMEDIATE. */
gboolean  _bb_store_begin         (BbStore   *self,
                                   GError   **error);
/* COMMIT when ok (then emits the queued signals), else ROLLBACK. Returns
 * whether the transaction committed. */
gboolean  _bb_store_finish        (BbStore   *self,
                                   gboolean   ok,
                                   GError   **error);
/* Queues ::changed for the hospital; emitted after the next commit. */
void      _bb_store_queue_changed (BbStore   *self,
                                   gint64     hospital_id);
/* Sets an admission's hidden demo stay (days). */
gboolean  _bb_store_set_demo_los  (BbStore   *self,
                                   gint64     admission_id,
                                   double     los_days,
                                   GError   **error);

G_END_DECLS
