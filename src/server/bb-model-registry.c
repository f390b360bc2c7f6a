/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-model-registry.c: loads, hands out, retrains and swaps the LOS models
 * (see the header for the rules). */
#define G_LOG_DOMAIN "bb-model-registry"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bb-los-recipe.h"
#include "bb-model-registry.h"
#include "bb-records.h"

/* The held-out slice: the newest fifth of the finished stays. */
#define HELD_OUT_SHARE 0.2
/* A stay shorter than a minute is read as a minute (AFT needs a positive stay). */
#define MIN_STAY_DAYS (1.0 / 1440)
#define TRAIN_THREADS 2

typedef struct
{
  char       *status;       /* idle | running | done | failed */
  char       *stage;
  double      progress;
  gint64      started_at;
  gint64      finished_at;
  JsonObject *result;
  char       *error;
} RetrainJob;

struct _BbModelRegistry
{
  GObject       parent_instance;

  char         *models_dir;
  char         *trained_dir;
  GMainContext *context;

  GMutex        mutex;      /* guards models */
  GHashTable   *models;     /* name -> BbLosModel */
  GHashTable   *jobs;       /* name -> RetrainJob; main thread only */
};

G_DEFINE_FINAL_TYPE (BbModelRegistry, bb_model_registry, G_TYPE_OBJECT)

G_DEFINE_QUARK (bb-model-registry-error-quark, bb_model_registry_error)

