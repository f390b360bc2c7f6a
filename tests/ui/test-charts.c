/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-charts.c: every chart widget renders its data into a texture, in light
 * and in dark mode, with its accessible description set; run under Xvfb.
 * With BB_CHARTS_PNG_DIR set, the renderings are also saved there as PNGs to
 * look at. The charts' colours come from ui/charts.css in the client's
 * resources, which the widgets install for their display themselves. */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "bb-fan-chart.h"
#include "bb-occupancy-chart.h"
#include "bb-occupancy-chart-private.h"
#include "bb-probability-chart.h"
#include "bb-ward-bars.h"

#define WIDTH 640
#define HEIGHT 320
#define NOW ((gint64) 1795000000)    /* a fixed time: Wed 18 Nov 2026, 11:06 UTC */

typedef struct
{
  double luma;         /* mean luminance of the drawn pixels */
  double bg_luma;      /* luminance of the window background */
  guint  drawn;        /* pixels the chart painted */
  guint  hue_pixels;   /* painted pixels that are clearly coloured */
  guint  darker;       /* pixels much darker than the background: ink on light */
  guint  brighter;     /* pixels much brighter than the background: ink on dark */
} Rendering;

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Shows the widget in a window of its own until it has its size, so the test
 * draws exactly what a user would see. */
static GtkWidget *
show_in_window (GtkWidget *widget,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();
  gboolean timed_out = FALSE;
  guint timeout;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));

  timeout = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) < width / 2))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_false (timed_out);
  return window;
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       data)
{
  *(gboolean *) data = TRUE;
}

/* Waits for the window to lay out and paint once, so a chart given new data
 * or a new style has been allocated before it is drawn. */
static void
settle (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE, timed_out = FALSE;
  gulong handler;
  guint timeout;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &painted);
  timeout = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
  gtk_widget_queue_resize (widget);
  while (!painted && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_false (timed_out);
}

/* Renders the widget over the window background, like on screen, and
 * measures what the chart itself painted by comparing with the background
 * alone. */
static GdkTexture *
render_widget (GtkWidget *widget,
               Rendering *out)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA bg;
  g_autofree guchar *pixels = NULL;
  GdkTexture *texture;
  double luma = 0;

  int scale = gtk_widget_get_scale_factor (widget);

  /* At the widget's scale factor, as on a HiDPI screen (GDK_SCALE=2). */
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &bg);
  gtk_snapshot_scale (snapshot, scale, scale);
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  w *= scale;
  h *= scale;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));

  pixels = g_malloc (4 * w * h);
  gdk_texture_download (texture, pixels, 4 * w);
  memset (out, 0, sizeof *out);
  out->bg_luma = 0.2126 * bg.red + 0.7152 * bg.green + 0.0722 * bg.blue;
  for (int i = 0; i < w * h; i++)
    {
      /* gdk_texture_download gives cairo's ARGB32: B G R A in memory. */
      double b = pixels[4 * i] / 255.0, g = pixels[4 * i + 1] / 255.0, r = pixels[4 * i + 2] / 255.0;
      double max = MAX (r, MAX (g, b)), min = MIN (r, MIN (g, b));
      double l = 0.2126 * r + 0.7152 * g + 0.0722 * b;

      if (fabs (r - bg.red) + fabs (g - bg.green) + fabs (b - bg.blue) < 0.06)
        continue;
      out->drawn++;
      luma += l;
      if (l < out->bg_luma - 0.25)
        out->darker++;
      else if (l > out->bg_luma + 0.25)
        out->brighter++;
      if (max - min > 0.25)
        out->hue_pixels++;
    }
  out->luma = out->drawn > 0 ? luma / out->drawn : 0;
  return texture;
}

static void
maybe_save (GdkTexture *texture,
            const char *name,
            gboolean    dark)
{
  const char *dir = g_getenv ("BB_CHARTS_PNG_DIR");
  g_autofree char *file = NULL;

  if (dir == NULL)
    return;
  file = g_strdup_printf ("%s/%s-%s.png", dir, name, dark ? "dark" : "light");
  g_assert_true (gdk_texture_save_to_png (texture, file));
}

static void
assert_description (GtkWidget  *widget,
                    const char *expected)
{
  g_autofree char *error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                              GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                              expected);

  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_ROLE_IMG));
  if (error != NULL)
    g_error ("accessible description: %s", error);
}

/* Renders in light then dark mode and checks the chart drew something
 * coloured in both, darker than the background in light mode and brighter
 * than it in dark mode, so it stays readable. */
