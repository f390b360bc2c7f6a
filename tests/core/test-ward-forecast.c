/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ward-forecast.c: the ward forecast against brute-force enumeration
 * for small wards, against a seeded Monte-Carlo simulation of the same ward
 * for small and big ones, the booking rule, the JSON codec and bad input. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "bb-ward-forecast.h"
#include "bb-ward-forecast-private.h"

/* Inpatients with stays of a few days and various elapsed times. */
static BbForecastInpatient *
make_inpatients (guint   n,
                 guint32 seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  BbForecastInpatient *in = g_new0 (BbForecastInpatient, n);

  for (guint i = 0; i < n; i++)
    {
      in[i].mu = log (3.0) + g_rand_double_range (rng, -1, 1);
      in[i].elapsed_days = g_rand_double_range (rng, 0, 8);
    }
  return in;
}

/* A patient's own scale, or the model's when it gives none (0). */
static double
sigma_of (const BbWardForecastParams *prm,
          double                      sigma)
{
  return sigma > 0 ? sigma : prm->sigma;
}

static double
open_uniform (GRand *rng)
{
  double u;

  do
    u = g_rand_double (rng);
  while (u <= 0);
  return u;
}

/* The same ward simulated: each patient's stay drawn from the model, free
 * beds counted at every point. free[k * n_sims + s]. Also the first time
 * (hours) a bed is free, in continuous time, for wards without bookings. */
typedef struct
{
  guint   n_sims;
  guint   n_points;
  int    *free;
  double *first_free;
} Simulation;

static void
simulation_free (Simulation *sim)
{
  g_free (sim->free);
  g_free (sim->first_free);
  g_free (sim);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Simulation, simulation_free)

static Simulation *
simulate_ward (const BbWardForecastParams *prm,
               const BbForecastInpatient  *in,
               guint                       n,
               const BbForecastBooking    *bk,
               guint                       m,
               guint                       n_sims,
               guint32                     seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  g_autofree double *leave = g_new (double, n);
  g_autofree double *bk_leave = g_new (double, m);
  Simulation *sim = g_new0 (Simulation, 1);

  sim->n_sims = n_sims;
  sim->n_points = (guint) floor (prm->horizon_days * 24 / prm->step_hours + 1e-9) + 1;
  sim->free = g_new (int, sim->n_points * n_sims);
  sim->first_free = g_new (double, n_sims);

  for (guint s = 0; s < n_sims; s++)
    {
      double first = INFINITY;

      for (guint i = 0; i < n; i++)
        {
          leave[i] = 24 * bb_aft_remaining_quantile (prm->distribution, in[i].mu, sigma_of (prm, in[i].sigma),
                                                     in[i].elapsed_days, open_uniform (rng));
          first = MIN (first, leave[i]);
        }
      for (guint j = 0; j < m; j++)
        bk_leave[j] = bk[j].start_hours +
                      24 * bb_aft_quantile (prm->distribution, bk[j].mu, sigma_of (prm, bk[j].sigma),
                                            open_uniform (rng));
      sim->first_free[s] = n < prm->capacity ? 0 : first;

      for (guint k = 0; k < sim->n_points; k++)
        {
          double t = k * prm->step_hours;
          int free = (int) prm->capacity - (int) n;

          for (guint i = 0; i < n; i++)
            free += leave[i] <= t;
          for (guint j = 0; j < m; j++)
            if (bk[j].start_hours <= t)
              free += -1 + (bk_leave[j] <= t);
          sim->free[k * n_sims + s] = free;
        }
    }
  return sim;
}

/* The forecast agrees with the simulation at every point: mean and
 * P(any free) within 4.5 Monte-Carlo standard errors, and each reported
 * percentile f is one the simulated cdf supports: F(f) >= q and
 * F(f - 1) < q, both up to 4.5 standard errors of a proportion (plus
 * cdf_slack for the normal approximation used for big wards). */
static void
assert_forecast_matches_simulation (BbWardForecast   *fc,
                                    const Simulation *sim,
                                    double            cdf_slack)
{
  guint n_points;
  const BbWardForecastPoint *pts = bb_ward_forecast_get_points (fc, &n_points);
  double ns = sim->n_sims;

  g_assert_cmpuint (n_points, ==, sim->n_points);
  for (guint k = 0; k < n_points; k++)
    {
      const int *f = sim->free + k * sim->n_sims;
      double sum = 0, sum2 = 0, any = 0, below_p10 = 0, at_p10 = 0, below_p90 = 0, at_p90 = 0;
      double sd, se_mean, se_any;

      for (guint s = 0; s < sim->n_sims; s++)
        {
          sum += f[s];
          sum2 += (double) f[s] * f[s];
          any += f[s] >= 1;
          below_p10 += f[s] <= pts[k].free_p10 - 1;
          at_p10 += f[s] <= pts[k].free_p10;
          below_p90 += f[s] <= pts[k].free_p90 - 1;
          at_p90 += f[s] <= pts[k].free_p90;
        }
      sd = sqrt (MAX (sum2 / ns - (sum / ns) * (sum / ns), 0));
      se_mean = sd / sqrt (ns);
      se_any = sqrt (MAX (pts[k].p_any_free * (1 - pts[k].p_any_free), 1.0 / ns) / ns);

      if (g_test_verbose ())
        g_test_message ("t=%g mean %.3f/%.3f any %.4f/%.4f p10 %d p90 %d", pts[k].t_hours,
                        pts[k].free_mean, sum / ns, pts[k].p_any_free, any / ns,
                        pts[k].free_p10, pts[k].free_p90);

      g_assert_cmpfloat (fabs (pts[k].free_mean - sum / ns), <=, 4.5 * se_mean + 1e-9);
      g_assert_cmpfloat (fabs (pts[k].p_any_free - any / ns), <=, 4.5 * se_any + cdf_slack);
      g_assert_cmpfloat (at_p10 / ns, >=, 0.1 - 4.5 * sqrt (0.09 / ns) - cdf_slack);
      g_assert_cmpfloat (below_p10 / ns, <, 0.1 + 4.5 * sqrt (0.09 / ns) + cdf_slack);
      g_assert_cmpfloat (at_p90 / ns, >=, 0.9 - 4.5 * sqrt (0.09 / ns) - cdf_slack);
      g_assert_cmpfloat (below_p90 / ns, <, 0.9 + 4.5 * sqrt (0.09 / ns) + cdf_slack);
    }
}

