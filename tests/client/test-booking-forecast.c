/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-booking-forecast.c: the booking page's local forecast job. Against a
 * demo server on loopback it reads a ward's inpatients and bookings as the
 * page does and computes the forecast locally: the numbers must equal the
 * server's own forecast for the same ward at the same time. It also
 * predicts the incoming patient's stay with its drivers, says the verdict in
 * words, refuses a model or an intake that does not fit with a clear error,
 * and explains the server's 409s. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bb-api-client.h"
#include "bb-booking-forecast.h"
#include "../server/bb-test-server.h"

/* One demo server for the whole binary: starting it is the slow part. */
static BbTestServer *server;
static BbApiClient  *api;
static char         *cache_dir;

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
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static BbLosModel *
get_model (const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BbLosModel *model;

  bb_api_client_get_model_async (api, name, NULL, on_result, &result);
  model = bb_api_client_get_model_finish (api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static GPtrArray *
get_wards (gint64 hospital_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospital) hospital = NULL;
  GPtrArray *wards = NULL;

  bb_api_client_get_hospital_async (api, hospital_id, NULL, on_result, &result);
  hospital = bb_api_client_get_hospital_finish (api, wait_result (&result), &wards, &error);
  g_assert_no_error (error);
  g_assert_nonnull (wards);
  return wards;
}

static GPtrArray *
get_inpatients (gint64  hospital_id,
                gint64  ward_id,
                gint64 *at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *inpatients;

  bb_api_client_list_inpatients_async (api, hospital_id, ward_id, NULL, on_result, &result);
  inpatients = bb_api_client_list_inpatients_finish (api, wait_result (&result), at, &error);
  g_assert_no_error (error);
  return inpatients;
}

/* Held and confirmed bookings of the hospital, as the page reads them. */
static GPtrArray *
get_active_bookings (gint64 hospital_id)
{
  static const char * const statuses[] = { "held", "confirmed" };
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_booking_free);

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) some = NULL;

      bb_api_client_list_bookings_async (api, hospital_id, statuses[s], NULL, on_result, &result);
      some = bb_api_client_list_bookings_finish (api, wait_result (&result), &error);
      g_assert_no_error (error);
      for (guint i = 0; i < some->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&some->pdata[i]));
    }
  return all;
}

static BbBooking *
create_booking (gint64       hospital_id,
                gint64       ward_id,
                JsonObject  *features,
                gint64       start,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bb_api_client_create_booking_async (api, hospital_id, ward_id, "TEST-REF", features, start, 0,
                                      NULL, on_result, &result);
  return bb_api_client_booking_finish (api, wait_result (&result), error);
}

static JsonObject *
icu_intake (void)
{
  JsonObject *intake = json_object_new ();

  json_object_set_int_member (intake, "age", 71);
  json_object_set_string_member (intake, "gender", "Male");
  json_object_set_string_member (intake, "apacheadmissiondx", "Sepsis, pulmonary");
  json_object_set_int_member (intake, "admissionweight", 82);
  json_object_set_string_member (intake, "unitadmitsource", "Emergency Department");
  return intake;
}

static void
assert_forecasts_equal (BbWardForecast *local,
                        BbWardForecast *remote)
{
  const BbWardForecastPoint *a, *b;
  guint na = 0, nb = 0;
  double ma, pa, qa, mb, pb, qb;
  gboolean fa, fb;

  a = bb_ward_forecast_get_points (local, &na);
  b = bb_ward_forecast_get_points (remote, &nb);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpuint (na, ==, 14 * 24 / 6 + 1);
  g_assert_cmpuint (bb_ward_forecast_get_capacity (local), ==, bb_ward_forecast_get_capacity (remote));
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpfloat_with_epsilon (a[i].t_hours, b[i].t_hours, 1e-9);
      g_assert_cmpfloat_with_epsilon (a[i].free_mean, b[i].free_mean, 1e-6);
      g_assert_cmpint (a[i].free_p10, ==, b[i].free_p10);
      g_assert_cmpint (a[i].free_p90, ==, b[i].free_p90);
      g_assert_cmpfloat_with_epsilon (a[i].p_any_free, b[i].p_any_free, 1e-6);
    }
  fa = bb_ward_forecast_get_first_free (local, &ma, &pa, &qa);
  fb = bb_ward_forecast_get_first_free (remote, &mb, &pb, &qb);
  g_assert_cmpint (fa, ==, fb);
  g_assert_cmpint (isfinite (ma), ==, isfinite (mb));
  if (isfinite (ma))
    g_assert_cmpfloat_with_epsilon (ma, mb, 1e-6);
  g_assert_cmpint (isfinite (qa), ==, isfinite (qb));
  if (isfinite (qa))
    g_assert_cmpfloat_with_epsilon (qa, qb, 1e-6);
}