static void
check_light_and_dark (GtkWidget  *widget,
                      const char *name,
                      guint       min_drawn)
{
  Rendering light, dark;
  g_autoptr(GdkTexture) light_texture = NULL;
  g_autoptr(GdkTexture) dark_texture = NULL;

  set_dark (FALSE);
  settle (widget);
  light_texture = render_widget (widget, &light);
  maybe_save (light_texture, name, FALSE);

  set_dark (TRUE);
  settle (widget);
  dark_texture = render_widget (widget, &dark);
  maybe_save (dark_texture, name, TRUE);
  set_dark (FALSE);

  g_test_message ("%s: light %u px drawn (luma %.2f on %.2f, %u coloured, %u darker, %u brighter), "
                  "dark %u px (luma %.2f on %.2f, %u coloured, %u darker, %u brighter)",
                  name, light.drawn, light.luma, light.bg_luma, light.hue_pixels,
                  light.darker, light.brighter, dark.drawn, dark.luma, dark.bg_luma,
                  dark.hue_pixels, dark.darker, dark.brighter);
  g_assert_cmpuint (light.drawn, >=, min_drawn);
  g_assert_cmpuint (dark.drawn, >=, min_drawn);
  g_assert_cmpuint (light.hue_pixels, >, min_drawn / 4);
  g_assert_cmpuint (dark.hue_pixels, >, min_drawn / 4);
  g_assert_cmpfloat (light.bg_luma, >, 0.8);
  g_assert_cmpfloat (dark.bg_luma, <, 0.2);
  /* Lines and text stand out: mostly darker than a light background and
   * brighter than a dark one. */
  g_assert_cmpuint (light.darker, >, min_drawn / 4);
  g_assert_cmpuint (light.darker, >, 4 * light.brighter);
  g_assert_cmpuint (dark.brighter, >, min_drawn / 4);
  g_assert_cmpuint (dark.brighter, >, 4 * dark.darker);
}

static BbOccupancyChartPoint *
make_history (guint  ward,
              guint  n_points,
              guint  capacity,
              gint64 step)
{
  BbOccupancyChartPoint *points = g_new (BbOccupancyChartPoint, n_points);

  for (guint i = 0; i < n_points; i++)
    {
      double phase = i * 0.05 + ward * 0.7;
      double occupied = capacity * (0.72 + 0.18 * sin (phase) + 0.04 * sin (phase * 5.3));

      points[i].time = NOW - (gint64) (n_points - 1 - i) * step;
      points[i].occupied = (guint) CLAMP (round (occupied), 0, capacity);
      points[i].capacity = capacity;
    }
  return points;
}

