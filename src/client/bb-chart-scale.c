/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-chart-scale.c: scales, ticks, hover lookup and band polygons for the
 * charts. Everything here is plain arithmetic on doubles and GDateTime so the
 * widgets only turn its results into drawing. */
#define G_LOG_DOMAIN "bb-charts"

#include "config.h"

#include "bb-chart-scale.h"

#include <glib/gi18n.h>
#include <math.h>

static void
clear_tick (gpointer data)
{
  BbChartTick *tick = data;

  g_clear_pointer (&tick->label, g_free);
}

static GArray *
tick_array_new (void)
{
  GArray *ticks = g_array_new (FALSE, TRUE, sizeof (BbChartTick));

  g_array_set_clear_func (ticks, clear_tick);
  return ticks;
}

static void
tick_array_add (GArray *ticks,
                double  value,
                char   *label)
{
  BbChartTick tick = { value, label };

  g_array_append_val (ticks, tick);
}

void
bb_chart_scale_init (BbChartScale *scale,
                     double        domain_min,
                     double        domain_max,
                     double        range_min,
                     double        range_max)
{
  g_return_if_fail (scale != NULL);

  scale->domain_min = domain_min;
  scale->domain_max = domain_max;
  scale->range_min = range_min;
  scale->range_max = range_max;
}

/* An empty domain maps everything to the middle of the range rather than
 * dividing by zero: a ward whose occupancy never changed is a flat line. */
double
bb_chart_scale_map (const BbChartScale *scale,
                    double              value)
{
  double span;

  g_return_val_if_fail (scale != NULL, 0.0);

  span = scale->domain_max - scale->domain_min;
  if (span == 0.0 || !isfinite (span))
    return (scale->range_min + scale->range_max) / 2.0;

  return scale->range_min
         + (value - scale->domain_min) / span * (scale->range_max - scale->range_min);
}

double
bb_chart_scale_invert (const BbChartScale *scale,
                       double              pixel)
{
  double span;

  g_return_val_if_fail (scale != NULL, 0.0);

  span = scale->range_max - scale->range_min;
  if (span == 0.0 || !isfinite (span))
    return (scale->domain_min + scale->domain_max) / 2.0;

  return scale->domain_min
         + (pixel - scale->range_min) / span * (scale->domain_max - scale->domain_min);
}

/* The smallest step of the form {1, 2, 5} x 10^k that splits span into at
 * most max_ticks intervals. */
double
bb_chart_nice_step (double span,
                    guint  max_ticks)
{
  static const double multiples[] = { 1.0, 2.0, 5.0, 10.0 };
  double raw, magnitude;

  g_return_val_if_fail (max_ticks > 0, 1.0);

  span = fabs (span);
  if (span == 0.0 || !isfinite (span))
    return 1.0;

  raw = span / max_ticks;
  magnitude = pow (10.0, floor (log10 (raw)));
  for (guint i = 0; i < G_N_ELEMENTS (multiples); i++)
    {
      /* The small tolerance keeps 100 / 5 at a step of 20, not 50. */
      if (multiples[i] * magnitude >= raw * (1.0 - 1e-9))
        return multiples[i] * magnitude;
    }

  return 10.0 * magnitude;
}

static GArray *
linear_ticks (double      min,
              double      max,
              double      step,
              gboolean    percent,
              double      label_factor)
{
  GArray *ticks = tick_array_new ();
  double first;

  if (!(max >= min) || !isfinite (min) || !isfinite (max))
    return ticks;

  first = ceil (min / step - 1e-9) * step;
  for (guint i = 0; ; i++)
    {
      double value = first + i * step;

      if (value > max + step * 1e-9)
        break;
      /* Avoid "-0" labels and accumulated error such as 0.30000000000000004. */
      value = round (value / step) * step;
      if (value == 0.0)
        value = 0.0;
      if (percent)
        /* TRANSLATORS: an axis label in percent, e.g. "80%" */
        tick_array_add (ticks, value, g_strdup_printf (_("%.0f%%"), value * label_factor));
      else
        tick_array_add (ticks, value, g_strdup_printf ("%.0f", value * label_factor));
    }

  return ticks;
}

/* Bed counts: integer steps only, so a ward of 3 beds shows 0 1 2 3 and not
 * 0.5 steps. */
GArray *
bb_chart_ticks_for_counts (double min,
                           double max,
                           guint  max_ticks)
{
  double step;

  g_return_val_if_fail (max_ticks > 0, tick_array_new ());

  step = MAX (1.0, bb_chart_nice_step (max - min, max_ticks));
  return linear_ticks (min, max, step, FALSE, 1.0);
}

GArray *
bb_chart_ticks_for_percent (double min,
                            double max,
                            guint  max_ticks)
{
  double step;

  g_return_val_if_fail (max_ticks > 0, tick_array_new ());

  step = MAX (1.0, bb_chart_nice_step (max - min, max_ticks));
  return linear_ticks (min, max, step, TRUE, 1.0);
}

