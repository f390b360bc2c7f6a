/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chart-redraw.c: how long one redraw of the occupancy chart takes with 20
 * wards of 720 points each (30 days at hourly steps): the widget's
 * snapshot() building its render nodes, then the window's GSK renderer
 * rasterising them into a texture. Run under xvfb-run by run.sh. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>

#include "bb-occupancy-chart.h"
#include "bb-occupancy-chart-private.h"

static int iterations = 300;
static int width = 1000;
static int height = 400;
static int n_wards = 20;
static int n_points = 720;
static gboolean dark;
static char *png;

static const GOptionEntry entries[] = {
  { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Redraws to time (300)", "N" },
  { "width", 0, 0, G_OPTION_ARG_INT, &width, "Chart width in logical pixels (1000)", "PX" },
  { "height", 0, 0, G_OPTION_ARG_INT, &height, "Chart height in logical pixels (400)", "PX" },
  { "wards", 0, 0, G_OPTION_ARG_INT, &n_wards, "Wards (20)", "N" },
  { "points", 0, 0, G_OPTION_ARG_INT, &n_points, "Points per ward (720)", "N" },
  { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Dark style", NULL },
  { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Save the last redraw as a PNG", "FILE" },
  { NULL }
};

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (double *values,
            int     n,
            double  p)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[MIN (n - 1, (int) floor (p * (n - 1) + 0.5))];
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time occupancy chart redraws");
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *chart;
  GskRenderer *renderer;
  BbOccupancySeries *series;
  BbOccupancyPoint **points;
  g_autofree double *snapshot_ms = NULL;
  g_autofree double *render_ms = NULL;
  g_autofree double *total_ms = NULL;
  g_autofree double *update_ms = NULL;
  g_autofree double *latency_ms = NULL;
  g_autofree double *floor_ms = NULL;
  int n_updates;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC / 3600 * 3600;
  gint64 t0, t1, t2;
  gboolean timed_out = FALSE;
  double set_ms;
  GdkRGBA bg;
  int scale;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (iterations < 1 || width < 100 || height < 100 || n_wards < 1 || n_points < 1)
    {
      g_printerr ("iterations, wards and points must be positive, sizes at least 100\n");
      return 2;
    }

  gtk_init ();
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* Wards of 12 to 50 beds whose occupancy wanders between about 60% and 100%. */
  series = g_new (BbOccupancySeries, n_wards);
  points = g_new (BbOccupancyPoint *, n_wards);
  for (int w = 0; w < n_wards; w++)
    {
      guint capacity = 12 + (w * 7) % 39;
      g_autofree char *name = g_strdup_printf ("Ward %d", w + 1);

      points[w] = g_new (BbOccupancyPoint, n_points);
      for (int i = 0; i < n_points; i++)
        {
          double level = 0.8 + 0.15 * sin (i / 40.0 + w) + 0.05 * sin (i / 3.0 + 2 * w);

          points[w][i].time = now - (gint64) (n_points - 1 - i) * 3600;
          points[w][i].capacity = capacity;
          points[w][i].occupied = (guint) CLAMP (round (level * capacity), 0, capacity);
        }
      series[w] = (BbOccupancySeries) { g_intern_string (name), points[w], n_points };
    }

  chart = bb_occupancy_chart_new ();
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (chart) || gtk_widget_get_width (chart) < width / 2))
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    {
      g_printerr ("the window was not shown within 10 s\n");
      return 1;
    }

  /* Setting the data copies it and computes every point's position. */
  t0 = g_get_monotonic_time ();
  bb_occupancy_chart_set_series (BB_OCCUPANCY_CHART (chart), series, n_wards);
  set_ms = (g_get_monotonic_time () - t0) / 1000.0;

  /* Let the window lay the chart out and paint it once. */
  {
    gboolean painted = FALSE;
    gulong handler = g_signal_connect (gtk_widget_get_frame_clock (chart), "after-paint",
                                       G_CALLBACK (on_after_paint_cb), &painted);

    while (!painted && !timed_out)
      g_main_context_iteration (NULL, TRUE);
    g_signal_handler_disconnect (gtk_widget_get_frame_clock (chart), handler);
  }

  renderer = gtk_native_get_renderer (gtk_widget_get_native (chart));
  gtk_style_context_lookup_color (gtk_widget_get_style_context (window), "window_bg_color", &bg);
  /* Render at device pixels, as the window does on a HiDPI screen. */
  scale = gtk_widget_get_scale_factor (chart);
  snapshot_ms = g_new (double, iterations);
  render_ms = g_new (double, iterations);
  total_ms = g_new (double, iterations);

  for (int i = -10; i < iterations; i++)   /* 10 warm-up rounds */
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      int w = gtk_widget_get_width (chart), h = gtk_widget_get_height (chart);

      /* The widget's own snapshot() each time: GTK would otherwise reuse
       * the render node it cached for the last frame. */
      t0 = g_get_monotonic_time ();
      /* The window's background under it, as on screen. */
      gtk_snapshot_scale (snapshot, scale, scale);
      gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
      GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
      node = gtk_snapshot_to_node (snapshot);
      t1 = g_get_monotonic_time ();
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, w * scale, h * scale));
      t2 = g_get_monotonic_time ();
      if (node == NULL || texture == NULL)
        {
          g_printerr ("nothing was drawn\n");
          return 1;
        }
      if (i == iterations - 1 && png != NULL && !gdk_texture_save_to_png (texture, png))
        {
          g_printerr ("could not write %s\n", png);
          return 1;
        }
      if (i >= 0)
        {
          snapshot_ms[i] = (t1 - t0) / 1000.0;
          render_ms[i] = (t2 - t1) / 1000.0;
          total_ms[i] = (t2 - t0) / 1000.0;
        }
    }

  /* The renderer's fixed cost for a texture this size: one colour node. */
  floor_ms = g_new (double, iterations);
  for (int i = 0; i < iterations; i++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      int w = gtk_widget_get_width (chart), h = gtk_widget_get_height (chart);

      t0 = g_get_monotonic_time ();
      gtk_snapshot_scale (snapshot, scale, scale);
      gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
      node = gtk_snapshot_to_node (snapshot);
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, w * scale, h * scale));
      floor_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }

  /* A live event changes one ward's latest count: the chart gets new data
   * (copy and geometry on the main loop, lines rasterised again on a worker
   * thread) and is drawn, at first still with the previous lines. */
  n_updates = MAX (5, iterations / 10);
  update_ms = g_new (double, n_updates);
  latency_ms = g_new (double, n_updates);
  for (int i = 0; i < n_updates; i++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      int w = gtk_widget_get_width (chart), h = gtk_widget_get_height (chart);
      BbOccupancyPoint *last = &points[i % n_wards][n_points - 1];

      last->occupied = last->occupied > 0 ? last->occupied - 1 : last->capacity;
      t0 = g_get_monotonic_time ();
      bb_occupancy_chart_set_series (BB_OCCUPANCY_CHART (chart), series, n_wards);
      gtk_snapshot_scale (snapshot, scale, scale);
      gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
      GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
      node = gtk_snapshot_to_node (snapshot);
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, w * scale, h * scale));
      update_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;

      /* The new lines are drawn on a worker thread; wait for them. */
      while (_bb_occupancy_chart_is_rasterising (BB_OCCUPANCY_CHART (chart)))
        g_main_context_iteration (NULL, TRUE);
      latency_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }

  g_print ("renderer %s, scale factor %d, %s style\n", G_OBJECT_TYPE_NAME (renderer),
           gtk_widget_get_scale_factor (chart), dark ? "dark" : "light");
  g_print ("chart %dx%d, %d wards x %d points, %d redraws\n",
           gtk_widget_get_width (chart), gtk_widget_get_height (chart), n_wards, n_points, iterations);
  g_print ("set data (copy + geometry): %.2f ms\n", set_ms);
  g_print ("snapshot: median %.2f ms, p95 %.2f ms\n",
           percentile (snapshot_ms, iterations, 0.5), percentile (snapshot_ms, iterations, 0.95));
  g_print ("render to texture: median %.2f ms, p95 %.2f ms\n",
           percentile (render_ms, iterations, 0.5), percentile (render_ms, iterations, 0.95));
  g_print ("redraw (snapshot + render): median %.2f ms, p95 %.2f ms\n",
           percentile (total_ms, iterations, 0.5), percentile (total_ms, iterations, 0.95));
  g_print ("floor (one colour node of the same size, render to texture): median %.2f ms, p95 %.2f ms\n",
           percentile (floor_ms, iterations, 0.5), percentile (floor_ms, iterations, 0.95));
  g_print ("update on the main loop (new data + snapshot + render): median %.2f ms, p95 %.2f ms, over %d\n",
           percentile (update_ms, n_updates, 0.5), percentile (update_ms, n_updates, 0.95), n_updates);
  g_print ("update until the new lines are ready (worker thread): median %.2f ms, p95 %.2f ms\n",
           percentile (latency_ms, n_updates, 0.5), percentile (latency_ms, n_updates, 0.95));

  gtk_window_destroy (GTK_WINDOW (window));
  for (int w = 0; w < n_wards; w++)
    g_free (points[w]);
  g_free (points);
  g_free (series);
  return 0;
}
