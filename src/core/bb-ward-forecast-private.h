/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-forecast-private.h: the Poisson-binomial machinery of the ward
 * forecast, exposed for its tests only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* P(K <= k) for k = 0..n of K = sum of Bernoulli(probs[i]), either by the
 * cut convolution DP or by the refined normal approximation, whichever is
 * asked for. Returns n + 1 values (g_free). */
double *_bb_poisson_binomial_cdf (const double *probs,
                                  guint         n,
                                  gboolean      approximate);

G_END_DECLS
