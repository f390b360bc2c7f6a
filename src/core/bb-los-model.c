/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-model.c: the XGBoost C API behind the length-of-stay models.
 * Every libxgboost call is checked and its message becomes a BB_MODEL_ERROR.
 * The booster handle is shared, so a mutex serialises calls on it: XGBoost
 * returns prediction buffers owned by the booster, valid until its next call. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include "bb-los-model.h"

#include <math.h>
#include <string.h>
#include <xgboost/c_api.h>

struct _BbLosModel
{
  GObject        parent_instance;

  BbLosCard     *card;
  BoosterHandle  booster;
  GMutex         mutex;
};

G_DEFINE_FINAL_TYPE (BbLosModel, bb_los_model, G_TYPE_OBJECT)

static gboolean
xgb_check (int          rc,
           const char  *what,
           GError     **error)
{
  if (rc == 0)
    return TRUE;
  g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_XGBOOST,
               "XGBoost failed to %s: %s", what, XGBGetLastError ());
  return FALSE;
}

typedef DMatrixHandle BbDMatrix;

static void
dmatrix_free (BbDMatrix dm)
{
  XGDMatrixFree (dm);
}
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (BbDMatrix, dmatrix_free, NULL)

/* A DMatrix of encoded rows that knows which features are categorical. */
static gboolean
make_dmatrix (BbLosCard    *card,
              const float  *rows,
              guint         n_rows,
              DMatrixHandle *out,
              GError      **error)
{
  guint nf = bb_los_card_get_n_features (card);
  g_autofree const char **types = g_new0 (const char *, nf);
  gboolean any_categorical = FALSE;
  DMatrixHandle dm = NULL;

  if (!xgb_check (XGDMatrixCreateFromMat (rows, n_rows, nf, NAN, &dm),
                  "build a data matrix", error))
    return FALSE;
  for (guint j = 0; j < nf; j++)
    {
      const BbLosFeature *f = bb_los_card_get_feature (card, j);
      types[j] = f->native_categorical ? "c" : "q";
      any_categorical |= f->native_categorical;
    }
  if (any_categorical &&
      !xgb_check (XGDMatrixSetStrFeatureInfo (dm, "feature_type", types, nf),
                  "set feature types", error))
    {
      XGDMatrixFree (dm);
      return FALSE;
    }
  *out = dm;
  return TRUE;
}

static void
bb_los_model_finalize (GObject *object)
{
  BbLosModel *self = BB_LOS_MODEL (object);

  if (self->booster != NULL)
    XGBoosterFree (self->booster);
  g_clear_object (&self->card);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (bb_los_model_parent_class)->finalize (object);
}

static void
bb_los_model_class_init (BbLosModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bb_los_model_finalize;
}

static void
bb_los_model_init (BbLosModel *self)
{
  g_mutex_init (&self->mutex);
}

BbLosModel *
bb_los_model_new (BbLosCard  *card,
                  GBytes     *booster,
                  GError    **error)
{
  g_autoptr(BbLosModel) self = NULL;
  gsize len = 0;
  const void *data;
  bst_ulong n_features = 0;

  g_return_val_if_fail (BB_IS_LOS_CARD (card), NULL);
  g_return_val_if_fail (booster != NULL, NULL);

  self = g_object_new (BB_TYPE_LOS_MODEL, NULL);
  self->card = g_object_ref (card);
  data = g_bytes_get_data (booster, &len);
  if (len == 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY, "The booster file is empty");
      return NULL;
    }
  if (!xgb_check (XGBoosterCreate (NULL, 0, &self->booster), "create a booster", error) ||
      !xgb_check (XGBoosterLoadModelFromBuffer (self->booster, data, len),
                  "load the booster", error) ||
      !xgb_check (XGBoosterGetNumFeature (self->booster, &n_features),
                  "count the booster's features", error))
    return NULL;
  if (n_features != bb_los_card_get_n_features (card))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                   "The booster has %lu features but the card lists %u",
                   (unsigned long) n_features, bb_los_card_get_n_features (card));
      return NULL;
    }
  return g_steal_pointer (&self);
}

BbLosModel *
bb_los_model_load (const char  *card_path,
                   GError     **error)
{
  g_autoptr(BbLosCard) card = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *booster_path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  BbLosModel *model;

  g_return_val_if_fail (card_path != NULL, NULL);

  if ((card = bb_los_card_load (card_path, error)) == NULL)
    return NULL;
  dir = g_path_get_dirname (card_path);
  booster_path = g_build_filename (dir, bb_los_card_get_booster (card), NULL);
  if (!g_file_get_contents (booster_path, &data, &len, &local))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO,
                   "Cannot read the booster of %s: %s", card_path, local->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  model = bb_los_model_new (card, bytes, &local);
  if (model == NULL)
    g_set_error (error, BB_MODEL_ERROR, local->code, "%s: %s", booster_path, local->message);
  return model;
}

