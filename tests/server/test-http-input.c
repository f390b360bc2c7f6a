/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-http-input.c: bad input never crashes or half-writes, and public answers carry no patient data. */
#include "config.h"

#include <string.h>

#include "bb-test-server.h"

#define SECRET_REF     "P-SECRET-4711"
#define SECRET_NAME    "Jane Secretfamily"
#define SECRET_CONTACT "jane@secret.example"

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
  bb_test_server_add_hospital (fixture->server, fixture->admin, "St Input", 2,
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

/* Replaces {H}, {W} and {B} with the fixture's hospital, ward and first bed. */
static char *
expand (Fixture    *fixture,
        const char *text)
{
  g_autoptr(GString) out = g_string_new (text);
  g_autofree char *h = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->hospital);
  g_autofree char *w = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->ward);
  g_autofree char *b = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (fixture->beds, gint64, 0));

  g_string_replace (out, "{H}", h, 0);
  g_string_replace (out, "{W}", w, 0);
  g_string_replace (out, "{B}", b, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef enum { AS_NOBODY, AS_FAMILY, AS_STAFF, AS_ADMIN, AS_FORGED } As;

typedef struct
{
  const char *method;
  const char *path;
  As          as;
  const char *body;
  guint       status;
  const char *code;
  const char *message_part;  /* the answer's message must name this */
} BadInput;

static const BadInput corpus[] = {
  /* Malformed JSON and wrong shapes */
  { "POST", "/api/v1/bookings", AS_STAFF, "{not json", 400, "invalid", "malformed JSON" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": 1,", 400, "invalid", "malformed JSON" },
  { "POST", "/api/v1/bookings", AS_STAFF, "[1, 2, 3]", 400, "invalid", "JSON object" },
  { "POST", "/api/v1/bookings", AS_STAFF, "42", 400, "invalid", "JSON object" },
  { "POST", "/api/v1/bookings", AS_STAFF, "\"\xff\xfe\"", 400, "invalid", "malformed JSON" },
  /* Missing fields and wrong types name the field */
  { "POST", "/api/v1/bookings", AS_STAFF, "{}", 400, "invalid", "'hospital'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": \"one\", \"ward\": {W}, \"patient_ref\": \"x\"}", 400, "invalid", "'hospital'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": {W}}", 400, "invalid", "'patient_ref'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": {W}, \"patient_ref\": 7}", 400, "invalid", "'patient_ref'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": {W}, \"patient_ref\": \"x\", \"features\": [1]}", 400, "invalid", "'features'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": {W}, \"patient_ref\": \"x\", \"hold_minutes\": 0}", 400, "invalid", "'hold_minutes'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": {W}, \"patient_ref\": \"x\", \"hold_minutes\": 1.5}", 400, "invalid", "'hold_minutes'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": {W}, \"patient_ref\": \"x\", \"start\": \"tomorrow\"}", 400, "invalid", "'start'" },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": -3, \"ward\": {W}, \"patient_ref\": \"x\"}", 400, "invalid", "'hospital'" },
  { "POST", "/api/v1/bookings/999999/confirm", AS_STAFF, "{\"forecast\": {\"model\": \"icu-los\", \"los_days\": \"long\"}}", 400, "invalid", "los_days" },
  { "POST", "/api/v1/beds/{B}/status", AS_STAFF, "{\"status\": \"X\"}", 400, "invalid", "'status'" },
  { "POST", "/api/v1/beds/{B}/status", AS_STAFF, "{}", 400, "invalid", "'status'" },
  { "POST", "/api/v1/admissions/999999/transfer", AS_STAFF, "{\"bed\": \"B1\"}", 400, "invalid", "'bed'" },
  { "POST", "/api/v1/enquiries", AS_NOBODY, "{\"hospital\": {H}, \"name\": \"a\", \"contact\": \"b\"}", 400, "invalid", "'message'" },
  { "POST", "/api/v1/enquiries", AS_NOBODY, "{\"hospital\": {H}, \"name\": 5, \"contact\": \"b\", \"message\": \"m\"}", 400, "invalid", "'name'" },
  { "POST", "/api/v1/enquiries/999999/rate", AS_FAMILY, "{\"rating\": \"great\"}", 400, "invalid", "'rating'" },
  { "POST", "/api/v1/auth/login", AS_NOBODY, "{\"email\": \"x@example.org\"}", 400, "invalid", "'password'" },
  { "POST", "/api/v1/auth/register", AS_NOBODY, "{\"email\": \"not-an-address\", \"name\": \"n\", \"password\": \"long enough\"}", 400, "invalid", "'email'" },
  { "POST", "/api/v1/hospitals", AS_ADMIN, "{\"name\": \"x\", \"address\": \"y\", \"latitude\": 200, \"longitude\": 0}", 400, "invalid", "'latitude'" },
  { "POST", "/api/v1/hospitals/{H}/wards", AS_ADMIN, "{\"name\": \"x\", \"kind\": \"spaceship\"}", 400, "invalid", "'kind'" },
  { "POST", "/api/v1/wards/{W}/beds", AS_ADMIN, "{\"label\": \"x\", \"tags\": \"oxygen\"}", 400, "invalid", "'tags'" },
  { "POST", "/api/v1/wards/{W}/beds", AS_ADMIN, "{\"label\": \"x\", \"tags\": [\"oxygen\", 3]}", 400, "invalid", "'tags'" },
  { "POST", "/api/v1/users", AS_ADMIN, "{\"email\": \"a@b.org\", \"name\": \"n\", \"password\": \"long enough\", \"role\": \"king\"}", 400, "invalid", "'role'" },
  { "PATCH", "/api/v1/hospitals/{H}", AS_ADMIN, "{\"longitude\": \"east\"}", 400, "invalid", "'longitude'" },
  /* Bad query parameters */
  { "GET", "/api/v1/hospitals/{H}/occupancy?from=yesterday", AS_NOBODY, NULL, 400, "invalid", "'from'" },
  { "GET", "/api/v1/hospitals/{H}/occupancy?ward=abc", AS_NOBODY, NULL, 400, "invalid", "'ward'" },
  { "GET", "/api/v1/hospitals?kind=spaceship", AS_NOBODY, NULL, 400, "invalid", "'kind'" },
  { "GET", "/api/v1/bookings?status=maybe", AS_STAFF, NULL, 400, "invalid", "'status'" },
  { "GET", "/api/v1/events?since=abc", AS_NOBODY, NULL, 400, "invalid", "'since'" },
  { "GET", "/api/v1/events", AS_NOBODY, NULL, 400, "invalid", "WebSocket" },
  /* Unknown ids */
  { "GET", "/api/v1/hospitals/999999", AS_NOBODY, NULL, 404, "not_found", NULL },
  { "GET", "/api/v1/hospitals/{H}/wards/999999/beds", AS_NOBODY, NULL, 404, "not_found", NULL },
  { "GET", "/api/v1/hospitals/999999/occupancy", AS_NOBODY, NULL, 404, "not_found", NULL },
  { "POST", "/api/v1/bookings", AS_STAFF, "{\"hospital\": {H}, \"ward\": 999999, \"patient_ref\": \"x\"}", 404, "not_found", NULL },
  { "GET", "/api/v1/bookings/999999", AS_STAFF, NULL, 404, "not_found", NULL },
  { "POST", "/api/v1/bookings/999999/cancel", AS_STAFF, NULL, 404, "not_found", NULL },
  { "POST", "/api/v1/admissions/999999/discharge", AS_STAFF, NULL, 404, "not_found", NULL },
  { "POST", "/api/v1/beds/999999/status", AS_STAFF, "{\"status\": \"C\"}", 404, "not_found", NULL },
  { "POST", "/api/v1/enquiries", AS_NOBODY, "{\"hospital\": 999999, \"name\": \"a\", \"contact\": \"b\", \"message\": \"m\"}", 404, "not_found", NULL },
  { "POST", "/api/v1/enquiries/999999/reply", AS_STAFF, "{\"reply\": \"r\"}", 404, "not_found", NULL },
  { "POST", "/api/v1/users/999999/role", AS_ADMIN, "{\"role\": \"staff\"}", 404, "not_found", NULL },
  { "POST", "/api/v1/wards/999999/beds", AS_ADMIN, "{\"label\": \"x\"}", 404, "not_found", NULL },
  /* Invalid transitions say why */
  { "POST", "/api/v1/beds/{B}/status", AS_STAFF, "{\"status\": \"O\"}", 409, "conflict", NULL },
  /* Missing, forged and expired tokens */
  { "GET", "/api/v1/bookings", AS_NOBODY, NULL, 401, "unauthorized", NULL },
  { "GET", "/api/v1/bookings", AS_FORGED, NULL, 401, "unauthorized", NULL },
  { "GET", "/api/v1/hospitals", AS_FORGED, NULL, 401, "unauthorized", NULL },
  { "GET", "/api/v1/bookings", AS_FAMILY, NULL, 403, "forbidden", NULL },
};

