/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-model-panel.c: the models' versions and numbers, their check on the
 * hospital's recent discharges, and retraining. The check predicts every
 * recent stay with the model the client downloaded, in a worker thread; the
 * stay a model predicts runs from admission to leaving the last ward that
 * uses it, as the server's retraining counts it. */
#define G_LOG_DOMAIN "bb-model-panel"

#include "config.h"

#include "bb-model-panel.h"

#include <inttypes.h>
#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "bb-api-client.h"
#include "bb-calibration-chart.h"
#include "bb-client-context.h"
#include "bb-live-events.h"

#define POLL_SECONDS 1

typedef struct
{
  BbModelPanel       *panel;      /* unowned: the panel owns the entry */
  char               *name;
  char               *version;
  BbLosModel         *model;
  double              card_mae;
  double              card_coverage;
  gint64              card_rows;
  BbCalibrationPoint *points;
  guint               n_points;
  guint               n_skipped;
  gboolean            checked;
  char               *check_error;

  GtkWidget          *card;
  GtkLabel           *title_label;
  GtkLabel           *card_label;
  GtkLabel           *check_label;
  BbCalibrationChart *chart;
  GtkButton          *retrain_button;
  GtkProgressBar     *progress;
  GtkLabel           *result_label;
  guint               poll_source;
  gboolean            retraining;
} ModelEntry;

struct _BbModelPanel
{
  GtkWidget            parent_instance;

  BbClientContext     *context;
  GCancellable        *cancellable;
  GPtrArray           *entries;       /* ModelEntry */
  GHashTable          *ward_models;   /* ward id (gint64*) -> model name */
  GPtrArray           *discharges;    /* BbDischarge */
  char                *discharges_error;
  gint64               hospital_id;
  guint                pending;
  gboolean             loaded;

  /* template */
  AdwPreferencesGroup *group;
  GtkBox              *models_box;
  GtkLabel            *status_label;
};

G_DEFINE_FINAL_TYPE (BbModelPanel, bb_model_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_check (BbModelPanel *self);
static void reload      (BbModelPanel *self);

static void
model_entry_free (ModelEntry *e)
{
  g_clear_handle_id (&e->poll_source, g_source_remove);
  g_free (e->name);
  g_free (e->version);
  g_clear_object (&e->model);
  g_free (e->points);
  g_free (e->check_error);
  g_free (e);
}

static ModelEntry *
find_entry (BbModelPanel *self,
            const char   *name)
{
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      ModelEntry *e = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (e->name, name) == 0)
        return e;
    }
  return NULL;
}

static void
set_loaded (BbModelPanel *self,
            gboolean      loaded)
{
  if (self->loaded == loaded)
    return;
  self->loaded = loaded;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

/* ---- What the labels say ---- */

static char *
card_text (ModelEntry *e)
{
  if (e->model == NULL)
    return g_strdup (_("Model card not available"));
  if (isnan (e->card_mae))
    return g_strdup (_("The model card has no test numbers"));
  /* TRANSLATORS: held-out test stays, MAE in days, coverage in percent */
  return g_strdup_printf (_("Model card, %" PRId64 " held-out test stays: MAE %.2f days, "
                            "80%% interval covers %.0f%%"),
                          e->card_rows, e->card_mae, 100.0 * e->card_coverage);
}

static char *
check_text (BbModelPanel *self,
            ModelEntry   *e)
{
  BbCalibrationSummary s;

  if (e->check_error != NULL)
    /* TRANSLATORS: why recent discharges could not be checked */
    return g_strdup_printf (_("Recent discharges not checked: %s"), e->check_error);
  if (!e->checked)
    return g_strdup (_("Checking recent discharges…"));
  if (!bb_calibration_summarize (e->points, e->n_points, &s))
    return g_strdup (_("No discharges from this hospital's wards using the model in the last 30 days"));
  if (e->n_skipped > 0)
    /* TRANSLATORS: stays, MAE in days, coverage in percent, stays whose features did not fit */
    return g_strdup_printf (_("Discharges of the last 30 days, %u stays: MAE %.2f days, 80%% interval "
                              "covers %.0f%% (%u stays left out: their features do not fit the model)"),
                            s.n, s.mae_days, 100.0 * s.coverage, e->n_skipped);
  /* TRANSLATORS: stays, MAE in days, coverage in percent */
  return g_strdup_printf (_("Discharges of the last 30 days, %u stays: MAE %.2f days, 80%% interval "
                            "covers %.0f%%"), s.n, s.mae_days, 100.0 * s.coverage);
}

static void
update_entry_labels (BbModelPanel *self,
                     ModelEntry   *e)
{
  g_autofree char *title = NULL;
  g_autofree char *card = card_text (e);
  g_autofree char *check = check_text (self, e);

  /* TRANSLATORS: a model and its version, e.g. "icu-los, version 1" */
  title = g_strdup_printf (_("%s, version %s"), e->name, e->version != NULL ? e->version : "?");
  gtk_label_set_text (e->title_label, title);
  gtk_label_set_text (e->card_label, card);
  gtk_label_set_text (e->check_label, check);
  bb_calibration_chart_set_points (e->chart, e->name, e->points, e->n_points);
}

/* ---- Retraining ---- */

static void retrain_show (ModelEntry *e, const BbRetrainStatus *status);

static void
on_retrain_polled_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(BbModelPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbRetrainStatus) status = NULL;
  ModelEntry *e;

  status = bb_api_client_retrain_finish (BB_API_CLIENT (source), result, &error);
  if (status == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Polling the retrain failed: %s", error->message);
      return;
    }
  e = find_entry (self, status->model);
  if (e != NULL)
    retrain_show (e, status);
}

