/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-fan-chart.c: a ward's last weeks of occupancy and the forecast after
 * them, in percent of capacity. The band, lines, alarm lines and marker are
 * placed when the data or the size changes; snapshot() draws the stored
 * geometry. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-fan-chart.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bb-chart-axes.h"
#include "bb-chart-scale.h"
#include "bb-chart-style.h"

#define LINE_WIDTH 2.0

struct _BbFanChart
{
  GtkWidget           parent_instance;

  char               *ward_name;
  BbOccupancyChartPoint *history;
  gsize               n_history;
  BbFanForecastPoint *forecast;
  gsize               n_forecast;
  guint               capacity;
  gint64              now;
  char               *description;

  gint64              t_start;
  gint64              t_end;
  double              y_max;

  /* Geometry in pixels, valid while axes.x_ticks != NULL. */
  BbChartAxes         axes;
  double             *history_xs;
  double             *history_ys;
  double             *median_xs;      /* joined to the last history point */
  double             *median_ys;
  gsize               n_median;
  double             *band;           /* 4 * n_forecast: the band's outline */
  double              alarm_y[2];
  double              alarm_label_x[2];
  double              now_x;
  PangoLayout        *alarm_layouts[2];
  PangoLayout        *now_layout;
  PangoLayout        *empty_layout;

  /* Hover: an index into history, then forecast. */
  gsize               hover_index;
  char               *hover_text;
  PangoLayout        *hover_layout;
  double              hover_x;
  double              hover_y;
};

G_DEFINE_FINAL_TYPE (BbFanChart, bb_fan_chart, GTK_TYPE_WIDGET)

static const double alarm_fractions[2] = { BB_FAN_CHART_ALARM_WARNING, BB_FAN_CHART_ALARM_CRITICAL };
static const char *alarm_colors[2] = { "bb_chart_alarm_warning", "bb_chart_alarm_critical" };

static double
percent (double beds,
         guint  capacity)
{
  return capacity > 0 ? 100.0 * beds / capacity : 0.0;
}

static void
clear_hover (BbFanChart *self)
{
  self->hover_index = G_MAXSIZE;
  g_clear_pointer (&self->hover_text, g_free);
  g_clear_object (&self->hover_layout);
}

static void
clear_geometry (BbFanChart *self)
{
  bb_chart_axes_clear (&self->axes);
  g_clear_pointer (&self->history_xs, g_free);
  g_clear_pointer (&self->history_ys, g_free);
  g_clear_pointer (&self->median_xs, g_free);
  g_clear_pointer (&self->median_ys, g_free);
  g_clear_pointer (&self->band, g_free);
  self->n_median = 0;
  for (guint i = 0; i < G_N_ELEMENTS (self->alarm_layouts); i++)
    g_clear_object (&self->alarm_layouts[i]);
  g_clear_object (&self->now_layout);
}

static void
update_domain (BbFanChart *self)
{
  double top = 100.0;

  self->t_start = G_MAXINT64;
  self->t_end = G_MININT64;
  for (gsize i = 0; i < self->n_history; i++)
    {
      self->t_start = MIN (self->t_start, self->history[i].time);
      self->t_end = MAX (self->t_end, self->history[i].time);
      top = MAX (top, percent (self->history[i].occupied, self->capacity));
    }
  for (gsize i = 0; i < self->n_forecast; i++)
    {
      self->t_start = MIN (self->t_start, self->forecast[i].time);
      self->t_end = MAX (self->t_end, self->forecast[i].time);
      top = MAX (top, percent (self->forecast[i].p90, self->capacity));
    }
  if (self->n_history == 0 && self->n_forecast == 0)
    self->t_start = self->t_end = 0;
  if (self->t_end <= self->t_start)
    self->t_end = self->t_start + 3600;
  self->y_max = ceil (top / 10.0) * 10.0;
}

