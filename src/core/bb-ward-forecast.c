/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-forecast.c: the bed-release forecast of one ward (see the header
 * for the model of free beds).
 *
 * The discharge count by time t is a sum of independent Bernoullis with
 * different probabilities: a Poisson-binomial. Its distribution is computed
 * one of two ways, chosen per time point:
 *
 *  - exactly, by the usual convolution DP (add one patient at a time), with
 *    the window cut to where the mass is above 1e-16. A sum of Bernoullis has
 *    almost all its mass within a few standard deviations of the mean, so
 *    the window stays about 16 sd + 16 wide and the cost is about
 *    n * min(n, 16 sd + 16) rather than n^2. That covers every real ward
 *    (tens of beds) and the early hours of big ones at a few microseconds a
 *    point.
 *
 *  - by the refined normal approximation (Hong 2013, "On computing the
 *    distribution function for the Poisson binomial distribution", Comput.
 *    Stat. Data Anal. 59), a normal with a skewness correction:
 *    P(K <= k) ~ Phi(x) + gamma (1 - x^2) phi(x) / 6, x = (k + 0.5 - mu)/sd,
 *    when the window would be too expensive (a 2,000-bed ward at mid
 *    horizon: 2,000 x 350 per point, 57 points, would be 40 M
 *    multiply-adds, well past the 10 ms budget). We only take it when
 *    sd >= 6, where Hong's comparisons and our own test against the exact
 *    DP put its cdf error below about 1e-3, i.e. the reported 10th/90th
 *    percentiles are at most one bed off and p_any_free is good to 0.1%.
 *
 * The DFT of the characteristic function is exact too, but costs n^2
 * complex multiplications per point, which is worse than the cut DP.
 *
 * Unbooked arrivals (when asked for) subtract an independent Poisson count
 * A with mean m(t) from the discharges: X = K - A. When K is exact and the
 * product of the two windows is within the same budget, X's pmf is their
 * exact convolution (the Poisson pmf cut at 1e-16 as well); otherwise X
 * gets the refined normal approximation with the summed cumulants (mean
 * mu_K - m, variance var_K + m, third cumulant kappa3_K - m), again only
 * when its sd is at least 6. */
#define G_LOG_DOMAIN "bb-forecast"

#include "config.h"

#include "bb-ward-forecast.h"
#include "bb-ward-forecast-private.h"
#include "bb-aft-private.h"

#include <math.h>
#include <string.h>
/* Without OpenMP the forecast runs on one thread, and the pragmas vanish
 * rather than warn. */
#ifdef _OPENMP
# include <omp.h>
# define BB_OMP(directive) _Pragma (#directive)
#else
# define BB_OMP(directive)
# define omp_get_max_threads() 1
# define omp_get_num_threads() 1
# define omp_get_thread_num() 0
#endif

#define PMF_CUTOFF        1e-16
#define EXACT_BUDGET      150000.0  /* multiply-adds per point for the exact DP */
#define RNA_MIN_SD        6.0
#define FIRST_FREE_RESOLUTION_HOURS 0.25
#define MAX_POINTS        100000
#define PARALLEL_MIN_WORK 20000   /* patients x points worth more threads */
#define MAX_THREADS       8
#define Z_90              1.2815515655446004
#define ARRIVAL_SUBSTEP_HOURS 2.0  /* longest sub-step for integrating m(t) */
#define MAX_ARRIVAL_SUBSTEPS  64

/* Buffers for one discharge distribution, n_inpatients + n_bookings + 2
 * each; one per thread. */
typedef struct
{
  double *probs;
  double *pmf_a;
  double *pmf_b;
  double *arr_pmf;   /* Poisson pmf of the arrivals, arr_cap */
  double *net;       /* cdf of discharges - arrivals, n + arr_cap */
} Scratch;

struct _BbWardForecast
{
  BbWardForecastParams  params;       /* defaults resolved */
  gboolean              has_inputs;   /* FALSE when parsed from JSON */
  BbForecastInpatient  *inpatients;
  BbAftRemaining       *remaining;    /* per inpatient, prepared once */
  guint                 n_inpatients;
  BbForecastBooking    *bookings;
  guint                 n_bookings;

  BbWardForecastPoint  *points;
  guint                 n_points;
  double                first_free_p10;
  double                first_free_median;
  double                first_free_p90;

  guint                 n_scratch;
  Scratch               scratch;      /* for p_free_at and the main thread */

  /* unbooked arrivals: arrival_cum[i] = m(i arrival_h), NULL without */
  double               *arrival_mu;
  double               *arrival_sigma;
  double               *arrival_cum;
  guint                 n_arrival_nodes;
  double                arrival_h;
  guint                 arr_cap;      /* longest Poisson window in the scratch */
};

/* The discharge count K at one time: either the exact cdf over [lo, hi]
 * (0 below, 1 above) or the moments for the refined normal approximation. */
