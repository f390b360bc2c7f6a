/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-recipe.c: the two shipped models' recipes (features, target, split,
 * parameters) and their evaluation against the baselines hospitals use. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include "bb-los-recipe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bb-model-error.h"

typedef struct
{
  const char       *name;
  BbLosFeatureType  type;
  const char       *unit;
  BbLosTransform    transform;
  double            min, max;
  gboolean          native_categorical;
  const char       *encoding;
} FeatureSpec;

typedef struct
{
  const char         *model_name;
  const char         *target_column;
  double              target_divisor;   /* target days = column / divisor */
  const char         *target_definition;
  double              resolution_days;
  const char         *key_column;       /* NULL: the row number */
  const FeatureSpec  *features;
  guint               n_features;
  double              smoothing;        /* pseudo-rows pulling rare categories to the mean */
  BbAftDistribution   distribution;     /* used as is unless select_objective */
  double              train_scale;
  /* Choose the distribution and training scale among the candidates below
   * by cross-validated log-likelihood (needs the cross-validation path). */
  gboolean            select_objective;
  /* Shift every margin by a constant chosen on out-of-sample training stays
   * so that the forecast's next-day discharges are less biased without
   * making the median's MAE worse (see calibrate_location). */
  gboolean            calibrate_location;
  /* A categorical feature whose missing rows may get their own interval
   * scale, kept when that raises the cross-validated log-likelihood (needs
   * the cross-validation path); NULL: one scale. */
  const char         *scale_group_feature;
  guint               rounds;
  const char * const *params;
  const char         *data;
  const char         *licence;
  const char         *attribution;
} Recipe;

#define ORDINAL_BY_STAY "category code: index in values, which are sorted by the training rows' " \
                        "mean ln(stay) (smoothed towards the overall mean), so tree splits on " \
                        "the code group short-stay and long-stay categories"
#define NATIVE_CATEGORY "category code: index in values, split as an XGBoost categorical " \
                        "(partition splits, not ordered)"

static const FeatureSpec icu_features[] = {
  { "age", BB_LOS_FEATURE_NUMERIC, "years", BB_LOS_TRANSFORM_AGE_90_PLUS, 0, 120, FALSE,
    "number of years; eICU's \"> 89\" is read as 90" },
  { "gender", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "apacheadmissiondx", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "admissionheight", BB_LOS_FEATURE_NUMERIC, "cm", BB_LOS_TRANSFORM_NONE, 100, 250, FALSE,
    "number of cm; values outside 100-250 in data files are read as missing" },
  { "admissionweight", BB_LOS_FEATURE_NUMERIC, "kg", BB_LOS_TRANSFORM_NONE, 20, 350, FALSE,
    "number of kg; values outside 20-350 in data files are read as missing" },
  { "hospitaladmitsource", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "hospitaladmitoffset", BB_LOS_FEATURE_NUMERIC, "minutes", BB_LOS_TRANSFORM_NONE, -1e6, 1e5, FALSE,
    "number of minutes from ICU admission back to hospital admission (negative: time already in hospital)" },
  { "unittype", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "unitadmitsource", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "unitadmittime24", BB_LOS_FEATURE_NUMERIC, "hours", BB_LOS_TRANSFORM_TIME_OF_DAY, 0, 24, FALSE,
    "time of day of ICU admission, hh:mm[:ss], read as hours since midnight" },
  { "unitvisitnumber", BB_LOS_FEATURE_NUMERIC, "count", BB_LOS_TRANSFORM_NONE, 1, 50, FALSE,
    "number: 1 for the first ICU stay of this hospital admission, 2 for the next" },
  { "unitstaytype", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
};

static const char * const icu_params[] = {
  "tree_method", "hist",
  "max_depth", "2",
  "eta", "0.05",
  "min_child_weight", "10",
  "subsample", "0.8",
  "colsample_bytree", "0.8",
  NULL
};

static const FeatureSpec ward_features[] = {
  { "age", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "Gender", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, TRUE, NATIVE_CATEGORY },
  { "Emergency.Department.Indicator", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, TRUE, NATIVE_CATEGORY },
  { "CCSR.Diagnosis.Code", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, TRUE, NATIVE_CATEGORY },
  { "deathrisk", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, FALSE, ORDINAL_BY_STAY },
  { "Hospital.Service.Area", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, TRUE, NATIVE_CATEGORY },
  { "Hospital.County", BB_LOS_FEATURE_CATEGORICAL, NULL, 0, NAN, NAN, TRUE, NATIVE_CATEGORY },
};

static const char * const ward_params[] = {
  "tree_method", "hist",
  "max_depth", "4",
  "eta", "0.15",
  "min_child_weight", "20",
  "max_cat_to_onehot", "1",
  NULL
};

static const Recipe recipes[] = {
  [BB_LOS_KIND_ICU] = {
    "icu-los", "unitdischargeoffset", 1440.0, "unitdischargeoffset / 1440 (ICU unit stay in days)", 0,
    "uniquepid", icu_features, G_N_ELEMENTS (icu_features), 10,
    BB_AFT_LOGISTIC, 0.8, TRUE, FALSE, "apacheadmissiondx", 100, icu_params,
    "eICU Collaborative Research Database Demo v2.0.1, patient.csv (the part in ../shared/data)",
    "Open Data Commons Open Database License v1.0 (ODbL)",
    "PhysioNet, doi:10.13026/4mxk-na84 (Johnson, Pollard, Badawi, Raffa); "
    "Pollard et al., The eICU Collaborative Research Database, Sci Data 5:180178 (2018)",
  },
  [BB_LOS_KIND_WARD] = {
    "ward-los", "los", 1.0, "los: hospital length of stay in whole days as recorded by SPARCS (capped at 120)", 1,
    NULL, ward_features, G_N_ELEMENTS (ward_features), 20,
    BB_AFT_LOGISTIC, 0.8, FALSE, TRUE, NULL, 160, ward_params,
    "New York State DOH SPARCS Hospital Inpatient Discharges (De-Identified) 2020, "
    "elective adult subset without in-hospital deaths, discharges.csv.gz",
    "Public open data (health.data.ny.gov, dataset nxi5-zj9x); this subset published under the MIT licence",
    "New York State Department of Health, Statewide Planning and Research Cooperative System (SPARCS)",
  },
};

gboolean
bb_los_kind_from_string (const char *name,
                         BbLosKind  *out)
{
  if (g_strcmp0 (name, "icu") == 0 || g_strcmp0 (name, "icu-los") == 0)
    *out = BB_LOS_KIND_ICU;
  else if (g_strcmp0 (name, "ward") == 0 || g_strcmp0 (name, "ward-los") == 0)
    *out = BB_LOS_KIND_WARD;
  else
    return FALSE;
  return TRUE;
}

const char *
bb_los_kind_to_string (BbLosKind kind)
{
  return kind == BB_LOS_KIND_ICU ? "icu" : "ward";
}

const char *
bb_los_kind_model_name (BbLosKind kind)
{
  return recipes[kind].model_name;
}

gboolean
bb_los_kind_guess (BbLosTable  *table,
                   BbLosKind   *out,
                   GError     **error)
{
  if (bb_los_table_find_column (table, "unitdischargeoffset") >= 0)
    *out = BB_LOS_KIND_ICU;
  else if (bb_los_table_find_column (table, "los") >= 0)
    *out = BB_LOS_KIND_WARD;
  else
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MISSING_COLUMN,
                   "%s has neither \"unitdischargeoffset\" (eICU, icu-los) nor \"los\" "
                   "(SPARCS, ward-los); pass --kind icu|ward",
                   bb_los_table_get_name (table));
      return FALSE;
    }
  return TRUE;
}

gboolean
bb_los_kind_from_card (BbLosCard *card,
                       BbLosKind *out)
{
  JsonObject *training = bb_los_card_get_section (card, "training");

  if (training != NULL && json_object_has_member (training, "kind") &&
      bb_los_kind_from_string (json_object_get_string_member_with_default (training, "kind", NULL), out))
    return TRUE;
  return bb_los_kind_from_string (bb_los_card_get_name (card), out);
}

double *
bb_los_recipe_target (BbLosKind    kind,
                      BbLosTable  *table,
                      GError     **error)
{
  const Recipe *r = &recipes[kind];
  guint n = bb_los_table_get_n_rows (table);
  g_autofree double *target = g_new (double, n);
  int col = bb_los_table_require_column (table, r->target_column, error);

  if (col < 0)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      double v;
      if (!bb_los_table_get_double (table, i, col, &v, error))
        return NULL;
      if (v < 0)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_OUT_OF_RANGE,
                       "%s: row %u, column \"%s\": a stay cannot be negative (%g)",
                       bb_los_table_get_name (table), i + 1, r->target_column, v);
          return NULL;
        }
      target[i] = v / r->target_divisor;
    }
  return g_steal_pointer (&target);
}

/* 0-99 from an FNV-1a hash of the row's key (stable across GLib versions,
 * unlike g_str_hash). key_col < 0: the 0-based row number is the key. */
static guint
row_bucket (BbLosTable *table,
            int         key_col,
            guint       row)
{
  char num[16];
  const char *key;
  guint32 h = 2166136261u;

  if (key_col >= 0)
    key = bb_los_table_get (table, row, key_col);
  else
    {
      g_snprintf (num, sizeof num, "%u", row);
      key = num;
    }
  for (const char *p = "bedboard-split:"; *p; p++)
    h = (h ^ (guint8) *p) * 16777619u;
  for (const char *p = key; *p; p++)
    h = (h ^ (guint8) *p) * 16777619u;
  return h % 100;
}

