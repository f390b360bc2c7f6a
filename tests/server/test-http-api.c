/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-api.c: the REST API over loopback: the role matrix and the main flows. */
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
  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Test", 3,
                               &fixture->hospital, &fixture->ward, &fixture->beds);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->server, bb_test_server_free);
  g_clear_pointer (&fixture->beds, g_array_unref);
  g_free (fixture->admin);
  g_free (fixture->staff);
  g_free (fixture->family);
}

/* Requests on the fixture's server, the path from a printf format. */
#define request(fixture, method, token, body, ...) \
  bb_test_server_requestf ((fixture)->server, method, token, body, __VA_ARGS__)

typedef struct
{
  const char *method;
  const char *path;
  BbTestResponse *unused;
} Route;

static const Route staff_routes[] = {
  { "GET", "/api/v1/hospitals/1/inpatients" },
  { "POST", "/api/v1/bookings" },
  { "GET", "/api/v1/bookings" },
  { "GET", "/api/v1/bookings/999" },
  { "POST", "/api/v1/bookings/999/confirm" },
  { "POST", "/api/v1/bookings/999/cancel" },
  { "POST", "/api/v1/bookings/999/admit" },
  { "GET", "/api/v1/admissions/999" },
  { "POST", "/api/v1/admissions/999/discharge" },
  { "POST", "/api/v1/admissions/999/transfer" },
  { "POST", "/api/v1/beds/999/status" },
  { "POST", "/api/v1/enquiries/999/accept" },
  { "POST", "/api/v1/enquiries/999/reply" },
  { "GET", "/api/v1/models" },
  { "GET", "/api/v1/models/icu-los" },
  { "GET", "/api/v1/models/ward-los/booster" },
  { "GET", "/api/v1/models/icu-los/retrain" },
};

static const Route admin_routes[] = {
  { "GET", "/api/v1/users" },
  { "POST", "/api/v1/users" },
  { "POST", "/api/v1/users/999/role" },
  { "POST", "/api/v1/hospitals" },
  { "PATCH", "/api/v1/hospitals/999" },
  { "POST", "/api/v1/hospitals/999/wards" },
  { "POST", "/api/v1/wards/999/beds" },
  { "POST", "/api/v1/beds/999/tags" },
  { "GET", "/api/v1/audit" },
};

static const Route family_routes[] = {
  { "GET", "/api/v1/enquiries" },
  { "GET", "/api/v1/enquiries/999" },
  { "POST", "/api/v1/enquiries/999/rate" },
  { "POST", "/api/v1/auth/logout" },
  { "GET", "/api/v1/auth/me" },
};

static void
assert_refused (Fixture     *fixture,
                const Route *route,
                const char  *token,
                guint        status,
                const char  *code)
{
  g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, route->method,
                                                                route->path, token, "{}");

  if (response->status != status)
    g_error ("%s %s with %s: expected %u, got %u", route->method, route->path,
             token ? "a token" : "no token", status, response->status);
  g_assert_cmpstr (bb_test_response_error_code (response), ==, code);
}

static void
assert_allowed (Fixture     *fixture,
                const Route *route,
                const char  *token)
{
  g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, route->method,
                                                                route->path, token, "{}");

  /* Allowed means the handler ran: success, or a 400/404/409 about the input. */
  if (response->status == 401 || response->status == 403 || response->status == 405 ||
      response->status >= 500 || response->status == 0)
    g_error ("%s %s: expected the handler to run, got %u", route->method, route->path,
             response->status);
}

static void
test_roles_staff_routes_refuse_anonymous_and_family (Fixture       *fixture,
                                                     gconstpointer  user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (staff_routes); i++)
    {
      assert_refused (fixture, &staff_routes[i], NULL, 401, "unauthorized");
      assert_refused (fixture, &staff_routes[i], fixture->family, 403, "forbidden");
      assert_refused (fixture, &staff_routes[i], "not-a-real-token", 401, "unauthorized");
      assert_allowed (fixture, &staff_routes[i], fixture->staff);
      assert_allowed (fixture, &staff_routes[i], fixture->admin);
    }
}