typedef struct
{
  int           base;      /* free beds if nobody left: capacity - patients */
  int           n;         /* Bernoullis */
  int           kmin;      /* P(X < kmin) = 0: 0 without arrivals */
  double        mean;
  double        sd;
  double        gamma;     /* skewness */
  gboolean      exact;
  int           lo;
  int           hi;
  int           shift;
  const double *cdf;       /* P(K <= k) = cdf[k - shift] for lo <= k <= hi */
} Discharges;

G_DEFINE_QUARK (bb-forecast-error-quark, bb_forecast_error)

static double
std_normal_cdf (double x)
{
  return 0.5 * erfc (-x * M_SQRT1_2);
}

static double
std_normal_pdf (double x)
{
  return exp (-0.5 * x * x) * 0.39894228040143267794;
}

/* out[k] = in[k] q + in[k - 1] p for k = 1..len: the hot loop of the DP,
 * written so the compiler can vectorise it. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__ ((optimize ("tree-vectorize")))
#endif
static void
convolve_bernoulli (const double * restrict in,
                    double       * restrict out,
                    int                     len,
                    double                  p,
                    double                  q)
{
  for (int k = 1; k <= len; k++)
    out[k] = in[k] * q + in[k - 1] * p;
}

/* Exact Poisson-binomial cdf of probs[0..n) by the cut convolution DP.
 * Returns the cdf in one of the buffers: P(K <= k) = cdf[k - shift] for k in
 * [lo, hi]; below lo it is 0 and from hi on 1, to within the cut mass. */
static const double *
pb_exact_cdf (const double *probs,
              guint         n,
              double       *a,
              double       *b,
              int          *lo_out,
              int          *hi_out,
              int          *shift_out)
{
  int lo = 0, hi = 0, certain = 0;
  double total = 0;

  a[0] = 1.0;
  for (guint i = 0; i < n; i++)
    {
      double p = probs[i], q;
      double *tmp;

      if (p <= 0)
        continue;
      if (p >= 1)
        {
          certain++;
          continue;
        }
      q = 1.0 - p;
      b[lo] = a[lo] * q;
      convolve_bernoulli (a + lo, b + lo, hi - lo, p, q);
      b[hi + 1] = a[hi] * p;
      hi++;
      tmp = a, a = b, b = tmp;

      while (hi > lo && a[lo] < PMF_CUTOFF)
        lo++;
      while (hi > lo && a[hi] < PMF_CUTOFF)
        hi--;
    }

  /* pmf -> cdf, renormalised for the mass that was cut */
  for (int k = lo; k <= hi; k++)
    {
      total += a[k];
      a[k] = total;
    }
  for (int k = lo; k <= hi; k++)
    a[k] /= total;

  /* The certain discharges shift the whole distribution. */
  *lo_out = lo + certain;
  *hi_out = hi + certain;
  *shift_out = certain;
  return a;
}

static double
discharges_cdf (const Discharges *d,
                int               k)
{
  double x, g;

  if (k < d->kmin)
    return 0.0;
  if (k >= d->n)
    return 1.0;
  if (d->exact)
    {
      if (k < d->lo)
        return 0.0;
      if (k >= d->hi)
        return 1.0;
      return d->cdf[k - d->shift];
    }
  x = (k + 0.5 - d->mean) / d->sd;
  g = std_normal_cdf (x) + d->gamma * (1.0 - x * x) * std_normal_pdf (x) / 6.0;
  return CLAMP (g, 0.0, 1.0);
}

/* Smallest k with P(K <= k) >= q, for q = 0.1 or 0.9. */
static int
discharges_quantile (const Discharges *d,
                     double            q)
{
  int k;

  g_assert (q == 0.1 || q == 0.9);

  if (d->exact)
    {
      for (k = d->lo; k < d->hi; k++)
        if (d->cdf[k - d->shift] >= q)
          return k;
      return d->hi;
    }

  /* start at the normal quantile and walk to the first k that reaches q */
  k = (int) floor (d->mean + d->sd * (q < 0.5 ? -Z_90 : Z_90));
  k = CLAMP (k, d->kmin, d->n);
  while (k < d->n && discharges_cdf (d, k) < q)
    k++;
  while (k > d->kmin && discharges_cdf (d, k - 1) >= q)
    k--;
  return k;
}

static void
discharges_set_moments (Discharges   *d,
                        const double *probs,
                        guint         n,
                        guint        *n_uncertain)
{
  double mean = 0, var = 0, third = 0;

  *n_uncertain = 0;
  for (guint i = 0; i < n; i++)
    {
      double p = probs[i], pq = p * (1.0 - p);

      mean += p;
      var += pq;
      third += pq * (1.0 - 2.0 * p);
      if (p > 0 && p < 1)
        (*n_uncertain)++;
    }
  d->n = n;
  d->kmin = 0;
  d->mean = mean;
  d->sd = sqrt (var);
  d->gamma = var > 0 ? third / (var * d->sd) : 0;
}

double *
_bb_poisson_binomial_cdf (const double *probs,
                          guint         n,
                          gboolean      approximate)
{
  g_autofree double *a = g_new (double, n + 2);
  g_autofree double *b = g_new (double, n + 2);
  double *out = g_new (double, n + 1);
  Discharges d = { 0 };
  guint n_uncertain;

  discharges_set_moments (&d, probs, n, &n_uncertain);
  d.exact = !approximate;
  if (d.exact)
    d.cdf = pb_exact_cdf (probs, n, a, b, &d.lo, &d.hi, &d.shift);
  for (guint k = 0; k <= n; k++)
    out[k] = discharges_cdf (&d, (int) k);
  return out;
}