static void
update_geometry (BbFanChart *self,
                 int         width,
                 int         height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const graphene_rect_t *plot;
  g_autofree double *lows = NULL;
  g_autofree double *highs = NULL;
  gsize m = 0;

  clear_geometry (self);
  if ((self->n_history == 0 && self->n_forecast == 0) || self->capacity == 0
      || width <= 0 || height <= 0)
    return;

  bb_chart_axes_layout (&self->axes, widget, &GRAPHENE_RECT_INIT (0, 0, width, height),
                        self->t_start, self->t_end, 0, self->y_max, BB_CHART_VALUE_PERCENT);
  plot = &self->axes.plot;

  self->history_xs = g_new (double, MAX (1, self->n_history));
  self->history_ys = g_new (double, MAX (1, self->n_history));
  for (gsize i = 0; i < self->n_history; i++)
    {
      self->history_xs[i] = bb_chart_scale_map (&self->axes.x, (double) self->history[i].time);
      self->history_ys[i] = bb_chart_scale_map (&self->axes.y,
                                                percent (self->history[i].occupied, self->capacity));
    }

  /* The median starts where the history ends, so the two read as one line
   * that fans out. */
  self->median_xs = g_new (double, self->n_forecast + 1);
  self->median_ys = g_new (double, self->n_forecast + 1);
  if (self->n_history > 0 && self->n_forecast > 0
      && self->history[self->n_history - 1].time < self->forecast[0].time)
    {
      self->median_xs[m] = self->history_xs[self->n_history - 1];
      self->median_ys[m] = self->history_ys[self->n_history - 1];
      m++;
    }
  lows = g_new (double, MAX (1, self->n_forecast));
  highs = g_new (double, MAX (1, self->n_forecast));
  for (gsize i = 0; i < self->n_forecast; i++)
    {
      const BbFanForecastPoint *point = &self->forecast[i];
      double x = bb_chart_scale_map (&self->axes.x, (double) point->time);

      self->median_xs[m] = x;
      self->median_ys[m] = bb_chart_scale_map (&self->axes.y, percent (point->median, self->capacity));
      m++;
      lows[i] = bb_chart_scale_map (&self->axes.y, percent (point->p10, self->capacity));
      highs[i] = bb_chart_scale_map (&self->axes.y, percent (point->p90, self->capacity));
    }
  self->n_median = m;
  self->band = g_new (double, 4 * MAX (1, self->n_forecast));
  {
    g_autofree double *xs = g_new (double, MAX (1, self->n_forecast));

    for (gsize i = 0; i < self->n_forecast; i++)
      xs[i] = self->median_xs[m - self->n_forecast + i];
    bb_chart_band_polygon (xs, lows, highs, self->n_forecast, self->band);
  }

  for (guint i = 0; i < G_N_ELEMENTS (alarm_fractions); i++)
    {
      g_autofree char *label = NULL;

      self->alarm_y[i] = bb_chart_scale_map (&self->axes.y, 100.0 * alarm_fractions[i]);
      /* TRANSLATORS: label of an alarm line at an occupancy, e.g. "85% alarm" */
      label = g_strdup_printf (_("%.0f%% alarm"), 100.0 * alarm_fractions[i]);
      self->alarm_layouts[i] = bb_chart_style_label (widget, label);
    }

  self->now_x = bb_chart_scale_map (&self->axes.x, (double) self->now);
  if (self->now_x >= plot->origin.x && self->now_x <= plot->origin.x + plot->size.width)
    self->now_layout = bb_chart_style_label (widget, C_("chart marker", "Now"));

  /* The lower alarm's label sits under its line and the upper one's above,
   * so the two never collide however close the lines are; along the line,
   * each goes where the history and the median cross it least: often the
   * history hovers near the alarm lines and the forecast falls away. */
  for (guint i = 0; i < G_N_ELEMENTS (alarm_fractions); i++)
    {
      double candidates[4];
      gsize best = G_MAXSIZE;
      double y0;
      int w, h;

      pango_layout_get_pixel_size (self->alarm_layouts[i], &w, &h);
      y0 = i == 0 ? self->alarm_y[i] + 2 : self->alarm_y[i] - h - 1;
      candidates[0] = plot->origin.x + 4;
      candidates[1] = MIN (self->now_x + 6, plot->origin.x + plot->size.width - w - 6);
      candidates[2] = plot->origin.x + plot->size.width - w - 6;
      candidates[3] = plot->origin.x + (plot->size.width - w) / 2;
      for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
        {
          double x0 = candidates[c] - 2, x1 = candidates[c] + w + 2;
          gsize crossings;

          if (x0 < plot->origin.x)
            continue;
          crossings = bb_chart_count_crossings (self->history_xs, self->history_ys, self->n_history,
                                                x0, y0, x1, y0 + h)
                      + bb_chart_count_crossings (self->median_xs, self->median_ys, self->n_median,
                                                  x0, y0, x1, y0 + h);
          if (crossings < best)
            {
              best = crossings;
              self->alarm_label_x[i] = candidates[c];
            }
        }
    }
}