BbLosModel *
bb_los_model_train (BbLosCard                *card,
                    const float              *rows,
                    guint                     n_rows,
                    const float              *lower,
                    const float              *upper,
                    const BbLosTrainOptions  *options,
                    GError                  **error)
{
  g_autoptr(BbLosModel) self = NULL;
  g_auto(BbDMatrix) dm = NULL;
  char buf[64];

  g_return_val_if_fail (BB_IS_LOS_CARD (card), NULL);
  g_return_val_if_fail (rows != NULL && lower != NULL && upper != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (n_rows == 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY, "No rows to train on");
      return NULL;
    }
  for (guint i = 0; i < n_rows; i++)
    if (!(lower[i] >= 0) || !(upper[i] >= lower[i]) || isnan (upper[i]))
      {
        g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT,
                     "Training row %u: the stay bounds [%g, %g] are not 0 <= lower <= upper",
                     i + 1, lower[i], upper[i]);
        return NULL;
      }

  bb_los_card_set_objective (card, options->distribution, options->train_scale);
  self = g_object_new (BB_TYPE_LOS_MODEL, NULL);
  self->card = g_object_ref (card);

  if (!make_dmatrix (card, rows, n_rows, &dm, error) ||
      !xgb_check (XGDMatrixSetFloatInfo (dm, "label_lower_bound", lower, n_rows),
                  "set the lower bounds", error) ||
      !xgb_check (XGDMatrixSetFloatInfo (dm, "label_upper_bound", upper, n_rows),
                  "set the upper bounds", error) ||
      !xgb_check (XGBoosterCreate (&dm, 1, &self->booster), "create a booster", error))
    return NULL;

#define SET(name, value) \
  if (!xgb_check (XGBoosterSetParam (self->booster, name, value), "set " name, error)) \
    return NULL
  SET ("objective", "survival:aft");
  SET ("aft_loss_distribution", bb_aft_distribution_to_string (options->distribution));
  g_ascii_dtostr (buf, sizeof buf, options->train_scale);
  SET ("aft_loss_distribution_scale", buf);
  g_snprintf (buf, sizeof buf, "%u", options->seed);
  SET ("seed", buf);
  g_snprintf (buf, sizeof buf, "%u", MAX (options->nthread, 1));
  SET ("nthread", buf);
  SET ("verbosity", "1");
#undef SET
  for (guint k = 0; options->params != NULL && options->params[k] != NULL; k += 2)
    {
      g_autofree char *what = g_strdup_printf ("set %s", options->params[k]);
      if (options->params[k + 1] == NULL)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT,
                       "Training parameter %s has no value", options->params[k]);
          return NULL;
        }
      if (!xgb_check (XGBoosterSetParam (self->booster, options->params[k], options->params[k + 1]),
                      what, error))
        return NULL;
    }

  for (guint it = 0; it < options->rounds; it++)
    {
      if (!xgb_check (XGBoosterUpdateOneIter (self->booster, it, dm), "train a round", error))
        return NULL;
      if (options->progress && options->rounds >= 10 &&
          (it + 1) % (options->rounds / 10) == 0)
        g_printerr ("  %s: round %u of %u\n", bb_los_card_get_name (card),
                    it + 1, options->rounds);
    }
  return g_steal_pointer (&self);
}

GBytes *
bb_los_model_get_booster_bytes (BbLosModel  *self,
                                GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  const char *format;
  g_autofree char *config = NULL;
  bst_ulong len = 0;
  const char *data = NULL;

  g_return_val_if_fail (BB_IS_LOS_MODEL (self), NULL);

  format = g_str_has_suffix (bb_los_card_get_booster (self->card), ".json") ? "json" : "ubj";
  config = g_strdup_printf ("{\"format\": \"%s\"}", format);
  locker = g_mutex_locker_new (&self->mutex);
  if (!xgb_check (XGBoosterSaveModelToBuffer (self->booster, config, &len, &data),
                  "serialise the booster", error))
    return NULL;
  return g_bytes_new (data, len);
}

gboolean
bb_los_model_save (BbLosModel  *self,
                   const char  *card_path,
                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *booster_path = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (BB_IS_LOS_MODEL (self), FALSE);
  g_return_val_if_fail (card_path != NULL, FALSE);

  if (bb_los_card_get_booster (self->card) == NULL)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                   "The card names no booster file");
      return FALSE;
    }
  if ((bytes = bb_los_model_get_booster_bytes (self, error)) == NULL)
    return FALSE;
  dir = g_path_get_dirname (card_path);
  booster_path = g_build_filename (dir, bb_los_card_get_booster (self->card), NULL);
  if (!g_file_set_contents (booster_path, g_bytes_get_data (bytes, NULL),
                            g_bytes_get_size (bytes), &local))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO,
                   "Cannot write the booster: %s", local->message);
      return FALSE;
    }
  return bb_los_card_save (self->card, card_path, error);
}

BbLosCard *
bb_los_model_get_card (BbLosModel *self)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), NULL);
  return self->card;
}