enum {
  CHANGED,
  RETRAIN_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the worker thread needs: everything is copied or referenced up
 * front, so the thread touches nothing the main loop uses. */
typedef struct
{
  char               *name;
  BbLosModel         *current;
  BbLosCard          *card;          /* a copy of the current card, for the candidate */
  guint               nf;
  float              *x_train;
  float              *lower;
  float              *upper;
  guint               n_train;
  guint               n_censored;
  float              *x_test;
  double             *y_test;
  guint               n_test;
  guint               n_skipped;
  gint64              cut_admitted_at;
  char              **params;        /* backs options.params */
  BbLosTrainOptions   options;
  BbAftDistribution   distribution;  /* the current card's calibrated objective */
  double              scale;
  double              min_seconds;   /* BEDBOARD_RETRAIN_MIN_SECONDS */
  char               *trained_dir;   /* where a better candidate is saved */
  char               *next_version;

  /* Filled by the thread. */
  gboolean            better;        /* its MAE is not worse: saved, to be swapped in */

  BbLosModel         *candidate;
  BbLosMetrics        current_metrics;
  BbLosMetrics        candidate_metrics;
  double              train_seconds;
} RetrainData;

typedef struct
{
  BbModelRegistry *self;
  char            *name;
  char            *stage;
  double           progress;
} ProgressUpdate;

void
bb_model_stay_free (BbModelStay *stay)
{
  if (stay == NULL)
    return;
  g_clear_pointer (&stay->features, json_object_unref);
  g_free (stay);
}

static void
retrain_job_free (gpointer data)
{
  RetrainJob *job = data;

  g_free (job->status);
  g_free (job->stage);
  g_clear_pointer (&job->result, json_object_unref);
  g_free (job->error);
  g_free (job);
}

static void
retrain_data_free (gpointer data)
{
  RetrainData *d = data;

  g_free (d->name);
  g_clear_object (&d->current);
  g_clear_object (&d->card);
  g_clear_object (&d->candidate);
  g_free (d->x_train);
  g_free (d->lower);
  g_free (d->upper);
  g_free (d->x_test);
  g_free (d->y_test);
  g_strfreev (d->params);
  g_free (d->trained_dir);
  g_free (d->next_version);
  g_free (d);
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  g_object_unref (update->self);
  g_free (update->name);
  g_free (update->stage);
  g_free (update);
}

static guint64
version_number (const char *version)
{
  guint64 value = 0;

  if (version == NULL || !g_ascii_string_to_unsigned (version, 10, 0, G_MAXUINT32, &value, NULL))
    return 0;
  return value;
}

static JsonNode *
iso_node (gint64 unix_seconds)
{
  g_autofree char *text = NULL;

  if (unix_seconds <= 0)
    return json_node_new (JSON_NODE_NULL);
  text = bb_time_to_iso8601 (unix_seconds);
  return json_node_init_string (json_node_alloc (), text);
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static RetrainJob *
lookup_job (BbModelRegistry *self,
            const char      *name)
{
  RetrainJob *job = g_hash_table_lookup (self->jobs, name);

  if (job == NULL)
    {
      job = g_new0 (RetrainJob, 1);
      job->status = g_strdup ("idle");
      g_hash_table_insert (self->jobs, g_strdup (name), job);
    }
  return job;
}

static void
set_job (RetrainJob *job,
         const char *status,
         const char *stage,
         double      progress)
{
  g_free (job->status);
  job->status = g_strdup (status);
  g_free (job->stage);
  job->stage = g_strdup (stage);
  job->progress = progress;
}

static void
emit_progress (BbModelRegistry *self,
               const char      *name)
{
  g_autoptr(JsonObject) status = bb_model_registry_get_retrain_status (self, name);

  g_signal_emit (self, signals[RETRAIN_PROGRESS], 0, name, status);
}

static gboolean
apply_progress_cb (gpointer data)
{
  ProgressUpdate *update = data;
  RetrainJob *job = lookup_job (update->self, update->name);

  /* A late update must not overwrite the outcome. */
  if (g_strcmp0 (job->status, "running") == 0)
    {
      set_job (job, "running", update->stage, update->progress);
      emit_progress (update->self, update->name);
    }
  return G_SOURCE_REMOVE;
}

static void
report_progress (GTask      *task,
                 const char *stage,
                 double      progress)
{
  BbModelRegistry *self = g_task_get_source_object (task);
  RetrainData *d = g_task_get_task_data (task);
  ProgressUpdate *update = g_new0 (ProgressUpdate, 1);

  update->self = g_object_ref (self);
  update->name = g_strdup (d->name);
  update->stage = g_strdup (stage);
  update->progress = progress;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_progress_cb, update,
                              progress_update_free);
}

/* The options the current model was trained with, from its card's
 * training.params (written by bb-los-recipe). */
static gboolean
options_from_card (BbLosCard          *card,
                   BbLosTrainOptions  *options,
                   char             ***params_out,
                   GError            **error)
{
  JsonObject *training = bb_los_card_get_section (card, "training");
  JsonObject *params = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (training != NULL && json_object_has_member (training, "params"))
    params = json_object_get_object_member (training, "params");
  if (params == NULL ||
      !json_object_has_member (params, "num_boost_round") ||
      !json_object_has_member (params, "aft_loss_distribution") ||
      !bb_aft_distribution_from_string (json_object_get_string_member_with_default (params, "aft_loss_distribution", ""),
                                        &options->distribution))
    {
      g_set_error (error, BB_MODEL_REGISTRY_ERROR, BB_MODEL_REGISTRY_ERROR_FAILED,
                   "the card of %s does not say how it was trained (training.params)",
                   bb_los_card_get_name (card));
      return FALSE;
    }

  options->train_scale = json_object_get_double_member_with_default (params, "aft_loss_distribution_scale", 1.0);
  options->rounds = (guint) CLAMP (json_object_get_int_member_with_default (params, "num_boost_round", 100), 1, 5000);
  options->seed = (guint) json_object_get_int_member_with_default (params, "seed", 42);
  options->nthread = TRAIN_THREADS;
  options->progress = FALSE;

  json_object_iter_init (&iter, params);
  while (json_object_iter_next (&iter, &key, &value))
    {
      static const char * const set_elsewhere[] = {
        "objective", "aft_loss_distribution", "aft_loss_distribution_scale",
        "num_boost_round", "seed", "nthread", NULL
      };
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (g_strv_contains (set_elsewhere, key) || !JSON_NODE_HOLDS_VALUE (value))
        continue;
      g_strv_builder_add (builder, key);
      if (json_node_get_value_type (value) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (value));
      else if (json_node_get_value_type (value) == G_TYPE_INT64)
        {
          g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, json_node_get_int (value));
          g_strv_builder_add (builder, buffer);
        }
      else
        g_strv_builder_add (builder, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value)));
    }
  *params_out = g_strv_builder_end (builder);
  options->params = (const char * const *) *params_out;
  return TRUE;
}