/* Every ward of a demo hospital, with a held bed and a future booking in
 * it so the bookings count too: the local forecast is the server's. */
static void
test_local_forecast_equals_the_servers (void)
{
  g_autoptr(GPtrArray) wards = get_wards (1);
  g_autoptr(BbLosModel) icu = get_model ("icu-los");
  g_autoptr(BbLosModel) general = get_model ("ward-los");
  g_autoptr(JsonObject) intake = icu_intake ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) bookings = NULL;
  g_autoptr(BbBooking) held = NULL;
  g_autoptr(BbBooking) future = NULL;
  g_autoptr(GError) future_error = NULL;
  guint compared = 0, with_bookings = 0;

  /* A held bed in the first ward; a booking two days ahead in it too
   * (which the server may refuse if the ward looks full then). */
  held = create_booking (1, ((BbWard *) wards->pdata[0])->id, intake, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (held->bed_id, !=, 0);
  future = create_booking (1, ((BbWard *) wards->pdata[0])->id, intake,
                           g_get_real_time () / G_USEC_PER_SEC + 2 * 86400, &future_error);
  if (future == NULL)
    g_assert_error (future_error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY);

  bb_api_client_get_forecast_async (api, 1, 0, NULL, on_result, &result);
  entries = bb_api_client_get_forecast_finish (api, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, wards->len);
  bookings = get_active_bookings (1);

  for (guint i = 0; i < entries->len; i++)
    {
      BbWardForecastEntry *entry = g_ptr_array_index (entries, i);
      BbWard *ward = NULL;
      g_autoptr(GPtrArray) inpatients = NULL;
      g_autoptr(BbBookingForecast) local = NULL;
      BbBookingForecastRequest request = { 0, };
      gint64 at = 0;

      for (guint w = 0; w < wards->len; w++)
        if (((BbWard *) wards->pdata[w])->id == entry->ward_id)
          ward = wards->pdata[w];
      g_assert_nonnull (ward);
      g_assert_nonnull (entry->forecast);
      g_assert_cmpint (entry->at, >, 0);

      inpatients = get_inpatients (1, ward->id, &at);
      g_assert_cmpint (at, >, 0);
      request.now = entry->at;  /* the forecast's own moment */
      request.start = 0;
      request.ward = ward;
      request.inpatients = inpatients;
      request.bookings = bookings;
      local = bb_booking_forecast_compute (g_strcmp0 (ward->model, "icu-los") == 0 ? icu : general,
                                           &request, &error);
      g_assert_no_error (error);
      g_assert_nonnull (local);
      g_assert_cmpstr (local->model_name, ==, entry->model_name);
      g_assert_cmpstr (local->model_version, ==, entry->model_version);
      g_assert_cmpuint (local->n_inpatients, ==, inpatients->len);
      g_assert_false (local->has_stay);
      assert_forecasts_equal (local->ward_forecast, entry->forecast);
      if (local->n_bookings > 0)
        with_bookings++;
      compared++;
    }
  g_assert_cmpuint (compared, >=, 3);
  g_assert_cmpuint (with_bookings, >=, 1);
}

/* The same job in a worker thread, with an intake: the patient's stay is
 * the model's, its drivers are the biggest contributions, in days. */
