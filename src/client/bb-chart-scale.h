/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-chart-scale.h: the pure maths behind Bedboard's charts. Linear scales
 * from data to pixels, "nice" tick steps for counts, percents and times,
 * nearest-point lookup for hover and the band (fan) polygon. No GTK types, so
 * all of it is tested without a display. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Maps [domain_min, domain_max] linearly onto [range_min, range_max]. The
 * range may run backwards (y grows downwards on screen). */
typedef struct
{
  double domain_min;
  double domain_max;
  double range_min;
  double range_max;
} BbChartScale;

typedef enum
{
  BB_CHART_TIME_UNIT_HOURS,   /* ticks every 1, 2, 3, 6 or 12 hours: label "14:00" */
  BB_CHART_TIME_UNIT_DAYS,    /* ticks every 1 or 2 days at midnight: label "Tue 24" */
  BB_CHART_TIME_UNIT_DATES,   /* ticks every 7 days or more: label "24 Nov" */
} BbChartTimeUnit;

/* One tick: its value (a count, a percent or unix seconds) and its label. */
typedef struct
{
  double value;
  char  *label;
} BbChartTick;

void            bb_chart_scale_init              (BbChartScale       *scale,
                                                  double              domain_min,
                                                  double              domain_max,
                                                  double              range_min,
                                                  double              range_max);
double          bb_chart_scale_map               (const BbChartScale *scale,
                                                  double              value);
double          bb_chart_scale_invert            (const BbChartScale *scale,
                                                  double              pixel);

double          bb_chart_nice_step               (double              span,
                                                  guint               max_ticks);
GArray         *bb_chart_ticks_for_counts        (double              min,
                                                  double              max,
                                                  guint               max_ticks);
GArray         *bb_chart_ticks_for_percent       (double              min,
                                                  double              max,
                                                  guint               max_ticks);
GArray         *bb_chart_ticks_for_fraction      (guint               max_ticks);
GArray         *bb_chart_ticks_for_time          (gint64              start,
                                                  gint64              end,
                                                  guint               max_ticks,
                                                  GTimeZone          *tz,
                                                  BbChartTimeUnit    *out_unit);

gsize           bb_chart_nearest_index           (const double       *xs,
                                                  gsize               n_xs,
                                                  double              x);

gsize           bb_chart_count_crossings         (const double       *xs,
                                                  const double       *ys,
                                                  gsize               n,
                                                  double              x0,
                                                  double              y0,
                                                  double              x1,
                                                  double              y1);

void            bb_chart_band_polygon            (const double       *xs,
                                                  const double       *lows,
                                                  const double       *highs,
                                                  gsize               n,
                                                  double             *out_xy);

void            bb_chart_snap_to_pixel           (double             *value,
                                                  int                 scale_factor,
                                                  double              line_width);

char           *bb_chart_format_time             (gint64              unix_time,
                                                  GTimeZone          *tz);

G_END_DECLS
