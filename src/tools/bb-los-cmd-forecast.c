/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-cmd-forecast.c: `bedboard-los forecast`: the bed-release forecast
 * of one ward from a CSV of its inpatients (the model's columns plus
 * elapsed_days) and optionally a CSV of its booked patients (the model's
 * columns plus start_hours). Prints the forecast as JSON; with --repeat K
 * it redoes predictions and forecast K times and reports the time per
 * forecast, for benchmarks. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bb-los-commands.h"
#include "bb-los-model.h"
#include "bb-los-table.h"
#include "bb-ward-forecast.h"

/* Rows of a CSV encoded for the model, and one extra numeric column. */
typedef struct
{
  guint   n_rows;
  float  *rows;
  double *extra;
} PatientTable;

static void
patient_table_clear (PatientTable *pt)
{
  g_clear_pointer (&pt->rows, g_free);
  g_clear_pointer (&pt->extra, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PatientTable, patient_table_clear)

static gboolean
patient_table_load (PatientTable  *pt,
                    BbLosModel    *model,
                    const char    *path,
                    const char    *extra_column,
                    gboolean       extra_non_negative,
                    GError       **error)
{
  g_autoptr(BbLosTable) table = NULL;
  int col;

  table = bb_los_table_load (path, error);
  if (table == NULL)
    return FALSE;
  col = bb_los_table_require_column (table, extra_column, error);
  if (col < 0)
    return FALSE;

  pt->n_rows = bb_los_table_get_n_rows (table);
  pt->extra = g_new (double, MAX (pt->n_rows, 1));
  for (guint r = 0; r < pt->n_rows; r++)
    {
      if (!bb_los_table_get_double (table, r, col, &pt->extra[r], error))
        return FALSE;
      if (extra_non_negative && pt->extra[r] < 0)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_OUT_OF_RANGE,
                       "%s: row %u, column \"%s\": must be >= 0, got %g",
                       bb_los_table_get_name (table), r + 1, extra_column, pt->extra[r]);
          return FALSE;
        }
    }
  if (pt->n_rows > 0)
    {
      pt->rows = bb_los_card_encode_table (bb_los_model_get_card (model), table,
                                           BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, error);
      if (pt->rows == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Inpatients' and booked patients' encoded rows one after the other, so
 * the model predicts them in one call. */
typedef struct
{
  PatientTable *inpatients;
  PatientTable *bookings;
  float        *rows;
  double       *mu;
  double       *sigma;
} Ward;

static void
ward_init (Ward         *w,
           BbLosModel   *model,
           PatientTable *inpatients,
           PatientTable *bookings)
{
  gsize nf = bb_los_card_get_n_features (bb_los_model_get_card (model));
  guint n = inpatients->n_rows + bookings->n_rows;

  w->inpatients = inpatients;
  w->bookings = bookings;
  w->rows = g_new (float, MAX (n * nf, 1));
  w->mu = g_new (double, MAX (n, 1));
  w->sigma = g_new (double, MAX (n, 1));
  if (inpatients->n_rows > 0)
    memcpy (w->rows, inpatients->rows, sizeof (float) * nf * inpatients->n_rows);
  if (bookings->n_rows > 0)
    memcpy (w->rows + nf * inpatients->n_rows, bookings->rows, sizeof (float) * nf * bookings->n_rows);
}

static void
ward_clear (Ward *w)
{
  g_clear_pointer (&w->rows, g_free);
  g_clear_pointer (&w->mu, g_free);
  g_clear_pointer (&w->sigma, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ward, ward_clear)

/* The most arrivals' stays the mixture takes, as the server does. */
#define ARRIVAL_MIXTURE_MAX 200

/* What is timed: the model's predictions for everybody, then the forecast.
 * With an arrival rate the arrivals' stays are those of (at most
 * ARRIVAL_MIXTURE_MAX evenly spread) inpatients: mix must hold that many. */
static BbWardForecast *
predict_and_forecast (BbLosModel                 *model,
                      const BbWardForecastParams *params,
                      Ward                       *w,
                      BbForecastInpatient        *in,
                      BbForecastBooking          *bk,
                      double                     *mix,
                      GError                    **error)
{
  guint n_in = w->inpatients->n_rows, n_bk = w->bookings->n_rows;
  BbWardForecastParams prm = *params;

  if (n_in + n_bk > 0 && !bb_los_model_predict (model, w->rows, n_in + n_bk, w->mu, w->sigma, error))
    return NULL;
  for (guint i = 0; i < n_in; i++)
    in[i] = (BbForecastInpatient) { w->mu[i], w->inpatients->extra[i], w->sigma[i] };
  for (guint j = 0; j < n_bk; j++)
    bk[j] = (BbForecastBooking) { w->bookings->extra[j], w->mu[n_in + j], w->sigma[n_in + j] };
  if (prm.arrival_rate_per_hour > 0)
    {
      prm.n_arrival_mu = MIN (n_in, ARRIVAL_MIXTURE_MAX);
      for (guint i = 0; i < prm.n_arrival_mu; i++)
        {
          mix[i] = w->mu[(gsize) i * n_in / prm.n_arrival_mu];
          mix[ARRIVAL_MIXTURE_MAX + i] = w->sigma[(gsize) i * n_in / prm.n_arrival_mu];
        }
      prm.arrival_mu = mix;
      prm.arrival_sigma = mix + ARRIVAL_MIXTURE_MAX;
    }
  return bb_ward_forecast_compute (&prm, in, n_in, bk, n_bk, error);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef struct
{
  char   *model_path;
  char   *inpatients_path;
  char   *bookings_path;
  int     capacity;
  int     repeat;
  double  horizon_days;
  double  step_hours;
  double  arrival_rate_per_day;
} Options;

static gboolean
run_forecast (const Options  *opt,
              GError        **error)
{
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbWardForecast) forecast = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  g_autofree BbForecastInpatient *in = NULL;
  g_autofree BbForecastBooking *bk = NULL;
  g_autofree double *mix = NULL;
  g_auto(PatientTable) inpatients = { 0 };
  g_auto(PatientTable) bookings = { 0 };
  g_auto(Ward) ward = { 0 };
  BbWardForecastParams params;

  /* 0 means "the default" to the library; on the command line it is a mistake */
  if (!(opt->horizon_days > 0) || !(opt->step_hours > 0))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "--horizon-days and --step-hours must be positive");
      return FALSE;
    }
  if (!(isfinite (opt->arrival_rate_per_day) && opt->arrival_rate_per_day >= 0))
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "--arrival-rate must be a number of patients per day >= 0");
      return FALSE;
    }

  model = bb_los_model_load (opt->model_path, error);
  if (model == NULL ||
      !patient_table_load (&inpatients, model, opt->inpatients_path, "elapsed_days", TRUE, error) ||
      (opt->bookings_path != NULL &&
       !patient_table_load (&bookings, model, opt->bookings_path, "start_hours", FALSE, error)))
    return FALSE;
  if (opt->arrival_rate_per_day > 0 && inpatients.n_rows == 0)
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   "--arrival-rate takes the arrivals' stays from the inpatients, and there are none");
      return FALSE;
    }

  params = (BbWardForecastParams) {
    .distribution = bb_los_model_get_distribution (model),
    .sigma = bb_los_model_get_scale (model),
    .capacity = (guint) opt->capacity,
    .horizon_days = opt->horizon_days,
    .step_hours = opt->step_hours,
    .arrival_rate_per_hour = opt->arrival_rate_per_day / 24.0,
  };
  mix = g_new (double, 2 * ARRIVAL_MIXTURE_MAX);  /* margins, then scales */
  in = g_new (BbForecastInpatient, MAX (inpatients.n_rows, 1));
  bk = g_new (BbForecastBooking, MAX (bookings.n_rows, 1));

  ward_init (&ward, model, &inpatients, &bookings);
  forecast = predict_and_forecast (model, &params, &ward, in, bk, mix, error);
  if (forecast == NULL)
    return FALSE;

  if (opt->repeat > 0)
    {
      g_autofree double *ms = g_new (double, opt->repeat);
      double total = 0;

      for (int r = 0; r < opt->repeat; r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr(BbWardForecast) again = NULL;

          again = predict_and_forecast (model, &params, &ward, in, bk, mix, error);
          ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
          if (again == NULL)
            return FALSE;
          total += ms[r];
        }
      qsort (ms, opt->repeat, sizeof *ms, compare_doubles);
      g_printerr ("forecast: %u inpatients, %u bookings, %d beds, %g arrivals a day, %u points: %.3f ms "
                  "per forecast (median of %d; mean %.3f, min %.3f, max %.3f), including the model's "
                  "predictions\n",
                  inpatients.n_rows, bookings.n_rows, opt->capacity, opt->arrival_rate_per_day,
                  (guint) floor (opt->horizon_days * 24 / opt->step_hours + 1e-9) + 1,
                  ms[opt->repeat / 2], opt->repeat, total / opt->repeat, ms[0], ms[opt->repeat - 1]);
    }

  json = bb_ward_forecast_to_json (forecast, bb_los_model_get_name (model),
                                   bb_los_model_get_version (model));
  text = json_to_string (json, TRUE);
  g_print ("%s\n", text);
  return TRUE;
}