static const char *
token_for (Fixture *fixture,
           As       as)
{
  switch (as)
    {
    case AS_FAMILY: return fixture->family;
    case AS_STAFF:  return fixture->staff;
    case AS_ADMIN:  return fixture->admin;
    case AS_FORGED: return "c2VjcmV0IGtleSBndWVzc2luZw";
    case AS_NOBODY:
    default:        return NULL;
    }
}

static gint64
count_audit (Fixture *fixture)
{
  g_autoptr(BbTestResponse) audit = bb_test_server_request (fixture->server, "GET", "/api/v1/audit?limit=1000",
                                                             fixture->admin, NULL);

  g_assert_cmpuint (audit->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (bb_test_response_object (audit), "audit"));
}

static void
test_bad_input_is_refused_with_the_reason_and_writes_nothing (Fixture       *fixture,
                                                              gconstpointer  user_data)
{
  g_autoptr(BbTestResponse) bookings = NULL;
  g_autoptr(BbTestResponse) health = NULL;
  gint64 audit_before = count_audit (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      const BadInput *bad = &corpus[i];
      g_autofree char *path = expand (fixture, bad->path);
      g_autofree char *body = bad->body ? expand (fixture, bad->body) : NULL;
      g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, bad->method, path,
                                                                    token_for (fixture, bad->as), body);
      JsonObject *error;

      if (response->status != bad->status)
        g_error ("%s %s %s: expected %u, got %u: %.*s", bad->method, path, body ? body : "",
                 bad->status, response->status,
                 (int) (response->body ? g_bytes_get_size (response->body) : 0),
                 response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
      g_assert_cmpstr (bb_test_response_error_code (response), ==, bad->code);
      error = json_object_get_object_member (bb_test_response_object (response), "error");
      g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
      if (bad->message_part != NULL &&
          strstr (json_object_get_string_member (error, "message"), bad->message_part) == NULL)
        g_error ("%s %s: message '%s' does not mention %s", bad->method, path,
                 json_object_get_string_member (error, "message"), bad->message_part);
    }

  /* Nothing was half-written: no booking, no audit entry, beds untouched. */
  bookings = bb_test_server_request (fixture->server, "GET", "/api/v1/bookings", fixture->staff, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bb_test_response_object (bookings),
                                                                         "bookings")), ==, 0);
  g_assert_cmpint (count_audit (fixture), ==, audit_before);
  health = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

