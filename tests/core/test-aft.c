/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-aft.c: the AFT distributions give XGBoost's survival:aft numbers, the
 * remaining-stay maths matches hand-computed values, and quantiles invert
 * the distribution functions, including far in the tails. */
#include "config.h"

#include <math.h>
#include <glib.h>

#include "bb-aft.h"

static const BbAftDistribution all_dists[] = { BB_AFT_NORMAL, BB_AFT_LOGISTIC, BB_AFT_EXTREME };

static void
test_names_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_dists); i++)
    {
      BbAftDistribution d;

      g_assert_true (bb_aft_distribution_from_string (bb_aft_distribution_to_string (all_dists[i]), &d));
      g_assert_cmpint (d, ==, all_dists[i]);
    }
  g_assert_true (bb_aft_distribution_from_string ("extreme", &(BbAftDistribution){0}));
  g_assert_false (bb_aft_distribution_from_string ("gumbel", &(BbAftDistribution){0}));
  g_assert_false (bb_aft_distribution_from_string (NULL, &(BbAftDistribution){0}));
}

static void
test_cdf_matches_xgboost_definitions (void)
{
  /* ln T = mu + sigma Z: at t = e^(mu + sigma z) the cdf is F(z). */
  double mu = 1.3, sigma = 0.7, z = 0.4;
  double t = exp (mu + sigma * z);

  g_assert_cmpfloat_with_epsilon (bb_aft_cdf (BB_AFT_NORMAL, mu, sigma, t),
                                  0.65542174161032418, 1e-14);
  g_assert_cmpfloat_with_epsilon (bb_aft_cdf (BB_AFT_LOGISTIC, mu, sigma, t),
                                  1.0 / (1.0 + exp (-z)), 1e-14);
  /* XGBoost's "extreme": pdf e^z exp(-e^z), cdf 1 - exp(-e^z). */
  g_assert_cmpfloat_with_epsilon (bb_aft_cdf (BB_AFT_EXTREME, mu, sigma, t),
                                  1.0 - exp (-exp (z)), 1e-14);
  /* Its median is at z = ln ln 2, below the location: the stay is skewed short. */
  g_assert_cmpfloat_with_epsilon (bb_aft_quantile (BB_AFT_EXTREME, 0, 1, 0.5),
                                  log (2.0), 1e-14);

  for (guint i = 0; i < G_N_ELEMENTS (all_dists); i++)
    {
      g_assert_cmpfloat (bb_aft_cdf (all_dists[i], mu, sigma, 0), ==, 0.0);
      g_assert_cmpfloat (bb_aft_cdf (all_dists[i], mu, sigma, -3), ==, 0.0);
      g_assert_cmpfloat (bb_aft_cdf (all_dists[i], mu, sigma, INFINITY), ==, 1.0);
    }
}

static void
test_normal_quantile_matches_reference_values (void)
{
  /* scipy.special.ndtri to 17 digits */
  static const struct { double p, z; } ref[] = {
    { 1e-300, -37.047096299361201 },
    { 1e-20, -9.2623400897984087 },
    { 0.01, -2.3263478740408408 },
    { 0.3, -0.52440051270804089 },
    { 0.5, 0.0 },
    { 0.9, 1.2815515655446004 },
    { 0.999999, 4.7534243088170873 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ref); i++)
    {
      double t = bb_aft_quantile (BB_AFT_NORMAL, 0, 1, ref[i].p);
      g_assert_cmpfloat_with_epsilon (log (t), ref[i].z, 1e-13 * MAX (1, fabs (ref[i].z)));
    }
  g_assert_cmpfloat_with_epsilon (bb_aft_quantile (BB_AFT_NORMAL, log (5), 1, 0.9),
                                  18.011122396395788, 1e-12);
}

static void
test_quantile_inverts_cdf (void)
{
  static const double ps[] = { 1e-12, 1e-6, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1 - 1e-9 };

  for (guint i = 0; i < G_N_ELEMENTS (all_dists); i++)
    for (guint j = 0; j < G_N_ELEMENTS (ps); j++)
      {
        double t = bb_aft_quantile (all_dists[i], 0.8, 0.9, ps[j]);
        double p = bb_aft_cdf (all_dists[i], 0.8, 0.9, t);
        g_assert_cmpfloat_with_epsilon (p, ps[j], 1e-12 * MAX (ps[j], 1e-3));
      }
}

