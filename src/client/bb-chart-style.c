/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-chart-style.c: colours, labels and the small drawing pieces the chart
 * widgets share. Colours come from ui/charts.css by name; when a name is
 * missing (the stylesheet was not loaded) a fallback for the current light or
 * dark foreground keeps the chart readable. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-chart-style.h"

#include <math.h>

/* Light and dark fallbacks for every named colour of ui/charts.css. */
static const struct
{
  const char *name;
  const char *light;
  const char *dark;
} fallbacks[] = {
  { "bb_chart_grid", "rgba(0,0,0,0.10)", "rgba(255,255,255,0.12)" },
  { "bb_chart_axis", "rgba(0,0,0,0.40)", "rgba(255,255,255,0.45)" },
  { "bb_chart_text", "rgba(0,0,0,0.65)", "rgba(255,255,255,0.75)" },
  { "bb_chart_label_bg", "#ffffff", "#383838" },
  { "bb_chart_label_fg", "rgba(0,0,0,0.8)", "#ffffff" },
  { "bb_chart_now", "rgba(0,0,0,0.45)", "rgba(255,255,255,0.55)" },
  { "bb_chart_label_backdrop", "rgba(250,250,250,0.85)", "rgba(36,36,36,0.85)" },
  { "bb_chart_series_0", "#2d71c2", "#5597e8" },
  { "bb_chart_series_1", "#c45300", "#f07d2a" },
  { "bb_chart_series_2", "#1e8a50", "#4fd18c" },
  { "bb_chart_series_3", "#7b3793", "#b074c5" },
  { "bb_chart_series_4", "#c0171f", "#e84a51" },
  { "bb_chart_series_5", "#815a3a", "#b08a69" },
  { "bb_chart_series_6", "#b88404", "#ecc03f" },
  { "bb_chart_series_7", "#4a4a4a", "#a8a8a8" },
  { "bb_chart_history", "rgba(0,0,0,0.80)", "rgba(255,255,255,0.85)" },
  { "bb_chart_median", "#1c71d8", "#78aeed" },
  { "bb_chart_band", "rgba(28,113,216,0.22)", "rgba(120,174,237,0.22)" },
  { "bb_chart_alarm_warning", "#9c6e03", "#f8e45c" },
  { "bb_chart_alarm_critical", "#c01c28", "#ff7b63" },
  { "bb_chart_probability", "#1c71d8", "#78aeed" },
  { "bb_chart_probability_fill", "rgba(28,113,216,0.15)", "rgba(120,174,237,0.15)" },
  { "bb_chart_threshold", "#1b8553", "#8ff0a4" },
  { "bb_bar_occupied", "#3077cc", "#4a90e2" },
  { "bb_bar_reserved", "#b464cf", "#c47fdb" },
  { "bb_bar_cleaning", "#eac12e", "#f3d045" },
  { "bb_bar_closed", "rgba(0,0,0,0.30)", "rgba(255,255,255,0.35)" },
  { "bb_bar_free", "rgba(38,162,105,0.35)", "rgba(143,240,164,0.35)" },
};

static const char *series_names[BB_CHART_N_SERIES_COLORS] = {
  "bb_chart_series_0", "bb_chart_series_1", "bb_chart_series_2", "bb_chart_series_3",
  "bb_chart_series_4", "bb_chart_series_5", "bb_chart_series_6", "bb_chart_series_7",
};

/* Installs ui/charts.css for the widget's display once, when the
 * application's resources carry it, so the charts look right whichever page
 * or test shows them first. */
void
bb_chart_style_ensure_provider (GtkWidget *widget)
{
  GdkDisplay *display;
  g_autoptr(GtkCssProvider) provider = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  display = gtk_widget_get_display (widget);
  if (g_object_get_data (G_OBJECT (display), "bb-chart-style") != NULL)
    return;
  if (!g_resources_get_info (BB_CHART_STYLE_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE,
                             NULL, NULL, NULL))
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, BB_CHART_STYLE_RESOURCE);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "bb-chart-style",
                          g_steal_pointer (&provider), g_object_unref);
}

void
bb_chart_style_foreground (GtkWidget *widget,
                           GdkRGBA   *out)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (out != NULL);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), out);
}

void
bb_chart_style_lookup (GtkWidget  *widget,
                       const char *name,
                       GdkRGBA    *out)
{
  GdkRGBA fg;
  gboolean dark;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (name != NULL);
  g_return_if_fail (out != NULL);

  if (gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, out))
    return;

  /* A light foreground means a dark background. */
  bb_chart_style_foreground (widget, &fg);
  dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    {
      if (g_str_equal (fallbacks[i].name, name))
        {
          gdk_rgba_parse (out, dark ? fallbacks[i].dark : fallbacks[i].light);
          return;
        }
    }

  g_warning ("No chart colour named %s", name);
  *out = fg;
}

void
bb_chart_style_series (GtkWidget *widget,
                       guint      index,
                       GdkRGBA   *out)
{
  bb_chart_style_lookup (widget, series_names[index % BB_CHART_N_SERIES_COLORS], out);
}

/* Axis and legend text: the widget's font at 85%, so labels stay small next
 * to the data but follow the user's text scaling. */
PangoLayout *
bb_chart_style_label (GtkWidget  *widget,
                      const char *text)
{
  PangoLayout *layout;
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  layout = gtk_widget_create_pango_layout (widget, text);
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  return layout;
}

void
bb_chart_style_append_layout (GtkSnapshot   *snapshot,
                              PangoLayout   *layout,
                              double         x,
                              double         y,
                              const GdkRGBA *color)
{
  if (layout == NULL)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* One device pixel thick, on the device pixel grid, so grid lines stay crisp
 * at any scale factor. */
void
bb_chart_style_append_hline (GtkSnapshot   *snapshot,
                             GtkWidget     *widget,
                             double         x0,
                             double         x1,
                             double         y,
                             const GdkRGBA *color)
{
  int scale = MAX (1, gtk_widget_get_scale_factor (widget));
  double yy = floor (y * scale) / scale;

  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (x0, yy, x1 - x0, 1.0 / scale));
}

