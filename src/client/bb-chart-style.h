/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-chart-style.h: what the chart widgets share about looks: the named
 * colours of ui/charts.css (with fallbacks when the stylesheet is not
 * loaded), text layouts for labels and the drawing of thin lines, the "No
 * data" message and the hover label; and what every chart does the same way
 * for people: follow the pointer for the hover label and give its
 * description to assistive technologies. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A chart's hover method: shows the value at (x, y), or none for (-1, -1). */
typedef gboolean (*BbChartHoverFunc) (GtkWidget *chart,
                                      double     x,
                                      double     y);

#define BB_CHART_STYLE_RESOURCE "/org/bedboard/Bedboard/charts.css"
#define BB_CHART_N_SERIES_COLORS 8

/* A legend entry is a swatch, a gap, its label, then spacing to the next. */
#define BB_CHART_LEGEND_SWATCH 10.0
#define BB_CHART_LEGEND_SPACING 14.0
#define BB_CHART_LEGEND_ROW_GAP 4.0

void         bb_chart_style_ensure_provider   (GtkWidget      *widget);
void         bb_chart_style_lookup            (GtkWidget      *widget,
                                               const char     *name,
                                               GdkRGBA        *out);
void         bb_chart_style_foreground        (GtkWidget      *widget,
                                               GdkRGBA        *out);
void         bb_chart_style_series            (GtkWidget      *widget,
                                               guint           index,
                                               GdkRGBA        *out);
PangoLayout *bb_chart_style_label             (GtkWidget      *widget,
                                               const char     *text);
void         bb_chart_style_append_layout     (GtkSnapshot    *snapshot,
                                               PangoLayout    *layout,
                                               double          x,
                                               double          y,
                                               const GdkRGBA  *color);
void         bb_chart_style_append_hline      (GtkSnapshot    *snapshot,
                                               GtkWidget      *widget,
                                               double          x0,
                                               double          x1,
                                               double          y,
                                               const GdkRGBA  *color);
void         bb_chart_style_append_vline      (GtkSnapshot    *snapshot,
                                               GtkWidget      *widget,
                                               double          x,
                                               double          y0,
                                               double          y1,
                                               const GdkRGBA  *color);
void         bb_chart_style_append_empty      (GtkSnapshot    *snapshot,
                                               GtkWidget      *widget,
                                               PangoLayout    *layout);
void         bb_chart_style_append_hover      (GtkSnapshot    *snapshot,
                                               GtkWidget      *widget,
                                               PangoLayout    *layout,
                                               double          x,
                                               double          y,
                                               const GdkRGBA  *marker);
double       bb_chart_style_flow_legend       (PangoLayout     **layouts,
                                               guint             n_layouts,
                                               double            width,
                                               graphene_point_t *at);
void         bb_chart_style_track_pointer     (GtkWidget        *widget,
                                               BbChartHoverFunc  hover);
void         bb_chart_style_set_description   (GtkWidget      *widget,
                                               char          **description,
                                               char           *text);

G_END_DECLS