static void
test_patient_stay_and_its_drivers (void)
{
  g_autoptr(GPtrArray) wards = get_wards (1);
  g_autoptr(BbLosModel) icu = get_model ("icu-los");
  g_autoptr(JsonObject) intake = icu_intake ();
  g_autoptr(GPtrArray) inpatients = NULL;
  g_autoptr(GPtrArray) bookings = get_active_bookings (1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBookingForecast) forecast = NULL;
  g_autofree char *stay = NULL;
  g_autofree char *verdict = NULL;
  BbBookingForecastRequest request = { 0, };
  BbLosPrediction expected;
  BbWard *ward = wards->pdata[0];
  double mu = 0, sigma = 0, previous = INFINITY;
  gint64 at = 0;

  g_assert_cmpstr (ward->model, ==, "icu-los");
  inpatients = get_inpatients (1, ward->id, &at);
  request.now = at;
  request.start = 0;
  request.ward = ward;
  request.inpatients = inpatients;
  request.bookings = bookings;
  request.intake = intake;
  bb_booking_forecast_compute_async (icu, &request, NULL, on_result, &result);
  forecast = bb_booking_forecast_compute_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (forecast);

  g_assert_true (bb_los_model_predict_json (icu, intake, &mu, &sigma, &error));
  g_assert_no_error (error);
  bb_los_model_interval (icu, mu, sigma, &expected);
  g_assert_true (forecast->has_stay);
  g_assert_cmpfloat_with_epsilon (forecast->stay_mu, mu, 1e-9);
  g_assert_cmpfloat (forecast->stay_sigma, ==, sigma);
  g_assert_cmpfloat_with_epsilon (forecast->stay.median_days, expected.median_days, 1e-9);
  g_assert_cmpfloat (forecast->stay.p10_days, <=, forecast->stay.median_days);
  g_assert_cmpfloat (forecast->stay.median_days, <=, forecast->stay.p90_days);

  g_assert_cmpuint (forecast->contributions->len, >, 0);
  g_assert_cmpuint (forecast->contributions->len, <=, BB_BOOKING_FORECAST_TOP_CONTRIBUTIONS);
  for (guint i = 0; i < forecast->contributions->len; i++)
    {
      BbStayContribution *c = g_ptr_array_index (forecast->contributions, i);

      g_assert_cmpint (bb_los_card_find_feature (bb_los_model_get_card (icu), c->feature), >=, 0);
      g_assert_cmpfloat (fabs (c->days), <=, previous);
      previous = fabs (c->days);
      /* A feature given in the intake carries its value. */
      if (json_object_has_member (intake, c->feature))
        g_assert_nonnull (c->value);
      else
        g_assert_null (c->value);
    }

  stay = bb_booking_forecast_describe_stay (forecast);
  g_assert_true (g_str_has_prefix (stay, "Likely stay "));
  verdict = bb_booking_forecast_describe_verdict (forecast);
  g_assert_cmpint (forecast->start_hours, ==, 0);
  if (forecast->free_now)
    {
      g_assert_cmpint (forecast->verdict, ==, BB_BOOKING_VERDICT_FREE_NOW);
      g_assert_cmpstr (verdict, ==, "A bed is free now");
      g_assert_false (forecast->poor);
    }
  else
    g_assert_true (g_str_has_prefix (verdict, "Likely free by") || g_str_has_prefix (verdict, "Unlikely") ||
                   g_str_has_prefix (verdict, "No bed is free this moment"));
}

/* A small full ward: no bed now, the first one likely later; a future
 * start is judged by P(free at the start). */