BbLosSplit *
bb_los_recipe_split (BbLosKind    kind,
                     BbLosTable  *table,
                     GError     **error)
{
  const Recipe *r = &recipes[kind];
  guint n = bb_los_table_get_n_rows (table);
  g_autofree BbLosSplit *split = g_new (BbLosSplit, n);
  int col = -1;

  if (r->key_column != NULL &&
      (col = bb_los_table_require_column (table, r->key_column, error)) < 0)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      guint bucket = row_bucket (table, col, i);
      split[i] = bucket < 20 ? BB_LOS_SPLIT_TEST
               : bucket < 36 ? BB_LOS_SPLIT_VALIDATION
               : BB_LOS_SPLIT_FIT;
    }
  return g_steal_pointer (&split);
}

typedef struct
{
  const char *value;
  double      sum;
  guint       count;
  double      mean;
} CategoryStat;

static int
compare_category (gconstpointer a,
                  gconstpointer b)
{
  const CategoryStat *x = *(CategoryStat * const *) a;
  const CategoryStat *y = *(CategoryStat * const *) b;

  if (x->mean != y->mean)
    return x->mean < y->mean ? -1 : 1;
  return strcmp (x->value, y->value);
}

static double
log_stay (double days)
{
  return log (MAX (days, 1.0 / 1440));
}

/* The card's features, with every category seen anywhere in the file (so
 * held-out rows can be encoded) ordered by the training rows' stays only. */
static BbLosCard *
new_card (const Recipe      *r,
          BbLosKind          kind,
          BbLosTable        *table,
          const double      *target,
          const BbLosSplit  *split,
          GError           **error)
{
  g_autoptr(BbLosCard) card = bb_los_card_new ();
  guint n = bb_los_table_get_n_rows (table);
  double grand = 0;
  guint n_train = 0;

  for (guint i = 0; i < n; i++)
    if (split[i] != BB_LOS_SPLIT_TEST)
      {
        grand += log_stay (target[i]);
        n_train++;
      }
  grand /= MAX (n_train, 1);

  bb_los_card_set_name (card, r->model_name);
  bb_los_card_set_version (card, "1");
  {
    g_autofree char *booster = g_strconcat (r->model_name, ".ubj", NULL);
    bb_los_card_set_booster (card, booster);
  }
  bb_los_card_set_target (card, r->target_column, r->target_definition, r->resolution_days);
  bb_los_card_set_objective (card, r->distribution, r->train_scale);

  for (guint j = 0; j < r->n_features; j++)
    {
      const FeatureSpec *f = &r->features[j];
      int col = bb_los_table_require_column (table, f->name, error);

      if (col < 0)
        return NULL;
      if (f->type == BB_LOS_FEATURE_NUMERIC)
        bb_los_card_add_numeric_feature (card, f->name, f->unit, f->transform, f->min, f->max,
                                         FALSE, f->encoding);
      else
        {
          g_autoptr(GHashTable) stats = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
          g_autoptr(GPtrArray) order = g_ptr_array_new ();
          g_autoptr(GPtrArray) values = g_ptr_array_new ();

          for (guint i = 0; i < n; i++)
            {
              const char *v = bb_los_table_get (table, i, col);
              CategoryStat *s;
              if (*v == '\0' || strcmp (v, "NA") == 0)
                continue;
              if ((s = g_hash_table_lookup (stats, v)) == NULL)
                {
                  s = g_new0 (CategoryStat, 1);
                  s->value = v;
                  g_hash_table_insert (stats, (char *) v, s);
                  g_ptr_array_add (order, s);
                }
              if (split[i] != BB_LOS_SPLIT_TEST)
                {
                  s->sum += log_stay (target[i]);
                  s->count++;
                }
            }
          if (order->len == 0)
            {
              g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                           "%s: column \"%s\" is blank in every row",
                           bb_los_table_get_name (table), f->name);
              return NULL;
            }
          for (guint k = 0; k < order->len; k++)
            {
              CategoryStat *s = g_ptr_array_index (order, k);
              s->mean = (s->sum + r->smoothing * grand) / (s->count + r->smoothing);
            }
          g_ptr_array_sort (order, compare_category);
          for (guint k = 0; k < order->len; k++)
            g_ptr_array_add (values, (char *) ((CategoryStat *) g_ptr_array_index (order, k))->value);
          g_ptr_array_add (values, NULL);
          bb_los_card_add_categorical_feature (card, f->name, (const char * const *) values->pdata,
                                               f->native_categorical, FALSE, f->encoding);
        }
    }
  return g_steal_pointer (&card);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The p-quantile of values (sorted in place), by linear interpolation. */
static double
quantile_sorted (double *values,
                 guint   n,
                 double  p,
                 gboolean sort)
{
  double pos;
  guint lo, hi;

  if (n == 0)
    return NAN;
  if (sort)
    qsort (values, n, sizeof (double), compare_double);
  pos = p * (n - 1);
  lo = (guint) floor (pos);
  hi = MIN (lo + 1, n - 1);
  return values[lo] + (pos - lo) * (values[hi] - values[lo]);
}

void
bb_los_metrics_compute (const double *actual,
                        const double *median,
                        const double *p10,
                        const double *p90,
                        guint         n,
                        BbLosMetrics *out)
{
  g_autofree double *abs_err = g_new (double, MAX (n, 1));
  double sum_abs = 0, sum_sq = 0, mean = 0, sst = 0;
  guint covered = 0, below = 0, above = 0;
  gboolean interval = p10 != NULL && p90 != NULL;

  out->n = n;
  if (n == 0)
    {
      out->mae = out->median_ae = out->rmse = out->r2 = out->coverage_80 = NAN;
      out->below_p10 = out->above_p90 = NAN;
      return;
    }
  for (guint i = 0; i < n; i++)
    mean += actual[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    {
      double e = median[i] - actual[i];
      abs_err[i] = fabs (e);
      sum_abs += fabs (e);
      sum_sq += e * e;
      sst += (actual[i] - mean) * (actual[i] - mean);
      if (interval)
        {
          below += actual[i] < p10[i];
          above += actual[i] > p90[i];
          covered += actual[i] >= p10[i] && actual[i] <= p90[i];
        }
    }
  out->mae = sum_abs / n;
  out->median_ae = quantile_sorted (abs_err, n, 0.5, TRUE);
  out->rmse = sqrt (sum_sq / n);
  out->r2 = sst > 0 ? 1 - sum_sq / sst : NAN;
  out->coverage_80 = interval ? covered / (double) n : NAN;
  out->below_p10 = interval ? below / (double) n : NAN;
  out->above_p90 = interval ? above / (double) n : NAN;
}

static void
set_rounded (JsonObject *o,
             const char *name,
             double      v)
{
  if (isnan (v))
    json_object_set_null_member (o, name);
  else
    json_object_set_double_member (o, name, round (v * 1e4) / 1e4);
}

JsonObject *
bb_los_metrics_to_json (const BbLosMetrics *m)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "rows", m->n);
  set_rounded (o, "mae_days", m->mae);
  set_rounded (o, "median_ae_days", m->median_ae);
  set_rounded (o, "rmse_days", m->rmse);
  set_rounded (o, "r2", m->r2);
  set_rounded (o, "coverage_80", m->coverage_80);
  /* Which side the misses are on; absent without an interval. */
  if (!isnan (m->below_p10))
    {
      set_rounded (o, "below_p10", m->below_p10);
      set_rounded (o, "above_p90", m->above_p90);
    }
  return o;
}

/* patientunitstayid -> APACHE IVa predicted ICU stay (days), where > 0. */
static GHashTable *
load_apache (const char  *path,
             GError     **error)
{
  g_autoptr(BbLosTable) t = bb_los_table_load (path, error);
  g_autoptr(GHashTable) map = NULL;
  int c_id, c_ver, c_pred;

  if (t == NULL)
    return NULL;
  if ((c_id = bb_los_table_require_column (t, "patientunitstayid", error)) < 0 ||
      (c_ver = bb_los_table_require_column (t, "apacheversion", error)) < 0 ||
      (c_pred = bb_los_table_require_column (t, "predictediculos", error)) < 0)
    return NULL;
  map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < bb_los_table_get_n_rows (t); i++)
    {
      double v;
      if (strcmp (bb_los_table_get (t, i, c_ver), "IVa") != 0)
        continue;
      if (!bb_los_table_get_double (t, i, c_pred, &v, error))
        return NULL;
      if (v > 0)
        g_hash_table_insert (map, g_strdup (bb_los_table_get (t, i, c_id)), g_memdup2 (&v, sizeof v));
    }
  return g_steal_pointer (&map);
}

static char *
find_apache (const char *data_path,
             const char *apache_path)
{
  g_autofree char *dir = NULL;
  g_autofree char *beside = NULL;

  if (apache_path != NULL)
    return g_strdup (apache_path);
  if (data_path == NULL)
    return NULL;
  dir = g_path_get_dirname (data_path);
  beside = g_build_filename (dir, "apachePatientResult.csv", NULL);
  return g_file_test (beside, G_FILE_TEST_EXISTS) ? g_steal_pointer (&beside) : NULL;
}