static void
test_bodies_over_one_mebibyte_are_refused (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  gsize size = 1024 * 1024 + 100;
  g_autofree char *big = g_malloc (size + 1);
  g_autoptr(BbTestResponse) response = NULL;
  g_autoptr(BbTestResponse) still = NULL;
  g_autoptr(BbTestResponse) just_under = NULL;
  g_autofree char *under = NULL;

  /* A valid JSON object with a huge string, so only the size is wrong. */
  memset (big, 'a', size);
  memcpy (big, "{\"message\": \"", 13);
  memcpy (big + size - 2, "\"}", 2);
  big[size] = '\0';
  response = bb_test_server_request (fixture->server, "POST", "/api/v1/enquiries", NULL, big);
  g_assert_cmpuint (response->status, ==, 413);
  g_assert_cmpstr (bb_test_response_error_code (response), ==, "too_large");

  still = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (still->status, ==, 200);

  /* Just under the limit is read (and refused for its content, not its size). */
  under = g_strndup (big, 1024 * 1024 - 10);
  memcpy (under + strlen (under) - 2, "\"}", 2);
  just_under = bb_test_server_request (fixture->server, "POST", "/api/v1/enquiries", NULL, under);
  g_assert_cmpuint (just_under->status, ==, 400);
  g_assert_nonnull (strstr (g_bytes_get_data (just_under->body, NULL), "'hospital'"));
}

static void
test_deeply_nested_json_is_refused_not_crashed_on (Fixture       *fixture,
                                                   gconstpointer  user_data)
{
  gsize depth = 200000;
  g_autofree char *deep = g_malloc (2 * depth + 1);
  g_autoptr(BbTestResponse) response = NULL;
  g_autoptr(BbTestResponse) still = NULL;

  memset (deep, '[', depth);
  memset (deep + depth, ']', depth);
  deep[2 * depth] = '\0';
  response = bb_test_server_request (fixture->server, "POST", "/api/v1/enquiries", NULL, deep);
  g_assert_cmpuint (response->status, ==, 400);
  g_assert_nonnull (strstr (g_bytes_get_data (response->body, NULL), "nested"));
  still = bb_test_server_request (fixture->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (still->status, ==, 200);
}

static const char *forbidden_keys[] = {
  "features", "patient_ref", "admission", "contact", "email", "message", "user", NULL
};

static void
assert_no_patient_keys (JsonNode   *node,
                        const char *where)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (g_strv_contains (forbidden_keys, l->data))
            g_error ("%s: public answer has a '%s' member", where, (const char *) l->data);
          assert_no_patient_keys (json_object_get_member (object, l->data), where);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_no_patient_keys (json_array_get_element (array, i), where);
    }
}