static gboolean
poll_retrain_cb (gpointer data)
{
  ModelEntry *e = data;
  BbModelPanel *self = e->panel;

  bb_api_client_get_retrain_async (bb_client_context_get_api (self->context), e->name, self->cancellable,
                                   on_retrain_polled_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static const char *
stage_text (const char *stage)
{
  if (g_strcmp0 (stage, "queued") == 0)
    return _("Queued");
  if (g_strcmp0 (stage, "training") == 0)
    return _("Training on this network's stays");
  if (g_strcmp0 (stage, "validating") == 0)
    return _("Scoring both models on the held-out stays");
  if (g_strcmp0 (stage, "saving") == 0)
    return _("Saving the new model");
  if (g_strcmp0 (stage, "done") == 0)
    return _("Done");
  if (g_strcmp0 (stage, "failed") == 0)
    return _("Failed");
  return stage != NULL ? stage : "";
}

static void
retrain_progress (ModelEntry *e,
                  const char *state,
                  const char *stage,
                  double      progress)
{
  gtk_widget_set_visible (GTK_WIDGET (e->progress), TRUE);
  gtk_progress_bar_set_fraction (e->progress, CLAMP (progress, 0.0, 1.0));
  gtk_progress_bar_set_text (e->progress, stage_text (stage));
  gtk_progress_bar_set_show_text (e->progress, TRUE);
  if (g_strcmp0 (state, "running") == 0)
    {
      e->retraining = TRUE;
      gtk_widget_set_sensitive (GTK_WIDGET (e->retrain_button), FALSE);
    }
}

static void
retrain_show (ModelEntry            *e,
              const BbRetrainStatus *status)
{
  BbModelPanel *self = e->panel;
  g_autofree char *text = NULL;

  retrain_progress (e, status->state, status->stage, status->progress);
  if (g_strcmp0 (status->state, "running") == 0)
    return;

  g_clear_handle_id (&e->poll_source, g_source_remove);
  if (!e->retraining)
    return;  /* an old result; this panel did not ask */
  e->retraining = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (e->retrain_button), TRUE);

  if (g_strcmp0 (status->state, "failed") == 0)
    /* TRANSLATORS: why a retrain failed */
    text = g_strdup_printf (_("Retraining failed: %s"), status->error != NULL ? status->error : _("no reason given"));
  else if (g_strcmp0 (status->state, "done") == 0)
    {
      const char *version = status->version, *previous = status->previous_version;
      gint64 held_out = status->held_out_stays;

      if (status->swapped)
        /* TRANSLATORS: new version, held-out stays, its MAE, the old MAE, the old version */
        text = g_strdup_printf (_("Swapped in version %s: its MAE on %" PRId64 " held-out stays is "
                                  "%.2f days, not worse than %.2f for version %s."),
                                version ? version : "?", held_out, status->mae_after, status->mae_before,
                                previous ? previous : "?");
      else
        /* TRANSLATORS: kept version, held-out stays, the new MAE, the old MAE */
        text = g_strdup_printf (_("Kept version %s: the retrained model's MAE on %" PRId64 " held-out "
                                  "stays is %.2f days, worse than %.2f for the model in use."),
                                previous ? previous : (e->version ? e->version : "?"), held_out,
                                status->mae_after, status->mae_before);
    }
  if (text != NULL)
    {
      gtk_label_set_text (e->result_label, g_strstrip (text));
      gtk_widget_set_visible (GTK_WIDGET (e->result_label), TRUE);
    }
  /* A new model changes the versions and the check. */
  if (status->swapped && self->hospital_id > 0)
    reload (self);
}

static void
on_model_changed_cb (BbModelPanel *self,
                     const char   *model,
                     const char   *status,
                     const char   *stage,
                     double        progress)
{
  ModelEntry *e = find_entry (self, model);

  if (e == NULL || !e->retraining)
    return;
  if (g_strcmp0 (status, "running") == 0)
    retrain_progress (e, status, stage, progress);
  else
    /* The whole result (MAEs, reason) comes with the status: ask for it now. */
    poll_retrain_cb (e);
}

static void
on_retrain_started_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BbModelPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbRetrainStatus) status = NULL;
  ModelEntry *e;

  status = bb_api_client_retrain_finish (BB_API_CLIENT (source), result, &error);
  if (status == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      for (guint i = 0; i < self->entries->len; i++)
        {
          e = g_ptr_array_index (self->entries, i);
          if (e->retraining && e->poll_source == 0)
            {
              g_autofree char *text = g_strdup_printf (_("Retraining could not start: %s"), error->message);

              e->retraining = FALSE;
              gtk_widget_set_sensitive (GTK_WIDGET (e->retrain_button), TRUE);
              gtk_widget_set_visible (GTK_WIDGET (e->progress), FALSE);
              gtk_label_set_text (e->result_label, text);
              gtk_widget_set_visible (GTK_WIDGET (e->result_label), TRUE);
            }
        }
      return;
    }
  e = find_entry (self, status->model);
  if (e == NULL)
    return;
  retrain_show (e, status);
  /* The live events report each stage; polling covers a lost connection. */
  if (e->retraining && e->poll_source == 0)
    e->poll_source = g_timeout_add_seconds (POLL_SECONDS, poll_retrain_cb, e);
}

