/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-server.h: the bedboard HTTP service.
 *
 * BbServer puts a BbStore on the network: it owns a SoupServer, routes each
 * request to a handler by method and path, checks the bearer token and the
 * caller's role, answers public reads from a cache of serialized responses,
 * streams bed changes to WebSocket clients and expires stale holds. */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "bb-records.h"
#include "bb-store.h"

G_BEGIN_DECLS

#define BB_SERVER_DEFAULT_ADDRESS "127.0.0.1"
#define BB_SERVER_DEFAULT_PORT    8470

#define BB_TYPE_SERVER (bb_server_get_type ())
G_DECLARE_FINAL_TYPE (BbServer, bb_server, BB, SERVER, GObject)

BbServer    *bb_server_new                   (BbStore     *store);
BbStore     *bb_server_get_store             (BbServer    *self);
SoupServer  *bb_server_get_soup_server       (BbServer    *self);
const char  *bb_server_get_models_dir        (BbServer    *self);
void         bb_server_set_models_dir        (BbServer    *self,
                                              const char  *models_dir);
/* How often holds past their expiry are released (seconds, default 30). */
void         bb_server_set_expire_interval   (BbServer    *self,
                                              guint        seconds);
/* address: an IP literal; port 0 picks a free port. */
gboolean     bb_server_listen                (BbServer    *self,
                                              const char  *address,
                                              guint        port,
                                              GError     **error);
/* The port actually listened on (useful after port 0), 0 before listening. */
guint        bb_server_get_port              (BbServer    *self);
void         bb_server_disconnect            (BbServer    *self);

/* Decides whether a booking that starts in the future may be accepted for
 * the ward: when the ward's bed-release forecast (its inpatients, held beds
 * and earlier bookings, with the ward's LOS model) gives a free bed at the
 * start with probability >= BB_WARD_FORECAST_ACCEPT_P. Without its model
 * loaded, only when a bed is free now. Refusals are BB_API_ERROR_NO_CAPACITY. */
gboolean     bb_server_accept_future_booking (BbServer    *self,
                                              const BbWard *ward,
                                              gint64       start,
                                              JsonObject  *features,
                                              GError     **error);

G_END_DECLS
