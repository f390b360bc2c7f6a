/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-probability-chart.c: the chance that a bed is free over the coming days
 * as a filled curve, with the 80% threshold and a marker where the curve
 * first reaches it. Geometry is computed when the points or the size change. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-probability-chart.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bb-chart-axes.h"
#include "bb-chart-scale.h"
#include "bb-chart-style.h"

#define LINE_WIDTH 2.0

struct _BbProbabilityChart
{
  GtkWidget           parent_instance;

  BbProbabilityPoint *points;
  gsize               n_points;
  char               *description;

  BbChartAxes         axes;
  double             *xs;
  double             *ys;
  double              threshold_y;
  double              threshold_label_x;
  gsize               first_above;    /* G_MAXSIZE: never reaches the threshold */
  PangoLayout        *threshold_layout;
  PangoLayout        *empty_layout;

  gsize               hover_index;
  char               *hover_text;
  PangoLayout        *hover_layout;
};

G_DEFINE_FINAL_TYPE (BbProbabilityChart, bb_probability_chart, GTK_TYPE_WIDGET)

static void
clear_hover (BbProbabilityChart *self)
{
  self->hover_index = G_MAXSIZE;
  g_clear_pointer (&self->hover_text, g_free);
  g_clear_object (&self->hover_layout);
}

static void
clear_geometry (BbProbabilityChart *self)
{
  bb_chart_axes_clear (&self->axes);
  g_clear_pointer (&self->xs, g_free);
  g_clear_pointer (&self->ys, g_free);
  g_clear_object (&self->threshold_layout);
}

static void
update_geometry (BbProbabilityChart *self,
                 int                 width,
                 int                 height)
{
  gint64 t_start, t_end;
  g_autofree char *label = NULL;

  clear_geometry (self);
  if (self->n_points == 0 || width <= 0 || height <= 0)
    return;

  t_start = self->points[0].time;
  t_end = MAX (self->points[self->n_points - 1].time, t_start + 3600);
  bb_chart_axes_layout (&self->axes, GTK_WIDGET (self), &GRAPHENE_RECT_INIT (0, 0, width, height),
                        t_start, t_end, 0.0, 1.0, BB_CHART_VALUE_FRACTION);

  self->xs = g_new (double, self->n_points);
  self->ys = g_new (double, self->n_points);
  for (gsize i = 0; i < self->n_points; i++)
    {
      self->xs[i] = bb_chart_scale_map (&self->axes.x, (double) self->points[i].time);
      self->ys[i] = bb_chart_scale_map (&self->axes.y, CLAMP (self->points[i].probability, 0.0, 1.0));
    }
  self->threshold_y = bb_chart_scale_map (&self->axes.y, BB_PROBABILITY_CHART_THRESHOLD);
  /* TRANSLATORS: label of the threshold line on the free-bed probability chart */
  label = g_strdup_printf (_("%.0f%% likely"), 100.0 * BB_PROBABILITY_CHART_THRESHOLD);
  self->threshold_layout = bb_chart_style_label (GTK_WIDGET (self), label);

  /* The label sits above its line at the left, the middle or the right,
   * wherever the curve crosses it least. */
  {
    const graphene_rect_t *plot = &self->axes.plot;
    gsize best = G_MAXSIZE;
    double candidates[3];
    int w, h;

    pango_layout_get_pixel_size (self->threshold_layout, &w, &h);
    candidates[0] = plot->origin.x + 4;
    candidates[1] = plot->origin.x + (plot->size.width - w) / 2;
    candidates[2] = plot->origin.x + plot->size.width - w - 6;
    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      {
        gsize crossings = bb_chart_count_crossings (self->xs, self->ys, self->n_points,
                                                    candidates[i] - 2, self->threshold_y - h - 1,
                                                    candidates[i] + w + 2, self->threshold_y - 1);

        if (crossings < best)
          {
            best = crossings;
            self->threshold_label_x = candidates[i];
          }
      }
  }
}

static void
update_description (BbProbabilityChart *self)
{
  bb_chart_style_set_description (GTK_WIDGET (self), &self->description,
                                  bb_probability_chart_describe (self->points, self->n_points));
}

static void
bb_probability_chart_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  update_geometry (BB_PROBABILITY_CHART (widget), width, height);
}

static void
bb_probability_chart_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else
    {
      *minimum = 120;
      *natural = 220;
    }
}

static void
bb_probability_chart_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  BbProbabilityChart *self = BB_PROBABILITY_CHART (widget);

  GTK_WIDGET_CLASS (bb_probability_chart_parent_class)->css_changed (widget, change);
  g_clear_object (&self->empty_layout);
  gtk_widget_queue_resize (widget);
}

static void
bb_probability_chart_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bb_probability_chart_parent_class)->root (widget);
  bb_chart_style_ensure_provider (widget);
}