static void
on_retrain_clicked_cb (GtkButton  *button,
                       ModelEntry *e)
{
  BbModelPanel *self = e->panel;

  e->retraining = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (e->retrain_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (e->result_label), FALSE);
  retrain_progress (e, "running", "queued", 0.0);
  bb_api_client_start_retrain_async (bb_client_context_get_api (self->context), e->name, self->cancellable,
                                     on_retrain_started_cb, g_object_ref (self));
}

/* ---- Cards ---- */

static GtkLabel *
wrapped_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return GTK_LABEL (label);
}

static ModelEntry *
add_entry (BbModelPanel      *self,
           const BbModelInfo *info)
{
  ModelEntry *e = g_new0 (ModelEntry, 1);
  g_autofree char *button_text = NULL;
  g_autofree char *chart_name = NULL;
  GtkWidget *box, *actions;

  e->panel = self;
  e->name = g_strdup (info->name);
  e->version = g_strdup (info->version);
  e->card_mae = NAN;
  e->card_coverage = NAN;

  e->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (e->card, "card");
  gtk_widget_set_hexpand (e->card, TRUE);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (e->card), box);
  e->title_label = wrapped_label ("heading");
  e->card_label = wrapped_label ("dim-label");
  e->check_label = wrapped_label (NULL);
  e->chart = BB_CALIBRATION_CHART (bb_calibration_chart_new ());
  gtk_widget_set_size_request (GTK_WIDGET (e->chart), -1, 220);
  /* TRANSLATORS: accessible name of a chart; %s is a model */
  chart_name = g_strdup_printf (_("Predicted against actual stays, %s"), e->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (e->chart), GTK_ACCESSIBLE_PROPERTY_LABEL, chart_name, -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->title_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->card_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->check_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->chart));

  actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* TRANSLATORS: %s is a model, e.g. "Retrain icu-los" */
  button_text = g_strdup_printf (_("Retrain %s"), e->name);
  e->retrain_button = GTK_BUTTON (gtk_button_new_with_label (button_text));
  gtk_widget_set_valign (GTK_WIDGET (e->retrain_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (e->retrain_button),
                               _("Train a new model on this network's own stays and use it if it is not worse"));
  g_signal_connect (e->retrain_button, "clicked", G_CALLBACK (on_retrain_clicked_cb), e);
  e->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (e->progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (e->progress), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (e->progress), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (e->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  button_text, -1);
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (e->retrain_button));
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (e->progress));
  gtk_box_append (GTK_BOX (box), actions);
  e->result_label = wrapped_label (NULL);
  gtk_widget_set_visible (GTK_WIDGET (e->result_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->result_label));

  gtk_box_append (self->models_box, e->card);
  g_ptr_array_add (self->entries, e);
  update_entry_labels (self, e);
  return e;
}

