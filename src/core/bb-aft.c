/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-aft.c: the accelerated-failure-time distributions of XGBoost's
 * survival:aft objective, as XGBoost defines them
 * (src/common/probability_distribution.h): ln T = mu + sigma * Z with
 *
 *   normal    F(z) = Phi(z)
 *   logistic  F(z) = 1 / (1 + e^-z)
 *   extreme   F(z) = 1 - exp(-e^z)       (pdf e^z exp(-e^z): Gumbel minimum)
 *
 * Remaining-stay probabilities divide two survival values; far in the tails
 * both underflow, so everything is computed from whichever of F, S = 1 - F or
 * ln S is accurate there (erfc, expm1, log1p) instead of from 1 - F.
 *
 * Invalid arguments (NaN, sigma <= 0, p outside (0, 1), negative elapsed
 * time) give NaN: these functions sit in inner loops, callers that take
 * input from outside validate it first and report a proper error. */
#define G_LOG_DOMAIN "bb-aft"

#include "config.h"

#include "bb-aft.h"
#include "bb-aft-private.h"

#include <math.h>
#include <float.h>

#ifndef M_SQRT1_2
# define M_SQRT1_2 0.70710678118654752440
#endif

#define LOG_SQRT_2PI 0.91893853320467274178

/* Below this a survival value is computed through its logarithm. */
#define SMALL_SURVIVAL 1e-280

gboolean
bb_aft_distribution_from_string (const char        *name,
                                 BbAftDistribution *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  if (g_str_equal (name, "normal"))
    *out = BB_AFT_NORMAL;
  else if (g_str_equal (name, "logistic"))
    *out = BB_AFT_LOGISTIC;
  else if (g_str_equal (name, "extreme"))
    *out = BB_AFT_EXTREME;
  else
    return FALSE;
  return TRUE;
}

const char *
bb_aft_distribution_to_string (BbAftDistribution dist)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      return "normal";
    case BB_AFT_LOGISTIC:
      return "logistic";
    case BB_AFT_EXTREME:
      return "extreme";
    default:
      return NULL;
    }
}

static gboolean
dist_is_valid (BbAftDistribution dist)
{
  return dist == BB_AFT_NORMAL || dist == BB_AFT_LOGISTIC || dist == BB_AFT_EXTREME;
}

/* F(z), accurate when F is small. */
static double
z_cdf (BbAftDistribution dist,
       double            z)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      return 0.5 * erfc (-z * M_SQRT1_2);
    case BB_AFT_LOGISTIC:
      return 1.0 / (1.0 + exp (-z));
    case BB_AFT_EXTREME:
      return -expm1 (-exp (z));
    default:
      g_assert_not_reached ();
    }
}

/* S(z) = 1 - F(z), accurate when S is small. */
static double
z_survival (BbAftDistribution dist,
            double            z)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      return 0.5 * erfc (z * M_SQRT1_2);
    case BB_AFT_LOGISTIC:
      return 1.0 / (1.0 + exp (z));
    case BB_AFT_EXTREME:
      return exp (-exp (z));
    default:
      g_assert_not_reached ();
    }
}

/* ln S(z), finite far beyond where S underflows. */
static double
z_log_survival (BbAftDistribution dist,
                double            z)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      if (z < 0)
        return log1p (-z_cdf (dist, z));
      if (z < 37)
        return log (z_survival (dist, z));
      {
        /* Mills ratio: S(z) = phi(z)/z * (1 - 1/z^2 + 3/z^4 - 15/z^6 + ...). */
        double w = 1.0 / (z * z);
        return -0.5 * z * z - log (z) - LOG_SQRT_2PI
               + log1p (w * (-1.0 + w * (3.0 + w * (-15.0 + w * 105.0))));
      }
    case BB_AFT_LOGISTIC:
      /* -softplus(z) */
      if (z > 0)
        return -(z + log1p (exp (-z)));
      return -log1p (exp (z));
    case BB_AFT_EXTREME:
      return -exp (z);
    default:
      g_assert_not_reached ();
    }
}

/* Wichura's AS 241 (PPND16): the standard normal quantile to about 1e-16.
 * Takes the lower-tail probability p, and for the tails r = sqrt(-ln q)
 * where q = min(p, 1 - p) so callers holding ln q never form q. */
