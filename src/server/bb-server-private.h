/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-server-private.h: what the route files share with BbServer.
 *
 * A route is a method, a path pattern whose "{}" segments are numeric ids,
 * the least role that may call it and a handler. The handler gets a
 * BbRequest with the ids, the caller (NULL when anonymous), the query and,
 * for routes that take one, the parsed JSON object body; it answers with one
 * of the _bb_reply_* helpers. Route tables live in bb-routes-<area>.c. */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "bb-durability-barrier.h"
#include "bb-login-throttle.h"
#include "bb-model-registry.h"
#include "bb-records.h"
#include "bb-server.h"
#include "bb-store.h"
#include "bb-ward-forecast.h"

G_BEGIN_DECLS

#define BB_API_ERROR (bb_api_error_quark ())

/* HTTP-level errors the store does not know about; each maps to a status. */
typedef enum
{
  BB_API_ERROR_INVALID,        /* 400 invalid */
  BB_API_ERROR_UNAUTHORIZED,   /* 401 unauthorized */
  BB_API_ERROR_FORBIDDEN,      /* 403 forbidden */
  BB_API_ERROR_NOT_FOUND,      /* 404 not_found */
  BB_API_ERROR_CONFLICT,       /* 409 conflict */
  BB_API_ERROR_NO_CAPACITY,    /* 409 no_capacity */
  BB_API_ERROR_TOO_LARGE,      /* 413 too_large */
  BB_API_ERROR_NOT_IMPLEMENTED,/* 501 not_implemented */
} BbApiError;

GQuark bb_api_error_quark (void);

/* Request bodies larger than this are refused with 413. */
#define BB_MAX_BODY_SIZE (1024 * 1024)
/* JSON bodies nested deeper than this are refused before parsing. */
#define BB_MAX_BODY_DEPTH 32

typedef struct _BbRequest BbRequest;

struct _BbRequest
{
  BbServer          *server;
  BbStore           *store;
  SoupServerMessage *msg;
  const char        *path;
  GHashTable        *query;        /* never NULL */
  gint64             ids[4];       /* the "{}" path segments, in order */
  guint              n_ids;
  BbUser            *user;         /* NULL when anonymous */
  const char        *token;        /* the bearer token, when one was sent */
  JsonObject        *body;         /* for BB_ROUTE_BODY routes */
  char              *cache_key;    /* non-NULL when the answer may be cached */
  gint64             cache_hospital; /* which hospital's changes drop it; 0 any */
};

typedef void (*BbRouteHandler) (BbRequest *req);

typedef enum
{
  BB_ROUTE_NONE  = 0,
  BB_ROUTE_BODY  = 1 << 0,  /* takes a JSON object body */
  BB_ROUTE_CACHE = 1 << 1,  /* an anonymous GET answer may be cached */
} BbRouteFlags;

typedef struct
{
  const char     *method;
  const char     *pattern;
  BbRole          role;     /* least role allowed; BB_ROLE_NONE is public */
  BbRouteFlags    flags;
  BbRouteHandler  handler;
} BbRoute;

/* Each table ends with an entry whose method is NULL. */
extern const BbRoute _bb_routes_public[];
extern const BbRoute _bb_routes_auth[];
extern const BbRoute _bb_routes_bookings[];
extern const BbRoute _bb_routes_beds[];
extern const BbRoute _bb_routes_enquiries[];
extern const BbRoute _bb_routes_admin[];
extern const BbRoute _bb_routes_forecast[];
extern const BbRoute _bb_routes_models[];
extern const BbRoute _bb_routes_discharges[];

/* Adds a route table after the built-in ones: the seam where the forecast
 * and model routes (GET /api/v1/hospitals/{id}/forecast, GET /api/v1/models)
 * plug in. The table must outlive the server (a static array). */
void      _bb_server_add_routes (BbServer      *self,
                                 const BbRoute *table);

/* ---- Answers ---- */
void      _bb_reply_json        (BbRequest   *req,
                                 guint        status,
                                 JsonNode    *node);
void      _bb_reply_object      (BbRequest   *req,
                                 guint        status,
                                 JsonObject  *object);
void      _bb_reply_empty       (BbRequest   *req,
                                 guint        status);
