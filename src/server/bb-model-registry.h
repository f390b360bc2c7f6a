/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-model-registry.h: the length-of-stay models the server forecasts with.
 *
 * BbModelRegistry loads every NAME.card.json of the shipped models folder
 * and of a writable folder of retrained models (next to the database, never
 * the source tree); for each name the highest version wins. Readers take a
 * reference to the current BbLosModel, so a swap to a retrained version never
 * pulls a model from under a forecast that is using it.
 *
 * Retraining runs in a worker thread on the hospital network's own stays:
 * finished stays are observed rows, current inpatients right-censored ones.
 * The newest 20% of finished stays (by admission time) are held out; the
 * candidate is trained on the rest and replaces the current model only when
 * its MAE on the held-out stays is not worse. ::retrain-progress reports
 * each stage on the main thread. */
#pragma once

#include <glib-object.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bb-los-model.h"

G_BEGIN_DECLS

#define BB_MODEL_REGISTRY_ERROR (bb_model_registry_error_quark ())

typedef enum
{
  BB_MODEL_REGISTRY_ERROR_NOT_FOUND,  /* 404: no model of that name */
  BB_MODEL_REGISTRY_ERROR_BUSY,       /* 409: a retrain of that model is running */
  BB_MODEL_REGISTRY_ERROR_TOO_FEW,    /* 400: not enough finished stays to retrain */
  BB_MODEL_REGISTRY_ERROR_FAILED,     /* 500 */
} BbModelRegistryError;

GQuark bb_model_registry_error_quark (void);

/* Finished stays needed to retrain: the held-out fifth must say something. */
#define BB_MODEL_REGISTRY_MIN_STAYS 50

/* One stay from the hospital's records, as a retrain reads it. */
typedef struct
{
  JsonObject *features;      /* the intake features; owned reference */
  gint64      admitted_at;
  double      stay_days;     /* the whole stay, or the time stayed so far when censored */
  gboolean    censored;      /* still in hospital */
} BbModelStay;

void bb_model_stay_free (BbModelStay *stay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbModelStay, bb_model_stay_free)

#define BB_TYPE_MODEL_REGISTRY (bb_model_registry_get_type ())
G_DECLARE_FINAL_TYPE (BbModelRegistry, bb_model_registry, BB, MODEL_REGISTRY, GObject)

/* Either folder may be NULL. Call bb_model_registry_load() next. */
BbModelRegistry *bb_model_registry_new                (const char          *models_dir,
                                                       const char          *trained_dir);
/* Loads the cards of both folders; a card that does not load is skipped
 * with a warning. Returns how many models are current. */
guint            bb_model_registry_load               (BbModelRegistry     *self);
const char      *bb_model_registry_get_trained_dir    (BbModelRegistry     *self);
/* The current model of that name (a new reference), or NULL. Any thread. */
BbLosModel      *bb_model_registry_get                (BbModelRegistry     *self,
                                                       const char          *name);
/* Sorted names of the current models. */
char           **bb_model_registry_list_names         (BbModelRegistry     *self);
/* Writes the model into the trained folder as NAME-vVERSION.card.json (when
 * there is one) and makes it current; emits ::changed. Main thread. */
gboolean         bb_model_registry_install            (BbModelRegistry     *self,
                                                       BbLosModel          *model,
                                                       GError             **error);

/* Starts a retrain of name on stays (elements: BbModelStay; the array is
 * read before this returns). Fails at once with NOT_FOUND, BUSY or TOO_FEW;
 * otherwise callback runs on the main thread when it is over. */
gboolean         bb_model_registry_start_retrain      (BbModelRegistry     *self,
                                                       const char          *name,
                                                       GPtrArray           *stays,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data,
                                                       GError             **error);
/* The result object (also in the status): swapped, reason, versions, both
 * MAEs on the held-out stays, row counts. */
JsonObject      *bb_model_registry_retrain_finish     (BbModelRegistry     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* {model, status: idle|running|done|failed, stage, progress, started_at,
 * finished_at, result, error}; a new reference. */
JsonObject      *bb_model_registry_get_retrain_status (BbModelRegistry     *self,
                                                       const char          *name);

G_END_DECLS