static double
ppnd16_central (double q)
{
  double r = 0.180625 - q * q;

  return q * (((((((r * 2509.0809287301226727 +
                    33430.575583588128105) * r + 67265.770927008700853) * r +
                  45921.953931549871457) * r + 13731.693765509461125) * r +
                1971.5909503065514427) * r + 133.14166789178437745) * r +
              3.387132872796366608)
         / (((((((r * 5226.495278852545925 +
                  28729.085735721942674) * r + 39307.89580009271061) * r +
                21213.794301586595867) * r + 5394.1960214247511077) * r +
              687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
}

/* The positive z with S(z) = q given r = sqrt(-ln q), q < 0.075. */
static double
ppnd16_tail (double r)
{
  if (r <= 5.0)
    {
      r -= 1.6;
      return (((((((r * 7.7454501427834140764e-4 +
                    .0227238449892691845833) * r + .24178072517745061177) * r +
                  1.27045825245236838258) * r + 3.64784832476320460504) * r +
                5.7694972214606914055) * r + 4.6303378461565452959) * r +
              1.42343711074968357734)
             / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                     .0151986665636164571966) * r + .14810397642748007459) * r +
                   .68976733498510000455) * r + 1.6763848301838038494) * r +
                 2.05319162663775882187) * r + 1.0);
    }
  r -= 5.0;
  return (((((((r * 2.01033439929228813265e-7 +
                2.71155556874348757815e-5) * r + .0012426609473880784386) * r +
              .026532189526576123093) * r + .29656057182850489123) * r +
            1.7848265399172913358) * r + 5.4637849111641143699) * r +
          6.6579046435011037772)
         / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
               .0148753612908506148525) * r + .13692988092273580531) * r +
             .59983220655588793769) * r + 1.0);
}

/* The z with F(z) = p. */
static double
z_quantile (BbAftDistribution dist,
            double            p)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      {
        double q = p - 0.5;

        if (fabs (q) <= 0.425)
          return ppnd16_central (q);
        if (q < 0)
          return -ppnd16_tail (sqrt (-log (p)));
        return ppnd16_tail (sqrt (-log1p (-p)));
      }
    case BB_AFT_LOGISTIC:
      return log (p) - log1p (-p);
    case BB_AFT_EXTREME:
      return log (-log1p (-p));
    default:
      g_assert_not_reached ();
    }
}

/* The z with ln S(z) = log_s, log_s < 0: the inverse used for remaining
 * stays, where the target survival can be far below DBL_MIN. */
static double
z_from_log_survival (BbAftDistribution dist,
                     double            log_s)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      {
        double z;

        if (log_s > log (0.075))
          return z_quantile (dist, -expm1 (log_s));
        z = ppnd16_tail (sqrt (-log_s));
        /* AS 241 is tuned for q >= 1e-300; past that polish with Newton
         * steps on ln S, whose slope is minus the hazard phi/S. */
        if (log_s < -650)
          {
            for (int i = 0; i < 3; i++)
              {
                double ls = z_log_survival (dist, z);
                double hazard = exp (-0.5 * z * z - LOG_SQRT_2PI - ls);
                z += (ls - log_s) / hazard;
              }
          }
        return z;
      }
    case BB_AFT_LOGISTIC:
      {
        /* S = 1/(1+e^z): z = ln(e^x - 1) with x = -ln S, written so it
         * neither overflows for large x nor cancels for small x. */
        double x = -log_s;
        return x + log (-expm1 (-x));
      }
    case BB_AFT_EXTREME:
      return log (-log_s);
    default:
      g_assert_not_reached ();
    }
}

static double
z_of (double mu,
      double sigma,
      double t_days)
{
  return (log (t_days) - mu) / sigma;
}

static gboolean
params_are_valid (BbAftDistribution dist,
                  double            mu,
                  double            sigma)
{
  return dist_is_valid (dist) && isfinite (mu) && isfinite (sigma) && sigma > 0;
}

double
bb_aft_cdf (BbAftDistribution dist,
            double            mu,
            double            sigma,
            double            t_days)
{
  if (!params_are_valid (dist, mu, sigma) || isnan (t_days))
    return NAN;
  if (t_days <= 0)
    return 0.0;
  if (isinf (t_days))
    return 1.0;
  return z_cdf (dist, z_of (mu, sigma, t_days));
}