/* The discharge distribution by t_hours. */
static void
scratch_init (Scratch *s,
              guint    n,
              guint    arr_cap)
{
  s->probs = g_new (double, n);
  s->pmf_a = g_new (double, n);
  s->pmf_b = g_new (double, n);
  s->arr_pmf = arr_cap > 0 ? g_new (double, arr_cap) : NULL;
  s->net = arr_cap > 0 ? g_new (double, n + arr_cap) : NULL;
}

static void
scratch_clear (Scratch *s)
{
  g_clear_pointer (&s->probs, g_free);
  g_clear_pointer (&s->pmf_a, g_free);
  g_clear_pointer (&s->pmf_b, g_free);
  g_clear_pointer (&s->arr_pmf, g_free);
  g_clear_pointer (&s->net, g_free);
}

/* S(u) of the arrivals' mixture, u in hours. */
static double
arrival_survival (BbWardForecast *self,
                  double          u_hours)
{
  const BbWardForecastParams *prm = &self->params;
  double sum = 0;

  for (guint i = 0; i < prm->n_arrival_mu; i++)
    sum += 1.0 - bb_aft_cdf (prm->distribution, self->arrival_mu[i], self->arrival_sigma[i], u_hours / 24.0);
  return sum / prm->n_arrival_mu;
}

/* m(t) = lambda int_0^t S(u) du: the precomputed trapezoid sums,
 * interpolated linearly between sub-steps; past the last sub-step (a
 * booking asked about beyond the horizon) integrated on the spot. */
static double
arrivals_mean (BbWardForecast *self,
               double          t_hours)
{
  guint last;
  double x, u0, h, s0, s1, sum;
  guint i, n;

  if (self->arrival_cum == NULL || t_hours <= 0)
    return 0.0;
  last = self->n_arrival_nodes - 1;
  x = t_hours / self->arrival_h;
  if (x < last)
    {
      double w;

      i = (guint) floor (x);
      w = x - i;
      return self->arrival_cum[i] + w * (self->arrival_cum[i + 1] - self->arrival_cum[i]);
    }
  u0 = last * self->arrival_h;
  if (t_hours <= u0)
    return self->arrival_cum[last];
  n = (guint) MIN (ceil ((t_hours - u0) / self->arrival_h), 100000.0);
  h = (t_hours - u0) / n;
  sum = 0;
  s0 = arrival_survival (self, u0);
  for (i = 1; i <= n; i++)
    {
      s1 = arrival_survival (self, u0 + i * h);
      sum += 0.5 * (s0 + s1) * h;
      s0 = s1;
    }
  return self->arrival_cum[last] + self->params.arrival_rate_per_hour * sum;
}

/* The Poisson(m) pmf where it is above the cut, p[a - lo] for a in
 * [lo, hi], renormalised. FALSE if it does not fit in cap values. */
static gboolean
poisson_pmf (double  m,
             double *p,
             guint   cap,
             int    *lo_out,
             int    *hi_out)
{
  int mode = (int) floor (m), lo = mode, hi;
  double v = exp (mode * log (m) - m - lgamma (mode + 1.0)), total;
  guint i;

  while (lo > 0 && v * lo / m >= PMF_CUTOFF)
    {
      v *= lo / m;
      lo--;
    }
  if (cap == 0)
    return FALSE;
  p[0] = v;
  total = v;
  for (i = 1, hi = lo + 1; ; i++, hi++)
    {
      double next = p[i - 1] * m / hi;

      if (hi > mode && next < PMF_CUTOFF)
        break;
      if (i >= cap)
        return FALSE;
      p[i] = next;
      total += next;
    }
  hi--;
  for (guint j = 0; j < i; j++)
    p[j] /= total;
  *lo_out = lo;
  *hi_out = hi;
  return TRUE;
}