static gboolean
predict_metrics (BbLosModel    *model,
                 const float   *rows,
                 const double  *actual,
                 guint          n,
                 BbLosMetrics  *out,
                 GError       **error)
{
  g_autofree double *mu = g_new (double, n);
  g_autofree double *sigma = g_new (double, n);
  g_autofree double *median = g_new (double, n);
  g_autofree double *p10 = g_new (double, n);
  g_autofree double *p90 = g_new (double, n);

  if (!bb_los_model_predict (model, rows, n, mu, sigma, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      BbLosPrediction prediction;

      bb_los_model_interval (model, mu[i], sigma[i], &prediction);
      median[i] = prediction.median_days;
      p10[i] = prediction.p10_days;
      p90[i] = prediction.p90_days;
    }
  bb_los_metrics_compute (actual, median, p10, p90, n, out);
  return TRUE;
}

static void describe_candidate (RetrainData *d);
static gboolean save_model (const char  *trained_dir,
                            BbLosModel  *model,
                            GError     **error);
static void swap_in (BbModelRegistry *self,
                     BbLosModel      *model);

static void
retrain_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RetrainData *d = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) candidate = NULL;
  gint64 start = g_get_monotonic_time ();

  report_progress (task, "training", 0.1);
  candidate = bb_los_model_train (d->card, d->x_train, d->n_train, d->lower, d->upper,
                                  &d->options, &error);
  if (candidate == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Training sets the card's scale to the training scale; the interval keeps
   * the current model's calibrated one (the median does not depend on it). */
  bb_los_card_set_objective (d->card, d->distribution, d->scale);
  d->train_seconds = (g_get_monotonic_time () - start) / 1e6;

  report_progress (task, "validating", 0.8);
  if (!predict_metrics (d->current, d->x_test, d->y_test, d->n_test, &d->current_metrics, &error) ||
      !predict_metrics (candidate, d->x_test, d->y_test, d->n_test, &d->candidate_metrics, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  d->candidate = g_steal_pointer (&candidate);

  /* A candidate that is not worse becomes the next version; it is written
   * here, off the main loop, and only swapped in there. */
  d->better = d->candidate_metrics.mae <= d->current_metrics.mae;
  if (d->better)
    {
      report_progress (task, "saving", 0.9);
      describe_candidate (d);
      if (!save_model (d->trained_dir, d->candidate, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  /* Tests (and demos that want to watch the progress) can keep a retrain
   * running a little longer than training takes on a small history. */
  if (d->min_seconds > 0)
    {
      double left = d->min_seconds - (g_get_monotonic_time () - start) / 1e6;

      if (left > 0)
        g_usleep ((gulong) (left * G_USEC_PER_SEC));
    }
  g_task_return_boolean (task, TRUE);
}

static JsonObject *
rounded_metrics (const BbLosMetrics *metrics)
{
  return bb_los_metrics_to_json (metrics);
}

/* Turns the candidate's card into the next version's: what it was trained
 * on, how it was checked and against what. */
static void
describe_candidate (RetrainData *d)
{
  BbLosCard *card = bb_los_model_get_card (d->candidate);
  JsonObject *old_training = bb_los_card_get_section (card, "training");
  g_autoptr(JsonObject) training = json_object_new ();
  g_autoptr(JsonObject) split = json_object_new ();
  g_autoptr(JsonObject) metrics = json_object_new ();
  g_autoptr(JsonObject) baselines = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  const char *version = d->next_version;
  g_autofree char *booster = g_strdup_printf ("%s-v%s.ubj", d->name, version);

  bb_los_card_set_version (card, version);
  bb_los_card_set_created_at (card, created);
  bb_los_card_set_booster (card, booster);

  if (old_training != NULL && json_object_has_member (old_training, "kind"))
    json_object_set_string_member (training, "kind", json_object_get_string_member (old_training, "kind"));
  json_object_set_string_member (training, "data",
                                 "this hospital network's own stays (bedboard-server retrain): finished stays "
                                 "observed, current inpatients right-censored at the time stayed so far");
  json_object_set_string_member (training, "licence", "the hospital's own records; not published");
  json_object_set_string_member (training, "attribution", "");
  json_object_set_int_member (training, "rows", d->n_train);
  json_object_set_int_member (training, "censored_rows", d->n_censored);
  json_object_set_int_member (training, "seed", d->options.seed);
  if (old_training != NULL && json_object_has_member (old_training, "params"))
    json_object_set_member (training, "params",
                            json_node_copy (json_object_get_member (old_training, "params")));
  json_object_set_string_member (training, "retrained_from_version",
                                 bb_los_model_get_version (d->current));
  json_object_set_string_member (training, "interval_calibration",
                                 "the objective's scale is kept from the previous version, whose scale was "
                                 "calibrated on out-of-sample stays; the median does not depend on it");
  bb_los_card_set_section (card, "training", training);

  json_object_set_string_member (split, "method",
                                 "the newest 20% of finished stays by admission time held out; the rest and "
                                 "every current inpatient (censored) trained on");
  json_object_set_int_member (split, "train_rows", d->n_train);
  json_object_set_int_member (split, "test_rows", d->n_test);
  bb_los_card_set_section (card, "split", split);

  json_object_set_object_member (metrics, "test", rounded_metrics (&d->candidate_metrics));
  json_object_set_object_member (baselines, "previous_version", rounded_metrics (&d->current_metrics));
  json_object_set_object_member (metrics, "baselines", g_steal_pointer (&baselines));
  bb_los_card_set_section (card, "metrics", metrics);
}

static void
on_retrain_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BbModelRegistry *self = BB_MODEL_REGISTRY (source);
  g_autoptr(GTask) outer = user_data;
  RetrainData *d = g_task_get_task_data (G_TASK (result));
  RetrainJob *job = lookup_job (self, d->name);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonObject) mae = json_object_new ();
  g_autoptr(BbLosModel) now_current = NULL;
  const char *previous = bb_los_model_get_version (d->current);
  gboolean swapped;

  job->finished_at = g_get_real_time () / G_USEC_PER_SEC;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_job (job, "failed", "failed", 1.0);
      job->error = g_strdup (error->message);
      emit_progress (self, d->name);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  json_object_set_string_member (object, "model", d->name);
  json_object_set_string_member (object, "previous_version", previous);
  json_object_set_double_member (mae, "current", round (d->current_metrics.mae * 1e4) / 1e4);
  json_object_set_double_member (mae, "candidate", round (d->candidate_metrics.mae * 1e4) / 1e4);
  json_object_set_object_member (object, "mae_days", g_steal_pointer (&mae));
  json_object_set_object_member (object, "current_metrics", rounded_metrics (&d->current_metrics));
  json_object_set_object_member (object, "candidate_metrics", rounded_metrics (&d->candidate_metrics));
  json_object_set_int_member (object, "held_out_stays", d->n_test);
  json_object_set_int_member (object, "training_rows", d->n_train);
  json_object_set_int_member (object, "censored_rows", d->n_censored);
  json_object_set_int_member (object, "skipped_stays", d->n_skipped);
  json_object_set_member (object, "held_out_from", iso_node (d->cut_admitted_at));
  json_object_set_double_member (object, "train_seconds", round (d->train_seconds * 1000) / 1000);

  /* Someone may have installed a newer version meanwhile; never go back. */
  now_current = bb_model_registry_get (self, d->name);
  swapped = d->better && now_current == d->current;
  if (swapped)
    {
      swap_in (self, d->candidate);
      json_object_set_string_member (object, "reason",
                                     "the new model's MAE on the held-out stays is not worse than the current one's");
      json_object_set_string_member (object, "version", d->next_version);
    }
  else
    {
      g_autofree char *reason = NULL;

      if (now_current != d->current)
        reason = g_strdup ("another version was installed while this one trained");
      else
        reason = g_strdup_printf ("the new model's MAE on the %u held-out stays (%.3f days) is worse than "
                                  "the current version's (%.3f days); version %s stays",
                                  d->n_test, d->candidate_metrics.mae, d->current_metrics.mae, previous);
      json_object_set_string_member (object, "reason", reason);
      json_object_set_string_member (object, "version",
                                     now_current ? bb_los_model_get_version (now_current) : previous);
    }
  json_object_set_boolean_member (object, "swapped", swapped);

  g_clear_pointer (&job->result, json_object_unref);
  job->result = json_object_ref (object);
  set_job (job, "done", "done", 1.0);
  emit_progress (self, d->name);
  g_task_return_pointer (outer, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

/* Writes NAME-vVERSION.card.json and its booster into trained_dir (when
 * there is one). Any thread. */
static gboolean
save_model (const char  *trained_dir,
            BbLosModel  *model,
            GError     **error)
{
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (trained_dir == NULL)
    return TRUE;
  if (g_mkdir_with_parents (trained_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, BB_MODEL_REGISTRY_ERROR, BB_MODEL_REGISTRY_ERROR_FAILED,
                   "cannot create %s: %s", trained_dir, g_strerror (saved));
      return FALSE;
    }
  file = g_strdup_printf ("%s-v%s.card.json", bb_los_model_get_name (model), bb_los_model_get_version (model));
  path = g_build_filename (trained_dir, file, NULL);
  return bb_los_model_save (model, path, error);
}

/* Makes model the current one of its name; readers holding the old one
 * keep it until they drop it. Main thread (emits ::changed). */
static void
swap_in (BbModelRegistry *self,
         BbLosModel      *model)
{
  const char *name = bb_los_model_get_name (model);

  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->models, g_strdup (name), g_object_ref (model));
  g_mutex_unlock (&self->mutex);

  g_signal_emit (self, signals[CHANGED], 0, name);
}

/* ---- GObject ---- */

static void
bb_model_registry_finalize (GObject *object)
{
  BbModelRegistry *self = (BbModelRegistry *) object;

  g_free (self->models_dir);
  g_free (self->trained_dir);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->models, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (bb_model_registry_parent_class)->finalize (object);
}

static void
bb_model_registry_class_init (BbModelRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bb_model_registry_finalize;

  /* A new version of the named model is current. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A retrain moved on: the model's name and its status object. */
  signals[RETRAIN_PROGRESS] =
    g_signal_new ("retrain-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
bb_model_registry_init (BbModelRegistry *self)
{
  g_mutex_init (&self->mutex);
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, retrain_job_free);
  self->context = g_main_context_ref_thread_default ();
}

/* ---- Public API ---- */

BbModelRegistry *
bb_model_registry_new (const char *models_dir,
                       const char *trained_dir)
{
  BbModelRegistry *self = g_object_new (BB_TYPE_MODEL_REGISTRY, NULL);

  self->models_dir = g_strdup (models_dir);
  self->trained_dir = g_strdup (trained_dir);
  return self;
}

static void
load_folder (BbModelRegistry *self,
             const char      *dir_path,
             gboolean         trained)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *entry;

  if (dir_path == NULL || !g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    return;
  dir = g_dir_open (dir_path, 0, &error);
  if (dir == NULL)
    {
      g_warning ("Cannot read the models folder %s: %s", dir_path, error->message);
      return;
    }

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(BbLosModel) model = NULL;
      g_autoptr(GError) load_error = NULL;
      BbLosModel *existing;
      const char *name;

      if (!g_str_has_suffix (entry, ".card.json"))
        continue;
      path = g_build_filename (dir_path, entry, NULL);
      model = bb_los_model_load (path, &load_error);
      if (model == NULL)
        {
          g_warning ("Skipping the model card %s: %s", path, load_error->message);
          continue;
        }
      name = bb_los_model_get_name (model);

      g_mutex_lock (&self->mutex);
      existing = g_hash_table_lookup (self->models, name);
      /* The highest version wins; on a tie a retrained one. */
      if (existing == NULL ||
          version_number (bb_los_model_get_version (model)) > version_number (bb_los_model_get_version (existing)) ||
          (trained && version_number (bb_los_model_get_version (model)) ==
                      version_number (bb_los_model_get_version (existing))))
        g_hash_table_replace (self->models, g_strdup (name), g_steal_pointer (&model));
      g_mutex_unlock (&self->mutex);
    }
}

guint
bb_model_registry_load (BbModelRegistry *self)
{
  guint n;

  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), 0);

  load_folder (self, self->models_dir, FALSE);
  load_folder (self, self->trained_dir, TRUE);

  g_mutex_lock (&self->mutex);
  n = g_hash_table_size (self->models);
  g_mutex_unlock (&self->mutex);
  return n;
}

const char *
bb_model_registry_get_trained_dir (BbModelRegistry *self)
{
  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), NULL);

  return self->trained_dir;
}