static void
test_exact_poisson_binomial_matches_enumeration (void)
{
  static const double probs[] = { 0.1, 0.9, 0.5, 0.33, 0.02, 0.7, 1.0, 0.0, 0.45, 0.61, 0.25 };
  guint n = G_N_ELEMENTS (probs);
  g_autofree double *cdf = _bb_poisson_binomial_cdf (probs, n, FALSE);
  double pmf[G_N_ELEMENTS (probs) + 1] = { 0 };

  for (guint mask = 0; mask < (1u << n); mask++)
    {
      double p = 1;
      guint k = 0;

      for (guint i = 0; i < n; i++)
        if (mask & (1u << i))
          p *= probs[i], k++;
        else
          p *= 1 - probs[i];
      pmf[k] += p;
    }
  for (guint k = 0; k <= n; k++)
    {
      double want = 0;

      for (guint j = 0; j <= k; j++)
        want += pmf[j];
      g_assert_cmpfloat_with_epsilon (cdf[k], want, 1e-13);
    }
}

static void
test_normal_approximation_is_close_to_exact_for_big_wards (void)
{
  /* 2,000 inpatients from an hour to a week ahead; the forecast only uses
   * the approximation when the sd of the discharges is at least 6. */
  static const double days[] = { 0.01, 0.03, 0.1, 0.25, 1, 2, 7 };
  g_autofree BbForecastInpatient *in = make_inpatients (2000, 7);
  g_autofree double *probs = g_new (double, 2000);
  guint n_checked = 0;

  for (guint d = 0; d < G_N_ELEMENTS (days); d++)
    {
      g_autofree double *exact = NULL;
      g_autofree double *approx = NULL;
      double max_err = 0, var = 0;

      for (guint i = 0; i < 2000; i++)
        {
          probs[i] = bb_aft_remaining_cdf (BB_AFT_NORMAL, in[i].mu, 0.9, in[i].elapsed_days, days[d]);
          var += probs[i] * (1 - probs[i]);
        }
      exact = _bb_poisson_binomial_cdf (probs, 2000, FALSE);
      approx = _bb_poisson_binomial_cdf (probs, 2000, TRUE);
      for (guint k = 0; k <= 2000; k++)
        max_err = MAX (max_err, fabs (exact[k] - approx[k]));
      g_test_message ("%g days: sd %.2f, max cdf error of the refined normal approximation %.2g",
                      days[d], sqrt (var), max_err);
      /* exact sums to one */
      g_assert_cmpfloat_with_epsilon (exact[2000], 1.0, 1e-12);
      if (sqrt (var) >= 6)
        {
          g_assert_cmpfloat (max_err, <, 1e-3);
          /* and it is not the same computation */
          g_assert_cmpfloat (max_err, >, 0);
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, >=, 4);
}

static void
test_small_ward_matches_enumeration (void)
{
  /* 9 inpatients in 9 beds plus 2 bookings: every point's distribution by
   * enumerating all 2^11 discharge patterns. A third of the patients and
   * one booking have their own scale (a card's scale_when_missing). */
  g_autofree BbForecastInpatient *in = make_inpatients (9, 3);
  BbForecastBooking bk[] = { { 30, log (2.0) }, { 10, log (4.0), 1.3 } };
  BbWardForecastParams prm = { BB_AFT_LOGISTIC, 0.8, 9, 5, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = NULL;
  const BbWardForecastPoint *pts;
  guint n_points;

  for (guint i = 0; i < 9; i += 3)
    in[i].sigma = 1.5;
  fc = bb_ward_forecast_compute (&prm, in, 9, bk, 2, &error);
  g_assert_no_error (error);
  pts = bb_ward_forecast_get_points (fc, &n_points);
  g_assert_cmpuint (n_points, ==, 21);

  for (guint k = 0; k < n_points; k++)
    {
      double t = k * 6.0, probs[11], pmf[12] = { 0 }, mean = 0, cdf = 0;
      int base = 9 - 9, p10 = G_MININT, p90 = G_MININT;
      guint n = 0;

      g_assert_cmpfloat (pts[k].t_hours, ==, t);
      for (guint i = 0; i < 9; i++)
        probs[n++] = bb_aft_remaining_cdf (prm.distribution, in[i].mu, sigma_of (&prm, in[i].sigma),
                                           in[i].elapsed_days, t / 24);
      for (guint j = 0; j < 2; j++)
        if (bk[j].start_hours <= t)
          {
            base--;
            probs[n++] = bb_aft_cdf (prm.distribution, bk[j].mu, sigma_of (&prm, bk[j].sigma),
                                     (t - bk[j].start_hours) / 24);
          }
      for (guint mask = 0; mask < (1u << n); mask++)
        {
          double p = 1;
          guint c = 0;

          for (guint i = 0; i < n; i++)
            if (mask & (1u << i))
              p *= probs[i], c++;
            else
              p *= 1 - probs[i];
          pmf[c] += p;
        }
      for (guint c = 0; c <= n; c++)
        {
          mean += (base + (int) c) * pmf[c];
          cdf += pmf[c];
          if (p10 == G_MININT && cdf >= 0.1)
            p10 = base + (int) c;
          if (p90 == G_MININT && cdf >= 0.9)
            p90 = base + (int) c;
        }

      g_assert_cmpfloat_with_epsilon (pts[k].free_mean, mean, 1e-12);
      g_assert_cmpint (pts[k].free_p10, ==, p10);
      g_assert_cmpint (pts[k].free_p90, ==, p90);
      /* P(free >= 1) = P(c >= 1 - base) */
      {
        double any = 0;
        for (int c = MAX (1 - base, 0); c <= (int) n; c++)
          any += pmf[c];
        g_assert_cmpfloat_with_epsilon (pts[k].p_any_free, any, 1e-12);
        g_assert_cmpfloat_with_epsilon (bb_ward_forecast_p_free_at (fc, t), any, 1e-12);
      }
    }
}

static void
test_small_ward_with_bookings_matches_simulation (void)
{
  g_autofree BbForecastInpatient *in = make_inpatients (18, 11);
  BbForecastBooking bk[] = {
    { 3, log (5.0) }, { 20, log (1.0) }, { 20, log (9.0) }, { 50, log (3.0) }, { 90, log (2.0) },
    { 130, log (6.0) },
  };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.7, 20, 7, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, in, 18, bk, G_N_ELEMENTS (bk), &error);
  g_autoptr(Simulation) sim = NULL;

  g_assert_no_error (error);
  sim = simulate_ward (&prm, in, 18, bk, G_N_ELEMENTS (bk), 20000, 12345);
  /* exact DP here: only Monte-Carlo error */
  assert_forecast_matches_simulation (fc, sim, 0);
}

static void
test_big_ward_matches_simulation (void)
{
  g_autofree BbForecastInpatient *in = make_inpatients (2000, 5);
  BbForecastBooking bk[] = { { 12, log (4.0) }, { 12, log (4.0) }, { 40, log (2.0) } };
  BbWardForecastParams prm = { BB_AFT_EXTREME, 0.8, 2000, 4, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, in, 2000, bk, G_N_ELEMENTS (bk), &error);
  g_autoptr(Simulation) sim = NULL;

  g_assert_no_error (error);
  sim = simulate_ward (&prm, in, 2000, bk, G_N_ELEMENTS (bk), 1500, 999);
  /* the normal approximation adds at most 1e-3 to the cdf (test above) */
  assert_forecast_matches_simulation (fc, sim, 1e-3);
}

static void
test_first_free_matches_simulated_first_discharge (void)
{
  /* A full ward without bookings: the first free bed comes with the first
   * discharge, so its distribution is exactly the running maximum. */
  g_autofree BbForecastInpatient *in = make_inpatients (12, 21);
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.6, 12, 3, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = NULL;
  g_autoptr(Simulation) sim = NULL;
  double q[3], qs[3] = { 0.5, 0.1, 0.9 };

  /* longer stays so the first discharge is hours, not minutes, away */
  for (guint i = 0; i < 12; i++)
    in[i].mu += 1.0;
  fc = bb_ward_forecast_compute (&prm, in, 12, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (bb_ward_forecast_get_first_free (fc, &q[0], &q[1], &q[2]));
  g_assert_cmpfloat (q[1], >, 0);
  g_assert_cmpfloat (q[1], <=, q[0]);
  g_assert_cmpfloat (q[0], <=, q[2]);

  sim = simulate_ward (&prm, in, 12, NULL, 0, 20000, 77);
  for (guint i = 0; i < 3; i++)
    {
      double by_q = 0, by_q_early = 0, tol = 4.5 * sqrt (qs[i] * (1 - qs[i]) / sim->n_sims);

      for (guint s = 0; s < sim->n_sims; s++)
        {
          by_q += sim->first_free[s] <= q[i];
          by_q_early += sim->first_free[s] <= q[i] - 0.25;
        }
      g_test_message ("first free q=%g at %g h: simulated %g", qs[i], q[i], by_q / sim->n_sims);
      g_assert_cmpfloat (by_q / sim->n_sims, >=, qs[i] - tol);
      g_assert_cmpfloat (by_q_early / sim->n_sims, <, qs[i] + tol);
    }
}

static void
test_first_free_is_now_with_a_free_bed_and_never_when_stays_are_long (void)
{
  BbForecastInpatient in[] = { { log (1000.0), 1 }, { log (1000.0), 2 } };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.1, 3, 2, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) free_now = bb_ward_forecast_compute (&prm, in, 2, NULL, 0, &error);
  g_autoptr(BbWardForecast) full = NULL;
  double m, p10, p90;

  g_assert_no_error (error);
  g_assert_true (bb_ward_forecast_get_first_free (free_now, &m, &p10, &p90));
  g_assert_cmpfloat (m, ==, 0);
  g_assert_cmpfloat (p90, ==, 0);

  prm.capacity = 2;
  full = bb_ward_forecast_compute (&prm, in, 2, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_false (bb_ward_forecast_get_first_free (full, &m, &p10, &p90));
  g_assert_true (isinf (m) && isinf (p10) && isinf (p90));
}

static void
test_bookings_reduce_free_beds (void)
{
  g_autofree BbForecastInpatient *in = make_inpatients (25, 8);
  BbForecastBooking bk[] = { { 24, log (3.0) }, { 48, log (3.0) }, { 48, log (30.0) } };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.9, 30, 5, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) without = bb_ward_forecast_compute (&prm, in, 25, NULL, 0, &error);
  g_autoptr(BbWardForecast) with = bb_ward_forecast_compute (&prm, in, 25, bk, 3, &error);
  const BbWardForecastPoint *a, *b;
  guint n;

  g_assert_no_error (error);
  a = bb_ward_forecast_get_points (without, &n);
  b = bb_ward_forecast_get_points (with, NULL);
  for (guint k = 0; k < n; k++)
    {
      if (a[k].t_hours < 24)
        {
          g_assert_cmpfloat (b[k].free_mean, ==, a[k].free_mean);
          continue;
        }
      /* one bed per booking taken at its start, then given back as they leave */
      g_assert_cmpfloat (b[k].free_mean, <, a[k].free_mean);
      g_assert_cmpfloat (b[k].free_mean, >=, a[k].free_mean - (a[k].t_hours < 48 ? 1 : 3));
      g_assert_cmpint (b[k].free_p10, <=, a[k].free_p10);
      g_assert_cmpint (b[k].free_p90, <=, a[k].free_p90);
      g_assert_cmpfloat (b[k].p_any_free, <=, a[k].p_any_free);
    }
  /* at the first booking's start (24 h) the booked patient is certainly still there */
  g_assert_cmpfloat_with_epsilon (a[4].free_mean - b[4].free_mean, 1.0, 1e-12);
}

static void
test_future_booking_needs_a_likely_free_bed_after_earlier_bookings (void)
{
  /* 9 long stays in 10 beds: one bed is free, whatever happens. */
  BbForecastInpatient in[9];
  BbForecastBooking earlier = { 2, log (20.0) };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.3, 10, 3, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) alone = NULL;
  g_autoptr(BbWardForecast) after = NULL;
  double p;

  for (guint i = 0; i < 9; i++)
    in[i] = (BbForecastInpatient) { log (20.0), 1 };
  alone = bb_ward_forecast_compute (&prm, in, 9, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (bb_ward_forecast_accepts_booking (alone, 5, &p));
  g_assert_cmpfloat (p, ==, 1.0);

  /* the earlier booking takes that bed from 2 h for about 20 days */
  after = bb_ward_forecast_compute (&prm, in, 9, &earlier, 1, &error);
  g_assert_no_error (error);
  g_assert_false (bb_ward_forecast_accepts_booking (after, 5, &p));
  g_assert_cmpfloat (p, <, 0.01);
  /* before the earlier booking starts, the bed is still free */
  g_assert_true (bb_ward_forecast_accepts_booking (after, 1, &p));
  g_assert_cmpfloat (p, ==, bb_ward_forecast_p_free_at (after, 1));
}

static void
test_booking_rule_uses_the_threshold (void)
{
  /* One short-stay patient in a one-bed ward: P(free at t) rises through
   * 0.8 at the patient's remaining-stay 80th percentile. */
  BbForecastInpatient in = { log (2.0), 0.5 };
  BbWardForecastParams prm = { BB_AFT_LOGISTIC, 0.5, 1, 10, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, &in, 1, NULL, 0, &error);
  double t80 = 24 * bb_aft_remaining_quantile (prm.distribution, in.mu, prm.sigma, in.elapsed_days, 0.8);

  g_assert_no_error (error);
  g_assert_false (bb_ward_forecast_accepts_booking (fc, t80 - 0.01, NULL));
  g_assert_true (bb_ward_forecast_accepts_booking (fc, t80 + 0.01, NULL));
}

static void
test_bad_input_is_refused_with_a_clear_error (void)
{
  BbForecastInpatient in[] = { { 1, 2 }, { 1, 3 } };
  BbForecastBooking bk[] = { { 5, 1 } };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 1, 2, 0, 0 };
  struct
  {
    BbWardForecastParams prm;
    BbForecastInpatient  in1;
    BbForecastBooking    bk0;
    const char          *message_part;
  } cases[] = {
    { { BB_AFT_NORMAL, 1, 0, 0, 0 }, in[1], bk[0], "capacity" },
    { { BB_AFT_NORMAL, 1, 1, 0, 0 }, in[1], bk[0], "2 inpatients but only 1 beds" },
    { prm, { 1, -0.5 }, bk[0], "Inpatient 1: elapsed_days" },
    { prm, { 1, NAN }, bk[0], "Inpatient 1: elapsed_days" },
    { prm, { NAN, 1 }, bk[0], "Inpatient 1: the model's prediction" },
    { prm, in[1], { NAN, 1 }, "Booking 0: start_hours" },
    { prm, in[1], { 1, INFINITY }, "Booking 0: the model's prediction" },
    { prm, { 1, 3, -0.5 }, bk[0], "Inpatient 1: the scale" },
    { prm, { 1, 3, NAN }, bk[0], "Inpatient 1: the scale" },
    { prm, in[1], { 5, 1, INFINITY }, "Booking 0: the scale" },
    { { BB_AFT_NORMAL, 0, 2, 0, 0 }, in[1], bk[0], "scale" },
    { { BB_AFT_NORMAL, NAN, 2, 0, 0 }, in[1], bk[0], "scale" },
    { { 17, 1, 2, 0, 0 }, in[1], bk[0], "distribution" },
    { { BB_AFT_NORMAL, 1, 2, -1, 0 }, in[1], bk[0], "horizon" },
    { { BB_AFT_NORMAL, 1, 2, 14, -6 }, in[1], bk[0], "step" },
    { { BB_AFT_NORMAL, 1, 2, 14, 1e-6 }, in[1], bk[0], "step" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BbWardForecast) fc = NULL;
      BbForecastInpatient ins[2] = { in[0], cases[c].in1 };

      fc = bb_ward_forecast_compute (&cases[c].prm, ins, 2, &cases[c].bk0, 1, &error);
      g_assert_null (fc);
      g_assert_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID);
      if (strstr (error->message, cases[c].message_part) == NULL)
        g_error ("case %u: \"%s\" does not mention \"%s\"", c, error->message, cases[c].message_part);
    }

  /* and the good one works, with the defaults filled in: 14 days of 6 h */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, in, 2, bk, 1, &error);
    guint n;

    g_assert_no_error (error);
    bb_ward_forecast_get_points (fc, &n);
    g_assert_cmpuint (n, ==, 57);
  }
}

