/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-calibration.c: the model check's numbers: mean absolute error,
 * coverage of the 80% interval and bias of predicted against actual stays,
 * and the model card's own test numbers they are shown beside. */
#include "config.h"

#include <math.h>

#include "bb-api-records.h"
#include "bb-calibration-chart.h"

static void
test_calibration_summarizes_error_coverage_and_bias (void)
{
  const BbCalibrationPoint points[] = {
    /* predicted, p10, p90, actual */
    { 2.0, 1.0, 4.0, 3.0 },   /* off by 1, inside */
    { 5.0, 3.0, 8.0, 2.0 },   /* off by 3, below p10 */
    { 1.0, 0.5, 2.0, 2.0 },   /* off by 1, on p90: inside */
    { 4.0, 2.0, 6.0, 10.0 },  /* off by 6, above p90 */
  };
  BbCalibrationSummary s;

  g_assert_true (bb_calibration_summarize (points, G_N_ELEMENTS (points), &s));
  g_assert_cmpuint (s.n, ==, 4);
  g_assert_cmpfloat_with_epsilon (s.mae_days, (1 + 3 + 1 + 6) / 4.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.coverage, 0.5, 1e-12);
  /* (-1 + 3 - 1 - 6) / 4: predictions run short. */
  g_assert_cmpfloat_with_epsilon (s.bias_days, -1.25, 1e-12);
}

static void
test_calibration_of_nothing_is_unknown (void)
{
  BbCalibrationSummary s;

  g_assert_false (bb_calibration_summarize (NULL, 0, &s));
  g_assert_cmpuint (s.n, ==, 0);
  g_assert_true (isnan (s.mae_days));
  g_assert_true (isnan (s.coverage));
}

static void
test_model_card_test_metrics_are_read_or_unknown (void)
{
  g_autoptr(BbLosCard) card = bb_los_card_new ();
  g_autoptr(JsonObject) metrics = json_object_new ();
  JsonObject *test = json_object_new ();
  BbModelTestMetrics m;

  /* A card without metrics says nothing. */
  bb_model_test_metrics_from_card (card, &m);
  g_assert_true (isnan (m.mae_days));
  g_assert_true (isnan (m.coverage_80));
  g_assert_cmpint (m.rows, ==, 0);

  /* Integers and doubles are numbers alike; text is not. */
  json_object_set_double_member (test, "mae_days", 2.25);
  json_object_set_int_member (test, "rows", 140);
  json_object_set_string_member (test, "coverage_80", "high");
  json_object_set_object_member (metrics, "test", test);
  bb_los_card_set_section (card, "metrics", metrics);
  bb_model_test_metrics_from_card (card, &m);
  g_assert_cmpfloat_with_epsilon (m.mae_days, 2.25, 1e-12);
  g_assert_cmpint (m.rows, ==, 140);
  g_assert_true (isnan (m.coverage_80));

  /* A "test" that is not an object is no metrics either. */
  json_object_set_int_member (metrics, "test", 3);
  bb_model_test_metrics_from_card (card, &m);
  g_assert_true (isnan (m.mae_days));
  g_assert_cmpint (m.rows, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calibration/summarizes-error-coverage-and-bias",
                   test_calibration_summarizes_error_coverage_and_bias);
  g_test_add_func ("/calibration/of-nothing-is-unknown", test_calibration_of_nothing_is_unknown);
  g_test_add_func ("/calibration/model-card-test-metrics-are-read-or-unknown",
                   test_model_card_test_metrics_are_read_or_unknown);

  return g_test_run ();
}
