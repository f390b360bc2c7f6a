/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-forecast-report.c: the forecast page's exports: the occupancy
 * series as CSV (exact content) and the PDF (a real PDF with a summary page
 * and one page per three wards with data), and that a failed export leaves
 * no file behind. */
#include "config.h"

#include <dlfcn.h>
#include <locale.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "bb-forecast-report.h"

/* 2026-11-22 00:00 UTC */
#define T0 G_GINT64_CONSTANT (1795305600)
#define HOUR 3600

static BbForecastWard *
ward_with_history (gint64      id,
                   const char *name,
                   guint       capacity,
                   guint       n_history,
                   guint       n_forecast)
{
  BbForecastWard *ward = bb_forecast_ward_new (id, name, "general", "ward-los", capacity, T0);

  for (guint i = 0; i < n_history; i++)
    {
      BbForecastSample s = { T0 - (n_history - 1 - i) * 6 * HOUR, (capacity / 2 + i) % (capacity + 1), capacity };

      g_array_append_val (ward->history, s);
    }
  for (guint i = 0; i < n_forecast; i++)
    {
      BbForecastBand b = { T0 + i * 6 * HOUR, capacity * 0.8, capacity * 0.7, capacity * 0.9 };

      g_array_append_val (ward->forecast, b);
    }
  return ward;
}

static void
test_report_csv_lists_every_sample_of_every_ward (void)
{
  g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_forecast_ward_free);
  g_autofree char *csv = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bb-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "occupancy.csv", NULL);
  g_autofree char *read = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected =
    "ward,time,occupied,capacity\r\n"
    "ICU,2026-11-21T12:00:00Z,2,4\r\n"
    "ICU,2026-11-21T18:00:00Z,3,4\r\n"
    "ICU,2026-11-22T00:00:00Z,4,4\r\n"
    "\"Surgery, \"\"East\"\"\",2026-11-22T00:00:00Z,5,10\r\n";

  g_ptr_array_add (wards, ward_with_history (1, "ICU", 4, 3, 2));
  g_ptr_array_add (wards, ward_with_history (2, "Surgery, \"East\"", 10, 1, 0));
  /* A ward without history adds no line. */
  g_ptr_array_add (wards, ward_with_history (3, "Empty", 6, 0, 3));

  csv = bb_forecast_report_to_csv (wards);
  g_assert_cmpstr (csv, ==, expected);

  g_assert_true (bb_forecast_report_write_csv (wards, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &read, NULL, NULL));
  g_assert_cmpstr (read, ==, expected);

  g_unlink (path);
  g_rmdir (dir);
}

static guint
count_pages (const char *pdf,
             gsize       length)
{
  const char *needle = "/Type /Page";
  gsize n = strlen (needle);
  guint pages = 0;

  for (gsize i = 0; i + n < length; i++)
    if (memcmp (pdf + i, needle, n) == 0 && pdf[i + n] != 's')
      pages++;
  return pages;
}

static void
test_report_pdf_has_a_summary_page_and_three_wards_a_page (void)
{
  g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_forecast_ward_free);
  g_autoptr(GPtrArray) alarms = g_ptr_array_new ();
  g_autoptr(GPtrArray) models = g_ptr_array_new ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *dir = g_dir_make_tmp ("bb-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "forecast.pdf", NULL);
  g_autofree char *pdf = NULL;
  g_autoptr(GError) error = NULL;
  BbForecastWard *unavailable;
  BbForecastReport report = { "St Example", T0, utc, wards, alarms, models };
  gsize length = 0;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("Ward %u", i + 1);

      g_ptr_array_add (wards, ward_with_history (i + 1, name, 20, 121, 57));
    }
  /* No data at all: no chart, so no page for it. */
  unavailable = ward_with_history (9, "Closed ward", 0, 0, 0);
  unavailable->unavailable = g_strdup ("no open beds");
  g_ptr_array_add (wards, unavailable);
  g_ptr_array_add (alarms, "Ward 1 crosses 92% on Tue around 06:00 (median)");
  g_ptr_array_add (models, "icu-los version 1: MAE 1.8 days");

  g_assert_cmpuint (bb_forecast_report_count_pages (&report), ==, 3);
  g_assert_true (bb_forecast_report_write_pdf (&report, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &pdf, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_assert_cmpuint (count_pages (pdf, length), ==, 3);

  /* One ward more fills the second chart page; a fifth opens a third. */
  g_ptr_array_remove_index (wards, 4);
  g_ptr_array_add (wards, ward_with_history (5, "Ward 5", 12, 10, 0));
  g_ptr_array_add (wards, ward_with_history (6, "Ward 6", 12, 0, 10));
  g_ptr_array_add (wards, ward_with_history (7, "Ward 7", 12, 10, 10));
  g_assert_cmpuint (bb_forecast_report_count_pages (&report), ==, 4);
  g_assert_true (bb_forecast_report_write_pdf (&report, path, &error));
  g_clear_pointer (&pdf, g_free);
  g_assert_true (g_file_get_contents (path, &pdf, &length, NULL));
  g_assert_cmpuint (count_pages (pdf, length), ==, 4);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_report_failed_exports_leave_no_file (void)
{
  g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_forecast_ward_free);
  g_autofree char *dir = g_dir_make_tmp ("bb-report-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "forecast.pdf", NULL);
  g_autofree char *missing_csv = g_build_filename (dir, "no-such-folder", "occupancy.csv", NULL);
  g_autoptr(GError) error = NULL;
  BbForecastReport report = { "St Example", T0, NULL, wards, NULL, NULL };
  g_autoptr(GDir) listing = NULL;

  g_ptr_array_add (wards, ward_with_history (1, "ICU", 4, 3, 2));

  g_assert_false (bb_forecast_report_write_pdf (&report, missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "forecast.pdf"));
  g_clear_error (&error);
  g_assert_false (bb_forecast_report_write_csv (wards, missing_csv, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forecast/report/csv-lists-every-sample-of-every-ward",
                   test_report_csv_lists_every_sample_of_every_ward);
  g_test_add_func ("/forecast/report/pdf-has-a-summary-page-and-three-wards-a-page",
                   test_report_pdf_has_a_summary_page_and_three_wards_a_page);
  g_test_add_func ("/forecast/report/failed-exports-leave-no-file",
                   test_report_failed_exports_leave_no_file);

  ret = g_test_run ();
  /* cairo keeps its fonts, and fontconfig its configuration, until told:
   * let a leak check (the client suite runs under LeakSanitizer in CI) see
   * only what the report code keeps. fontconfig is not linked directly,
   * only through cairo, hence the lookup. */
  cairo_debug_reset_static_data ();
  {
    void (*fc_fini) (void) = (void (*) (void)) dlsym (RTLD_DEFAULT, "FcFini");

    if (fc_fini != NULL)
      fc_fini ();
  }
  return ret;
}