void      _bb_reply_error       (BbRequest   *req,
                                 guint        status,
                                 const char  *code,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (4, 5);
void      _bb_reply_gerror      (BbRequest   *req,
                                 const GError *error);
/* The usual end of a handler that fetched one record: node (transfer full)
 * is its JSON, or NULL when the fetch failed with error. */
void      _bb_reply_json_or_error (BbRequest    *req,
                                   guint         status,
                                   JsonNode     *node,
                                   const GError *error);
/* Writes an error answer straight onto a message (no BbRequest yet). */
void      _bb_message_set_error (SoupServerMessage *msg,
                                 guint        status,
                                 const char  *code,
                                 const char  *message);

/* Caches the answer of this request under its key (cacheable routes only). */
void      _bb_request_set_cacheable (BbRequest *req,
                                     gint64     hospital_id);

/* ---- Reading the body and query; each fails with BB_API_ERROR_INVALID naming
 * the field. A missing optional field leaves *out untouched and returns TRUE. */
gboolean  _bb_body_get_string   (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 const char **out,
                                 GError     **error);
gboolean  _bb_body_get_id       (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 gint64      *out,
                                 GError     **error);
gboolean  _bb_body_get_int      (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 gint64       min,
                                 gint64       max,
                                 gint64      *out,
                                 GError     **error);
gboolean  _bb_body_get_double   (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 double       min,
                                 double       max,
                                 double      *out,
                                 gboolean    *out_set,
                                 GError     **error);
gboolean  _bb_body_get_time     (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 gint64      *out,
                                 GError     **error);
gboolean  _bb_body_get_object   (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 JsonObject **out,
                                 GError     **error);
/* A JSON array of strings; *out is a new NULL-terminated vector. */
gboolean  _bb_body_get_strv     (JsonObject  *body,
                                 const char  *field,
                                 gboolean     required,
                                 char      ***out,
                                 GError     **error);
gboolean  _bb_query_get_id      (BbRequest   *req,
                                 const char  *name,
                                 gint64      *out,
                                 GError     **error);
gboolean  _bb_query_get_time    (BbRequest   *req,
                                 const char  *name,
                                 gint64      *out,
                                 GError     **error);

/* ---- JSON for records the routes share ---- */
JsonNode *_bb_time_node         (gint64 unix_seconds);
void      _bb_object_set_time   (JsonObject  *object,
                                 const char  *member,
                                 gint64       unix_seconds);

/* Whether the caller is at least staff (staff-only fields may be shown). */
gboolean  _bb_request_is_staff  (BbRequest *req);

/* The hook for future bookings (see bb_server_accept_future_booking). */
gboolean  _bb_server_is_future  (BbServer *self,
                                 gint64    start);

/* ---- Group commit (bb-durability-barrier.h) ----
 * The router pauses the answer of any request whose handler committed and
 * releases it once the commit is on disk. A route that answers later from a
 * callback pauses the message with _bb_server_pause_message (which notes
 * a client that goes away meanwhile) and, after its last write and once
 * the answer is set, calls this: it unpauses once everything committed
 * so far is on disk. */
void      _bb_server_pause_message        (SoupServerMessage *msg);
void      _bb_server_unpause_when_durable (BbServer          *self,
                                           SoupServerMessage *msg);
BbDurabilityBarrier *_bb_server_get_durability_barrier (BbServer *self);

BbLoginThrottle *_bb_server_get_login_throttle (BbServer *self);
gint64           _bb_server_get_session_ttl    (BbServer *self);

/* ---- Models and the forecast (bb-routes-forecast.c, bb-routes-models.c) ---- */
/* An error answer whose error object also carries member: details. */
void      _bb_reply_gerror_with_details (BbRequest    *req,
                                         const GError *error,
                                         const char   *member,
                                         JsonNode     *details);
BbModelRegistry *_bb_server_get_models  (BbServer     *self);
/* Drops a hospital's cached answers after seconds: for answers that go
 * stale with the clock rather than with a change. */
void      _bb_server_expire_cached      (BbServer     *self,
                                         gint64        hospital_id,
                                         guint         seconds);
/* Like bb_server_accept_future_booking; a refusal by the forecast also
 * gives the ward's forecast (may be NULL). */
gboolean  _bb_server_check_future_booking (BbServer     *self,
                                           const BbWard *ward,
                                           gint64        start,
                                           JsonObject   *features,
                                           JsonNode    **out_forecast,
                                           GError      **error);
/* A ward's forecast from its inpatients and bookings with its model. */
BbWardForecast  *_bb_forecast_ward      (BbServer      *server,
                                         const BbWard  *ward,
                                         double         horizon_days,
                                         double         step_hours,
                                         BbLosModel   **out_model,
                                         GError       **error);
JsonNode        *_bb_forecast_ward_to_json (const BbWard   *ward,
                                            BbWardForecast *forecast,
                                            BbLosModel     *model);
/* The future-booking rule on the ward's forecast; out_forecast is set on a
 * refusal by the forecast. */
gboolean  _bb_forecast_accepts_booking  (BbServer      *server,
                                         const BbWard  *ward,
                                         gint64         start,
                                         JsonNode     **out_forecast,
                                         GError       **error);
/* Checks intake features against the card of the named model; a 400
 * naming the field. */
gboolean  _bb_models_validate_features  (BbServer      *server,
                                         const char    *model_name,
                                         JsonObject    *features,
                                         GError       **error);

G_END_DECLS