static void
test_remaining_stay_matches_hand_computed_values (void)
{
  /* mu = 0, sigma = 1, elapsed 1 day (z = 0), window to e days (z = 1):
   * P = 1 - S(1)/S(0). */
  /* normal: 1 - 2 (1 - Phi(1)) = erf(1/sqrt 2) */
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_NORMAL, 0, 1, 1, M_E - 1),
                                  0.68268949213708607, 1e-14);
  /* logistic: 1 - 2/(1 + e) = tanh(1/2) */
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_LOGISTIC, 0, 1, 1, M_E - 1),
                                  0.46211715726000979, 1e-14);
  /* extreme: 1 - exp(-e)/exp(-1) */
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_EXTREME, 0, 1, 1, M_E - 1),
                                  0.82062592126598277, 1e-14);

  /* Nothing has been stayed yet: the plain cdf. */
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_NORMAL, 1, 0.5, 0, 2),
                                  bb_aft_cdf (BB_AFT_NORMAL, 1, 0.5, 2), 1e-15);
  g_assert_cmpfloat (bb_aft_remaining_cdf (BB_AFT_NORMAL, 1, 0.5, 3, 0), ==, 0.0);

  /* The patient has outlived the model: at elapsed e^5 with sigma 0.1 the
   * survival is about 1e-545, far below DBL_MIN. Reference: scipy log_ndtr. */
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_NORMAL, 0, 0.1, exp (5.0),
                                                        exp (5.01) - exp (5.0)),
                                  0.99330902991836112, 1e-9);
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_quantile (BB_AFT_NORMAL, 0, 0.1, exp (5.0), 0.5),
                                  0.2057761811500427, 1e-7);
  /* The same far out for the other two: ratios of exp(-e^z) and 1/(1+e^z). */
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_EXTREME, 0, 1, exp (8.0),
                                                        exp (8.0001) - exp (8.0)),
                                  -expm1 (-(exp (8.0001) - exp (8.0))), 1e-9);
  g_assert_cmpfloat_with_epsilon (bb_aft_remaining_cdf (BB_AFT_LOGISTIC, 0, 0.5, exp (400.0),
                                                        exp (401.0) - exp (400.0)),
                                  -expm1 (-2.0), 1e-9);
}

static void
test_remaining_quantile_inverts_remaining_cdf (void)
{
  static const double elapsed[] = { 0, 0.1, 1, 3, 10, 40, 300 };
  static const double ps[] = { 1e-6, 0.1, 0.5, 0.9, 0.999999 };

  for (guint i = 0; i < G_N_ELEMENTS (all_dists); i++)
    for (guint e = 0; e < G_N_ELEMENTS (elapsed); e++)
      for (guint j = 0; j < G_N_ELEMENTS (ps); j++)
        {
          double r = bb_aft_remaining_quantile (all_dists[i], 1.0, 0.8, elapsed[e], ps[j]);
          double p = bb_aft_remaining_cdf (all_dists[i], 1.0, 0.8, elapsed[e], r);

          g_assert_cmpfloat (r, >, 0);
          g_assert_cmpfloat_with_epsilon (p, ps[j], 1e-9 * MAX (ps[j], 1e-3) + 1e-12);
        }
}

static void
test_remaining_cdf_is_monotone_and_conditional (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_dists); i++)
    {
      double prev = 0;

      for (double t = 0.25; t < 60; t += 0.25)
        {
          double p = bb_aft_remaining_cdf (all_dists[i], 1.2, 0.6, 4, t);
          /* Definition: (F(e + t) - F(e)) / (1 - F(e)) */
          double fe = bb_aft_cdf (all_dists[i], 1.2, 0.6, 4);
          double fb = bb_aft_cdf (all_dists[i], 1.2, 0.6, 4 + t);

          g_assert_cmpfloat (p, >=, prev);
          g_assert_cmpfloat_with_epsilon (p, (fb - fe) / (1 - fe), 1e-12);
          prev = p;
        }
    }
}

static void
test_invalid_arguments_give_nan (void)
{
  g_assert_true (isnan (bb_aft_cdf (BB_AFT_NORMAL, NAN, 1, 1)));
  g_assert_true (isnan (bb_aft_cdf (BB_AFT_NORMAL, 0, 0, 1)));
  g_assert_true (isnan (bb_aft_cdf (BB_AFT_NORMAL, 0, -1, 1)));
  g_assert_true (isnan (bb_aft_cdf ((BbAftDistribution) 42, 0, 1, 1)));
  g_assert_true (isnan (bb_aft_quantile (BB_AFT_LOGISTIC, 0, 1, 0)));
  g_assert_true (isnan (bb_aft_quantile (BB_AFT_LOGISTIC, 0, 1, 1)));
  g_assert_true (isnan (bb_aft_remaining_cdf (BB_AFT_EXTREME, 0, 1, -1, 1)));
  g_assert_true (isnan (bb_aft_remaining_cdf (BB_AFT_EXTREME, 0, 1, NAN, 1)));
  g_assert_true (isnan (bb_aft_remaining_quantile (BB_AFT_EXTREME, 0, 1, -0.5, 0.5)));
  g_assert_true (isnan (bb_aft_remaining_quantile (BB_AFT_EXTREME, 0, 1, 2, NAN)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/aft/names-round-trip", test_names_round_trip);
  g_test_add_func ("/core/aft/cdf-matches-xgboost-definitions", test_cdf_matches_xgboost_definitions);
  g_test_add_func ("/core/aft/normal-quantile-matches-reference-values",
                   test_normal_quantile_matches_reference_values);
  g_test_add_func ("/core/aft/quantile-inverts-cdf", test_quantile_inverts_cdf);
  g_test_add_func ("/core/aft/remaining-stay-matches-hand-computed-values",
                   test_remaining_stay_matches_hand_computed_values);
  g_test_add_func ("/core/aft/remaining-quantile-inverts-remaining-cdf",
                   test_remaining_quantile_inverts_remaining_cdf);
  g_test_add_func ("/core/aft/remaining-cdf-is-monotone-and-conditional",
                   test_remaining_cdf_is_monotone_and_conditional);
  g_test_add_func ("/core/aft/invalid-arguments-give-nan", test_invalid_arguments_give_nan);
  return g_test_run ();
}
