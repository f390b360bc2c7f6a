/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-cmd-backtest.c: `bedboard-los backtest`: does the forecast say
 * tomorrow's discharges better than the ward's own recent history?
 *
 * Replays real stays through a simulated ward. Patients are drawn (with
 * replacement) from the data set's held-out rows, the ones the model never
 * saw (bb_los_recipe_split's test part), each with its real recorded stay.
 * They arrive as a Poisson stream sized for the requested occupancy:
 * every day for ICU models, Monday to Friday for the elective ward model
 * (its data are elective admissions); when the ward is full an arrival is
 * turned away. Every midnight, for the patients in the ward, we forecast
 * how many of them leave within 24 hours:
 *
 *  - forecast: the expected count from the ward forecast (model margins,
 *    remaining-stay maths, Poisson-binomial), with its 80% interval;
 *  - baseline: the mean of the same count over the previous 7 days;
 *
 * and score both against what happened (mean absolute error). The count is
 * discharges among the patients present at midnight; same-day stays of
 * patients admitted during the day are left out of both sides. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bb-los-commands.h"
#include "bb-los-model.h"
#include "bb-los-recipe.h"
#include "bb-los-table.h"
#include "bb-ward-forecast.h"

#define MOVING_AVERAGE_DAYS 7

typedef struct
{
  char     *model_path;
  char     *data_path;
  int       capacity;
  int       days;
  int       warmup_days;
  int       seed;
  double    occupancy;
  gboolean  all_rows;
  gboolean  model_stays;
  gboolean  json;
} Options;

typedef struct
{
  guint  row;        /* index into the pool */
  double admitted;   /* days since the start of the simulation */
  double leaves;
} Stay;

typedef struct
{
  guint  n_days;
  guint  admissions;
  guint  turned_away;
  double occupancy_sum;
  double actual_sum;
  double model_abs_err;
  double model_err;
  double ma_abs_err;
  double ma_err;
  guint  covered_80;
} Score;

static guint
poisson (GRand  *rng,
         double  lambda)
{
  /* Knuth's product of uniforms: fine for the tens per day used here */
  double limit = exp (-lambda), prod = g_rand_double (rng);
  guint k = 0;

  while (prod > limit)
    {
      prod *= g_rand_double (rng);
      k++;
    }
  return k;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Removes the stays that ended by time t. */
static void
discharge_until (GArray *ward,
                 double  t)
{
  for (guint i = 0; i < ward->len;)
    if (g_array_index (ward, Stay, i).leaves <= t)
      g_array_remove_index_fast (ward, i);
    else
      i++;
}

static gboolean
run_backtest (const Options  *opt,
              GError        **error)
{
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbLosTable) table = NULL;
  g_autofree double *target = NULL;
  g_autofree BbLosSplit *split = NULL;
  g_autofree float *rows = NULL;
  g_autofree double *mu = NULL;
  g_autofree double *sigma = NULL;
  g_autofree guint *pool = NULL;
  g_autofree double *pool_stay = NULL;
  g_autofree double *history = NULL;
  g_autoptr(GArray) ward = g_array_new (FALSE, FALSE, sizeof (Stay));
  g_autoptr(GArray) arrivals = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rng = g_rand_new_with_seed ((guint32) opt->seed);
  g_autofree BbForecastInpatient *in = g_new (BbForecastInpatient, opt->capacity);
  BbLosKind kind;
  guint n_rows, n_pool = 0, nf, total_days;
  double mean_stay = 0, daily_rate;
  gboolean weekdays_only;
  Score sc = { 0 };

  model = bb_los_model_load (opt->model_path, error);
  if (model == NULL)
    return FALSE;
  if (!bb_los_kind_from_card (bb_los_model_get_card (model), &kind))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                   "%s: not one of the shipped kinds of model (icu-los, ward-los), "
                   "so its target and held-out split are unknown", opt->model_path);
      return FALSE;
    }
  table = bb_los_table_load (opt->data_path, error);
  if (table == NULL)
    return FALSE;
  n_rows = bb_los_table_get_n_rows (table);
  if ((target = bb_los_recipe_target (kind, table, error)) == NULL ||
      (split = bb_los_recipe_split (kind, table, error)) == NULL ||
      (rows = bb_los_card_encode_table (bb_los_model_get_card (model), table,
                                        BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, error)) == NULL)
    return FALSE;

  /* the pool: held-out rows with a real, positive stay */
  nf = bb_los_card_get_n_features (bb_los_model_get_card (model));
  pool = g_new (guint, MAX (n_rows, 1));
  for (guint i = 0; i < n_rows; i++)
    if ((opt->all_rows || split[i] == BB_LOS_SPLIT_TEST) && target[i] > 0 && isfinite (target[i]))
      pool[n_pool++] = i;
  if (n_pool < 20)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                   "%s: only %u held-out rows with a stay; need at least 20",
                   opt->data_path, n_pool);
      return FALSE;
    }
  {
    g_autofree float *pool_rows = g_new (float, (gsize) n_pool * nf);

    pool_stay = g_new (double, n_pool);
    for (guint p = 0; p < n_pool; p++)
      {
        memcpy (pool_rows + (gsize) p * nf, rows + (gsize) pool[p] * nf, sizeof (float) * nf);
        pool_stay[p] = target[pool[p]];
        mean_stay += pool_stay[p] / n_pool;
      }
    mu = g_new (double, n_pool);
    sigma = g_new (double, n_pool);
    if (!bb_los_model_predict (model, pool_rows, n_pool, mu, sigma, error))
      return FALSE;
  }

  /* Little's law: occupancy x capacity = arrival rate x mean stay */
  weekdays_only = kind == BB_LOS_KIND_WARD;
  daily_rate = opt->occupancy * opt->capacity / mean_stay * (weekdays_only ? 7.0 / 5.0 : 1.0);
  total_days = opt->warmup_days + opt->days;
  history = g_new0 (double, total_days);

  for (guint d = 0; d < total_days; d++)
    {
      guint n_arrivals, n_in;
      double expected = 0, lo80 = 0, hi80 = 0, actual = 0;

      /* midnight: who is in, and what will happen to them in 24 h */
      discharge_until (ward, d);
      n_in = ward->len;
      for (guint i = 0; i < n_in; i++)
        {
          const Stay *s = &g_array_index (ward, Stay, i);

          in[i] = (BbForecastInpatient) { mu[s->row], d - s->admitted, sigma[s->row] };
          actual += s->leaves <= d + 1.0;
        }
      history[d] = actual;

      if (d >= (guint) opt->warmup_days)
        {
          BbWardForecastParams params = {
            bb_los_model_get_distribution (model), bb_los_model_get_scale (model),
            opt->capacity, 1.0, 24.0,
          };
          g_autoptr(BbWardForecast) fc = bb_ward_forecast_compute (&params, in, n_in, NULL, 0, error);
          const BbWardForecastPoint *pts;
          double ma = 0;

          if (fc == NULL)
            return FALSE;
          pts = bb_ward_forecast_get_points (fc, NULL);
          /* free(24 h) - free(now) = discharges of the present patients */
          expected = pts[1].free_mean - pts[0].free_mean;
          lo80 = pts[1].free_p10 - pts[0].free_mean;
          hi80 = pts[1].free_p90 - pts[0].free_mean;
          for (guint k = d - MOVING_AVERAGE_DAYS; k < d; k++)
            ma += history[k] / MOVING_AVERAGE_DAYS;

          sc.n_days++;
          sc.occupancy_sum += (double) n_in / opt->capacity;
          sc.actual_sum += actual;
          sc.model_abs_err += fabs (expected - actual);
          sc.model_err += expected - actual;
          sc.ma_abs_err += fabs (ma - actual);
          sc.ma_err += ma - actual;
          sc.covered_80 += actual >= lo80 && actual <= hi80;
        }

      /* the day's arrivals, in time order */
      g_array_set_size (arrivals, 0);
      n_arrivals = (weekdays_only && d % 7 >= 5) ? 0 : poisson (rng, daily_rate);
      for (guint a = 0; a < n_arrivals; a++)
        {
          double t = d + g_rand_double (rng);
          g_array_append_val (arrivals, t);
        }
      g_array_sort (arrivals, compare_doubles);
      for (guint a = 0; a < arrivals->len; a++)
        {
          double t = g_array_index (arrivals, double, a);
          guint row;
          Stay s;

          discharge_until (ward, t);
          if (ward->len >= (guint) opt->capacity)
            {
              if (d >= (guint) opt->warmup_days)
                sc.turned_away++;
              continue;
            }
          row = g_rand_int_range (rng, 0, (gint32) n_pool);
          s = (Stay) { row, t, t + pool_stay[row] };
          if (opt->model_stays)
            {
              double u;

              do
                u = g_rand_double (rng);
              while (u <= 0);
              s.leaves = t + bb_aft_quantile (bb_los_model_get_distribution (model), mu[row],
                                              sigma[row], u);
            }
          g_array_append_val (ward, s);
          if (d >= (guint) opt->warmup_days)
            sc.admissions++;
        }
    }

  {
    double mae_model = sc.model_abs_err / sc.n_days;
    double mae_ma = sc.ma_abs_err / sc.n_days;
    double improvement = mae_ma > 0 ? 1.0 - mae_model / mae_ma : NAN;

    if (opt->json)
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *text = NULL;

        json_builder_begin_object (b);
#define NUM(name, value) (json_builder_set_member_name (b, name), json_builder_add_double_value (b, value))
#define INT(name, value) (json_builder_set_member_name (b, name), json_builder_add_int_value (b, value))
        json_builder_set_member_name (b, "model");
        json_builder_add_string_value (b, bb_los_model_get_name (model));
        json_builder_set_member_name (b, "version");
        json_builder_add_string_value (b, bb_los_model_get_version (model));
        json_builder_set_member_name (b, "rows");
        json_builder_add_string_value (b, opt->all_rows ? "all" : "test");
        json_builder_set_member_name (b, "stays");
        json_builder_add_string_value (b, opt->model_stays ? "model" : "recorded");
        INT ("pool_rows", n_pool);
        INT ("capacity", opt->capacity);
        INT ("days", sc.n_days);
        INT ("warmup_days", opt->warmup_days);
        INT ("seed", opt->seed);
        INT ("admissions", sc.admissions);
        INT ("turned_away", sc.turned_away);
        NUM ("mean_occupancy", sc.occupancy_sum / sc.n_days);
        NUM ("mean_daily_discharges", sc.actual_sum / sc.n_days);
        NUM ("forecast_mae", mae_model);
        NUM ("forecast_bias", sc.model_err / sc.n_days);
        NUM ("forecast_coverage_80", (double) sc.covered_80 / sc.n_days);
        NUM ("moving_average_mae", mae_ma);
        NUM ("moving_average_bias", sc.ma_err / sc.n_days);
        NUM ("improvement", improvement);
#undef NUM
#undef INT
        json_builder_end_object (b);
        root = json_builder_get_root (b);
        text = json_to_string (root, TRUE);
        g_print ("%s\n", text);
      }
    else
      {
        g_print ("backtest: %s (version %s) on %u %s rows of %s%s\n",
                 bb_los_model_get_name (model), bb_los_model_get_version (model), n_pool,
                 opt->all_rows ? "(all, including training)" : "held-out", opt->data_path,
                 opt->model_stays ? ", stays drawn from the model" : "");
        g_print ("ward: %d beds, %u days after %d days of warm-up, seed %d, arrivals %s\n",
                 opt->capacity, sc.n_days, opt->warmup_days, opt->seed,
                 weekdays_only ? "Monday to Friday" : "every day");
        g_print ("admitted %u, turned away %u, mean occupancy at midnight %.1f%%\n",
                 sc.admissions, sc.turned_away, 100 * sc.occupancy_sum / sc.n_days);
        g_print ("next-day discharges of the present patients: mean %.2f a day\n",
                 sc.actual_sum / sc.n_days);
        g_print ("  forecast        MAE %.3f  bias %+.3f  80%% interval coverage %.1f%%\n",
                 mae_model, sc.model_err / sc.n_days, 100.0 * sc.covered_80 / sc.n_days);
        g_print ("  7-day average   MAE %.3f  bias %+.3f\n", mae_ma, sc.ma_err / sc.n_days);
        g_print ("  improvement     %.1f%% lower MAE than the moving average\n", 100 * improvement);
      }
  }
  return TRUE;
}

