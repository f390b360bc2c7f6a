/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-calibration-chart.c: a scatter of predicted against actual stays, drawn
 * in snapshot() with cairo. Positions are computed when the points or the
 * size change, never while drawing. Log axes: stays run from hours to
 * months, and a model that is off by a factor looks the same at any length. */
#define G_LOG_DOMAIN "bb-calibration-chart"

#include "config.h"

#include "bb-calibration-chart.h"

#include <math.h>

#include <glib/gi18n.h>

#include "bb-chart-style.h"

#define MIN_DAYS 0.25
#define MARGIN_LEFT 40.0
#define MARGIN_BOTTOM 34.0
#define MARGIN_TOP 8.0
#define MARGIN_RIGHT 10.0
#define DOT_RADIUS 2.5

static const double ticks[] = { 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200 };

struct _BbCalibrationChart
{
  GtkWidget           parent_instance;

  BbCalibrationPoint *points;
  gsize               n_points;
  char               *model_name;
  char               *description;
  double              max_days;

  /* Geometry for the current size: dot centres and tick positions. */
  double             *xs;
  double             *ys;
  double              plot_x, plot_y, plot_w, plot_h;
  PangoLayout        *tick_layouts[G_N_ELEMENTS (ticks)];
  PangoLayout        *x_title;
  PangoLayout        *y_title;
  PangoLayout        *empty_layout;

  /* The stay under the pointer, G_MAXSIZE when none. */
  gsize               hover_index;
  PangoLayout        *hover_layout;
};

G_DEFINE_FINAL_TYPE (BbCalibrationChart, bb_calibration_chart, GTK_TYPE_WIDGET)

gboolean
bb_calibration_summarize (const BbCalibrationPoint *points,
                          gsize                     n_points,
                          BbCalibrationSummary     *out)
{
  double abs_sum = 0, diff_sum = 0;
  guint covered = 0;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (n_points == 0 || points != NULL, FALSE);

  out->n = n_points;
  if (n_points == 0)
    {
      out->mae_days = out->coverage = out->bias_days = NAN;
      return FALSE;
    }
  for (gsize i = 0; i < n_points; i++)
    {
      double d = points[i].predicted - points[i].actual;

      abs_sum += fabs (d);
      diff_sum += d;
      if (points[i].actual >= points[i].p10 && points[i].actual <= points[i].p90)
        covered++;
    }
  out->mae_days = abs_sum / n_points;
  out->bias_days = diff_sum / n_points;
  out->coverage = (double) covered / n_points;
  return TRUE;
}

static double
scale_days (const BbCalibrationChart *self,
            double                    days,
            double                    length)
{
  double lo = log (MIN_DAYS), hi = log (self->max_days);

  days = CLAMP (days, MIN_DAYS, self->max_days);
  return length * (log (days) - lo) / (hi - lo);
}

static void
clear_hover (BbCalibrationChart *self)
{
  self->hover_index = G_MAXSIZE;
  g_clear_object (&self->hover_layout);
}

static void
update_description (BbCalibrationChart *self)
{
  BbCalibrationSummary s;

  g_clear_pointer (&self->description, g_free);
  if (!bb_calibration_summarize (self->points, self->n_points, &s))
    {
      if (*self->model_name == '\0')
        self->description = g_strdup (_("Predicted against actual stays: no recent discharges"));
      else
        /* TRANSLATORS: %s is a model, e.g. icu-los */
        self->description = g_strdup_printf (_("Predicted against actual stays of %s: no recent discharges"),
                                             self->model_name);
    }
  else if (s.bias_days >= 0)
    /* TRANSLATORS: model, number of stays, mean absolute error in days, percent inside the interval,
     * mean signed error in days */
    self->description = g_strdup_printf (_("Predicted against actual stays of %s for %u recent discharges: "
                                           "the median is off by %.1f days on average, %.0f%% of the stays "
                                           "fell inside the predicted 80%% interval, and predictions run "
                                           "%.1f days long on average."),
                                         self->model_name, s.n, s.mae_days, 100.0 * s.coverage, s.bias_days);
  else
    /* TRANSLATORS: model, number of stays, mean absolute error in days, percent inside the interval,
     * mean signed error in days */
    self->description = g_strdup_printf (_("Predicted against actual stays of %s for %u recent discharges: "
                                           "the median is off by %.1f days on average, %.0f%% of the stays "
                                           "fell inside the predicted 80%% interval, and predictions run "
                                           "%.1f days short on average."),
                                         self->model_name, s.n, s.mae_days, 100.0 * s.coverage, -s.bias_days);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static void
update_geometry (BbCalibrationChart *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  self->plot_x = MARGIN_LEFT;
  self->plot_y = MARGIN_TOP;
  self->plot_w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  self->plot_h = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 1);

  g_clear_pointer (&self->xs, g_free);
  g_clear_pointer (&self->ys, g_free);
  if (self->n_points == 0)
    return;
  self->xs = g_new (double, self->n_points);
  self->ys = g_new (double, self->n_points);
  for (gsize i = 0; i < self->n_points; i++)
    {
      self->xs[i] = self->plot_x + scale_days (self, self->points[i].predicted, self->plot_w);
      self->ys[i] = self->plot_y + self->plot_h - scale_days (self, self->points[i].actual, self->plot_h);
    }
}

