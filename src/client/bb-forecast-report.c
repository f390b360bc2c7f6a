/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-forecast-report.c: writes the forecast page as PDF and the occupancy
 * series as CSV. The PDF draws its own fan charts with cairo (the widgets
 * draw through GTK's snapshot, which a PDF surface cannot take); they show
 * the same things: history, median, 10-90% band, alarm lines, now. */
#define G_LOG_DOMAIN "bb-forecast-report"

#include "config.h"

#include "bb-forecast-report.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bb-records.h"

/* A4 in points. */
#define PAGE_WIDTH  595.0
#define PAGE_HEIGHT 842.0
#define MARGIN      48.0
#define CHARTS_PER_PAGE 3

/* ---- CSV ---- */

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
bb_forecast_report_to_csv (GPtrArray *wards)
{
  GString *out = g_string_new ("ward,time,occupied,capacity\r\n");

  g_return_val_if_fail (wards != NULL, g_string_free (out, FALSE));

  for (guint w = 0; w < wards->len; w++)
    {
      const BbForecastWard *ward = g_ptr_array_index (wards, w);

      for (guint i = 0; i < ward->history->len; i++)
        {
          const BbForecastSample *s = &g_array_index (ward->history, BbForecastSample, i);
          g_autofree char *time = bb_time_to_iso8601 (s->time);

          append_csv_field (out, ward->name);
          g_string_append_printf (out, ",%s,%u,%u\r\n", time, s->occupied, s->capacity);
        }
    }
  return g_string_free (out, FALSE);
}

gboolean
bb_forecast_report_write_csv (GPtrArray   *wards,
                              const char  *path,
                              GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (wards != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = bb_forecast_report_to_csv (wards);
  /* g_file_set_contents writes a temporary file and renames it. */
  return g_file_set_contents (path, text, -1, error);
}

/* ---- PDF ---- */

static gboolean
ward_has_data (const BbForecastWard *ward)
{
  return ward->history->len > 0 || ward->forecast->len > 0;
}

guint
bb_forecast_report_count_pages (const BbForecastReport *report)
{
  guint n = 0;

  g_return_val_if_fail (report != NULL, 0);

  for (guint i = 0; report->wards != NULL && i < report->wards->len; i++)
    if (ward_has_data (g_ptr_array_index (report->wards, i)))
      n++;
  return 1 + (n + CHARTS_PER_PAGE - 1) / CHARTS_PER_PAGE;
}

static char *
format_time (gint64      t,
             GTimeZone  *tz,
             const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) local_tz = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  if (tz == NULL)
    tz = local_tz = g_time_zone_new_local ();
  local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, format);
}

/* Writes text wrapped to width; returns the y below it. */
static double
show_wrapped (cairo_t    *cr,
              const char *text,
              double      x,
              double      y,
              double      width,
              double      line_height)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *candidate = line->len > 0 ? g_strdup_printf ("%s %s", line->str, words[i])
                                                 : g_strdup (words[i]);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, candidate, &ext);
      if (ext.x_advance > width && line->len > 0)
        {
          cairo_move_to (cr, x, y);
          cairo_show_text (cr, line->str);
          y += line_height;
          g_string_assign (line, words[i]);
        }
      else
        g_string_assign (line, candidate);
    }
  if (line->len > 0)
    {
      cairo_move_to (cr, x, y);
      cairo_show_text (cr, line->str);
      y += line_height;
    }
  return y;
}

static double
draw_section (cairo_t    *cr,
              const char *title,
              GPtrArray  *lines,
              const char *empty,
              double      y)
{
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, 13);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_move_to (cr, MARGIN, y);
  cairo_show_text (cr, title);
  y += 20;
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10);
  if (lines == NULL || lines->len == 0)
    return show_wrapped (cr, empty, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, 14) + 14;
  for (guint i = 0; i < lines->len && y < PAGE_HEIGHT - MARGIN; i++)
    {
      g_autofree char *bullet = g_strdup_printf ("• %s", (const char *) g_ptr_array_index (lines, i));

      y = show_wrapped (cr, bullet, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, 14);
    }
  return y + 14;
}

