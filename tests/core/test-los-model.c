/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-los-model.c: training on a small synthetic ward, determinism for a
 * seed, save and load, predictions that follow the effect built into the
 * data, contributions that add up, and censored stays; and the AFT log
 * density the recipe scores distributions with. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bb-los-model.h"

#define N_ROWS 600

typedef struct
{
  BbLosCard *card;
  float      rows[N_ROWS * 2];
  float      lower[N_ROWS];
  float      upper[N_ROWS];
  char      *dir;
} Fixture;

static const char * const params[] = { "tree_method", "hist", "max_depth", "3", "eta", "0.3", NULL };

static BbLosTrainOptions
options (guint seed)
{
  BbLosTrainOptions o = {
    .distribution = BB_AFT_NORMAL,
    .train_scale = 1.0,
    .rounds = 30,
    .seed = seed,
    .nthread = 2,
    .params = params,
  };
  return o;
}

/* ln(stay) = 0.25 * severity + 0.7 * [ward B] + noise: stays grow with
 * severity, which the tests check the model has learned. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *wards[] = { "A", "B", NULL };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  f->card = bb_los_card_new ();
  bb_los_card_set_name (f->card, "fixture-los");
  bb_los_card_set_booster (f->card, "fixture-los.ubj");
  bb_los_card_set_target (f->card, "stay", "synthetic", 0);
  bb_los_card_add_numeric_feature (f->card, "severity", "points", BB_LOS_TRANSFORM_NONE, 0, 10,
                                   FALSE, "number");
  bb_los_card_add_categorical_feature (f->card, "ward", wards, FALSE, FALSE, "code");
  for (guint i = 0; i < N_ROWS; i++)
    {
      double sev = g_rand_double_range (rand, 0, 10);
      int ward = g_rand_int_range (rand, 0, 2);
      double noise = g_rand_double_range (rand, -0.3, 0.3);
      double stay = exp (-0.5 + 0.25 * sev + 0.7 * ward + noise);

      f->rows[2 * i] = (i % 50 == 0) ? NAN : (float) sev;
      f->rows[2 * i + 1] = ward;
      f->lower[i] = f->upper[i] = stay;
    }
  f->dir = g_dir_make_tmp ("bb-los-model-XXXXXX", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_clear_object (&f->card);
}

static void
test_training_is_deterministic_for_a_seed (Fixture       *f,
                                           gconstpointer  data)
{
  BbLosTrainOptions o = options (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) a = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  g_autoptr(BbLosModel) b = NULL;
  g_autoptr(GBytes) ba = NULL, bb = NULL;
  double mu_a[N_ROWS], mu_b[N_ROWS];

  g_assert_no_error (error);
  b = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  g_assert_no_error (error);
  ba = bb_los_model_get_booster_bytes (a, &error);
  bb = bb_los_model_get_booster_bytes (b, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (ba, bb));
  g_assert_true (bb_los_model_predict_margins (a, f->rows, N_ROWS, mu_a, &error));
  g_assert_true (bb_los_model_predict_margins (b, f->rows, N_ROWS, mu_b, &error));
  g_assert_cmpmem (mu_a, sizeof mu_a, mu_b, sizeof mu_b);
}

static void
test_predicted_stays_grow_with_the_built_in_effect (Fixture       *f,
                                                    gconstpointer  data)
{
  BbLosTrainOptions o = options (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  float grid[2 * 6];
  double mu[6], mu_b;
  double prev = 0;
  float ward_b[2] = { 5, 1 };

  g_assert_no_error (error);
  for (guint k = 0; k < 6; k++)
    {
      grid[2 * k] = 2 * k;   /* severity 0, 2, ..., 10 in ward A */
      grid[2 * k + 1] = 0;
    }
  g_assert_true (bb_los_model_predict_margins (model, grid, 6, mu, &error));
  for (guint k = 0; k < 6; k++)
    {
      BbLosPrediction p;
      bb_los_model_interval (model, mu[k], bb_los_model_get_scale (model), &p);
      g_assert_cmpfloat (p.p10_days, <, p.median_days);
      g_assert_cmpfloat (p.median_days, <, p.p90_days);
      g_assert_cmpfloat (p.median_days, >, prev);
      prev = p.median_days;
    }
  /* The built-in slope is exp(0.25 * 10) ~ 12x from severity 0 to 10. */
  g_assert_cmpfloat (exp (mu[5] - mu[0]), >, 5);
  g_assert_cmpfloat (exp (mu[5] - mu[0]), <, 25);
  /* Ward B is exp(0.7) ~ 2x ward A at the same severity. */
  g_assert_true (bb_los_model_predict_margins (model, ward_b, 1, &mu_b, &error));
  g_assert_cmpfloat (exp (mu_b - (mu[2] + mu[3]) / 2), >, 1.4);
}

