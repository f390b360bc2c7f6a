/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-model.h: a length-of-stay model: its card and its XGBoost booster
 * (survival:aft). Predicts the margin mu of ln(stay), turns it into a median
 * and an 80% interval with bb-aft, explains predictions, and trains. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bb-los-card.h"
#include "bb-model-error.h"

G_BEGIN_DECLS

#define BB_TYPE_LOS_MODEL (bb_los_model_get_type ())
G_DECLARE_FINAL_TYPE (BbLosModel, bb_los_model, BB, LOS_MODEL, GObject)

typedef struct
{
  double median_days;
  double p10_days;
  double p90_days;
} BbLosPrediction;

/* How training runs. params are XGBoost parameters as name/value pairs
 * (NULL-terminated, e.g. {"max_depth", "4", "eta", "0.1", NULL}); objective,
 * distribution, scale, seed and nthread are set from the other fields. */
typedef struct
{
  BbAftDistribution   distribution;
  double              train_scale;  /* aft_loss_distribution_scale */
  guint               rounds;
  guint               seed;
  guint               nthread;      /* fixed so results do not depend on the machine */
  const char * const *params;
  gboolean            progress;     /* print a line per 10% of rounds to stderr */
} BbLosTrainOptions;

BbLosModel   *bb_los_model_load              (const char        *card_path,
                                              GError           **error);
/* The booster as XGBoost JSON or UBJ bytes. */
BbLosModel   *bb_los_model_new               (BbLosCard         *card,
                                              GBytes            *booster,
                                              GError           **error);
/* rows: n_rows x n_features (the card's features), NaN = missing. lower and
 * upper are the stay in days; upper = INFINITY for a right-censored stay
 * (a patient still in hospital), lower = upper for an observed one. The
 * card's objective is set to distribution and train_scale. */
BbLosModel   *bb_los_model_train             (BbLosCard         *card,
                                              const float       *rows,
                                              guint              n_rows,
                                              const float       *lower,
                                              const float       *upper,
                                              const BbLosTrainOptions *options,
                                              GError           **error);
/* Writes the booster (UBJ unless its name ends in .json) beside the card,
 * then the card; each atomically. */
gboolean      bb_los_model_save              (BbLosModel        *self,
                                              const char        *card_path,
                                              GError           **error);
GBytes       *bb_los_model_get_booster_bytes (BbLosModel        *self,
                                              GError           **error);

BbLosCard    *bb_los_model_get_card          (BbLosModel        *self);
const char   *bb_los_model_get_name          (BbLosModel        *self);
const char   *bb_los_model_get_version       (BbLosModel        *self);
BbAftDistribution bb_los_model_get_distribution (BbLosModel     *self);
/* The card's objective scale; a row's own is bb_los_card_row_scale(). */
double        bb_los_model_get_scale         (BbLosModel        *self);

/* mu for each of n_rows encoded rows. Safe to call from several threads. */
gboolean      bb_los_model_predict_margins   (BbLosModel        *self,
                                              const float       *rows,
                                              guint              n_rows,
                                              double            *mu_out,
                                              GError           **error);
/* A prediction is a distribution: ln T = mu + sigma Z. mu and sigma for
 * each of n_rows encoded rows (sigma from bb_los_card_row_scale()). */
gboolean      bb_los_model_predict           (BbLosModel        *self,
                                              const float       *rows,
                                              guint              n_rows,
                                              double            *mu_out,
                                              double            *sigma_out,
                                              GError           **error);
/* mu and sigma (may be NULL) for one intake {column: value}; errors name
 * the bad field. */
gboolean      bb_los_model_predict_json      (BbLosModel        *self,
                                              JsonObject        *features,
                                              double            *mu_out,
                                              double            *sigma_out,
                                              GError           **error);
/* Median and 80% interval in days for a margin and its row's scale.
 * When the card's target has a resolution (whole days), the quantiles of the
 * recorded stay are reported: the quantile rounded to that grid, at least
 * one step. */
void          bb_los_model_interval          (BbLosModel        *self,
                                              double             mu,
                                              double             sigma,
                                              BbLosPrediction   *out);
double        bb_los_model_quantile          (BbLosModel        *self,
                                              double             mu,
                                              double             sigma,
                                              double             p);
/* XGBoost's contributions (TreeSHAP) to mu for one row: n_features + 1
 * values, the last the bias. Their sum is mu. */
gboolean      bb_los_model_contributions     (BbLosModel        *self,
                                              const float       *row,
                                              double            *contrib_out,
                                              GError           **error);

G_END_DECLS