static void
test_verdicts_for_a_full_ward (void)
{
  g_autoptr(BbLosModel) icu = get_model ("icu-los");
  g_autoptr(GPtrArray) inpatients = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_admission_free);
  g_autoptr(BbBookingForecast) now = NULL;
  g_autoptr(BbBookingForecast) later = NULL;
  g_autoptr(BbBookingForecast) much_later = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BbWard ward = { .id = 99, .hospital_id = 1, .name = (char *) "Test ICU", .kind = (char *) "icu",
                  .model = (char *) "icu-los", .beds = { .total = 2 } };
  BbBookingForecastRequest request = { 0, };
  gint64 t0 = 1800000000;

  for (guint i = 0; i < 2; i++)
    {
      BbAdmission *a = g_new0 (BbAdmission, 1);

      a->id = i + 1;
      a->ward_id = 99;
      a->features = icu_intake ();
      a->admitted_at = t0 - 86400;
      g_ptr_array_add (inpatients, a);
    }
  request.now = t0;
  request.ward = &ward;
  request.inpatients = inpatients;

  now = bb_booking_forecast_compute (icu, &request, &error);
  g_assert_no_error (error);
  g_assert_false (now->free_now);
  g_assert_cmpfloat (now->p_at_start, ==, 0);
  g_assert_cmpint (now->verdict, ==, BB_BOOKING_VERDICT_LIKELY_FREE_BY);
  g_assert_true (now->first_free_found);
  g_assert_cmpfloat (now->first_free_p10_hours, <=, now->first_free_median_hours);
  g_assert_cmpint (now->poor, ==, now->first_free_median_hours > BB_BOOKING_FORECAST_POOR_WAIT_HOURS);
  text = bb_booking_forecast_describe_verdict (now);
  g_assert_true (g_str_has_prefix (text, "Likely free by "));
  g_assert_nonnull (strstr (text, ", 80% between "));
  g_clear_pointer (&text, g_free);

  /* A third bed, being cleaned: it counts in the forecast, but cannot be
   * held this moment. */
  {
    g_autoptr(BbBookingForecast) cleaning = NULL;

    ward.beds.total = 3;
    ward.beds.cleaning = 1;
    cleaning = bb_booking_forecast_compute (icu, &request, &error);
    g_assert_no_error (error);
    g_assert_false (cleaning->free_now);
    g_assert_cmpint (cleaning->verdict, ==, BB_BOOKING_VERDICT_BEING_CLEANED);
    text = bb_booking_forecast_describe_verdict (cleaning);
    g_assert_cmpstr (text, ==, "No bed is free this moment; 1 is being cleaned");
    g_clear_pointer (&text, g_free);
    ward.beds.total = 2;
    ward.beds.cleaning = 0;
  }

  /* In an hour both are most likely still there; in 12 days most likely not. */
  request.start = t0 + 3600;
  later = bb_booking_forecast_compute (icu, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (later->verdict, ==, BB_BOOKING_VERDICT_FULL_AT_START);
  g_assert_true (later->poor);
  g_assert_cmpfloat_with_epsilon (later->p_at_start, bb_ward_forecast_p_free_at (later->ward_forecast, 1), 1e-12);
  text = bb_booking_forecast_describe_verdict (later);
  g_assert_true (g_str_has_prefix (text, "Likely full at "));
  g_clear_pointer (&text, g_free);

  request.start = t0 + 12 * 86400;
  much_later = bb_booking_forecast_compute (icu, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (much_later->verdict, ==, BB_BOOKING_VERDICT_FREE_AT_START);
  g_assert_false (much_later->poor);
  text = bb_booking_forecast_describe_verdict (much_later);
  g_assert_true (g_str_has_prefix (text, "A bed is likely free at "));
}

/* A card that does not fit (the wrong model for the ward, a card whose
 * features do not match the booster, an intake the card does not know):
 * a clear error, never a forecast. */
static void
test_bad_card_is_a_clear_error (void)
{
  g_autoptr(BbLosModel) general = get_model ("ward-los");
  g_autoptr(BbLosModel) icu = get_model ("icu-los");
  g_autoptr(GPtrArray) inpatients = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_admission_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBookingForecast) forecast = NULL;
  g_autoptr(JsonNode) card_json = NULL;
  g_autoptr(BbLosCard) short_card = NULL;
  g_autoptr(GBytes) booster = NULL;
  g_autoptr(BbLosModel) broken = NULL;
  g_autoptr(JsonObject) intake = json_object_new ();
  JsonArray *features;
  BbWard ward = { .id = 1, .hospital_id = 1, .name = (char *) "Medical Intensive Care", .kind = (char *) "icu",
                  .model = (char *) "icu-los", .beds = { .total = 4 } };
  BbBookingForecastRequest request = { .now = 1800000000, .ward = &ward, .inpatients = inpatients };

  forecast = bb_booking_forecast_compute (general, &request, &error);
  g_assert_null (forecast);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD);
  g_assert_nonnull (strstr (error->message, "icu-los"));
  g_assert_nonnull (strstr (error->message, "ward-los"));
  g_clear_error (&error);

  /* The icu-los card without its last feature, with the real booster. */
  card_json = bb_los_card_to_json (bb_los_model_get_card (icu));
  features = json_object_get_array_member (json_node_get_object (card_json), "features");
  json_array_remove_element (features, json_array_get_length (features) - 1);
  short_card = bb_los_card_new_from_json (card_json, &error);
  g_assert_no_error (error);
  booster = bb_los_model_get_booster_bytes (icu, &error);
  g_assert_no_error (error);
  broken = bb_los_model_new (short_card, booster, &error);
  g_assert_null (broken);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD);
  g_assert_nonnull (strstr (error->message, "features"));
  g_clear_error (&error);

  /* An intake the card does not know: the error names the field. */
  json_object_set_string_member (intake, "gender", "Robot");
  request.intake = intake;
  forecast = bb_booking_forecast_compute (icu, &request, &error);
  g_assert_null (forecast);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_UNKNOWN_CATEGORY);
  g_assert_nonnull (strstr (error->message, "features.gender"));
  g_clear_error (&error);

  json_object_remove_member (intake, "gender");
  json_object_set_int_member (intake, "shoe_size", 44);
  forecast = bb_booking_forecast_compute (icu, &request, &error);
  g_assert_null (forecast);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "features.shoe_size"));
  g_clear_error (&error);

  json_object_remove_member (intake, "shoe_size");
  json_object_set_int_member (intake, "age", 300);
  forecast = bb_booking_forecast_compute (icu, &request, &error);
  g_assert_null (forecast);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "features.age"));
}

