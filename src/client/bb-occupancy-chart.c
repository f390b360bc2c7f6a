/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-occupancy-chart.c: occupancy history of one or many wards as lines.
 * Pixel positions of every point are computed when the data or the size
 * changes, and the lines (up to 20 wards x 720 points, too many for cairo to
 * stroke within a frame's budget) are rasterised then, once, into a texture
 * at the device scale. snapshot() draws the axes, that texture, the legend
 * and the hover label, so redraws for hovering or exposure stay cheap.
 * Hovering finds the nearest point of the nearest ward (binary search on x
 * per ward) and labels it. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-occupancy-chart.h"
#include "bb-occupancy-chart-private.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bb-chart-axes.h"
#include "bb-chart-scale.h"
#include "bb-chart-style.h"

#define LINE_WIDTH 1.5

typedef struct
{
  char             *name;
  BbOccupancyChartPoint *points;
  gsize             n_points;
  double           *xs;          /* pixels, valid after allocation */
  double           *ys;
  PangoLayout      *legend;
  graphene_point_t  legend_at;
} Series;

struct _BbOccupancyChart
{
  GtkWidget    parent_instance;

  GPtrArray   *series;           /* Series */
  gboolean     show_percent;
  char        *description;

  gint64       t_start;
  gint64       t_end;
  double       y_max;

  BbChartAxes  axes;
  gboolean     legend_visible;
  GdkTexture  *lines;            /* the wards' lines, rasterised */
  cairo_surface_t *lines_surface; /* the same pixels, for GTK's cairo renderer */
  graphene_rect_t lines_bounds;
  gboolean     lines_data_dirty; /* new data since rasterising: may redraw in a thread */
  gboolean     lines_style_dirty;/* new colours: redraw at once */
  gboolean     lines_pending;    /* a worker thread is drawing newer lines */
  guint64      lines_generation;
  GCancellable *lines_cancellable;
  int          lines_width;      /* the size and scale they were made for */
  int          lines_height;
  int          lines_scale;
  PangoLayout *empty_layout;

  guint        hover_series;
  gsize        hover_index;
  char        *hover_text;
  PangoLayout *hover_layout;
};

G_DEFINE_FINAL_TYPE (BbOccupancyChart, bb_occupancy_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SHOW_PERCENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->name);
  g_free (series->points);
  g_free (series->xs);
  g_free (series->ys);
  g_clear_object (&series->legend);
  g_free (series);
}

static double
point_value (const BbOccupancyChartPoint *point,
             gboolean                percent)
{
  if (!percent)
    return point->occupied;
  return point->capacity > 0 ? 100.0 * point->occupied / point->capacity : 0.0;
}

static int
percent_of (guint occupied,
            guint capacity)
{
  return capacity > 0 ? (int) round (100.0 * occupied / capacity) : 0;
}

/* "30 days" or "7 hours": how far back the data reaches. */
static char *
describe_span (gint64 seconds)
{
  if (seconds >= 2 * 86400)
    {
      int days = (int) round (seconds / 86400.0);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days), days);
    }
  else
    {
      int hours = MAX (1, (int) round (seconds / 3600.0));

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours), hours);
    }
}

static gboolean
has_points (BbOccupancyChart *self)
{
  for (guint i = 0; i < self->series->len; i++)
    if (((Series *) g_ptr_array_index (self->series, i))->n_points > 0)
      return TRUE;
  return FALSE;
}

static void
clear_hover (BbOccupancyChart *self)
{
  self->hover_index = G_MAXSIZE;
  g_clear_pointer (&self->hover_text, g_free);
  g_clear_object (&self->hover_layout);
}

/* Legend entries flow in rows under the time axis; returns the height they
 * take. Only shown for more than one ward. */