/* ---- Loading and the check ---- */

typedef struct
{
  char               *name;
  BbLosModel         *model;
  BbCalibrationPoint *points;
  guint               n_points;
  guint               n_skipped;
} CheckModel;

typedef struct
{
  GPtrArray  *models;      /* CheckModel */
  GPtrArray  *discharges;  /* BbDischarge */
  GHashTable *ward_models; /* ward id -> model name */
} CheckData;

static void
check_model_free (CheckModel *m)
{
  g_free (m->name);
  g_clear_object (&m->model);
  g_free (m->points);
  g_free (m);
}

static void
check_data_free (CheckData *d)
{
  g_clear_pointer (&d->models, g_ptr_array_unref);
  g_clear_pointer (&d->discharges, g_ptr_array_unref);
  g_clear_pointer (&d->ward_models, g_hash_table_unref);
  g_free (d);
}

/* In a worker thread: each discharge that lay in a ward using the model,
 * predicted from its intake features, against its stay from admission to
 * leaving the last such ward. Features that do not fit the model's card
 * (e.g. an intensive care patient's for the ward model) are counted out. */
static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *d = task_data;

  for (guint m = 0; m < d->models->len; m++)
    {
      CheckModel *cm = g_ptr_array_index (d->models, m);
      g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BbCalibrationPoint));
      double resolution = bb_los_card_get_resolution_days (bb_los_model_get_card (cm->model));

      for (guint i = 0; i < d->discharges->len && !g_cancellable_is_cancelled (cancellable); i++)
        {
          const BbDischarge *dis = g_ptr_array_index (d->discharges, i);
          g_autoptr(GError) error = NULL;
          gint64 end = 0;
          BbCalibrationPoint point;
          BbLosPrediction pred;
          double mu, sigma;

          for (guint s = 0; s < dis->n_ward_stays; s++)
            {
              const char *model = g_hash_table_lookup (d->ward_models, &dis->ward_stays[s].ward_id);

              if (g_strcmp0 (model, cm->name) == 0)
                end = MAX (end, dis->ward_stays[s].to > 0 ? dis->ward_stays[s].to : dis->admission->discharged_at);
            }
          if (end <= dis->admission->admitted_at)
            continue;
          if (dis->admission->features == NULL ||
              !bb_los_model_predict_json (cm->model, dis->admission->features, &mu, &sigma, &error))
            {
              cm->n_skipped++;
              continue;
            }
          bb_los_model_interval (cm->model, mu, sigma, &pred);
          point.predicted = pred.median_days;
          point.p10 = pred.p10_days;
          point.p90 = pred.p90_days;
          point.actual = (end - dis->admission->admitted_at) / 86400.0;
          /* A model of stays recorded in whole days predicts on that grid:
           * compare with the stay recorded the same way (at least one step). */
          if (resolution > 0)
            point.actual = MAX (resolution, round (point.actual / resolution) * resolution);
          g_array_append_val (points, point);
        }
      cm->n_points = points->len;
      cm->points = (BbCalibrationPoint *) g_array_free (g_steal_pointer (&points), FALSE);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_check_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BbModelPanel *self = BB_MODEL_PANEL (source);
  CheckData *d = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    }
  for (guint m = 0; m < d->models->len; m++)
    {
      CheckModel *cm = g_ptr_array_index (d->models, m);
      ModelEntry *e = find_entry (self, cm->name);

      if (e == NULL)
        continue;
      g_free (e->points);
      e->points = g_steal_pointer (&cm->points);
      e->n_points = cm->n_points;
      e->n_skipped = cm->n_skipped;
      e->checked = TRUE;
      update_entry_labels (self, e);
    }
  set_loaded (self, TRUE);
}

static void
finish_loading (BbModelPanel *self)
{
  g_assert (self->pending > 0);
  if (--self->pending > 0)
    return;
  start_check (self);
}