static void
draw_summary_page (cairo_t                *cr,
                   const BbForecastReport *report)
{
  g_autofree char *when = format_time (report->generated_at, report->tz, "%a %-d %b %Y %H:%M");
  g_autofree char *subtitle = NULL;
  double y = MARGIN + 10;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 20);
  {
    /* TRANSLATORS: the PDF report's title; %s is a hospital */
    g_autofree char *title = g_strdup_printf (_("Bed forecast: %s"),
                                              report->hospital_name != NULL ? report->hospital_name : "");

    y = show_wrapped (cr, title, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, 24);
  }
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10);
  /* TRANSLATORS: %s is a date and time */
  subtitle = g_strdup_printf (_("Occupied beds over the last 30 days (black) and the 14-day forecast: median "
                                "(blue line) and 10–90%% band (blue area); dashed alarm lines at 85%% (orange) "
                                "and 92%% (red) of the beds. The forecast counts the patients in each ward now, "
                                "the bookings, and the patients expected to arrive at the rate of the ward's "
                                "admissions over the last 14 days. Made %s."), when);
  y = show_wrapped (cr, subtitle, MARGIN, y, PAGE_WIDTH - 2 * MARGIN, 14) + 18;

  y = draw_section (cr, _("Wards crossing the alarm lines"), report->alarm_lines,
                    _("No ward is expected to reach 85% within 14 days."), y);
  draw_section (cr, _("Length-of-stay models"), report->model_lines, _("No model numbers."), y);
}

typedef struct
{
  double x, y, w, h;      /* plot area */
  gint64 t0, t1;
  double max_beds;
} Plot;

static double
plot_x (const Plot *p,
        gint64      t)
{
  return p->x + p->w * (double) (t - p->t0) / (double) MAX (p->t1 - p->t0, 1);
}

static double
plot_y (const Plot *p,
        double      beds)
{
  return p->y + p->h - p->h * beds / p->max_beds;
}

