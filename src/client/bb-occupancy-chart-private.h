/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-occupancy-chart-private.h: what tests and the benchmark may ask the
 * occupancy chart beyond its public API. */
#pragma once

#include "bb-occupancy-chart.h"

G_BEGIN_DECLS

gboolean _bb_occupancy_chart_is_rasterising (BbOccupancyChart *self);

G_END_DECLS