static void
start_check (BbModelPanel *self)
{
  g_autoptr(GTask) task = NULL;
  CheckData *d;
  GHashTableIter iter;
  gpointer key, value;

  d = g_new0 (CheckData, 1);
  d->models = g_ptr_array_new_with_free_func ((GDestroyNotify) check_model_free);
  for (guint i = 0; i < self->entries->len; i++)
    {
      ModelEntry *e = g_ptr_array_index (self->entries, i);

      if (self->discharges == NULL || e->model == NULL)
        {
          g_free (e->check_error);
          e->check_error = g_strdup (self->discharges_error != NULL ? self->discharges_error
                                                                    : _("the model could not be loaded"));
          update_entry_labels (self, e);
          continue;
        }
      {
        CheckModel *cm = g_new0 (CheckModel, 1);

        cm->name = g_strdup (e->name);
        cm->model = g_object_ref (e->model);
        g_ptr_array_add (d->models, cm);
      }
    }
  d->discharges = self->discharges != NULL ? g_ptr_array_ref (self->discharges)
                                           : g_ptr_array_new ();
  d->ward_models = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, self->ward_models);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (d->ward_models, g_memdup2 (key, sizeof (gint64)), g_strdup (value));

  task = g_task_new (self, self->cancellable, on_check_done_cb, NULL);
  g_task_set_source_tag (task, start_check);
  g_task_set_task_data (task, d, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}

typedef struct
{
  BbModelPanel *self;
  char         *name;
} ModelRequest;

static void
on_model_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ModelRequest *req = user_data;
  g_autoptr(BbModelPanel) self = req->self;
  g_autofree char *name = req->name;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  ModelEntry *e;

  g_free (req);
  model = bb_api_client_get_model_finish (BB_API_CLIENT (source), result, &error);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  e = find_entry (self, name);
  if (e != NULL && model != NULL)
    {
      BbModelTestMetrics test;

      bb_model_test_metrics_from_card (bb_los_model_get_card (model), &test);
      e->model = g_steal_pointer (&model);
      e->card_mae = test.mae_days;
      e->card_coverage = test.coverage_80;
      e->card_rows = test.rows;
      /* What is predicted with is the downloaded model's version. */
      g_free (e->version);
      e->version = g_strdup (bb_los_model_get_version (e->model));
      update_entry_labels (self, e);
    }
  else if (e != NULL)
    {
      g_warning ("Could not load model %s: %s", name, error ? error->message : "?");
    }
  finish_loading (self);
}

static void
on_discharges_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BbModelPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) discharges = NULL;

  discharges = bb_api_client_list_discharges_finish (BB_API_CLIENT (source), result, &error);
  if (discharges == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->discharges, g_ptr_array_unref);
  g_clear_pointer (&self->discharges_error, g_free);
  if (discharges != NULL)
    self->discharges = g_steal_pointer (&discharges);
  else if (bb_api_error_get_status (error) == 404)
    /* A server without the discharges endpoint: say so, the card's numbers stay. */
    self->discharges_error = g_strdup (_("this server does not list recent discharges"));
  else
    self->discharges_error = g_strdup (error->message);
  finish_loading (self);
}

static void
on_models_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BbModelPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  BbApiClient *api = BB_API_CLIENT (source);

  models = bb_api_client_list_models_finish (api, result, &error);
  if (models == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* TRANSLATORS: why the models could not be listed */
      text = g_strdup_printf (_("The models could not be loaded: %s"), error->message);
      gtk_label_set_text (self->status_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
      self->pending = 0;
      set_loaded (self, TRUE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->status_label), models->len == 0);
  gtk_label_set_text (self->status_label, _("The server offers no models."));
  /* One for the discharges, one per model. */
  self->pending = 1 + models->len;
  for (guint i = 0; i < models->len; i++)
    {
      const BbModelInfo *info = g_ptr_array_index (models, i);
      ModelRequest *req = g_new0 (ModelRequest, 1);
      ModelEntry *e = find_entry (self, info->name);

      if (e == NULL)
        e = add_entry (self, info);
      g_free (e->version);
      e->version = g_strdup (info->version);
      e->checked = FALSE;
      g_clear_pointer (&e->check_error, g_free);
      update_entry_labels (self, e);
      req->self = g_object_ref (self);
      req->name = g_strdup (info->name);
      bb_api_client_get_model_async (api, info->name, self->cancellable, on_model_cb, req);
    }
  bb_api_client_list_discharges_async (api, self->hospital_id, 0, self->cancellable,
                                       on_discharges_cb, g_object_ref (self));
}