static void
test_roles_admin_routes_refuse_everyone_but_admins (Fixture       *fixture,
                                                    gconstpointer  user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (admin_routes); i++)
    {
      assert_refused (fixture, &admin_routes[i], NULL, 401, "unauthorized");
      assert_refused (fixture, &admin_routes[i], fixture->family, 403, "forbidden");
      assert_refused (fixture, &admin_routes[i], fixture->staff, 403, "forbidden");
      assert_allowed (fixture, &admin_routes[i], fixture->admin);
    }
}

static void
test_roles_retraining_a_model_is_for_admins_only (Fixture       *fixture,
                                                 gconstpointer  user_data)
{
  /* Only refusals: an allowed call would start a real retraining. */
  const Route retrain = { "POST", "/api/v1/models/icu-los/retrain" };

  assert_refused (fixture, &retrain, NULL, 401, "unauthorized");
  assert_refused (fixture, &retrain, fixture->family, 403, "forbidden");
  assert_refused (fixture, &retrain, fixture->staff, 403, "forbidden");
}

static void
test_roles_account_routes_need_a_login (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (family_routes); i++)
    assert_refused (fixture, &family_routes[i], NULL, 401, "unauthorized");
}

static void
test_health_answers_without_a_login (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) response = request (fixture, "GET", NULL, NULL, "/api/v1/health");

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (response), "status"),
                   ==, "ok");
}

static void
test_unknown_paths_and_methods_are_json_errors (Fixture       *fixture,
                                                gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) missing = request (fixture, "GET", NULL, NULL, "/api/v1/nothing-here");
  g_autoptr(BbTestResponse) method = request (fixture, "DELETE", NULL, NULL, "/api/v1/hospitals");
  g_autoptr(BbTestResponse) bad_id = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/abc");
  g_autoptr(BbTestResponse) unknown = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/424242");

  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpstr (bb_test_response_error_code (missing), ==, "not_found");
  g_assert_cmpuint (method->status, ==, 405);
  g_assert_cmpuint (bad_id->status, ==, 404);
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_cmpstr (bb_test_response_error_code (unknown), ==, "not_found");
}

static JsonObject *
find_by_id (JsonArray *array,
            gint64     id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (json_object_get_int_member (object, "id") == id)
        return object;
    }
  return NULL;
}

static void
test_hospitals_list_counts_beds_and_sorts_by_distance (Fixture       *fixture,
                                                       gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) far = NULL;
  g_autoptr(BbTestResponse) list = NULL;
  g_autoptr(BbTestResponse) icu_only = NULL;
  g_autoptr(BbTestResponse) detail = NULL;
  g_autoptr(BbTestResponse) bad_near = NULL;
  JsonArray *hospitals, *wards;
  JsonObject *beds, *first;
  gint64 far_id;

  far = request (fixture, "POST", fixture->admin,
                 "{\"name\": \"Far Away\", \"address\": \"Munich\", \"latitude\": 48.14, \"longitude\": 11.58}",
                 "/api/v1/hospitals");
  g_assert_cmpuint (far->status, ==, 201);
  far_id = json_object_get_int_member (bb_test_response_object (far), "id");

  /* Near Munich: the far hospital comes first. */
  list = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals?near=48.1,11.5");
  g_assert_cmpuint (list->status, ==, 200);
  hospitals = json_object_get_array_member (bb_test_response_object (list), "hospitals");
  g_assert_cmpuint (json_array_get_length (hospitals), ==, 2);
  first = json_array_get_object_element (hospitals, 0);
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, far_id);
  g_assert_cmpfloat (json_object_get_double_member (first, "distance_km"), <, 20);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (hospitals, 1),
                                                    "distance_km"), >, 400);

  icu_only = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals?kind=icu");
  g_assert_cmpuint (icu_only->status, ==, 200);
  hospitals = json_object_get_array_member (bb_test_response_object (icu_only), "hospitals");
  beds = json_object_get_object_member (find_by_id (hospitals, fixture->hospital), "beds");
  g_assert_cmpint (json_object_get_int_member (beds, "total"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (beds, "free"), ==, 3);

  detail = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/%" G_GINT64_FORMAT, fixture->hospital);
  g_assert_cmpuint (detail->status, ==, 200);
  wards = json_object_get_array_member (bb_test_response_object (detail), "wards");
  g_assert_cmpuint (json_array_get_length (wards), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (wards, 0), "capacity"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (wards, 0), "kind"), ==, "icu");

  bad_near = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals?near=north");
  g_assert_cmpuint (bad_near->status, ==, 400);
}