BbLosModel *
bb_model_registry_get (BbModelRegistry *self,
                       const char      *name)
{
  BbLosModel *model;

  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), NULL);

  if (name == NULL)
    return NULL;
  g_mutex_lock (&self->mutex);
  model = g_hash_table_lookup (self->models, name);
  if (model != NULL)
    g_object_ref (model);
  g_mutex_unlock (&self->mutex);
  return model;
}

char **
bb_model_registry_list_names (BbModelRegistry *self)
{
  g_autofree const char **keys = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  char **names;

  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), NULL);

  g_mutex_lock (&self->mutex);
  keys = (const char **) g_hash_table_get_keys_as_array (self->models, NULL);
  g_strv_builder_addv (builder, keys);
  g_mutex_unlock (&self->mutex);

  names = g_strv_builder_end (builder);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return names;
}

gboolean
bb_model_registry_install (BbModelRegistry  *self,
                           BbLosModel       *model,
                           GError          **error)
{
  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), FALSE);
  g_return_val_if_fail (BB_IS_LOS_MODEL (model), FALSE);

  if (!save_model (self->trained_dir, model, error))
    return FALSE;
  swap_in (self, model);
  return TRUE;
}

static gint
compare_stay_admitted (gconstpointer a,
                       gconstpointer b)
{
  const BbModelStay *sa = *(const BbModelStay * const *) a;
  const BbModelStay *sb = *(const BbModelStay * const *) b;

  return (sa->admitted_at > sb->admitted_at) - (sa->admitted_at < sb->admitted_at);
}

