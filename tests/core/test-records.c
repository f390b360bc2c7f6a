/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-records.c: the record vocabulary (bed statuses and their moves,
 * roles, booking statuses, ward kinds), ISO 8601 times and the JSON codecs,
 * including that public JSON carries no patient data. */
#include "config.h"

#include <glib.h>

#include "bb-records.h"
#include "bb-records-json.h"

static void
test_bed_status_strings_round_trip (void)
{
  const char *codes[] = { "U", "O", "H", "C", "I", "K" };
  BbBedStatus status;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_assert_true (bb_bed_status_from_string (codes[i], &status));
      g_assert_cmpstr (bb_bed_status_to_string (status), ==, codes[i]);
    }

  g_assert_false (bb_bed_status_from_string ("X", &status));
  g_assert_false (bb_bed_status_from_string ("UO", &status));
  g_assert_false (bb_bed_status_from_string ("u", &status));
  g_assert_false (bb_bed_status_from_string ("", &status));
  g_assert_false (bb_bed_status_from_string (NULL, &status));
  g_assert_null (bb_bed_status_to_string ((BbBedStatus) 'Z'));
}

static void
test_staff_moves_follow_hl7_0116 (void)
{
  const char *reason = NULL;
  const struct { char from, to; gboolean ok; } moves[] = {
    { 'U', 'C', TRUE }, { 'U', 'I', TRUE }, { 'U', 'K', TRUE }, { 'U', 'H', TRUE },
    { 'H', 'U', TRUE }, { 'H', 'C', TRUE }, { 'H', 'K', TRUE },
    { 'C', 'U', TRUE }, { 'C', 'H', TRUE }, { 'I', 'U', TRUE }, { 'K', 'H', TRUE }, { 'K', 'C', TRUE },
    { 'U', 'O', FALSE }, { 'H', 'O', FALSE }, { 'C', 'O', FALSE },
    { 'O', 'U', FALSE }, { 'O', 'H', FALSE }, { 'O', 'C', FALSE },
    { 'K', 'U', FALSE }, { 'U', 'U', FALSE }, { 'H', 'H', FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      reason = NULL;
      g_assert_cmpint (bb_bed_status_can_transition (moves[i].from, moves[i].to, &reason), ==, moves[i].ok);
      if (moves[i].ok)
        g_assert_null (reason);
      else
        g_assert_nonnull (reason);
    }

  g_assert_false (bb_bed_status_can_transition ('U', 'O', &reason));
  g_assert_nonnull (strstr (reason, "admission"));
  g_assert_false (bb_bed_status_can_transition ((BbBedStatus) 'Z', 'U', NULL));
}

static void
test_roles_and_booking_statuses_round_trip (void)
{
  BbRole role;
  BbBookingStatus status;

  for (BbRole r = BB_ROLE_NONE; r <= BB_ROLE_ADMIN; r++)
    {
      g_assert_true (bb_role_from_string (bb_role_to_string (r), &role));
      g_assert_cmpint (role, ==, r);
    }
  g_assert_false (bb_role_from_string ("root", &role));

  for (BbBookingStatus s = BB_BOOKING_HELD; s <= BB_BOOKING_EXPIRED; s++)
    {
      g_assert_true (bb_booking_status_from_string (bb_booking_status_to_string (s), &status));
      g_assert_cmpint (status, ==, s);
    }
  g_assert_false (bb_booking_status_from_string ("pending", &status));
  g_assert_null (bb_booking_status_to_string ((BbBookingStatus) 42));
}

static void
test_ward_kinds_pick_their_model (void)
{
  g_assert_cmpstr (bb_ward_kind_model ("icu"), ==, "icu-los");
  g_assert_cmpstr (bb_ward_kind_model ("picu"), ==, "icu-los");
  g_assert_cmpstr (bb_ward_kind_model ("general"), ==, "ward-los");
  g_assert_cmpstr (bb_ward_kind_model ("surgical"), ==, "ward-los");
  g_assert_cmpstr (bb_ward_kind_model ("pediatric"), ==, "ward-los");
  g_assert_cmpstr (bb_ward_kind_model ("maternity"), ==, "ward-los");
  g_assert_cmpstr (bb_ward_kind_model ("cardiac"), ==, "ward-los");
  g_assert_true (bb_ward_kind_is_valid ("icu"));
  g_assert_false (bb_ward_kind_is_valid ("ICU"));
  g_assert_false (bb_ward_kind_is_valid ("spa"));
  g_assert_false (bb_ward_kind_is_valid (NULL));
}

static void
test_iso_times_round_trip (void)
{
  const gint64 times[] = { 0, 1, 951782400 /* 2000-02-29 */, 1790000000, 4102444799 };
  gint64 t = 0;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autofree char *iso = bb_time_to_iso8601 (times[i]);

      g_assert_true (g_str_has_suffix (iso, "Z"));
      g_assert_true (bb_time_from_iso8601 (iso, &t));
      g_assert_cmpint (t, ==, times[i]);
    }

  {
    g_autofree char *iso = bb_time_to_iso8601 (1790000000);
    g_assert_cmpstr (iso, ==, "2026-09-21T14:13:20Z");
  }

  g_assert_true (bb_time_from_iso8601 ("2026-09-21T16:13:20+02:00", &t));
  g_assert_cmpint (t, ==, 1790000000);
  /* No zone: read as UTC. */
  g_assert_true (bb_time_from_iso8601 ("2026-09-21T14:13:20", &t));
  g_assert_cmpint (t, ==, 1790000000);

  g_assert_false (bb_time_from_iso8601 ("yesterday", &t));
  g_assert_false (bb_time_from_iso8601 ("2026-13-01T00:00:00Z", &t));
  g_assert_false (bb_time_from_iso8601 ("", &t));
  g_assert_false (bb_time_from_iso8601 (NULL, &t));
}