/* Probabilities 0..1, labelled as percents. */
GArray *
bb_chart_ticks_for_fraction (guint max_ticks)
{
  double step;

  g_return_val_if_fail (max_ticks > 0, tick_array_new ());

  step = bb_chart_nice_step (1.0, max_ticks);
  return linear_ticks (0.0, 1.0, step, TRUE, 100.0);
}

typedef struct
{
  BbChartTimeUnit unit;
  guint           count;   /* hours for HOURS, days for DAYS and DATES */
} TimeStep;

static const TimeStep time_steps[] = {
  { BB_CHART_TIME_UNIT_HOURS, 1 },
  { BB_CHART_TIME_UNIT_HOURS, 2 },
  { BB_CHART_TIME_UNIT_HOURS, 3 },
  { BB_CHART_TIME_UNIT_HOURS, 6 },
  { BB_CHART_TIME_UNIT_HOURS, 12 },
  { BB_CHART_TIME_UNIT_DAYS, 1 },
  { BB_CHART_TIME_UNIT_DAYS, 2 },
  { BB_CHART_TIME_UNIT_DATES, 7 },
  { BB_CHART_TIME_UNIT_DATES, 14 },
  { BB_CHART_TIME_UNIT_DATES, 28 },
  { BB_CHART_TIME_UNIT_DATES, 91 },
  { BB_CHART_TIME_UNIT_DATES, 364 },
};

static char *
time_tick_label (GDateTime      *local,
                 BbChartTimeUnit unit)
{
  switch (unit)
    {
    case BB_CHART_TIME_UNIT_HOURS:
      /* Midnight names the day, so a reader of an hourly axis knows which. */
      if (g_date_time_get_hour (local) == 0)
        /* TRANSLATORS: a time-axis label at midnight, g_date_time_format(): "Tue 24" */
        return g_date_time_format (local, _("%a %-d"));
      /* TRANSLATORS: a time-axis label, g_date_time_format(): "14:00" */
      return g_date_time_format (local, _("%H:%M"));
    case BB_CHART_TIME_UNIT_DAYS:
      return g_date_time_format (local, _("%a %-d"));
    case BB_CHART_TIME_UNIT_DATES:
    default:
      /* TRANSLATORS: a date-axis label, g_date_time_format(): "24 Nov" */
      return g_date_time_format (local, _("%-d %b"));
    }
}

/* Days since 1 Jan 0001 of a local date: used so that "every 2 days" or
 * "every 14 days" ticks land on the same dates whatever the chart's start. */
static gint64
local_day_number (GDateTime *local)
{
  g_autoptr(GDate) date = g_date_new_dmy (g_date_time_get_day_of_month (local),
                                          g_date_time_get_month (local),
                                          g_date_time_get_year (local));

  return g_date_get_julian (date);
}

/* Ticks at round local times: whole hours divisible by the step, local
 * midnights, Mondays. Local arithmetic with GDateTime keeps them at 00:00
 * across daylight-saving changes. */
GArray *
bb_chart_ticks_for_time (gint64           start,
                         gint64           end,
                         guint            max_ticks,
                         GTimeZone       *tz,
                         BbChartTimeUnit *out_unit)
{
  g_autoptr(GTimeZone) local_tz = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) cursor = NULL;
  GArray *ticks = tick_array_new ();
  const TimeStep *step = &time_steps[G_N_ELEMENTS (time_steps) - 1];
  double span = (double) end - (double) start;

  g_return_val_if_fail (max_ticks > 0, ticks);

  if (out_unit != NULL)
    *out_unit = BB_CHART_TIME_UNIT_HOURS;
  if (end < start)
    return ticks;

  for (guint i = 0; i < G_N_ELEMENTS (time_steps); i++)
    {
      double seconds = time_steps[i].count
                       * (time_steps[i].unit == BB_CHART_TIME_UNIT_HOURS ? 3600.0 : 86400.0);

      if (span / seconds <= max_ticks)
        {
          step = &time_steps[i];
          break;
        }
    }
  if (out_unit != NULL)
    *out_unit = step->unit;

  local_tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  {
    g_autoptr(GDateTime) start_dt = g_date_time_new_from_unix_utc (start);
    g_autoptr(GDateTime) start_local = NULL;

    if (start_dt == NULL)
      return ticks;
    start_local = g_date_time_to_timezone (start_dt, local_tz);
    if (step->unit == BB_CHART_TIME_UNIT_HOURS)
      first = g_date_time_new (local_tz,
                               g_date_time_get_year (start_local),
                               g_date_time_get_month (start_local),
                               g_date_time_get_day_of_month (start_local),
                               g_date_time_get_hour (start_local), 0, 0);
    else
      first = g_date_time_new (local_tz,
                               g_date_time_get_year (start_local),
                               g_date_time_get_month (start_local),
                               g_date_time_get_day_of_month (start_local),
                               0, 0, 0);
  }
  if (first == NULL)
    return ticks;

  cursor = g_date_time_ref (first);
  /* The walk is bounded: max_ticks * step candidates at most, plus one step
   * of alignment. */
  for (guint guard = 0; guard < 100000; guard++)
    {
      gint64 t = g_date_time_to_unix (cursor);
      gboolean on_step;
      GDateTime *next;

      if (t > end)
        break;

      if (step->unit == BB_CHART_TIME_UNIT_HOURS)
        on_step = g_date_time_get_hour (cursor) % step->count == 0;
      else if (step->unit == BB_CHART_TIME_UNIT_DAYS)
        on_step = local_day_number (cursor) % step->count == 0;
      else
        /* Julian day 1 (1 Jan 0001) was a Monday, so day % 7 == 0 is a Sunday
         * and day % 7 == 1 a Monday; longer steps count whole weeks. */
        on_step = local_day_number (cursor) % 7 == 1
                  && ((local_day_number (cursor) - 1) / 7) % (step->count / 7) == 0;

      if (t >= start && on_step)
        tick_array_add (ticks, (double) t, time_tick_label (cursor, step->unit));

      if (step->unit == BB_CHART_TIME_UNIT_HOURS)
        next = g_date_time_add_hours (cursor, 1);
      else
        next = g_date_time_add_days (cursor, 1);
      if (next == NULL)
        break;
      g_date_time_unref (cursor);
      cursor = next;
    }

  return ticks;
}

