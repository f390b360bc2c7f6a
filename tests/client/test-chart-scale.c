/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-chart-scale.c: the charts' arithmetic without a display: scales,
 * tick steps for counts, percents and times, hover lookup, band polygons,
 * pixel snapping and the words the charts give screen readers. */
#include "config.h"

#include <math.h>

#include "bb-chart-scale.h"
#include "bb-fan-chart.h"
#include "bb-occupancy-chart.h"
#include "bb-probability-chart.h"
#include "bb-ward-bars.h"

/* 2026-11-16 00:00 UTC, a Monday. */
#define MONDAY ((gint64) 1794787200)

static void
assert_tick_values (GArray       *ticks,
                    const double *expected,
                    guint         n_expected)
{
  g_assert_cmpuint (ticks->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpfloat_with_epsilon (g_array_index (ticks, BbChartTick, i).value, expected[i], 1e-9);
}

static void
test_scale_maps_domain_onto_range (void)
{
  BbChartScale scale;

  /* y upwards: 0 beds at the bottom (pixel 200), 20 at the top (pixel 0). */
  bb_chart_scale_init (&scale, 0, 20, 200, 0);
  g_assert_cmpfloat_with_epsilon (bb_chart_scale_map (&scale, 0), 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (bb_chart_scale_map (&scale, 20), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (bb_chart_scale_map (&scale, 15), 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (bb_chart_scale_map (&scale, 25), -50, 1e-9);
  g_assert_cmpfloat_with_epsilon (bb_chart_scale_invert (&scale, 50), 15, 1e-9);

  for (double v = -3; v < 30; v += 0.7)
    g_assert_cmpfloat_with_epsilon (bb_chart_scale_invert (&scale, bb_chart_scale_map (&scale, v)),
                                    v, 1e-9);
}

static void
test_scale_with_an_empty_domain_maps_to_the_middle (void)
{
  BbChartScale scale;

  bb_chart_scale_init (&scale, 7, 7, 100, 300);
  g_assert_cmpfloat (bb_chart_scale_map (&scale, 7), ==, 200);
  g_assert_cmpfloat (bb_chart_scale_map (&scale, 1000), ==, 200);
  g_assert_true (isfinite (bb_chart_scale_invert (&scale, 150)));
}

static void
test_nice_steps_are_one_two_or_five_times_a_power_of_ten (void)
{
  g_assert_cmpfloat (bb_chart_nice_step (100, 5), ==, 20);
  g_assert_cmpfloat (bb_chart_nice_step (100, 10), ==, 10);
  g_assert_cmpfloat (bb_chart_nice_step (100, 3), ==, 50);
  g_assert_cmpfloat (bb_chart_nice_step (7, 5), ==, 2);
  g_assert_cmpfloat_with_epsilon (bb_chart_nice_step (1, 5), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (bb_chart_nice_step (0.9, 5), 0.2, 1e-12);
  g_assert_cmpfloat (bb_chart_nice_step (2400, 6), ==, 500);
  g_assert_cmpfloat (bb_chart_nice_step (0, 5), ==, 1);
  g_assert_cmpfloat (bb_chart_nice_step (-100, 5), ==, 20);
}

static void
test_count_ticks_are_whole_beds (void)
{
  g_autoptr(GArray) small = bb_chart_ticks_for_counts (0, 3, 10);
  g_autoptr(GArray) ward = bb_chart_ticks_for_counts (0, 24, 5);
  g_autoptr(GArray) offset = bb_chart_ticks_for_counts (3, 17, 4);
  g_autoptr(GArray) backwards = bb_chart_ticks_for_counts (10, 0, 4);
  const double small_expected[] = { 0, 1, 2, 3 };
  const double ward_expected[] = { 0, 5, 10, 15, 20 };
  const double offset_expected[] = { 5, 10, 15 };

  /* Never half a bed, however many ticks would fit. */
  assert_tick_values (small, small_expected, G_N_ELEMENTS (small_expected));
  assert_tick_values (ward, ward_expected, G_N_ELEMENTS (ward_expected));
  assert_tick_values (offset, offset_expected, G_N_ELEMENTS (offset_expected));
  g_assert_cmpstr (g_array_index (ward, BbChartTick, 3).label, ==, "15");
  g_assert_cmpuint (backwards->len, ==, 0);
}

static void
test_percent_and_fraction_ticks_are_labelled_in_percent (void)
{
  g_autoptr(GArray) percent = bb_chart_ticks_for_percent (0, 100, 5);
  g_autoptr(GArray) over = bb_chart_ticks_for_percent (0, 110, 6);
  g_autoptr(GArray) fraction = bb_chart_ticks_for_fraction (5);
  const double percent_expected[] = { 0, 20, 40, 60, 80, 100 };
  const double fraction_expected[] = { 0, 0.2, 0.4, 0.6, 0.8, 1.0 };

  assert_tick_values (percent, percent_expected, G_N_ELEMENTS (percent_expected));
  g_assert_cmpstr (g_array_index (percent, BbChartTick, 4).label, ==, "80%");
  g_assert_cmpuint (over->len, ==, 6);   /* 0 20 ... 100: a step of 20 */
  assert_tick_values (fraction, fraction_expected, G_N_ELEMENTS (fraction_expected));
  g_assert_cmpstr (g_array_index (fraction, BbChartTick, 0).label, ==, "0%");
  g_assert_cmpstr (g_array_index (fraction, BbChartTick, 3).label, ==, "60%");
  g_assert_cmpstr (g_array_index (fraction, BbChartTick, 5).label, ==, "100%");
}

static void
test_time_ticks_over_hours_fall_on_round_hours (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  BbChartTimeUnit unit;
  /* 21:10 on Sunday to 09:10 on Monday: 12 hours, at most 8 ticks. */
  g_autoptr(GArray) ticks = bb_chart_ticks_for_time (MONDAY - 3 * 3600 + 600, MONDAY + 9 * 3600 + 600,
                                                     8, utc, &unit);

  g_assert_cmpint (unit, ==, BB_CHART_TIME_UNIT_HOURS);
  g_assert_cmpuint (ticks->len, ==, 6);  /* 22 00 02 04 06 08 */
  g_assert_cmpfloat (g_array_index (ticks, BbChartTick, 0).value, ==, MONDAY - 2 * 3600);
  g_assert_cmpstr (g_array_index (ticks, BbChartTick, 0).label, ==, "22:00");
  /* Midnight says which day it is. */
  g_assert_cmpstr (g_array_index (ticks, BbChartTick, 1).label, ==, "Mon 16");
  g_assert_cmpstr (g_array_index (ticks, BbChartTick, 5).label, ==, "08:00");
  for (guint i = 1; i < ticks->len; i++)
    g_assert_cmpfloat (g_array_index (ticks, BbChartTick, i).value
                       - g_array_index (ticks, BbChartTick, i - 1).value, ==, 2 * 3600);
}

static void
test_time_ticks_over_weeks_fall_on_mondays (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  BbChartTimeUnit unit;
  /* 30 days of history and 14 of forecast, about 8 labels. */
  gint64 start = MONDAY - 30 * 86400 + 5 * 3600, end = MONDAY + 14 * 86400;
  g_autoptr(GArray) ticks = bb_chart_ticks_for_time (start, end, 8, utc, &unit);

  g_assert_cmpint (unit, ==, BB_CHART_TIME_UNIT_DATES);
  /* Mondays 19 Oct to 30 Nov, the end included. */
  g_assert_cmpuint (ticks->len, ==, 7);
  for (guint i = 0; i < ticks->len; i++)
    {
      gint64 t = (gint64) g_array_index (ticks, BbChartTick, i).value;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

      g_assert_cmpint (g_date_time_get_day_of_week (dt), ==, 1);
      g_assert_cmpint (g_date_time_get_hour (dt), ==, 0);
      g_assert_cmpint (t, >=, start);
      g_assert_cmpint (t, <=, end);
    }
  g_assert_cmpstr (g_array_index (ticks, BbChartTick, 4).label, ==, "16 Nov");
}

static void
test_time_ticks_stay_at_midnight_across_daylight_saving (void)
{
  g_autoptr(GTimeZone) london = g_time_zone_new_identifier ("Europe/London");
  BbChartTimeUnit unit;
  /* Clocks went back on Sunday 25 October 2026: that day has 25 hours. */
  gint64 start = 1792627200;  /* 2026-10-22 00:00 UTC */
  g_autoptr(GArray) ticks = NULL;
  gboolean saw_long_day = FALSE;

  if (london == NULL)
    {
      g_test_skip ("no Europe/London in the time zone database");
      return;
    }
  ticks = bb_chart_ticks_for_time (start, start + 6 * 86400, 8, london, &unit);
  g_assert_cmpint (unit, ==, BB_CHART_TIME_UNIT_DAYS);
  g_assert_cmpuint (ticks->len, ==, 6);
  for (guint i = 0; i < ticks->len; i++)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc ((gint64) g_array_index (ticks, BbChartTick, i).value);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, london);

      g_assert_cmpint (g_date_time_get_hour (local), ==, 0);
      if (i > 0 && g_array_index (ticks, BbChartTick, i).value
                   - g_array_index (ticks, BbChartTick, i - 1).value == 25 * 3600)
        saw_long_day = TRUE;
    }
  g_assert_true (saw_long_day);
  g_assert_cmpstr (g_array_index (ticks, BbChartTick, 3).label, ==, "Mon 26");
}

static void
test_nearest_index_finds_the_closest_x (void)
{
  const double xs[] = { 0, 10, 20, 30, 45 };

  g_assert_cmpuint (bb_chart_nearest_index (xs, 0, 5), ==, G_MAXSIZE);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, -100), ==, 0);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, 1000), ==, 4);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, 14), ==, 1);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, 16), ==, 2);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, 15), ==, 1);   /* a tie goes left */
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, 38), ==, 4);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 5, 30), ==, 3);
  g_assert_cmpuint (bb_chart_nearest_index (xs, 1, 30), ==, 0);
}