static void
test_saved_model_loads_and_predicts_the_same (Fixture       *f,
                                              gconstpointer  data)
{
  BbLosTrainOptions o = options (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  g_autoptr(BbLosModel) loaded = NULL;
  g_autofree char *path = g_build_filename (f->dir, "fixture-los.card.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  double mu1[N_ROWS], mu2[N_ROWS], mu_json;

  g_assert_no_error (error);
  g_assert_true (bb_los_model_save (model, path, &error));
  g_assert_no_error (error);
  loaded = bb_los_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bb_los_model_get_name (loaded), ==, "fixture-los");
  g_assert_true (bb_los_model_predict_margins (model, f->rows, N_ROWS, mu1, &error));
  g_assert_true (bb_los_model_predict_margins (loaded, f->rows, N_ROWS, mu2, &error));
  g_assert_cmpmem (mu1, sizeof mu1, mu2, sizeof mu2);

  /* The JSON intake path gives the same number as the encoded row. */
  g_assert_true (json_parser_load_from_data (parser, "{\"severity\": 4, \"ward\": \"B\"}", -1, NULL));
  g_assert_true (bb_los_model_predict_json (loaded, json_node_get_object (json_parser_get_root (parser)),
                                            &mu_json, NULL, &error));
  {
    float row[2] = { 4, 1 };
    double mu_row;
    g_assert_true (bb_los_model_predict_margins (loaded, row, 1, &mu_row, &error));
    g_assert_cmpfloat (mu_json, ==, mu_row);
  }
}

static void
test_contributions_add_up_to_the_margin (Fixture       *f,
                                         gconstpointer  data)
{
  BbLosTrainOptions o = options (5);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  float row[2] = { 9, 0 };
  double phi[3], mu;

  g_assert_no_error (error);
  g_assert_true (bb_los_model_contributions (model, row, phi, &error));
  g_assert_true (bb_los_model_predict_margins (model, row, 1, &mu, &error));
  g_assert_cmpfloat_with_epsilon (phi[0] + phi[1] + phi[2], mu, 1e-4);
  g_assert_cmpfloat (phi[0], >, 0.3);   /* high severity lengthens the stay */
}

static void
test_right_censored_stays_lengthen_predictions (Fixture       *f,
                                                gconstpointer  data)
{
  BbLosTrainOptions o = options (9);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) observed = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  g_autoptr(BbLosModel) censored = NULL;
  float row[2] = { 5, 0 };
  double mu_obs, mu_cens;

  /* Every third patient is still in hospital at the time recorded: the true
   * stay is longer, so a model that understands censoring predicts more. */
  for (guint i = 0; i < N_ROWS; i += 3)
    f->upper[i] = INFINITY;
  censored = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  g_assert_no_error (error);
  g_assert_true (bb_los_model_predict_margins (observed, row, 1, &mu_obs, &error));
  g_assert_true (bb_los_model_predict_margins (censored, row, 1, &mu_cens, &error));
  g_assert_true (isfinite (mu_cens));
  g_assert_cmpfloat (mu_cens, >, mu_obs);
}

typedef struct
{
  BbLosModel  *model;
  const float *rows;
  const double *expected;
} PredictJob;