/* X = K - A with A ~ Poisson(m) independent of the discharges K. */
static void
discharges_add_arrivals (Discharges *d,
                         Scratch    *s,
                         guint       arr_cap,
                         double      m)
{
  double var = d->sd * d->sd, third = d->gamma * var * d->sd;
  int alo = 0, ahi = 0;
  gboolean have_pmf = poisson_pmf (m, s->arr_pmf, arr_cap, &alo, &ahi);

  if (d->exact && have_pmf &&
      ((double) (d->hi - d->lo + 1) * (ahi - alo + 1) <= EXACT_BUDGET || sqrt (var + m) < RNA_MIN_SD))
    {
      double *c = (double *) d->cdf;   /* one of this scratch's buffers */
      int klo = d->lo - d->shift, khi = d->hi - d->shift;
      int xlo = d->lo - ahi, xhi = d->hi - alo, width = xhi - xlo + 1;
      double total = 0;

      /* cdf -> pmf of K, in place; then the convolution */
      for (int k = khi; k > klo; k--)
        c[k] -= c[k - 1];
      memset (s->net, 0, sizeof (double) * width);
      for (int a = 0; a <= ahi - alo; a++)
        {
          double pa = s->arr_pmf[a];
          /* x = k - (alo + a), index x - xlo = (k - klo) + (ahi - alo - a) */
          double *out = s->net + (ahi - alo - a);

          for (int k = klo; k <= khi; k++)
            out[k - klo] += pa * c[k];
        }
      for (int x = 0; x < width; x++)
        {
          total += s->net[x];
          s->net[x] = total;
        }
      for (int x = 0; x < width; x++)
        s->net[x] /= total;
      d->cdf = s->net;
      d->lo = xlo;
      d->hi = xhi;
      d->shift = xlo;
      d->kmin = xlo;
    }
  else
    {
      d->exact = FALSE;
      var += m;
      third -= m;
      d->sd = sqrt (var);
      d->gamma = var > 0 ? third / (var * d->sd) : 0;
    }
  d->mean -= m;
  if (!d->exact)
    d->kmin = (int) floor (d->mean - 40.0 * d->sd) - 1;
}

static void
discharges_at (BbWardForecast *self,
               Scratch        *scratch,
               double          t_hours,
               Discharges     *d)
{
  const BbWardForecastParams *prm = &self->params;
  double t_days = t_hours / 24.0;
  double est_width;
  guint n = 0, n_uncertain = 0, started = 0;

  for (guint i = 0; i < self->n_inpatients; i++)
    scratch->probs[n++] = _bb_aft_remaining_cdf (&self->remaining[i], t_days);
  /* bookings are sorted by start */
  for (guint j = 0; j < self->n_bookings && self->bookings[j].start_hours <= t_hours; j++)
    {
      started++;
      scratch->probs[n++] = bb_aft_cdf (prm->distribution, self->bookings[j].mu, self->bookings[j].sigma,
                                     (t_hours - self->bookings[j].start_hours) / 24.0);
    }

  discharges_set_moments (d, scratch->probs, n, &n_uncertain);
  d->base = (int) prm->capacity - (int) self->n_inpatients - (int) started;

  est_width = MIN ((double) n_uncertain + 1, 16.0 * d->sd + 16.0);
  d->exact = d->sd < RNA_MIN_SD || n_uncertain * est_width <= EXACT_BUDGET;
  if (d->exact)
    d->cdf = pb_exact_cdf (scratch->probs, n, scratch->pmf_a, scratch->pmf_b, &d->lo, &d->hi, &d->shift);

  if (self->arrival_cum != NULL)
    {
      double m = arrivals_mean (self, t_hours);

      if (m > 0)
        discharges_add_arrivals (d, scratch, self->arr_cap, m);
    }
}

static double
discharges_p_any_free (const Discharges *d)
{
  /* free = base + K >= 1  <=>  not K <= -base */
  return 1.0 - discharges_cdf (d, -d->base);
}

static double
interpolate_points (BbWardForecast *self,
                    double          t_hours)
{
  const BbWardForecastPoint *pts = self->points;
  guint n = self->n_points;

  if (n == 0)
    return NAN;
  if (t_hours <= pts[0].t_hours)
    return pts[0].p_any_free;
  for (guint k = 1; k < n; k++)
    if (t_hours <= pts[k].t_hours)
      {
        double w = (t_hours - pts[k - 1].t_hours) / (pts[k].t_hours - pts[k - 1].t_hours);
        return pts[k - 1].p_any_free + w * (pts[k].p_any_free - pts[k - 1].p_any_free);
      }
  return pts[n - 1].p_any_free;
}

static double
p_free_at (BbWardForecast *self,
           Scratch        *scratch,
           double          t_hours)
{
  Discharges d;

  discharges_at (self, scratch, MAX (t_hours, 0.0), &d);
  return discharges_p_any_free (&d);
}

double
bb_ward_forecast_p_free_at (BbWardForecast *self,
                            double          t_hours)
{
  g_return_val_if_fail (self != NULL, NAN);
  g_return_val_if_fail (isfinite (t_hours), NAN);

  if (!self->has_inputs)
    return interpolate_points (self, t_hours);
  return p_free_at (self, &self->scratch, t_hours);
}

/* The first-free quantiles: for each q the first grid time where the
 * running maximum reaches q, then bisection inside that step (see
 * bb_ward_forecast_get_first_free). The three searches run in step and share
 * evaluations: in a big ward they usually sit in the same step and walk the
 * same path, so that is five evaluations rather than fifteen. */