static gint64
create_booking (Fixture    *fixture,
                const char *patient_ref,
                guint       expected_status)
{
  g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                           ", \"patient_ref\": \"%s\", \"features\": {\"age\": 71, \"gender\": \"Female\"}}",
                                           fixture->hospital, fixture->ward, patient_ref);
  g_autoptr(BbTestResponse) response = request (fixture, "POST", fixture->staff, body, "/api/v1/bookings");

  g_assert_cmpuint (response->status, ==, expected_status);
  if (expected_status != 201)
    return 0;
  return json_object_get_int_member (bb_test_response_object (response), "id");
}

static JsonObject *
ward_of (BbTestResponse *detail)
{
  JsonArray *wards = json_object_get_array_member (bb_test_response_object (detail), "wards");

  return json_array_get_object_element (wards, 0);
}

static void
test_bookings_hold_confirm_admit_discharge_move_the_bed (Fixture       *fixture,
                                                         gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) held = NULL;
  g_autoptr(BbTestResponse) detail = NULL;
  g_autoptr(BbTestResponse) confirmed = NULL;
  g_autoptr(BbTestResponse) admitted = NULL;
  g_autoptr(BbTestResponse) inpatients = NULL;
  g_autoptr(BbTestResponse) staff_beds = NULL;
  g_autoptr(BbTestResponse) discharged = NULL;
  g_autoptr(BbTestResponse) after = NULL;
  g_autoptr(BbTestResponse) again = NULL;
  g_autoptr(BbTestResponse) cleaned = NULL;
  g_autoptr(BbTestResponse) list = NULL;
  JsonObject *booking, *ward;
  JsonArray *array;
  gint64 id, bed, admission;

  /* Prime the public cache so we also see it dropped on change. */
  detail = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/%" G_GINT64_FORMAT, fixture->hospital);
  g_assert_cmpint (json_object_get_int_member (ward_of (detail), "free"), ==, 3);
  g_clear_pointer (&detail, bb_test_response_free);

  id = create_booking (fixture, "P-0001", 201);
  held = request (fixture, "GET", fixture->staff, NULL, "/api/v1/bookings/%" G_GINT64_FORMAT, id);
  g_assert_cmpuint (held->status, ==, 200);
  booking = bb_test_response_object (held);
  g_assert_cmpstr (json_object_get_string_member (booking, "status"), ==, "held");
  g_assert_true (json_object_has_member (booking, "expires_at"));
  bed = json_object_get_int_member (booking, "bed");
  g_assert_cmpint (bed, >, 0);

  detail = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/%" G_GINT64_FORMAT, fixture->hospital);
  ward = ward_of (detail);
  g_assert_cmpint (json_object_get_int_member (ward, "free"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (ward, "reserved"), ==, 1);

  confirmed = request (fixture, "POST", fixture->staff,
                       "{\"forecast\": {\"model\": \"icu-los\", \"version\": \"1\", \"los_days\": 3.5}}",
                       "/api/v1/bookings/%" G_GINT64_FORMAT "/confirm", id);
  g_assert_cmpuint (confirmed->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (confirmed), "status"), ==, "confirmed");

  admitted = request (fixture, "POST", fixture->staff, NULL,
                      "/api/v1/bookings/%" G_GINT64_FORMAT "/admit", id);
  g_assert_cmpuint (admitted->status, ==, 200);
  booking = bb_test_response_object (admitted);
  g_assert_cmpstr (json_object_get_string_member (booking, "status"), ==, "admitted");
  admission = json_object_get_int_member (booking, "admission");
  g_assert_cmpint (admission, >, 0);

  /* Admitting twice is an invalid transition. */
  again = request (fixture, "POST", fixture->staff, NULL, "/api/v1/bookings/%" G_GINT64_FORMAT "/admit", id);
  g_assert_cmpuint (again->status, ==, 409);
  g_assert_cmpstr (bb_test_response_error_code (again), ==, "conflict");

  inpatients = request (fixture, "GET", fixture->staff, NULL,
                        "/api/v1/hospitals/%" G_GINT64_FORMAT "/inpatients", fixture->hospital);
  g_assert_cmpuint (inpatients->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (inpatients), "inpatients");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_true (json_object_has_member (json_array_get_object_element (array, 0), "features"));
  g_assert_true (json_object_has_member (json_array_get_object_element (array, 0), "admitted_at"));

  /* Staff see the admission on the bed; the public does not. */
  staff_beds = request (fixture, "GET", fixture->staff, NULL,
                        "/api/v1/hospitals/%" G_GINT64_FORMAT "/wards/%" G_GINT64_FORMAT "/beds",
                        fixture->hospital, fixture->ward);
  g_assert_cmpuint (staff_beds->status, ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (staff_beds->body, NULL), "\"admission\""));

  discharged = request (fixture, "POST", fixture->staff, NULL,
                        "/api/v1/admissions/%" G_GINT64_FORMAT "/discharge", admission);
  g_assert_cmpuint (discharged->status, ==, 200);

  g_clear_pointer (&detail, bb_test_response_free);
  detail = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/%" G_GINT64_FORMAT, fixture->hospital);
  ward = ward_of (detail);
  g_assert_cmpint (json_object_get_int_member (ward, "cleaning"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (ward, "occupied"), ==, 0);

  /* The bed went to housekeeping; cleaning it frees it. O cannot be set by hand. */
  after = request (fixture, "POST", fixture->staff, "{\"status\": \"O\"}",
                   "/api/v1/beds/%" G_GINT64_FORMAT "/status", bed);
  g_assert_cmpuint (after->status, ==, 409);
  cleaned = request (fixture, "POST", fixture->staff, "{\"status\": \"U\"}",
                     "/api/v1/beds/%" G_GINT64_FORMAT "/status", bed);
  g_assert_cmpuint (cleaned->status, ==, 200);

  list = request (fixture, "GET", fixture->staff, NULL, "/api/v1/bookings?hospital=%" G_GINT64_FORMAT
                  "&status=admitted", fixture->hospital);
  g_assert_cmpuint (list->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (list), "bookings");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
}