static void
update_description (BbFanChart *self)
{
  bb_chart_style_set_description (GTK_WIDGET (self), &self->description,
                                  bb_fan_chart_describe (self->ward_name, self->history, self->n_history,
                                                         self->forecast, self->n_forecast,
                                                         self->capacity));
}

static void
bb_fan_chart_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  BbFanChart *self = BB_FAN_CHART (widget);

  update_geometry (self, width, height);
  /* The hovered point stays; its position follows the new size. */
  if (self->hover_index != G_MAXSIZE)
    {
      gsize i = self->hover_index;

      if (i < self->n_history)
        {
          self->hover_x = self->history_xs[i];
          self->hover_y = self->history_ys[i];
        }
      else
        {
          self->hover_x = self->median_xs[self->n_median - self->n_forecast + i - self->n_history];
          self->hover_y = self->median_ys[self->n_median - self->n_forecast + i - self->n_history];
        }
    }
}

static void
bb_fan_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 560;
    }
  else
    {
      *minimum = 160;
      *natural = 280;
    }
}

static void
bb_fan_chart_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  BbFanChart *self = BB_FAN_CHART (widget);

  GTK_WIDGET_CLASS (bb_fan_chart_parent_class)->css_changed (widget, change);
  g_clear_object (&self->empty_layout);
  gtk_widget_queue_resize (widget);
}

static void
bb_fan_chart_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bb_fan_chart_parent_class)->root (widget);
  bb_chart_style_ensure_provider (widget);
}

static void
stroke_line (cairo_t      *cr,
             const double *xs,
             const double *ys,
             gsize         n)
{
  if (n == 0)
    return;
  cairo_move_to (cr, xs[0], ys[0]);
  for (gsize i = 1; i < n; i++)
    cairo_line_to (cr, xs[i], ys[i]);
  if (n == 1)
    cairo_rel_line_to (cr, 0.01, 0);
  cairo_stroke (cr);
}