static double
layout_legend (BbOccupancyChart *self,
               double            width,
               double            bottom)
{
  g_autofree PangoLayout **layouts = NULL;
  g_autofree graphene_point_t *at = NULL;
  double height;

  self->legend_visible = self->series->len > 1;
  if (!self->legend_visible)
    return 0;

  layouts = g_new (PangoLayout *, self->series->len);
  at = g_new (graphene_point_t, self->series->len);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      if (series->legend == NULL)
        series->legend = bb_chart_style_label (GTK_WIDGET (self), series->name);
      layouts[i] = series->legend;
    }
  height = bb_chart_style_flow_legend (layouts, self->series->len, width, at);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      series->legend_at = GRAPHENE_POINT_INIT (at[i].x, bottom - height + at[i].y);
    }
  return height + BB_CHART_LEGEND_ROW_GAP;
}

/* What the lines are drawn from, copied so a worker thread can draw them
 * while the widget's own arrays move on. */
typedef struct
{
  guint           n_series;
  double        **xs;
  double        **ys;
  gsize          *n_points;
  GdkRGBA        *colors;
  graphene_rect_t bounds;
  int             scale;
  int             widget_width;
  int             widget_height;
  guint64         generation;
} LinesJob;

static void
lines_job_free (gpointer data)
{
  LinesJob *job = data;

  for (guint i = 0; i < job->n_series; i++)
    {
      g_free (job->xs[i]);
      g_free (job->ys[i]);
    }
  g_free (job->xs);
  g_free (job->ys);
  g_free (job->n_points);
  g_free (job->colors);
  g_free (job);
}

static LinesJob *
lines_job_new (BbOccupancyChart *self,
               int               widget_width,
               int               widget_height)
{
  const graphene_rect_t *plot = &self->axes.plot;
  LinesJob *job = g_new0 (LinesJob, 1);

  job->n_series = self->series->len;
  job->xs = g_new0 (double *, MAX (1, job->n_series));
  job->ys = g_new0 (double *, MAX (1, job->n_series));
  job->n_points = g_new0 (gsize, MAX (1, job->n_series));
  job->colors = g_new0 (GdkRGBA, MAX (1, job->n_series));
  for (guint i = 0; i < job->n_series; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      job->n_points[i] = series->n_points;
      job->xs[i] = g_memdup2 (series->xs, sizeof (double) * series->n_points);
      job->ys[i] = g_memdup2 (series->ys, sizeof (double) * series->n_points);
      bb_chart_style_series (GTK_WIDGET (self), i, &job->colors[i]);
    }
  job->bounds = GRAPHENE_RECT_INIT (floor (plot->origin.x - LINE_WIDTH),
                                    floor (plot->origin.y - LINE_WIDTH),
                                    ceil (plot->size.width + 2 * LINE_WIDTH) + 1,
                                    ceil (plot->size.height + 2 * LINE_WIDTH) + 1);
  job->scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  job->widget_width = widget_width;
  job->widget_height = widget_height;
  job->generation = ++self->lines_generation;
  return job;
}

/* Strokes every ward's line into an image at the device scale. Runs of equal
 * occupancy are drawn as one segment: hourly samples of a bed count repeat
 * a lot, and the result is the same. Touches nothing but the job, so it may
 * run on any thread. */
static cairo_surface_t *
lines_job_rasterise (const LinesJob *job)
{
  int width = (int) job->bounds.size.width * job->scale;
  int height = (int) job->bounds.size.height * job->scale;
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }

  cr = cairo_create (surface);
  cairo_scale (cr, job->scale, job->scale);
  cairo_translate (cr, -job->bounds.origin.x, -job->bounds.origin.y);
  cairo_set_line_width (cr, LINE_WIDTH);
  /* Bevel joins look the same as round ones at this width and cost less;
   * cairo's faster, coarser antialiasing saves about a quarter of the time
   * for 20 wards and looks the same on 1.5 px lines. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  for (guint i = 0; i < job->n_series; i++)
    {
      /* Past the eighth ward colours repeat; a dash tells the lines apart. */
      static const double dash[] = { 5.0, 3.0 };
      const double *xs = job->xs[i], *ys = job->ys[i];
      gsize n = job->n_points[i];

      if (n == 0)
        continue;
      gdk_cairo_set_source_rgba (cr, &job->colors[i]);
      cairo_set_dash (cr, dash, i >= BB_CHART_N_SERIES_COLORS ? 2 : 0, 0);
      cairo_move_to (cr, xs[0], ys[0]);
      for (gsize j = 1; j < n; j++)
        {
          if (j + 1 < n && ys[j] == ys[j - 1] && ys[j] == ys[j + 1])
            continue;
          cairo_line_to (cr, xs[j], ys[j]);
        }
      if (n == 1)
        cairo_rel_line_to (cr, 0.01, 0);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