static void
test_public_answers_carry_no_patient_data (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  g_autofree char *booking_body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                                   ", \"patient_ref\": \"" SECRET_REF "\", \"features\": "
                                                   "{\"age\": 77, \"admissionweight\": 98.765}}",
                                                   fixture->hospital, fixture->ward);
  g_autofree char *enquiry_body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"name\": \"" SECRET_NAME
                                                   "\", \"contact\": \"" SECRET_CONTACT "\", \"message\": \"SECRETMSG\"}",
                                                   fixture->hospital);
  g_autoptr(BbTestResponse) booking = NULL;
  g_autoptr(BbTestResponse) admitted = NULL;
  g_autoptr(BbTestResponse) held = NULL;
  g_autoptr(BbTestResponse) enquiry = NULL;
  g_autoptr(BbTestResponse) staff_view = NULL;
  g_autofree char *admit_path = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) week_ago = g_date_time_add_days (now, -7);
  g_autofree char *from = g_date_time_format_iso8601 (week_ago);
  g_autofree char *to = g_date_time_format_iso8601 (now);
  const char *templates[] = {
    "/api/v1/health",
    "/api/v1/hospitals",
    "/api/v1/hospitals?near=52.5,13.4",
    "/api/v1/hospitals?kind=icu",
    "/api/v1/hospitals/{H}",
    "/api/v1/hospitals/{H}/wards/{W}/beds",
    "/api/v1/hospitals/{H}/occupancy?step=1h",
    "/api/v1/hospitals/{H}/forecast",
    NULL,
  };

  /* One admitted patient and one held bed, with recognisable details. */
  booking = bb_test_server_request (fixture->server, "POST", "/api/v1/bookings", fixture->staff, booking_body);
  g_assert_cmpuint (booking->status, ==, 201);
  admit_path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT "/admit",
                                json_object_get_int_member (bb_test_response_object (booking), "id"));
  admitted = bb_test_server_request (fixture->server, "POST", admit_path, fixture->staff, NULL);
  g_assert_cmpuint (admitted->status, ==, 200);
  held = bb_test_server_request (fixture->server, "POST", "/api/v1/bookings", fixture->staff, booking_body);
  g_assert_cmpuint (held->status, ==, 201);
  enquiry = bb_test_server_request (fixture->server, "POST", "/api/v1/enquiries", fixture->family, enquiry_body);
  g_assert_cmpuint (enquiry->status, ==, 201);

  /* The staff view does show them, so the public check below is meaningful. */
  {
    g_autofree char *path = expand (fixture, "/api/v1/hospitals/{H}/wards/{W}/beds");

    staff_view = bb_test_server_request (fixture->server, "GET", path, fixture->staff, NULL);
    g_assert_nonnull (strstr (g_bytes_get_data (staff_view->body, NULL), "98.765"));
  }

  for (guint round = 0; round < 2; round++)  /* the second round is served from the cache */
    for (guint i = 0; templates[i] != NULL; i++)
      {
        g_autofree char *path = expand (fixture, templates[i]);
        g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, "GET", path, NULL, NULL);
        g_autofree char *text = NULL;

        g_assert_cmpuint (response->status, ==, 200);
        g_assert_nonnull (response->json);
        assert_no_patient_keys (response->json, path);
        text = g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
        g_assert_null (strstr (text, "SECRET"));
        g_assert_null (strstr (text, "Secret"));
        g_assert_null (strstr (text, "secret"));
      }

  {
    g_autofree char *template = g_strdup_printf ("/api/v1/hospitals/{H}/occupancy?from=%s&to=%s&step=1d", from, to);
    g_autofree char *path = expand (fixture, template);
    g_autoptr(BbTestResponse) response = bb_test_server_request (fixture->server, "GET", path, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    assert_no_patient_keys (response->json, path);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/http/input/bad-input-is-refused-with-the-reason-and-writes-nothing",
       test_bad_input_is_refused_with_the_reason_and_writes_nothing);
  ADD ("/http/input/bodies-over-one-mebibyte-are-refused", test_bodies_over_one_mebibyte_are_refused);
  ADD ("/http/input/deeply-nested-json-is-refused-not-crashed-on", test_deeply_nested_json_is_refused_not_crashed_on);
  ADD ("/http/privacy/public-answers-carry-no-patient-data", test_public_answers_carry_no_patient_data);
#undef ADD

  return g_test_run ();
}