static void
compute_first_free (BbWardForecast *self,
                    const double   *envelope,
                    Scratch        *scratches,
                    int             n_threads)
{
  static const double qs[3] = { 0.1, 0.5, 0.9 };
  double lo[3], hi[3], g_lo[3], result[3];
  gboolean active[3];
  gboolean any_active = FALSE;

  for (guint i = 0; i < 3; i++)
    {
      guint k;

      active[i] = FALSE;
      for (k = 0; k < self->n_points && envelope[k] < qs[i]; k++)
        ;
      if (k == self->n_points)
        result[i] = INFINITY;
      else if (k == 0)
        result[i] = 0.0;
      else
        {
          lo[i] = self->points[k - 1].t_hours;
          hi[i] = result[i] = self->points[k].t_hours;
          g_lo[i] = envelope[k - 1];
          active[i] = hi[i] - lo[i] > FIRST_FREE_RESOLUTION_HOURS;
          any_active |= active[i];
        }
    }

  while (any_active)
    {
      double mids[3], p[3];
      int n_mids = 0;

      for (guint i = 0; i < 3; i++)
        if (active[i])
          {
            double mid = 0.5 * (lo[i] + hi[i]);
            gboolean seen = FALSE;

            for (int j = 0; j < n_mids; j++)
              seen |= mids[j] == mid;
            if (!seen)
              mids[n_mids++] = mid;
          }

      BB_OMP (omp parallel for num_threads (n_threads) schedule (dynamic, 1) if (n_threads > 1 && n_mids > 1))
      for (int j = 0; j < n_mids; j++)
        p[j] = p_free_at (self, &scratches[omp_get_thread_num ()], mids[j]);

      any_active = FALSE;
      for (guint i = 0; i < 3; i++)
        if (active[i])
          {
            double mid = 0.5 * (lo[i] + hi[i]);

            for (int j = 0; j < n_mids; j++)
              if (mids[j] == mid)
                {
                  if (MAX (g_lo[i], p[j]) >= qs[i])
                    hi[i] = mid;
                  else
                    lo[i] = mid;
                }
            result[i] = hi[i];
            active[i] = hi[i] - lo[i] > FIRST_FREE_RESOLUTION_HOURS;
            any_active |= active[i];
          }
    }

  self->first_free_p10 = result[0];
  self->first_free_median = result[1];
  self->first_free_p90 = result[2];
}

static void
compute_point (BbWardForecast *self,
               Scratch        *scratch,
               guint           k)
{
  BbWardForecastPoint *pt = &self->points[k];
  Discharges d;

  pt->t_hours = k * self->params.step_hours;
  discharges_at (self, scratch, pt->t_hours, &d);
  pt->free_mean = d.base + d.mean;
  pt->free_p10 = d.base + discharges_quantile (&d, 0.1);
  pt->free_p90 = d.base + discharges_quantile (&d, 0.9);
  pt->p_any_free = discharges_p_any_free (&d);
}

static int
compare_bookings_by_start (gconstpointer a,
                           gconstpointer b)
{
  double sa = ((const BbForecastBooking *) a)->start_hours;
  double sb = ((const BbForecastBooking *) b)->start_hours;

  return (sa > sb) - (sa < sb);
}

static gboolean
resolve_params (const BbWardForecastParams *in,
                BbWardForecastParams       *out,
                GError                    **error)
{
  *out = *in;
  if (out->horizon_days == 0)
    out->horizon_days = BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS;
  if (out->step_hours == 0)
    out->step_hours = BB_WARD_FORECAST_DEFAULT_STEP_HOURS;

  if (bb_aft_distribution_to_string (out->distribution) == NULL)
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "Unknown AFT distribution %d", (int) out->distribution);
      return FALSE;
    }
  if (!(isfinite (out->sigma) && out->sigma > 0))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "The model's scale must be a positive number, got %g", out->sigma);
      return FALSE;
    }
  if (out->capacity == 0 || out->capacity > G_MAXINT / 4)
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "The ward's capacity must be at least one bed, got %u", out->capacity);
      return FALSE;
    }
  if (!(isfinite (out->horizon_days) && out->horizon_days > 0 && out->horizon_days <= 366))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "The horizon must be more than 0 and at most 366 days, got %g",
                   out->horizon_days);
      return FALSE;
    }
  if (!(isfinite (out->step_hours) && out->step_hours > 0 &&
        out->horizon_days * 24.0 / out->step_hours < MAX_POINTS))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "The step must be a positive number of hours giving fewer than %d points, got %g",
                   MAX_POINTS, out->step_hours);
      return FALSE;
    }
  if (!(isfinite (out->arrival_rate_per_hour) && out->arrival_rate_per_hour >= 0 &&
        out->arrival_rate_per_hour <= 1e6))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "The arrival rate must be a number of patients per hour from 0 to 1e6, got %g",
                   out->arrival_rate_per_hour);
      return FALSE;
    }
  if (out->arrival_rate_per_hour > 0 && (out->arrival_mu == NULL || out->n_arrival_mu == 0))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "Arrivals need at least one predicted stay for their mixture");
      return FALSE;
    }
  for (guint i = 0; out->arrival_rate_per_hour > 0 && i < out->n_arrival_mu; i++)
    if (!isfinite (out->arrival_mu[i]))
      {
        g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                     "Arrival stay %u: the model's prediction is not a number", i);
        return FALSE;
      }
    else if (out->arrival_sigma != NULL && !(isfinite (out->arrival_sigma[i]) && out->arrival_sigma[i] > 0))
      {
        g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                     "Arrival stay %u: the scale must be a positive number, got %g", i, out->arrival_sigma[i]);
        return FALSE;
      }
  if (out->arrival_rate_per_hour == 0)
    {
      out->arrival_mu = NULL;
      out->arrival_sigma = NULL;
      out->n_arrival_mu = 0;
    }
  return TRUE;
}