const char *
bb_los_model_get_name (BbLosModel *self)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), NULL);
  return bb_los_card_get_name (self->card);
}

const char *
bb_los_model_get_version (BbLosModel *self)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), NULL);
  return bb_los_card_get_version (self->card);
}

BbAftDistribution
bb_los_model_get_distribution (BbLosModel *self)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), BB_AFT_NORMAL);
  return bb_los_card_get_distribution (self->card);
}

double
bb_los_model_get_scale (BbLosModel *self)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), 1.0);
  return bb_los_card_get_scale (self->card);
}

static gboolean
predict (BbLosModel   *self,
         const float  *rows,
         guint         n_rows,
         int           type,
         double       *out,
         gsize         n_out,
         GError      **error)
{
  g_auto(BbDMatrix) dm = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *config = NULL;
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0, total = 1;
  const float *result = NULL;

  if (n_rows == 0)
    return TRUE;
  if (!make_dmatrix (self->card, rows, n_rows, &dm, error))
    return FALSE;
  config = g_strdup_printf ("{\"type\": %d, \"training\": false, \"iteration_begin\": 0,"
                            " \"iteration_end\": 0, \"strict_shape\": false}", type);
  locker = g_mutex_locker_new (&self->mutex);
  if (!xgb_check (XGBoosterPredictFromDMatrix (self->booster, dm, config, &shape, &dim, &result),
                  "predict", error))
    return FALSE;
  for (bst_ulong d = 0; d < dim; d++)
    total *= shape[d];
  if (total != n_out)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_XGBOOST,
                   "XGBoost returned %lu values where %lu were expected",
                   (unsigned long) total, (unsigned long) n_out);
      return FALSE;
    }
  for (gsize i = 0; i < n_out; i++)
    out[i] = result[i];
  return TRUE;
}

gboolean
bb_los_model_predict_margins (BbLosModel   *self,
                              const float  *rows,
                              guint         n_rows,
                              double       *mu_out,
                              GError      **error)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), FALSE);
  g_return_val_if_fail (rows != NULL || n_rows == 0, FALSE);
  g_return_val_if_fail (mu_out != NULL || n_rows == 0, FALSE);

  /* type 1 is the raw margin: for survival:aft that is mu of ln T. */
  return predict (self, rows, n_rows, 1, mu_out, n_rows, error);
}

gboolean
bb_los_model_predict (BbLosModel   *self,
                      const float  *rows,
                      guint         n_rows,
                      double       *mu_out,
                      double       *sigma_out,
                      GError      **error)
{
  g_return_val_if_fail (sigma_out != NULL || n_rows == 0, FALSE);

  if (!bb_los_model_predict_margins (self, rows, n_rows, mu_out, error))
    return FALSE;
  for (guint i = 0; i < n_rows; i++)
    sigma_out[i] = bb_los_card_row_scale (self->card, rows + (gsize) i * bb_los_card_get_n_features (self->card));
  return TRUE;
}

gboolean
bb_los_model_predict_json (BbLosModel  *self,
                           JsonObject  *features,
                           double      *mu_out,
                           double      *sigma_out,
                           GError     **error)
{
  g_autofree float *row = NULL;

  g_return_val_if_fail (BB_IS_LOS_MODEL (self), FALSE);
  g_return_val_if_fail (features != NULL && mu_out != NULL, FALSE);

  row = g_new (float, bb_los_card_get_n_features (self->card));
  if (!bb_los_card_encode_json (self->card, features, BB_LOS_ENCODE_STRICT, row, error) ||
      !bb_los_model_predict_margins (self, row, 1, mu_out, error))
    return FALSE;
  if (sigma_out != NULL)
    *sigma_out = bb_los_card_row_scale (self->card, row);
  return TRUE;
}

double
bb_los_model_quantile (BbLosModel *self,
                       double      mu,
                       double      sigma,
                       double      p)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), NAN);
  return bb_los_card_quantile (self->card, mu, sigma, p);
}

void
bb_los_model_interval (BbLosModel      *self,
                       double           mu,
                       double           sigma,
                       BbLosPrediction *out)
{
  g_return_if_fail (BB_IS_LOS_MODEL (self));
  g_return_if_fail (out != NULL);

  out->median_days = bb_los_model_quantile (self, mu, sigma, 0.5);
  out->p10_days = bb_los_model_quantile (self, mu, sigma, 0.1);
  out->p90_days = bb_los_model_quantile (self, mu, sigma, 0.9);
}

gboolean
bb_los_model_contributions (BbLosModel   *self,
                            const float  *row,
                            double       *contrib_out,
                            GError      **error)
{
  g_return_val_if_fail (BB_IS_LOS_MODEL (self), FALSE);
  g_return_val_if_fail (row != NULL && contrib_out != NULL, FALSE);

  return predict (self, row, 1, 2, contrib_out,
                  bb_los_card_get_n_features (self->card) + 1, error);
}
