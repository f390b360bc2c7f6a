/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-occupancy-chart.h: a line chart of the occupancy history of one or many
 * wards, in percent of capacity or in beds, against time. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One sample of a ward: at time (unix seconds), occupied of capacity beds. */
typedef struct
{
  gint64 time;
  guint  occupied;
  guint  capacity;
} BbOccupancyChartPoint;

/* One ward's history, points in ascending time. */
typedef struct
{
  const char                  *ward_name;
  const BbOccupancyChartPoint *points;
  gsize                        n_points;
} BbOccupancyChartSeries;

#define BB_TYPE_OCCUPANCY_CHART (bb_occupancy_chart_get_type ())

G_DECLARE_FINAL_TYPE (BbOccupancyChart, bb_occupancy_chart, BB, OCCUPANCY_CHART, GtkWidget)

GtkWidget  *bb_occupancy_chart_new              (void);
void        bb_occupancy_chart_set_series       (BbOccupancyChart             *self,
                                                 const BbOccupancyChartSeries *series,
                                                 gsize                         n_series);
gsize       bb_occupancy_chart_get_n_series     (BbOccupancyChart             *self);
void        bb_occupancy_chart_set_show_percent (BbOccupancyChart             *self,
                                                 gboolean                      show_percent);
gboolean    bb_occupancy_chart_get_show_percent (BbOccupancyChart             *self);
const char *bb_occupancy_chart_get_description  (BbOccupancyChart             *self);
gboolean    bb_occupancy_chart_hover            (BbOccupancyChart             *self,
                                                 double                        x,
                                                 double                        y);
const char *bb_occupancy_chart_get_hover_text   (BbOccupancyChart             *self);

char       *bb_occupancy_chart_describe         (const BbOccupancyChartSeries *series,
                                                 gsize                         n_series);

G_END_DECLS