static void
test_bookings_cancel_frees_the_held_bed (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) cancelled = NULL;
  g_autoptr(BbTestResponse) twice = NULL;
  gint64 ids[3];

  for (guint i = 0; i < 3; i++)
    ids[i] = create_booking (fixture, "P-CANCEL", 201);
  create_booking (fixture, "P-NO-ROOM", 409);

  cancelled = request (fixture, "POST", fixture->staff, NULL,
                       "/api/v1/bookings/%" G_GINT64_FORMAT "/cancel", ids[1]);
  g_assert_cmpuint (cancelled->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (cancelled), "status"), ==, "cancelled");
  twice = request (fixture, "POST", fixture->staff, NULL,
                   "/api/v1/bookings/%" G_GINT64_FORMAT "/cancel", ids[1]);
  g_assert_cmpuint (twice->status, ==, 409);
  create_booking (fixture, "P-NOW-ROOM", 201);
}

static void
test_bookings_soon_are_refused_when_the_ward_will_still_be_full (Fixture       *fixture,
                                                 gconstpointer  user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  g_autofree char *start = g_date_time_format_iso8601 (later);
  g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                           ", \"patient_ref\": \"P-LATER\", \"start\": \"%s\", \"features\": {}}",
                                           fixture->hospital, fixture->ward, start);
  g_autoptr(BbTestResponse) accepted = NULL;
  g_autoptr(BbTestResponse) refused = NULL;
  JsonObject *booking;

  accepted = request (fixture, "POST", fixture->staff, body, "/api/v1/bookings");
  g_assert_cmpuint (accepted->status, ==, 201);
  booking = bb_test_response_object (accepted);
  /* A future booking holds no particular bed; with a bed free now the
   * forecast gives it well over the 0.8 it needs. */
  g_assert_true (!json_object_has_member (booking, "bed") ||
                 json_object_get_null_member (booking, "bed") ||
                 json_object_get_int_member (booking, "bed") == 0);

  for (guint i = 0; i < 3; i++)
    create_booking (fixture, "P-FILL", 201);
  refused = request (fixture, "POST", fixture->staff, body, "/api/v1/bookings");
  g_assert_cmpuint (refused->status, ==, 409);
  g_assert_cmpstr (bb_test_response_error_code (refused), ==, "no_capacity");
}