static void
test_json_round_trips (void)
{
  g_autofree BbForecastInpatient *in = make_inpatients (10, 4);
  BbForecastBooking bk[] = { { 7, log (2.0) } };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.8, 10, 2, 12 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, in, 10, bk, 1, &error);
  g_autoptr(BbWardForecast) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autofree char *text = NULL;
  const BbWardForecastPoint *a, *b;
  guint na, nb;
  double m[2], p10[2], p90[2];
  JsonObject *obj;

  g_assert_no_error (error);
  node = bb_ward_forecast_to_json (fc, "icu-los", "3");
  text = json_to_string (node, FALSE);
  parsed = json_from_string (text, &error);
  g_assert_no_error (error);

  obj = json_node_get_object (parsed);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "model"), "name"),
                   ==, "icu-los");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "model"), "version"),
                   ==, "3");
  g_assert_cmpint (json_object_get_int_member (obj, "capacity"), ==, 10);
  /* the ward is full: no bed at t = 0, none guaranteed within 2 days */
  g_assert_true (json_object_has_member (json_object_get_object_member (obj, "first_free"), "median_hours"));

  back = bb_ward_forecast_new_from_json (parsed, &error);
  g_assert_no_error (error);
  a = bb_ward_forecast_get_points (fc, &na);
  b = bb_ward_forecast_get_points (back, &nb);
  g_assert_cmpuint (na, ==, 5);
  g_assert_cmpuint (na, ==, nb);
  for (guint k = 0; k < na; k++)
    {
      g_assert_cmpfloat (a[k].t_hours, ==, b[k].t_hours);
      g_assert_cmpfloat (a[k].free_mean, ==, b[k].free_mean);
      g_assert_cmpint (a[k].free_p10, ==, b[k].free_p10);
      g_assert_cmpint (a[k].free_p90, ==, b[k].free_p90);
      g_assert_cmpfloat (a[k].p_any_free, ==, b[k].p_any_free);
      /* on the points, the parsed forecast's interpolation is exact */
      g_assert_cmpfloat (bb_ward_forecast_p_free_at (back, a[k].t_hours), ==, a[k].p_any_free);
    }
  g_assert_cmpuint (bb_ward_forecast_get_capacity (back), ==, 10);
  g_assert_true (bb_ward_forecast_get_first_free (fc, &m[0], &p10[0], &p90[0]) ==
                 bb_ward_forecast_get_first_free (back, &m[1], &p10[1], &p90[1]));
  g_assert_cmpfloat (m[0], ==, m[1]);
  g_assert_cmpfloat (p10[0], ==, p10[1]);
  g_assert_cmpfloat (p90[0], ==, p90[1]);
}