int
bb_los_cmd_backtest (int    argc,
                     char **argv)
{
  Options opt = {
    .capacity = 40,
    .days = 730,
    .warmup_days = 60,
    .seed = 1,
    .occupancy = 0.9,
  };
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &opt.model_path, "The model card", "CARD" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt.data_path,
      "The model's data set (its held-out rows are used)", "CSV" },
    { "capacity", 0, 0, G_OPTION_ARG_INT, &opt.capacity, "Beds of the simulated ward (default 40)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &opt.days, "Days scored (default 730)", "N" },
    { "warmup-days", 0, 0, G_OPTION_ARG_INT, &opt.warmup_days,
      "Days simulated before scoring starts (default 60, at least 7)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &opt.seed, "Random seed (default 1)", "N" },
    { "occupancy", 0, 0, G_OPTION_ARG_DOUBLE, &opt.occupancy,
      "Demand as a fraction of the beds (default 0.9)", "F" },
    { "all-rows", 0, 0, G_OPTION_ARG_NONE, &opt.all_rows,
      "Draw patients from all rows, including the model's training rows (optimistic)", NULL },
    { "model-stays", 0, 0, G_OPTION_ARG_NONE, &opt.model_stays,
      "Draw each stay from the model instead of using the recorded one: checks the forecast's maths "
      "(its bias should vanish), not the model", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt.json, "Print the result as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  context = g_option_context_new ("- score next-day discharge forecasts on a simulated ward");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bedboard-los backtest: %s\n", error->message);
      status = 2;
    }
  else if (argc > 1)
    {
      g_printerr ("bedboard-los backtest: unexpected argument \"%s\"\n", argv[1]);
      status = 2;
    }
  else if (opt.model_path == NULL || opt.data_path == NULL)
    {
      g_printerr ("bedboard-los backtest: --model and --data are required\n");
      status = 2;
    }
  else if (opt.capacity < 1 || opt.capacity > 100000 || opt.days < 1 || opt.days > 100000 ||
           opt.warmup_days < MOVING_AVERAGE_DAYS || opt.warmup_days > 100000 ||
           !(opt.occupancy > 0 && opt.occupancy <= 2))
    {
      g_printerr ("bedboard-los backtest: need --capacity >= 1, --days >= 1, --warmup-days >= %d "
                  "and 0 < --occupancy <= 2\n", MOVING_AVERAGE_DAYS);
      status = 2;
    }
  else if (!run_backtest (&opt, &error))
    {
      g_printerr ("bedboard-los backtest: %s\n", error->message);
      status = 1;
    }

  g_free (opt.model_path);
  g_free (opt.data_path);
  return status;
}