void
bb_chart_style_append_vline (GtkSnapshot   *snapshot,
                             GtkWidget     *widget,
                             double         x,
                             double         y0,
                             double         y1,
                             const GdkRGBA *color)
{
  int scale = MAX (1, gtk_widget_get_scale_factor (widget));
  double xx = floor (x * scale) / scale;

  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (xx, y0, 1.0 / scale, y1 - y0));
}

void
bb_chart_style_append_empty (GtkSnapshot *snapshot,
                             GtkWidget   *widget,
                             PangoLayout *layout)
{
  GdkRGBA color;
  int w, h;

  if (layout == NULL)
    return;

  bb_chart_style_lookup (widget, "bb_chart_text", &color);
  pango_layout_get_pixel_size (layout, &w, &h);
  bb_chart_style_append_layout (snapshot, layout,
                                (gtk_widget_get_width (widget) - w) / 2.0,
                                (gtk_widget_get_height (widget) - h) / 2.0,
                                &color);
}

/* The value under the pointer: a dot at (x, y) and a rounded label beside
 * it, flipped to the other side near the right and top edges so it never
 * leaves the widget. */
void
bb_chart_style_append_hover (GtkSnapshot   *snapshot,
                             GtkWidget     *widget,
                             PangoLayout   *layout,
                             double         x,
                             double         y,
                             const GdkRGBA *marker)
{
  const double pad = 6.0, gap = 10.0, dot = 4.0;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA bg, fg, border;
  GskRoundedRect outline;
  double bx, by;
  int w, h;

  if (layout == NULL)
    return;

  bb_chart_style_lookup (widget, "bb_chart_label_bg", &bg);
  bb_chart_style_lookup (widget, "bb_chart_label_fg", &fg);
  bb_chart_style_lookup (widget, "bb_chart_axis", &border);

  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (x - dot, y - dot, 2 * dot, 2 * dot), dot);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, marker, &outline.bounds);
  gtk_snapshot_pop (snapshot);

  pango_layout_get_pixel_size (layout, &w, &h);
  bx = x + gap;
  if (bx + w + 2 * pad > width)
    bx = x - gap - w - 2 * pad;
  by = y - gap - h - 2 * pad;
  if (by < 0)
    by = y + gap;
  bx = CLAMP (bx, 0, MAX (0, width - w - 2 * pad));
  by = CLAMP (by, 0, MAX (0, height - h - 2 * pad));

  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (round (bx), round (by), w + 2 * pad, h + 2 * pad),
                                   6.0);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &bg, &outline.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { border, border, border, border });
  bb_chart_style_append_layout (snapshot, layout, bx + pad, by + pad, &fg);
}

/* Places legend entries left to right in rows no wider than width (an entry
 * wider than that gets a row of its own). at[i] is set to entry i's left
 * edge and top, from the legend's top; returns the legend's height. */
double
bb_chart_style_flow_legend (PangoLayout      **layouts,
                            guint              n_layouts,
                            double             width,
                            graphene_point_t  *at)
{
  double x = 0;
  int row_h = 0;
  guint row = 0;

  g_return_val_if_fail (n_layouts == 0 || (layouts != NULL && at != NULL), 0);

  for (guint i = 0; i < n_layouts; i++)
    {
      int w, h;

      pango_layout_get_pixel_size (layouts[i], &w, &h);
      row_h = MAX (row_h, h);
      if (x > 0 && x + BB_CHART_LEGEND_SWATCH + 4 + w > width)
        {
          x = 0;
          row++;
        }
      at[i] = GRAPHENE_POINT_INIT (x, row);
      x += BB_CHART_LEGEND_SWATCH + 4 + w + BB_CHART_LEGEND_SPACING;
    }
  /* The rows are known now: row numbers become y positions. */
  for (guint i = 0; i < n_layouts; i++)
    at[i].y *= row_h + BB_CHART_LEGEND_ROW_GAP;
  return n_layouts == 0 ? 0 : (row + 1) * (row_h + BB_CHART_LEGEND_ROW_GAP);
}

typedef struct
{
  BbChartHoverFunc hover;
} PointerTracking;

static void
on_pointer_motion_cb (GtkEventControllerMotion *motion,
                      double                    x,
                      double                    y,
                      PointerTracking          *tracking)
{
  tracking->hover (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (motion)), x, y);
}

static void
on_pointer_leave_cb (GtkEventControllerMotion *motion,
                     PointerTracking          *tracking)
{
  tracking->hover (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (motion)), -1, -1);
}

/* Calls hover (widget, x, y) as the pointer moves over widget, and
 * hover (widget, -1, -1) when it leaves. */
void
bb_chart_style_track_pointer (GtkWidget        *widget,
                              BbChartHoverFunc  hover)
{
  GtkEventController *motion;
  PointerTracking *tracking;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (hover != NULL);

  motion = gtk_event_controller_motion_new ();
  tracking = g_new0 (PointerTracking, 1);
  tracking->hover = hover;
  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion_cb), tracking);
  g_signal_connect_data (motion, "leave", G_CALLBACK (on_pointer_leave_cb), tracking,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_widget_add_controller (widget, motion);
}

/* Makes text (taken) the chart's description in *description, freeing the
 * old one, and gives it to assistive technologies. */
void
bb_chart_style_set_description (GtkWidget  *widget,
                                char      **description,
                                char       *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (description != NULL);

  g_free (*description);
  *description = text;
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}
