/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-discharges.c: GET /api/v1/hospitals/{id}/discharges, the recent
 * finished stays with their features and wards that the client's model check
 * predicts, against the real server binary. */
#include "config.h"

#include <string.h>

#include "bb-test-server.h"

typedef struct
{
  BbTestServer *server;
  char         *admin;
  char         *staff;
  char         *family;
  gint64        hospital;
  gint64        ward;
  GArray       *beds;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = bb_test_server_new ();
  fixture->admin = bb_test_server_login (fixture->server, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD);
  fixture->staff = bb_test_server_add_user (fixture->server, fixture->admin, "staff@test.bedboard", "staff");
  fixture->family = bb_test_server_add_user (fixture->server, fixture->admin, "family@test.bedboard", "family");
  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Discharge", 4,
                               &fixture->hospital, &fixture->ward, &fixture->beds);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  bb_test_server_stop (fixture->server, FALSE);
  g_clear_pointer (&fixture->server, bb_test_server_free);
  g_clear_pointer (&fixture->beds, g_array_unref);
  g_free (fixture->admin);
  g_free (fixture->staff);
  g_free (fixture->family);
}

/* Requests on the fixture's server, the path from a printf format. */
#define request(fixture, method, token, body, ...) \
  bb_test_server_requestf ((fixture)->server, method, token, body, __VA_ARGS__)

/* Books a bed now for patient_ref with an age and admits it: the admission id. */
static gint64
admit (Fixture    *fixture,
       const char *patient_ref,
       int         age)
{
  g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                           ", \"patient_ref\": \"%s\", \"features\": {\"age\": %d}}",
                                           fixture->hospital, fixture->ward, patient_ref, age);
  g_autoptr(BbTestResponse) booked = NULL;
  g_autoptr(BbTestResponse) admitted = NULL;
  gint64 booking;

  booked = request (fixture, "POST", fixture->staff, body, "/api/v1/bookings");
  g_assert_cmpuint (booked->status, ==, 201);
  booking = json_object_get_int_member (bb_test_response_object (booked), "id");
  admitted = request (fixture, "POST", fixture->staff, NULL, "/api/v1/bookings/%" G_GINT64_FORMAT "/admit",
                      booking);
  g_assert_cmpuint (admitted->status, ==, 200);
  return json_object_get_int_member (bb_test_response_object (admitted), "admission");
}

static void
discharge (Fixture *fixture,
           gint64   admission)
{
  g_autoptr(BbTestResponse) response = NULL;

  response = request (fixture, "POST", fixture->staff, NULL,
                      "/api/v1/admissions/%" G_GINT64_FORMAT "/discharge", admission);
  g_assert_cmpuint (response->status, ==, 200);
}

/* A free bed of the ward other than the given one. */
static gint64
free_bed_other_than (Fixture *fixture,
                     gint64   bed)
{
  g_autoptr(BbTestResponse) beds = NULL;
  JsonArray *array;

  beds = request (fixture, "GET", fixture->staff, NULL,
                  "/api/v1/hospitals/%" G_GINT64_FORMAT "/wards/%" G_GINT64_FORMAT "/beds",
                  fixture->hospital, fixture->ward);
  array = json_object_get_array_member (bb_test_response_object (beds), "beds");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *b = json_array_get_object_element (array, i);

      if (json_object_get_int_member (b, "id") != bed &&
          g_strcmp0 (json_object_get_string_member (b, "status"), "U") == 0 &&
          !json_object_get_boolean_member (b, "reserved"))
        return json_object_get_int_member (b, "id");
    }
  g_assert_not_reached ();
  return 0;
}

