/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-bars.c: per-ward stacked bars of bed states, each bar the ward's
 * whole capacity, with the ward's name on the left, its free beds on the
 * right and a legend underneath. Bars are plain colour nodes; positions are
 * computed when the data or the size changes. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-ward-bars.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bb-chart-style.h"

#define ROW_GAP 8.0
#define BAR_MIN_HEIGHT 16.0
#define COLUMN_GAP 10.0

typedef struct
{
  char            *name;
  guint            beds[BB_WARD_BARS_N_STATES];
  guint            total;
  PangoLayout     *name_layout;
  PangoLayout     *value_layout;
  graphene_rect_t  bar;                                 /* the whole bar */
  double           edges[BB_WARD_BARS_N_STATES + 1];    /* segment boundaries, x */
} Row;

struct _BbWardBars
{
  GtkWidget    parent_instance;

  GArray      *rows;            /* Row */
  char        *description;

  gboolean     laid_out;
  double       row_height;
  double       name_width;
  double       value_x;
  PangoLayout *legend_layouts[BB_WARD_BARS_N_STATES];
  graphene_point_t legend_at[BB_WARD_BARS_N_STATES];
  PangoLayout *empty_layout;

  guint        hover_row;
  int          hover_state;     /* -1: none */
  char        *hover_text;
  PangoLayout *hover_layout;
  double       hover_x;
  double       hover_y;
};

G_DEFINE_FINAL_TYPE (BbWardBars, bb_ward_bars, GTK_TYPE_WIDGET)

static const char *state_colors[BB_WARD_BARS_N_STATES] = {
  "bb_bar_occupied", "bb_bar_reserved", "bb_bar_cleaning", "bb_bar_closed", "bb_bar_free",
};

static void
clear_row (gpointer data)
{
  Row *row = data;

  g_clear_pointer (&row->name, g_free);
  g_clear_object (&row->name_layout);
  g_clear_object (&row->value_layout);
}

static void
clear_hover (BbWardBars *self)
{
  self->hover_state = -1;
  g_clear_pointer (&self->hover_text, g_free);
  g_clear_object (&self->hover_layout);
}

static void
clear_layouts (BbWardBars *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      g_clear_object (&row->name_layout);
      g_clear_object (&row->value_layout);
    }
  for (guint i = 0; i < BB_WARD_BARS_N_STATES; i++)
    g_clear_object (&self->legend_layouts[i]);
  g_clear_object (&self->empty_layout);
  self->laid_out = FALSE;
}

/* Creates the text layouts (when the data or the style changed) and returns
 * the height the rows and legend need at this width. */
static double
ensure_layouts (BbWardBars *self,
                double      width,
                double     *legend_height)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->name_width = 0;
  self->row_height = BAR_MIN_HEIGHT;
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      int w, h;

      if (row->name_layout == NULL)
        {
          g_autofree char *value = NULL;

          row->name_layout = bb_chart_style_label (widget, row->name);
          pango_layout_set_ellipsize (row->name_layout, PANGO_ELLIPSIZE_END);
          /* TRANSLATORS: at the end of a ward's bar: free beds of all beds */
          value = g_strdup_printf (_("%u free of %u"), row->beds[BB_WARD_BARS_FREE], row->total);
          row->value_layout = bb_chart_style_label (widget, value);
        }
      /* Names may take up to a third of the width; longer ones are ellipsized. */
      pango_layout_set_width (row->name_layout, -1);
      pango_layout_get_pixel_size (row->name_layout, &w, &h);
      self->name_width = MAX (self->name_width, MIN (w, width / 3.0));
      self->row_height = MAX (self->row_height, h);
    }
  for (guint i = 0; i < self->rows->len; i++)
    pango_layout_set_width (g_array_index (self->rows, Row, i).name_layout,
                            (int) (self->name_width * PANGO_SCALE));

  /* The legend flows under the bars. */
  for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
    if (self->legend_layouts[s] == NULL)
      self->legend_layouts[s] = bb_chart_style_label (widget, bb_ward_bars_state_name (s));
  *legend_height = bb_chart_style_flow_legend (self->legend_layouts, BB_WARD_BARS_N_STATES, width,
                                               self->legend_at);

  return self->rows->len * (self->row_height + ROW_GAP) + ROW_GAP + *legend_height;
}

static void
update_geometry (BbWardBars *self,
                 int         width,
                 int         height)
{
  int scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  double legend_height, value_width = 0, bar_x, bar_w, y = 0;

  self->laid_out = FALSE;
  if (self->rows->len == 0 || width <= 0 || height <= 0)
    return;

  ensure_layouts (self, width, &legend_height);
  for (guint i = 0; i < self->rows->len; i++)
    {
      int w;

      pango_layout_get_pixel_size (g_array_index (self->rows, Row, i).value_layout, &w, NULL);
      value_width = MAX (value_width, w);
    }

  bar_x = self->name_width + COLUMN_GAP;
  /* A little room on the right so the last digit is never cut by rounding. */
  bar_w = MAX (10.0, width - bar_x - COLUMN_GAP - value_width - 4.0);
  self->value_x = bar_x + bar_w + COLUMN_GAP;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      double x = bar_x;

      row->bar = GRAPHENE_RECT_INIT (bar_x, y, bar_w, self->row_height);
      row->edges[0] = bar_x;
      for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
        {
          x += row->total > 0 ? bar_w * row->beds[s] / row->total : 0;
          /* Segment edges on device pixels: no seams between segments. */
          row->edges[s + 1] = round (x * scale) / scale;
        }
      y += self->row_height + ROW_GAP;
    }
  for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
    self->legend_at[s].y += y;

  self->laid_out = TRUE;
}