static void
test_json_with_unreached_first_free_has_nulls (void)
{
  BbForecastInpatient in = { log (500.0), 1 };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.2, 1, 1, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, &in, 1, NULL, 0, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(BbWardForecast) back = NULL;
  JsonObject *ff;
  double m;

  g_assert_no_error (error);
  node = bb_ward_forecast_to_json (fc, NULL, NULL);
  g_assert_false (json_object_has_member (json_node_get_object (node), "model"));
  ff = json_object_get_object_member (json_node_get_object (node), "first_free");
  g_assert_true (json_object_get_null_member (ff, "median_hours"));
  g_assert_true (json_object_get_null_member (ff, "p90_hours"));

  back = bb_ward_forecast_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_false (bb_ward_forecast_get_first_free (back, &m, NULL, NULL));
  g_assert_true (isinf (m));
}

static void
test_json_parser_refuses_malformed_forecasts (void)
{
  static const char *bad[] = {
    "[]",
    "{}",
    "{\"points\": 3}",
    "{\"points\": [1]}",
    "{\"points\": [{\"t_hours\": 0, \"free_mean\": 1, \"free_p10\": 1, \"free_p90\": 1}]}",
    "{\"points\": [{\"t_hours\": 0, \"free_mean\": \"1\", \"free_p10\": 1, \"free_p90\": 1, \"p_any_free\": 1}]}",
    "{\"points\": [{\"t_hours\": 6, \"free_mean\": 1, \"free_p10\": 1, \"free_p90\": 1, \"p_any_free\": 1},"
    "              {\"t_hours\": 0, \"free_mean\": 1, \"free_p10\": 1, \"free_p90\": 1, \"p_any_free\": 1}]}",
    "{\"points\": [], \"first_free\": {\"median_hours\": 1}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (bad[i], &error);
      g_autoptr(BbWardForecast) fc = NULL;

      g_assert_no_error (error);
      fc = bb_ward_forecast_new_from_json (node, &error);
      g_assert_null (fc);
      g_assert_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID);
    }
}

