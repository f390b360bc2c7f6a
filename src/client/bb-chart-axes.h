/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-chart-axes.h: the time axis, value axis and grid shared by the
 * occupancy, fan and probability charts. Laid out when the data or the size
 * changes (bb_chart_axes_layout), drawn from the stored result in snapshot(). */
#pragma once

#include <gtk/gtk.h>

#include "bb-chart-scale.h"

G_BEGIN_DECLS

typedef enum
{
  BB_CHART_VALUE_COUNT,      /* beds: integer ticks */
  BB_CHART_VALUE_PERCENT,    /* 0..100 with "80%" labels */
  BB_CHART_VALUE_FRACTION,   /* 0..1 with "80%" labels */
} BbChartValueKind;

typedef struct
{
  graphene_rect_t plot;      /* where the data goes, in widget coordinates */
  BbChartScale    x;         /* unix seconds -> pixels */
  BbChartScale    y;         /* value -> pixels, upwards */
  GArray         *x_ticks;   /* BbChartTick */
  GArray         *y_ticks;   /* BbChartTick */
  GPtrArray      *x_layouts; /* PangoLayout or NULL where a label would overlap */
  GPtrArray      *y_layouts;
} BbChartAxes;

void bb_chart_axes_clear    (BbChartAxes           *axes);
void bb_chart_axes_layout   (BbChartAxes           *axes,
                             GtkWidget             *widget,
                             const graphene_rect_t *area,
                             gint64                 t_start,
                             gint64                 t_end,
                             double                 y_min,
                             double                 y_max,
                             BbChartValueKind       kind);
void bb_chart_axes_snapshot (const BbChartAxes     *axes,
                             GtkWidget             *widget,
                             GtkSnapshot           *snapshot);

G_END_DECLS
