/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-card.h: the model card of a length-of-stay model (format in
 * models/README.md): what the features are and how a raw value (a CSV cell or
 * a JSON intake field) becomes a number for XGBoost. Training, prediction,
 * the server's intake validation and the client's form all go through the
 * one encoder here. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bb-aft.h"
#include "bb-los-table.h"

G_BEGIN_DECLS

typedef enum
{
  BB_LOS_FEATURE_NUMERIC,
  BB_LOS_FEATURE_CATEGORICAL,
} BbLosFeatureType;

/* How a numeric cell is read before it becomes a number. */
typedef enum
{
  BB_LOS_TRANSFORM_NONE,         /* a plain number */
  BB_LOS_TRANSFORM_AGE_90_PLUS,  /* "> 89" (eICU's 90 and over) reads as 90 */
  BB_LOS_TRANSFORM_TIME_OF_DAY,  /* "hh:mm[:ss]" reads as hours since midnight */
} BbLosTransform;

typedef enum
{
  BB_LOS_ENCODE_STRICT = 0,
  /* Data files (training, evaluation, batch prediction) carry implausible
   * entries such as a height of 600 cm; read those as missing rather than
   * refusing the file. Intake validation stays strict. */
  BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING = 1 << 0,
} BbLosEncodeFlags;

typedef struct
{
  char             *name;      /* the training CSV's own column name */
  BbLosFeatureType  type;
  char             *unit;      /* numeric only; may be NULL */
  char             *encoding;  /* for people: how the value is encoded */
  BbLosTransform    transform;
  double            min, max;  /* numeric limits, NaN when open */
  gboolean          required;
  gboolean          native_categorical; /* XGBoost feature type "c" rather than "q" */
  char            **values;    /* categorical: the code of a value is its index */
  guint             n_values;
  GHashTable       *codes;     /* value -> index + 1 */
} BbLosFeature;

#define BB_TYPE_LOS_CARD (bb_los_card_get_type ())
G_DECLARE_FINAL_TYPE (BbLosCard, bb_los_card, BB, LOS_CARD, GObject)

BbLosCard          *bb_los_card_new                 (void);
BbLosCard          *bb_los_card_load                (const char   *path,
                                                     GError      **error);
BbLosCard          *bb_los_card_new_from_json       (JsonNode     *node,
                                                     GError      **error);
BbLosCard          *bb_los_card_new_from_data       (const char   *data,
                                                     gssize        length,
                                                     GError      **error);
JsonNode           *bb_los_card_to_json             (BbLosCard    *self);
char               *bb_los_card_to_data             (BbLosCard    *self,
                                                     gsize        *length);
/* Writes atomically (temporary file and rename). */
gboolean            bb_los_card_save                (BbLosCard    *self,
                                                     const char   *path,
                                                     GError      **error);

const char         *bb_los_card_get_name            (BbLosCard    *self);
void                bb_los_card_set_name            (BbLosCard    *self,
                                                     const char   *name);
const char         *bb_los_card_get_version         (BbLosCard    *self);
void                bb_los_card_set_version         (BbLosCard    *self,
                                                     const char   *version);
const char         *bb_los_card_get_created_at      (BbLosCard    *self);
void                bb_los_card_set_created_at      (BbLosCard    *self,
                                                     const char   *created_at);
/* The booster file, relative to the card's directory. */
const char         *bb_los_card_get_booster         (BbLosCard    *self);
void                bb_los_card_set_booster         (BbLosCard    *self,
                                                     const char   *booster);
void                bb_los_card_set_target          (BbLosCard    *self,
                                                     const char   *name,
                                                     const char   *definition,
                                                     double        resolution_days);
const char         *bb_los_card_get_target_name     (BbLosCard    *self);
/* 0 for a continuous target; 1 when stays are recorded in whole days, in
 * which case medians and intervals are reported on that grid. */
double              bb_los_card_get_resolution_days (BbLosCard    *self);
BbAftDistribution   bb_los_card_get_distribution    (BbLosCard    *self);
double              bb_los_card_get_scale           (BbLosCard    *self);
void                bb_los_card_set_objective       (BbLosCard    *self,
                                                     BbAftDistribution dist,
                                                     double        scale);
/* Heteroscedastic intervals: rows whose FEATURE is missing use their own
 * scale (objective.scale_when_missing); feature NULL: one scale for all.
 * The objective's distribution is shared. */
void                bb_los_card_set_missing_scale   (BbLosCard    *self,
                                                     const char   *feature,
                                                     double        scale);
const char         *bb_los_card_get_missing_scale   (BbLosCard    *self,
                                                     double       *scale_out);
/* The scale of one encoded row's stay distribution. */
double              bb_los_card_row_scale           (BbLosCard    *self,
                                                     const float  *row);

guint               bb_los_card_get_n_features      (BbLosCard    *self);
const BbLosFeature *bb_los_card_get_feature         (BbLosCard    *self,
                                                     guint         index);
/* -1 when there is none. */
int                 bb_los_card_find_feature        (BbLosCard    *self,
                                                     const char   *name);
void                bb_los_card_add_numeric_feature (BbLosCard    *self,
                                                     const char   *name,
                                                     const char   *unit,
                                                     BbLosTransform transform,
                                                     double        min,
                                                     double        max,
                                                     gboolean      required,
                                                     const char   *encoding);
void                bb_los_card_add_categorical_feature (BbLosCard *self,
                                                     const char   *name,
                                                     const char * const *values,
                                                     gboolean      native_categorical,
                                                     gboolean      required,
                                                     const char   *encoding);

/* The free-form sections: training, split, metrics, statistics. Returned
 * objects belong to the card; set_section takes a reference. */
JsonObject         *bb_los_card_get_section         (BbLosCard    *self,
                                                     const char   *section);
void                bb_los_card_set_section         (BbLosCard    *self,
                                                     const char   *section,
                                                     JsonObject   *object);

/* Encoding. A row is bb_los_card_get_n_features() floats, NaN = missing. */
gboolean            bb_los_card_encode_string       (BbLosCard    *self,
                                                     guint         feature,
                                                     const char   *value,
                                                     BbLosEncodeFlags flags,
                                                     float        *out,
                                                     GError      **error);
/* Every row of table, row-major; errors name the row and column. */
float              *bb_los_card_encode_table        (BbLosCard    *self,
                                                     BbLosTable   *table,
                                                     BbLosEncodeFlags flags,
                                                     GError      **error);
/* {column_name: value}; unknown names, wrong types, unknown categories and
 * missing required features are errors naming the field. */
gboolean            bb_los_card_encode_json         (BbLosCard    *self,
                                                     JsonObject   *features,
                                                     BbLosEncodeFlags flags,
                                                     float        *row,
                                                     GError      **error);
gboolean            bb_los_card_validate_features   (BbLosCard    *self,
                                                     JsonObject   *features,
                                                     GError      **error);

/* Fills the statistics section from an encoded table and the target (days):
 * numeric quantiles, category frequencies, missing fractions. Aggregates
 * only, never rows. */
void                bb_los_card_compute_statistics  (BbLosCard    *self,
                                                     const float  *rows,
                                                     guint         n_rows,
                                                     const double *target_days);

/* The p-quantile of the stay in days for margin mu and scale sigma (the
 * row's: bb_los_card_row_scale()) with the card's distribution; on the
 * target's whole-day grid when it has one (at least one step). */
double              bb_los_card_quantile            (BbLosCard    *self,
                                                     double        mu,
                                                     double        sigma,
                                                     double        p);

const char         *bb_los_transform_to_string      (BbLosTransform transform);

G_END_DECLS