typedef struct
{
  GArray *stays;
  double  q10, q50, q90;
} Cell;

static void
cell_free (Cell *c)
{
  g_array_unref (c->stays);
  g_free (c);
}

static void
cell_add (GHashTable *cells,
          const char *key,
          double      stay)
{
  Cell *c = g_hash_table_lookup (cells, key);

  if (c == NULL)
    {
      c = g_new0 (Cell, 1);
      c->stays = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (cells, g_strdup (key), c);
    }
  g_array_append_val (c->stays, stay);
}

static void
cells_finish (GHashTable *cells)
{
  GHashTableIter iter;
  Cell *c;

  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c))
    {
      double *v = (double *) c->stays->data;
      c->q50 = quantile_sorted (v, c->stays->len, 0.5, TRUE);
      c->q10 = quantile_sorted (v, c->stays->len, 0.1, FALSE);
      c->q90 = quantile_sorted (v, c->stays->len, 0.9, FALSE);
    }
}

JsonObject *
bb_los_recipe_evaluate (BbLosModel      *model,
                        BbLosKind        kind,
                        BbLosTable      *table,
                        const gboolean  *eval_rows,
                        const gboolean  *base_rows,
                        const char      *data_path,
                        const char      *apache_path,
                        GError         **error)
{
  BbLosCard *card = bb_los_model_get_card (model);
  guint n = bb_los_table_get_n_rows (table), nf = bb_los_card_get_n_features (card);
  g_autofree double *target = NULL;
  g_autofree float *rows = NULL;
  g_autofree float *eval_x = NULL;
  g_autofree guint *idx = NULL;
  g_autofree double *mu = NULL, *sigma = NULL, *actual = NULL, *med = NULL, *lo = NULL, *hi = NULL;
  g_autofree double *b_med = NULL, *b_lo = NULL, *b_hi = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonObject) baselines = json_object_new ();
  BbLosMetrics m;
  guint ne = 0;
  double t10, t50, t90;

  if ((target = bb_los_recipe_target (kind, table, error)) == NULL ||
      (rows = bb_los_card_encode_table (card, table, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, error)) == NULL)
    return NULL;

  idx = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    if (eval_rows == NULL || eval_rows[i])
      idx[ne++] = i;
  if (ne == 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                   "%s: no rows to evaluate on", bb_los_table_get_name (table));
      return NULL;
    }
  eval_x = g_new (float, (gsize) ne * nf);
  for (guint k = 0; k < ne; k++)
    memcpy (eval_x + (gsize) k * nf, rows + (gsize) idx[k] * nf, nf * sizeof (float));
  mu = g_new (double, ne);
  sigma = g_new (double, ne);
  if (!bb_los_model_predict (model, eval_x, ne, mu, sigma, error))
    return NULL;

  actual = g_new (double, ne);
  med = g_new (double, ne);
  lo = g_new (double, ne);
  hi = g_new (double, ne);
  b_med = g_new (double, ne);
  b_lo = g_new (double, ne);
  b_hi = g_new (double, ne);
  for (guint k = 0; k < ne; k++)
    {
      BbLosPrediction p;
      bb_los_model_interval (model, mu[k], sigma[k], &p);
      actual[k] = target[idx[k]];
      med[k] = p.median_days;
      lo[k] = p.p10_days;
      hi[k] = p.p90_days;
    }
  bb_los_metrics_compute (actual, med, lo, hi, ne, &m);
  json_object_set_object_member (result, "test", bb_los_metrics_to_json (&m));

  /* With a scale group, each group's own numbers: is either interval off? */
  if (bb_los_card_get_missing_scale (card, NULL) != NULL)
    {
      int col = bb_los_card_find_feature (card, bb_los_card_get_missing_scale (card, NULL));
      JsonObject *groups = json_object_new ();

      for (guint missing = 0; missing <= 1; missing++)
        {
          g_autofree double *ga = g_new (double, ne), *gm = g_new (double, ne);
          g_autofree double *gl = g_new (double, ne), *gh = g_new (double, ne);
          guint ng = 0;

          for (guint k = 0; k < ne; k++)
            if (!isnan (eval_x[(gsize) k * nf + col]) == !missing)
              {
                ga[ng] = actual[k];
                gm[ng] = med[k];
                gl[ng] = lo[k];
                gh[ng++] = hi[k];
              }
          if (ng == 0)
            continue;
          bb_los_metrics_compute (ga, gm, gl, gh, ng, &m);
          json_object_set_object_member (groups, missing ? "feature_missing" : "feature_present",
                                         bb_los_metrics_to_json (&m));
        }
      json_object_set_string_member (groups, "feature", bb_los_card_get_missing_scale (card, NULL));
      json_object_set_object_member (json_object_get_object_member (result, "test"), "scale_groups", groups);
    }

  /* The constant training median, with the training 10th-90th percentiles
   * as its interval. */
  if (base_rows != NULL)
    {
      g_autoptr(GArray) base = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint i = 0; i < n; i++)
        if (base_rows[i])
          g_array_append_val (base, target[i]);
      t50 = quantile_sorted ((double *) base->data, base->len, 0.5, TRUE);
      t10 = quantile_sorted ((double *) base->data, base->len, 0.1, FALSE);
      t90 = quantile_sorted ((double *) base->data, base->len, 0.9, FALSE);
    }
  else
    {
      JsonObject *stats = bb_los_card_get_section (card, "statistics");
      JsonObject *to = stats ? json_object_get_object_member (stats, "target") : NULL;
      JsonArray *q = to ? json_object_get_array_member (to, "quantiles") : NULL;
      if (q == NULL || json_array_get_length (q) != 21)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                       "The card has no target quantiles for the training-median baseline");
          return NULL;
        }
      t10 = json_array_get_double_element (json_array_get_array_element (q, 2), 1);
      t50 = json_array_get_double_element (json_array_get_array_element (q, 10), 1);
      t90 = json_array_get_double_element (json_array_get_array_element (q, 18), 1);
    }
  for (guint k = 0; k < ne; k++)
    {
      b_med[k] = t50;
      b_lo[k] = t10;
      b_hi[k] = t90;
    }
  bb_los_metrics_compute (actual, b_med, b_lo, b_hi, ne, &m);
  {
    JsonObject *o = bb_los_metrics_to_json (&m);
    set_rounded (o, "median_days", t50);
    json_object_set_object_member (baselines, "training_median", o);
  }

  if (kind == BB_LOS_KIND_ICU)
    {
      g_autofree char *path = find_apache (data_path, apache_path);

      if (path == NULL)
        json_object_set_null_member (baselines, "apache_iva");
      else
        {
          g_autoptr(GHashTable) apache = NULL;
          g_autofree double *a_actual = g_new (double, ne), *a_pred = g_new (double, ne);
          g_autofree double *a_med = g_new (double, ne), *a_lo = g_new (double, ne);
          g_autofree double *a_hi = g_new (double, ne);
          JsonObject *o;
          int c_id;
          guint na = 0;

          if ((apache = load_apache (path, error)) == NULL ||
              (c_id = bb_los_table_require_column (table, "patientunitstayid", error)) < 0)
            return NULL;
          for (guint k = 0; k < ne; k++)
            {
              double *v = g_hash_table_lookup (apache, bb_los_table_get (table, idx[k], c_id));
              if (v == NULL)
                continue;
              a_actual[na] = actual[k];
              a_pred[na] = *v;
              a_med[na] = med[k];
              a_lo[na] = lo[k];
              a_hi[na] = hi[k];
              na++;
            }
          bb_los_metrics_compute (a_actual, a_pred, NULL, NULL, na, &m);
          o = bb_los_metrics_to_json (&m);
          json_object_set_string_member (o, "note", "APACHE IVa predictediculos where > 0; "
                                         "model_on_same_rows is this model on exactly these stays");
          bb_los_metrics_compute (a_actual, a_med, a_lo, a_hi, na, &m);
          json_object_set_object_member (o, "model_on_same_rows", bb_los_metrics_to_json (&m));
          json_object_set_object_member (baselines, "apache_iva", o);
        }
    }
  else if (base_rows != NULL)
    {
      /* The classic expected-LOS table: median stay by diagnosis and risk of
       * mortality over the training rows; a cell never seen in training falls
       * back to the diagnosis, then to the overall median. */
      g_autoptr(GHashTable) by_cell = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             (GDestroyNotify) cell_free);
      g_autoptr(GHashTable) by_dx = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) cell_free);
      int c_dx, c_risk;
      guint fallbacks = 0;
      JsonObject *o;

      if ((c_dx = bb_los_table_require_column (table, "CCSR.Diagnosis.Code", error)) < 0 ||
          (c_risk = bb_los_table_require_column (table, "deathrisk", error)) < 0)
        return NULL;
      for (guint i = 0; i < n; i++)
        if (base_rows[i])
          {
            const char *dx = bb_los_table_get (table, i, c_dx);
            g_autofree char *key = g_strconcat (dx, "\x1f", bb_los_table_get (table, i, c_risk), NULL);
            cell_add (by_cell, key, target[i]);
            cell_add (by_dx, dx, target[i]);
          }
      cells_finish (by_cell);
      cells_finish (by_dx);
      for (guint k = 0; k < ne; k++)
        {
          const char *dx = bb_los_table_get (table, idx[k], c_dx);
          g_autofree char *key = g_strconcat (dx, "\x1f", bb_los_table_get (table, idx[k], c_risk), NULL);
          Cell *c = g_hash_table_lookup (by_cell, key);
          if (c == NULL)
            {
              c = g_hash_table_lookup (by_dx, dx);
              fallbacks++;
            }
          b_med[k] = c ? c->q50 : t50;
          b_lo[k] = c ? c->q10 : t10;
          b_hi[k] = c ? c->q90 : t90;
        }
      bb_los_metrics_compute (actual, b_med, b_lo, b_hi, ne, &m);
      o = bb_los_metrics_to_json (&m);
      json_object_set_int_member (o, "cells", g_hash_table_size (by_cell));
      json_object_set_int_member (o, "rows_without_a_cell", fallbacks);
      json_object_set_object_member (baselines, "median_by_diagnosis_and_risk", o);
    }
  json_object_set_object_member (result, "baselines", g_steal_pointer (&baselines));
  return g_steal_pointer (&result);
}

