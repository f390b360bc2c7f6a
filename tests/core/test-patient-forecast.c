/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-patient-forecast.c: a ward's forecast from its patient records (the
 * path the server and the client share) equals the forecast built by hand
 * from each patient's own margin, scale and time, including patients whose
 * features are missing or no longer fit the card. */
#include "config.h"

#include <math.h>

#include "bb-patient-forecast.h"

static BbLosModel *
load_icu (void)
{
  const char *src = g_getenv ("BB_SOURCE_DIR");
  g_autofree char *path = g_build_filename (src ? src : BB_SOURCE_DIR, "models", "icu-los.card.json", NULL);
  g_autoptr(GError) error = NULL;
  BbLosModel *model = bb_los_model_load (path, &error);

  g_assert_no_error (error);
  return model;
}

static JsonObject *
json_object_from (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static BbAdmission *
admission (const char *features,
           gint64      admitted_at)
{
  BbAdmission *a = g_new0 (BbAdmission, 1);

  a->features = features != NULL ? json_object_from (features) : NULL;
  a->admitted_at = admitted_at;
  return a;
}

static BbBooking *
booking (const char *features,
         gint64      start,
         gint64      bed_id)
{
  BbBooking *b = g_new0 (BbBooking, 1);

  b->features = json_object_from (features);
  b->start = start;
  b->bed_id = bed_id;
  return b;
}

/* mu and sigma of a row with every feature unknown */
static void
predict_unknown (BbLosModel *model,
                 double     *mu,
                 double     *sigma)
{
  guint nf = bb_los_card_get_n_features (bb_los_model_get_card (model));
  g_autofree float *row = g_new (float, nf);
  g_autoptr(GError) error = NULL;

  for (guint j = 0; j < nf; j++)
    row[j] = NAN;
  g_assert_true (bb_los_model_predict (model, row, 1, mu, sigma, &error));
  g_assert_no_error (error);
}

static void
test_records_give_each_patient_their_own_prediction (void)
{
  g_autoptr(BbLosModel) model = load_icu ();
  g_autoptr(GPtrArray) inpatients = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_admission_free);
  g_autoptr(GPtrArray) holding = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_booking_free);
  g_autoptr(GPtrArray) future = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_booking_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) got = NULL;
  g_autoptr(BbWardForecast) expected = NULL;
  g_autoptr(BbWardForecast) one_scale = NULL;
  const gint64 now = 1800000000;
  const char *with_dx = "{\"age\": 70, \"apacheadmissiondx\": \"Sepsis, pulmonary\", \"unittype\": \"MICU\"}";
  const char *without_dx = "{\"age\": 70, \"unittype\": \"MICU\"}";
  g_autoptr(JsonObject) intake_with_dx = json_object_from (with_dx);
  g_autoptr(JsonObject) intake_without_dx = json_object_from (without_dx);
  BbForecastInpatient in[4];
  BbForecastBooking bk[2];
  BbWardForecastParams params = { .capacity = 8, .horizon_days = 3, .step_hours = 6 };
  BbWardForecastParams prm;
  const BbWardForecastPoint *a, *b, *c;
  guint n_a, n_b, n_c;
  gboolean differs = FALSE;

  /* with a diagnosis; without one (its own scale); no features at all; a
   * unit type the card does not know (read as all unknown) */
  g_ptr_array_add (inpatients, admission (with_dx, now - 2 * 86400));
  g_ptr_array_add (inpatients, admission (without_dx, now - 7200));
  g_ptr_array_add (inpatients, admission (NULL, now - 86400));
  g_ptr_array_add (inpatients, admission ("{\"unittype\": \"Moon ICU\"}", now + 600));  /* clock skew: 0 */
  g_ptr_array_add (holding, booking (without_dx, now + 3600, 12));
  g_ptr_array_add (future, booking (with_dx, now + 10 * 3600, 0));

  got = bb_patient_forecast_compute (model, &params, inpatients, holding, future, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);

  g_assert_true (bb_los_model_predict_json (model, intake_with_dx, &in[0].mu, &in[0].sigma, &error));
  g_assert_true (bb_los_model_predict_json (model, intake_without_dx, &in[1].mu, &in[1].sigma, &error));
  g_assert_no_error (error);
  predict_unknown (model, &in[2].mu, &in[2].sigma);
  predict_unknown (model, &in[3].mu, &in[3].sigma);
  in[0].elapsed_days = 2;
  in[1].elapsed_days = 2.0 / 24;
  in[2].elapsed_days = 1;
  in[3].elapsed_days = 0;
  bk[0] = (BbForecastBooking) { 0, in[1].mu, in[1].sigma };    /* holding a bed: arrives now */
  bk[1] = (BbForecastBooking) { 10, in[0].mu, in[0].sigma };
  /* the icu card gives rows without a diagnosis their own, wider scale */
  g_assert_cmpfloat (in[1].sigma, >, in[0].sigma);
  g_assert_cmpfloat (in[0].sigma, ==, bb_los_model_get_scale (model));

  prm = params;
  prm.distribution = bb_los_model_get_distribution (model);
  prm.sigma = bb_los_model_get_scale (model);
  expected = bb_ward_forecast_compute (&prm, in, 4, bk, 2, &error);
  g_assert_no_error (error);

  a = bb_ward_forecast_get_points (got, &n_a);
  b = bb_ward_forecast_get_points (expected, &n_b);
  g_assert_cmpuint (n_a, ==, 13);
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint k = 0; k < n_a; k++)
    {
      g_assert_cmpfloat (a[k].free_mean, ==, b[k].free_mean);
      g_assert_cmpint (a[k].free_p10, ==, b[k].free_p10);
      g_assert_cmpint (a[k].free_p90, ==, b[k].free_p90);
      g_assert_cmpfloat (a[k].p_any_free, ==, b[k].p_any_free);
    }

  /* and the scales matter: with the card's one scale for everybody the
   * numbers are not the same */
  for (guint i = 0; i < 4; i++)
    in[i].sigma = 0;
  bk[0].sigma = bk[1].sigma = 0;
  one_scale = bb_ward_forecast_compute (&prm, in, 4, bk, 2, &error);
  g_assert_no_error (error);
  c = bb_ward_forecast_get_points (one_scale, &n_c);
  for (guint k = 0; k < n_c; k++)
    differs |= c[k].free_mean != a[k].free_mean;
  g_assert_true (differs);
}

static void
test_no_patients_and_bad_params_are_handled (void)
{
  g_autoptr(BbLosModel) model = load_icu ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) empty = NULL;
  g_autoptr(BbWardForecast) bad = NULL;
  BbWardForecastParams params = { .capacity = 4 };
  BbWardForecastParams no_beds = { .capacity = 0 };
  const BbWardForecastPoint *points;
  guint n;

  /* an empty ward: every bed free, at every point */
  empty = bb_patient_forecast_compute (model, &params, NULL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  points = bb_ward_forecast_get_points (empty, &n);
  g_assert_cmpuint (n, >, 1);
  g_assert_cmpfloat (points[n - 1].free_mean, ==, 4);

  /* the forecast's own checks still apply */
  bad = bb_patient_forecast_compute (model, &no_beds, NULL, NULL, NULL, 0, &error);
  g_assert_null (bad);
  g_assert_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/patient-forecast/records-give-each-patient-their-own-prediction",
                   test_records_give_each_patient_their_own_prediction);
  g_test_add_func ("/patient-forecast/no-patients-and-bad-params-are-handled",
                   test_no_patients_and_bad_params_are_handled);
  return g_test_run ();
}
