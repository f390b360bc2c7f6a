/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-records-json.h: the API's JSON for each record, and back.
 *
 * Every *_to_json returns a new JsonNode holding an object (free it with
 * json_node_unref, or hand it to json_builder_add_value /
 * json_object_set_member, which take ownership). Times are ISO 8601 UTC.
 *
 * Public codecs (hospital, ward, bed without patient, event) never emit
 * patient data: no features, no patient_ref, no names. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bb-records.h"

G_BEGIN_DECLS

#define BB_RECORDS_ERROR (bb_records_error_quark ())

typedef enum
{
  BB_RECORDS_ERROR_INVALID, /* a member is missing or has the wrong type; the message names it */
} BbRecordsError;

GQuark       bb_records_error_quark   (void);

/* {total, free, occupied, reserved, cleaning, closed} */
JsonNode    *bb_bed_counts_to_json    (const BbBedCounts *counts);
/* {id, name, address, latitude, longitude, phone, updated_at, beds{...}
 *  [, distance_km when >= 0]} */
JsonNode    *bb_hospital_to_json      (const BbHospital  *hospital);
/* {id, hospital, name, kind, model, capacity, free, occupied, reserved,
 *  cleaning, closed} */
JsonNode    *bb_ward_to_json          (const BbWard      *ward);
/* {id, ward, label, status, reserved, tags
 *  [, admission {id, admitted_at, features} when with_patient and occupied]} */
JsonNode    *bb_bed_to_json           (const BbBed       *bed,
                                       gboolean           with_patient);
/* Staff view: everything, including patient_ref and features. */
JsonNode    *bb_booking_to_json       (const BbBooking   *booking);
JsonNode    *bb_admission_to_json     (const BbAdmission *admission);
JsonNode    *bb_enquiry_to_json       (const BbEnquiry   *enquiry);
/* {id, email, name, role, created_at}; never the password hash. */
JsonNode    *bb_user_to_json          (const BbUser      *user);
/* {seq, type, hospital, ward, bed, status, reserved, at} */
JsonNode    *bb_event_to_json         (const BbEvent     *event);

BbHospital  *bb_hospital_from_json    (JsonNode          *node,
                                       GError           **error);
BbWard      *bb_ward_from_json        (JsonNode          *node,
                                       GError           **error);
BbBed       *bb_bed_from_json         (JsonNode          *node,
                                       GError           **error);
BbBooking   *bb_booking_from_json     (JsonNode          *node,
                                       GError           **error);
BbEvent     *bb_event_from_json       (JsonNode          *node,
                                       GError           **error);

G_END_DECLS