/* The scale of row k: sigma[k], or the card's objective scale when sigma
 * is NULL. */
static inline double
scale_of (BbLosCard    *card,
          const double *sigma,
          guint         k)
{
  return sigma != NULL ? sigma[k] : bb_los_card_get_scale (card);
}

/* Coverage of the 80% interval on rows with margins mu and scales sigma
 * (NULL: the card's). */
static double
coverage_rows (BbLosCard    *card,
               const double *mu,
               const double *sigma,
               const double *actual,
               guint         n)
{
  guint covered = 0;

  for (guint k = 0; k < n; k++)
    covered += actual[k] >= bb_los_card_quantile (card, mu[k], scale_of (card, sigma, k), 0.1) &&
               actual[k] <= bb_los_card_quantile (card, mu[k], scale_of (card, sigma, k), 0.9);
  return n > 0 ? covered / (double) n : NAN;
}

/* Coverage of the 80% interval on rows with margins mu when every row's
 * scale is sigma; sets the card's objective scale to sigma. */
static double
coverage_at (BbLosCard    *card,
             double        sigma,
             const double *mu,
             const double *actual,
             guint         n)
{
  bb_los_card_set_objective (card, bb_los_card_get_distribution (card), sigma);
  return coverage_rows (card, mu, NULL, actual, n);
}

static void bounds_for (const Recipe *r, double stay, float *lower, float *upper);
static BbLosCard *new_card (const Recipe *r, BbLosKind kind, BbLosTable *table, const double *target,
                            const BbLosSplit *split, GError **error);

/* The rows of a cross-validation, encoded once per fold: x[k] is every row
 * encoded with the category order of the rows outside fold k only. Ordering
 * categories by the mean stay of rows that include the fold's own stays
 * would leak those stays into the codes (apacheadmissiondx has over 200
 * categories, many with a handful of stays), make the out-of-fold margins
 * look better than they are, and so calibrate the interval too narrow. */
typedef struct
{
  float *x[5];
} FoldRows;

static void
fold_rows_free (FoldRows *f)
{
  for (guint k = 0; k < 5; k++)
    g_free (f->x[k]);
  g_free (f);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoldRows, fold_rows_free)

/* row_of[j] is the table row of cross-validation row j; fold_of[j] its fold. */
static FoldRows *
fold_rows_new (const Recipe  *r,
               BbLosKind      kind,
               BbLosTable    *table,
               const double  *target,
               const guint   *row_of,
               const guint   *fold_of,
               guint          n,
               GError       **error)
{
  g_autoptr(FoldRows) folds = g_new0 (FoldRows, 1);
  guint n_table = bb_los_table_get_n_rows (table);

  for (guint k = 0; k < 5; k++)
    {
      g_autofree BbLosSplit *split = g_new (BbLosSplit, n_table);
      g_autoptr(BbLosCard) card = NULL;
      g_autofree float *rows = NULL;
      guint nf;

      for (guint i = 0; i < n_table; i++)
        split[i] = BB_LOS_SPLIT_TEST;
      for (guint j = 0; j < n; j++)
        if (fold_of[j] != k)
          split[row_of[j]] = BB_LOS_SPLIT_FIT;
      if ((card = new_card (r, kind, table, target, split, error)) == NULL ||
          (rows = bb_los_card_encode_table (card, table, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, error)) == NULL)
        return NULL;
      nf = bb_los_card_get_n_features (card);
      folds->x[k] = g_new (float, (gsize) MAX (n, 1) * nf);
      for (guint j = 0; j < n; j++)
        memcpy (folds->x[k] + (gsize) j * nf, rows + (gsize) row_of[j] * nf, nf * sizeof (float));
    }
  return g_steal_pointer (&folds);
}

/* Out-of-fold margins: each training row predicted by a model trained on
 * the other four folds. */
static gboolean
cross_validate (BbLosCard                *card,
                const FoldRows           *folds,
                const float              *lower,
                const float              *upper,
                const guint              *fold_of,
                guint                     n,
                guint                     nf,
                const BbLosTrainOptions  *opts,
                double                   *mu_out,
                GError                  **error)
{
  g_autofree float *xa = g_new (float, (gsize) n * nf), *xb = g_new (float, (gsize) n * nf);
  g_autofree float *la = g_new (float, n), *ua = g_new (float, n);
  g_autofree double *mb = g_new (double, n);
  g_autofree guint *ib = g_new (guint, n);
  BbLosTrainOptions o = *opts;

  o.progress = FALSE;
  /* Models that are only evaluated use one thread: on a few thousand rows a
   * second one barely helps, and on a busy machine OpenMP threads spinning
   * while they wait for each other made the many small fits several times
   * slower. Results are still fixed for a seed. */
  o.nthread = 1;
  for (guint k = 0; k < 5; k++)
    {
      g_autoptr(BbLosModel) m = NULL;
      const float *x = folds->x[k];
      guint na = 0, nb = 0;

      for (guint i = 0; i < n; i++)
        if (fold_of[i] == k)
          {
            memcpy (xb + (gsize) nb * nf, x + (gsize) i * nf, nf * sizeof (float));
            ib[nb++] = i;
          }
        else
          {
            memcpy (xa + (gsize) na * nf, x + (gsize) i * nf, nf * sizeof (float));
            la[na] = lower[i];
            ua[na++] = upper[i];
          }
      if (na == 0 || nb == 0)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                       "Too few training rows for 5-fold cross-validation");
          return FALSE;
        }
      if ((m = bb_los_model_train (card, xa, na, la, ua, &o, error)) == NULL ||
          !bb_los_model_predict_margins (m, xb, nb, mb, error))
        return FALSE;
      for (guint j = 0; j < nb; j++)
        mu_out[ib[j]] = mb[j];
    }
  return TRUE;
}

/* The smallest scale (to 1e-4) whose 80% intervals cover 80% of the stays,
 * by bisection: coverage only grows with the scale. */
static double
calibrate_scale (BbLosCard    *card,
                 const double *mu,
                 const double *actual,
                 guint         n)
{
  double lo = 0.01, hi = 5.0;

  for (guint it = 0; it < 40; it++)
    {
      double mid = (lo + hi) / 2;
      if (coverage_at (card, mid, mu, actual, n) >= 0.8)
        hi = mid;
      else
        lo = mid;
    }
  hi = ceil (hi * 1e4) / 1e4;
  bb_los_card_set_objective (card, bb_los_card_get_distribution (card), hi);
  return hi;
}

/* A scale group needs this many rows to calibrate its own 80% interval. */
#define MIN_SCALE_GROUP_ROWS 50

/* calibrate_scale() on the rows where in_group[k] == which only. */
static double
calibrate_group_scale (BbLosCard      *card,
                       const double   *mu,
                       const double   *actual,
                       const gboolean *in_group,
                       gboolean        which,
                       guint           n)
{
  g_autofree double *mu_g = g_new (double, MAX (n, 1));
  g_autofree double *y_g = g_new (double, MAX (n, 1));
  guint m = 0;

  for (guint k = 0; k < n; k++)
    if (!in_group[k] == !which)
      {
        mu_g[m] = mu[k];
        y_g[m++] = actual[k];
      }
  return calibrate_scale (card, mu_g, y_g, m);
}

/* The interval score of the 80% interval (Gneiting & Raftery 2007, with
 * alpha = 0.2) in ln(days), averaged over the rows: the interval's width
 * plus 2/alpha times how far a stay falls outside it. Lower is better; it
 * rewards narrow intervals and punishes misses by their size, so unlike
 * coverage alone it tells calibrated distributions apart. Uses the card's
 * distribution and each row's scale sigma[k] (NULL: the card's scale). */
static double
interval_score (BbLosCard    *card,
                const double *mu,
                const double *sigma,
                const double *actual,
                guint         n,
                double       *below_out,
                double       *above_out,
                double       *mae_out)
{
  double sum = 0, abs_err = 0;
  guint below = 0, above = 0;

  for (guint k = 0; k < n; k++)
    {
      double s = scale_of (card, sigma, k);
      double q10 = bb_los_card_quantile (card, mu[k], s, 0.1);
      double q90 = bb_los_card_quantile (card, mu[k], s, 0.9);
      double ly = log_stay (actual[k]), lo = log (q10), hi = log (q90);

      sum += (hi - lo) + (2 / 0.2) * (MAX (lo - ly, 0) + MAX (ly - hi, 0));
      below += actual[k] < q10;
      above += actual[k] > q90;
      abs_err += fabs (bb_los_card_quantile (card, mu[k], s, 0.5) - actual[k]);
    }
  *below_out = below / (double) n;
  *above_out = above / (double) n;
  *mae_out = abs_err / n;
  return sum / n;
}