static void
test_nearest_index_agrees_with_a_linear_scan (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double xs[720];

  xs[0] = 0;
  for (guint i = 1; i < G_N_ELEMENTS (xs); i++)
    xs[i] = xs[i - 1] + g_rand_double_range (rand, 0.1, 3.0);

  for (guint q = 0; q < 2000; q++)
    {
      double x = g_rand_double_range (rand, -10, xs[G_N_ELEMENTS (xs) - 1] + 10);
      gsize best = 0;

      for (gsize i = 1; i < G_N_ELEMENTS (xs); i++)
        if (fabs (xs[i] - x) < fabs (xs[best] - x))
          best = i;
      g_assert_cmpuint (bb_chart_nearest_index (xs, G_N_ELEMENTS (xs), x), ==, best);
    }
}

static void
test_crossings_count_the_segments_through_a_box (void)
{
  /* A line that climbs from (0, 100) to (30, 0), then stays flat at 0. */
  const double xs[] = { 0, 10, 20, 30, 40, 50 };
  const double ys[] = { 100, 70, 30, 0, 0, 0 };

  /* A label box at y 40..60 over x 0..50: only the segment from 10 to 20
   * (y 70 down to 30) passes through it. */
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 6, 0, 40, 50, 60), ==, 1);
  /* The same box on the right, where the line is flat at 0: nothing. */
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 6, 35, 40, 50, 60), ==, 0);
  /* A box on the flat part: the segments 30-40 and 40-50, and 20-30 when
   * the box reaches back to its end at x 30. */
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 6, 30, -5, 45, 5), ==, 3);
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 6, 31, -5, 45, 5), ==, 2);
  /* A box between two samples still sees the segment joining them. */
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 6, 12, 40, 18, 60), ==, 1);
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 0, 0, 0, 100, 100), ==, 0);
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 1, -1, 99, 1, 101), ==, 1);
  g_assert_cmpuint (bb_chart_count_crossings (xs, ys, 6, 60, 0, 70, 100), ==, 0);
}

