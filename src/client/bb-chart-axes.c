/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-chart-axes.c: lays out and draws the axes of the time charts. The
 * number of ticks follows the space available (about one value label per 36
 * pixels of height, one time label per label width plus a gap), and time
 * labels that would still touch are dropped rather than drawn over each
 * other. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-chart-axes.h"
#include "bb-chart-style.h"

#include <math.h>

#define PAD_RIGHT 14.0
#define LABEL_GAP 6.0
#define TICK_LENGTH 4.0

void
bb_chart_axes_clear (BbChartAxes *axes)
{
  g_return_if_fail (axes != NULL);

  g_clear_pointer (&axes->x_ticks, g_array_unref);
  g_clear_pointer (&axes->y_ticks, g_array_unref);
  g_clear_pointer (&axes->x_layouts, g_ptr_array_unref);
  g_clear_pointer (&axes->y_layouts, g_ptr_array_unref);
}

static GPtrArray *
layouts_for_ticks (GtkWidget *widget,
                   GArray    *ticks)
{
  GPtrArray *layouts = g_ptr_array_new_full (ticks->len, (GDestroyNotify) g_object_unref);

  for (guint i = 0; i < ticks->len; i++)
    g_ptr_array_add (layouts, bb_chart_style_label (widget, g_array_index (ticks, BbChartTick, i).label));
  return layouts;
}

void
bb_chart_axes_layout (BbChartAxes           *axes,
                      GtkWidget             *widget,
                      const graphene_rect_t *area,
                      gint64                 t_start,
                      gint64                 t_end,
                      double                 y_min,
                      double                 y_max,
                      BbChartValueKind       kind)
{
  g_autoptr(PangoLayout) probe = NULL;
  int label_h, probe_w, widest = 0;
  double pad_top, plot_h, plot_w, left, last_right = -G_MAXDOUBLE;
  guint y_max_ticks, x_max_ticks;

  g_return_if_fail (axes != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  bb_chart_axes_clear (axes);

  /* A typical time label sets the spacing of time ticks. */
  probe = bb_chart_style_label (widget, "Wed 28");
  pango_layout_get_pixel_size (probe, &probe_w, &label_h);

  /* Room above the plot for half of the top value label. */
  pad_top = ceil (label_h / 2.0) + 4.0;
  plot_h = MAX (1.0, area->size.height - pad_top - label_h - LABEL_GAP - TICK_LENGTH);
  y_max_ticks = MAX (2, (guint) (plot_h / MAX (36.0, 2.0 * label_h)));
  switch (kind)
    {
    case BB_CHART_VALUE_PERCENT:
      axes->y_ticks = bb_chart_ticks_for_percent (y_min, y_max, y_max_ticks);
      break;
    case BB_CHART_VALUE_FRACTION:
      axes->y_ticks = bb_chart_ticks_for_fraction (y_max_ticks);
      break;
    case BB_CHART_VALUE_COUNT:
    default:
      axes->y_ticks = bb_chart_ticks_for_counts (y_min, y_max, y_max_ticks);
      break;
    }
  axes->y_layouts = layouts_for_ticks (widget, axes->y_ticks);
  for (guint i = 0; i < axes->y_layouts->len; i++)
    {
      int w;

      pango_layout_get_pixel_size (g_ptr_array_index (axes->y_layouts, i), &w, NULL);
      widest = MAX (widest, w);
    }

  left = widest + LABEL_GAP + 2.0;
  plot_w = MAX (1.0, area->size.width - left - PAD_RIGHT);
  axes->plot = GRAPHENE_RECT_INIT (area->origin.x + left, area->origin.y + pad_top, plot_w, plot_h);

  bb_chart_scale_init (&axes->x, (double) t_start, (double) t_end,
                       axes->plot.origin.x, axes->plot.origin.x + plot_w);
  bb_chart_scale_init (&axes->y, y_min, y_max,
                       axes->plot.origin.y + plot_h, axes->plot.origin.y);

  x_max_ticks = MAX (2, (guint) (plot_w / (probe_w + 3.0 * LABEL_GAP)));
  axes->x_ticks = bb_chart_ticks_for_time (t_start, t_end, x_max_ticks, NULL, NULL);
  axes->x_layouts = layouts_for_ticks (widget, axes->x_ticks);

  /* Drop labels that would touch their left neighbour or stick out of the
   * widget; their tick marks and grid lines stay. */
  for (guint i = 0; i < axes->x_layouts->len; i++)
    {
      double x = bb_chart_scale_map (&axes->x, g_array_index (axes->x_ticks, BbChartTick, i).value);
      int w;
      double l, r;

      pango_layout_get_pixel_size (g_ptr_array_index (axes->x_layouts, i), &w, NULL);
      l = x - w / 2.0;
      r = x + w / 2.0;
      if (l < last_right + LABEL_GAP || l < area->origin.x
          || r > area->origin.x + area->size.width)
        {
          g_clear_object (&axes->x_layouts->pdata[i]);
          continue;
        }
      last_right = r;
    }
}

void
bb_chart_axes_snapshot (const BbChartAxes *axes,
                        GtkWidget         *widget,
                        GtkSnapshot       *snapshot)
{
  const graphene_rect_t *plot = &axes->plot;
  double bottom = plot->origin.y + plot->size.height;
  GdkRGBA grid, axis, text;

  if (axes->x_ticks == NULL || axes->y_ticks == NULL)
    return;

  bb_chart_style_lookup (widget, "bb_chart_grid", &grid);
  bb_chart_style_lookup (widget, "bb_chart_axis", &axis);
  bb_chart_style_lookup (widget, "bb_chart_text", &text);

  for (guint i = 0; i < axes->y_ticks->len; i++)
    {
      double y = bb_chart_scale_map (&axes->y, g_array_index (axes->y_ticks, BbChartTick, i).value);
      PangoLayout *layout = g_ptr_array_index (axes->y_layouts, i);
      int w, h;

      bb_chart_style_append_hline (snapshot, widget, plot->origin.x,
                                   plot->origin.x + plot->size.width, y, &grid);
      pango_layout_get_pixel_size (layout, &w, &h);
      bb_chart_style_append_layout (snapshot, layout, plot->origin.x - LABEL_GAP - w,
                                    y - h / 2.0, &text);
    }

  for (guint i = 0; i < axes->x_ticks->len; i++)
    {
      double x = bb_chart_scale_map (&axes->x, g_array_index (axes->x_ticks, BbChartTick, i).value);
      PangoLayout *layout = g_ptr_array_index (axes->x_layouts, i);

      bb_chart_style_append_vline (snapshot, widget, x, plot->origin.y, bottom, &grid);
      bb_chart_style_append_vline (snapshot, widget, x, bottom, bottom + TICK_LENGTH, &axis);
      if (layout != NULL)
        {
          int w;

          pango_layout_get_pixel_size (layout, &w, NULL);
          bb_chart_style_append_layout (snapshot, layout, x - w / 2.0,
                                        bottom + TICK_LENGTH + 2.0, &text);
        }
    }

  bb_chart_style_append_hline (snapshot, widget, plot->origin.x,
                               plot->origin.x + plot->size.width, bottom, &axis);
}
