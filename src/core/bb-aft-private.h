/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-aft-private.h: the remaining-stay cdf with the per-patient part done
 * once, for the forecast's inner loop (one patient, many times). Gives
 * exactly the numbers of bb_aft_remaining_cdf. */
#pragma once

#include "bb-aft.h"

G_BEGIN_DECLS

typedef struct
{
  BbAftDistribution dist;
  double            mu;
  double            sigma;
  double            elapsed_days;
  double            za;       /* z at elapsed */
  double            fa;       /* F(za) */
  double            sa;       /* S(za) */
  double            log_sa;   /* ln S(za) */
} BbAftRemaining;

/* FALSE (and nothing usable) for arguments bb_aft_remaining_cdf rejects. */
gboolean _bb_aft_remaining_prepare (BbAftRemaining       *r,
                                    BbAftDistribution     dist,
                                    double                mu,
                                    double                sigma,
                                    double                elapsed_days);
double   _bb_aft_remaining_cdf     (const BbAftRemaining *r,
                                    double                t_days);

G_END_DECLS