static void
test_occupancy_chart_draws_many_wards_in_light_and_dark (void)
{
  GtkWidget *chart = bb_occupancy_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT);
  BbOccupancyChartSeries series[6];
  BbOccupancyChartPoint *points[6];
  char *names[6];
  const char *description;

  for (guint i = 0; i < G_N_ELEMENTS (series); i++)
    {
      names[i] = g_strdup_printf ("Ward %u%c", i + 2, 'A' + i);
      points[i] = make_history (i, 168, 20 + 2 * i, 3600);
      series[i] = (BbOccupancyChartSeries) { names[i], points[i], 168 };
    }
  bb_occupancy_chart_set_series (BB_OCCUPANCY_CHART (chart), series, G_N_ELEMENTS (series));
  settle (chart);

  description = bb_occupancy_chart_get_description (BB_OCCUPANCY_CHART (chart));
  g_assert_true (g_str_has_prefix (description, "Occupancy of 6 wards."));
  assert_description (chart, description);
  check_light_and_dark (chart, "occupancy", 2000);

  /* Hovering over the middle of the plot names a ward, a time and a value. */
  g_assert_true (bb_occupancy_chart_hover (BB_OCCUPANCY_CHART (chart), WIDTH / 2.0, HEIGHT / 2.0));
  g_assert_nonnull (strstr (bb_occupancy_chart_get_hover_text (BB_OCCUPANCY_CHART (chart)), " beds ("));
  settle (chart);
  {
    Rendering r;
    g_autoptr(GdkTexture) texture = render_widget (chart, &r);

    maybe_save (texture, "occupancy-hover", FALSE);
  }
  g_assert_false (bb_occupancy_chart_hover (BB_OCCUPANCY_CHART (chart), -1, -1));
  g_assert_null (bb_occupancy_chart_get_hover_text (BB_OCCUPANCY_CHART (chart)));

  for (guint i = 0; i < G_N_ELEMENTS (series); i++)
    {
      g_free (points[i]);
      g_free (names[i]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Pixels in rows [y0, y1) of the texture that are clearly coloured. */
static guint
count_coloured_rows (GdkTexture *texture,
                     int         y0,
                     int         y1)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *pixels = g_malloc (4 * w * h);
  guint n = 0;

  gdk_texture_download (texture, pixels, 4 * w);
  for (int y = MAX (0, y0); y < MIN (h, y1); y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *p = pixels + 4 * (y * w + x);
        int max = MAX (p[0], MAX (p[1], p[2])), min = MIN (p[0], MIN (p[1], p[2]));

        if (max - min > 64)
          n++;
      }
  return n;
}

/* Once lines are up, new data is drawn on a worker thread: the chart says so
 * at once, and the new lines appear when the thread is done. */
static void
test_occupancy_chart_draws_new_data_on_a_worker_thread (void)
{
  GtkWidget *chart = bb_occupancy_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT);
  g_autofree BbOccupancyChartPoint *high = make_history (0, 168, 20, 3600);
  g_autofree BbOccupancyChartPoint *low = g_memdup2 (high, sizeof (BbOccupancyChartPoint) * 168);
  BbOccupancyChartSeries series = { "ICU", high, 168 };
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  gboolean timed_out = FALSE;
  guint timeout;
  Rendering r;
  int scale;

  bb_occupancy_chart_set_series (BB_OCCUPANCY_CHART (chart), &series, 1);
  settle (chart);
  /* The first lines are drawn at once. */
  g_assert_false (_bb_occupancy_chart_is_rasterising (BB_OCCUPANCY_CHART (chart)));
  before = render_widget (chart, &r);

  /* The same ward nearly empty: its line moves to the bottom of the plot. */
  for (guint i = 0; i < 168; i++)
    low[i].occupied = 1 + i % 2;
  series.points = low;
  bb_occupancy_chart_set_series (BB_OCCUPANCY_CHART (chart), &series, 1);
  g_assert_true (_bb_occupancy_chart_is_rasterising (BB_OCCUPANCY_CHART (chart)));
  timeout = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
  while (!timed_out && _bb_occupancy_chart_is_rasterising (BB_OCCUPANCY_CHART (chart)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  settle (chart);
  after = render_widget (chart, &r);
  maybe_save (after, "occupancy-updated", FALSE);

  /* Lines were at 50-95% before, at 5-10% after: compare the bottom fifth
   * of the plot (the x-axis labels are grey, not coloured). */
  scale = gtk_widget_get_scale_factor (chart);
  g_assert_cmpuint (count_coloured_rows (before, scale * HEIGHT * 0.65, scale * HEIGHT * 0.85), <, 20);
  g_assert_cmpuint (count_coloured_rows (after, scale * HEIGHT * 0.65, scale * HEIGHT * 0.85), >, 300);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_occupancy_chart_without_data_says_so (void)
{
  GtkWidget *chart = bb_occupancy_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT);
  Rendering r;
  g_autoptr(GdkTexture) texture = NULL;

  settle (chart);
  assert_description (chart, "Occupancy chart: no data");
  texture = render_widget (chart, &r);
  maybe_save (texture, "occupancy-empty", FALSE);
  /* Only the words "No data": some text, no lines. */
  g_assert_cmpuint (r.drawn, >, 20);
  g_assert_cmpuint (r.drawn, <, 2000);
  g_assert_false (bb_occupancy_chart_hover (BB_OCCUPANCY_CHART (chart), WIDTH / 2.0, HEIGHT / 2.0));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A ward of 20 beds: 30 days of history at 6 h steps, then a 14-day forecast
 * whose median climbs through both alarm lines and whose band widens. */
static void
make_fan_data (BbOccupancyChartPoint **history,
               gsize                  *n_history,
               BbFanForecastPoint    **forecast,
               gsize                  *n_forecast)
{
  *n_history = 121;
  *n_forecast = 57;
  *history = make_history (3, *n_history, 20, 6 * 3600);
  *forecast = g_new (BbFanForecastPoint, *n_forecast);
  for (gsize i = 0; i < *n_forecast; i++)
    {
      double median = MIN (20.0, (*history)[*n_history - 1].occupied + 0.12 * i);
      double spread = 0.5 + 0.08 * i;

      (*forecast)[i].time = NOW + (gint64) i * 6 * 3600;
      (*forecast)[i].median = median;
      (*forecast)[i].p10 = MAX (0.0, floor (median - spread));
      (*forecast)[i].p90 = MIN (20.0, ceil (median + spread));
    }
}

static void
test_fan_chart_draws_history_forecast_and_alarms (void)
{
  GtkWidget *chart = bb_fan_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT);
  g_autofree BbOccupancyChartPoint *history = NULL;
  g_autofree BbFanForecastPoint *forecast = NULL;
  gsize n_history, n_forecast;
  const char *description;

  make_fan_data (&history, &n_history, &forecast, &n_forecast);
  bb_fan_chart_set_data (BB_FAN_CHART (chart), "ICU", history, n_history, forecast, n_forecast,
                         20, NOW);
  settle (chart);

  description = bb_fan_chart_get_description (BB_FAN_CHART (chart));
  g_assert_true (g_str_has_prefix (description, "Occupancy of ICU: now "));
  g_assert_nonnull (strstr (description, "reaches the 92% alarm line on "));
  assert_description (chart, description);
  check_light_and_dark (chart, "fan", 3000);

  /* Right of now the pointer is over the forecast. */
  g_assert_true (bb_fan_chart_hover (BB_FAN_CHART (chart), WIDTH - 40.0, HEIGHT / 2.0));
  g_assert_nonnull (strstr (bb_fan_chart_get_hover_text (BB_FAN_CHART (chart)), "ICU · "));
  g_assert_nonnull (strstr (bb_fan_chart_get_hover_text (BB_FAN_CHART (chart)), "forecast"));
  settle (chart);
  {
    Rendering r;
    g_autoptr(GdkTexture) texture = render_widget (chart, &r);

    maybe_save (texture, "fan-hover", FALSE);
  }
  /* Left of it, over the history. */
  g_assert_true (bb_fan_chart_hover (BB_FAN_CHART (chart), 80.0, HEIGHT / 2.0));
  g_assert_null (strstr (bb_fan_chart_get_hover_text (BB_FAN_CHART (chart)), "forecast"));

  /* No data: the words say so. */
  bb_fan_chart_set_data (BB_FAN_CHART (chart), "ICU", NULL, 0, NULL, 0, 20, NOW);
  assert_description (chart, "Occupancy forecast of ICU: no data");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_probability_chart_draws_the_curve_and_threshold (void)
{
  GtkWidget *chart = bb_probability_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT / 2 + 60);
  BbProbabilityPoint points[57];
  const char *description;

  /* A ward that is full now and frees up over the next days. */
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      points[i].time = NOW + (gint64) i * 6 * 3600;
      points[i].probability = 1.0 - 0.95 * exp (-(double) i / 12.0);
    }
  bb_probability_chart_set_points (BB_PROBABILITY_CHART (chart), points, G_N_ELEMENTS (points));
  settle (chart);

  description = bb_probability_chart_get_description (BB_PROBABILITY_CHART (chart));
  g_test_message ("%s", description);
  g_assert_true (g_str_has_prefix (description, "Chance that a bed is free over the next 14 days: now 5%, reaching 80% on "));
  assert_description (chart, description);
  check_light_and_dark (chart, "probability", 2000);

  g_assert_true (bb_probability_chart_hover (BB_PROBABILITY_CHART (chart), WIDTH / 2.0, 100));
  g_assert_nonnull (strstr (bb_probability_chart_get_hover_text (BB_PROBABILITY_CHART (chart)),
                            "% chance a bed is free"));
  settle (chart);
  {
    Rendering r;
    g_autoptr(GdkTexture) texture = render_widget (chart, &r);

    maybe_save (texture, "probability-hover", FALSE);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The motion controller every chart gets from bb_chart_style_track_pointer. */
static GtkEventController *
find_motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        return controller;  /* the widget holds it */
    }
  return NULL;
}

static void
test_probability_chart_follows_the_pointer (void)
{
  GtkWidget *chart = bb_probability_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT / 2 + 60);
  BbProbabilityPoint points[8];
  GtkEventController *motion;

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    points[i] = (BbProbabilityPoint) { NOW + (gint64) i * 3600, 0.1 * i };
  bb_probability_chart_set_points (BB_PROBABILITY_CHART (chart), points, G_N_ELEMENTS (points));
  settle (chart);
  motion = find_motion_controller (chart);
  g_assert_nonnull (motion);

  /* The pointer over the plot shows the value under it; leaving hides it. */
  g_signal_emit_by_name (motion, "motion", WIDTH / 2.0, 100.0);
  g_assert_nonnull (strstr (bb_probability_chart_get_hover_text (BB_PROBABILITY_CHART (chart)),
                            "% chance a bed is free"));
  g_signal_emit_by_name (motion, "leave");
  g_assert_null (bb_probability_chart_get_hover_text (BB_PROBABILITY_CHART (chart)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_ward_bars_draw_stacked_states (void)
{
  GtkWidget *bars = bb_ward_bars_new ();
  GtkWidget *window = show_in_window (bars, WIDTH, 200);
  const BbWardBarCounts wards[] = {
    { "Medical ICU", { 18, 1, 0, 0, 1 } },
    { "Ward 3E", { 14, 2, 2, 2, 4 } },
    { "Cardiac step-down unit with a long name", { 10, 0, 1, 5, 0 } },
    { "Paediatrics", { 4, 0, 0, 0, 12 } },
  };
  const char *description;
  int min_h, nat_h;

  bb_ward_bars_set_wards (BB_WARD_BARS (bars), wards, G_N_ELEMENTS (wards));
  settle (bars);

  description = bb_ward_bars_get_description (BB_WARD_BARS (bars));
  g_assert_cmpstr (strstr (description, "Medical ICU"), ==,
                   "Medical ICU: 20 beds, 18 occupied, 1 reserved, 1 free. "
                   "Ward 3E: 24 beds, 14 occupied, 2 reserved, 2 cleaning, 2 closed, 4 free. "
                   "Cardiac step-down unit with a long name: 16 beds, 10 occupied, 1 cleaning, 5 closed. "
                   "Paediatrics: 16 beds, 4 occupied, 12 free.");
  assert_description (bars, description);
  /* Four rows and a legend need more height than one row. */
  gtk_widget_measure (bars, GTK_ORIENTATION_VERTICAL, WIDTH, &min_h, &nat_h, NULL, NULL);
  g_assert_cmpint (min_h, >, 4 * 16);
  check_light_and_dark (bars, "ward-bars", 2000);

  /* The first bar's left end is occupied beds. */
  g_assert_true (bb_ward_bars_hover (BB_WARD_BARS (bars), WIDTH / 2.0, 8));
  g_assert_cmpstr (bb_ward_bars_get_hover_text (BB_WARD_BARS (bars)), ==,
                   "Medical ICU · occupied: 18 of 20 beds");
  settle (bars);
  {
    Rendering r;
    g_autoptr(GdkTexture) texture = render_widget (bars, &r);

    maybe_save (texture, "ward-bars-hover", FALSE);
  }
  g_assert_false (bb_ward_bars_hover (BB_WARD_BARS (bars), 2, 199));

  bb_ward_bars_set_wards (BB_WARD_BARS (bars), NULL, 0);
  assert_description (bars, "Beds by ward: no data");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every colour the charts look up is defined by ui/charts.css (a typo would
 * silently fall back), and the ward colours change between light and dark. */
static void
test_chart_colours_come_from_the_stylesheet (void)
{
  static const char *names[] = {
    "bb_chart_grid", "bb_chart_axis", "bb_chart_text", "bb_chart_label_bg", "bb_chart_label_fg",
    "bb_chart_label_backdrop", "bb_chart_now", "bb_chart_series_0", "bb_chart_series_1",
    "bb_chart_series_2", "bb_chart_series_3", "bb_chart_series_4", "bb_chart_series_5",
    "bb_chart_series_6", "bb_chart_series_7", "bb_chart_history", "bb_chart_median",
    "bb_chart_band", "bb_chart_alarm_warning", "bb_chart_alarm_critical", "bb_chart_probability",
    "bb_chart_probability_fill", "bb_chart_threshold", "bb_bar_occupied", "bb_bar_reserved",
    "bb_bar_cleaning", "bb_bar_closed", "bb_bar_free",
  };
  GtkWidget *chart = bb_occupancy_chart_new ();
  GtkWidget *window = show_in_window (chart, WIDTH, HEIGHT);
  GtkStyleContext *style = gtk_widget_get_style_context (chart);
  GdkRGBA light[G_N_ELEMENTS (names)], dark;

  set_dark (FALSE);
  settle (chart);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (!gtk_style_context_lookup_color (style, names[i], &light[i]))
      g_error ("ui/charts.css does not define %s", names[i]);

  set_dark (TRUE);
  settle (chart);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (gtk_style_context_lookup_color (style, names[i], &dark));
      if (g_str_has_prefix (names[i], "bb_chart_series_"))
        g_assert_false (gdk_rgba_equal (&light[i], &dark));
    }
  set_dark (FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* On a HiDPI screen (GDK_SCALE=2, in a subprocess so GTK starts at that
 * scale) the chart renders at device pixels and its grid lines are one device
 * pixel each, not smeared over two. */
static void
test_occupancy_chart_is_crisp_at_scale_two (void)
{
  GtkWidget *chart, *window;
  g_autofree BbOccupancyChartPoint *points = NULL;
  BbOccupancyChartSeries series;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autofree gboolean *line_row = NULL;
  GdkRGBA bg;
  guint n_lines = 0;
  int w, h;
  Rendering r;

  if (!g_test_subprocess ())
    {
      g_setenv ("GDK_SCALE", "2", TRUE);
      g_test_trap_subprocess (NULL, 0, 0);
      g_unsetenv ("GDK_SCALE");
      g_test_trap_assert_passed ();
      return;
    }

  chart = bb_occupancy_chart_new ();
  window = show_in_window (chart, WIDTH, HEIGHT);
  g_assert_cmpint (gtk_widget_get_scale_factor (chart), ==, 2);
  points = make_history (0, 168, 20, 3600);
  series = (BbOccupancyChartSeries) { "ICU", points, 168 };
  bb_occupancy_chart_set_series (BB_OCCUPANCY_CHART (chart), &series, 1);
  settle (chart);

  texture = render_widget (chart, &r);
  maybe_save (texture, "occupancy-scale-2", FALSE);
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  g_assert_cmpint (w, ==, 2 * WIDTH);
  g_assert_cmpint (h, ==, 2 * HEIGHT);

  /* A grid row: almost every pixel across the middle half of the plot
   * differs from the background. */
  gtk_style_context_lookup_color (gtk_widget_get_style_context (chart), "window_bg_color", &bg);
  pixels = g_malloc (4 * w * h);
  gdk_texture_download (texture, pixels, 4 * w);
  line_row = g_new0 (gboolean, h);
  for (int y = 0; y < h; y++)
    {
      int differ = 0;

      for (int x = w / 4; x < 3 * w / 4; x++)
        {
          const guchar *p = pixels + 4 * (y * w + x);

          if (fabs (p[2] / 255.0 - bg.red) + fabs (p[1] / 255.0 - bg.green)
              + fabs (p[0] / 255.0 - bg.blue) > 0.06)
            differ++;
        }
      line_row[y] = differ > 0.9 * (w / 2);
      if (line_row[y])
        {
          n_lines++;
          g_assert_false (y > 0 && line_row[y - 1]);
        }
    }
  /* 0%, 20%, ... 100%: six grid lines, the bottom one under the axis. */
  g_assert_cmpuint (n_lines, >=, 6);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSK_RENDERER", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "cairo", FALSE);
  g_setenv ("TZ", "UTC", TRUE);
  /* No accessibility bus under xvfb: the test backend still records the
   * properties the charts set. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The widgets install ui/charts.css from the client's resources
   * themselves; nothing here loads it for them. */
  g_assert_true (g_resources_get_info ("/org/bedboard/Bedboard/charts.css",
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL));

  g_test_add_func ("/ui/charts/style/colours-come-from-the-stylesheet",
                   test_chart_colours_come_from_the_stylesheet);
  g_test_add_func ("/ui/charts/occupancy/draws-many-wards-in-light-and-dark",
                   test_occupancy_chart_draws_many_wards_in_light_and_dark);
  g_test_add_func ("/ui/charts/occupancy/draws-new-data-on-a-worker-thread",
                   test_occupancy_chart_draws_new_data_on_a_worker_thread);
  g_test_add_func ("/ui/charts/occupancy/is-crisp-at-scale-two",
                   test_occupancy_chart_is_crisp_at_scale_two);
  g_test_add_func ("/ui/charts/occupancy/without-data-says-so",
                   test_occupancy_chart_without_data_says_so);

  g_test_add_func ("/ui/charts/fan/draws-history-forecast-and-alarms",
                   test_fan_chart_draws_history_forecast_and_alarms);
  g_test_add_func ("/ui/charts/probability/draws-the-curve-and-threshold",
                   test_probability_chart_draws_the_curve_and_threshold);
  g_test_add_func ("/ui/charts/probability/follows-the-pointer",
                   test_probability_chart_follows_the_pointer);
  g_test_add_func ("/ui/charts/ward-bars/draw-stacked-states",
                   test_ward_bars_draw_stacked_states);

  return g_test_run ();
}