static void
update_description (BbWardBars *self)
{
  g_autofree BbWardBarCounts *views = g_new0 (BbWardBarCounts, MAX (1, self->rows->len));

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      views[i].ward_name = row->name;
      memcpy (views[i].beds, row->beds, sizeof row->beds);
    }
  bb_chart_style_set_description (GTK_WIDGET (self), &self->description,
                                  bb_ward_bars_describe (views, self->rows->len));
}

static GtkSizeRequestMode
bb_ward_bars_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* The height follows the number of wards (and the legend's rows at that
 * width). */
static void
bb_ward_bars_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  BbWardBars *self = BB_WARD_BARS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else if (self->rows->len == 0)
    {
      *minimum = *natural = 60;
    }
  else
    {
      double legend_height;

      *minimum = *natural = (int) ceil (ensure_layouts (self, for_size > 0 ? for_size : 480,
                                                        &legend_height));
    }
}

static void
bb_ward_bars_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  update_geometry (BB_WARD_BARS (widget), width, height);
}

static void
bb_ward_bars_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bb_ward_bars_parent_class)->css_changed (widget, change);
  clear_layouts (BB_WARD_BARS (widget));
  gtk_widget_queue_resize (widget);
}

static void
bb_ward_bars_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bb_ward_bars_parent_class)->root (widget);
  bb_chart_style_ensure_provider (widget);
}

static void
bb_ward_bars_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  BbWardBars *self = BB_WARD_BARS (widget);
  GdkRGBA colors[BB_WARD_BARS_N_STATES], text;

  if (!self->laid_out)
    {
      if (self->empty_layout == NULL)
        self->empty_layout = bb_chart_style_label (widget, _("No data"));
      bb_chart_style_append_empty (snapshot, widget, self->empty_layout);
      return;
    }

  for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
    bb_chart_style_lookup (widget, state_colors[s], &colors[s]);
  bb_chart_style_lookup (widget, "bb_chart_text", &text);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      GskRoundedRect outline;
      int h;

      pango_layout_get_pixel_size (row->name_layout, NULL, &h);
      bb_chart_style_append_layout (snapshot, row->name_layout, 0,
                                    row->bar.origin.y + (self->row_height - h) / 2, &text);
      bb_chart_style_append_layout (snapshot, row->value_layout, self->value_x,
                                    row->bar.origin.y + (self->row_height - h) / 2, &text);

      gsk_rounded_rect_init_from_rect (&outline, &row->bar, 4.0);
      gtk_snapshot_push_rounded_clip (snapshot, &outline);
      if (row->total == 0)
        gtk_snapshot_append_color (snapshot, &colors[BB_WARD_BARS_CLOSED], &row->bar);
      for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
        {
          double x0 = row->edges[s], x1 = row->edges[s + 1];

          if (x1 <= x0)
            continue;
          gtk_snapshot_append_color (snapshot, &colors[s],
                                     &GRAPHENE_RECT_INIT (x0, row->bar.origin.y, x1 - x0,
                                                          row->bar.size.height));
        }
      gtk_snapshot_pop (snapshot);
    }

  for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
    {
      int h;

      pango_layout_get_pixel_size (self->legend_layouts[s], NULL, &h);
      gtk_snapshot_append_color (snapshot, &colors[s],
                                 &GRAPHENE_RECT_INIT (self->legend_at[s].x,
                                                      self->legend_at[s].y + (h - BB_CHART_LEGEND_SWATCH) / 2,
                                                      BB_CHART_LEGEND_SWATCH, BB_CHART_LEGEND_SWATCH));
      bb_chart_style_append_layout (snapshot, self->legend_layouts[s],
                                    self->legend_at[s].x + BB_CHART_LEGEND_SWATCH + 4,
                                    self->legend_at[s].y, &text);
    }

  if (self->hover_layout != NULL)
    bb_chart_style_append_hover (snapshot, widget, self->hover_layout, self->hover_x,
                                 self->hover_y, &colors[self->hover_state]);
}

static void
bb_ward_bars_finalize (GObject *object)
{
  BbWardBars *self = BB_WARD_BARS (object);

  clear_layouts (self);
  clear_hover (self);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (bb_ward_bars_parent_class)->finalize (object);
}

