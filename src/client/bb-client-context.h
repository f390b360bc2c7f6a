/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-client-context.h: the one object every page gets (construct property
 * "context"): the API client, the session, the live events, the settings,
 * the snapshot cache and the shared list models.
 *
 * It keeps the models current: bb_client_context_start() loads the
 * hospitals (and their wards), saves them as the offline snapshot, then
 * follows the live events, applying each bed change in place to the ward's
 * BbBedList (if one is open) and to the hospital/ward counts. When the
 * server cannot be reached it shows the snapshot ("online" FALSE,
 * "offline-since" set) and tries again with the live events' backoff; on
 * reconnect it replays the missed events with since= and reloads.
 *
 * Properties (read-only unless said): "api", "session", "live-events",
 * "settings", "hospitals" (BbHospitalList), "online", "offline-since"
 * (gint64 Unix s, 0 when online), "data-time" (gint64: when what is shown
 * was current; the snapshot's time when offline), "loaded" (hospitals are
 * there, live or from the snapshot), "first-run-failed" (no server and no
 * snapshot: nothing to show). */
#pragma once

#include <gio/gio.h>

#include "bb-api-client.h"
#include "bb-bed-list.h"
#include "bb-client-types.h"
#include "bb-hospital-list.h"
#include "bb-live-events.h"
#include "bb-los-model.h"
#include "bb-session.h"
#include "bb-snapshot-cache.h"
#include "bb-ward-item.h"

G_BEGIN_DECLS

#define BB_TYPE_CLIENT_CONTEXT (bb_client_context_get_type ())
G_DECLARE_FINAL_TYPE (BbClientContext, bb_client_context, BB, CLIENT_CONTEXT, GObject)

/* settings may be NULL (then the URL must be given); server_url NULL: the
 * settings' server-url. snapshot_path NULL: one file per server under
 * g_get_user_cache_dir()/bedboard (snapshot-HOST-PORT.json), so another
 * server's data is never shown as this one's. */
BbClientContext *bb_client_context_new                (GSettings       *settings,
                                                       const char      *server_url,
                                                       const char      *snapshot_path);

BbApiClient     *bb_client_context_get_api            (BbClientContext *self);
BbSession       *bb_client_context_get_session        (BbClientContext *self);
BbLiveEvents    *bb_client_context_get_live_events    (BbClientContext *self);
GSettings       *bb_client_context_get_settings       (BbClientContext *self); /* may be NULL */
BbSnapshotCache *bb_client_context_get_snapshot_cache (BbClientContext *self);
BbHospitalList  *bb_client_context_get_hospitals      (BbClientContext *self);
gboolean         bb_client_context_get_online         (BbClientContext *self);
gint64           bb_client_context_get_offline_since  (BbClientContext *self);
gint64           bb_client_context_get_data_time      (BbClientContext *self);
gboolean         bb_client_context_get_loaded         (BbClientContext *self);
gboolean         bb_client_context_get_first_run_failed (BbClientContext *self);

/* Changes the server (preferences): drops the session, reloads. */
void             bb_client_context_set_server_url     (BbClientContext *self,
                                                       const char      *server_url);

/* Loads (or reloads) everything and follows the live events. */
void             bb_client_context_start              (BbClientContext *self);
void             bb_client_context_stop               (BbClientContext *self);
/* Reloads the hospitals and wards now; done when they are in the models
 * (or the snapshot was used: then FALSE with the network error). */
void             bb_client_context_reload_async       (BbClientContext *self,
                                                       GCancellable    *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer         user_data);
gboolean         bb_client_context_reload_finish      (BbClientContext *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);
/* Reloads one hospital's detail into its item (wards, counts). */
void             bb_client_context_load_hospital_async  (BbClientContext *self,
                                                         gint64           hospital_id,
                                                         GCancellable    *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer         user_data);
BbHospitalItem  *bb_client_context_load_hospital_finish (BbClientContext *self,
                                                         GAsyncResult    *result,
                                                         GError         **error);

/* The shared bed list of a ward (one per ward while someone holds it),
 * loading it if it is not loaded; "loaded" on the list says when. Live
 * events update it in place. */
BbBedList       *bb_client_context_get_ward_beds      (BbClientContext *self,
                                                       gint64           hospital_id,
                                                       gint64           ward_id);
/* Reloads a ward's beds (after a change the page made, or a resync). */
void             bb_client_context_reload_ward_beds   (BbClientContext *self,
                                                       BbBedList       *beds);

/* A LOS model by name ("icu-los", "ward-los"), loaded once and kept. */
void             bb_client_context_get_model_async    (BbClientContext *self,
                                                       const char      *name,
                                                       GCancellable    *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer         user_data);
BbLosModel      *bb_client_context_get_model_finish   (BbClientContext *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);

/* Applies one bed event (what the live events do; public for tests). */
void             bb_client_context_apply_bed_event    (BbClientContext *self,
                                                       gint64           hospital_id,
                                                       gint64           ward_id,
                                                       gint64           bed_id,
                                                       BbBedStatus      status,
                                                       gboolean         reserved,
                                                       gint64           at);

G_END_DECLS