/* Unbooked arrivals added to a simulated ward: a Poisson process of rate
 * per_hour over the horizon, each arrival's margin drawn evenly from mus
 * and its stay from the model; it holds a bed at every point t with
 * arrival <= t < leave. */
static void
simulation_add_arrivals (Simulation                 *sim,
                         const BbWardForecastParams *prm,
                         guint32                     seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  double horizon = (sim->n_points - 1) * prm->step_hours;

  for (guint s = 0; s < sim->n_sims; s++)
    {
      double t = 0;

      for (;;)
        {
          double mu, leave;
          guint k;

          t += -log (open_uniform (rng)) / prm->arrival_rate_per_hour;
          if (t > horizon)
            break;
          mu = prm->arrival_mu[g_rand_int_range (rng, 0, (gint32) prm->n_arrival_mu)];
          leave = t + 24 * bb_aft_quantile (prm->distribution, mu, prm->sigma, open_uniform (rng));
          for (k = (guint) ceil (t / prm->step_hours); k < sim->n_points && k * prm->step_hours < leave; k++)
            sim->free[k * sim->n_sims + s]--;
        }
    }
}

static void
assert_points_identical (BbWardForecast *a,
                         BbWardForecast *b)
{
  guint na, nb;
  const BbWardForecastPoint *pa = bb_ward_forecast_get_points (a, &na);
  const BbWardForecastPoint *pb = bb_ward_forecast_get_points (b, &nb);
  double fa[3], fb[3];

  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpmem (pa, sizeof *pa * na, pb, sizeof *pb * nb);
  bb_ward_forecast_get_first_free (a, &fa[0], &fa[1], &fa[2]);
  bb_ward_forecast_get_first_free (b, &fb[0], &fb[1], &fb[2]);
  g_assert_cmpmem (fa, sizeof fa, fb, sizeof fb);
  for (double t = 0; t < 400; t += 7.3)
    g_assert_cmpfloat (bb_ward_forecast_p_free_at (a, t), ==, bb_ward_forecast_p_free_at (b, t));
}

