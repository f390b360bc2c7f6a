/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-watch-notifier.h: tells the user about the wards they watch (GSettings
 * watched-wards and watched-kinds): when a bed of a watched ward or ward kind
 * frees (from the live events), and when a watched ward's forecast crosses
 * the 85% or 92% alarm line (checked when the data loads and every 15
 * minutes). Each alert is emitted as "alert" (id, title, body); the
 * application shows it as a GNotification with that id, so a newer alert
 * about the same ward replaces the older one. A crossing is told once, and
 * again only after the ward has been below the line. */
#pragma once

#include <gio/gio.h>

#include "bb-client-context.h"

G_BEGIN_DECLS

#define BB_TYPE_WATCH_NOTIFIER (bb_watch_notifier_get_type ())
G_DECLARE_FINAL_TYPE (BbWatchNotifier, bb_watch_notifier, BB, WATCH_NOTIFIER, GObject)

BbWatchNotifier *bb_watch_notifier_new          (BbClientContext    *context);
/* What is watched: wards by id and ward kinds ("icu", ...). Written to the
 * context's settings when it has them (and read from them otherwise). */
void             bb_watch_notifier_set_watched  (BbWatchNotifier    *self,
                                                 const gint64       *ward_ids,
                                                 guint               n_ward_ids,
                                                 const char * const *kinds);
gboolean         bb_watch_notifier_watches      (BbWatchNotifier    *self,
                                                 gint64              ward_id,
                                                 const char         *kind);
/* Checks the watched wards' forecasts now (also done by itself). */
void             bb_watch_notifier_check_forecasts (BbWatchNotifier *self);

G_END_DECLS