free_surface (gpointer data)
{
  cairo_surface_destroy (data);
}

/* Takes the surface. */
static void
take_lines (BbOccupancyChart *self,
            const LinesJob   *job,
            cairo_surface_t  *surface)
{
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) bytes = NULL;

  /* Cairo's ARGB32 is GDK's default memory format (premultiplied, native
   * endian), so the pixels go to the texture without conversion. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) stride * height, free_surface, surface);
  g_clear_object (&self->lines);
  g_clear_pointer (&self->lines_surface, cairo_surface_destroy);
  self->lines_surface = cairo_surface_reference (surface);
  cairo_surface_set_device_scale (surface, job->scale, job->scale);
  self->lines = gdk_memory_texture_new (cairo_image_surface_get_width (surface), height,
                                        GDK_MEMORY_DEFAULT, bytes, stride);
  self->lines_bounds = job->bounds;
  self->lines_width = job->widget_width;
  self->lines_height = job->widget_height;
  self->lines_scale = job->scale;
}

static void
rasterise_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  cairo_surface_t *surface;

  if (g_task_return_error_if_cancelled (task))
    return;
  surface = lines_job_rasterise (task_data);
  if (surface == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "cannot allocate the lines' image");
  else
    g_task_return_pointer (task, surface, free_surface);
}

static void
on_lines_rasterised_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (object);
  const LinesJob *job = g_task_get_task_data (G_TASK (result));
  cairo_surface_t *surface = g_task_propagate_pointer (G_TASK (result), NULL);

  if (job->generation == self->lines_generation)
    self->lines_pending = FALSE;
  /* A newer job (or a synchronous draw) has replaced this one. */
  if (surface == NULL || job->generation != self->lines_generation)
    {
      g_clear_pointer (&surface, cairo_surface_destroy);
      return;
    }
  take_lines (self, job, surface);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* New data on a chart already showing lines of the same size is rasterised
 * on a worker thread, so a live update never holds up the main loop; the old
 * lines stay up for the few milliseconds that takes. The first lines, and
 * lines for a new size, scale or style, are drawn at once, so the chart never
 * shows stretched or wrongly coloured lines. */
static void
rasterise_lines (BbOccupancyChart *self,
                 int               widget_width,
                 int               widget_height,
                 gboolean          in_thread)
{
  LinesJob *job = lines_job_new (self, widget_width, widget_height);

  g_cancellable_cancel (self->lines_cancellable);
  g_clear_object (&self->lines_cancellable);

  if (in_thread)
    {
      g_autoptr(GTask) task = NULL;

      self->lines_cancellable = g_cancellable_new ();
      self->lines_pending = TRUE;
      task = g_task_new (self, self->lines_cancellable, on_lines_rasterised_cb, NULL);
      g_task_set_source_tag (task, rasterise_lines);
      g_task_set_task_data (task, job, lines_job_free);
      g_task_run_in_thread (task, rasterise_in_thread);
    }
  else
    {
      cairo_surface_t *surface = lines_job_rasterise (job);

      self->lines_pending = FALSE;
      if (surface != NULL)
        take_lines (self, job, surface);
      else
        g_clear_object (&self->lines);
      lines_job_free (job);
    }
}