static void
bb_probability_chart_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  BbProbabilityChart *self = BB_PROBABILITY_CHART (widget);
  const graphene_rect_t *plot = &self->axes.plot;
  double right = plot->origin.x + plot->size.width;
  double bottom = plot->origin.y + plot->size.height;
  static const double dash[] = { 6.0, 4.0 };
  GdkRGBA color, backdrop;
  cairo_t *cr;
  int w, h;
  double y;

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

  /* The area under the curve, then the curve. */
  cairo_move_to (cr, self->xs[0], bottom);
  for (gsize i = 0; i < self->n_points; i++)
    cairo_line_to (cr, self->xs[i], self->ys[i]);
  cairo_line_to (cr, self->xs[self->n_points - 1], bottom);
  cairo_close_path (cr);
  bb_chart_style_lookup (widget, "bb_chart_probability_fill", &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_fill (cr);

  cairo_set_line_width (cr, 1.0);
  bb_chart_style_lookup (widget, "bb_chart_threshold", &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_dash (cr, dash, 2, 0);
  /* Crisp at any scale factor: on device pixels, not between them. */
  y = self->threshold_y;
  bb_chart_snap_to_pixel (&y, gtk_widget_get_scale_factor (widget), 1.0);
  cairo_move_to (cr, plot->origin.x, y);
  cairo_line_to (cr, right, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_set_line_width (cr, LINE_WIDTH);
  bb_chart_style_lookup (widget, "bb_chart_probability", &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_move_to (cr, self->xs[0], self->ys[0]);
  for (gsize i = 1; i < self->n_points; i++)
    cairo_line_to (cr, self->xs[i], self->ys[i]);
  if (self->n_points == 1)
    cairo_rel_line_to (cr, 0.01, 0);
  cairo_stroke (cr);
  cairo_destroy (cr);

  /* The threshold's label, above its line where the curve leaves room. */
  bb_chart_style_lookup (widget, "bb_chart_label_backdrop", &backdrop);
  bb_chart_style_lookup (widget, "bb_chart_threshold", &color);
  pango_layout_get_pixel_size (self->threshold_layout, &w, &h);
  y = round (self->threshold_y - h - 1);
  gtk_snapshot_append_color (snapshot, &backdrop,
                             &GRAPHENE_RECT_INIT (round (self->threshold_label_x) - 2, y, w + 4, h));
  bb_chart_style_append_layout (snapshot, self->threshold_layout, self->threshold_label_x, y, &color);

  if (self->first_above != G_MAXSIZE)
    bb_chart_style_append_vline (snapshot, widget, self->xs[self->first_above],
                                 self->threshold_y, bottom, &color);

  if (self->hover_layout != NULL)
    {
      bb_chart_style_lookup (widget, "bb_chart_axis", &color);
      bb_chart_style_append_vline (snapshot, widget, self->xs[self->hover_index],
                                   plot->origin.y, bottom, &color);
      bb_chart_style_lookup (widget, "bb_chart_probability", &color);
      bb_chart_style_append_hover (snapshot, widget, self->hover_layout,
                                   self->xs[self->hover_index], self->ys[self->hover_index], &color);
    }
}

static void
bb_probability_chart_finalize (GObject *object)
{
  BbProbabilityChart *self = BB_PROBABILITY_CHART (object);

  clear_geometry (self);
  clear_hover (self);
  g_clear_object (&self->empty_layout);
  g_clear_pointer (&self->points, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (bb_probability_chart_parent_class)->finalize (object);
}

static void
bb_probability_chart_class_init (BbProbabilityChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bb_probability_chart_finalize;

  widget_class->measure = bb_probability_chart_measure;
  widget_class->size_allocate = bb_probability_chart_size_allocate;
  widget_class->snapshot = bb_probability_chart_snapshot;
  widget_class->css_changed = bb_probability_chart_css_changed;
  widget_class->root = bb_probability_chart_root;

  gtk_widget_class_set_css_name (widget_class, "probabilitychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bb_probability_chart_init (BbProbabilityChart *self)
{
  self->hover_index = G_MAXSIZE;
  self->first_above = G_MAXSIZE;
  bb_chart_style_track_pointer (GTK_WIDGET (self), (BbChartHoverFunc) bb_probability_chart_hover);

  update_description (self);
}

GtkWidget *
bb_probability_chart_new (void)
{
  return g_object_new (BB_TYPE_PROBABILITY_CHART, NULL);
}

/* Copies the points (ascending times; probabilities outside 0..1 are drawn
 * clamped). */
void
bb_probability_chart_set_points (BbProbabilityChart       *self,
                                 const BbProbabilityPoint *points,
                                 gsize                     n_points)
{
  g_return_if_fail (BB_IS_PROBABILITY_CHART (self));
  g_return_if_fail (n_points == 0 || points != NULL);

  g_free (self->points);
  self->points = g_memdup2 (points, sizeof (BbProbabilityPoint) * n_points);
  self->n_points = n_points;
  self->first_above = bb_probability_chart_first_above (points, n_points,
                                                        BB_PROBABILITY_CHART_THRESHOLD);

  clear_hover (self);
  update_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                   gtk_widget_get_height (GTK_WIDGET (self)));
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
bb_probability_chart_get_description (BbProbabilityChart *self)
{
  g_return_val_if_fail (BB_IS_PROBABILITY_CHART (self), NULL);

  return self->description;
}

gboolean
bb_probability_chart_hover (BbProbabilityChart *self,
                            double              x,
                            double              y)
{
  const graphene_rect_t *plot = &self->axes.plot;
  gsize index = G_MAXSIZE;

  g_return_val_if_fail (BB_IS_PROBABILITY_CHART (self), FALSE);

  if (self->axes.x_ticks != NULL
      && x >= plot->origin.x - 8 && x <= plot->origin.x + plot->size.width + 8
      && y >= plot->origin.y - 8 && y <= plot->origin.y + plot->size.height + 8)
    index = bb_chart_nearest_index (self->xs, self->n_points, x);

  if (index == self->hover_index)
    return index != G_MAXSIZE;

  clear_hover (self);
  if (index != G_MAXSIZE)
    {
      g_autofree char *when = bb_chart_format_time (self->points[index].time, NULL);

      self->hover_index = index;
      /* TRANSLATORS: the value under the pointer, e.g. "Tue 14:00 · 72% chance a bed is free" */
      self->hover_text = g_strdup_printf (_("%s · %.0f%% chance a bed is free"), when,
                                          100.0 * CLAMP (self->points[index].probability, 0.0, 1.0));
      self->hover_layout = bb_chart_style_label (GTK_WIDGET (self), self->hover_text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return index != G_MAXSIZE;
}

const char *
bb_probability_chart_get_hover_text (BbProbabilityChart *self)
{
  g_return_val_if_fail (BB_IS_PROBABILITY_CHART (self), NULL);

  return self->hover_text;
}

/* The index of the first point at or above threshold, G_MAXSIZE if none. */
gsize
bb_probability_chart_first_above (const BbProbabilityPoint *points,
                                  gsize                     n_points,
                                  double                    threshold)
{
  g_return_val_if_fail (n_points == 0 || points != NULL, G_MAXSIZE);

  for (gsize i = 0; i < n_points; i++)
    if (points[i].probability >= threshold)
      return i;
  return G_MAXSIZE;
}

/* The chart in words: the chance now, when it first reaches 80% (or its
 * highest if it never does), and at the end of the horizon. */
char *
bb_probability_chart_describe (const BbProbabilityPoint *points,
                               gsize                     n_points)
{
  GString *text;
  gsize above, best = 0;
  int days;

  if (n_points == 0 || points == NULL)
    return g_strdup (_("Chance that a bed is free: no data"));

  days = MAX (1, (int) round ((points[n_points - 1].time - points[0].time) / 86400.0));
  text = g_string_new (NULL);
  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Chance that a bed is free over the next %d day: now %.0f%%",
                                       "Chance that a bed is free over the next %d days: now %.0f%%",
                                       days),
                          days, 100.0 * CLAMP (points[0].probability, 0.0, 1.0));

  above = bb_probability_chart_first_above (points, n_points, BB_PROBABILITY_CHART_THRESHOLD);
  if (above == 0)
    g_string_append_printf (text, _(", already above %.0f%%"), 100.0 * BB_PROBABILITY_CHART_THRESHOLD);
  else if (above != G_MAXSIZE)
    {
      g_autofree char *when = bb_chart_format_time (points[above].time, NULL);

      g_string_append_printf (text, _(", reaching %.0f%% on %s"),
                              100.0 * BB_PROBABILITY_CHART_THRESHOLD, when);
    }
  else
    {
      g_autofree char *when = NULL;

      for (gsize i = 1; i < n_points; i++)
        if (points[i].probability > points[best].probability)
          best = i;
      when = bb_chart_format_time (points[best].time, NULL);
      g_string_append_printf (text, _(", never reaching %.0f%%; highest %.0f%% on %s"),
                              100.0 * BB_PROBABILITY_CHART_THRESHOLD,
                              100.0 * CLAMP (points[best].probability, 0.0, 1.0), when);
    }
  g_string_append_printf (text, _(", and %.0f%% at the end."),
                          100.0 * CLAMP (points[n_points - 1].probability, 0.0, 1.0));

  return g_string_free (text, FALSE);
}
