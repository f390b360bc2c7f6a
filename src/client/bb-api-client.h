/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-api-client.h: every call the client makes to bedboard-server
 * (docs/api.md), asynchronous on one SoupSession, answers parsed into core
 * records (bb-records.h) or client records (bb-api-records.h).
 *
 * Each call is an _async/_finish pair on a GTask. Arrays returned are
 * GPtrArrays that own their elements (free with g_ptr_array_unref).
 * Errors are BB_API_ERROR with the server's message; the server's whole
 * error object (e.g. the forecast attached to a 409) is kept on the GError:
 * bb_api_error_get_details(). The bearer token is the one set with
 * bb_api_client_set_token (BbSession does that on login). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bb-api-records.h"
#include "bb-client-types.h"
#include "bb-los-model.h"
#include "bb-records.h"

G_BEGIN_DECLS

#define BB_API_ERROR (bb_api_error_quark ())

typedef enum
{
  BB_API_ERROR_NETWORK,       /* no answer: refused, timed out, DNS, TLS ("unreachable") */
  BB_API_ERROR_UNAUTHORIZED,  /* 401 */
  BB_API_ERROR_FORBIDDEN,     /* 403 */
  BB_API_ERROR_NOT_FOUND,     /* 404 */
  BB_API_ERROR_CONFLICT,      /* 409 conflict / exists */
  BB_API_ERROR_NO_CAPACITY,   /* 409 no_capacity */
  BB_API_ERROR_INVALID,       /* 400, 405, 413; or an answer the client cannot read */
  BB_API_ERROR_TOO_MANY,      /* 429; bb_api_error_get_retry_after() */
  BB_API_ERROR_SERVER,        /* 5xx */
} BbApiError;

GQuark       bb_api_error_quark           (void);
/* The server's {"code", "message", ...} object of an error answer, or NULL
 * (transfer none; lives as long as the GError). */
JsonObject  *bb_api_error_get_details     (const GError *error);
/* The HTTP status of an error answer, 0 for network errors. */
guint        bb_api_error_get_status      (const GError *error);
/* Seconds from Retry-After of a 429, 0 otherwise. */
guint        bb_api_error_get_retry_after (const GError *error);
/* For a booking refused with BB_API_ERROR_NO_CAPACITY: the chance of a free
 * bed at its start that the server's forecast gave, 0..1, or NAN when the
 * answer did not say. */
double       bb_api_error_get_p_free_at_start (const GError *error);

#define BB_TYPE_API_CLIENT (bb_api_client_get_type ())
G_DECLARE_FINAL_TYPE (BbApiClient, bb_api_client, BB, API_CLIENT, GObject)

BbApiClient *bb_api_client_new              (const char  *base_url);
const char  *bb_api_client_get_base_url     (BbApiClient *self);
void         bb_api_client_set_base_url     (BbApiClient *self,
                                             const char  *base_url);
const char  *bb_api_client_get_token        (BbApiClient *self);
void         bb_api_client_set_token        (BbApiClient *self,
                                             const char  *token);
/* The one session, for the WebSocket (BbLiveEvents). */
SoupSession *bb_api_client_get_session      (BbApiClient *self);
/* base_url + path with http(s) changed to ws(s). */
char        *bb_api_client_build_ws_uri     (BbApiClient *self,
                                             const char  *path);
/* Where downloaded models are kept: g_get_user_cache_dir()/bedboard/models
 * unless set (tests). */
void         bb_api_client_set_model_cache_dir (BbApiClient *self,
                                                const char  *dir);

