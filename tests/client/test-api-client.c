/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-api-client.c: BbApiClient and BbClientContext against the real
 * bedboard-server on loopback: answers are parsed into records, errors carry
 * the server's code and message, and when the server goes away the client
 * says so, shows its snapshot, and when it comes back on the same port the
 * client reconnects and gets the events it missed replayed with since=. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bb-api-client.h"
#include "bb-client-context.h"
#include "bb-watch-notifier.h"
#include "../server/bb-test-server.h"

typedef struct
{
  BbTestServer *server;
  BbApiClient  *api;
  char         *dir;
} Fixture;

/* One server on the demo network for each test. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *demo[] = { "--demo", NULL };

  f->server = bb_test_server_new ();
  /* bb_test_server_new started it without the demo network. It may not
   * handle SIGTERM yet this early, and it has nothing to save: kill it. */
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);
  f->api = bb_api_client_new (f->server->base_url);
  f->dir = g_dir_make_tmp ("bb-client-test-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  {
    g_autofree char *models = g_build_filename (f->dir, "models", NULL);

    bb_api_client_set_model_cache_dir (f->api, models);
  }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->api);
  g_clear_pointer (&f->server, bb_test_server_free);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* Runs the main loop until the call finishes and returns its result. */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static char *
login_token (Fixture    *f,
             const char *email)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLogin) login = NULL;
  char *token;

  bb_api_client_login_async (f->api, email, "demo", NULL, on_result, &result);
  login = bb_api_client_login_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (login);
  token = g_strdup (login->token);
  return token;
}

static void
test_hospitals_are_parsed (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hospitals = NULL;
  g_autoptr(GPtrArray) near = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(GPtrArray) beds = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(BbHospital) detail = NULL;
  const BbHospital *first;
  guint ward_total = 0;
  gint64 seq = -1, server_time = 0;
  const BbWard *ward;

  bb_api_client_get_health_async (f->api, NULL, on_result, &result);
  g_assert_true (bb_api_client_get_health_finish (f->api, wait_result (&result), &seq, &server_time, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, >=, 0);
  g_assert_cmpint (server_time, >, 1600000000);
  g_clear_object (&result);

  bb_api_client_list_hospitals_async (f->api, FALSE, 0, 0, NULL, NULL, on_result, &result);
  hospitals = bb_api_client_list_hospitals_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hospitals->len, ==, 4);
  first = g_ptr_array_index (hospitals, 0);
  g_assert_cmpint (first->id, ==, 1);
  g_assert_cmpstr (first->name, ==, "Albany Riverside Medical Center");
  g_assert_cmpuint (first->beds.total, >, 0);
  g_assert_cmpuint (first->beds.total, ==, first->beds.free + first->beds.occupied + first->beds.reserved +
                                           first->beds.cleaning + first->beds.closed);
  g_assert_cmpfloat (first->distance_km, <, 0);
  g_clear_object (&result);

  /* Near a point far south-west of every hospital: sorted, with distances. */
  bb_api_client_list_hospitals_async (f->api, TRUE, 40.0, -75.0, "icu", NULL, on_result, &result);
  near = bb_api_client_list_hospitals_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (near->len, ==, 4);
  for (guint i = 0; i < near->len; i++)
    {
      const BbHospital *h = g_ptr_array_index (near, i);

      g_assert_cmpfloat (h->distance_km, >, 100);
      if (i > 0)
        g_assert_cmpfloat (h->distance_km, >=, ((const BbHospital *) g_ptr_array_index (near, i - 1))->distance_km);
    }
  g_clear_object (&result);

  bb_api_client_get_hospital_async (f->api, 1, NULL, on_result, &result);
  detail = bb_api_client_get_hospital_finish (f->api, wait_result (&result), &wards, &error);
  g_assert_no_error (error);
  g_assert_cmpint (detail->id, ==, 1);
  g_assert_cmpuint (wards->len, >, 0);
  for (guint i = 0; i < wards->len; i++)
    ward_total += ((const BbWard *) g_ptr_array_index (wards, i))->beds.total;
  g_assert_cmpuint (ward_total, ==, detail->beds.total);
  g_clear_object (&result);

  ward = g_ptr_array_index (wards, 0);
  bb_api_client_list_ward_beds_async (f->api, 1, ward->id, NULL, on_result, &result);
  beds = bb_api_client_list_ward_beds_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (beds->len, ==, ward->beds.total);
  for (guint i = 0; i < beds->len; i++)
    {
      const BbBed *bed = g_ptr_array_index (beds, i);

      g_assert_cmpint (bed->ward_id, ==, ward->id);
      g_assert_nonnull (bed->label);
      /* Anonymous: no patient data. */
      g_assert_cmpint (bed->admission_id, ==, 0);
      g_assert_null (bed->features);
    }
  g_clear_object (&result);

  bb_api_client_get_occupancy_async (f->api, 1, 0, 0, "6h", ward->id, NULL, on_result, &result);
  series = bb_api_client_get_occupancy_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 1);
  {
    const BbOccupancySeries *s = g_ptr_array_index (series, 0);

    g_assert_cmpint (s->ward_id, ==, ward->id);
    /* Seven days in 6 h steps. */
    g_assert_cmpuint (s->n_points, >=, 28);
    g_assert_cmpint (s->points[1].t - s->points[0].t, ==, 6 * 3600);
    g_assert_cmpuint (s->points[0].capacity, ==, ward->beds.total);
    g_assert_cmpuint (s->points[0].occupied, <=, s->points[0].capacity);
  }
}