/* The index of the x closest to x in the ascending array xs, by binary
 * search; G_MAXSIZE when xs is empty. Ties go to the earlier point. */
gsize
bb_chart_nearest_index (const double *xs,
                        gsize         n_xs,
                        double        x)
{
  gsize lo = 0, hi = n_xs;

  if (n_xs == 0)
    return G_MAXSIZE;
  g_return_val_if_fail (xs != NULL, G_MAXSIZE);

  /* lo ends at the first index with xs[lo] >= x. */
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (xs[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == 0)
    return 0;
  if (lo == n_xs)
    return n_xs - 1;
  return (x - xs[lo - 1] <= xs[lo] - x) ? lo - 1 : lo;
}

/* How many segments of the polyline (xs ascending) pass through the box
 * [x0, x1] x [y0, y1]: used to put a label where no line runs under it.
 * Segments are judged by their bounding boxes, which for the short segments
 * of a chart is close enough and errs on the side of "crossing". */
gsize
bb_chart_count_crossings (const double *xs,
                          const double *ys,
                          gsize         n,
                          double        x0,
                          double        y0,
                          double        x1,
                          double        y1)
{
  gsize first, count = 0;

  g_return_val_if_fail (n == 0 || (xs != NULL && ys != NULL), 0);

  if (n == 0 || x1 < x0 || y1 < y0)
    return 0;
  if (n == 1)
    return (xs[0] >= x0 && xs[0] <= x1 && ys[0] >= y0 && ys[0] <= y1) ? 1 : 0;

  /* The segment that reaches x0 starts at the last point left of it (or at
   * it: a segment ending exactly at x0 touches the box). */
  first = bb_chart_nearest_index (xs, n, x0);
  if (first > 0 && xs[first] >= x0)
    first--;
  for (gsize i = first; i + 1 < n && xs[i] <= x1; i++)
    {
      double sx0 = xs[i], sx1 = xs[i + 1];
      double sy0 = MIN (ys[i], ys[i + 1]), sy1 = MAX (ys[i], ys[i + 1]);

      if (sx1 >= x0 && sx0 <= x1 && sy1 >= y0 && sy0 <= y1)
        count++;
    }
  return count;
}

/* The closed outline of a band between lows and highs: along the highs left
 * to right, back along the lows right to left. out_xy holds 4 * n doubles
 * (x, y pairs). */
void
bb_chart_band_polygon (const double *xs,
                       const double *lows,
                       const double *highs,
                       gsize         n,
                       double       *out_xy)
{
  g_return_if_fail (n == 0 || (xs != NULL && lows != NULL && highs != NULL && out_xy != NULL));

  for (gsize i = 0; i < n; i++)
    {
      out_xy[2 * i] = xs[i];
      out_xy[2 * i + 1] = highs[i];
      out_xy[2 * (2 * n - 1 - i)] = xs[i];
      out_xy[2 * (2 * n - 1 - i) + 1] = lows[i];
    }
}

/* Moves a line's coordinate so a line of line_width logical pixels covers
 * whole device pixels at this scale factor: odd device widths sit on pixel
 * centres, even ones on pixel edges. Keeps grid lines crisp on HiDPI. */
void
bb_chart_snap_to_pixel (double *value,
                        int     scale_factor,
                        double  line_width)
{
  double device_width;

  g_return_if_fail (value != NULL);

  if (scale_factor < 1)
    scale_factor = 1;
  device_width = round (line_width * scale_factor);
  if (((gint64) device_width) % 2 == 1)
    *value = (floor (*value * scale_factor) + 0.5) / scale_factor;
  else
    *value = round (*value * scale_factor) / scale_factor;
}

/* "Tue 24 14:00": the time under the pointer; with the day of the month,
 * since charts span weeks. */
char *
bb_chart_format_time (gint64     unix_time,
                      GTimeZone *tz)
{
  g_autoptr(GTimeZone) local_tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_timezone (utc, local_tz);
  /* TRANSLATORS: a point in time under the pointer, g_date_time_format(): "Tue 24 14:00" */
  return g_date_time_format (local, _("%a %-d %H:%M"));
}