/* GET /api/v1/health */
void         bb_api_client_get_health_async  (BbApiClient *self, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean     bb_api_client_get_health_finish (BbApiClient *self, GAsyncResult *result,
                                              gint64 *last_event_seq, gint64 *server_time,
                                              GError **error);

/* GET /api/v1/hospitals[?near=LAT,LON][&kind=KIND]. has_location FALSE: no near.
 * kind NULL: all kinds. -> GPtrArray of BbHospital */
void         bb_api_client_list_hospitals_async  (BbApiClient *self, gboolean has_location,
                                                  double latitude, double longitude,
                                                  const char *kind, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_hospitals_finish (BbApiClient *self, GAsyncResult *result,
                                                  GError **error);

/* GET /api/v1/hospitals/{id} -> the hospital; its wards (BbWard) to out_wards. */
void         bb_api_client_get_hospital_async  (BbApiClient *self, gint64 hospital_id,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
BbHospital  *bb_api_client_get_hospital_finish (BbApiClient *self, GAsyncResult *result,
                                                GPtrArray **out_wards, GError **error);

/* GET /api/v1/hospitals/{id}/wards/{ward}/beds -> GPtrArray of BbBed
 * (with admissions when the token is staff). */
void         bb_api_client_list_ward_beds_async  (BbApiClient *self, gint64 hospital_id,
                                                  gint64 ward_id, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_ward_beds_finish (BbApiClient *self, GAsyncResult *result,
                                                  GError **error);

/* GET /api/v1/hospitals/{id}/occupancy?from=&to=&step=[&ward=].
 * from/to 0: the server's defaults; step NULL: "1h"; ward_id 0: all wards.
 * -> GPtrArray of BbOccupancySeries */
void         bb_api_client_get_occupancy_async  (BbApiClient *self, gint64 hospital_id,
                                                 gint64 from, gint64 to, const char *step,
                                                 gint64 ward_id, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_get_occupancy_finish (BbApiClient *self, GAsyncResult *result,
                                                 GError **error);

/* GET /api/v1/hospitals/{id}/forecast[?ward=] -> GPtrArray of BbWardForecastEntry */
void         bb_api_client_get_forecast_async  (BbApiClient *self, gint64 hospital_id,
                                                gint64 ward_id, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_get_forecast_finish (BbApiClient *self, GAsyncResult *result,
                                                GError **error);
/* The same with ?arrivals=recent: the forecast also counts the patients the
 * ward's admissions of the last 14 days say will arrive (the admin's
 * occupancy forecast). Finish with bb_api_client_get_forecast_finish. */
void         bb_api_client_get_forecast_with_arrivals_async (BbApiClient *self, gint64 hospital_id,
                                                             GCancellable *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer user_data);

/* GET /api/v1/hospitals/{id}/inpatients[?ward=] (staff) -> GPtrArray of
 * BbAdmission; the server's time of the answer to out_at (may be NULL). */
void         bb_api_client_list_inpatients_async  (BbApiClient *self, gint64 hospital_id,
                                                   gint64 ward_id, GCancellable *cancellable,
                                                   GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_inpatients_finish (BbApiClient *self, GAsyncResult *result,
                                                   gint64 *out_at, GError **error);

/* GET /api/v1/hospitals/{id}/discharges[?since=] (staff): finished stays
 * since then (0: the server's default, 30 days) -> GPtrArray of BbDischarge */
void         bb_api_client_list_discharges_async  (BbApiClient *self, gint64 hospital_id,
                                                   gint64 since, GCancellable *cancellable,
                                                   GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_discharges_finish (BbApiClient *self, GAsyncResult *result,
                                                   GError **error);

/* GET /api/v1/admissions/{id}, POST .../discharge, POST .../transfer {"bed"} */
void         bb_api_client_get_admission_async        (BbApiClient *self, gint64 admission_id,
                                                       GCancellable *cancellable,
                                                       GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_discharge_async            (BbApiClient *self, gint64 admission_id,
                                                       GCancellable *cancellable,
                                                       GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_transfer_async             (BbApiClient *self, gint64 admission_id,
                                                       gint64 bed_id, GCancellable *cancellable,
                                                       GAsyncReadyCallback callback, gpointer user_data);
/* The finish of the three admission calls. */
BbAdmission *bb_api_client_admission_finish           (BbApiClient *self, GAsyncResult *result,
                                                       GError **error);

/* POST /api/v1/beds/{id}/status {"status"} */
void         bb_api_client_set_bed_status_async  (BbApiClient *self, gint64 bed_id,
                                                  BbBedStatus status, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean     bb_api_client_set_bed_status_finish (BbApiClient *self, GAsyncResult *result,
                                                  GError **error);

/* POST /api/v1/bookings. features may be NULL; start 0: now; hold_minutes 0:
 * the server's default. */
void         bb_api_client_create_booking_async  (BbApiClient *self, gint64 hospital_id,
                                                  gint64 ward_id, const char *patient_ref,
                                                  JsonObject *features, gint64 start,
                                                  guint hold_minutes, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
/* POST /api/v1/bookings/{id}/confirm with the forecast shown (model NULL: none). */
void         bb_api_client_confirm_booking_async (BbApiClient *self, gint64 booking_id,
                                                  const char *model, const char *model_version,
                                                  double los_days, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_cancel_booking_async  (BbApiClient *self, gint64 booking_id,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
/* bed_id 0: the held bed (or any free bed of the ward). */
void         bb_api_client_admit_booking_async   (BbApiClient *self, gint64 booking_id,
                                                  gint64 bed_id, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_get_booking_async     (BbApiClient *self, gint64 booking_id,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
/* The finish of the five booking calls above. */
BbBooking   *bb_api_client_booking_finish        (BbApiClient *self, GAsyncResult *result,
                                                  GError **error);
/* GET /api/v1/bookings[?hospital=][&status=]; hospital_id 0 / status NULL: all.
 * -> GPtrArray of BbBooking */
void         bb_api_client_list_bookings_async   (BbApiClient *self, gint64 hospital_id,
                                                  const char *status, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_bookings_finish  (BbApiClient *self, GAsyncResult *result,
                                                  GError **error);

/* Enquiries: POST /api/v1/enquiries, GET /{id}, POST /{id}/accept,
 * /{id}/reply, /{id}/rate. */
void         bb_api_client_create_enquiry_async (BbApiClient *self, gint64 hospital_id,
                                                 const char *name, const char *contact,
                                                 const char *message, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_get_enquiry_async    (BbApiClient *self, gint64 enquiry_id,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_accept_enquiry_async (BbApiClient *self, gint64 enquiry_id,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_reply_enquiry_async  (BbApiClient *self, gint64 enquiry_id,
                                                 const char *reply, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_rate_enquiry_async   (BbApiClient *self, gint64 enquiry_id,
                                                 int rating, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
/* The finish of the five enquiry calls above. */
BbEnquiry   *bb_api_client_enquiry_finish       (BbApiClient *self, GAsyncResult *result,
                                                 GError **error);
/* GET /api/v1/enquiries[?hospital=] -> GPtrArray of BbEnquiry */
void         bb_api_client_list_enquiries_async  (BbApiClient *self, gint64 hospital_id,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_enquiries_finish (BbApiClient *self, GAsyncResult *result,
                                                  GError **error);

/* Accounts. login does not set the token: BbSession does. */
void         bb_api_client_login_async     (BbApiClient *self, const char *email,
                                            const char *password, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
BbLogin     *bb_api_client_login_finish    (BbApiClient *self, GAsyncResult *result,
                                            GError **error);
void         bb_api_client_logout_async    (BbApiClient *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean     bb_api_client_logout_finish   (BbApiClient *self, GAsyncResult *result,
                                            GError **error);
void         bb_api_client_register_async  (BbApiClient *self, const char *email,
                                            const char *name, const char *password,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
/* GET /api/v1/auth/me */
void         bb_api_client_get_me_async    (BbApiClient *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
/* The finish of register and get_me. */
BbUser      *bb_api_client_user_finish     (BbApiClient *self, GAsyncResult *result,
                                            GError **error);

/* GET /api/v1/models -> GPtrArray of BbModelInfo */
void         bb_api_client_list_models_async  (BbApiClient *self, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *bb_api_client_list_models_finish (BbApiClient *self, GAsyncResult *result,
                                               GError **error);
/* The model by name, ready to predict locally: GET /api/v1/models/{name}
 * (card) and /api/v1/models/{name}/booster, kept in the model cache dir by
 * name and version so the next call (or an offline one) reads the disk.
 * When the server has no models endpoint (404) or cannot be reached, the
 * cached copy, else the shipped model (BB_MODELS_DIR or the source tree's
 * models/) is used. Loading runs in a worker thread. */
void         bb_api_client_get_model_async    (BbApiClient *self, const char *name,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
BbLosModel  *bb_api_client_get_model_finish   (BbApiClient *self, GAsyncResult *result,
                                               GError **error);

/* POST /api/v1/models/{name}/retrain (admin) and GET the same path. */
void         bb_api_client_start_retrain_async  (BbApiClient *self, const char *name,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
void         bb_api_client_get_retrain_async    (BbApiClient *self, const char *name,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
BbRetrainStatus *bb_api_client_retrain_finish   (BbApiClient *self, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