static void
test_no_arrival_rate_changes_no_number (void)
{
  g_autofree BbForecastInpatient *small = make_inpatients (18, 11);
  g_autofree BbForecastInpatient *big = make_inpatients (2000, 5);
  BbForecastBooking bk[] = { { 3, log (5.0) }, { 20, log (1.0) }, { 50, log (3.0) } };
  double mus[] = { log (2.0), log (5.0) };
  struct { BbForecastInpatient *in; guint n; guint capacity; } wards[] = {
    { small, 18, 20 }, { big, 2000, 2000 },
  };

  for (guint w = 0; w < G_N_ELEMENTS (wards); w++)
    {
      BbWardForecastParams off = { BB_AFT_NORMAL, 0.7, wards[w].capacity, 7, 6 };
      BbWardForecastParams zero = off;
      g_autoptr(BbWardForecast) a = NULL;
      g_autoptr(BbWardForecast) b = NULL;

      /* a zero rate ignores the mixture given with it */
      zero.arrival_rate_per_hour = 0;
      zero.arrival_mu = mus;
      zero.n_arrival_mu = G_N_ELEMENTS (mus);
      a = bb_ward_forecast_compute (&off, wards[w].in, wards[w].n, bk, G_N_ELEMENTS (bk), NULL);
      b = bb_ward_forecast_compute (&zero, wards[w].in, wards[w].n, bk, G_N_ELEMENTS (bk), NULL);
      g_assert_nonnull (a);
      g_assert_nonnull (b);
      assert_points_identical (a, b);
    }
}

/* Poisson(m): P(A <= a). */
static double
poisson_cdf (double m,
             int    a)
{
  double p = exp (-m), sum = 0;

  for (int i = 0; i <= a; i++)
    {
      sum += p;
      p *= m / (i + 1);
    }
  return sum;
}

static void
test_empty_ward_with_arrivals_matches_the_m_g_inf_closed_form (void)
{
  /* The extreme distribution with scale 1 is the exponential with mean
   * e^mu days, so S(u) = exp(-u / tau) and m(t) = lambda sum_i w_i tau_i
   * (1 - exp(-t / tau_i)) for an even mixture. */
  double taus_days[] = { 1.0, 4.0 };
  double mus[] = { log (1.0), log (4.0) };
  BbWardForecastParams prm = { BB_AFT_EXTREME, 1.0, 60, 14, 6, 0.5, mus, G_N_ELEMENTS (mus) };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = NULL;
  const BbWardForecastPoint *pts;
  guint n_points;

  g_assert_cmpfloat_with_epsilon (bb_aft_cdf (BB_AFT_EXTREME, log (4.0), 1.0, 3.0),
                                  1 - exp (-3.0 / 4.0), 1e-12);
  fc = bb_ward_forecast_compute (&prm, NULL, 0, NULL, 0, &error);
  g_assert_no_error (error);
  pts = bb_ward_forecast_get_points (fc, &n_points);
  g_assert_cmpuint (n_points, ==, 57);

  for (guint k = 0; k < n_points; k++)
    {
      double t = pts[k].t_hours, m = 0;
      int c = (int) prm.capacity;

      for (guint i = 0; i < G_N_ELEMENTS (taus_days); i++)
        m += 0.5 * prm.arrival_rate_per_hour * 24 * taus_days[i] * (1 - exp (-t / (24 * taus_days[i])));
      if (g_test_verbose ())
        g_test_message ("t=%g m %.4f closed %.4f p10 %d p90 %d", t, c - pts[k].free_mean, m,
                        pts[k].free_p10, pts[k].free_p90);

      /* the trapezoid rule on 2 h sub-steps: |error| <= lambda h^2 / 12
       * sum |S'| <= 0.5 * 4 / 12 / 24 = 0.007 patients */
      g_assert_cmpfloat (fabs ((c - pts[k].free_mean) - m), <=, 0.007);
      /* free = c - A: P(free >= 1) = P(A <= c - 1) */
      g_assert_cmpfloat (fabs (pts[k].p_any_free - poisson_cdf (m, c - 1)), <=, 1e-3);
      /* free <= f  <=>  A >= c - f: the percentiles are the Poisson's,
       * up to a cdf within 1e-3 of q where the small error in m may tip it */
      for (int which = 0; which < 2; which++)
        {
          double q = which == 0 ? 0.1 : 0.9;
          int f = which == 0 ? pts[k].free_p10 : pts[k].free_p90;
          double at = 1 - poisson_cdf (m, c - f - 1), below = 1 - poisson_cdf (m, c - f);

          g_assert_cmpfloat (at, >=, q - 1e-3);
          g_assert_cmpfloat (below, <, q + 1e-3);
        }
    }
  /* after 14 days the ward holds 12 (1 + 4 (1 - e^-3.5)) = 29.28 on
   * average, on its way to lambda E[T] = 30 */
  g_assert_cmpfloat (fabs (prm.capacity - pts[n_points - 1].free_mean - 29.279), <, 0.01);
}