static BbBed *
occupied_bed (void)
{
  BbBed *bed = g_new0 (BbBed, 1);
  g_autoptr(JsonNode) features = json_from_string ("{\"age\": 71, \"apacheadmissiondx\": \"Sepsis\"}", NULL);
  const char *tags[] = { "oxygen", "ventilator", NULL };

  bed->id = 12;
  bed->ward_id = 3;
  bed->label = g_strdup ("ICU-12");
  bed->status = BB_BED_STATUS_OCCUPIED;
  bed->reserved = FALSE;
  bed->tags = g_strdupv ((char **) tags);
  bed->admission_id = 99;
  bed->admitted_at = 1790000000;
  bed->features = json_object_ref (json_node_get_object (features));
  return bed;
}

/* Walks a JSON tree and fails on any member that would reveal a patient. */
static void
assert_no_patient_data (JsonNode *node)
{
  static const char * const forbidden[] = {
    "features", "patient_ref", "admission", "admitted_at", "age", "apacheadmissiondx", NULL
  };

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (obj);

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_assert_false (g_strv_contains (forbidden, l->data));
          assert_no_patient_data (json_object_get_member (obj, l->data));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *arr = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (arr); i++)
        assert_no_patient_data (json_array_get_element (arr, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_assert_cmpstr (json_node_get_string (node), !=, "Sepsis");
      g_assert_cmpstr (json_node_get_string (node), !=, "PATIENT-7");
    }
}

static void
test_public_json_has_no_patient_data (void)
{
  g_autoptr(BbBed) bed = occupied_bed ();
  g_autoptr(JsonNode) public_bed = bb_bed_to_json (bed, FALSE);
  g_autoptr(JsonNode) staff_bed = bb_bed_to_json (bed, TRUE);
  BbHospital hospital = { 1, "General", "1 Main St", 42.1, -73.2, "555", 1790000000,
                          { 10, 2, 6, 1, 1, 0 }, -1 };
  BbWard ward = { 3, 1, "ICU", "icu", "icu-los", { 10, 2, 6, 1, 1, 0 } };
  BbEvent event = { 5, "bed", 1, 3, 12, BB_BED_STATUS_OCCUPIED, FALSE, 1790000000 };
  g_autoptr(JsonNode) h = bb_hospital_to_json (&hospital);
  g_autoptr(JsonNode) w = bb_ward_to_json (&ward);
  g_autoptr(JsonNode) e = bb_event_to_json (&event);
  JsonObject *adm;

  assert_no_patient_data (public_bed);
  assert_no_patient_data (h);
  assert_no_patient_data (w);
  assert_no_patient_data (e);

  /* The staff view of the same bed does carry the admission. */
  adm = json_object_get_object_member (json_node_get_object (staff_bed), "admission");
  g_assert_nonnull (adm);
  g_assert_cmpint (json_object_get_int_member (adm, "id"), ==, 99);
  g_assert_cmpstr (json_object_get_string_member (adm, "admitted_at"), ==, "2026-09-21T14:13:20Z");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (adm, "features"), "age"), ==, 71);
}

