/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-fan-chart.h: one ward's occupancy history joined to its forecast: the
 * median line and the 10-90% band, with the 85% and 92% alarm lines and a
 * marker at now. */
#pragma once

#include <gtk/gtk.h>

#include "bb-occupancy-chart.h"

G_BEGIN_DECLS

/* A forecast of occupied beds at time (unix seconds): the median and the
 * 10th and 90th percentiles. */
typedef struct
{
  gint64 time;
  double median;
  double p10;
  double p90;
} BbFanForecastPoint;

#define BB_FAN_CHART_ALARM_WARNING 0.85
#define BB_FAN_CHART_ALARM_CRITICAL 0.92

#define BB_TYPE_FAN_CHART (bb_fan_chart_get_type ())

G_DECLARE_FINAL_TYPE (BbFanChart, bb_fan_chart, BB, FAN_CHART, GtkWidget)

GtkWidget  *bb_fan_chart_new             (void);
void        bb_fan_chart_set_data        (BbFanChart                  *self,
                                          const char                  *ward_name,
                                          const BbOccupancyChartPoint *history,
                                          gsize                        n_history,
                                          const BbFanForecastPoint    *forecast,
                                          gsize                        n_forecast,
                                          guint                        capacity,
                                          gint64                       now);
const char *bb_fan_chart_get_description (BbFanChart                  *self);
gboolean    bb_fan_chart_hover           (BbFanChart                  *self,
                                          double                       x,
                                          double                       y);
const char *bb_fan_chart_get_hover_text  (BbFanChart                  *self);

gint64      bb_fan_chart_first_crossing  (const BbFanForecastPoint    *forecast,
                                          gsize                        n_forecast,
                                          guint                        capacity,
                                          double                       fraction);
char       *bb_fan_chart_describe        (const char                  *ward_name,
                                          const BbOccupancyChartPoint *history,
                                          gsize                        n_history,
                                          const BbFanForecastPoint    *forecast,
                                          gsize                        n_forecast,
                                          guint                        capacity);

G_END_DECLS