static void
bb_ward_bars_class_init (BbWardBarsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bb_ward_bars_finalize;

  widget_class->get_request_mode = bb_ward_bars_get_request_mode;
  widget_class->measure = bb_ward_bars_measure;
  widget_class->size_allocate = bb_ward_bars_size_allocate;
  widget_class->snapshot = bb_ward_bars_snapshot;
  widget_class->css_changed = bb_ward_bars_css_changed;
  widget_class->root = bb_ward_bars_root;

  gtk_widget_class_set_css_name (widget_class, "wardbars");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bb_ward_bars_init (BbWardBars *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, clear_row);
  self->hover_state = -1;

  bb_chart_style_track_pointer (GTK_WIDGET (self), (BbChartHoverFunc) bb_ward_bars_hover);

  update_description (self);
}

GtkWidget *
bb_ward_bars_new (void)
{
  return g_object_new (BB_TYPE_WARD_BARS, NULL);
}

/* Copies the wards' counts, in the order given. */
void
bb_ward_bars_set_wards (BbWardBars            *self,
                        const BbWardBarCounts *wards,
                        gsize                  n_wards)
{
  g_return_if_fail (BB_IS_WARD_BARS (self));
  g_return_if_fail (n_wards == 0 || wards != NULL);

  clear_hover (self);
  g_array_set_size (self->rows, 0);
  for (gsize i = 0; i < n_wards; i++)
    {
      Row row = { 0 };

      row.name = g_strdup (wards[i].ward_name != NULL ? wards[i].ward_name : "");
      for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
        {
          row.beds[s] = wards[i].beds[s];
          row.total += wards[i].beds[s];
        }
      g_array_append_val (self->rows, row);
    }

  update_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                   gtk_widget_get_height (GTK_WIDGET (self)));
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
bb_ward_bars_get_description (BbWardBars *self)
{
  g_return_val_if_fail (BB_IS_WARD_BARS (self), NULL);

  return self->description;
}

/* Shows the ward and state of the segment under (x, y). */
gboolean
bb_ward_bars_hover (BbWardBars *self,
                    double      x,
                    double      y)
{
  int state = -1;
  guint index = 0;

  g_return_val_if_fail (BB_IS_WARD_BARS (self), FALSE);

  if (self->laid_out)
    {
      for (guint i = 0; i < self->rows->len && state < 0; i++)
        {
          Row *row = &g_array_index (self->rows, Row, i);

          if (!graphene_rect_contains_point (&row->bar, &GRAPHENE_POINT_INIT (x, y)))
            continue;
          for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
            if (x >= row->edges[s] && x < row->edges[s + 1])
              {
                state = s;
                index = i;
                break;
              }
        }
    }

  if (state == self->hover_state && (state < 0 || index == self->hover_row))
    return state >= 0;

  clear_hover (self);
  if (state >= 0)
    {
      Row *row = &g_array_index (self->rows, Row, index);

      self->hover_row = index;
      self->hover_state = state;
      self->hover_x = (row->edges[state] + row->edges[state + 1]) / 2;
      self->hover_y = row->bar.origin.y + row->bar.size.height / 2;
      /* TRANSLATORS: a bar segment under the pointer, e.g. "ICU · reserved: 2 of 20 beds" */
      self->hover_text = g_strdup_printf (_("%s · %s: %u of %u beds"), row->name,
                                          bb_ward_bars_state_name (state), row->beds[state],
                                          row->total);
      self->hover_layout = bb_chart_style_label (GTK_WIDGET (self), self->hover_text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return state >= 0;
}

const char *
bb_ward_bars_get_hover_text (BbWardBars *self)
{
  g_return_val_if_fail (BB_IS_WARD_BARS (self), NULL);

  return self->hover_text;
}

const char *
bb_ward_bars_state_name (BbWardBarsState state)
{
  switch (state)
    {
    case BB_WARD_BARS_OCCUPIED:
      return C_("bed state", "occupied");
    case BB_WARD_BARS_RESERVED:
      return C_("bed state", "reserved");
    case BB_WARD_BARS_CLEANING:
      return C_("bed state", "cleaning");
    case BB_WARD_BARS_CLOSED:
      return C_("bed state", "closed");
    case BB_WARD_BARS_FREE:
      return C_("bed state", "free");
    case BB_WARD_BARS_N_STATES:
    default:
      g_return_val_if_reached ("");
    }
}

/* The bars in words: per ward its beds and the states that have any, e.g.
 * "ICU: 20 beds, 18 occupied, 1 reserved, 1 free." */
char *
bb_ward_bars_describe (const BbWardBarCounts *wards,
                       gsize                  n_wards)
{
  GString *text;

  if (n_wards == 0 || wards == NULL)
    return g_strdup (_("Beds by ward: no data"));

  text = g_string_new (_("Beds by ward."));
  for (gsize i = 0; i < n_wards; i++)
    {
      guint total = 0;

      for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
        total += wards[i].beds[s];
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s: %u bed", "%s: %u beds", total),
                              wards[i].ward_name != NULL ? wards[i].ward_name : "", total);
      for (guint s = 0; s < BB_WARD_BARS_N_STATES; s++)
        {
          if (wards[i].beds[s] == 0)
            continue;
          /* TRANSLATORS: a count and a bed state, e.g. ", 18 occupied" */
          g_string_append_printf (text, _(", %u %s"), wards[i].beds[s], bb_ward_bars_state_name (s));
        }
      g_string_append_c (text, '.');
    }

  return g_string_free (text, FALSE);
}