/* Lists the models and checks them again on the hospital's discharges. */
static void
reload (BbModelPanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending = 0;
  set_loaded (self, FALSE);
  bb_api_client_list_models_async (bb_client_context_get_api (self->context), self->cancellable,
                                   on_models_cb, g_object_ref (self));
}

/* ---- GObject ---- */

static void
bb_model_panel_dispose (GObject *object)
{
  BbModelPanel *self = BB_MODEL_PANEL (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->entries != NULL)
    g_ptr_array_set_size (self->entries, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_MODEL_PANEL);
  /* The template's root is not bound to a field, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_model_panel_parent_class)->dispose (object);
}

static void
bb_model_panel_finalize (GObject *object)
{
  BbModelPanel *self = BB_MODEL_PANEL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->ward_models, g_hash_table_unref);
  g_clear_pointer (&self->discharges, g_ptr_array_unref);
  g_clear_pointer (&self->discharges_error, g_free);

  G_OBJECT_CLASS (bb_model_panel_parent_class)->finalize (object);
}

static void
bb_model_panel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BbModelPanel *self = BB_MODEL_PANEL (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_model_panel_class_init (BbModelPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_model_panel_dispose;
  object_class->finalize = bb_model_panel_finalize;
  object_class->get_property = bb_model_panel_get_property;

  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-model-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BbModelPanel, group);
  gtk_widget_class_bind_template_child (widget_class, BbModelPanel, models_box);
  gtk_widget_class_bind_template_child (widget_class, BbModelPanel, status_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
bb_model_panel_init (BbModelPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) model_entry_free);
  self->ward_models = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

GtkWidget *
bb_model_panel_new (void)
{
  return g_object_new (BB_TYPE_MODEL_PANEL, NULL);
}

void
bb_model_panel_set_context (BbModelPanel    *self,
                            BbClientContext *context)
{
  g_return_if_fail (BB_IS_MODEL_PANEL (self));
  g_return_if_fail (BB_IS_CLIENT_CONTEXT (context));

  if (self->context == context)
    return;
  g_set_object (&self->context, context);
  g_signal_connect_object (bb_client_context_get_live_events (context), "model-changed",
                           G_CALLBACK (on_model_changed_cb), self, G_CONNECT_SWAPPED);
}

void
bb_model_panel_load (BbModelPanel *self,
                     gint64        hospital_id,
                     GPtrArray    *wards)
{
  g_return_if_fail (BB_IS_MODEL_PANEL (self));
  g_return_if_fail (self->context != NULL);
  g_return_if_fail (wards != NULL);

  for (guint i = 0; i < self->entries->len; i++)
    if (((ModelEntry *) g_ptr_array_index (self->entries, i))->retraining)
      return;  /* reloading would drop the retrain's progress; it reloads when done */

  self->hospital_id = hospital_id;

  g_hash_table_remove_all (self->ward_models);
  for (guint i = 0; i < wards->len; i++)
    {
      const BbForecastWard *w = g_ptr_array_index (wards, i);

      if (w->model != NULL)
        g_hash_table_insert (self->ward_models, g_memdup2 (&w->ward_id, sizeof (gint64)), g_strdup (w->model));
    }
  reload (self);
}

gboolean
bb_model_panel_get_loaded (BbModelPanel *self)
{
  g_return_val_if_fail (BB_IS_MODEL_PANEL (self), FALSE);

  return self->loaded;
}

GPtrArray *
bb_model_panel_get_summary_lines (BbModelPanel *self)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (BB_IS_MODEL_PANEL (self), lines);

  for (guint i = 0; i < self->entries->len; i++)
    {
      ModelEntry *e = g_ptr_array_index (self->entries, i);
      g_autofree char *card = card_text (e);
      g_autofree char *check = check_text (self, e);

      g_ptr_array_add (lines, g_strdup_printf (_("%s, version %s. %s. %s."), e->name,
                                               e->version != NULL ? e->version : "?", card, check));
    }
  return lines;
}

const char *
bb_model_panel_get_version (BbModelPanel *self,
                            const char   *model)
{
  ModelEntry *e;

  g_return_val_if_fail (BB_IS_MODEL_PANEL (self), NULL);

  e = find_entry (self, model);
  return e != NULL ? e->version : NULL;
}

guint
bb_model_panel_get_n_checked (BbModelPanel *self,
                              const char   *model)
{
  ModelEntry *e;

  g_return_val_if_fail (BB_IS_MODEL_PANEL (self), 0);

  e = find_entry (self, model);
  return e != NULL ? e->n_points : 0;
}