static void
test_small_ward_with_arrivals_matches_simulation (void)
{
  g_autofree BbForecastInpatient *in = make_inpatients (18, 11);
  BbForecastBooking bk[] = { { 3, log (5.0) }, { 20, log (1.0) }, { 50, log (3.0) }, { 130, log (6.0) } };
  double mus[] = { log (1.5), log (3.0), log (6.0), log (2.5) };
  BbWardForecastParams prm = { BB_AFT_NORMAL, 0.7, 20, 7, 6, 0.25, mus, G_N_ELEMENTS (mus) };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, in, 18, bk, G_N_ELEMENTS (bk), &error);
  g_autoptr(Simulation) sim = NULL;

  g_assert_no_error (error);
  sim = simulate_ward (&prm, in, 18, bk, G_N_ELEMENTS (bk), 20000, 12345);
  simulation_add_arrivals (sim, &prm, 777);
  /* exact convolution here, and m(t) good to 1e-3 patients (lognormal
   * S is flat at 0): only Monte-Carlo error */
  assert_forecast_matches_simulation (fc, sim, 0);
}

static void
test_big_ward_with_arrivals_matches_simulation (void)
{
  g_autofree BbForecastInpatient *in = make_inpatients (2000, 5);
  BbForecastBooking bk[] = { { 12, log (4.0) }, { 40, log (2.0) } };
  g_autofree double *mus = g_new (double, 200);
  BbWardForecastParams prm = { BB_AFT_EXTREME, 0.8, 2000, 4, 6, 20.0, mus, 200 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BbWardForecast) fc = NULL;
  g_autoptr(Simulation) sim = NULL;

  for (guint i = 0; i < 200; i++)
    mus[i] = log (3.0) + (i % 20) / 10.0 - 1.0;
  fc = bb_ward_forecast_compute (&prm, in, 2000, bk, G_N_ELEMENTS (bk), &error);
  g_assert_no_error (error);
  sim = simulate_ward (&prm, in, 2000, bk, G_N_ELEMENTS (bk), 1500, 999);
  simulation_add_arrivals (sim, &prm, 4242);
  /* the refined normal approximation of discharges - arrivals: its sd is
   * above 6 from the first step, the same 1e-3 as without arrivals */
  assert_forecast_matches_simulation (fc, sim, 1e-3);
}

static void
test_bad_arrivals_are_refused_with_a_clear_error (void)
{
  double mus[] = { 1.0, NAN }, good_mus[] = { 1.0, 2.0 }, bad_sigmas[] = { 0.5, -1 };
  struct
  {
    double        rate;
    const double *mu;
    guint         n_mu;
    const double *sigma;
    const char   *message_part;
  } cases[] = {
    { -1, mus, 1, NULL, "arrival rate" },
    { NAN, mus, 1, NULL, "arrival rate" },
    { INFINITY, mus, 1, NULL, "arrival rate" },
    { 0.5, mus, 0, NULL, "at least one predicted stay" },
    { 0.5, mus, 2, NULL, "Arrival stay 1" },
    { 0.5, good_mus, 2, bad_sigmas, "Arrival stay 1" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      BbWardForecastParams prm = { BB_AFT_NORMAL, 1, 2, 0, 0, cases[c].rate, cases[c].mu, cases[c].n_mu,
                                   cases[c].sigma };
      g_autoptr(GError) error = NULL;
      g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, NULL, 0, NULL, 0, &error);

      g_assert_null (fc);
      g_assert_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID);
      if (strstr (error->message, cases[c].message_part) == NULL)
        g_error ("case %u: \"%s\" does not mention \"%s\"", c, error->message, cases[c].message_part);
    }
}

/* The arrivals' stays use their own scales when given: the same scales as
 * the model's give the same numbers as none, wider ones other numbers
 * (within 3 days of stays whose median is 2-3 days, more of the arrivals
 * have already gone again, so more beds are free). */
