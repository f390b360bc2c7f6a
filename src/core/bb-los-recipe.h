/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-recipe.h: how each shipped length-of-stay model is made from its
 * public data set: which columns are features (only what admissions staff
 * know at booking; never outcomes, never race or ethnicity), the target, the
 * held-out split, the XGBoost parameters, and the evaluation with baselines. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bb-los-model.h"
#include "bb-los-table.h"

G_BEGIN_DECLS

typedef enum
{
  BB_LOS_KIND_ICU,   /* eICU demo patient.csv -> icu-los */
  BB_LOS_KIND_WARD,  /* SPARCS 2020 elective discharges -> ward-los */
} BbLosKind;

typedef enum
{
  BB_LOS_SPLIT_FIT,
  BB_LOS_SPLIT_VALIDATION,  /* part of training data held back to calibrate the scale */
  BB_LOS_SPLIT_TEST,        /* never trained or tuned on */
} BbLosSplit;

typedef struct
{
  guint  n;
  double mae;
  double median_ae;
  double rmse;
  double r2;
  double coverage_80;  /* NaN when the predictor has no interval */
  double below_p10;    /* share of stays below the interval (NaN: none) */
  double above_p90;    /* share above it */
} BbLosMetrics;

gboolean     bb_los_kind_from_string   (const char   *name,
                                        BbLosKind    *out);
const char  *bb_los_kind_to_string     (BbLosKind     kind);
const char  *bb_los_kind_model_name    (BbLosKind     kind);
/* icu when the table has unitdischargeoffset, ward when it has los. */
gboolean     bb_los_kind_guess         (BbLosTable   *table,
                                        BbLosKind    *out,
                                        GError      **error);
/* The kind a card was trained as (training.kind), else from its name. */
gboolean     bb_los_kind_from_card     (BbLosCard    *card,
                                        BbLosKind    *out);

/* The stay in days of every row; errors name the row and column. */
double      *bb_los_recipe_target      (BbLosKind     kind,
                                        BbLosTable   *table,
                                        GError      **error);
/* Which part of the split each row is in: a hash of the row's key (uniquepid
 * for eICU, so a patient's stays stay together; the row number for SPARCS),
 * so the held-out rows never depend on the seed. */
BbLosSplit  *bb_los_recipe_split       (BbLosKind     kind,
                                        BbLosTable   *table,
                                        GError      **error);

/* Trains on the fit rows, picks the interval scale on the validation rows,
 * retrains on fit + validation, and evaluates on the test rows. apache_path
 * may be NULL (icu: then apachePatientResult.csv beside the data is used if
 * it exists). */
BbLosModel  *bb_los_recipe_train       (BbLosKind     kind,
                                        BbLosTable   *table,
                                        const char   *data_path,
                                        const char   *apache_path,
                                        guint         seed,
                                        gboolean      progress,
                                        GError      **error);

/* {"test": {...}, "baselines": {...}} for the rows where eval_rows is TRUE;
 * baselines are built from the rows where base_rows is TRUE (NULL: use the
 * card's training statistics for the median and skip tables). */
/* A new model whose booster gives every margin mu + offset (the same card,
 * by reference): ward-los's location calibration. check_rows (n_check
 * encoded rows, may be 0) are predicted before and after to make sure. */
BbLosModel  *bb_los_recipe_shift_margins (BbLosModel   *model,
                                          double        offset,
                                          const float  *check_rows,
                                          guint         n_check,
                                          GError      **error);
JsonObject  *bb_los_recipe_evaluate    (BbLosModel   *model,
                                        BbLosKind     kind,
                                        BbLosTable   *table,
                                        const gboolean *eval_rows,
                                        const gboolean *base_rows,
                                        const char   *data_path,
                                        const char   *apache_path,
                                        GError      **error);

void         bb_los_metrics_compute    (const double *actual,
                                        const double *median,
                                        const double *p10,
                                        const double *p90,
                                        guint         n,
                                        BbLosMetrics *out);
JsonObject  *bb_los_metrics_to_json    (const BbLosMetrics *metrics);

G_END_DECLS