static void
clear_layouts (BbCalibrationChart *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    g_clear_object (&self->tick_layouts[i]);
  g_clear_object (&self->x_title);
  g_clear_object (&self->y_title);
  g_clear_object (&self->empty_layout);
}

static void
ensure_layouts (BbCalibrationChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  if (self->x_title != NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    {
      g_autofree char *text = ticks[i] < 1 ? g_strdup_printf ("%.2g", ticks[i]) : g_strdup_printf ("%.0f", ticks[i]);

      self->tick_layouts[i] = bb_chart_style_label (widget, text);
    }
  self->x_title = bb_chart_style_label (widget, _("Predicted median stay (days)"));
  self->y_title = bb_chart_style_label (widget, _("Actual stay (days)"));
  self->empty_layout = bb_chart_style_label (widget, _("No recent discharges"));
}

/* The stay nearest to (x, y) within a few pixels, with its numbers as the
 * hover label. */
static gboolean
hover_at (BbCalibrationChart *self,
          double              x,
          double              y)
{
  double best = 8.0 * 8.0;
  gsize found = G_MAXSIZE;

  for (gsize i = 0; self->xs != NULL && i < self->n_points; i++)
    {
      double d = (self->xs[i] - x) * (self->xs[i] - x) + (self->ys[i] - y) * (self->ys[i] - y);

      if (d < best)
        {
          best = d;
          found = i;
        }
    }
  if (found == self->hover_index)
    return found != G_MAXSIZE;
  clear_hover (self);
  if (found != G_MAXSIZE)
    {
      const BbCalibrationPoint *p = &self->points[found];
      /* TRANSLATORS: one stay: predicted median, its 80% interval, what it was (days) */
      g_autofree char *text = g_strdup_printf (_("Predicted %.1f days (80%%: %.1f–%.1f), stayed %.1f"),
                                               p->predicted, p->p10, p->p90, p->actual);

      self->hover_index = found;
      self->hover_layout = bb_chart_style_label (GTK_WIDGET (self), text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return found != G_MAXSIZE;
}

static void
bb_calibration_chart_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  update_geometry (BB_CALIBRATION_CHART (widget));
  clear_hover (BB_CALIBRATION_CHART (widget));
}

static void
bb_calibration_chart_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 140;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 220;
}

static void
bb_calibration_chart_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bb_calibration_chart_parent_class)->css_changed (widget, change);
  clear_layouts (BB_CALIBRATION_CHART (widget));
  gtk_widget_queue_draw (widget);
}

static void
bb_calibration_chart_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bb_calibration_chart_parent_class)->root (widget);
  bb_chart_style_ensure_provider (widget);
}