/* A ward whose free beds are all taken: the next hold is a 409, and the
 * explanation says so in words. */
static void
test_refusals_are_explained (void)
{
  g_autoptr(GPtrArray) wards = get_wards (2);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BbWard *ward = wards->pdata[0];
  guint held = 0;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(BbBooking) booking = create_booking (2, ward->id, NULL, 0, &error);

      if (booking == NULL)
        break;
      held++;
    }
  g_assert_error (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY);
  g_assert_cmpuint (held, <=, ward->beds.total);
  text = bb_booking_forecast_explain_error (error);
  g_assert_nonnull (strstr (text, "No bed of this ward is free to hold now"));
  g_clear_pointer (&text, g_free);
  g_clear_error (&error);

  /* A future start in the now-full ward an hour ahead: refused with the
   * server's forecast, whose probability the words give. */
  {
    g_autoptr(BbBooking) booking = create_booking (2, ward->id, NULL,
                                                   g_get_real_time () / G_USEC_PER_SEC + 3600, &error);

    g_assert_null (booking);
    g_assert_error (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY);
    g_assert_nonnull (bb_api_error_get_details (error));
    text = bb_booking_forecast_explain_error (error);
    g_assert_nonnull (strstr (text, "its forecast gives a free bed at the start with only"));
  }

  g_clear_pointer (&text, g_free);
  text = bb_stay_contribution_format_days (1.24);
  g_assert_cmpstr (text, ==, "+1.2 days");
  g_clear_pointer (&text, g_free);
  text = bb_stay_contribution_format_days (-0.44);
  g_assert_cmpstr (text, ==, "−0.4 days");
}

int
main (int   argc,
      char *argv[])
{
  const char *demo[] = { "--demo", NULL };
  g_autofree char *models = NULL;
  g_autofree char *token = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("LC_ALL", "C", TRUE);

  server = bb_test_server_new ();
  bb_test_server_stop (server, TRUE);
  bb_test_server_start (server, demo);
  cache_dir = g_dir_make_tmp ("bb-booking-forecast-XXXXXX", NULL);
  models = g_build_filename (cache_dir, "models", NULL);
  api = bb_api_client_new (server->base_url);
  bb_api_client_set_model_cache_dir (api, models);
  token = bb_test_server_login (server, "staff@demo.bedboard", "demo");
  bb_api_client_set_token (api, token);

  g_test_add_func ("/booking-forecast/local-forecast-equals-the-servers", test_local_forecast_equals_the_servers);
  g_test_add_func ("/booking-forecast/patient-stay-and-its-drivers", test_patient_stay_and_its_drivers);
  g_test_add_func ("/booking-forecast/verdicts-for-a-full-ward", test_verdicts_for_a_full_ward);
  g_test_add_func ("/booking-forecast/bad-card-is-a-clear-error", test_bad_card_is_a_clear_error);
  g_test_add_func ("/booking-forecast/refusals-are-explained", test_refusals_are_explained);
  status = g_test_run ();

  g_clear_object (&api);
  g_clear_pointer (&server, bb_test_server_free);
  remove_tree (cache_dir);
  g_free (cache_dir);
  return status;
}