static void
test_enquiries_family_asks_staff_replies_family_rates (Fixture       *fixture,
                                                       gconstpointer  user_data)
{
  g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"name\": \"Ann\", "
                                           "\"contact\": \"ann@example.org\", \"message\": \"Is there an ICU bed?\"}",
                                           fixture->hospital);
  g_autoptr(BbTestResponse) sent = NULL;
  g_autoptr(BbTestResponse) anonymous = NULL;
  g_autoptr(BbTestResponse) inbox = NULL;
  g_autoptr(BbTestResponse) own = NULL;
  g_autoptr(BbTestResponse) accepted = NULL;
  g_autoptr(BbTestResponse) replied = NULL;
  g_autoptr(BbTestResponse) rated = NULL;
  g_autoptr(BbTestResponse) bad_rating = NULL;
  g_autoptr(BbTestResponse) staff_rates = NULL;
  g_autoptr(BbTestResponse) other = NULL;
  g_autofree char *other_family = NULL;
  gint64 id;

  sent = request (fixture, "POST", fixture->family, body, "/api/v1/enquiries");
  g_assert_cmpuint (sent->status, ==, 201);
  id = json_object_get_int_member (bb_test_response_object (sent), "id");
  anonymous = request (fixture, "POST", NULL, body, "/api/v1/enquiries");
  g_assert_cmpuint (anonymous->status, ==, 201);

  inbox = request (fixture, "GET", fixture->staff, NULL, "/api/v1/enquiries");
  g_assert_cmpuint (inbox->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bb_test_response_object (inbox),
                                                                         "enquiries")), ==, 2);
  own = request (fixture, "GET", fixture->family, NULL, "/api/v1/enquiries");
  g_assert_cmpuint (own->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bb_test_response_object (own),
                                                                         "enquiries")), ==, 1);

  accepted = request (fixture, "POST", fixture->staff, NULL, "/api/v1/enquiries/%" G_GINT64_FORMAT "/accept", id);
  g_assert_cmpuint (accepted->status, ==, 200);
  replied = request (fixture, "POST", fixture->staff, "{\"reply\": \"Yes, call us.\"}",
                     "/api/v1/enquiries/%" G_GINT64_FORMAT "/reply", id);
  g_assert_cmpuint (replied->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (replied), "reply"), ==, "Yes, call us.");

  bad_rating = request (fixture, "POST", fixture->family, "{\"rating\": 6}",
                        "/api/v1/enquiries/%" G_GINT64_FORMAT "/rate", id);
  g_assert_cmpuint (bad_rating->status, ==, 400);
  staff_rates = request (fixture, "POST", fixture->staff, "{\"rating\": 5}",
                         "/api/v1/enquiries/%" G_GINT64_FORMAT "/rate", id);
  g_assert_cmpuint (staff_rates->status, ==, 403);
  rated = request (fixture, "POST", fixture->family, "{\"rating\": 5}",
                   "/api/v1/enquiries/%" G_GINT64_FORMAT "/rate", id);
  g_assert_cmpuint (rated->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (bb_test_response_object (rated), "rating"), ==, 5);

  /* Another family can neither see nor rate it. */
  other_family = bb_test_server_add_user (fixture->server, fixture->admin, "other@test.bedboard", "family");
  other = request (fixture, "GET", other_family, NULL, "/api/v1/enquiries/%" G_GINT64_FORMAT, id);
  g_assert_cmpuint (other->status, ==, 404);
}