static void
bb_fan_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  BbFanChart *self = BB_FAN_CHART (widget);
  const graphene_rect_t *plot = &self->axes.plot;
  double right = plot->origin.x + plot->size.width;
  GdkRGBA color, backdrop;
  cairo_t *cr;

  if (self->axes.x_ticks == NULL)
    {
      if (self->empty_layout == NULL)
        self->empty_layout = bb_chart_style_label (widget, _("No data"));
      bb_chart_style_append_empty (snapshot, widget, self->empty_layout);
      return;
    }

  bb_chart_axes_snapshot (&self->axes, widget, snapshot);

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (plot->origin.x - LINE_WIDTH,
                                                       plot->origin.y - LINE_WIDTH,
                                                       plot->size.width + 2 * LINE_WIDTH,
                                                       plot->size.height + 2 * LINE_WIDTH));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  if (self->n_forecast > 0)
    {
      bb_chart_style_lookup (widget, "bb_chart_band", &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_move_to (cr, self->band[0], self->band[1]);
      for (gsize i = 1; i < 2 * self->n_forecast; i++)
        cairo_line_to (cr, self->band[2 * i], self->band[2 * i + 1]);
      cairo_close_path (cr);
      cairo_fill (cr);
    }

  /* Alarm lines: dashed, so they read as thresholds rather than data. */
  cairo_set_line_width (cr, 1.0);
  for (guint i = 0; i < G_N_ELEMENTS (alarm_fractions); i++)
    {
      static const double dash[] = { 6.0, 4.0 };
      double y = self->alarm_y[i];

      bb_chart_style_lookup (widget, alarm_colors[i], &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_dash (cr, dash, 2, 0);
      /* Crisp at any scale factor: on device pixels, not between them. */
      bb_chart_snap_to_pixel (&y, gtk_widget_get_scale_factor (widget), 1.0);
      cairo_move_to (cr, plot->origin.x, y);
      cairo_line_to (cr, right, y);
      cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_set_line_width (cr, LINE_WIDTH);
  bb_chart_style_lookup (widget, "bb_chart_history", &color);
  gdk_cairo_set_source_rgba (cr, &color);
  stroke_line (cr, self->history_xs, self->history_ys, self->n_history);
  bb_chart_style_lookup (widget, "bb_chart_median", &color);
  gdk_cairo_set_source_rgba (cr, &color);
  stroke_line (cr, self->median_xs, self->median_ys, self->n_median);
  cairo_destroy (cr);

  /* Alarm labels where update_geometry() found room. */
  bb_chart_style_lookup (widget, "bb_chart_label_backdrop", &backdrop);
  for (guint i = 0; i < G_N_ELEMENTS (alarm_fractions); i++)
    {
      double y;
      int w, h;

      pango_layout_get_pixel_size (self->alarm_layouts[i], &w, &h);
      y = round (i == 0 ? self->alarm_y[i] + 2 : self->alarm_y[i] - h - 1);
      gtk_snapshot_append_color (snapshot, &backdrop,
                                 &GRAPHENE_RECT_INIT (round (self->alarm_label_x[i]) - 2, y, w + 4, h));
      bb_chart_style_lookup (widget, alarm_colors[i], &color);
      bb_chart_style_append_layout (snapshot, self->alarm_layouts[i], self->alarm_label_x[i], y, &color);
    }

  if (self->now_layout != NULL)
    {
      double x;
      int w, h;

      bb_chart_style_lookup (widget, "bb_chart_now", &color);
      bb_chart_style_append_vline (snapshot, widget, self->now_x, plot->origin.y,
                                   plot->origin.y + plot->size.height, &color);
      pango_layout_get_pixel_size (self->now_layout, &w, &h);
      x = round (MIN (self->now_x + 4, right - w));
      gtk_snapshot_append_color (snapshot, &backdrop,
                                 &GRAPHENE_RECT_INIT (x - 2, plot->origin.y, w + 4, h));
      bb_chart_style_append_layout (snapshot, self->now_layout, x, plot->origin.y, &color);
    }

  if (self->hover_layout != NULL)
    {
      bb_chart_style_lookup (widget, "bb_chart_axis", &color);
      bb_chart_style_append_vline (snapshot, widget, self->hover_x, plot->origin.y,
                                   plot->origin.y + plot->size.height, &color);
      bb_chart_style_lookup (widget, self->hover_index < self->n_history ? "bb_chart_history"
                                                                         : "bb_chart_median",
                             &color);
      bb_chart_style_append_hover (snapshot, widget, self->hover_layout,
                                   self->hover_x, self->hover_y, &color);
    }
}

static void
bb_fan_chart_finalize (GObject *object)
{
  BbFanChart *self = BB_FAN_CHART (object);

  clear_geometry (self);
  clear_hover (self);
  g_clear_object (&self->empty_layout);
  g_clear_pointer (&self->ward_name, g_free);
  g_clear_pointer (&self->history, g_free);
  g_clear_pointer (&self->forecast, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (bb_fan_chart_parent_class)->finalize (object);
}

static void
bb_fan_chart_class_init (BbFanChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bb_fan_chart_finalize;

  widget_class->measure = bb_fan_chart_measure;
  widget_class->size_allocate = bb_fan_chart_size_allocate;
  widget_class->snapshot = bb_fan_chart_snapshot;
  widget_class->css_changed = bb_fan_chart_css_changed;
  widget_class->root = bb_fan_chart_root;

  gtk_widget_class_set_css_name (widget_class, "fanchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bb_fan_chart_init (BbFanChart *self)
{
  self->hover_index = G_MAXSIZE;
  bb_chart_style_track_pointer (GTK_WIDGET (self), (BbChartHoverFunc) bb_fan_chart_hover);

  update_description (self);
}

GtkWidget *
bb_fan_chart_new (void)
{
  return g_object_new (BB_TYPE_FAN_CHART, NULL);
}

/* Copies the history (ascending times, typically the last 30 days), the
 * forecast (ascending, typically 14 days from now) and the capacity the
 * percentages and alarm lines refer to. */
void
bb_fan_chart_set_data (BbFanChart                  *self,
                       const char                  *ward_name,
                       const BbOccupancyChartPoint *history,
                       gsize                        n_history,
                       const BbFanForecastPoint    *forecast,
                       gsize                        n_forecast,
                       guint                        capacity,
                       gint64                       now)
{
  g_return_if_fail (BB_IS_FAN_CHART (self));
  g_return_if_fail (n_history == 0 || history != NULL);
  g_return_if_fail (n_forecast == 0 || forecast != NULL);

  g_free (self->ward_name);
  self->ward_name = g_strdup (ward_name != NULL ? ward_name : "");
  g_free (self->history);
  self->history = g_memdup2 (history, sizeof (BbOccupancyChartPoint) * n_history);
  self->n_history = n_history;
  g_free (self->forecast);
  self->forecast = g_memdup2 (forecast, sizeof (BbFanForecastPoint) * n_forecast);
  self->n_forecast = n_forecast;
  self->capacity = capacity;
  self->now = now;

  clear_hover (self);
  update_domain (self);
  update_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                   gtk_widget_get_height (GTK_WIDGET (self)));
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
bb_fan_chart_get_description (BbFanChart *self)
{
  g_return_val_if_fail (BB_IS_FAN_CHART (self), NULL);

  return self->description;
}

/* Shows the history or forecast value nearest to x (widget coordinates);
 * outside the plot hides it. Returns whether a value is shown. */
gboolean
bb_fan_chart_hover (BbFanChart *self,
                    double      x,
                    double      y)
{
  const graphene_rect_t *plot = &self->axes.plot;
  gsize index = G_MAXSIZE;

  g_return_val_if_fail (BB_IS_FAN_CHART (self), FALSE);

  if (self->axes.x_ticks != NULL
      && x >= plot->origin.x - 8 && x <= plot->origin.x + plot->size.width + 8
      && y >= plot->origin.y - 8 && y <= plot->origin.y + plot->size.height + 8)
    {
      gsize h = bb_chart_nearest_index (self->history_xs, self->n_history, x);
      const double *forecast_xs = self->median_xs + (self->n_median - self->n_forecast);
      gsize f = bb_chart_nearest_index (forecast_xs, self->n_forecast, x);

      if (h != G_MAXSIZE)
        index = h;
      if (f != G_MAXSIZE
          && (h == G_MAXSIZE || fabs (forecast_xs[f] - x) < fabs (self->history_xs[h] - x)))
        index = self->n_history + f;
    }

  if (index == self->hover_index)
    return index != G_MAXSIZE;

  clear_hover (self);
  if (index != G_MAXSIZE)
    {
      g_autofree char *when = NULL;

      self->hover_index = index;
      if (index < self->n_history)
        {
          const BbOccupancyChartPoint *point = &self->history[index];

          when = bb_chart_format_time (point->time, NULL);
          self->hover_x = self->history_xs[index];
          self->hover_y = self->history_ys[index];
          self->hover_text = g_strdup_printf (_("%s · %s · %u of %u beds (%d%%)"),
                                              self->ward_name, when, point->occupied,
                                              self->capacity,
                                              (int) round (percent (point->occupied, self->capacity)));
        }
      else
        {
          const BbFanForecastPoint *point = &self->forecast[index - self->n_history];
          gsize m = self->n_median - self->n_forecast + (index - self->n_history);

          when = bb_chart_format_time (point->time, NULL);
          self->hover_x = self->median_xs[m];
          self->hover_y = self->median_ys[m];
          /* TRANSLATORS: a forecast under the pointer: ward, time, median beds,
           * capacity, percent, 10th and 90th percentiles, e.g.
           * "ICU · Tue 14:00 · forecast 18 of 20 beds (90%), 80% between 16 and 20" */
          self->hover_text = g_strdup_printf (_("%s · %s · forecast %.0f of %u beds (%d%%), 80%% between %.0f and %.0f"),
                                              self->ward_name, when, point->median, self->capacity,
                                              (int) round (percent (point->median, self->capacity)),
                                              point->p10, point->p90);
        }
      self->hover_layout = bb_chart_style_label (GTK_WIDGET (self), self->hover_text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return index != G_MAXSIZE;
}

const char *
bb_fan_chart_get_hover_text (BbFanChart *self)
{
  g_return_val_if_fail (BB_IS_FAN_CHART (self), NULL);

  return self->hover_text;
}

/* The time of the first forecast point whose median reaches fraction of the
 * capacity, or G_MININT64 when none does. For the forecast page's list of
 * wards that will cross an alarm line, and for the description. */
gint64
bb_fan_chart_first_crossing (const BbFanForecastPoint *forecast,
                             gsize                     n_forecast,
                             guint                     capacity,
                             double                    fraction)
{
  g_return_val_if_fail (n_forecast == 0 || forecast != NULL, G_MININT64);

  if (capacity == 0)
    return G_MININT64;
  for (gsize i = 0; i < n_forecast; i++)
    {
      /* A tiny tolerance so 17 of 20 counts as reaching 85%. */
      if (forecast[i].median >= fraction * capacity - 1e-9)
        return forecast[i].time;
    }
  return G_MININT64;
}

/* The chart in words: the latest value, the low and high of the history, the
 * forecast's peak and when the median crosses each alarm line. */
char *
bb_fan_chart_describe (const char                  *ward_name,
                       const BbOccupancyChartPoint *history,
                       gsize                        n_history,
                       const BbFanForecastPoint    *forecast,
                       gsize                        n_forecast,
                       guint                        capacity)
{
  GString *text;

  if (ward_name == NULL)
    ward_name = "";
  if (capacity == 0 || ((n_history == 0 || history == NULL) && (n_forecast == 0 || forecast == NULL)))
    return g_strdup_printf (_("Occupancy forecast of %s: no data"), ward_name);

  text = g_string_new (NULL);
  if (n_history > 0 && history != NULL)
    {
      const BbOccupancyChartPoint *last = &history[n_history - 1];
      guint low = G_MAXUINT, high = 0;
      int days = (int) round ((last->time - history[0].time) / 86400.0);

      for (gsize i = 0; i < n_history; i++)
        {
          low = MIN (low, history[i].occupied);
          high = MAX (high, history[i].occupied);
        }
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Occupancy of %s: now %u of %u beds (%d%%); low %u, high %u over the last %d day.",
                                           "Occupancy of %s: now %u of %u beds (%d%%); low %u, high %u over the last %d days.",
                                           MAX (days, 1)),
                              ward_name, last->occupied, capacity,
                              (int) round (percent (last->occupied, capacity)), low, high, MAX (days, 1));
    }
  else
    g_string_append_printf (text, _("Occupancy of %s: no history."), ward_name);

  if (n_forecast > 0 && forecast != NULL)
    {
      gsize peak = 0;
      int days = (int) round ((forecast[n_forecast - 1].time - forecast[0].time) / 86400.0);
      g_autofree char *peak_when = NULL;

      for (gsize i = 1; i < n_forecast; i++)
        if (forecast[i].median > forecast[peak].median)
          peak = i;
      peak_when = bb_chart_format_time (forecast[peak].time, NULL);
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Forecast for the next %d day: median peak %.0f beds (%d%%) on %s, 80%% between %.0f and %.0f beds.",
                                           "Forecast for the next %d days: median peak %.0f beds (%d%%) on %s, 80%% between %.0f and %.0f beds.",
                                           MAX (days, 1)),
                              MAX (days, 1), forecast[peak].median,
                              (int) round (percent (forecast[peak].median, capacity)), peak_when,
                              forecast[peak].p10, forecast[peak].p90);

      for (guint i = 0; i < G_N_ELEMENTS (alarm_fractions); i++)
        {
          gint64 when = bb_fan_chart_first_crossing (forecast, n_forecast, capacity,
                                                     alarm_fractions[i]);
          int line = (int) round (100.0 * alarm_fractions[i]);

          g_string_append_c (text, ' ');
          if (when == G_MININT64)
            /* TRANSLATORS: %d is an alarm line in percent occupancy, e.g. 85 */
            g_string_append_printf (text, _("The median stays below the %d%% alarm line."), line);
          else
            {
              g_autofree char *at = bb_chart_format_time (when, NULL);

              /* TRANSLATORS: an alarm line in percent and a time, e.g. "85" and "Tue 14:00" */
              g_string_append_printf (text, _("The median reaches the %d%% alarm line on %s."),
                                      line, at);
            }
        }
    }

  return g_string_free (text, FALSE);
}
