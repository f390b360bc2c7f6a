/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-forecast-cli.c: `bedboard-los forecast` and `backtest` on the shipped
 * icu-los model with small synthetic wards: the CLI prints the same numbers
 * the library computes in-process (as the server and client do), bookings
 * take beds, and bad input is refused naming the row and column. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bb-los-model.h"
#include "bb-los-table.h"
#include "bb-ward-forecast.h"

#define HEADER "age,gender,apacheadmissiondx,admissionheight,admissionweight,hospitaladmitsource," \
               "hospitaladmitoffset,unittype,unitadmitsource,unitadmittime24,unitvisitnumber,unitstaytype"

typedef struct
{
  char *dir;
  char *card;
  char *tool;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *src = g_getenv ("BB_SOURCE_DIR");
  const char *build = g_getenv ("BB_BUILD_DIR");

  f->card = g_build_filename (src ? src : BB_SOURCE_DIR, "models", "icu-los.card.json", NULL);
  f->tool = g_build_filename (build ? build : ".", "src", "tools", "bedboard-los", NULL);
  f->dir = g_dir_make_tmp ("bb-forecast-cli-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    g_test_skip ("bedboard-los is not built");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->card);
  g_free (f->tool);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* n synthetic ICU patients; extra is the name of the last column. */
static char *
write_patients (Fixture    *f,
                const char *name,
                guint       n,
                const char *extra,
                double      extra_step)
{
  g_autoptr(GString) s = g_string_new (HEADER);
  static const char *units[] = { "Med-Surg ICU", "MICU", "CCU-CTICU", "Neuro ICU" };

  g_string_append_printf (s, ",%s\n", extra);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%u,%s,,%u,%u,Emergency Department,-%u,%s,Emergency Department,%02u:15,1,admit,%g\n",
                            30 + (i * 7) % 60, i % 2 ? "Male" : "Female", 150 + i % 40, 50 + (i * 3) % 70,
                            (i * 97) % 3000, units[i % G_N_ELEMENTS (units)], i % 24, 0.2 + extra_step * i);
  return write_file (f, name, s->str);
}

static int
run_tool (Fixture      *f,
          char        **out,
          char        **err,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int wait_status;
  va_list ap;

  g_ptr_array_add (argv, f->tool);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &wait_status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (wait_status, NULL) ? 0 : WEXITSTATUS (wait_status);
}

/* The forecast the library gives for the same CSVs, as the server would. */
static BbWardForecast *
forecast_in_process (Fixture    *f,
                     const char *inpatients_csv,
                     const char *bookings_csv,
                     guint       capacity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_load (f->card, &error);
  g_autoptr(BbLosTable) in_table = NULL;
  g_autoptr(BbLosTable) bk_table = NULL;
  g_autofree float *in_rows = NULL;
  g_autofree float *bk_rows = NULL;
  g_autofree double *in_mu = NULL, *in_sigma = NULL;
  g_autofree double *bk_mu = NULL, *bk_sigma = NULL;
  g_autofree BbForecastInpatient *in = NULL;
  g_autofree BbForecastBooking *bk = NULL;
  BbWardForecastParams params;
  guint n_in, n_bk = 0;
  BbWardForecast *fc;

  g_assert_no_error (error);
  in_table = bb_los_table_load (inpatients_csv, &error);
  g_assert_no_error (error);
  n_in = bb_los_table_get_n_rows (in_table);
  in_rows = bb_los_card_encode_table (bb_los_model_get_card (model), in_table,
                                      BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, &error);
  g_assert_no_error (error);
  in_mu = g_new (double, n_in);
  in_sigma = g_new (double, n_in);
  g_assert_true (bb_los_model_predict (model, in_rows, n_in, in_mu, in_sigma, &error));
  in = g_new (BbForecastInpatient, n_in);
  for (guint i = 0; i < n_in; i++)
    {
      in[i].mu = in_mu[i];
      in[i].sigma = in_sigma[i];
      g_assert_true (bb_los_table_get_double (in_table, i, bb_los_table_find_column (in_table, "elapsed_days"),
                                              &in[i].elapsed_days, &error));
    }
  if (bookings_csv != NULL)
    {
      bk_table = bb_los_table_load (bookings_csv, &error);
      g_assert_no_error (error);
      n_bk = bb_los_table_get_n_rows (bk_table);
      bk_rows = bb_los_card_encode_table (bb_los_model_get_card (model), bk_table,
                                          BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, &error);
      g_assert_no_error (error);
      bk_mu = g_new (double, n_bk);
      bk_sigma = g_new (double, n_bk);
      g_assert_true (bb_los_model_predict (model, bk_rows, n_bk, bk_mu, bk_sigma, &error));
      bk = g_new (BbForecastBooking, n_bk);
      for (guint j = 0; j < n_bk; j++)
        {
          bk[j].mu = bk_mu[j];
          bk[j].sigma = bk_sigma[j];
          g_assert_true (bb_los_table_get_double (bk_table, j, bb_los_table_find_column (bk_table, "start_hours"),
                                                  &bk[j].start_hours, &error));
        }
    }
  params = (BbWardForecastParams) { bb_los_model_get_distribution (model), bb_los_model_get_scale (model),
                                    capacity, 0, 0 };
  fc = bb_ward_forecast_compute (&params, in, n_in, bk, n_bk, &error);
  g_assert_no_error (error);
  return fc;
}

static BbWardForecast *
parse_forecast (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  BbWardForecast *fc;

  g_assert_no_error (error);
  fc = bb_ward_forecast_new_from_json (node, &error);
  g_assert_no_error (error);
  return fc;
}

static void
assert_same_forecast (BbWardForecast *a,
                      BbWardForecast *b)
{
  const BbWardForecastPoint *pa, *pb;
  guint na, nb;
  double ma, mb;

  pa = bb_ward_forecast_get_points (a, &na);
  pb = bb_ward_forecast_get_points (b, &nb);
  g_assert_cmpuint (na, ==, nb);
  for (guint k = 0; k < na; k++)
    {
      /* JSON carries doubles at full precision */
      g_assert_cmpfloat (pa[k].t_hours, ==, pb[k].t_hours);
      g_assert_cmpfloat (pa[k].free_mean, ==, pb[k].free_mean);
      g_assert_cmpint (pa[k].free_p10, ==, pb[k].free_p10);
      g_assert_cmpint (pa[k].free_p90, ==, pb[k].free_p90);
      g_assert_cmpfloat (pa[k].p_any_free, ==, pb[k].p_any_free);
    }
  bb_ward_forecast_get_first_free (a, &ma, NULL, NULL);
  bb_ward_forecast_get_first_free (b, &mb, NULL, NULL);
  g_assert_cmpfloat (ma, ==, mb);
}

static void
test_forecast_prints_what_the_library_computes (Fixture       *f,
                                                gconstpointer  data)
{
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(BbWardForecast) printed = NULL;
  g_autoptr(BbWardForecast) direct = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *model;
  guint n;

  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    return;

  csv = write_patients (f, "in.csv", 12, "elapsed_days", 0.4);
  g_assert_cmpint (run_tool (f, &out, &err, "forecast", "--model", f->card, "--inpatients", csv,
                             "--capacity", "12", NULL), ==, 0);
  printed = parse_forecast (out);
  bb_ward_forecast_get_points (printed, &n);
  g_assert_cmpuint (n, ==, 57);

  node = json_from_string (out, NULL);
  model = json_object_get_object_member (json_node_get_object (node), "model");
  g_assert_cmpstr (json_object_get_string_member (model, "name"), ==, "icu-los");

  direct = forecast_in_process (f, csv, NULL, 12);
  assert_same_forecast (printed, direct);
}

static void
test_forecast_bookings_take_beds (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *in = NULL;
  g_autofree char *bk = NULL;
  g_autofree char *out_without = NULL;
  g_autofree char *out_with = NULL;
  g_autoptr(BbWardForecast) without = NULL;
  g_autoptr(BbWardForecast) with = NULL;
  g_autoptr(BbWardForecast) direct = NULL;
  const BbWardForecastPoint *a, *b;
  guint n;

  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    return;
  in = write_patients (f, "in.csv", 10, "elapsed_days", 0.3);
  bk = write_patients (f, "bk.csv", 4, "start_hours", 10);   /* at 0.2, 10.2, 20.2, 30.2 h */
  g_assert_cmpint (run_tool (f, &out_without, NULL, "forecast", "--model", f->card, "--inpatients", in,
                             "--capacity", "12", "--horizon-days", "3", NULL), ==, 0);
  g_assert_cmpint (run_tool (f, &out_with, NULL, "forecast", "--model", f->card, "--inpatients", in,
                             "--capacity", "12", "--horizon-days", "3", "--bookings", bk, NULL), ==, 0);
  without = parse_forecast (out_without);
  with = parse_forecast (out_with);
  a = bb_ward_forecast_get_points (without, &n);
  b = bb_ward_forecast_get_points (with, NULL);
  g_assert_cmpuint (n, ==, 13);
  g_assert_cmpfloat (a[0].free_mean, ==, 2);
  g_assert_cmpfloat (b[0].free_mean, ==, 2);
  for (guint k = 1; k < n; k++)
    g_assert_cmpfloat (b[k].free_mean, <, a[k].free_mean);

  direct = forecast_in_process (f, in, bk, 12);
  /* the in-process one has the default 14-day horizon: compare the overlap */
  {
    const BbWardForecastPoint *d = bb_ward_forecast_get_points (direct, NULL);
    for (guint k = 0; k < n; k++)
      {
        g_assert_cmpfloat (d[k].free_mean, ==, b[k].free_mean);
        g_assert_cmpfloat (d[k].p_any_free, ==, b[k].p_any_free);
      }
  }
}

static void
test_forecast_repeat_reports_the_time (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    return;
  csv = write_patients (f, "in.csv", 50, "elapsed_days", 0.1);
  g_assert_cmpint (run_tool (f, &out, &err, "forecast", "--model", f->card, "--inpatients", csv,
                             "--capacity", "60", "--repeat", "3", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "ms per forecast (median of 3"));
  g_assert_nonnull (strstr (err, "50 inpatients"));
  g_assert_nonnull (strstr (out, "\"points\""));
}

typedef struct
{
  const char *args[4];
  int         status;
  const char *message;
} BadCase;

static void
test_forecast_refuses_bad_input (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *good = NULL;
  g_autofree char *negative = NULL;
  g_autofree char *words = NULL;
  g_autofree char *no_elapsed = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *bad_category = NULL;
  BadCase cases[6];

  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    return;
  good = write_patients (f, "good.csv", 3, "elapsed_days", 1);
  negative = write_file (f, "negative.csv",
                         HEADER ",elapsed_days\n"
                         "50,Male,,170,80,,,,,,1,admit,1.5\n"
                         "60,Female,,160,70,,,,,,1,admit,-2\n");
  words = write_file (f, "words.csv",
                      HEADER ",elapsed_days\n"
                      "50,Male,,170,80,,,,,,1,admit,two days\n");
  no_elapsed = write_file (f, "no-elapsed.csv", HEADER "\n50,Male,,170,80,,,,,,1,admit\n");
  empty = write_file (f, "empty.csv", "");
  bad_category = write_file (f, "bad-category.csv",
                             HEADER ",elapsed_days\n"
                             "50,Martian,,170,80,,,,,,1,admit,1\n");

  cases[0] = (BadCase) { { "--inpatients", good, "--capacity", "0" }, 1, "capacity" };
  cases[1] = (BadCase) { { "--inpatients", good, "--capacity", "2" }, 1, "3 inpatients but only 2 beds" };
  cases[2] = (BadCase) { { "--inpatients", negative, "--capacity", "5" }, 1, "negative.csv: row 2, column \"elapsed_days\": must be >= 0" };
  cases[3] = (BadCase) { { "--inpatients", words, "--capacity", "5" }, 1, "elapsed_days" };
  cases[4] = (BadCase) { { "--inpatients", no_elapsed, "--capacity", "5" }, 1, "elapsed_days" };
  cases[5] = (BadCase) { { "--inpatients", bad_category, "--capacity", "5" }, 1, "Martian" };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_tool (f, &out, &err, "forecast", "--model", f->card, cases[c].args[0],
                             cases[c].args[1], cases[c].args[2], cases[c].args[3], NULL);

      g_test_message ("case %u: %s", c, err);
      g_assert_cmpint (status, ==, cases[c].status);
      g_assert_nonnull (strstr (err, cases[c].message));
      g_assert_cmpstr (out, ==, "");
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tool (f, &out, &err, "forecast", "--model", f->card, "--inpatients", empty,
                               "--capacity", "5", NULL), ==, 1);
    g_assert_cmpstr (out, ==, "");
    g_assert_cmpuint (strlen (err), >, 0);
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tool (f, &out, &err, "forecast", "--inpatients", good, "--capacity", "5", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--model"));
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tool (f, &out, &err, "forecast", "--model", f->card, "--inpatients", good,
                               "--capacity", "5", "--step-hours", "0", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "--step-hours"));
  }
}