static void
test_auth_register_login_logout (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) registered = NULL;
  g_autoptr(BbTestResponse) duplicate = NULL;
  g_autoptr(BbTestResponse) short_password = NULL;
  g_autoptr(BbTestResponse) me = NULL;
  g_autoptr(BbTestResponse) logout = NULL;
  g_autoptr(BbTestResponse) after = NULL;
  g_autoptr(BbTestResponse) wrong = NULL;
  g_autofree char *token = NULL;
  const char *body = "{\"email\": \"new@example.org\", \"name\": \"New Family\", \"password\": \"long enough\"}";

  registered = request (fixture, "POST", NULL, body, "/api/v1/auth/register");
  g_assert_cmpuint (registered->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (registered), "role"), ==, "family");
  duplicate = request (fixture, "POST", NULL, body, "/api/v1/auth/register");
  g_assert_cmpuint (duplicate->status, ==, 409);
  short_password = request (fixture, "POST", NULL,
                            "{\"email\": \"s@example.org\", \"name\": \"S\", \"password\": \"short\"}",
                            "/api/v1/auth/register");
  g_assert_cmpuint (short_password->status, ==, 400);

  wrong = request (fixture, "POST", NULL, "{\"email\": \"new@example.org\", \"password\": \"wrong password\"}",
                   "/api/v1/auth/login");
  g_assert_cmpuint (wrong->status, ==, 401);

  token = bb_test_server_login (fixture->server, "new@example.org", "long enough");
  me = request (fixture, "GET", token, NULL, "/api/v1/auth/me");
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (me), "email"), ==, "new@example.org");
  g_assert_false (json_object_has_member (bb_test_response_object (me), "password"));

  logout = request (fixture, "POST", token, NULL, "/api/v1/auth/logout");
  g_assert_cmpuint (logout->status, ==, 204);
  after = request (fixture, "GET", token, NULL, "/api/v1/auth/me");
  g_assert_cmpuint (after->status, ==, 401);
}

static void
test_admin_configures_hospitals_and_roles (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) patched = NULL;
  g_autoptr(BbTestResponse) tags = NULL;
  g_autoptr(BbTestResponse) users = NULL;
  g_autoptr(BbTestResponse) promoted = NULL;
  g_autoptr(BbTestResponse) audit = NULL;
  g_autoptr(BbTestResponse) public_detail = NULL;
  g_autoptr(BbTestResponse) beds = NULL;
  JsonArray *array;
  JsonObject *family = NULL;

  patched = request (fixture, "PATCH", fixture->admin, "{\"name\": \"St Renamed\", \"latitude\": 50.0}",
                     "/api/v1/hospitals/%" G_GINT64_FORMAT, fixture->hospital);
  g_assert_cmpuint (patched->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (patched), "name"), ==, "St Renamed");
  public_detail = request (fixture, "GET", NULL, NULL, "/api/v1/hospitals/%" G_GINT64_FORMAT, fixture->hospital);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (public_detail), "name"), ==, "St Renamed");

  tags = request (fixture, "POST", fixture->admin, "{\"tags\": [\"ventilator\", \"isolation\"]}",
                  "/api/v1/beds/%" G_GINT64_FORMAT "/tags", g_array_index (fixture->beds, gint64, 0));
  g_assert_cmpuint (tags->status, ==, 200);
  beds = request (fixture, "GET", NULL, NULL,
                  "/api/v1/hospitals/%" G_GINT64_FORMAT "/wards/%" G_GINT64_FORMAT "/beds",
                  fixture->hospital, fixture->ward);
  g_assert_nonnull (strstr (g_bytes_get_data (beds->body, NULL), "ventilator"));

  users = request (fixture, "GET", fixture->admin, NULL, "/api/v1/users");
  g_assert_cmpuint (users->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (users), "users");
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "email"),
                   "family@test.bedboard") == 0)
      family = json_array_get_object_element (array, i);
  g_assert_nonnull (family);
  g_assert_null (strstr (g_bytes_get_data (users->body, NULL), "argon"));

  promoted = request (fixture, "POST", fixture->admin, "{\"role\": \"staff\"}",
                      "/api/v1/users/%" G_GINT64_FORMAT "/role", json_object_get_int_member (family, "id"));
  g_assert_cmpuint (promoted->status, ==, 200);
  {
    g_autoptr(BbTestResponse) inbox = request (fixture, "GET", fixture->family, NULL, "/api/v1/bookings");

    g_assert_cmpuint (inbox->status, ==, 200);
  }

  audit = request (fixture, "GET", fixture->admin, NULL, "/api/v1/audit?limit=5");
  g_assert_cmpuint (audit->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bb_test_response_object (audit),
                                                                         "audit")), ==, 5);
}