static void
test_discharges_list_finished_stays_with_features_and_wards (Fixture       *fixture,
                                                             gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) list = NULL;
  g_autoptr(BbTestResponse) moved = NULL;
  g_autoptr(BbTestResponse) admission = NULL;
  gint64 first, second, staying, bed, other;
  JsonObject *object, *entry, *stay;
  JsonArray *array, *stays;

  first = admit (fixture, "P-FIRST", 70);
  second = admit (fixture, "P-SECOND", 45);
  staying = admit (fixture, "P-STAYING", 30);
  g_assert_cmpint (staying, >, 0);

  /* A transfer inside the ward is still one stay in that ward. */
  admission = request (fixture, "GET", fixture->staff, NULL, "/api/v1/admissions/%" G_GINT64_FORMAT, second);
  bed = json_object_get_int_member (bb_test_response_object (admission), "bed");
  other = free_bed_other_than (fixture, bed);
  moved = request (fixture, "POST", fixture->staff,
                   NULL, "/api/v1/admissions/%" G_GINT64_FORMAT "/transfer", second);
  g_assert_cmpuint (moved->status, ==, 400); /* the bed is required */
  g_clear_pointer (&moved, bb_test_response_free);
  {
    g_autofree char *body = g_strdup_printf ("{\"bed\": %" G_GINT64_FORMAT "}", other);

    moved = request (fixture, "POST", fixture->staff, body, "/api/v1/admissions/%" G_GINT64_FORMAT "/transfer",
                     second);
  }
  g_assert_cmpuint (moved->status, ==, 200);

  discharge (fixture, second);
  discharge (fixture, first);

  list = request (fixture, "GET", fixture->staff, NULL,
                  "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges", fixture->hospital);
  g_assert_cmpuint (list->status, ==, 200);
  object = bb_test_response_object (list);
  g_assert_cmpint (json_object_get_int_member (object, "hospital"), ==, fixture->hospital);
  g_assert_true (json_object_has_member (object, "since"));
  g_assert_true (json_object_has_member (object, "at"));
  array = json_object_get_array_member (object, "discharges");
  /* The patient still in hospital is not there; the others in discharge order. */
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  /* Oldest discharge first; both happened within the same second here, and
   * then the admission id decides. */
  entry = json_array_get_object_element (array, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "id"), ==, first);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "features"), "age"), ==, 70);
  g_assert_cmpstr (json_object_get_string_member (entry, "discharged_at"), <=,
                   json_object_get_string_member (json_array_get_object_element (array, 1), "discharged_at"));

  entry = json_array_get_object_element (array, 1);
  g_assert_cmpint (json_object_get_int_member (entry, "id"), ==, second);
  g_assert_cmpstr (json_object_get_string_member (entry, "patient_ref"), ==, "P-SECOND");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "features"), "age"), ==, 45);
  g_assert_nonnull (json_object_get_string_member (entry, "admitted_at"));
  g_assert_nonnull (json_object_get_string_member (entry, "discharged_at"));
  stays = json_object_get_array_member (entry, "ward_stays");
  g_assert_cmpuint (json_array_get_length (stays), ==, 1);
  stay = json_array_get_object_element (stays, 0);
  g_assert_cmpint (json_object_get_int_member (stay, "ward"), ==, fixture->ward);
  g_assert_cmpstr (json_object_get_string_member (stay, "from"), ==,
                   json_object_get_string_member (entry, "admitted_at"));
  g_assert_cmpstr (json_object_get_string_member (stay, "to"), ==,
                   json_object_get_string_member (entry, "discharged_at"));

  /* The same for one ward, and nothing after a future since. */
  g_clear_pointer (&list, bb_test_response_free);
  list = request (fixture, "GET", fixture->admin, NULL,
                  "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges?ward=%" G_GINT64_FORMAT,
                  fixture->hospital, fixture->ward);
  g_assert_cmpuint (list->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (list), "discharges");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  g_clear_pointer (&list, bb_test_response_free);
  list = request (fixture, "GET", fixture->staff, NULL,
                  "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges?since=2099-01-01T00:00:00Z",
                  fixture->hospital);
  g_assert_cmpuint (list->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (list), "discharges");
  g_assert_cmpuint (json_array_get_length (array), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (list), "since"), ==,
                   "2099-01-01T00:00:00Z");
}

static void
test_discharges_are_for_staff_and_check_their_input (Fixture       *fixture,
                                                     gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) anonymous = NULL;
  g_autoptr(BbTestResponse) family = NULL;
  g_autoptr(BbTestResponse) bad_since = NULL;
  g_autoptr(BbTestResponse) bad_ward = NULL;
  g_autoptr(BbTestResponse) unknown = NULL;
  g_autoptr(BbTestResponse) post = NULL;

  anonymous = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges",
                       fixture->hospital);
  g_assert_cmpuint (anonymous->status, ==, 401);
  family = request (fixture, "GET", fixture->family, NULL,
                    "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges", fixture->hospital);
  g_assert_cmpuint (family->status, ==, 403);
  bad_since = request (fixture, "GET", fixture->staff, NULL,
                       "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges?since=yesterday", fixture->hospital);
  g_assert_cmpuint (bad_since->status, ==, 400);
  g_assert_cmpstr (bb_test_response_error_code (bad_since), ==, "invalid");
  g_assert_nonnull (strstr (g_bytes_get_data (bad_since->body, NULL), "since"));
  bad_ward = request (fixture, "GET", fixture->staff, NULL,
                      "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges?ward=9999", fixture->hospital);
  g_assert_cmpuint (bad_ward->status, ==, 404);
  unknown = request (fixture, "GET", fixture->staff, NULL, "/api/v1/hospitals/9999/discharges");
  g_assert_cmpuint (unknown->status, ==, 404);
  post = request (fixture, "POST", fixture->staff, NULL,
                  "/api/v1/hospitals/%" G_GINT64_FORMAT "/discharges", fixture->hospital);
  g_assert_cmpuint (post->status, ==, 405);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/http/discharges/list-finished-stays-with-features-and-wards", Fixture, NULL,
              fixture_set_up, test_discharges_list_finished_stays_with_features_and_wards, fixture_tear_down);
  g_test_add ("/http/discharges/are-for-staff-and-check-their-input", Fixture, NULL,
              fixture_set_up, test_discharges_are_for_staff_and_check_their_input, fixture_tear_down);

  return g_test_run ();
}
