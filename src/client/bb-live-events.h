/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-live-events.h: the WebSocket at /api/v1/events. Connects on the API
 * client's session, reconnects with backoff (1, 2, 4 ... 30 s) and asks for
 * the events it missed with ?since=<last seq seen>, so nothing is lost.
 *
 * Signals:
 *   bed-changed (gint64 seq, gint64 hospital, gint64 ward, gint64 bed,
 *                guint status (a BbBedStatus char), gboolean reserved, gint64 at)
 *   model-changed (const char *model, const char *status, const char *stage,
 *                  double progress)   a retrain's progress (not replayed)
 *   resync ()   the server could not replay (too far behind): reload over REST
 * Properties: "connected" (gboolean), "last-seq" (gint64), "retry-in" (guint s,
 * 0 while connected or connecting). */
#pragma once

#include <gio/gio.h>

#include "bb-api-client.h"
#include "bb-client-types.h"

G_BEGIN_DECLS

#define BB_TYPE_LIVE_EVENTS (bb_live_events_get_type ())
G_DECLARE_FINAL_TYPE (BbLiveEvents, bb_live_events, BB, LIVE_EVENTS, GObject)

BbLiveEvents *bb_live_events_new            (BbApiClient  *api);
/* Connects, replaying from since (< 0: only new events). Reconnects by
 * itself until bb_live_events_stop. */
void          bb_live_events_start          (BbLiveEvents *self,
                                             gint64        since);
void          bb_live_events_stop           (BbLiveEvents *self);
/* Drops the backoff wait and tries again now (e.g. the user clicked). */
void          bb_live_events_reconnect_now  (BbLiveEvents *self);
gboolean      bb_live_events_get_connected  (BbLiveEvents *self);
gint64        bb_live_events_get_last_seq   (BbLiveEvents *self);
guint         bb_live_events_get_retry_in   (BbLiveEvents *self);
/* The backoff in seconds before the attempt after n failures: 1, 2, 4, ... 30. */
guint         bb_live_events_backoff_for    (guint         failures);

G_END_DECLS
