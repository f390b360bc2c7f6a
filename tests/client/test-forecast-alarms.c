/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-forecast-alarms.c: which wards the forecast takes over the 85% and
 * 92% alarm lines and when, and how that reads. Pure data, no display. */
#include "config.h"

#include <locale.h>

#include "bb-forecast-ward.h"

/* 2026-11-24 00:00 UTC, a Tuesday. */
#define T0 G_GINT64_CONSTANT (1795478400)
#define HOUR 3600

/* A ward of capacity beds whose median and 90th percentile follow the
 * arrays, one point every 6 hours from T0. */
static BbForecastWard *
ward_with (const char   *name,
           gint64        id,
           guint         capacity,
           const double *median,
           const double *p90,
           guint         n)
{
  BbForecastWard *ward = bb_forecast_ward_new (id, name, "icu", "icu-los", capacity, T0);

  for (guint i = 0; i < n; i++)
    {
      BbForecastBand band = { T0 + i * 6 * HOUR, median[i], median[i] - 1, p90[i] };

      g_array_append_val (ward->forecast, band);
    }
  return ward;
}

static void
test_alarms_find_the_median_crossing_between_points (void)
{
  /* 20 beds: 85% is 17 beds, 92% is 18.4 beds. */
  const double median[] = { 14, 16, 18, 19, 19 };
  const double p90[] = { 15, 17, 19, 20, 20 };
  g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_forecast_ward_free);
  g_autoptr(GPtrArray) alarms = NULL;
  const BbForecastAlarm *a;

  g_ptr_array_add (wards, ward_with ("ICU", 1, 20, median, p90, G_N_ELEMENTS (median)));
  alarms = bb_forecast_alarms_compute (wards);
  g_assert_cmpuint (alarms->len, ==, 2);

  /* 85%: 17 beds, halfway from 16 (06:00) to 18 (12:00): 09:00. */
  a = g_ptr_array_index (alarms, 0);
  g_assert_cmpfloat (a->level, ==, 0.85);
  g_assert_cmpint (a->kind, ==, BB_FORECAST_ALARM_MEDIAN);
  g_assert_cmpint (a->at, ==, T0 + 9 * HOUR);
  g_assert_cmpint (a->ward_id, ==, 1);

  /* 92%: 18.4 beds, 40% of the way from 18 (12:00) to 19 (18:00): 14:24. */
  a = g_ptr_array_index (alarms, 1);
  g_assert_cmpfloat (a->level, ==, 0.92);
  g_assert_cmpint (a->kind, ==, BB_FORECAST_ALARM_MEDIAN);
  g_assert_cmpint (a->at, ==, T0 + 14 * HOUR + 24 * 60);
}

static void
test_alarms_say_now_upper_band_or_nothing (void)
{
  const double full[] = { 19, 19, 18 };        /* at 95% now */
  const double full_p90[] = { 20, 20, 19 };
  const double risky[] = { 10, 12, 13 };       /* of 20: median stays under 85% */
  const double risky_p90[] = { 12, 16, 18 };   /* but the 90th percentile reaches 17 */
  const double calm[] = { 5, 5, 5 };
  const double calm_p90[] = { 7, 7, 7 };
  g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_forecast_ward_free);
  g_autoptr(GPtrArray) alarms = NULL;
  BbForecastWard *empty;
  const BbForecastAlarm *a;

  g_ptr_array_add (wards, ward_with ("Calm", 3, 20, calm, calm_p90, 3));
  g_ptr_array_add (wards, ward_with ("Risky", 2, 20, risky, risky_p90, 3));
  g_ptr_array_add (wards, ward_with ("Full", 1, 20, full, full_p90, 3));
  /* A ward without a forecast raises nothing. */
  empty = bb_forecast_ward_new (4, "Closed", "general", "ward-los", 0, T0);
  g_ptr_array_add (wards, empty);

  alarms = bb_forecast_alarms_compute (wards);
  g_assert_cmpuint (alarms->len, ==, 3);

  /* Now first, the higher line first. */
  a = g_ptr_array_index (alarms, 0);
  g_assert_cmpstr (a->ward_name, ==, "Full");
  g_assert_cmpfloat (a->level, ==, 0.92);
  g_assert_cmpint (a->kind, ==, BB_FORECAST_ALARM_NOW);
  a = g_ptr_array_index (alarms, 1);
  g_assert_cmpstr (a->ward_name, ==, "Full");
  g_assert_cmpfloat (a->level, ==, 0.85);
  g_assert_cmpint (a->kind, ==, BB_FORECAST_ALARM_NOW);

  /* Risky: 85% (17) by the upper band at 6 h (16) -> 12 h (18): 09:00;
   * 92% (18.4) never, even by the upper band. */
  a = g_ptr_array_index (alarms, 2);
  g_assert_cmpstr (a->ward_name, ==, "Risky");
  g_assert_cmpint (a->kind, ==, BB_FORECAST_ALARM_UPPER);
  g_assert_cmpfloat (a->level, ==, 0.85);
  g_assert_cmpint (a->at, ==, T0 + 9 * HOUR);

}

static void
test_alarms_read_as_sentences (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  BbForecastAlarm median = { 1, "ICU", 0.92, BB_FORECAST_ALARM_MEDIAN, T0 + 6 * HOUR };
  BbForecastAlarm upper = { 1, "ICU", 0.85, BB_FORECAST_ALARM_UPPER, T0 + 8 * 24 * HOUR + 90 * 60 };
  BbForecastAlarm now = { 2, "Surgery", 0.85, BB_FORECAST_ALARM_NOW, T0 };
  g_autofree char *a = bb_forecast_alarm_describe (&median, T0, utc);
  g_autofree char *b = bb_forecast_alarm_describe (&upper, T0, utc);
  g_autofree char *c = bb_forecast_alarm_describe (&now, T0, utc);

  g_assert_cmpstr (a, ==, "ICU crosses 92% on Tue around 06:00 (median)");
  /* More than six days ahead: the date too. */
  g_assert_cmpstr (b, ==, "ICU may cross 85% from Wed 2 Dec around 01:30 (1 in 10)");
  g_assert_cmpstr (c, ==, "Surgery is at or over 85% now");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forecast/alarms/find-the-median-crossing-between-points",
                   test_alarms_find_the_median_crossing_between_points);
  g_test_add_func ("/forecast/alarms/say-now-upper-band-or-nothing",
                   test_alarms_say_now_upper_band_or_nothing);
  g_test_add_func ("/forecast/alarms/read-as-sentences", test_alarms_read_as_sentences);

  return g_test_run ();
}
