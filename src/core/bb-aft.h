/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-aft.h: the accelerated-failure-time distributions XGBoost's
 * survival:aft objective fits. A prediction is a margin mu; the stay T in
 * days follows ln T = mu + sigma * Z, Z from the chosen distribution.
 * Everything that turns a prediction into a median, an interval or a
 * remaining-stay probability goes through here, so the tool, the server and
 * the client compute the same numbers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  BB_AFT_NORMAL,
  BB_AFT_LOGISTIC,
  BB_AFT_EXTREME,   /* XGBoost's "extreme": Gumbel (minimum) on ln T */
} BbAftDistribution;

gboolean     bb_aft_distribution_from_string (const char        *name,
                                              BbAftDistribution *out);
const char  *bb_aft_distribution_to_string   (BbAftDistribution  dist);

/* P(T <= t_days). */
double       bb_aft_cdf                      (BbAftDistribution  dist,
                                              double             mu,
                                              double             sigma,
                                              double             t_days);
/* The t with P(T <= t) = p, 0 < p < 1. */
double       bb_aft_quantile                 (BbAftDistribution  dist,
                                              double             mu,
                                              double             sigma,
                                              double             p);
/* ln of the density of T at t_days (per day), -INFINITY where it is 0. */
double       bb_aft_log_density              (BbAftDistribution  dist,
                                              double             mu,
                                              double             sigma,
                                              double             t_days);
/* P(T <= elapsed + t | T > elapsed): the chance a current inpatient who has
 * stayed elapsed_days leaves within the next t_days. */
double       bb_aft_remaining_cdf            (BbAftDistribution  dist,
                                              double             mu,
                                              double             sigma,
                                              double             elapsed_days,
                                              double             t_days);
/* The remaining time r with P(T <= elapsed + r | T > elapsed) = p. */
double       bb_aft_remaining_quantile       (BbAftDistribution  dist,
                                              double             mu,
                                              double             sigma,
                                              double             elapsed_days,
                                              double             p);

G_END_DECLS