static void
update_geometry (BbOccupancyChart *self,
                 int               width,
                 int               height)
{
  double legend_h;

  bb_chart_axes_clear (&self->axes);
  if (!has_points (self) || width <= 0 || height <= 0)
    {
      /* Nothing to show: any lines still being drawn are stale too. */
      g_clear_object (&self->lines);
      self->lines_generation++;
      self->lines_pending = FALSE;
      return;
    }

  legend_h = layout_legend (self, width, height);
  bb_chart_axes_layout (&self->axes, GTK_WIDGET (self),
                        &GRAPHENE_RECT_INIT (0, 0, width, MAX (1, height - legend_h)),
                        self->t_start, self->t_end, 0, self->y_max,
                        self->show_percent ? BB_CHART_VALUE_PERCENT : BB_CHART_VALUE_COUNT);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      for (gsize j = 0; j < series->n_points; j++)
        {
          series->xs[j] = bb_chart_scale_map (&self->axes.x, (double) series->points[j].time);
          series->ys[j] = bb_chart_scale_map (&self->axes.y,
                                              point_value (&series->points[j], self->show_percent));
        }
    }

  if (self->lines == NULL || self->lines_style_dirty || self->lines_width != width
      || self->lines_height != height
      || self->lines_scale != gtk_widget_get_scale_factor (GTK_WIDGET (self)))
    rasterise_lines (self, width, height, FALSE);
  else if (self->lines_data_dirty)
    rasterise_lines (self, width, height, TRUE);
  self->lines_style_dirty = FALSE;
  self->lines_data_dirty = FALSE;
}

/* The y range ends on a round number just above the data: 100% (or more if
 * a ward is over capacity), or the largest capacity in beds. */
static void
update_domain (BbOccupancyChart *self)
{
  double top = self->show_percent ? 100.0 : 1.0;
  gboolean any = FALSE;

  self->t_start = G_MAXINT64;
  self->t_end = G_MININT64;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      for (gsize j = 0; j < series->n_points; j++)
        {
          const BbOccupancyChartPoint *point = &series->points[j];

          any = TRUE;
          self->t_start = MIN (self->t_start, point->time);
          self->t_end = MAX (self->t_end, point->time);
          top = MAX (top, point_value (point, self->show_percent));
          if (!self->show_percent)
            top = MAX (top, point->capacity);
        }
    }
  if (!any)
    self->t_start = self->t_end = 0;
  /* One point, or all at one time: an hour's width around it. */
  if (self->t_end <= self->t_start)
    self->t_end = self->t_start + 3600;
  self->y_max = self->show_percent ? ceil (top / 10.0) * 10.0 : ceil (top * 1.05);
}

static void
update_description (BbOccupancyChart *self)
{
  g_autofree BbOccupancyChartSeries *views = g_new0 (BbOccupancyChartSeries, MAX (1, self->series->len));

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      views[i] = (BbOccupancyChartSeries) { series->name, series->points, series->n_points };
    }
  bb_chart_style_set_description (GTK_WIDGET (self), &self->description,
                                  bb_occupancy_chart_describe (views, self->series->len));
}

static void
on_scale_factor_changed_cb (BbOccupancyChart *self)
{
  /* The lines are rasterised for one scale; a HiDPI monitor needs new ones. */
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
bb_occupancy_chart_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (widget);

  /* The hovered point keeps its index; its position follows the new size. */
  update_geometry (self, width, height);
}

static void
bb_occupancy_chart_measure (GtkWidget      *widget,
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
      *natural = 560;
    }
  else
    {
      *minimum = 140;
      *natural = 280;
    }
}

static void
bb_occupancy_chart_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (widget);

  GTK_WIDGET_CLASS (bb_occupancy_chart_parent_class)->css_changed (widget, change);

  /* Fonts may have changed: labels are measured again at the next allocation. */
  for (guint i = 0; i < self->series->len; i++)
    g_clear_object (&((Series *) g_ptr_array_index (self->series, i))->legend);
  g_clear_object (&self->empty_layout);
  /* Colours may have changed too (dark mode, high contrast). */
  self->lines_style_dirty = TRUE;
  gtk_widget_queue_resize (widget);
}

static void
bb_occupancy_chart_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bb_occupancy_chart_parent_class)->root (widget);
  bb_chart_style_ensure_provider (widget);
}