static void
test_band_polygon_goes_along_the_highs_and_back_along_the_lows (void)
{
  const double xs[] = { 0, 10, 20 };
  const double lows[] = { 100, 110, 120 };
  const double highs[] = { 90, 80, 70 };
  const double expected[] = { 0, 90, 10, 80, 20, 70, 20, 120, 10, 110, 0, 100 };
  double out[12];

  bb_chart_band_polygon (xs, lows, highs, 3, out);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpfloat (out[i], ==, expected[i]);
}

static void
test_snapping_puts_thin_lines_on_device_pixels (void)
{
  double v;

  /* 1 px at scale 1: the centre of a pixel. */
  v = 10.3;
  bb_chart_snap_to_pixel (&v, 1, 1.0);
  g_assert_cmpfloat (v, ==, 10.5);
  /* 1 px at scale 2 is 2 device pixels: on a device pixel edge. */
  v = 10.3;
  bb_chart_snap_to_pixel (&v, 2, 1.0);
  g_assert_cmpfloat (v, ==, 10.5);
  v = 10.1;
  bb_chart_snap_to_pixel (&v, 2, 1.0);
  g_assert_cmpfloat (v, ==, 10.0);
  /* 1.5 px at scale 2 is 3 device pixels: a device pixel centre. */
  v = 10.1;
  bb_chart_snap_to_pixel (&v, 2, 1.5);
  g_assert_cmpfloat (v, ==, 10.25);
}