static void
test_hospital_json_round_trips (void)
{
  BbHospital hospital = { 7, "St. Test", "2 High St", 42.65, -73.75, "+1 518-555-0100", 1790000000,
                          { 120, 20, 90, 4, 5, 1 }, 3.25 };
  g_autoptr(JsonNode) node = bb_hospital_to_json (&hospital);
  g_autoptr(BbHospital) back = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (obj, "updated_at"), ==, "2026-09-21T14:13:20Z");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj, "beds"), "free"), ==, 20);

  back = bb_hospital_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->id, ==, 7);
  g_assert_cmpstr (back->name, ==, "St. Test");
  g_assert_cmpstr (back->phone, ==, hospital.phone);
  g_assert_cmpfloat (back->latitude, ==, 42.65);
  g_assert_cmpfloat (back->longitude, ==, -73.75);
  g_assert_cmpint (back->updated_at, ==, 1790000000);
  g_assert_cmpuint (back->beds.total, ==, 120);
  g_assert_cmpuint (back->beds.occupied, ==, 90);
  g_assert_cmpuint (back->beds.reserved, ==, 4);
  g_assert_cmpuint (back->beds.cleaning, ==, 5);
  g_assert_cmpuint (back->beds.closed, ==, 1);
  g_assert_cmpfloat (back->distance_km, ==, 3.25);

  /* Without a location there is no distance. */
  hospital.distance_km = -1;
  {
    g_autoptr(JsonNode) plain = bb_hospital_to_json (&hospital);
    g_autoptr(BbHospital) again = bb_hospital_from_json (plain, &error);

    g_assert_false (json_object_has_member (json_node_get_object (plain), "distance_km"));
    g_assert_cmpfloat (again->distance_km, <, 0);
  }
}

static void
test_ward_bed_and_event_json_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  BbWard ward = { 3, 1, "ICU", "icu", "icu-los", { 10, 2, 6, 1, 1, 0 } };
  BbEvent event = { 5, "bed", 1, 3, 12, BB_BED_STATUS_HOUSEKEEPING, TRUE, 1790000000 };
  g_autoptr(BbBed) bed = occupied_bed ();
  g_autoptr(JsonNode) wn = bb_ward_to_json (&ward);
  g_autoptr(JsonNode) en = bb_event_to_json (&event);
  g_autoptr(JsonNode) bn = bb_bed_to_json (bed, TRUE);
  g_autoptr(BbWard) w = bb_ward_from_json (wn, &error);
  g_autoptr(BbEvent) e = bb_event_from_json (en, &error);
  g_autoptr(BbBed) b = bb_bed_from_json (bn, &error);

  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (wn), "capacity"), ==, 10);
  g_assert_cmpstr (w->kind, ==, "icu");
  g_assert_cmpstr (w->model, ==, "icu-los");
  g_assert_cmpuint (w->beds.total, ==, 10);
  g_assert_cmpuint (w->beds.free, ==, 2);

  g_assert_cmpint (e->seq, ==, 5);
  g_assert_cmpstr (e->type, ==, "bed");
  g_assert_cmpint (e->status, ==, BB_BED_STATUS_HOUSEKEEPING);
  g_assert_true (e->reserved);
  g_assert_cmpint (e->at, ==, 1790000000);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (en), "status"), ==, "H");

  g_assert_cmpstr (b->label, ==, "ICU-12");
  g_assert_cmpint (b->status, ==, BB_BED_STATUS_OCCUPIED);
  g_assert_cmpstrv (b->tags, ((const char * const[]) { "oxygen", "ventilator", NULL }));
  g_assert_cmpint (b->admission_id, ==, 99);
  g_assert_cmpint (b->admitted_at, ==, 1790000000);
  g_assert_cmpstr (json_object_get_string_member (b->features, "apacheadmissiondx"), ==, "Sepsis");
}