static void
bb_calibration_chart_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  BbCalibrationChart *self = BB_CALIBRATION_CHART (widget);
  double bottom = self->plot_y + self->plot_h;
  double right = self->plot_x + self->plot_w;
  GdkRGBA grid, text, inside, outside, diagonal;
  cairo_t *cr;
  int w, h;

  ensure_layouts (self);
  if (self->n_points == 0)
    {
      bb_chart_style_append_empty (snapshot, widget, self->empty_layout);
      return;
    }
  bb_chart_style_lookup (widget, "bb_chart_grid", &grid);
  bb_chart_style_lookup (widget, "bb_chart_text", &text);
  bb_chart_style_lookup (widget, "bb_chart_median", &inside);
  bb_chart_style_lookup (widget, "bb_chart_alarm_critical", &outside);
  bb_chart_style_lookup (widget, "bb_chart_axis", &diagonal);

  /* Grid and tick labels on both axes. */
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    {
      double x, y;

      if (ticks[i] > self->max_days * 1.001)
        break;
      x = round (self->plot_x + scale_days (self, ticks[i], self->plot_w));
      y = round (bottom - scale_days (self, ticks[i], self->plot_h));
      bb_chart_style_append_vline (snapshot, widget, x, self->plot_y, bottom, &grid);
      bb_chart_style_append_hline (snapshot, widget, self->plot_x, right, y, &grid);
      pango_layout_get_pixel_size (self->tick_layouts[i], &w, &h);
      bb_chart_style_append_layout (snapshot, self->tick_layouts[i], x - w / 2.0, bottom + 2, &text);
      /* The origin is labelled once, on the x axis. */
      if (i > 0)
        bb_chart_style_append_layout (snapshot, self->tick_layouts[i], self->plot_x - w - 4, y - h / 2.0, &text);
    }
  pango_layout_get_pixel_size (self->x_title, &w, &h);
  bb_chart_style_append_layout (snapshot, self->x_title, self->plot_x + (self->plot_w - w) / 2.0,
                                bottom + 2 + h, &text);
  bb_chart_style_append_layout (snapshot, self->y_title, self->plot_x + 4, self->plot_y, &text);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (self->plot_x - DOT_RADIUS,
                                                                 self->plot_y - DOT_RADIUS,
                                                                 self->plot_w + 2 * DOT_RADIUS,
                                                                 self->plot_h + 2 * DOT_RADIUS));
  /* Where prediction equals outcome. */
  gdk_cairo_set_source_rgba (cr, &diagonal);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, self->plot_x, bottom);
  cairo_line_to (cr, right, self->plot_y);
  cairo_stroke (cr);

  for (int pass = 0; pass < 2; pass++)
    {
      GdkRGBA color = pass == 0 ? inside : outside;

      color.alpha *= 0.6;
      gdk_cairo_set_source_rgba (cr, &color);
      for (gsize i = 0; i < self->n_points; i++)
        {
          const BbCalibrationPoint *p = &self->points[i];
          gboolean in = p->actual >= p->p10 && p->actual <= p->p90;

          if (in != (pass == 0))
            continue;
          cairo_new_sub_path (cr);
          cairo_arc (cr, self->xs[i], self->ys[i], DOT_RADIUS, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
  cairo_destroy (cr);

  if (self->hover_layout != NULL)
    bb_chart_style_append_hover (snapshot, widget, self->hover_layout,
                                 self->xs[self->hover_index], self->ys[self->hover_index], &inside);
}

static void
bb_calibration_chart_finalize (GObject *object)
{
  BbCalibrationChart *self = BB_CALIBRATION_CHART (object);

  clear_layouts (self);
  clear_hover (self);
  g_clear_pointer (&self->points, g_free);
  g_clear_pointer (&self->xs, g_free);
  g_clear_pointer (&self->ys, g_free);
  g_clear_pointer (&self->model_name, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (bb_calibration_chart_parent_class)->finalize (object);
}

static void
bb_calibration_chart_class_init (BbCalibrationChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bb_calibration_chart_finalize;
  widget_class->snapshot = bb_calibration_chart_snapshot;
  widget_class->measure = bb_calibration_chart_measure;
  widget_class->size_allocate = bb_calibration_chart_size_allocate;
  widget_class->css_changed = bb_calibration_chart_css_changed;
  widget_class->root = bb_calibration_chart_root;

  gtk_widget_class_set_css_name (widget_class, "calibration-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bb_calibration_chart_init (BbCalibrationChart *self)
{
  self->model_name = g_strdup ("");
  self->max_days = 10;
  self->hover_index = G_MAXSIZE;
  update_description (self);
  bb_chart_style_track_pointer (GTK_WIDGET (self), (BbChartHoverFunc) bb_calibration_chart_hover);
}

GtkWidget *
bb_calibration_chart_new (void)
{
  return g_object_new (BB_TYPE_CALIBRATION_CHART, NULL);
}

void
bb_calibration_chart_set_points (BbCalibrationChart       *self,
                                 const char               *model_name,
                                 const BbCalibrationPoint *points,
                                 gsize                     n_points)
{
  g_return_if_fail (BB_IS_CALIBRATION_CHART (self));
  g_return_if_fail (n_points == 0 || points != NULL);

  g_free (self->points);
  self->points = n_points > 0 ? g_memdup2 (points, n_points * sizeof *points) : NULL;
  self->n_points = n_points;
  g_free (self->model_name);
  self->model_name = g_strdup (model_name != NULL ? model_name : "");

  /* The axes reach the next tick above the longest stay, at least 10 days. */
  self->max_days = 10;
  for (gsize i = 0; i < n_points; i++)
    self->max_days = MAX (self->max_days, MAX (points[i].actual, points[i].predicted));
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    if (ticks[i] >= self->max_days)
      {
        self->max_days = ticks[i];
        break;
      }
  self->max_days = MIN (self->max_days, ticks[G_N_ELEMENTS (ticks) - 1]);

  clear_hover (self);
  update_geometry (self);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
bb_calibration_chart_get_n_points (BbCalibrationChart *self)
{
  g_return_val_if_fail (BB_IS_CALIBRATION_CHART (self), 0);

  return self->n_points;
}

gboolean
bb_calibration_chart_hover (BbCalibrationChart *self,
                            double              x,
                            double              y)
{
  g_return_val_if_fail (BB_IS_CALIBRATION_CHART (self), FALSE);

  return hover_at (self, x, y);
}

const char *
bb_calibration_chart_get_hover_text (BbCalibrationChart *self)
{
  g_return_val_if_fail (BB_IS_CALIBRATION_CHART (self), NULL);

  return self->hover_layout != NULL ? pango_layout_get_text (self->hover_layout) : NULL;
}

const char *
bb_calibration_chart_get_description (BbCalibrationChart *self)
{
  g_return_val_if_fail (BB_IS_CALIBRATION_CHART (self), NULL);

  return self->description;
}