static void
test_arrivals_use_their_own_scales (void)
{
  double mus[] = { log (2.0), log (3.0) }, same[] = { 0.6, 0.6 }, wide[] = { 1.4, 1.4 };
  BbWardForecastParams prm = { BB_AFT_LOGISTIC, 0.6, 40, 3, 6, 0.5, mus, 2 };
  g_autoptr(BbWardForecast) none = bb_ward_forecast_compute (&prm, NULL, 0, NULL, 0, NULL);
  g_autoptr(BbWardForecast) with_same = NULL;
  g_autoptr(BbWardForecast) with_wide = NULL;
  const BbWardForecastPoint *a, *b, *c;
  guint n;

  prm.arrival_sigma = same;
  with_same = bb_ward_forecast_compute (&prm, NULL, 0, NULL, 0, NULL);
  prm.arrival_sigma = wide;
  with_wide = bb_ward_forecast_compute (&prm, NULL, 0, NULL, 0, NULL);
  g_assert_nonnull (none);
  g_assert_nonnull (with_same);
  g_assert_nonnull (with_wide);
  a = bb_ward_forecast_get_points (none, &n);
  b = bb_ward_forecast_get_points (with_same, NULL);
  c = bb_ward_forecast_get_points (with_wide, NULL);
  for (guint k = 0; k < n; k++)
    g_assert_cmpfloat (a[k].free_mean, ==, b[k].free_mean);
  g_assert_cmpfloat (c[n - 1].free_mean, >, a[n - 1].free_mean + 0.5);
}

static void
test_arrivals_beyond_the_horizon_keep_growing_towards_the_steady_state (void)
{
  /* a booking decision past the horizon integrates m(t) on the spot: it
   * continues the grid's values and tends to lambda E[T] */
  double mus[] = { log (2.0) };
  BbWardForecastParams prm = { BB_AFT_EXTREME, 1.0, 200, 2, 6, 1.0, mus, 1 };
  g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&prm, NULL, 0, NULL, 0, NULL);
  double prev = 1.0;

  g_assert_nonnull (fc);
  for (double t = 0; t <= 24 * 30; t += 12)
    {
      double m = 48 * (1 - exp (-t / 48)), p = bb_ward_forecast_p_free_at (fc, t);

      /* free = 200 - A, A ~ Poisson(m) */
      g_assert_cmpfloat (fabs (p - poisson_cdf (m, 199)), <=, 1e-6);
      g_assert_cmpfloat (p, <=, prev + 1e-12);
      prev = p;
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/forecast/exact-poisson-binomial-matches-enumeration",
                   test_exact_poisson_binomial_matches_enumeration);
  g_test_add_func ("/core/forecast/normal-approximation-is-close-to-exact-for-big-wards",
                   test_normal_approximation_is_close_to_exact_for_big_wards);
  g_test_add_func ("/core/forecast/small-ward-matches-enumeration", test_small_ward_matches_enumeration);
  g_test_add_func ("/core/forecast/small-ward-with-bookings-matches-simulation",
                   test_small_ward_with_bookings_matches_simulation);
  g_test_add_func ("/core/forecast/big-ward-matches-simulation", test_big_ward_matches_simulation);
  g_test_add_func ("/core/forecast/first-free-matches-simulated-first-discharge",
                   test_first_free_matches_simulated_first_discharge);
  g_test_add_func ("/core/forecast/first-free-is-now-with-a-free-bed-and-never-when-stays-are-long",
                   test_first_free_is_now_with_a_free_bed_and_never_when_stays_are_long);
  g_test_add_func ("/core/forecast/bookings-reduce-free-beds", test_bookings_reduce_free_beds);
  g_test_add_func ("/core/forecast/future-booking-needs-a-likely-free-bed-after-earlier-bookings",
                   test_future_booking_needs_a_likely_free_bed_after_earlier_bookings);
  g_test_add_func ("/core/forecast/booking-rule-uses-the-threshold", test_booking_rule_uses_the_threshold);
  g_test_add_func ("/core/forecast/bad-input-is-refused-with-a-clear-error",
                   test_bad_input_is_refused_with_a_clear_error);
  g_test_add_func ("/core/forecast/json-round-trips", test_json_round_trips);
  g_test_add_func ("/core/forecast/json-with-unreached-first-free-has-nulls",
                   test_json_with_unreached_first_free_has_nulls);
  g_test_add_func ("/core/forecast/json-parser-refuses-malformed-forecasts",
                   test_json_parser_refuses_malformed_forecasts);
  g_test_add_func ("/core/forecast/no-arrival-rate-changes-no-number", test_no_arrival_rate_changes_no_number);
  g_test_add_func ("/core/forecast/empty-ward-with-arrivals-matches-the-m-g-inf-closed-form",
                   test_empty_ward_with_arrivals_matches_the_m_g_inf_closed_form);
  g_test_add_func ("/core/forecast/small-ward-with-arrivals-matches-simulation",
                   test_small_ward_with_arrivals_matches_simulation);
  g_test_add_func ("/core/forecast/big-ward-with-arrivals-matches-simulation",
                   test_big_ward_with_arrivals_matches_simulation);
  g_test_add_func ("/core/forecast/bad-arrivals-are-refused-with-a-clear-error",
                   test_bad_arrivals_are_refused_with_a_clear_error);
  g_test_add_func ("/core/forecast/arrivals-use-their-own-scales", test_arrivals_use_their_own_scales);
  g_test_add_func ("/core/forecast/arrivals-beyond-the-horizon-keep-growing-towards-the-steady-state",
                   test_arrivals_beyond_the_horizon_keep_growing_towards_the_steady_state);

  return g_test_run ();
}