gboolean
bb_model_registry_start_retrain (BbModelRegistry      *self,
                                 const char           *name,
                                 GPtrArray            *stays,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data,
                                 GError              **error)
{
  g_autoptr(BbLosModel) current = NULL;
  g_autoptr(GPtrArray) observed = g_ptr_array_new ();
  g_autoptr(GPtrArray) censored = g_ptr_array_new ();
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree float *row = NULL;
  RetrainData *d;
  RetrainJob *job;
  BbLosCard *card;
  guint n_test, n_fit, t = 0, v = 0;

  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), FALSE);
  g_return_val_if_fail (name != NULL && stays != NULL, FALSE);

  current = bb_model_registry_get (self, name);
  if (current == NULL)
    {
      g_set_error (error, BB_MODEL_REGISTRY_ERROR, BB_MODEL_REGISTRY_ERROR_NOT_FOUND,
                   "no model called '%s'", name);
      return FALSE;
    }
  job = lookup_job (self, name);
  if (g_strcmp0 (job->status, "running") == 0)
    {
      g_set_error (error, BB_MODEL_REGISTRY_ERROR, BB_MODEL_REGISTRY_ERROR_BUSY,
                   "a retrain of %s is already running (stage %s)", name, job->stage);
      return FALSE;
    }

  d = g_new0 (RetrainData, 1);
  d->name = g_strdup (name);
  d->current = g_object_ref (current);
  card = bb_los_model_get_card (current);
  d->distribution = bb_los_card_get_distribution (card);
  d->scale = bb_los_card_get_scale (card);
  d->nf = bb_los_card_get_n_features (card);
  d->trained_dir = g_strdup (self->trained_dir);
  d->next_version = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                     version_number (bb_los_model_get_version (current)) + 1);
  if (g_getenv ("BEDBOARD_RETRAIN_MIN_SECONDS") != NULL)
    d->min_seconds = CLAMP (g_ascii_strtod (g_getenv ("BEDBOARD_RETRAIN_MIN_SECONDS"), NULL), 0, 60);
  {
    g_autoptr(JsonNode) node = bb_los_card_to_json (card);

    d->card = bb_los_card_new_from_json (node, error);
  }
  if (d->card == NULL || !options_from_card (card, &d->options, &d->params, error))
    {
      retrain_data_free (d);
      return FALSE;
    }

  /* Encode every stay with the current card; stays whose features do not
   * fit it (say a patient stepped down from intensive care, whose features
   * are the ICU model's) are left out. */
  row = g_new (float, MAX (d->nf, 1));
  for (guint i = 0; i < stays->len; i++)
    {
      BbModelStay *stay = g_ptr_array_index (stays, i);
      JsonObject *features = stay->features;
      g_autoptr(JsonObject) empty = NULL;

      if (features == NULL)
        features = empty = json_object_new ();
      if (!(stay->stay_days >= 0) ||
          !bb_los_card_encode_json (card, features, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, row, NULL))
        {
          d->n_skipped++;
          continue;
        }
      g_ptr_array_add (stay->censored ? censored : observed, stay);
    }

  if (observed->len < BB_MODEL_REGISTRY_MIN_STAYS)
    {
      g_set_error (error, BB_MODEL_REGISTRY_ERROR, BB_MODEL_REGISTRY_ERROR_TOO_FEW,
                   "retraining %s needs at least %d finished stays whose features fit its card; "
                   "the wards that use it have %u (and %u current inpatients, %u stays that do not fit)",
                   name, BB_MODEL_REGISTRY_MIN_STAYS, observed->len, censored->len, d->n_skipped);
      retrain_data_free (d);
      return FALSE;
    }

  g_ptr_array_sort (observed, compare_stay_admitted);
  n_test = MAX ((guint) (observed->len * HELD_OUT_SHARE), 1);
  n_fit = observed->len - n_test;
  d->n_test = n_test;
  d->n_censored = censored->len;
  d->n_train = n_fit + censored->len;
  d->x_train = g_new (float, (gsize) d->n_train * d->nf);
  d->lower = g_new (float, d->n_train);
  d->upper = g_new (float, d->n_train);
  d->x_test = g_new (float, (gsize) n_test * d->nf);
  d->y_test = g_new (double, n_test);
  d->cut_admitted_at = ((BbModelStay *) g_ptr_array_index (observed, n_fit))->admitted_at;

  for (guint i = 0; i < observed->len + censored->len; i++)
    {
      gboolean is_censored = i >= observed->len;
      BbModelStay *stay = g_ptr_array_index (is_censored ? censored : observed,
                                             is_censored ? i - observed->len : i);
      g_autoptr(JsonObject) empty = NULL;
      JsonObject *features = stay->features ? stay->features : (empty = json_object_new ());
      double days = MAX (stay->stay_days, MIN_STAY_DAYS);

      if (!is_censored && i >= n_fit)
        {
          bb_los_card_encode_json (card, features, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING,
                                   d->x_test + (gsize) v * d->nf, NULL);
          d->y_test[v++] = stay->stay_days;
          continue;
        }
      bb_los_card_encode_json (card, features, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING,
                               d->x_train + (gsize) t * d->nf, NULL);
      d->lower[t] = (float) days;
      d->upper[t] = is_censored ? INFINITY : (float) days;
      t++;
    }
  g_assert (t == d->n_train && v == d->n_test);

  g_clear_pointer (&job->result, json_object_unref);
  g_clear_pointer (&job->error, g_free);
  job->started_at = g_get_real_time () / G_USEC_PER_SEC;
  job->finished_at = 0;
  set_job (job, "running", "queued", 0.05);
  emit_progress (self, name);

  outer = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (outer, bb_model_registry_start_retrain);
  task = g_task_new (self, NULL, on_retrain_done_cb, g_steal_pointer (&outer));
  g_task_set_task_data (task, d, retrain_data_free);
  g_task_run_in_thread (task, retrain_thread);
  return TRUE;
}

JsonObject *
bb_model_registry_retrain_finish (BbModelRegistry  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonObject *
bb_model_registry_get_retrain_status (BbModelRegistry *self,
                                      const char      *name)
{
  JsonObject *object = json_object_new ();
  RetrainJob *job;

  g_return_val_if_fail (BB_IS_MODEL_REGISTRY (self), object);

  job = lookup_job (self, name);
  json_object_set_string_member (object, "model", name);
  json_object_set_string_member (object, "status", job->status);
  if (job->stage != NULL)
    json_object_set_string_member (object, "stage", job->stage);
  else
    json_object_set_null_member (object, "stage");
  json_object_set_double_member (object, "progress", job->progress);
  json_object_set_member (object, "started_at", iso_node (job->started_at));
  json_object_set_member (object, "finished_at", iso_node (job->finished_at));
  if (job->result != NULL)
    json_object_set_object_member (object, "result", json_object_ref (job->result));
  else
    json_object_set_null_member (object, "result");
  if (job->error != NULL)
    json_object_set_string_member (object, "error", job->error);
  else
    json_object_set_null_member (object, "error");
  return object;
}