static void
draw_ward_chart (cairo_t              *cr,
                 const BbForecastWard *ward,
                 GTimeZone            *tz,
                 double                top,
                 double                height)
{
  const BbForecastSample *hist = (const BbForecastSample *) ward->history->data;
  const BbForecastBand *fc = (const BbForecastBand *) ward->forecast->data;
  guint nh = ward->history->len, nf = ward->forecast->len;
  static const double levels[] = { BB_FORECAST_ALARM_WARNING, BB_FORECAST_ALARM_CRITICAL };
  g_autofree char *title = NULL;
  Plot p;

  p.x = MARGIN + 34;
  p.y = top + 22;
  p.w = PAGE_WIDTH - MARGIN - p.x;
  p.h = height - 22 - 30;
  p.t0 = nh > 0 ? hist[0].time : (nf > 0 ? fc[0].time : ward->now);
  p.t1 = nf > 0 ? fc[nf - 1].time : (nh > 0 ? hist[nh - 1].time : ward->now);
  p.max_beds = MAX (ward->capacity, 1);
  for (guint i = 0; i < nh; i++)
    p.max_beds = MAX (p.max_beds, hist[i].occupied);

  /* Title */
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12);
  /* TRANSLATORS: a ward and its number of beds */
  title = g_strdup_printf (_("%s (%u beds)"), ward->name, ward->capacity);
  cairo_move_to (cr, MARGIN, top + 12);
  cairo_show_text (cr, title);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 8);

  /* Grid and bed labels at 0, 25, 50, 75, 100% */
  cairo_set_line_width (cr, 0.5);
  for (int q = 0; q <= 4; q++)
    {
      double beds = p.max_beds * q / 4.0;
      g_autofree char *label = g_strdup_printf ("%.0f", beds);
      double y = plot_y (&p, beds);

      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_move_to (cr, p.x, y);
      cairo_line_to (cr, p.x + p.w, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      cairo_move_to (cr, MARGIN, y + 3);
      cairo_show_text (cr, label);
    }
  /* Days along the bottom, weekly */
  for (gint64 t = p.t0; t <= p.t1; t += 7 * 24 * 3600)
    {
      g_autofree char *label = format_time (t, tz, "%-d %b");
      double x = plot_x (&p, t);

      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      cairo_move_to (cr, x - 10, p.y + p.h + 12);
      cairo_show_text (cr, label);
    }

  /* Band */
  if (nf > 0)
    {
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.25);
      cairo_move_to (cr, plot_x (&p, fc[0].time), plot_y (&p, fc[0].p90));
      for (guint i = 1; i < nf; i++)
        cairo_line_to (cr, plot_x (&p, fc[i].time), plot_y (&p, fc[i].p90));
      for (guint i = nf; i-- > 0;)
        cairo_line_to (cr, plot_x (&p, fc[i].time), plot_y (&p, fc[i].p10));
      cairo_close_path (cr);
      cairo_fill (cr);

      cairo_set_source_rgb (cr, 0.11, 0.38, 0.75);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, plot_x (&p, fc[0].time), plot_y (&p, fc[0].median));
      for (guint i = 1; i < nf; i++)
        cairo_line_to (cr, plot_x (&p, fc[i].time), plot_y (&p, fc[i].median));
      cairo_stroke (cr);
    }
  /* History */
  if (nh > 0)
    {
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_set_line_width (cr, 1.2);
      cairo_move_to (cr, plot_x (&p, hist[0].time), plot_y (&p, hist[0].occupied));
      for (guint i = 1; i < nh; i++)
        cairo_line_to (cr, plot_x (&p, hist[i].time), plot_y (&p, hist[i].occupied));
      cairo_stroke (cr);
    }
  /* Alarm lines */
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *label = g_strdup_printf ("%.0f%%", levels[i] * 100);
      double y = plot_y (&p, levels[i] * ward->capacity);
      const double dash[] = { 4, 3 };

      if (i == 0)
        cairo_set_source_rgb (cr, 0.90, 0.57, 0.04);
      else
        cairo_set_source_rgb (cr, 0.75, 0.11, 0.16);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, p.x, y);
      cairo_line_to (cr, p.x + p.w, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_move_to (cr, p.x + p.w - 22, y - 3);
      cairo_show_text (cr, label);
    }
  /* Now */
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  cairo_set_line_width (cr, 0.8);
  cairo_move_to (cr, plot_x (&p, ward->now), p.y);
  cairo_line_to (cr, plot_x (&p, ward->now), p.y + p.h);
  cairo_stroke (cr);
  cairo_move_to (cr, plot_x (&p, ward->now) + 3, p.y + 8);
  cairo_show_text (cr, _("now"));

  if (ward->unavailable != NULL)
    {
      /* TRANSLATORS: why a ward has no forecast */
      g_autofree char *note = g_strdup_printf (_("No forecast: %s"), ward->unavailable);

      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      cairo_move_to (cr, p.x + 6, p.y + 20);
      cairo_show_text (cr, note);
    }
}

gboolean
bb_forecast_report_write_pdf (const BbForecastReport *report,
                              const char             *path,
                              GError                **error)
{
  g_autofree char *tmp = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint on_page = 0;
  double chart_height = (PAGE_HEIGHT - 2 * MARGIN) / CHARTS_PER_PAGE;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  {
    int fd = g_mkstemp (tmp);

    if (fd < 0)
      {
        int saved = errno;

        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                     _("Could not write %s: %s"), path, g_strerror (saved));
        return FALSE;
      }
    close (fd);
  }

  surface = cairo_pdf_surface_create (tmp, PAGE_WIDTH, PAGE_HEIGHT);
  cr = cairo_create (surface);
  draw_summary_page (cr, report);
  cairo_show_page (cr);

  for (guint i = 0; report->wards != NULL && i < report->wards->len; i++)
    {
      const BbForecastWard *ward = g_ptr_array_index (report->wards, i);

      if (!ward_has_data (ward))
        continue;
      draw_ward_chart (cr, ward, report->tz, MARGIN + on_page * chart_height, chart_height - 10);
      if (++on_page == CHARTS_PER_PAGE)
        {
          cairo_show_page (cr);
          on_page = 0;
        }
    }
  if (on_page > 0)
    cairo_show_page (cr);

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   _("Could not write %s: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