/* m(t) at the sub-steps of the grid, and the Poisson window the scratch
 * needs for the largest of them. */
static void
prepare_arrivals (BbWardForecast *self)
{
  const BbWardForecastParams *prm = &self->params;
  guint sub = (guint) CLAMP (ceil (prm->step_hours / ARRIVAL_SUBSTEP_HOURS), 1, MAX_ARRIVAL_SUBSTEPS);
  g_autofree double *surv = NULL;
  double m_max;
  int n_threads = 1;

  self->arrival_mu = g_memdup2 (prm->arrival_mu, sizeof (double) * prm->n_arrival_mu);
  self->params.arrival_mu = self->arrival_mu;
  self->arrival_sigma = g_new (double, prm->n_arrival_mu);
  for (guint i = 0; i < prm->n_arrival_mu; i++)
    self->arrival_sigma[i] = prm->arrival_sigma != NULL ? prm->arrival_sigma[i] : prm->sigma;
  self->params.arrival_sigma = self->arrival_sigma;
  self->arrival_h = prm->step_hours / sub;
  self->n_arrival_nodes = (self->n_points - 1) * sub + 1;
  self->arrival_cum = g_new (double, self->n_arrival_nodes);
  surv = g_new (double, self->n_arrival_nodes);
  if (prm->n_arrival_mu * (gsize) self->n_arrival_nodes >= PARALLEL_MIN_WORK)
    n_threads = CLAMP (omp_get_max_threads (), 1, MAX_THREADS);

  BB_OMP (omp parallel for num_threads (n_threads) schedule (static) if (n_threads > 1))
  for (guint i = 0; i < self->n_arrival_nodes; i++)
    surv[i] = arrival_survival (self, i * self->arrival_h);

  self->arrival_cum[0] = 0;
  for (guint i = 1; i < self->n_arrival_nodes; i++)
    self->arrival_cum[i] = self->arrival_cum[i - 1] +
                           prm->arrival_rate_per_hour * 0.5 * (surv[i - 1] + surv[i]) * self->arrival_h;
  m_max = self->arrival_cum[self->n_arrival_nodes - 1];
  self->arr_cap = (guint) ceil (m_max + 12.0 * sqrt (m_max) + 40.0);
}

static BbWardForecast *
ward_forecast_new (void)
{
  BbWardForecast *self = g_new0 (BbWardForecast, 1);

  self->first_free_p10 = INFINITY;
  self->first_free_median = INFINITY;
  self->first_free_p90 = INFINITY;
  return self;
}

void
bb_ward_forecast_free (BbWardForecast *self)
{
  if (self == NULL)
    return;
  g_free (self->inpatients);
  g_free (self->remaining);
  g_free (self->bookings);
  g_free (self->points);
  g_free (self->arrival_mu);
  g_free (self->arrival_sigma);
  g_free (self->arrival_cum);
  scratch_clear (&self->scratch);
  g_free (self);
}