static void
test_errors_carry_the_server_code (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLogin) login = NULL;
  g_autoptr(BbUser) me = NULL;
  g_autoptr(GPtrArray) array = NULL;
  g_autoptr(BbHospital) hospital = NULL;
  g_autofree char *family = NULL;
  g_autofree char *staff = NULL;

  bb_api_client_login_async (f->api, "staff@demo.bedboard", "wrong password", NULL, on_result, &result);
  login = bb_api_client_login_finish (f->api, wait_result (&result), &error);
  g_assert_null (login);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (bb_api_error_get_status (error), ==, 401);
  g_assert_nonnull (bb_api_error_get_details (error));
  g_assert_cmpstr (json_object_get_string_member (bb_api_error_get_details (error), "code"), ==, "unauthorized");
  g_clear_error (&error);
  g_clear_object (&result);

  /* Unknown hospital and a bad parameter. */
  bb_api_client_get_hospital_async (f->api, 999, NULL, on_result, &result);
  hospital = bb_api_client_get_hospital_finish (f->api, wait_result (&result), NULL, &error);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
  bb_api_client_list_hospitals_async (f->api, FALSE, 0, 0, "spaceship", NULL, on_result, &result);
  array = bb_api_client_list_hospitals_finish (f->api, wait_result (&result), &error);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "kind"));
  g_clear_error (&error);
  g_clear_object (&result);

  /* A family member may not list bookings. */
  family = login_token (f, "family@demo.bedboard");
  bb_api_client_set_token (f->api, family);
  bb_api_client_get_me_async (f->api, NULL, on_result, &result);
  me = bb_api_client_user_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (me->role, ==, BB_ROLE_FAMILY);
  g_assert_cmpstr (me->email, ==, "family@demo.bedboard");
  g_clear_object (&result);
  bb_api_client_list_bookings_async (f->api, 0, NULL, NULL, on_result, &result);
  array = bb_api_client_list_bookings_finish (f->api, wait_result (&result), &error);
  g_assert_null (array);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Staff may, and see inpatients with their features. */
  staff = login_token (f, "staff@demo.bedboard");
  bb_api_client_set_token (f->api, staff);
  bb_api_client_list_inpatients_async (f->api, 1, 0, NULL, on_result, &result);
  {
    gint64 at = 0;

    array = bb_api_client_list_inpatients_finish (f->api, wait_result (&result), &at, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (array->len, >, 0);
    g_assert_cmpint (at, >, 0);
    g_assert_nonnull (((BbAdmission *) g_ptr_array_index (array, 0))->features);
    g_assert_cmpint (((BbAdmission *) g_ptr_array_index (array, 0))->discharged_at, ==, 0);
    g_clear_pointer (&array, g_ptr_array_unref);
  }
  g_clear_object (&result);

  /* After logout the token is refused, even on public data. */
  bb_api_client_logout_async (f->api, NULL, on_result, &result);
  g_assert_true (bb_api_client_logout_finish (f->api, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  bb_api_client_list_hospitals_async (f->api, FALSE, 0, 0, NULL, NULL, on_result, &result);
  array = bb_api_client_list_hospitals_finish (f->api, wait_result (&result), &error);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_UNAUTHORIZED);
}

static void
test_bookings_and_no_capacity (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) held = NULL;
  g_autoptr(BbBooking) refused = NULL;
  g_autoptr(BbBooking) confirmed = NULL;
  g_autoptr(BbBooking) cancelled = NULL;
  g_autoptr(JsonObject) features = json_object_new ();
  g_autofree char *admin = NULL;
  g_autoptr(GArray) beds = NULL;
  gint64 hospital_id = 0, ward_id = 0;

  admin = bb_test_server_login (f->server, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD);
  bb_test_server_add_hospital (f->server, admin, "One Bed Clinic", 1, &hospital_id, &ward_id, &beds);
  bb_api_client_set_token (f->api, admin);

  json_object_set_int_member (features, "age", 67);
  bb_api_client_create_booking_async (f->api, hospital_id, ward_id, "MRN-1", features, 0, 30,
                                      NULL, on_result, &result);
  held = bb_api_client_booking_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (held->status, ==, BB_BOOKING_HELD);
  g_assert_cmpint (held->bed_id, ==, g_array_index (beds, gint64, 0));
  g_assert_cmpstr (held->patient_ref, ==, "MRN-1");
  g_assert_cmpint (json_object_get_int_member (held->features, "age"), ==, 67);
  g_clear_object (&result);

  /* The only bed is held: the next booking is refused with no_capacity. */
  bb_api_client_create_booking_async (f->api, hospital_id, ward_id, "MRN-2", NULL, 0, 0,
                                      NULL, on_result, &result);
  refused = bb_api_client_booking_finish (f->api, wait_result (&result), &error);
  g_assert_null (refused);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY);
  g_assert_cmpuint (bb_api_error_get_status (error), ==, 409);
  g_assert_cmpstr (json_object_get_string_member (bb_api_error_get_details (error), "code"), ==, "no_capacity");
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);
  g_clear_object (&result);

  bb_api_client_confirm_booking_async (f->api, held->id, "icu-los", "1", 3.5, NULL, on_result, &result);
  confirmed = bb_api_client_booking_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (confirmed->status, ==, BB_BOOKING_CONFIRMED);
  g_assert_cmpstr (confirmed->forecast_model, ==, "icu-los");
  g_assert_cmpfloat_with_epsilon (confirmed->forecast_los_days, 3.5, 1e-9);
  g_clear_object (&result);

  bb_api_client_cancel_booking_async (f->api, held->id, NULL, on_result, &result);
  cancelled = bb_api_client_booking_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cancelled->status, ==, BB_BOOKING_CANCELLED);
  g_clear_object (&result);

  /* Cancelling twice is a conflict with the server's reason. */
  bb_api_client_cancel_booking_async (f->api, held->id, NULL, on_result, &result);
  g_assert_null (bb_api_client_booking_finish (f->api, wait_result (&result), &error));
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The bed can be closed now, and the enquiry round trip works. */
  bb_api_client_set_bed_status_async (f->api, g_array_index (beds, gint64, 0), BB_BED_STATUS_CLOSED,
                                      NULL, on_result, &result);
  g_assert_true (bb_api_client_set_bed_status_finish (f->api, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  {
    g_autoptr(BbEnquiry) sent = NULL;
    g_autoptr(BbEnquiry) accepted = NULL;
    g_autoptr(BbEnquiry) answered = NULL;
    g_autoptr(GPtrArray) inbox = NULL;

    /* Sent without an account, answered by the desk. */
    bb_api_client_set_token (f->api, NULL);
    bb_api_client_create_enquiry_async (f->api, hospital_id, "Ann Miller", "ann@example.org",
                                        "Is there a bed?", NULL, on_result, &result);
    sent = bb_api_client_enquiry_finish (f->api, wait_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sent->status, ==, "open");
    g_assert_cmpint (sent->user_id, ==, 0);
    g_clear_object (&result);
    bb_api_client_set_token (f->api, admin);
    bb_api_client_accept_enquiry_async (f->api, sent->id, NULL, on_result, &result);
    accepted = bb_api_client_enquiry_finish (f->api, wait_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (accepted->status, ==, "accepted");
    g_clear_object (&result);
    bb_api_client_reply_enquiry_async (f->api, sent->id, "Please call the desk.", NULL, on_result, &result);
    answered = bb_api_client_enquiry_finish (f->api, wait_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (answered->reply, ==, "Please call the desk.");
    g_assert_cmpint (answered->replied_at, >, 0);
    g_clear_object (&result);
    bb_api_client_list_enquiries_async (f->api, hospital_id, NULL, on_result, &result);
    inbox = bb_api_client_list_enquiries_finish (f->api, wait_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (inbox->len, ==, 1);
    g_clear_object (&result);
    /* Only the family member who asked may rate. */
    bb_api_client_rate_enquiry_async (f->api, sent->id, 5, NULL, on_result, &result);
    g_assert_null (bb_api_client_enquiry_finish (f->api, wait_result (&result), &error));
    g_assert_error (error, BB_API_ERROR, BB_API_ERROR_FORBIDDEN);
    g_clear_error (&error);
    g_clear_object (&result);
  }
}

static BbLosModel *
get_model (Fixture    *f,
           const char *name,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bb_api_client_get_model_async (f->api, name, NULL, on_result, &result);
  return bb_api_client_get_model_finish (f->api, wait_result (&result), error);
}

static void
test_model_is_ready_to_predict (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbLosModel) again = NULL;
  g_autoptr(BbLosModel) offline = NULL;
  g_autoptr(JsonObject) intake = json_object_new ();
  g_autofree char *staff = login_token (f, "staff@demo.bedboard");
  g_autofree char *card_path = g_build_filename (f->dir, "models", "icu-los.card.json", NULL);
  g_autofree char *booster_path = g_build_filename (f->dir, "models", "icu-los.ubj", NULL);
  g_autofree char *shipped = NULL;
  g_autofree char *cached = NULL;
  gsize shipped_len = 0, cached_len = 0;
  GStatBuf st;
  gint64 first_mtime;
  BbLosPrediction prediction;
  double mu = NAN, sigma = NAN;

  /* Downloaded (card, then booster) and kept on disk. */
  bb_api_client_set_token (f->api, staff);
  model = get_model (f, "icu-los", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bb_los_model_get_name (model), ==, "icu-los");
  g_assert_true (g_file_test (card_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (booster_path, &cached, &cached_len, NULL));
  g_assert_true (g_file_get_contents (BB_SOURCE_MODELS_DIR "/icu-los.ubj", &shipped, &shipped_len, NULL));
  g_assert_cmpmem (cached, cached_len, shipped, shipped_len);
  g_assert_cmpint (g_stat (booster_path, &st), ==, 0);
  first_mtime = st.st_mtime;

  json_object_set_int_member (intake, "age", 70);
  g_assert_true (bb_los_model_predict_json (model, intake, &mu, &sigma, &error));
  g_assert_no_error (error);
  bb_los_model_interval (model, mu, sigma, &prediction);
  g_assert_cmpfloat (prediction.p10_days, <=, prediction.median_days);
  g_assert_cmpfloat (prediction.median_days, <=, prediction.p90_days);

  /* The same version again comes from the cache: not written again. */
  g_usleep (1100 * 1000);
  again = get_model (f, "icu-los", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (booster_path, &st), ==, 0);
  g_assert_cmpint (st.st_mtime, ==, first_mtime);
  g_assert_cmpstr (bb_los_model_get_version (again), ==, bb_los_model_get_version (model));

  /* Without the right (staff) the cached copy still serves. */
  bb_api_client_set_token (f->api, NULL);
  offline = get_model (f, "icu-los", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bb_los_model_get_version (offline), ==, bb_los_model_get_version (model));

  /* Names that could leave the cache folder are refused. */
  g_assert_null (get_model (f, "../etc", &error));
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_INVALID);
}

static void
test_forecast_is_parsed (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint forecast = 0;

  bb_api_client_get_forecast_async (f->api, 1, 0, NULL, on_result, &result);
  entries = bb_api_client_get_forecast_finish (f->api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  for (guint i = 0; i < entries->len; i++)
    {
      const BbWardForecastEntry *e = g_ptr_array_index (entries, i);

      g_assert_cmpint (e->ward_id, >, 0);
      g_assert_cmpint (e->at, >, 0);
      g_assert_true ((e->forecast == NULL) == (e->unavailable != NULL));
      if (e->forecast != NULL)
        {
          guint n = 0;
          const BbWardForecastPoint *points = bb_ward_forecast_get_points (e->forecast, &n);

          g_assert_nonnull (e->model_name);
          g_assert_cmpuint (n, >, 1);
          g_assert_cmpfloat (points[0].t_hours, ==, 0);
          g_assert_cmpfloat (points[n - 1].p_any_free, >=, 0);
          g_assert_cmpfloat (points[n - 1].p_any_free, <=, 1);
          forecast++;
        }
    }
  g_assert_cmpuint (forecast, >, 0);
}

static void
on_session_login (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static void
test_ended_session_is_forgotten (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  g_autoptr(BbClientContext) context = bb_client_context_new (NULL, f->server->base_url, snapshot);
  BbSession *session = bb_client_context_get_session (context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbTestResponse) logout = NULL;

  bb_session_login_async (session, "staff@demo.bedboard", "demo", NULL, on_session_login, &result);
  g_assert_true (bb_session_login_finish (session, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (bb_session_get_role (session), ==, BB_ROLE_STAFF);
  g_assert_cmpstr (bb_api_client_get_token (bb_client_context_get_api (context)), ==,
                   bb_session_get_token (session));
  g_clear_object (&result);

  /* The session ends behind the client's back (another window logged out). */
  logout = bb_test_server_request (f->server, "POST", "/api/v1/auth/logout",
                                   bb_session_get_token (session), NULL);
  g_assert_cmpuint (logout->status, ==, 204);

  bb_client_context_reload_async (context, NULL, on_result, &result);
  g_assert_true (bb_client_context_reload_finish (context, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (bb_session_get_role (session), ==, BB_ROLE_NONE);
  g_assert_null (bb_api_client_get_token (bb_client_context_get_api (context)));
  g_assert_true (bb_client_context_get_loaded (context));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (bb_client_context_get_hospitals (context))), ==, 4);
}

/* ---- the server goes away and comes back ---- */

static gboolean
context_loaded_and_online (gpointer data)
{
  return bb_client_context_get_loaded (data) && bb_client_context_get_online (data) &&
         bb_live_events_get_connected (bb_client_context_get_live_events (data));
}

static gboolean
context_offline (gpointer data)
{
  return !bb_client_context_get_online (data) && bb_client_context_get_offline_since (data) > 0;
}

static gboolean
context_loaded (gpointer data)
{
  return bb_client_context_get_loaded (data) || bb_client_context_get_first_run_failed (data);
}

static gboolean
live_waits_eight_seconds (gpointer data)
{
  return bb_live_events_get_retry_in (data) >= 8;
}

typedef struct
{
  gint64  bed_id;
  gint64  seq;
  guint   status;
  gboolean connected_when_changed;
} SeenEvent;

static void
on_bed_changed (BbLiveEvents *live,
                gint64        seq,
                gint64        hospital,
                gint64        ward,
                gint64        bed,
                guint         status,
                gboolean      reserved,
                gint64        at,
                SeenEvent    *seen)
{
  if (bed == seen->bed_id)
    {
      seen->seq = seq;
      seen->status = status;
    }
}

static gboolean
event_seen (gpointer data)
{
  return ((SeenEvent *) data)->seq > 0;
}

static void
test_offline_snapshot_and_replay (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  g_autoptr(BbClientContext) context = bb_client_context_new (NULL, f->server->base_url, snapshot);
  g_autoptr(BbClientContext) cold = NULL;
  BbLiveEvents *live = bb_client_context_get_live_events (context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(BbHospitalItem) first = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *port = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BbTestResponse) changed = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  SeenEvent seen = { 0, };
  gint64 seq_before, snapshot_time;
  guint free_before;
  const char *restart[] = { "--demo", "--port", NULL, NULL };

  bb_client_context_start (context);
  g_assert_true (bb_test_wait_until (context_loaded_and_online, context, 20));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (bb_client_context_get_hospitals (context))), ==, 4);
  first = g_list_model_get_item (G_LIST_MODEL (bb_client_context_get_hospitals (context)), 0);
  g_assert_true (bb_hospital_item_get_has_wards (first));
  free_before = bb_hospital_item_get_free (first);
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  snapshot_time = bb_client_context_get_data_time (context);
  seq_before = bb_live_events_get_last_seq (live);
  g_assert_cmpint (seq_before, >=, 0);

  /* The server dies. */
  port = g_strdup_printf ("%u", f->server->port);
  bb_test_server_stop (f->server, TRUE);
  g_assert_true (bb_test_wait_until (context_offline, context, 10));
  g_assert_true (bb_client_context_get_loaded (context));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (bb_client_context_get_hospitals (context))), ==, 4);

  bb_api_client_list_hospitals_async (f->api, FALSE, 0, 0, NULL, NULL, on_result, &result);
  none = bb_api_client_list_hospitals_finish (f->api, wait_result (&result), &error);
  g_assert_null (none);
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_NETWORK);
  g_assert_cmpuint (bb_api_error_get_status (error), ==, 0);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A client starting now shows the snapshot, with its time. */
  cold = bb_client_context_new (NULL, f->server->base_url, snapshot);
  bb_client_context_start (cold);
  g_assert_true (bb_test_wait_until (context_loaded, cold, 20));
  g_assert_true (bb_client_context_get_loaded (cold));
  g_assert_false (bb_client_context_get_online (cold));
  g_assert_false (bb_client_context_get_first_run_failed (cold));
  g_assert_cmpint (llabs (bb_client_context_get_data_time (cold) - snapshot_time), <=, 2);
  g_assert_cmpint (bb_client_context_get_offline_since (cold), >=, snapshot_time);
  {
    g_autoptr(BbHospitalItem) cached = g_list_model_get_item (G_LIST_MODEL (bb_client_context_get_hospitals (cold)), 0);

    g_assert_cmpstr (bb_hospital_item_get_name (cached), ==, bb_hospital_item_get_name (first));
    g_assert_cmpuint (bb_hospital_item_get_free (cached), ==, free_before);
    g_assert_true (bb_hospital_item_get_has_wards (cached));
  }
  bb_client_context_stop (cold);

  /* Wait until the client backs off for 8 s (after 1, 2 and 4), then bring
   * the server back on the same database and port and change a bed before
   * the client reconnects: the client must get that change replayed
   * (since=). 8 s leave room for a loaded machine. */
  g_assert_true (bb_test_wait_until (live_waits_eight_seconds, live, 30));
  restart[2] = port;
  bb_test_server_start (f->server, restart);
  g_assert_cmpuint (f->server->port, ==, (guint) atoi (port));
  staff = bb_test_server_login (f->server, "staff@demo.bedboard", "demo");

  bb_api_client_get_hospital_async (f->api, 1, NULL, on_result, &result);
  {
    g_autoptr(BbHospital) h = bb_api_client_get_hospital_finish (f->api, wait_result (&result), &wards, &error);

    g_assert_no_error (error);
  }
  g_clear_object (&result);
  {
    /* A free bed of hospital 1 goes out of service. */
    const BbWard *ward = NULL;
    g_autoptr(GPtrArray) beds = NULL;

    for (guint i = 0; i < wards->len && ward == NULL; i++)
      if (((const BbWard *) g_ptr_array_index (wards, i))->beds.free > 0)
        ward = g_ptr_array_index (wards, i);
    g_assert (ward != NULL);
    bb_api_client_list_ward_beds_async (f->api, 1, ward->id, NULL, on_result, &result);
    beds = bb_api_client_list_ward_beds_finish (f->api, wait_result (&result), &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    for (guint i = 0; i < beds->len && seen.bed_id == 0; i++)
      {
        const BbBed *bed = g_ptr_array_index (beds, i);

        if (bed->status == BB_BED_STATUS_UNOCCUPIED && !bed->reserved)
          seen.bed_id = bed->id;
      }
    g_assert_cmpint (seen.bed_id, >, 0);
  }
  g_signal_connect (live, "bed-changed", G_CALLBACK (on_bed_changed), &seen);
  path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", seen.bed_id);
  changed = bb_test_server_request (f->server, "POST", path, staff, "{\"status\": \"C\"}");
  g_assert_cmpuint (changed->status, ==, 200);
  g_assert_false (bb_live_events_get_connected (live));

  g_assert_true (bb_test_wait_until (event_seen, &seen, 20));
  g_assert_cmpint (seen.seq, >, seq_before);
  g_assert_cmpuint (seen.status, ==, BB_BED_STATUS_CLOSED);
  g_assert_true (bb_test_wait_until (context_loaded_and_online, context, 20));
  g_assert_cmpint (bb_client_context_get_offline_since (context), ==, 0);
  /* After the reload the counts are the server's: one free bed fewer. */
  g_assert_cmpuint (bb_hospital_item_get_free (first), ==, free_before - 1);
  g_signal_handlers_disconnect_by_func (live, on_bed_changed, &seen);
  bb_client_context_stop (context);
}

/* ---- alerts about watched wards ---- */

static void
on_alert (BbWatchNotifier *notifier,
          const char      *id,
          const char      *title,
          const char      *body,
          GPtrArray       *alerts)
{
  g_ptr_array_add (alerts, g_strdup_printf ("%s|%s|%s", id, title, body));
}

typedef struct
{
  GPtrArray  *alerts;
  const char *prefix;
} AlertWait;

static gboolean
alert_seen (gpointer data)
{
  AlertWait *w = data;

  for (guint i = 0; i < w->alerts->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (w->alerts, i), w->prefix))
      return TRUE;
  return FALSE;
}

static guint
count_alerts (GPtrArray  *alerts,
              const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < alerts->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (alerts, i), prefix);
  return n;
}

static void
test_watched_wards_raise_alerts (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  g_autoptr(BbClientContext) context = NULL;
  g_autoptr(BbWatchNotifier) notifier = NULL;
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *admin = NULL;
  g_autofree char *bed_prefix = NULL;
  g_autofree char *alarm_prefix = NULL;
  g_autoptr(GArray) beds = NULL;
  const char *icu[] = { "icu", NULL };
  gint64 hospital_id = 0, ward_id = 0, bed_id;
  AlertWait wait;

  /* A clinic of its own, with one ICU bed, so nothing depends on the demo's
   * random occupancy. */
  admin = bb_test_server_login (f->server, BB_TEST_ADMIN_EMAIL, BB_TEST_ADMIN_PASSWORD);
  bb_test_server_add_hospital (f->server, admin, "Watch Clinic", 1, &hospital_id, &ward_id, &beds);
  bed_id = g_array_index (beds, gint64, 0);

  context = bb_client_context_new (NULL, f->server->base_url, snapshot);
  notifier = bb_watch_notifier_new (context);
  g_signal_connect (notifier, "alert", G_CALLBACK (on_alert), alerts);
  bb_client_context_start (context);
  g_assert_true (bb_test_wait_until (context_loaded_and_online, context, 20));
  g_assert_nonnull (bb_hospital_list_lookup (bb_client_context_get_hospitals (context), hospital_id, NULL));

  /* Every ICU is watched: the clinic's bed freeing is told. */
  bb_watch_notifier_set_watched (notifier, NULL, 0, icu);
  g_assert_true (bb_watch_notifier_watches (notifier, 999, "icu"));
  g_assert_false (bb_watch_notifier_watches (notifier, 999, "general"));
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", bed_id);
    g_autoptr(BbTestResponse) closed = bb_test_server_request (f->server, "POST", path, admin, "{\"status\": \"C\"}");
    g_autoptr(BbTestResponse) opened = NULL;

    g_assert_cmpuint (closed->status, ==, 200);
    opened = bb_test_server_request (f->server, "POST", path, admin, "{\"status\": \"U\"}");
    g_assert_cmpuint (opened->status, ==, 200);
  }
  bed_prefix = g_strdup_printf ("bed-free-%" G_GINT64_FORMAT "|", ward_id);
  wait.alerts = alerts;
  wait.prefix = bed_prefix;
  g_assert_true (bb_test_wait_until (alert_seen, &wait, 20));
  /* Closing the bed told nothing: only the freeing did. */
  g_assert_cmpuint (count_alerts (alerts, "bed-free-"), ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (alerts, 0), "Watch Clinic"));

  /* Its only bed held by a booking: the ward is full now, over both alarm
   * lines. Watched by itself, its 92% alarm is told once. */
  {
    g_autofree char *body = g_strdup_printf ("{\"hospital\": %" G_GINT64_FORMAT ", \"ward\": %" G_GINT64_FORMAT
                                             ", \"patient_ref\": \"MRN-W\"}", hospital_id, ward_id);
    g_autoptr(BbTestResponse) booked = bb_test_server_request (f->server, "POST", "/api/v1/bookings", admin, body);

    g_assert_cmpuint (booked->status, ==, 201);
  }
  bb_watch_notifier_set_watched (notifier, &ward_id, 1, NULL);
  alarm_prefix = g_strdup_printf ("alarm-%" G_GINT64_FORMAT ":92|", ward_id);
  wait.prefix = alarm_prefix;
  g_assert_true (bb_test_wait_until (alert_seen, &wait, 30));
  for (guint i = 0; i < alerts->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (alerts, i), alarm_prefix))
      g_assert_nonnull (strstr (g_ptr_array_index (alerts, i), "92%"));
  bb_watch_notifier_check_forecasts (notifier);
  {
    gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (count_alerts (alerts, alarm_prefix), ==, 1);
  bb_client_context_stop (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client/api/hospitals-wards-beds-and-occupancy-are-parsed", Fixture, NULL,
              fixture_set_up, test_hospitals_are_parsed, fixture_tear_down);
  g_test_add ("/client/api/errors-carry-the-server-code-and-message", Fixture, NULL,
              fixture_set_up, test_errors_carry_the_server_code, fixture_tear_down);
  g_test_add ("/client/api/bookings-hold-confirm-cancel-and-refuse-without-capacity", Fixture, NULL,
              fixture_set_up, test_bookings_and_no_capacity, fixture_tear_down);
  g_test_add ("/client/api/a-model-is-ready-to-predict-locally", Fixture, NULL,
              fixture_set_up, test_model_is_ready_to_predict, fixture_tear_down);
  g_test_add ("/client/api/the-forecast-of-each-ward-is-parsed", Fixture, NULL,
              fixture_set_up, test_forecast_is_parsed, fixture_tear_down);
  g_test_add ("/client/api/an-ended-session-is-forgotten-and-public-data-still-loads", Fixture, NULL,
              fixture_set_up, test_ended_session_is_forgotten, fixture_tear_down);
  g_test_add ("/client/notifier/watched-wards-raise-alerts-for-freed-beds-and-alarms", Fixture, NULL,
              fixture_set_up, test_watched_wards_raise_alerts, fixture_tear_down);
  g_test_add ("/client/api/offline-shows-the-snapshot-and-reconnects-with-replay", Fixture, NULL,
              fixture_set_up, test_offline_snapshot_and_replay, fixture_tear_down);

  return g_test_run ();
}
