/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-store.h: the hospital's records in SQLite.
 *
 * One BbStore owns one connection and is used from the thread that opened it
 * (the server's main loop), so every write is serialised and each state
 * change is one transaction: the row change, its audit entry and its live
 * event commit together or not at all. WAL with synchronous=FULL, so a call
 * that returned TRUE has reached the disk before the HTTP layer answers 2xx.
 *
 * After each committed change the store emits ::event (one per bed change,
 * with the BbEvent as a G_TYPE_POINTER, valid during the emission) and
 * ::changed (hospital id, G_TYPE_INT64) so the HTTP layer can push live
 * events and drop cached responses. Handlers may call back into the store. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bb-records.h"

G_BEGIN_DECLS

#define BB_STORE_ERROR (bb_store_error_quark ())

/* Each code maps to one HTTP status (see bb_store_error_http_status). */
typedef enum
{
  BB_STORE_ERROR_NOT_FOUND,    /* 404 not_found */
  BB_STORE_ERROR_INVALID,      /* 400 invalid: bad value, names the field */
  BB_STORE_ERROR_CONFLICT,     /* 409 conflict: invalid transition, says why */
  BB_STORE_ERROR_NO_CAPACITY,  /* 409 no_capacity */
  BB_STORE_ERROR_EXISTS,       /* 409 exists: e.g. e-mail already registered */
  BB_STORE_ERROR_AUTH,         /* 401 unauthorized: bad credentials or token */
  BB_STORE_ERROR_FORBIDDEN,    /* 403 forbidden */
  BB_STORE_ERROR_FAILED,       /* 500 internal */
} BbStoreError;

GQuark       bb_store_error_quark        (void);
guint        bb_store_error_http_status  (const GError *error);
const char  *bb_store_error_code_string  (const GError *error); /* "not_found", ... */

#define BB_TYPE_STORE (bb_store_get_type ())
G_DECLARE_FINAL_TYPE (BbStore, bb_store, BB, STORE, GObject)

/* Opens (creating if needed, with parent folders) and migrates the database. */
BbStore     *bb_store_open               (const char  *path,
                                          GError     **error);
int          bb_store_schema_version     (BbStore     *self);
/* The time the store treats as "now" (Unix seconds). Tests and the demo
 * simulation may move it; by default it is the wall clock. */
gint64       bb_store_now                (BbStore     *self);
void         bb_store_set_clock          (BbStore     *self,
                                          gint64     (*now_func) (gpointer),
                                          gpointer     user_data);
gboolean     bb_store_integrity_check    (BbStore     *self,
                                          GError     **error);

/* ---- Public reads (no patient data) ---- */
/* Bed counts: free = U and not held by a booking; reserved = held by a
 * held or confirmed booking; occupied = O; cleaning = H or K; closed = C or
 * I. They add up to total. */
/* kind: NULL for all ward kinds. Elements: BbHospital. */
GPtrArray   *bb_store_list_hospitals     (BbStore     *self,
                                          const char  *kind,
                                          GError     **error);
BbHospital  *bb_store_get_hospital       (BbStore     *self,
                                          gint64       hospital_id,
                                          GError     **error);
/* Elements: BbWard with bed counts. */
GPtrArray   *bb_store_list_wards         (BbStore     *self,
                                          gint64       hospital_id,
                                          GError     **error);
BbWard      *bb_store_get_ward           (BbStore     *self,
                                          gint64       ward_id,
                                          GError     **error);
/* The ward's own row only (id, hospital, name, kind, model); beds counts are
 * all 0. One index lookup, whatever the ward's size: for callers that need
 * no counts, such as holding a bed now. */
BbWard      *bb_store_get_ward_row       (BbStore     *self,
                                          gint64       ward_id,
                                          GError     **error);
/* Elements: BbBed. with_patients fills admission_id/admitted_at/features. */
GPtrArray   *bb_store_list_beds          (BbStore     *self,
                                          gint64       hospital_id,
                                          gint64       ward_id,
                                          gboolean     with_patients,
                                          GError     **error);

typedef struct
{
  gint64 t;
  guint  occupied;
  guint  capacity;
} BbOccupancyPoint;

typedef struct
{
  gint64  ward_id;
  GArray *points; /* BbOccupancyPoint */
} BbOccupancySeries;

void         bb_occupancy_series_free    (BbOccupancySeries *series);
/* {ward, points: [{t, occupied, capacity}]} */
JsonNode    *bb_occupancy_series_to_json (const BbOccupancySeries *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbOccupancySeries, bb_occupancy_series_free)

/* Occupied beds of each ward sampled at from, from+step, ... <= to,
 * reconstructed from admissions (admitted_at/discharged_at and transfers).
 * ward_id 0 for all wards of the hospital. Elements: BbOccupancySeries. */
GPtrArray   *bb_store_occupancy          (BbStore     *self,
                                          gint64       hospital_id,
                                          gint64       ward_id,
                                          gint64       from,
                                          gint64       to,
                                          gint64       step_seconds,
                                          GError     **error);

/* ---- Accounts ---- */
/* Argon2id (libsodium crypto_pwhash_str). Returns the new user id. */
gint64       bb_store_create_user        (BbStore     *self,
                                          gint64       actor_id,
                                          const char  *email,
                                          const char  *name,
                                          BbRole       role,
                                          const char  *password,
                                          GError     **error);
/* The same with a hash from bb_store_hash_password, so the hashing can run
 * in a worker thread and only the insert on the store's thread. */
gint64       bb_store_create_user_with_hash (BbStore     *self,
                                          gint64       actor_id,
                                          const char  *email,
                                          const char  *name,
                                          BbRole       role,
                                          const char  *password_hash,
                                          GError     **error);
/* Argon2id of password (tens of ms on purpose). Needs no store: safe in any
 * thread. */
char        *bb_store_hash_password      (const char  *password,
                                          GError     **error);
/* Whether password matches password_hash. password_hash NULL (an unknown
 * e-mail) checks against a dummy hash of the same cost and returns FALSE,
 * so the answer's timing does not say whether the e-mail exists. Safe in
 * any thread. */
gboolean     bb_store_verify_password    (const char  *password_hash,
                                          const char  *password);
GPtrArray   *bb_store_list_users         (BbStore     *self,
                                          GError     **error);
BbUser      *bb_store_get_user           (BbStore     *self,
                                          gint64       user_id,
                                          GError     **error);
gboolean     bb_store_set_user_role      (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       user_id,
                                          BbRole       role,
                                          GError     **error);
/* On success returns a new random session token (only its hash is stored),
 * fills the user and the expiry. Wrong e-mail or password: BB_STORE_ERROR_AUTH.
 * ttl_seconds 0: 12 hours. Session expiry is wall-clock time, not
 * bb_store_now (which the demo simulation runs faster). */
/* Login in three steps, so the slow middle one can leave the main loop:
 * find the user and the stored hash (both NULL for an unknown e-mail; FALSE
 * only on a database error), bb_store_verify_password, then a session for
 * the user (returns its token, as bb_store_login). */
gboolean     bb_store_find_login         (BbStore     *self,
                                          const char  *email,
                                          BbUser     **out_user,
                                          char       **out_password_hash,
                                          GError     **error);
char        *bb_store_create_session     (BbStore     *self,
                                          gint64       user_id,
                                          gint64       ttl_seconds,
                                          gint64      *out_expires_at,
                                          GError     **error);
char        *bb_store_login              (BbStore     *self,
                                          const char  *email,
                                          const char  *password,
                                          gint64       ttl_seconds,
                                          BbUser     **out_user,
                                          gint64      *out_expires_at,
                                          GError     **error);
/* NULL with BB_STORE_ERROR_AUTH when the token is unknown or expired. */
BbUser      *bb_store_lookup_session     (BbStore     *self,
                                          const char  *token,
                                          GError     **error);
gboolean     bb_store_logout             (BbStore     *self,
                                          const char  *token,
                                          GError     **error);

/* ---- Configuration (admin) ---- */
gint64       bb_store_create_hospital    (BbStore     *self,
                                          gint64       actor_id,
                                          const char  *name,
                                          const char  *address,
                                          double       latitude,
                                          double       longitude,
                                          const char  *phone,
                                          GError     **error);
gboolean     bb_store_update_hospital    (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       hospital_id,
                                          const char  *name,      /* NULL: unchanged */
                                          const char  *address,   /* NULL: unchanged */
                                          const double *latitude, /* NULL: unchanged */
                                          const double *longitude,/* NULL: unchanged */
                                          const char  *phone,     /* NULL: unchanged */
                                          GError     **error);
gint64       bb_store_create_ward        (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       hospital_id,
                                          const char  *name,
                                          const char  *kind,
                                          GError     **error);
gint64       bb_store_create_bed         (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       ward_id,
                                          const char  *label,
                                          const char * const *tags,
                                          GError     **error);
gboolean     bb_store_set_bed_tags       (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       bed_id,
                                          const char * const *tags,
                                          GError     **error);

/* ---- Bed flow (staff) ---- */
/* Staff status change, only along bb_bed_status_can_transition; a reserved
 * or occupied bed refuses with BB_STORE_ERROR_CONFLICT and the reason. */
gboolean     bb_store_set_bed_status     (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       bed_id,
                                          BbBedStatus  status,
                                          GError     **error);
/* Current admissions (discharged_at == 0). ward_id 0 for the whole hospital. */
GPtrArray   *bb_store_list_inpatients    (BbStore     *self,
                                          gint64       hospital_id,
                                          gint64       ward_id,
                                          GError     **error);
/* Finished admissions (discharged_at >= since) of the hospital, oldest
 * discharge first; ward_id != 0: only those that lay in that ward at some
 * time. For the model check of recent discharges. */
GPtrArray   *bb_store_list_discharges    (BbStore     *self,
                                          gint64       hospital_id,
                                          gint64       ward_id,
                                          gint64       since,
                                          GError     **error);
BbAdmission *bb_store_get_admission      (BbStore     *self,
                                          gint64       admission_id,
                                          GError     **error);
/* Bed history of an admission, oldest first. Elements: JsonObject*
 * {bed, ward, from, to (null while in that bed)}. */
GPtrArray   *bb_store_get_bed_history    (BbStore     *self,
                                          gint64       admission_id,
                                          GError     **error);
/* Admits a patient straight into a free, unheld bed (an arrival without a
 * booking, e.g. from the emergency department). */
BbAdmission *bb_store_admit_patient      (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       bed_id,
                                          const char  *patient_ref,
                                          JsonObject  *features,
                                          GError     **error);
gboolean     bb_store_discharge          (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       admission_id,
                                          GError     **error);
gboolean     bb_store_transfer           (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       admission_id,
                                          gint64       to_bed_id,
                                          GError     **error);

/* ---- Bookings (staff) ---- */
/* start 0 or <= now: holds one free (U, unreserved) bed of the ward until
 * now + hold_minutes, atomically; BB_STORE_ERROR_NO_CAPACITY when none.
 * A future start holds no bed (the caller has already decided, with the
 * forecast, that it may be accepted). */
BbBooking   *bb_store_create_booking     (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       hospital_id,
                                          gint64       ward_id,
                                          gint64       start,
                                          const char  *patient_ref,
                                          JsonObject  *features,
                                          guint        hold_minutes,
                                          GError     **error);
BbBooking   *bb_store_get_booking        (BbStore     *self,
                                          gint64       booking_id,
                                          GError     **error);
/* hospital_id 0: all; status NULL: all. Newest first, at most 1000. */
GPtrArray   *bb_store_list_bookings      (BbStore     *self,
                                          gint64       hospital_id,
                                          const char  *status,
                                          GError     **error);
/* Only a held booking can be confirmed; it then keeps its bed (or, for a
 * future start, its place) until admitted or cancelled and no longer
 * expires. forecast_model NULL when no forecast was shown. */
BbBooking   *bb_store_confirm_booking    (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       booking_id,
                                          const char  *forecast_model,
                                          const char  *forecast_version,
                                          double       forecast_los_days,
                                          GError     **error);
BbBooking   *bb_store_cancel_booking     (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       booking_id,
                                          GError     **error);
/* bed_id 0: the held bed, or any free bed of the ward for a future booking. */
BbBooking   *bb_store_admit_booking      (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       booking_id,
                                          gint64       bed_id,
                                          GError     **error);
/* Expires holds whose expiry has passed, freeing their beds. */
guint        bb_store_expire_holds       (BbStore     *self,
                                          GError     **error);
/* Future bookings of a ward that are held or confirmed, for the forecast:
 * those that hold no bed yet (a booking holding a bed is already counted
 * as a reserved bed). Oldest start first. */
GPtrArray   *bb_store_list_ward_bookings (BbStore     *self,
                                          gint64       ward_id,
                                          GError     **error);

/* ---- Enquiries ---- */
gint64       bb_store_create_enquiry     (BbStore     *self,
                                          gint64       user_id, /* 0: anonymous */
                                          gint64       hospital_id,
                                          const char  *name,
                                          const char  *contact,
                                          const char  *message,
                                          GError     **error);
/* user_id 0 lists all (staff); else that family member's own. */
GPtrArray   *bb_store_list_enquiries     (BbStore     *self,
                                          gint64       hospital_id,
                                          gint64       user_id,
                                          GError     **error);
BbEnquiry   *bb_store_get_enquiry        (BbStore     *self,
                                          gint64       enquiry_id,
                                          GError     **error);
gboolean     bb_store_accept_enquiry     (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       enquiry_id,
                                          GError     **error);
gboolean     bb_store_reply_enquiry      (BbStore     *self,
                                          gint64       actor_id,
                                          gint64       enquiry_id,
                                          const char  *reply,
                                          GError     **error);
gboolean     bb_store_rate_enquiry       (BbStore     *self,
                                          gint64       user_id,
                                          gint64       enquiry_id,
                                          int          rating,
                                          GError     **error);

/* ---- Live events ---- */
gint64       bb_store_last_event_seq     (BbStore     *self);
/* Events with seq > since, oldest first, at most limit. */
GPtrArray   *bb_store_list_events_since  (BbStore     *self,
                                          gint64       since,
                                          guint        limit,
                                          GError     **error);

/* ---- Audit ---- */
/* Elements: JsonObject* {id, actor, at, action, entity, entity_id, before, after}. */
GPtrArray   *bb_store_list_audit         (BbStore     *self,
                                          const char  *entity, /* NULL: all */
                                          gint64       entity_id,
                                          guint        limit,
                                          GError     **error);

G_END_DECLS