/* The mean log-likelihood per stay of the card's distribution, with each
 * row's scale sigma[k] (NULL: the card's scale): ln density for an observed
 * stay, ln P(lower < T <= upper) for an interval-censored one. The log score
 * judges the whole distribution, which the forecast uses for remaining
 * stays far into the tails, not just the two quantiles of the interval. */
static double
mean_log_likelihood (BbLosCard    *card,
                     const double *mu,
                     const double *sigma,
                     const float  *lower,
                     const float  *upper,
                     guint         n)
{
  BbAftDistribution dist = bb_los_card_get_distribution (card);
  double sum = 0;

  for (guint k = 0; k < n; k++)
    {
      double s = scale_of (card, sigma, k);

      if (lower[k] == upper[k])
        sum += bb_aft_log_density (dist, mu[k], s, lower[k]);
      else
        sum += log (bb_aft_cdf (dist, mu[k], s, upper[k]) - bb_aft_cdf (dist, mu[k], s, lower[k]));
    }
  return sum / n;
}

/* The next-day discharge score of the card's distribution on stays it has
 * not seen: what the bed-release forecast is asked every midnight. A stay
 * of d days that starts at a uniform time of day is in the ward at the
 * midnights when it has stayed e = u, u + 1, ... (u the rest of its first
 * day, e < d), and leaves within the following 24 hours at the one where
 * e + 1 >= d. Each such midnight is a Bernoulli with the model's
 * P(T <= e + 1 | T > e); we average its log-likelihood over the midnights
 * (u on a grid of 4), so long stays count once per night in the ward, as
 * they do on a real ward and in `bedboard-los backtest`. *bias_out is the
 * mean of predicted minus actual discharges per patient-midnight. */
static double
midnight_log_likelihood (BbLosCard    *card,
                         const double *mu,
                         const double *actual,
                         guint         n,
                         double       *bias_out)
{
  static const double u_grid[] = { 0.125, 0.375, 0.625, 0.875 };
  BbAftDistribution dist = bb_los_card_get_distribution (card);
  double sigma = bb_los_card_get_scale (card), sum = 0, bias = 0;
  guint64 nights = 0;

  for (guint k = 0; k < n; k++)
    for (guint g = 0; g < G_N_ELEMENTS (u_grid); g++)
      for (double e = u_grid[g]; e < actual[k]; e += 1.0)
        {
          double p = bb_aft_remaining_cdf (dist, mu[k], sigma, e, 1.0);
          gboolean left = e + 1.0 >= actual[k];

          p = CLAMP (p, 1e-12, 1 - 1e-12);
          sum += left ? log (p) : log1p (-p);
          bias += p - left;
          nights++;
        }
  if (bias_out != NULL)
    *bias_out = nights > 0 ? bias / nights : NAN;
  return nights > 0 ? sum / nights : NAN;
}

/* Location calibration. At the scale that makes the 80% interval cover 80%
 * of unseen training stays, ward-los's misses were uneven (6% of stays
 * below the interval, 14% above) and its remaining-stay distribution too
 * light in the right tail: on the validation rows it forecast 0.043 more
 * next-day discharges per patient-night than happened, which on a 40-bed
 * ward is +1.5 discharges a day. One constant shift c of every margin (with
 * the scale recalibrated to 80% coverage for each c) moves the whole
 * distribution; the candidates are c = 0, 0.02, ..., 0.30, stopping after
 * the first whose bias is negative (a larger c only lowers it). The shift may
 * not make the rounded median's MAE on the validation rows worse than at
 * c = 0, and among those that do not, the one whose next-day discharges are
 * least biased wins. The criterion is the forecast's own question asked of
 * stays the trees have not seen (midnight_log_likelihood), and only
 * training rows are used. The likelihood is recorded too: it prefers no
 * shift and a wider scale (it grows up to about 1.5 times the calibrated
 * scale, whose intervals would cover 89%), but the card has one scale for
 * the interval and the forecast. */
#define LOCATION_STEP  0.02
#define LOCATION_STEPS 16

static double
calibrate_location (BbLosCard     *card,
                    const double  *mu,
                    const double  *actual,
                    guint          n,
                    double        *scale_out,
                    JsonArray    **table_out)
{
  g_autofree double *shifted = g_new (double, MAX (n, 1));
  g_autoptr(JsonArray) table = json_array_new ();
  double best_c = 0, best_scale = NAN, best_bias = INFINITY, mae0 = NAN;
  JsonObject *best_row = NULL;

  for (guint step = 0; step < LOCATION_STEPS; step++)
    {
      double c = step * LOCATION_STEP, scale, below, above, mae, bias, ll;
      JsonObject *row;

      for (guint k = 0; k < n; k++)
        shifted[k] = mu[k] + c;
      scale = calibrate_scale (card, shifted, actual, n);
      interval_score (card, shifted, NULL, actual, n, &below, &above, &mae);
      ll = midnight_log_likelihood (card, shifted, actual, n, &bias);
      if (step == 0)
        mae0 = mae;
      row = json_object_new ();
      json_object_set_double_member (row, "offset", round (c * 1e4) / 1e4);
      json_object_set_double_member (row, "scale", scale);
      set_rounded (row, "mae_days", mae);
      set_rounded (row, "below_p10", below);
      set_rounded (row, "above_p90", above);
      json_object_set_double_member (row, "next_day_bias", round (bias * 1e5) / 1e5);
      json_object_set_double_member (row, "next_day_log_likelihood", round (ll * 1e5) / 1e5);
      json_array_add_object_element (table, row);
      if (mae <= mae0 && isfinite (bias) && fabs (bias) < best_bias)
        {
          best_bias = fabs (bias);
          best_c = c;
          best_scale = scale;
          best_row = row;
        }
      if (bias < 0)
        break;
    }
  if (best_row == NULL)
    {
      /* no finite bias (no stays): keep the margins as they are */
      best_c = 0;
      best_scale = calibrate_scale (card, mu, actual, n);
    }
  for (guint k = 0; k < json_array_get_length (table); k++)
    {
      JsonObject *row = json_array_get_object_element (table, k);
      json_object_set_boolean_member (row, "chosen", row == best_row);
    }
  bb_los_card_set_objective (card, bb_los_card_get_distribution (card), best_scale);
  *scale_out = best_scale;
  if (table_out != NULL)
    *table_out = g_steal_pointer (&table);
  return best_c;
}

/* Reads a UBJSON integer length (any of its integer types, big-endian) at
 * data[*pos]; FALSE when it is not one. */
static gboolean
ubj_read_length (const guint8 *data,
                 gsize         len,
                 gsize        *pos,
                 gint64       *out)
{
  static const struct { char marker; guint size; } types[] = {
    { 'i', 1 }, { 'U', 1 }, { 'I', 2 }, { 'l', 4 }, { 'L', 8 },
  };

  if (*pos >= len)
    return FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    if (data[*pos] == (guint8) types[t].marker)
      {
        guint64 v = 0;

        if (*pos + 1 + types[t].size > len)
          return FALSE;
        for (guint b = 0; b < types[t].size; b++)
          v = (v << 8) | data[*pos + 1 + b];
        if (types[t].marker == 'i')
          *out = (gint8) v;
        else if (types[t].marker == 'I')
          *out = (gint16) v;
        else if (types[t].marker == 'l')
          *out = (gint32) v;
        else
          *out = (gint64) v;
        *pos += 1 + types[t].size;
        return TRUE;
      }
  return FALSE;
}

/* For survival:aft, XGBoost's base margin is ln(base_score), so the
 * booster's base_score (a string in learner_model_param of the UBJ model)
 * is multiplied by exp(offset). Checked by predicting check_rows before and
 * after, so a format XGBoost does not read this way is an error, not a
 * silent no-op. */