/* ln f(z): the density of Z. */
static double
z_log_pdf (BbAftDistribution dist,
           double            z)
{
  switch (dist)
    {
    case BB_AFT_NORMAL:
      return -0.5 * z * z - LOG_SQRT_2PI;
    case BB_AFT_LOGISTIC:
      /* e^-z / (1 + e^-z)^2, symmetric: use -|z| so nothing overflows. */
      return -fabs (z) - 2 * log1p (exp (-fabs (z)));
    case BB_AFT_EXTREME:
      return z - exp (z);
    default:
      g_assert_not_reached ();
    }
}

double
bb_aft_log_density (BbAftDistribution dist,
                    double            mu,
                    double            sigma,
                    double            t_days)
{
  if (!params_are_valid (dist, mu, sigma) || isnan (t_days))
    return NAN;
  if (t_days <= 0 || isinf (t_days))
    return -INFINITY;
  /* T = e^(mu + sigma Z): f_T(t) = f_Z(z) / (sigma t). */
  return z_log_pdf (dist, z_of (mu, sigma, t_days)) - log (sigma) - log (t_days);
}

double
bb_aft_quantile (BbAftDistribution dist,
                 double            mu,
                 double            sigma,
                 double            p)
{
  if (!params_are_valid (dist, mu, sigma) || !(p > 0 && p < 1))
    return NAN;
  return exp (mu + sigma * z_quantile (dist, p));
}

gboolean
_bb_aft_remaining_prepare (BbAftRemaining    *r,
                           BbAftDistribution  dist,
                           double             mu,
                           double             sigma,
                           double             elapsed_days)
{
  if (!params_are_valid (dist, mu, sigma) || !(elapsed_days >= 0) || isinf (elapsed_days))
    return FALSE;

  r->dist = dist;
  r->mu = mu;
  r->sigma = sigma;
  r->elapsed_days = elapsed_days;
  if (elapsed_days == 0)
    {
      r->za = -INFINITY;
      r->fa = 0;
      r->sa = 1;
      r->log_sa = 0;
      return TRUE;
    }
  r->za = z_of (mu, sigma, elapsed_days);
  r->fa = z_cdf (dist, r->za);
  r->sa = z_survival (dist, r->za);
  r->log_sa = z_log_survival (dist, r->za);
  return TRUE;
}

double
_bb_aft_remaining_cdf (const BbAftRemaining *r,
                       double                t_days)
{
  double zb, p;

  if (isnan (t_days))
    return NAN;
  if (t_days <= 0)
    return 0.0;
  if (isinf (t_days))
    return 1.0;

  zb = z_of (r->mu, r->sigma, r->elapsed_days + t_days);
  if (r->elapsed_days == 0)
    return z_cdf (r->dist, zb);

  if (r->sa > SMALL_SURVIVAL)
    {
      /* (S(a) - S(b)) / S(a), taking the difference on the side where the
       * values are small, so it keeps its relative precision. */
      double num;

      if (zb <= 0)
        num = z_cdf (r->dist, zb) - r->fa;
      else
        num = r->sa - z_survival (r->dist, zb);
      p = num / r->sa;
    }
  else
    {
      p = -expm1 (z_log_survival (r->dist, zb) - r->log_sa);
    }

  return CLAMP (p, 0.0, 1.0);
}

double
bb_aft_remaining_cdf (BbAftDistribution dist,
                      double            mu,
                      double            sigma,
                      double            elapsed_days,
                      double            t_days)
{
  BbAftRemaining r;

  if (!_bb_aft_remaining_prepare (&r, dist, mu, sigma, elapsed_days))
    return NAN;
  return _bb_aft_remaining_cdf (&r, t_days);
}

double
bb_aft_remaining_quantile (BbAftDistribution dist,
                           double            mu,
                           double            sigma,
                           double            elapsed_days,
                           double            p)
{
  double log_sa, log_target, t;

  if (!params_are_valid (dist, mu, sigma) || !(p > 0 && p < 1) ||
      !(elapsed_days >= 0) || isinf (elapsed_days))
    return NAN;
  if (elapsed_days == 0)
    return bb_aft_quantile (dist, mu, sigma, p);

  /* S(e + r) = S(e) (1 - p) */
  log_sa = z_log_survival (dist, z_of (mu, sigma, elapsed_days));
  log_target = log_sa + log1p (-p);
  t = exp (mu + sigma * z_from_log_survival (dist, log_target));

  return MAX (t - elapsed_days, 0.0);
}