static void
test_occupancy_returns_a_series_per_ward (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) response = NULL;
  g_autoptr(BbTestResponse) bad_step = NULL;
  JsonArray *series, *points;

  response = request (fixture, "GET", NULL, NULL,
                      "/api/v1/hospitals/%" G_GINT64_FORMAT "/occupancy?step=6h", fixture->hospital);
  g_assert_cmpuint (response->status, ==, 200);
  series = json_object_get_array_member (bb_test_response_object (response), "series");
  g_assert_cmpuint (json_array_get_length (series), ==, 1);
  points = json_object_get_array_member (json_array_get_object_element (series, 0), "points");
  g_assert_cmpuint (json_array_get_length (points), >=, 28);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (points, json_array_get_length (points) - 1), "capacity"), ==, 3);

  bad_step = request (fixture, "GET", NULL, NULL,
                      "/api/v1/hospitals/%" G_GINT64_FORMAT "/occupancy?step=2h", fixture->hospital);
  g_assert_cmpuint (bad_step->status, ==, 400);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/http/roles/staff-routes-refuse-anonymous-and-family", test_roles_staff_routes_refuse_anonymous_and_family);
  ADD ("/http/roles/admin-routes-refuse-everyone-but-admins", test_roles_admin_routes_refuse_everyone_but_admins);
  ADD ("/http/roles/retraining-a-model-is-for-admins-only", test_roles_retraining_a_model_is_for_admins_only);
  ADD ("/http/roles/account-routes-need-a-login", test_roles_account_routes_need_a_login);
  ADD ("/http/health/answers-without-a-login", test_health_answers_without_a_login);
  ADD ("/http/routing/unknown-paths-and-methods-are-json-errors", test_unknown_paths_and_methods_are_json_errors);
  ADD ("/http/hospitals/list-counts-beds-and-sorts-by-distance", test_hospitals_list_counts_beds_and_sorts_by_distance);
  ADD ("/http/bookings/hold-confirm-admit-discharge-move-the-bed", test_bookings_hold_confirm_admit_discharge_move_the_bed);
  ADD ("/http/bookings/cancel-frees-the-held-bed", test_bookings_cancel_frees_the_held_bed);
  ADD ("/http/bookings/soon-are-refused-when-the-ward-will-still-be-full", test_bookings_soon_are_refused_when_the_ward_will_still_be_full);
  ADD ("/http/enquiries/family-asks-staff-replies-family-rates", test_enquiries_family_asks_staff_replies_family_rates);
  ADD ("/http/auth/register-login-logout", test_auth_register_login_logout);
  ADD ("/http/admin/configures-hospitals-and-roles", test_admin_configures_hospitals_and_roles);
  ADD ("/http/occupancy/returns-a-series-per-ward", test_occupancy_returns_a_series_per_ward);
#undef ADD

  return g_test_run ();
}