BbLosModel *
bb_los_recipe_shift_margins (BbLosModel   *model,
                             double        offset,
                             const float  *check_rows,
                             guint         n_check,
                             GError      **error)
{
  static const char key[] = "base_score";
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(BbLosModel) shifted = NULL;
  g_autofree double *before = NULL, *after = NULL;
  g_autofree char *old_text = NULL;
  char new_text[G_ASCII_DTOSTR_BUF_SIZE];
  const guint8 *data;
  gsize len, pos = 0, string_marker = 0, value_start = 0, value_end = 0;
  gint64 n = -1;
  guint found = 0;
  double base;

  if ((bytes = bb_los_model_get_booster_bytes (model, error)) == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  for (gsize i = 0; i + sizeof key - 1 < len; i++)
    if (memcmp (data + i, key, sizeof key - 1) == 0 && i + sizeof key - 1 < len &&
        data[i + sizeof key - 1] == 'S')
      {
        string_marker = i + sizeof key - 1;
        pos = string_marker + 1;
        if (!ubj_read_length (data, len, &pos, &n) || n <= 0 || n > 64 || pos + (gsize) n > len)
          break;
        value_start = pos;
        value_end = pos + n;
        found++;
      }
  if (found != 1)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_XGBOOST,
                   "Cannot shift the margins: the booster does not have exactly one base_score string");
      return NULL;
    }
  old_text = g_strndup ((const char *) data + value_start, value_end - value_start);
  base = g_ascii_strtod (old_text, NULL);
  if (!(base > 0) || !isfinite (base))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_XGBOOST,
                   "Cannot shift the margins: base_score \"%s\" is not a positive number", old_text);
      return NULL;
    }
  g_ascii_formatd (new_text, sizeof new_text, "%.9g", base * exp (offset));

  out = g_byte_array_sized_new (len + 16);
  {
    /* everything up to and with the string's 'S', then 'L' + 8-byte length + text */
    guint8 l[9] = { 'L' };
    guint64 nl = strlen (new_text);

    g_byte_array_append (out, data, string_marker + 1);
    for (guint b = 0; b < 8; b++)
      l[1 + b] = (nl >> (8 * (7 - b))) & 0xff;
    g_byte_array_append (out, l, sizeof l);
    g_byte_array_append (out, (const guint8 *) new_text, nl);
    g_byte_array_append (out, data + value_end, len - value_end);
  }
  {
    g_autoptr(GBytes) new_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
    if ((shifted = bb_los_model_new (bb_los_model_get_card (model), new_bytes, error)) == NULL)
      return NULL;
  }

  before = g_new (double, MAX (n_check, 1));
  after = g_new (double, MAX (n_check, 1));
  if (n_check > 0 &&
      (!bb_los_model_predict_margins (model, check_rows, n_check, before, error) ||
       !bb_los_model_predict_margins (shifted, check_rows, n_check, after, error)))
    return NULL;
  for (guint k = 0; k < n_check; k++)
    if (fabs (after[k] - before[k] - offset) > 1e-4)
      {
        g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_XGBOOST,
                     "Shifting the booster's base_score moved a margin by %g, not %g",
                     after[k] - before[k], offset);
        return NULL;
      }
  return g_steal_pointer (&shifted);
}

static const BbAftDistribution candidate_distributions[] = { BB_AFT_NORMAL, BB_AFT_LOGISTIC, BB_AFT_EXTREME };
/* One training scale: over 0.5, 1.0 and 1.5 the cross-validated interval
 * score of each distribution moved by under 0.02 (0.4%), against 0.07 to 0.24
 * between distributions, and every candidate costs a cross-validation inside
 * each fold of the nested cross-validation. */
static const double candidate_train_scales[] = { 1.0 };

/* Out-of-fold margins for the training rows and the calibrated interval
 * scale. With r->select_objective, every candidate distribution and training
 * scale is cross-validated and the one whose calibrated distribution gives
 * the out-of-fold stays the highest mean log-likelihood wins (the interval
 * score is recorded beside it); opts then says which, and
 * *table_out (if not NULL) lists every candidate. Otherwise opts is used as
 * it is. Either way the card's objective ends as the chosen distribution with
 * the calibrated scale, and only training rows are used. */
static gboolean
calibrate_by_cross_validation (const Recipe        *r,
                               BbLosCard           *card,
                               const FoldRows      *folds,
                               const float         *lower,
                               const float         *upper,
                               const guint         *fold_of,
                               const double        *actual,
                               guint                n,
                               guint                nf,
                               BbLosTrainOptions   *opts,
                               double              *mu_out,
                               double              *scale_out,
                               JsonArray          **table_out,
                               GError             **error)
{
  g_autofree double *mu = g_new (double, n);
  g_autofree double *sigma = g_new (double, n);
  g_autofree gboolean *in_group = g_new0 (gboolean, n);
  g_autoptr(JsonArray) table = json_array_new ();
  BbAftDistribution best_dist = opts->distribution;
  double best_train_scale = opts->train_scale, best_scale = NAN, best_group_scale = 0, best_ll = -INFINITY;
  guint n_dists = r->select_objective ? G_N_ELEMENTS (candidate_distributions) : 1;
  guint n_scales = r->select_objective ? G_N_ELEMENTS (candidate_train_scales) : 1;
  guint n_group = 0;
  int group_col = r->scale_group_feature != NULL ? bb_los_card_find_feature (card, r->scale_group_feature) : -1;
  JsonObject *best_row = NULL;

  /* the rows whose scale-group feature is missing (NaN in every fold's
   * encoding alike) */
  for (guint j = 0; group_col >= 0 && j < n; j++)
    n_group += in_group[j] = isnan (folds->x[0][(gsize) j * nf + group_col]);
  if (n_group < MIN_SCALE_GROUP_ROWS || n - n_group < MIN_SCALE_GROUP_ROWS)
    group_col = -1;

  for (guint d = 0; d < n_dists; d++)
    for (guint t = 0; t < n_scales; t++)
      for (guint grouped = 0; grouped <= (group_col >= 0); grouped++)
        {
          BbLosTrainOptions o = *opts;
          JsonObject *row;
          double scale, group_scale = 0, score, below, above, mae, ll;

          if (r->select_objective)
            {
              o.distribution = candidate_distributions[d];
              o.train_scale = candidate_train_scales[t];
            }
          if (!grouped)
            {
              if (!cross_validate (card, folds, lower, upper, fold_of, n, nf, &o, mu, error))
                return FALSE;
              scale = calibrate_scale (card, mu, actual, n);  /* and the card's scale */
            }
          else
            {
              /* the same out-of-fold margins, each group calibrated to 80% on its own */
              scale = calibrate_group_scale (card, mu, actual, in_group, FALSE, n);
              group_scale = calibrate_group_scale (card, mu, actual, in_group, TRUE, n);
              for (guint j = 0; j < n; j++)
                sigma[j] = in_group[j] ? group_scale : scale;
            }
          score = interval_score (card, mu, grouped ? sigma : NULL, actual, n, &below, &above, &mae);
          ll = mean_log_likelihood (card, mu, grouped ? sigma : NULL, lower, upper, n);
          row = json_object_new ();
          json_object_set_string_member (row, "distribution", bb_aft_distribution_to_string (o.distribution));
          json_object_set_double_member (row, "train_scale", o.train_scale);
          json_object_set_double_member (row, "scale", scale);
          if (grouped)
            {
              JsonObject *g = json_object_new ();
              json_object_set_string_member (g, "feature", r->scale_group_feature);
              json_object_set_double_member (g, "scale", group_scale);
              json_object_set_int_member (g, "rows", n_group);
              json_object_set_object_member (row, "scale_when_missing", g);
            }
          set_rounded (row, "log_likelihood", ll);
          set_rounded (row, "interval_score", score);
          set_rounded (row, "below_p10", below);
          set_rounded (row, "above_p90", above);
          set_rounded (row, "mae_days", mae);
          json_array_add_object_element (table, row);
          if (ll > best_ll)
            {
              best_ll = ll;
              best_dist = o.distribution;
              best_train_scale = o.train_scale;
              best_scale = scale;
              best_group_scale = group_scale;
              best_row = row;
              memcpy (mu_out, mu, sizeof (double) * n);
            }
        }
  if (best_row == NULL)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT,
                   "Cross-validation gave no finite log-likelihood for any distribution");
      return FALSE;
    }
  for (guint k = 0; k < json_array_get_length (table); k++)
    {
      JsonObject *row = json_array_get_object_element (table, k);
      json_object_set_boolean_member (row, "chosen", row == best_row);
    }
  opts->distribution = best_dist;
  opts->train_scale = best_train_scale;
  bb_los_card_set_objective (card, best_dist, best_scale);
  bb_los_card_set_missing_scale (card, best_group_scale > 0 ? r->scale_group_feature : NULL, best_group_scale);
  *scale_out = best_scale;
  if (table_out != NULL)
    *table_out = g_steal_pointer (&table);
  return TRUE;
}

/* Nested 5-fold cross-validation by the split key over every row of a small
 * data set: each fold is predicted by the whole recipe (category order,
 * inner cross-validation for the scale, training) run on the other four.
 * A single 20% test split of ~400 stays is noisy; this uses every stay once
 * as unseen data. */