BbWardForecast *
bb_ward_forecast_compute (const BbWardForecastParams *params,
                          const BbForecastInpatient  *inpatients,
                          guint                       n_inpatients,
                          const BbForecastBooking    *bookings,
                          guint                       n_bookings,
                          GError                    **error)
{
  g_autoptr(BbWardForecast) self = NULL;
  g_autofree double *envelope = NULL;
  g_autofree Scratch *scratches = NULL;
  BbWardForecastParams prm;
  int n_threads;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (inpatients != NULL || n_inpatients == 0, NULL);
  g_return_val_if_fail (bookings != NULL || n_bookings == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!resolve_params (params, &prm, error))
    return NULL;
  if (n_inpatients > prm.capacity)
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "The ward has %u inpatients but only %u beds", n_inpatients, prm.capacity);
      return NULL;
    }
  if (n_bookings > G_MAXINT / 4)
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "Too many bookings (%u)", n_bookings);
      return NULL;
    }
  for (guint i = 0; i < n_inpatients; i++)
    {
      if (!isfinite (inpatients[i].mu))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "Inpatient %u: the model's prediction is not a number", i);
          return NULL;
        }
      if (!(isfinite (inpatients[i].elapsed_days) && inpatients[i].elapsed_days >= 0))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "Inpatient %u: elapsed_days must be a number >= 0, got %g",
                       i, inpatients[i].elapsed_days);
          return NULL;
        }
      if (!(isfinite (inpatients[i].sigma) && inpatients[i].sigma >= 0))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "Inpatient %u: the scale must be a number > 0 (or 0 for the model's), got %g",
                       i, inpatients[i].sigma);
          return NULL;
        }
    }
  for (guint j = 0; j < n_bookings; j++)
    {
      if (!isfinite (bookings[j].mu))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "Booking %u: the model's prediction is not a number", j);
          return NULL;
        }
      if (!(isfinite (bookings[j].sigma) && bookings[j].sigma >= 0))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "Booking %u: the scale must be a number > 0 (or 0 for the model's), got %g",
                       j, bookings[j].sigma);
          return NULL;
        }
      if (!isfinite (bookings[j].start_hours))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "Booking %u: start_hours is not a number", j);
          return NULL;
        }
    }

  self = ward_forecast_new ();
  self->params = prm;
  self->has_inputs = TRUE;
  self->n_inpatients = n_inpatients;
  self->inpatients = g_memdup2 (inpatients, sizeof *inpatients * n_inpatients);
  self->remaining = g_new (BbAftRemaining, n_inpatients);
  for (guint i = 0; i < n_inpatients; i++)
    {
      if (self->inpatients[i].sigma == 0)
        self->inpatients[i].sigma = prm.sigma;
      if (!_bb_aft_remaining_prepare (&self->remaining[i], prm.distribution, self->inpatients[i].mu,
                                      self->inpatients[i].sigma, self->inpatients[i].elapsed_days))
        g_assert_not_reached ();  /* checked above */
    }
  self->n_bookings = n_bookings;
  self->bookings = g_memdup2 (bookings, sizeof *bookings * n_bookings);
  for (guint j = 0; j < n_bookings; j++)
    {
      self->bookings[j].start_hours = MAX (self->bookings[j].start_hours, 0.0);
      if (self->bookings[j].sigma == 0)
        self->bookings[j].sigma = prm.sigma;
    }
  if (n_bookings > 1)
    qsort (self->bookings, n_bookings, sizeof *self->bookings, compare_bookings_by_start);

  /* t = k step for k step <= horizon (with slack for rounding) */
  self->n_points = (guint) floor (prm.horizon_days * 24.0 / prm.step_hours + 1e-9) + 1;
  self->points = g_new0 (BbWardForecastPoint, self->n_points);
  envelope = g_new (double, self->n_points);

  if (prm.arrival_rate_per_hour > 0)
    prepare_arrivals (self);

  self->n_scratch = n_inpatients + n_bookings + 2;
  scratch_init (&self->scratch, self->n_scratch, self->arr_cap);

  /* Big wards use all cores, through OpenMP so that the forecast runs on
   * the same threads that XGBoost just predicted on (a second pool would
   * fight XGBoost's spinning idle threads for the CPUs). Points are
   * independent; each thread has its own scratch. Small wards are done
   * before threads would have woken up. */
  n_threads = 1;
  if ((n_inpatients + n_bookings) * (gsize) self->n_points >= PARALLEL_MIN_WORK)
    n_threads = CLAMP (omp_get_max_threads (), 1, MAX_THREADS);
  scratches = g_new0 (Scratch, n_threads);
  scratches[0] = self->scratch;
  for (int t = 1; t < n_threads; t++)
    scratch_init (&scratches[t], self->n_scratch, self->arr_cap);

  /* Dynamic scheduling: on a busy machine a thread may be descheduled, and
   * the others then take its points instead of waiting for it. */
  BB_OMP (omp parallel for num_threads (n_threads) schedule (dynamic, 1) if (n_threads > 1))
  for (guint k = 0; k < self->n_points; k++)
    compute_point (self, &scratches[omp_get_thread_num ()], k);

  for (guint k = 0; k < self->n_points; k++)
    envelope[k] = k > 0 ? MAX (envelope[k - 1], self->points[k].p_any_free) : self->points[k].p_any_free;
  compute_first_free (self, envelope, scratches, n_threads);

  for (int t = 1; t < n_threads; t++)
    scratch_clear (&scratches[t]);

  return g_steal_pointer (&self);
}

const BbWardForecastPoint *
bb_ward_forecast_get_points (BbWardForecast *self,
                             guint          *n_points)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_points)
    *n_points = self->n_points;
  return self->points;
}

guint
bb_ward_forecast_get_capacity (BbWardForecast *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->params.capacity;
}

gboolean
bb_ward_forecast_get_first_free (BbWardForecast *self,
                                 double         *median_hours,
                                 double         *p10_hours,
                                 double         *p90_hours)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (median_hours)
    *median_hours = self->first_free_median;
  if (p10_hours)
    *p10_hours = self->first_free_p10;
  if (p90_hours)
    *p90_hours = self->first_free_p90;
  return isfinite (self->first_free_p10);
}

gboolean
bb_ward_forecast_accepts_booking (BbWardForecast *self,
                                  double          start_hours,
                                  double         *out_p)
{
  double p;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (isfinite (start_hours), FALSE);

  p = bb_ward_forecast_p_free_at (self, start_hours);
  if (out_p)
    *out_p = p;
  return p >= BB_WARD_FORECAST_ACCEPT_P;
}

static void
add_hours_or_null (JsonBuilder *b,
                   const char  *name,
                   double       hours)
{
  json_builder_set_member_name (b, name);
  if (isfinite (hours))
    json_builder_add_double_value (b, hours);
  else
    json_builder_add_null_value (b);
}