/* A synthetic eICU-like patient.csv: uniquepid decides the held-out split. */
static char *
write_stays (Fixture *f,
             guint    n)
{
  g_autoptr(GString) s = g_string_new ("uniquepid,unitdischargeoffset," HEADER "\n");
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);

  for (guint i = 0; i < n; i++)
    {
      gboolean long_stay = i % 3 == 0;
      double days = exp (g_rand_double_range (rng, -1, 1) + (long_stay ? 1.5 : 0));

      g_string_append_printf (s, "p%u,%d,%u,%s,,%u,%u,Emergency Department,-%u,%s,Emergency Department,"
                              "%02u:00,1,admit\n",
                              i, (int) (days * 1440), 40 + i % 40, i % 2 ? "Male" : "Female", 160 + i % 30,
                              60 + i % 50, i % 500, long_stay ? "Neuro ICU" : "Med-Surg ICU", i % 24);
    }
  return write_file (f, "patient.csv", s->str);
}

static void
test_backtest_scores_forecast_and_moving_average (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    return;
  csv = write_stays (f, 400);
  g_assert_cmpint (run_tool (f, &out, &err, "backtest", "--model", f->card, "--data", csv,
                             "--capacity", "20", "--days", "100", "--json", NULL), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "rows"), ==, "test");
  /* about a fifth of the 400 stays are held out */
  g_assert_cmpint (json_object_get_int_member (o, "pool_rows"), >, 40);
  g_assert_cmpint (json_object_get_int_member (o, "pool_rows"), <, 130);
  g_assert_cmpint (json_object_get_int_member (o, "days"), ==, 100);
  g_assert_cmpfloat (json_object_get_double_member (o, "forecast_mae"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (o, "moving_average_mae"), >, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "improvement"),
                                  1 - json_object_get_double_member (o, "forecast_mae") /
                                      json_object_get_double_member (o, "moving_average_mae"), 1e-12);
  g_assert_cmpfloat (json_object_get_double_member (o, "mean_occupancy"), >, 0.5);

  /* deterministic for a seed */
  {
    g_autofree char *again = NULL;
    g_assert_cmpint (run_tool (f, &again, NULL, "backtest", "--model", f->card, "--data", csv,
                               "--capacity", "20", "--days", "100", "--json", NULL), ==, 0);
    g_assert_cmpstr (again, ==, out);
  }
  /* and says what is wrong */
  {
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;
    g_assert_cmpint (run_tool (f, &out2, &err2, "backtest", "--model", f->card, "--data", csv,
                               "--warmup-days", "3", NULL), ==, 2);
    g_assert_nonnull (strstr (err2, "--warmup-days"));
  }
}