static gpointer
predict_repeatedly (gpointer data)
{
  PredictJob *job = data;

  for (guint k = 0; k < 50; k++)
    {
      double mu[N_ROWS];
      g_autoptr(GError) error = NULL;
      if (!bb_los_model_predict_margins (job->model, job->rows, N_ROWS, mu, &error) ||
          memcmp (mu, job->expected, sizeof mu) != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_one_model_predicts_from_several_threads (Fixture       *f,
                                              gconstpointer  data)
{
  BbLosTrainOptions o = options (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  double expected[N_ROWS];
  PredictJob job;
  GThread *threads[4];

  g_assert_no_error (error);
  g_assert_true (bb_los_model_predict_margins (model, f->rows, N_ROWS, expected, &error));
  job = (PredictJob) { model, f->rows, expected };
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("predict", predict_repeatedly, &job);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[t])));
}

static void
test_bad_bounds_and_boosters_are_errors (Fixture       *f,
                                         gconstpointer  data)
{
  BbLosTrainOptions o = options (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a booster", 13);

  f->lower[10] = 5;
  f->upper[10] = 2;
  model = bb_los_model_train (f->card, f->rows, N_ROWS, f->lower, f->upper, &o, &error);
  g_assert_null (model);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "row 11"));
  g_clear_error (&error);

  model = bb_los_model_new (f->card, junk, &error);
  g_assert_null (model);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_XGBOOST);
}

/* The recipe picks the icu-los distribution by log-likelihood, so the
 * density must be the derivative of the cdf every prediction uses, for each
 * distribution (up to 9 days, where a difference of cdfs is still precise). */
static void
test_log_density_is_the_derivative_of_the_cdf (void)
{
  static const BbAftDistribution dists[] = { BB_AFT_NORMAL, BB_AFT_LOGISTIC, BB_AFT_EXTREME };
  static const double days[] = { 0.05, 0.7, 2.0, 9.0 };

  for (guint d = 0; d < G_N_ELEMENTS (dists); d++)
    for (guint k = 0; k < G_N_ELEMENTS (days); k++)
      {
        double mu = 0.4, sigma = 0.9, t = days[k], h = 1e-5 * t;
        double slope = (bb_aft_cdf (dists[d], mu, sigma, t + h) - bb_aft_cdf (dists[d], mu, sigma, t - h)) / (2 * h);
        double f = exp (bb_aft_log_density (dists[d], mu, sigma, t));

        g_assert_cmpfloat (f, >, 0);
        g_assert_cmpfloat_with_epsilon (f / slope, 1.0, 1e-5);
      }
  /* Far in the tails the log stays finite where the density underflows. */
  g_assert_true (isfinite (bb_aft_log_density (BB_AFT_LOGISTIC, 0, 0.1, 1e6)));
  g_assert_true (isfinite (bb_aft_log_density (BB_AFT_NORMAL, 0, 0.1, 1e6)));
  g_assert_cmpfloat (bb_aft_log_density (BB_AFT_NORMAL, 0, 1, 0), ==, -INFINITY);
  g_assert_true (isnan (bb_aft_log_density (BB_AFT_NORMAL, 0, -1, 1)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/los/model/training-is-deterministic-for-a-seed", test_training_is_deterministic_for_a_seed);
  ADD ("/los/model/predicted-stays-grow-with-the-built-in-effect",
       test_predicted_stays_grow_with_the_built_in_effect);
  ADD ("/los/model/saved-model-loads-and-predicts-the-same", test_saved_model_loads_and_predicts_the_same);
  ADD ("/los/model/contributions-add-up-to-the-margin", test_contributions_add_up_to_the_margin);
  ADD ("/los/model/right-censored-stays-lengthen-predictions",
       test_right_censored_stays_lengthen_predictions);
  ADD ("/los/model/one-model-predicts-from-several-threads", test_one_model_predicts_from_several_threads);
  ADD ("/los/model/bad-bounds-and-boosters-are-errors", test_bad_bounds_and_boosters_are_errors);
#undef ADD
  g_test_add_func ("/los/model/log-density-is-the-derivative-of-the-cdf",
                   test_log_density_is_the_derivative_of_the_cdf);

  return g_test_run ();
}