static void
test_booking_json_round_trips (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) features = json_from_string ("{\"Gender\": \"F\"}", NULL);
  BbBooking booking = { 4, 1, 3, 12, 1790000000, BB_BOOKING_CONFIRMED, 0, (char *) "P-9",
                        json_node_get_object (features), (char *) "ward-los", (char *) "2", 4.5, 0, 2,
                        1789999000 };
  g_autoptr(JsonNode) node = bb_booking_to_json (&booking);
  g_autoptr(BbBooking) back = bb_booking_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_cmpint (back->status, ==, BB_BOOKING_CONFIRMED);
  g_assert_cmpint (back->bed_id, ==, 12);
  g_assert_cmpint (back->expires_at, ==, 0);
  g_assert_cmpstr (back->patient_ref, ==, "P-9");
  g_assert_cmpstr (json_object_get_string_member (back->features, "Gender"), ==, "F");
  g_assert_cmpstr (back->forecast_model, ==, "ward-los");
  g_assert_cmpstr (back->forecast_version, ==, "2");
  g_assert_cmpfloat (back->forecast_los_days, ==, 4.5);
  g_assert_cmpint (back->created_by, ==, 2);
  g_assert_cmpint (back->created_at, ==, 1789999000);
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "admission"));
}

static void
test_malformed_json_names_the_member (void)
{
  const struct { const char *json; const char *member; } cases[] = {
    { "{\"name\": \"X\", \"latitude\": 1, \"longitude\": 2}", "id" },
    { "{\"id\": \"7\", \"name\": \"X\", \"latitude\": 1, \"longitude\": 2}", "id" },
    { "{\"id\": 7, \"name\": 5, \"latitude\": 1, \"longitude\": 2}", "name" },
    { "{\"id\": 7, \"name\": \"X\", \"latitude\": \"north\", \"longitude\": 2}", "latitude" },
    { "{\"id\": 7, \"name\": \"X\", \"latitude\": 1, \"longitude\": 2, \"updated_at\": \"soon\"}", "updated_at" },
    { "{\"id\": 7, \"name\": \"X\", \"latitude\": 1, \"longitude\": 2, \"beds\": {\"total\": -1}}", "total" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(BbHospital) h = bb_hospital_from_json (node, &error);

      g_assert_null (h);
      g_assert_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].member));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = json_from_string ("{\"id\": 1, \"label\": \"A\", \"status\": \"Q\"}", NULL);
    g_autoptr(JsonNode) array = json_from_string ("[1, 2]", NULL);
    g_autoptr(BbBed) b = bb_bed_from_json (node, &error);

    g_assert_null (b);
    g_assert_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (bb_event_from_json (array, &error));
    g_assert_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (bb_booking_from_json (NULL, &error));
    g_assert_error (error, BB_RECORDS_ERROR, BB_RECORDS_ERROR_INVALID);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/records/bed-status/strings-round-trip", test_bed_status_strings_round_trip);
  g_test_add_func ("/records/bed-status/staff-moves-follow-hl7-table-0116", test_staff_moves_follow_hl7_0116);
  g_test_add_func ("/records/roles-and-booking-statuses-round-trip", test_roles_and_booking_statuses_round_trip);
  g_test_add_func ("/records/ward-kinds-pick-their-los-model", test_ward_kinds_pick_their_model);
  g_test_add_func ("/records/time/iso-8601-round-trips-in-utc", test_iso_times_round_trip);
  g_test_add_func ("/records/json/public-views-carry-no-patient-data", test_public_json_has_no_patient_data);
  g_test_add_func ("/records/json/hospital-round-trips", test_hospital_json_round_trips);
  g_test_add_func ("/records/json/ward-bed-and-event-round-trip", test_ward_bed_and_event_json_round_trip);
  g_test_add_func ("/records/json/booking-round-trips", test_booking_json_round_trips);
  g_test_add_func ("/records/json/malformed-input-names-the-member", test_malformed_json_names_the_member);

  return g_test_run ();
}