int
bb_los_cmd_forecast (int    argc,
                     char **argv)
{
  Options opt = {
    .capacity = -1,
    .horizon_days = BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS,
    .step_hours = BB_WARD_FORECAST_DEFAULT_STEP_HOURS,
  };
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &opt.model_path, "The model card", "CARD" },
    { "inpatients", 0, 0, G_OPTION_ARG_FILENAME, &opt.inpatients_path,
      "CSV of the ward's inpatients: the model's columns plus elapsed_days", "CSV" },
    { "capacity", 0, 0, G_OPTION_ARG_INT, &opt.capacity, "Beds of the ward", "N" },
    { "horizon-days", 0, 0, G_OPTION_ARG_DOUBLE, &opt.horizon_days, "How far ahead (default 14)", "DAYS" },
    { "step-hours", 0, 0, G_OPTION_ARG_DOUBLE, &opt.step_hours, "Time between points (default 6)", "HOURS" },
    { "bookings", 0, 0, G_OPTION_ARG_FILENAME, &opt.bookings_path,
      "CSV of booked patients: the model's columns plus start_hours", "CSV" },
    { "arrival-rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt.arrival_rate_per_day,
      "Patients arriving unbooked per day, with stays like the inpatients' (default 0: none)", "PER_DAY" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &opt.repeat,
      "Recompute K times and print the time per forecast to stderr", "K" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  context = g_option_context_new ("- forecast a ward's free beds");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bedboard-los forecast: %s\n", error->message);
      status = 2;
    }
  else if (argc > 1)
    {
      g_printerr ("bedboard-los forecast: unexpected argument \"%s\"\n", argv[1]);
      status = 2;
    }
  else if (opt.model_path == NULL || opt.inpatients_path == NULL || opt.capacity < 0)
    {
      g_printerr ("bedboard-los forecast: --model, --inpatients and --capacity are required\n");
      status = 2;
    }
  else if (opt.repeat < 0)
    {
      g_printerr ("bedboard-los forecast: --repeat must be >= 0\n");
      status = 2;
    }
  else if (!run_forecast (&opt, &error))
    {
      g_printerr ("bedboard-los forecast: %s\n", error->message);
      status = 1;
    }

  g_free (opt.model_path);
  g_free (opt.inpatients_path);
  g_free (opt.bookings_path);
  return status;
}
