/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-event-hub.h: the live bed stream behind GET /api/v1/events.
 *
 * Each WebSocket client first gets the events it missed (seq > since) from
 * the store, then every new one as the store emits it. Because the store
 * and the hub share the main loop, nothing can slip between the replay and
 * the live stream. Each event is serialized once, whatever the number of
 * clients. */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "bb-store.h"

G_BEGIN_DECLS

/* A client further behind than this gets a "resync" message (reload the
 * state over REST) instead of an unbounded replay. */
#define BB_EVENT_HUB_MAX_REPLAY 10000
/* A client whose TCP peer has not acknowledged this many bytes of what we
 * sent it is closed (1008, "resync: ...") rather than queued for without
 * bound; it reconnects with since=. BEDBOARD_TEST_WS_MAX_BACKLOG overrides. */
#define BB_EVENT_HUB_MAX_BACKLOG (4 * 1024 * 1024)

#define BB_TYPE_EVENT_HUB (bb_event_hub_get_type ())
G_DECLARE_FINAL_TYPE (BbEventHub, bb_event_hub, BB, EVENT_HUB, GObject)

BbEventHub *bb_event_hub_new           (BbStore                 *store);
/* since < 0: live events only. socket is the connection's TCP socket, to
 * measure how far behind the client is; NULL gives no bound. */
void        bb_event_hub_add_client    (BbEventHub              *self,
                                        SoupWebsocketConnection *connection,
                                        GSocket                 *socket,
                                        gint64                   since);
guint       bb_event_hub_get_n_clients (BbEventHub              *self);
/* Sends one message that is not a stored bed event (such as a model's
 * retrain progress, type "model") to every live client; it has no seq and
 * is not replayed. */
void        bb_event_hub_broadcast     (BbEventHub              *self,
                                        const char              *text);
void        bb_event_hub_close_all     (BbEventHub              *self);

G_END_DECLS