static void
test_forecast_arrivals_fill_beds_and_bad_rates_are_refused (Fixture       *f,
                                                            gconstpointer  data)
{
  g_autofree char *in = NULL;
  g_autofree char *out_without = NULL;
  g_autofree char *out_with = NULL;
  g_autofree char *err = NULL;
  g_autoptr(BbWardForecast) without = NULL;
  g_autoptr(BbWardForecast) with = NULL;
  const BbWardForecastPoint *a, *b;
  guint n;

  if (!g_file_test (f->tool, G_FILE_TEST_IS_EXECUTABLE))
    return;
  in = write_patients (f, "in.csv", 10, "elapsed_days", 0.3);
  g_assert_cmpint (run_tool (f, &out_without, NULL, "forecast", "--model", f->card, "--inpatients", in,
                             "--capacity", "30", "--horizon-days", "3", NULL), ==, 0);
  g_assert_cmpint (run_tool (f, &out_with, NULL, "forecast", "--model", f->card, "--inpatients", in,
                             "--capacity", "30", "--horizon-days", "3", "--arrival-rate", "12", NULL), ==, 0);
  without = parse_forecast (out_without);
  with = parse_forecast (out_with);
  a = bb_ward_forecast_get_points (without, &n);
  b = bb_ward_forecast_get_points (with, NULL);
  g_assert_cmpuint (n, ==, 13);
  g_assert_cmpfloat (b[0].free_mean, ==, a[0].free_mean);
  /* by the first step (6 h, 3 arrivals) most who came are still there */
  for (guint k = 1; k < n; k++)
    g_assert_cmpfloat (b[k].free_mean, <, a[k].free_mean - 1);

  g_assert_cmpint (run_tool (f, NULL, &err, "forecast", "--model", f->card, "--inpatients", in,
                             "--capacity", "30", "--arrival-rate", "-1", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--arrival-rate"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/tools/forecast/prints-what-the-library-computes", test_forecast_prints_what_the_library_computes);
  ADD ("/tools/forecast/bookings-take-beds", test_forecast_bookings_take_beds);
  ADD ("/tools/forecast/repeat-reports-the-time", test_forecast_repeat_reports_the_time);
  ADD ("/tools/forecast/refuses-bad-input", test_forecast_refuses_bad_input);
  ADD ("/tools/forecast/arrivals-fill-beds-and-bad-rates-are-refused",
       test_forecast_arrivals_fill_beds_and_bad_rates_are_refused);
  ADD ("/tools/backtest/scores-forecast-and-moving-average", test_backtest_scores_forecast_and_moving_average);
#undef ADD
  return g_test_run ();
}