JsonNode *
bb_ward_forecast_to_json (BbWardForecast *self,
                          const char     *model_name,
                          const char     *model_version)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  if (model_name != NULL)
    {
      json_builder_set_member_name (b, "model");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, model_name);
      if (model_version != NULL)
        {
          json_builder_set_member_name (b, "version");
          json_builder_add_string_value (b, model_version);
        }
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "capacity");
  json_builder_add_int_value (b, self->params.capacity);
  json_builder_set_member_name (b, "horizon_days");
  json_builder_add_double_value (b, self->params.horizon_days);
  json_builder_set_member_name (b, "step_hours");
  json_builder_add_double_value (b, self->params.step_hours);

  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (guint k = 0; k < self->n_points; k++)
    {
      const BbWardForecastPoint *pt = &self->points[k];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "t_hours");
      json_builder_add_double_value (b, pt->t_hours);
      json_builder_set_member_name (b, "free_mean");
      json_builder_add_double_value (b, pt->free_mean);
      json_builder_set_member_name (b, "free_p10");
      json_builder_add_int_value (b, pt->free_p10);
      json_builder_set_member_name (b, "free_p90");
      json_builder_add_int_value (b, pt->free_p90);
      json_builder_set_member_name (b, "p_any_free");
      json_builder_add_double_value (b, pt->p_any_free);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "first_free");
  json_builder_begin_object (b);
  add_hours_or_null (b, "median_hours", self->first_free_median);
  add_hours_or_null (b, "p10_hours", self->first_free_p10);
  add_hours_or_null (b, "p90_hours", self->first_free_p90);
  json_builder_end_object (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
read_number (JsonObject  *obj,
             const char  *name,
             const char  *where,
             gboolean     null_is_infinity,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node != NULL && null_is_infinity && JSON_NODE_HOLDS_NULL (node))
    {
      *out = INFINITY;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "%s: \"%s\" must be a number", where, name);
      return FALSE;
    }
  *out = json_node_get_double (node);
  return TRUE;
}

BbWardForecast *
bb_ward_forecast_new_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(BbWardForecast) self = NULL;
  JsonObject *obj, *ff;
  JsonArray *points;
  double v;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "A forecast must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!json_object_has_member (obj, "points") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "points")))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "forecast: \"points\" must be an array");
      return NULL;
    }
  points = json_object_get_array_member (obj, "points");

  self = ward_forecast_new ();
  self->params.horizon_days = BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS;
  self->params.step_hours = BB_WARD_FORECAST_DEFAULT_STEP_HOURS;
  if (json_object_has_member (obj, "capacity"))
    {
      if (!read_number (obj, "capacity", "forecast", FALSE, &v, error))
        return NULL;
      self->params.capacity = v > 0 && v < G_MAXINT ? (guint) v : 0;
    }
  if (json_object_has_member (obj, "horizon_days") &&
      !read_number (obj, "horizon_days", "forecast", FALSE, &self->params.horizon_days, error))
    return NULL;
  if (json_object_has_member (obj, "step_hours") &&
      !read_number (obj, "step_hours", "forecast", FALSE, &self->params.step_hours, error))
    return NULL;

  self->n_points = json_array_get_length (points);
  self->points = g_new0 (BbWardForecastPoint, self->n_points);
  for (guint k = 0; k < self->n_points; k++)
    {
      JsonNode *pn = json_array_get_element (points, k);
      BbWardForecastPoint *pt = &self->points[k];
      g_autofree char *where = g_strdup_printf ("forecast point %u", k);
      JsonObject *po;
      double p10, p90;

      if (!JSON_NODE_HOLDS_OBJECT (pn))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "%s must be an object", where);
          return NULL;
        }
      po = json_node_get_object (pn);
      if (!read_number (po, "t_hours", where, FALSE, &pt->t_hours, error) ||
          !read_number (po, "free_mean", where, FALSE, &pt->free_mean, error) ||
          !read_number (po, "free_p10", where, FALSE, &p10, error) ||
          !read_number (po, "free_p90", where, FALSE, &p90, error) ||
          !read_number (po, "p_any_free", where, FALSE, &pt->p_any_free, error))
        return NULL;
      if (fabs (p10) > G_MAXINT || fabs (p90) > G_MAXINT)
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "%s: free bed counts out of range", where);
          return NULL;
        }
      pt->free_p10 = (int) p10;
      pt->free_p90 = (int) p90;
      if (k > 0 && !(pt->t_hours > self->points[k - 1].t_hours))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "%s: t_hours must increase", where);
          return NULL;
        }
    }

  if (json_object_has_member (obj, "first_free"))
    {
      JsonNode *fn = json_object_get_member (obj, "first_free");

      if (!JSON_NODE_HOLDS_OBJECT (fn))
        {
          g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                       "forecast: \"first_free\" must be an object");
          return NULL;
        }
      ff = json_node_get_object (fn);
      if (!read_number (ff, "median_hours", "first_free", TRUE, &self->first_free_median, error) ||
          !read_number (ff, "p10_hours", "first_free", TRUE, &self->first_free_p10, error) ||
          !read_number (ff, "p90_hours", "first_free", TRUE, &self->first_free_p90, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}