static void
bb_occupancy_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (widget);
  const graphene_rect_t *plot = &self->axes.plot;
  GdkRGBA color, text;

  if (self->axes.x_ticks == NULL)
    {
      if (self->empty_layout == NULL)
        self->empty_layout = bb_chart_style_label (widget, _("No data"));
      bb_chart_style_append_empty (snapshot, widget, self->empty_layout);
      return;
    }

  bb_chart_axes_snapshot (&self->axes, widget, snapshot);

  if (self->lines != NULL)
    {
      GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

      /* GTK's cairo renderer copies a texture's pixels into a new surface
       * every frame; painting the surface itself saves that copy. The GL
       * renderer keeps the texture uploaded instead. */
      if (GSK_IS_CAIRO_RENDERER (renderer))
        {
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &self->lines_bounds);

          cairo_set_source_surface (cr, self->lines_surface, self->lines_bounds.origin.x,
                                    self->lines_bounds.origin.y);
          cairo_paint (cr);
          cairo_destroy (cr);
        }
      else
        gtk_snapshot_append_texture (snapshot, self->lines, &self->lines_bounds);
    }

  if (self->legend_visible)
    {
      bb_chart_style_lookup (widget, "bb_chart_text", &text);
      for (guint i = 0; i < self->series->len; i++)
        {
          Series *series = g_ptr_array_index (self->series, i);
          int h;

          if (series->legend == NULL)
            continue;
          pango_layout_get_pixel_size (series->legend, NULL, &h);
          bb_chart_style_series (widget, i, &color);
          if (i < BB_CHART_N_SERIES_COLORS)
            gtk_snapshot_append_color (snapshot, &color,
                                       &GRAPHENE_RECT_INIT (series->legend_at.x,
                                                            series->legend_at.y + (h - BB_CHART_LEGEND_SWATCH) / 2,
                                                            BB_CHART_LEGEND_SWATCH, BB_CHART_LEGEND_SWATCH));
          else
            {
              /* A dashed ward's swatch is split in two, like its line. */
              double y = series->legend_at.y + (h - BB_CHART_LEGEND_SWATCH) / 2;

              gtk_snapshot_append_color (snapshot, &color,
                                         &GRAPHENE_RECT_INIT (series->legend_at.x, y, 4, BB_CHART_LEGEND_SWATCH));
              gtk_snapshot_append_color (snapshot, &color,
                                         &GRAPHENE_RECT_INIT (series->legend_at.x + 6, y, 4, BB_CHART_LEGEND_SWATCH));
            }
          bb_chart_style_append_layout (snapshot, series->legend,
                                        series->legend_at.x + BB_CHART_LEGEND_SWATCH + 4,
                                        series->legend_at.y, &text);
        }
    }

  if (self->hover_layout != NULL)
    {
      Series *series = g_ptr_array_index (self->series, self->hover_series);
      GdkRGBA axis;

      bb_chart_style_lookup (widget, "bb_chart_axis", &axis);
      bb_chart_style_append_vline (snapshot, widget, series->xs[self->hover_index],
                                   plot->origin.y, plot->origin.y + plot->size.height, &axis);
      bb_chart_style_series (widget, self->hover_series, &color);
      bb_chart_style_append_hover (snapshot, widget, self->hover_layout,
                                   series->xs[self->hover_index],
                                   series->ys[self->hover_index], &color);
    }
}

