/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-records.h: the hospital's records as plain C structs, shared by the
 * store (which fills them from SQLite), the HTTP routes (which turn them into
 * JSON with bb-records-json.h) and the client (which parses them back).
 *
 * Times are Unix seconds (gint64, UTC); JSON renders them as ISO 8601 UTC. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* HL7 v2 table 0116 bed status. Reservation by a booking is not a status. */
typedef enum
{
  BB_BED_STATUS_UNOCCUPIED   = 'U',
  BB_BED_STATUS_OCCUPIED     = 'O',
  BB_BED_STATUS_HOUSEKEEPING = 'H',
  BB_BED_STATUS_CLOSED       = 'C',
  BB_BED_STATUS_ISOLATED     = 'I',
  BB_BED_STATUS_CONTAMINATED = 'K',
} BbBedStatus;

typedef enum
{
  BB_ROLE_NONE = 0,   /* anonymous: the public */
  BB_ROLE_FAMILY,
  BB_ROLE_STAFF,
  BB_ROLE_ADMIN,
} BbRole;

typedef enum
{
  BB_BOOKING_HELD,
  BB_BOOKING_CONFIRMED,
  BB_BOOKING_ADMITTED,
  BB_BOOKING_CANCELLED,
  BB_BOOKING_EXPIRED,
} BbBookingStatus;

gboolean     bb_bed_status_from_string     (const char   *s,
                                            BbBedStatus  *out);
const char  *bb_bed_status_to_string       (BbBedStatus   status);
/* Whether staff may move a bed from one status to another directly.
 * Returns FALSE and a human reason for transitions that are not allowed;
 * O is only reachable through an admission and never left by hand. */
gboolean     bb_bed_status_can_transition  (BbBedStatus   from,
                                            BbBedStatus   to,
                                            const char  **reason);

gboolean     bb_role_from_string           (const char   *s,
                                            BbRole       *out);
const char  *bb_role_to_string             (BbRole        role);

gboolean     bb_booking_status_from_string (const char      *s,
                                            BbBookingStatus *out);
const char  *bb_booking_status_to_string   (BbBookingStatus  status);

/* Known ward kinds and the LOS model each is forecast with. */
gboolean     bb_ward_kind_is_valid         (const char *kind);
const char  *bb_ward_kind_model            (const char *kind); /* "icu-los" or "ward-los" */

char        *bb_time_to_iso8601            (gint64 unix_seconds);
gboolean     bb_time_from_iso8601          (const char *iso,
                                            gint64     *out_unix_seconds);

typedef struct
{
  guint total, free, occupied, reserved, cleaning, closed;
} BbBedCounts;

typedef struct
{
  gint64       id;
  char        *name;
  char        *address;
  double       latitude;
  double       longitude;
  char        *phone;
  gint64       updated_at;
  BbBedCounts  beds;
  double       distance_km; /* < 0 when no location was given */
} BbHospital;

typedef struct
{
  gint64       id;
  gint64       hospital_id;
  char        *name;
  char        *kind;
  char        *model;      /* icu-los | ward-los */
  BbBedCounts  beds;       /* capacity == beds.total */
} BbWard;

typedef struct
{
  gint64       id;
  gint64       ward_id;
  char        *label;
  BbBedStatus  status;
  gboolean     reserved;
  char       **tags;          /* NULL-terminated */
  gint64       admission_id;  /* 0 when none; staff views only */
  gint64       admitted_at;
  JsonObject  *features;      /* owned ref, NULL when none; staff views only */
} BbBed;

typedef struct
{
  gint64       id;
  gint64       bed_id;
  gint64       ward_id;
  gint64       hospital_id;
  char        *patient_ref;
  JsonObject  *features;
  gint64       admitted_at;
  gint64       discharged_at; /* 0 while in hospital */
} BbAdmission;

typedef struct
{
  gint64           id;
  gint64           hospital_id;
  gint64           ward_id;
  gint64           bed_id;       /* 0 when no bed is held */
  gint64           start;
  BbBookingStatus  status;
  gint64           expires_at;   /* hold expiry, 0 when not held */
  char            *patient_ref;
  JsonObject      *features;
  char            *forecast_model;   /* NULL until confirmed with a forecast */
  char            *forecast_version;
  double           forecast_los_days; /* < 0 when none */
  gint64           admission_id;      /* 0 until admitted */
  gint64           created_by;
  gint64           created_at;
} BbBooking;

typedef struct
{
  gint64  id;
  gint64  hospital_id;
  gint64  user_id;     /* 0 when sent without an account */
  char   *name;
  char   *contact;
  char   *message;
  char   *status;      /* open | accepted | answered */
  gint64  accepted_by;
  char   *reply;
  gint64  replied_at;
  int     rating;      /* 0 = not rated, else 1..5 */
  gint64  created_at;
} BbEnquiry;

typedef struct
{
  gint64  id;
  char   *email;
  char   *name;
  BbRole  role;
  gint64  created_at;
} BbUser;

typedef struct
{
  gint64       seq;
  char        *type;      /* bed | booking | model ... */
  gint64       hospital_id;
  gint64       ward_id;
  gint64       bed_id;
  BbBedStatus  status;
  gboolean     reserved;
  gint64       at;
} BbEvent;

void bb_hospital_free  (BbHospital  *h);
void bb_ward_free      (BbWard      *w);
void bb_bed_free       (BbBed       *b);
void bb_admission_free (BbAdmission *a);
void bb_booking_free   (BbBooking   *b);
void bb_enquiry_free   (BbEnquiry   *e);
void bb_user_free      (BbUser      *u);
void bb_event_free     (BbEvent     *e);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbHospital, bb_hospital_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbWard, bb_ward_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbBed, bb_bed_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbAdmission, bb_admission_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbBooking, bb_booking_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbEnquiry, bb_enquiry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbUser, bb_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbEvent, bb_event_free)

G_END_DECLS