static void
test_time_under_the_pointer_names_day_and_hour (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *text = bb_chart_format_time (MONDAY + 24 * 3600 + 14 * 3600, utc);

  g_assert_cmpstr (text, ==, "Tue 17 14:00");
}

static void
test_occupancy_description_states_the_numbers (void)
{
  BbOccupancyChartPoint icu[31], ward[3];
  BbOccupancyChartSeries series[2] = {
    { "ICU", icu, G_N_ELEMENTS (icu) },
    { "Ward 3E", ward, G_N_ELEMENTS (ward) },
  };
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *none = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (icu); i++)
    icu[i] = (BbOccupancyChartPoint) { MONDAY + i * 86400, 12 + (i * 7) % 9, 20 };
  icu[30].occupied = 18;
  for (guint i = 0; i < G_N_ELEMENTS (ward); i++)
    ward[i] = (BbOccupancyChartPoint) { MONDAY + i * 3600, 20 + i, 24 };

  one = bb_occupancy_chart_describe (series, 1);
  g_assert_cmpstr (one, ==, "Occupancy of ICU: now 18 of 20 beds (90%); low 12, high 20 over the last 30 days.");
  two = bb_occupancy_chart_describe (series, 2);
  g_assert_cmpstr (two, ==, "Occupancy of 2 wards. "
                            "Occupancy of ICU: now 18 of 20 beds (90%); low 12, high 20 over the last 30 days. "
                            "Occupancy of Ward 3E: now 22 of 24 beds (92%); low 20, high 22 over the last 2 hours.");
  none = bb_occupancy_chart_describe (NULL, 0);
  g_assert_cmpstr (none, ==, "Occupancy chart: no data");
}

static void
test_fan_description_says_when_alarm_lines_are_crossed (void)
{
  BbOccupancyChartPoint history[2] = {
    { MONDAY - 2 * 86400, 15, 20 },
    { MONDAY, 16, 20 },
  };
  BbFanForecastPoint forecast[3] = {
    { MONDAY, 16, 15, 17 },
    { MONDAY + 86400, 17, 15, 19 },   /* 85% */
    { MONDAY + 2 * 86400, 17.5, 15, 20 },
  };
  g_autofree char *text = bb_fan_chart_describe ("ICU", history, 2, forecast, 3, 20);
  g_autofree char *calm = NULL;
  g_autofree char *none = bb_fan_chart_describe ("ICU", NULL, 0, NULL, 0, 20);

  g_assert_cmpint (bb_fan_chart_first_crossing (forecast, 3, 20, 0.85), ==, MONDAY + 86400);
  g_assert_cmpint (bb_fan_chart_first_crossing (forecast, 3, 20, 0.92), ==, G_MININT64);
  g_assert_cmpint (bb_fan_chart_first_crossing (forecast, 3, 0, 0.85), ==, G_MININT64);
  g_assert_cmpstr (text, ==,
                   "Occupancy of ICU: now 16 of 20 beds (80%); low 15, high 16 over the last 2 days. "
                   "Forecast for the next 2 days: median peak 18 beds (88%) on Wed 18 00:00, 80% between 15 and 20 beds. "
                   "The median reaches the 85% alarm line on Tue 17 00:00. "
                   "The median stays below the 92% alarm line.");

  forecast[1].median = 16;
  forecast[2].median = 16;
  calm = bb_fan_chart_describe ("ICU", NULL, 0, forecast, 3, 20);
  g_assert_true (g_str_has_prefix (calm, "Occupancy of ICU: no history. "));
  g_assert_true (g_str_has_suffix (calm, "The median stays below the 85% alarm line. "
                                         "The median stays below the 92% alarm line."));
  g_assert_cmpstr (none, ==, "Occupancy forecast of ICU: no data");
}

static void
test_probability_description_says_when_a_bed_is_likely_free (void)
{
  BbProbabilityPoint points[3] = {
    { MONDAY, 0.3 },
    { MONDAY + 7 * 86400, 0.85 },
    { MONDAY + 14 * 86400, 0.97 },
  };
  g_autofree char *likely = bb_probability_chart_describe (points, 3);
  g_autofree char *already = NULL;
  g_autofree char *unlikely = NULL;
  g_autofree char *none = bb_probability_chart_describe (NULL, 0);

  g_assert_cmpstr (likely, ==, "Chance that a bed is free over the next 14 days: now 30%, "
                               "reaching 80% on Mon 23 00:00, and 97% at the end.");
  points[0].probability = 0.9;
  already = bb_probability_chart_describe (points, 3);
  g_assert_cmpstr (already, ==, "Chance that a bed is free over the next 14 days: now 90%, "
                                "already above 80%, and 97% at the end.");
  points[0].probability = 0.1;
  points[1].probability = 0.6;
  points[2].probability = 0.5;
  unlikely = bb_probability_chart_describe (points, 3);
  g_assert_cmpstr (unlikely, ==, "Chance that a bed is free over the next 14 days: now 10%, "
                                 "never reaching 80%; highest 60% on Mon 23 00:00, and 50% at the end.");
  g_assert_cmpuint (bb_probability_chart_first_above (points, 3, 0.8), ==, G_MAXSIZE);
  g_assert_cmpuint (bb_probability_chart_first_above (points, 3, 0.5), ==, 1);
  g_assert_cmpstr (none, ==, "Chance that a bed is free: no data");
}

