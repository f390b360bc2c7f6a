/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-calibration.c: the model check's numbers: mean absolute error,
 * coverage of the 80% interval and bias of predicted against actual stays. */
#include "config.h"

#include <math.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calibration/summarizes-error-coverage-and-bias",
                   test_calibration_summarizes_error_coverage_and_bias);
  g_test_add_func ("/calibration/of-nothing-is-unknown", test_calibration_of_nothing_is_unknown);

  return g_test_run ();
}