static JsonObject *
outer_cross_validation (const Recipe             *r,
                        BbLosKind                 kind,
                        BbLosTable               *table,
                        const double             *target,
                        const BbLosTrainOptions  *opts,
                        GError                  **error)
{
  guint n = bb_los_table_get_n_rows (table);
  int key_col = r->key_column ? bb_los_table_find_column (table, r->key_column) : -1;
  g_autofree guint *bucket = g_new (guint, n);
  g_autofree double *med = g_new (double, n), *lo = g_new (double, n), *hi = g_new (double, n);
  g_autofree double *b_med = g_new (double, n), *b_lo = g_new (double, n), *b_hi = g_new (double, n);
  BbLosTrainOptions o = *opts;
  BbLosMetrics m;
  JsonObject *result, *baseline;

  o.progress = FALSE;
  /* Models that are only evaluated use one thread: on a few thousand rows a
   * second one barely helps, and on a busy machine OpenMP threads spinning
   * while they wait for each other made the many small fits several times
   * slower. Results are still fixed for a seed. */
  o.nthread = 1;
  for (guint i = 0; i < n; i++)
    bucket[i] = row_bucket (table, key_col, i);
  for (guint fold = 0; fold < 5; fold++)
    {
      g_autofree BbLosSplit *split = g_new (BbLosSplit, n);
      g_autoptr(BbLosCard) card = NULL;
      g_autoptr(BbLosModel) model = NULL;
      g_autofree float *rows = NULL;
      g_autofree float *xa = NULL, *xb = NULL, *la = NULL, *ua = NULL;
      g_autofree double *ya = NULL, *mu_a = NULL, *mu_b = NULL, *sigma_b = NULL, *sorted = NULL;
      g_autofree guint *inner = NULL, *ia = NULL, *ib = NULL;
      g_autoptr(FoldRows) folds = NULL;
      guint nf, na = 0, nb = 0;
      double t10, t50, t90;

      for (guint i = 0; i < n; i++)
        split[i] = bucket[i] % 5 == fold ? BB_LOS_SPLIT_TEST : BB_LOS_SPLIT_FIT;
      if ((card = new_card (r, kind, table, target, split, error)) == NULL ||
          (rows = bb_los_card_encode_table (card, table, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, error)) == NULL)
        return NULL;
      nf = bb_los_card_get_n_features (card);
      xa = g_new (float, (gsize) n * nf);
      xb = g_new (float, (gsize) n * nf);
      la = g_new (float, n);
      ua = g_new (float, n);
      ya = g_new (double, n);
      mu_a = g_new (double, n);
      mu_b = g_new (double, n);
      sigma_b = g_new (double, n);
      inner = g_new (guint, n);
      ia = g_new (guint, n);
      ib = g_new (guint, n);
      for (guint i = 0; i < n; i++)
        if (split[i] == BB_LOS_SPLIT_TEST)
          {
            memcpy (xb + (gsize) nb * nf, rows + (gsize) i * nf, nf * sizeof (float));
            ib[nb++] = i;
          }
        else
          {
            memcpy (xa + (gsize) na * nf, rows + (gsize) i * nf, nf * sizeof (float));
            bounds_for (r, target[i], &la[na], &ua[na]);
            inner[na] = (bucket[i] / 5) % 5;
            ia[na] = i;
            ya[na++] = target[i];
          }
      if ((folds = fold_rows_new (r, kind, table, target, ia, inner, na, error)) == NULL)
        return NULL;
      {
        BbLosTrainOptions chosen = o;
        double scale;

        if (!calibrate_by_cross_validation (r, card, folds, la, ua, inner, ya, na, nf, &chosen,
                                            mu_a, &scale, NULL, error) ||
            (model = bb_los_model_train (card, xa, na, la, ua, &chosen, error)) == NULL)
          return NULL;
        bb_los_card_set_objective (card, chosen.distribution, scale);
        if (!bb_los_model_predict (model, xb, nb, mu_b, sigma_b, error))
          return NULL;
      }
      sorted = g_memdup2 (ya, sizeof (double) * na);
      t50 = quantile_sorted (sorted, na, 0.5, TRUE);
      t10 = quantile_sorted (sorted, na, 0.1, FALSE);
      t90 = quantile_sorted (sorted, na, 0.9, FALSE);
      for (guint k = 0; k < nb; k++)
        {
          BbLosPrediction p;
          guint i = ib[k];
          bb_los_model_interval (model, mu_b[k], sigma_b[k], &p);
          med[i] = p.median_days;
          lo[i] = p.p10_days;
          hi[i] = p.p90_days;
          b_med[i] = t50;
          b_lo[i] = t10;
          b_hi[i] = t90;
        }
    }
  bb_los_metrics_compute (target, med, lo, hi, n, &m);
  result = bb_los_metrics_to_json (&m);
  json_object_set_string_member (result, "method",
                                 "nested 5-fold cross-validation over all rows, folds by the split key's "
                                 "hash mod 5; each fold predicted by the full recipe run on the other four");
  bb_los_metrics_compute (target, b_med, b_lo, b_hi, n, &m);
  baseline = bb_los_metrics_to_json (&m);
  json_object_set_object_member (result, "training_median", baseline);
  return result;
}

static void
bounds_for (const Recipe *r,
            double        stay,
            float        *lower,
            float        *upper)
{
  if (r->resolution_days > 0)
    {
      /* A stay recorded in whole days d was somewhere in [d - 1/2, d + 1/2). */
      *lower = MAX (stay - r->resolution_days / 2, r->resolution_days / 2);
      *upper = stay + r->resolution_days / 2;
    }
  else if (stay <= 0)
    {
      *lower = 0;
      *upper = 1.0 / 1440;   /* under a minute: left-censored */
    }
  else
    *lower = *upper = stay;
}

static JsonObject *
params_to_json (const Recipe            *r,
                const BbLosTrainOptions *opts)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "objective", "survival:aft");
  json_object_set_string_member (o, "aft_loss_distribution", bb_aft_distribution_to_string (opts->distribution));
  json_object_set_double_member (o, "aft_loss_distribution_scale", opts->train_scale);
  json_object_set_int_member (o, "num_boost_round", r->rounds);
  json_object_set_int_member (o, "seed", opts->seed);
  json_object_set_int_member (o, "nthread", 2);
  for (guint k = 0; r->params[k] != NULL; k += 2)
    json_object_set_string_member (o, r->params[k], r->params[k + 1]);
  return o;
}