static void
test_ward_bars_description_lists_the_states_present (void)
{
  const BbWardBarCounts wards[] = {
    { "ICU", { 18, 1, 0, 0, 1 } },
    { "Empty ward", { 0, 0, 0, 0, 0 } },
    { "Side room", { 0, 0, 0, 1, 0 } },
  };
  g_autofree char *text = bb_ward_bars_describe (wards, G_N_ELEMENTS (wards));
  g_autofree char *none = bb_ward_bars_describe (NULL, 0);

  g_assert_cmpstr (text, ==, "Beds by ward. ICU: 20 beds, 18 occupied, 1 reserved, 1 free. "
                             "Empty ward: 0 beds. Side room: 1 bed, 1 closed.");
  g_assert_cmpstr (none, ==, "Beds by ward: no data");
}

int
main (int   argc,
      char *argv[])
{
  /* Descriptions name times in the local zone; make it fixed. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/chart-scale/maps-domain-onto-range", test_scale_maps_domain_onto_range);
  g_test_add_func ("/client/chart-scale/with-an-empty-domain-maps-to-the-middle",
                   test_scale_with_an_empty_domain_maps_to_the_middle);
  g_test_add_func ("/client/chart-scale/nice-steps-are-one-two-or-five-times-a-power-of-ten",
                   test_nice_steps_are_one_two_or_five_times_a_power_of_ten);
  g_test_add_func ("/client/chart-scale/count-ticks-are-whole-beds", test_count_ticks_are_whole_beds);
  g_test_add_func ("/client/chart-scale/percent-and-fraction-ticks-are-labelled-in-percent",
                   test_percent_and_fraction_ticks_are_labelled_in_percent);
  g_test_add_func ("/client/chart-scale/time-ticks-over-hours-fall-on-round-hours",
                   test_time_ticks_over_hours_fall_on_round_hours);
  g_test_add_func ("/client/chart-scale/time-ticks-over-weeks-fall-on-mondays",
                   test_time_ticks_over_weeks_fall_on_mondays);
  g_test_add_func ("/client/chart-scale/time-ticks-stay-at-midnight-across-daylight-saving",
                   test_time_ticks_stay_at_midnight_across_daylight_saving);
  g_test_add_func ("/client/chart-scale/nearest-index-finds-the-closest-x",
                   test_nearest_index_finds_the_closest_x);
  g_test_add_func ("/client/chart-scale/nearest-index-agrees-with-a-linear-scan",
                   test_nearest_index_agrees_with_a_linear_scan);
  g_test_add_func ("/client/chart-scale/crossings-count-the-segments-through-a-box",
                   test_crossings_count_the_segments_through_a_box);
  g_test_add_func ("/client/chart-scale/band-polygon-goes-along-the-highs-and-back-along-the-lows",
                   test_band_polygon_goes_along_the_highs_and_back_along_the_lows);
  g_test_add_func ("/client/chart-scale/snapping-puts-thin-lines-on-device-pixels",
                   test_snapping_puts_thin_lines_on_device_pixels);
  g_test_add_func ("/client/chart-scale/time-under-the-pointer-names-day-and-hour",
                   test_time_under_the_pointer_names_day_and_hour);
  g_test_add_func ("/client/chart-describe/occupancy-states-the-numbers",
                   test_occupancy_description_states_the_numbers);
  g_test_add_func ("/client/chart-describe/fan-says-when-alarm-lines-are-crossed",
                   test_fan_description_says_when_alarm_lines_are_crossed);
  g_test_add_func ("/client/chart-describe/probability-says-when-a-bed-is-likely-free",
                   test_probability_description_says_when_a_bed_is_likely_free);
  g_test_add_func ("/client/chart-describe/ward-bars-list-the-states-present",
                   test_ward_bars_description_lists_the_states_present);

  return g_test_run ();
}