static void
bb_occupancy_chart_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (object);

  switch (prop_id)
    {
    case PROP_SHOW_PERCENT:
      g_value_set_boolean (value, self->show_percent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_occupancy_chart_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (object);

  switch (prop_id)
    {
    case PROP_SHOW_PERCENT:
      bb_occupancy_chart_set_show_percent (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_occupancy_chart_dispose (GObject *object)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (object);

  g_cancellable_cancel (self->lines_cancellable);

  G_OBJECT_CLASS (bb_occupancy_chart_parent_class)->dispose (object);
}

static void
bb_occupancy_chart_finalize (GObject *object)
{
  BbOccupancyChart *self = BB_OCCUPANCY_CHART (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->description, g_free);
  bb_chart_axes_clear (&self->axes);
  g_clear_object (&self->lines);
  g_clear_pointer (&self->lines_surface, cairo_surface_destroy);
  g_clear_object (&self->lines_cancellable);
  g_clear_object (&self->empty_layout);
  clear_hover (self);

  G_OBJECT_CLASS (bb_occupancy_chart_parent_class)->finalize (object);
}

static void
bb_occupancy_chart_class_init (BbOccupancyChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_occupancy_chart_dispose;
  object_class->finalize = bb_occupancy_chart_finalize;
  object_class->get_property = bb_occupancy_chart_get_property;
  object_class->set_property = bb_occupancy_chart_set_property;

  widget_class->measure = bb_occupancy_chart_measure;
  widget_class->size_allocate = bb_occupancy_chart_size_allocate;
  widget_class->snapshot = bb_occupancy_chart_snapshot;
  widget_class->css_changed = bb_occupancy_chart_css_changed;
  widget_class->root = bb_occupancy_chart_root;

  properties[PROP_SHOW_PERCENT] =
    g_param_spec_boolean ("show-percent", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "occupancychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bb_occupancy_chart_init (BbOccupancyChart *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->show_percent = TRUE;
  self->hover_index = G_MAXSIZE;

  bb_chart_style_track_pointer (GTK_WIDGET (self), (BbChartHoverFunc) bb_occupancy_chart_hover);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed_cb), NULL);

  update_description (self);
}

GtkWidget *
bb_occupancy_chart_new (void)
{
  return g_object_new (BB_TYPE_OCCUPANCY_CHART, NULL);
}

/* Copies the wards' points; the caller keeps its arrays. */
void
bb_occupancy_chart_set_series (BbOccupancyChart             *self,
                               const BbOccupancyChartSeries *series,
                               gsize                         n_series)
{
  g_return_if_fail (BB_IS_OCCUPANCY_CHART (self));
  g_return_if_fail (n_series == 0 || series != NULL);

  g_ptr_array_set_size (self->series, 0);
  for (gsize i = 0; i < n_series; i++)
    {
      Series *copy = g_new0 (Series, 1);

      copy->name = g_strdup (series[i].ward_name != NULL ? series[i].ward_name : "");
      copy->n_points = series[i].points != NULL ? series[i].n_points : 0;
      copy->points = g_memdup2 (series[i].points, sizeof (BbOccupancyChartPoint) * copy->n_points);
      copy->xs = g_new0 (double, MAX (1, copy->n_points));
      copy->ys = g_new0 (double, MAX (1, copy->n_points));
      g_ptr_array_add (self->series, copy);
    }

  clear_hover (self);
  update_domain (self);
  self->lines_data_dirty = TRUE;
  update_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                   gtk_widget_get_height (GTK_WIDGET (self)));
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gsize
bb_occupancy_chart_get_n_series (BbOccupancyChart *self)
{
  g_return_val_if_fail (BB_IS_OCCUPANCY_CHART (self), 0);

  return self->series->len;
}

void
bb_occupancy_chart_set_show_percent (BbOccupancyChart *self,
                                     gboolean          show_percent)
{
  g_return_if_fail (BB_IS_OCCUPANCY_CHART (self));

  show_percent = !!show_percent;
  if (self->show_percent == show_percent)
    return;

  self->show_percent = show_percent;
  clear_hover (self);
  update_domain (self);
  self->lines_data_dirty = TRUE;
  update_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                   gtk_widget_get_height (GTK_WIDGET (self)));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PERCENT]);
}

gboolean
bb_occupancy_chart_get_show_percent (BbOccupancyChart *self)
{
  g_return_val_if_fail (BB_IS_OCCUPANCY_CHART (self), FALSE);

  return self->show_percent;
}

const char *
bb_occupancy_chart_get_description (BbOccupancyChart *self)
{
  g_return_val_if_fail (BB_IS_OCCUPANCY_CHART (self), NULL);

  return self->description;
}

/* Shows the value nearest to (x, y) in widget coordinates; a point outside
 * the plot hides it. Returns whether a value is shown. */