BbLosModel *
bb_los_recipe_train (BbLosKind    kind,
                     BbLosTable  *table,
                     const char  *data_path,
                     const char  *apache_path,
                     guint        seed,
                     gboolean     progress,
                     GError     **error)
{
  const Recipe *r = &recipes[kind];
  guint n = bb_los_table_get_n_rows (table), nf;
  g_autofree double *target = NULL;
  g_autofree BbLosSplit *split = NULL;
  g_autoptr(BbLosCard) card = NULL;
  g_autofree float *rows = NULL;
  g_autofree float *x_fit = NULL, *x_train = NULL, *x_val = NULL;
  g_autofree float *lo_fit = NULL, *hi_fit = NULL, *lo_train = NULL, *hi_train = NULL;
  g_autofree double *y_val = NULL, *mu_val = NULL, *y_train = NULL;
  g_autofree gboolean *is_test = NULL, *is_train = NULL;
  g_autoptr(BbLosModel) probe = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(JsonObject) metrics = NULL;
  g_autoptr(JsonObject) training = json_object_new ();
  g_autoptr(JsonObject) split_obj = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree guint *fold_of = NULL, *row_of = NULL;
  g_autoptr(FoldRows) folds = NULL;
  g_autoptr(JsonArray) selection = NULL;
  g_autoptr(JsonArray) location = NULL;
  const char *calibration;
  guint n_fit = 0, n_val = 0, n_train = 0, n_test = 0, n_cal;
  double hi_s, offset = 0, group_scale = 0;
  int key_col = -1;
  BbLosTrainOptions opts = {
    .distribution = r->distribution,
    .train_scale = r->train_scale,
    .rounds = r->rounds,
    .seed = seed,
    .nthread = 2,
    .params = r->params,
    .progress = progress,
  };

  if ((target = bb_los_recipe_target (kind, table, error)) == NULL ||
      (split = bb_los_recipe_split (kind, table, error)) == NULL ||
      (card = new_card (r, kind, table, target, split, error)) == NULL ||
      (rows = bb_los_card_encode_table (card, table, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, error)) == NULL)
    return NULL;
  nf = bb_los_card_get_n_features (card);

  is_test = g_new (gboolean, n);
  is_train = g_new (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      is_test[i] = split[i] == BB_LOS_SPLIT_TEST;
      is_train[i] = !is_test[i];
      n_fit += split[i] == BB_LOS_SPLIT_FIT;
      n_val += split[i] == BB_LOS_SPLIT_VALIDATION;
    }
  n_train = n_fit + n_val;
  n_cal = n_val;
  n_test = n - n_train;
  if (n_fit == 0 || n_val == 0 || n_test == 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY,
                   "%s: %u rows are too few to split into fit (%u), validation (%u) and test (%u)",
                   bb_los_table_get_name (table), n, n_fit, n_val, n_test);
      return NULL;
    }

  x_fit = g_new (float, (gsize) n_fit * nf);
  x_train = g_new (float, (gsize) n_train * nf);
  x_val = g_new (float, (gsize) n_val * nf);
  lo_fit = g_new (float, n_fit);
  hi_fit = g_new (float, n_fit);
  lo_train = g_new (float, n_train);
  hi_train = g_new (float, n_train);
  y_train = g_new (double, n_train);
  fold_of = g_new (guint, n_train);
  row_of = g_new (guint, n_train);
  y_val = g_new (double, n_val);
  if (r->key_column != NULL)
    key_col = bb_los_table_find_column (table, r->key_column);
  mu_val = g_new (double, n_val);
  {
    guint f = 0, t = 0, v = 0;
    for (guint i = 0; i < n; i++)
      {
        const float *row = rows + (gsize) i * nf;
        if (split[i] == BB_LOS_SPLIT_TEST)
          continue;
        if (split[i] == BB_LOS_SPLIT_FIT)
          {
            memcpy (x_fit + (gsize) f * nf, row, nf * sizeof (float));
            bounds_for (r, target[i], &lo_fit[f], &hi_fit[f]);
            f++;
          }
        else
          {
            memcpy (x_val + (gsize) v * nf, row, nf * sizeof (float));
            y_val[v++] = target[i];
          }
        memcpy (x_train + (gsize) t * nf, row, nf * sizeof (float));
        bounds_for (r, target[i], &lo_train[t], &hi_train[t]);
        fold_of[t] = (row_bucket (table, key_col, i) - 20) % 5;
        row_of[t] = i;
        y_train[t++] = target[i];
      }
  }

  if (progress)
    g_printerr ("%s: %u rows: %u fit, %u validation, %u held out for test\n",
                r->model_name, n, n_fit, n_val, n_test);

  /* 1. Out-of-sample margins for the training rows pick the interval scale
   *    so that 80% intervals cover 80% of stays the trees have not seen. A
   *    large data set uses one probe model trained on the fit rows and
   *    predicts the validation rows; a small one (eICU) would be too noisy
   *    that way, so it uses 5-fold cross-validation over all training rows. */
  if (n_train < 20000)
    {
      g_free (y_val);
      g_free (mu_val);
      y_val = g_memdup2 (y_train, sizeof (double) * n_train);
      mu_val = g_new (double, n_train);
      n_cal = n_train;
      if (progress)
        g_printerr (r->select_objective
                      ? "%s: 5-fold cross-validation to choose the distribution and calibrate the interval\n"
                      : "%s: 5-fold cross-validation to calibrate the interval\n", r->model_name);
      if ((folds = fold_rows_new (r, kind, table, target, row_of, fold_of, n_train, error)) == NULL ||
          !calibrate_by_cross_validation (r, card, folds, lo_train, hi_train, fold_of, y_train,
                                          n_train, nf, &opts, mu_val, &hi_s,
                                          r->select_objective ? &selection : NULL, error))
        return NULL;
      calibration = "5-fold cross-validation over the training rows";
    }
  else
    {
      if (progress)
        g_printerr ("%s: training on the fit rows to calibrate the interval\n", r->model_name);
      if ((probe = bb_los_model_train (card, x_fit, n_fit, lo_fit, hi_fit, &opts, error)) == NULL ||
          !bb_los_model_predict_margins (probe, x_val, n_val, mu_val, error))
        return NULL;
      calibration = "a model trained on the fit rows, predicting the validation rows";
      hi_s = calibrate_scale (card, mu_val, y_val, n_cal);
    }
  if (r->calibrate_location)
    {
      g_autoptr(GTimer) location_timer = g_timer_new ();

      if (progress)
        g_printerr ("%s: choosing the margin offset by next-day discharges of out-of-sample training stays\n",
                    r->model_name);
      offset = calibrate_location (card, mu_val, y_val, n_cal, &hi_s, &location);
      for (guint k = 0; k < n_cal; k++)
        mu_val[k] += offset;
      if (progress)
        g_printerr ("%s: margin offset %+.2f (%.1f s)\n", r->model_name, offset,
                    g_timer_elapsed (location_timer, NULL));
    }
  if (progress)
    {
      const float *x_cal = n_cal == n_train ? x_train : x_val;
      g_autofree double *sigma_cal = g_new (double, n_cal);
      const char *group = bb_los_card_get_missing_scale (card, &group_scale);

      for (guint k = 0; k < n_cal; k++)
        sigma_cal[k] = bb_los_card_row_scale (card, x_cal + (gsize) k * nf);
      if (group != NULL)
        g_printerr ("%s: interval scale %.4f (%.4f where %s is missing) covers %.1f%% of out-of-sample "
                    "training stays (%s)\n", r->model_name, hi_s, group_scale, group,
                    100 * coverage_rows (card, mu_val, sigma_cal, y_val, n_cal), calibration);
      else
        g_printerr ("%s: interval scale %.4f covers %.1f%% of out-of-sample training stays (%s)\n",
                    r->model_name, hi_s, 100 * coverage_rows (card, mu_val, sigma_cal, y_val, n_cal),
                    calibration);
    }

  /* 2. The shipped model: fit + validation rows, same parameters. */
  if (progress)
    g_printerr ("%s: training on all %u training rows\n", r->model_name, n_train);
  if ((model = bb_los_model_train (card, x_train, n_train, lo_train, hi_train, &opts, error)) == NULL)
    return NULL;
  if (offset != 0)
    {
      BbLosModel *shifted = bb_los_recipe_shift_margins (model, offset, x_train, MIN (n_train, 1000), error);

      if (shifted == NULL)
        return NULL;
      g_object_unref (model);
      model = shifted;
    }
  bb_los_card_set_objective (card, opts.distribution, hi_s);
  bb_los_card_set_created_at (card, created);

  json_object_set_string_member (training, "kind", bb_los_kind_to_string (kind));
  json_object_set_string_member (training, "data", r->data);
  if (data_path != NULL)
    {
      g_autofree char *base = g_path_get_basename (data_path);
      json_object_set_string_member (training, "file", base);
    }
  json_object_set_string_member (training, "licence", r->licence);
  json_object_set_string_member (training, "attribution", r->attribution);
  json_object_set_int_member (training, "rows", n_train);
  json_object_set_int_member (training, "seed", seed);
  json_object_set_object_member (training, "params", params_to_json (r, &opts));
  {
    g_autofree char *text = g_strdup_printf ("trees trained with aft_loss_distribution_scale %g; the "
                                             "objective's scale is then the smallest that makes the 80%% "
                                             "interval cover 80%% of out-of-sample training stays, "
                                             "predicted by %s%s%s", opts.train_scale, calibration,
                                             folds != NULL ? " (each fold's categories ordered by the "
                                                             "other folds' stays only)" : "",
                                             location != NULL ? ", after the margin offset of "
                                                                "location_calibration" : "");

    if (bb_los_card_get_missing_scale (card, NULL) != NULL)
      {
        g_autofree char *more = g_strdup_printf ("%s; objective.scale_when_missing is calibrated the same "
                                                 "way on the rows whose %s is missing, and the objective's "
                                                 "scale on the others (see objective_selection)", text,
                                                 bb_los_card_get_missing_scale (card, NULL));
        g_free (text);
        text = g_steal_pointer (&more);
      }
    json_object_set_string_member (training, "interval_calibration", text);
  }
  if (selection != NULL)
    {
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "method",
                                     "every candidate distribution and training scale is cross-validated "
                                     "(5 folds by the split key over the training rows only) and its scale "
                                     "calibrated to 80% coverage; the one whose calibrated distribution gives "
                                     "the out-of-fold stays the highest mean log-likelihood (ln density per "
                                     "day) is chosen. With scale_when_missing, the same out-of-fold margins "
                                     "calibrate two scales: one for the rows whose feature is missing (at least "
                                     "50 of them) and one for the others, each to 80% coverage of its own rows. "
                                     "interval_score (lower is better) is the 80% interval's "
                                     "mean width plus 10 x its misses in ln(days), alpha 0.2. The test rows "
                                     "play no part");
      json_object_set_array_member (o, "candidates", g_steal_pointer (&selection));
      json_object_set_object_member (training, "objective_selection", o);
    }
  if (location != NULL)
    {
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "method",
                                     "every margin is shifted by offset (the booster's base_score is "
                                     "multiplied by exp(offset)). Candidates 0 to 0.30 in steps of 0.02 "
                                     "(stopping after the first with a negative bias) on the out-of-sample margins of "
                                     "training rows, each with the "
                                     "scale recalibrated to 80% coverage; among those whose rounded median "
                                     "has no larger MAE than with no shift, the one whose expected next-day "
                                     "discharges per patient-night (a stay of d days is in the ward at "
                                     "elapsed times u, u + 1, ... below d, u on a grid of 4 in (0, 1)) are "
                                     "least biased. next_day_log_likelihood is the mean Bernoulli "
                                     "log-likelihood of those nights. The test rows play no part");
      json_object_set_double_member (o, "offset", round (offset * 1e4) / 1e4);
      json_object_set_array_member (o, "candidates", g_steal_pointer (&location));
      json_object_set_object_member (training, "location_calibration", o);
    }
  bb_los_card_set_section (card, "training", training);

  json_object_set_string_member (split_obj, "method",
                                 r->key_column != NULL
                                   ? "FNV-1a hash of \"bedboard-split:\" + uniquepid mod 100: "
                                     "< 20 test, 20-35 validation, else fit (a patient's stays stay together)"
                                   : "FNV-1a hash of \"bedboard-split:\" + 0-based row number mod 100: "
                                     "< 20 test, 20-35 validation, else fit");
  json_object_set_int_member (split_obj, "train_rows", n_train);
  json_object_set_int_member (split_obj, "fit_rows", n_fit);
  json_object_set_int_member (split_obj, "validation_rows", n_val);
  json_object_set_int_member (split_obj, "test_rows", n_test);
  bb_los_card_set_section (card, "split", split_obj);

  bb_los_card_compute_statistics (card, x_train, n_train, y_train);

  if (progress)
    g_printerr ("%s: evaluating on the %u held-out rows\n", r->model_name, n_test);
  if ((metrics = bb_los_recipe_evaluate (model, kind, table, is_test, is_train,
                                         data_path, apache_path, error)) == NULL)
    return NULL;
  if (n < 20000)
    {
      JsonObject *cv;
      if (progress)
        g_printerr ("%s: nested 5-fold cross-validation over all rows\n", r->model_name);
      if ((cv = outer_cross_validation (r, kind, table, target, &opts, error)) == NULL)
        return NULL;
      json_object_set_object_member (metrics, "cross_validation", cv);
    }
  bb_los_card_set_section (card, "metrics", metrics);
  return g_steal_pointer (&model);
}