gboolean
bb_occupancy_chart_hover (BbOccupancyChart *self,
                          double            x,
                          double            y)
{
  const graphene_rect_t *plot = &self->axes.plot;
  double best = G_MAXDOUBLE;
  guint best_series = 0;
  gsize best_index = G_MAXSIZE;

  g_return_val_if_fail (BB_IS_OCCUPANCY_CHART (self), FALSE);

  if (self->axes.x_ticks != NULL
      && x >= plot->origin.x - 8 && x <= plot->origin.x + plot->size.width + 8
      && y >= plot->origin.y - 8 && y <= plot->origin.y + plot->size.height + 8)
    {
      for (guint i = 0; i < self->series->len; i++)
        {
          Series *series = g_ptr_array_index (self->series, i);
          gsize index = bb_chart_nearest_index (series->xs, series->n_points, x);
          double distance;

          if (index == G_MAXSIZE)
            continue;
          distance = fabs (series->xs[index] - x) + fabs (series->ys[index] - y);
          if (distance < best)
            {
              best = distance;
              best_series = i;
              best_index = index;
            }
        }
    }

  if (best_index == self->hover_index && best_series == self->hover_series)
    return best_index != G_MAXSIZE;

  clear_hover (self);
  if (best_index != G_MAXSIZE)
    {
      Series *series = g_ptr_array_index (self->series, best_series);
      const BbOccupancyChartPoint *point = &series->points[best_index];
      g_autofree char *when = bb_chart_format_time (point->time, NULL);

      self->hover_series = best_series;
      self->hover_index = best_index;
      /* TRANSLATORS: the value under the pointer: ward, time, occupied beds,
       * capacity and percent, e.g. "Ward 3E · Tue 14:00 · 18 of 24 beds (75%)" */
      self->hover_text = g_strdup_printf (_("%s · %s · %u of %u beds (%d%%)"),
                                          series->name, when, point->occupied, point->capacity,
                                          percent_of (point->occupied, point->capacity));
      self->hover_layout = bb_chart_style_label (GTK_WIDGET (self), self->hover_text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return best_index != G_MAXSIZE;
}

const char *
bb_occupancy_chart_get_hover_text (BbOccupancyChart *self)
{
  g_return_val_if_fail (BB_IS_OCCUPANCY_CHART (self), NULL);

  return self->hover_text;
}

/* The chart in words, for screen readers: per ward the latest value and the
 * low and high over the period shown. A pure function of the data. */
char *
bb_occupancy_chart_describe (const BbOccupancyChartSeries *series,
                             gsize                    n_series)
{
  GString *text;
  gsize n_with_data = 0;

  for (gsize i = 0; i < n_series; i++)
    if (series[i].n_points > 0 && series[i].points != NULL)
      n_with_data++;

  if (n_with_data == 0)
    return g_strdup (_("Occupancy chart: no data"));

  text = g_string_new (NULL);

  if (n_with_data > 1)
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE, "Occupancy of %zu ward.",
                                         "Occupancy of %zu wards.", n_with_data),
                            n_with_data);

  for (gsize i = 0; i < n_series; i++)
    {
      const BbOccupancyChartSeries *s = &series[i];
      const BbOccupancyChartPoint *last;
      guint low = G_MAXUINT, high = 0;
      g_autofree char *span = NULL;

      if (s->n_points == 0 || s->points == NULL)
        continue;
      last = &s->points[s->n_points - 1];
      for (gsize j = 0; j < s->n_points; j++)
        {
          low = MIN (low, s->points[j].occupied);
          high = MAX (high, s->points[j].occupied);
        }
      span = describe_span (last->time - s->points[0].time);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              /* TRANSLATORS: ward, occupied, capacity, percent, low, high, "30 days" */
                              _("Occupancy of %s: now %u of %u beds (%d%%); low %u, high %u over the last %s."),
                              s->ward_name != NULL ? s->ward_name : "", last->occupied,
                              last->capacity, percent_of (last->occupied, last->capacity),
                              low, high, span);
    }

  return g_string_free (text, FALSE);
}

/* Whether newer lines are being drawn on a worker thread (for tests and the
 * benchmark, which wait for them). */
gboolean
_bb_occupancy_chart_is_rasterising (BbOccupancyChart *self)
{
  g_return_val_if_fail (BB_IS_OCCUPANCY_CHART (self), FALSE);

  return self->lines_pending;
}
