/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-demo-patients.c: fills a pool of demo stays for one LOS model.
 *
 * Real data is only read here, at run time, from ../shared/data; nothing of
 * it is stored in the project. The synthetic path samples each feature on
 * its own from the card's marginal statistics (frequencies, quantiles) and
 * the stay from the card's target quantiles, so it reproduces the marginals
 * but not the correlations between features and stay. */
#define G_LOG_DOMAIN "bb-demo"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bb-demo-patients.h"

#define POOL_SIZE        4000
#define LINE_MAX_BYTES   8192

typedef struct
{
  JsonObject *features;
  double      los_days;
} Stay;

struct _BbDemoPatients
{
  char                 *model;
  BbDemoPatientsOrigin  origin;
  char                 *description;
  GArray               *stays;          /* Stay */
  GStrv                 feature_names;
  GHashTable           *numeric;        /* feature name -> itself, for numeric features */
  double                mean_los;
};

/* Known at admission in each data set, used when no card says otherwise. */
static const char * const eicu_default_features[] = {
  "age", "gender", "ethnicity", "apacheadmissiondx", "admissionheight", "admissionweight",
  "hospitaladmitsource", "unittype", "unitadmitsource", "unitadmittime24", "unitvisitnumber",
  "unitstaytype", NULL
};
static const char * const eicu_default_numeric[] = {
  "admissionheight", "admissionweight", "unitvisitnumber", NULL
};
static const char * const sparcs_default_features[] = {
  "age", "Gender", "Emergency.Department.Indicator", "CCSR.Diagnosis.Code", "deathrisk",
  "Hospital.Service.Area", "Hospital.County", "Type.of.Admission", NULL
};

static void
stay_clear (gpointer data)
{
  Stay *s = data;

  g_clear_pointer (&s->features, json_object_unref);
}

void
bb_demo_patients_free (BbDemoPatients *self)
{
  if (self == NULL)
    return;

  g_free (self->model);
  g_free (self->description);
  g_clear_pointer (&self->stays, g_array_unref);
  g_strfreev (self->feature_names);
  g_clear_pointer (&self->numeric, g_hash_table_unref);
  g_free (self);
}

/* ---- CSV ---- */

/* Splits one CSV record (RFC 4180 quoting, no embedded newlines). */
static GPtrArray *
csv_split (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  const char *p = line;

  for (; *p != '\0' && *p != '\n' && !(*p == '\r' && p[1] == '\n') && !(*p == '\r' && p[1] == '\0'); p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
          field = g_string_new (NULL);
        }
      else
        g_string_append_c (field, *p);
    }

  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return fields;
}

static int
column_index (GPtrArray  *header,
              const char *name)
{
  for (guint i = 0; i < header->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (header, i), name))
        return (int) i;
    }

  return -1;
}

static gboolean
parse_number (const char *s,
              double     *out)
{
  char *end = NULL;
  double v;

  if (s == NULL || *s == '\0')
    return FALSE;

  v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (v))
    return FALSE;

  *out = v;
  return TRUE;
}

/* Whole numbers go out as JSON integers ("age": 59, not 59.0). */
static void
set_number (JsonObject *obj,
            const char *name,
            double      v)
{
  if (v == floor (v) && fabs (v) < 1e15)
    json_object_set_int_member (obj, name, (gint64) v);
  else
    json_object_set_double_member (obj, name, v);
}

/* One row's features: numbers for numeric features that read as numbers,
 * the text otherwise (the model's encoder reads "> 89" and "13:14:00");
 * empty cells are missing. */
static JsonObject *
row_features (BbDemoPatients *self,
              GPtrArray      *row,
              const int      *columns)
{
  JsonObject *obj = json_object_new ();

  for (guint i = 0; self->feature_names[i] != NULL; i++)
    {
      const char *name = self->feature_names[i];
      const char *cell;
      double v;

      if (columns[i] < 0 || (guint) columns[i] >= row->len)
        continue;
      cell = g_ptr_array_index (row, columns[i]);
      if (cell[0] == '\0')
        continue;

      if (g_hash_table_contains (self->numeric, name) && parse_number (cell, &v))
        set_number (obj, name, v);
      else
        json_object_set_string_member (obj, name, cell);
    }

  return obj;
}

static void
add_stay (BbDemoPatients *self,
          JsonObject     *features,
          double          los_days)
{
  Stay s = { features, los_days };

  g_array_append_val (self->stays, s);
}

static gboolean
load_eicu (BbDemoPatients  *self,
           const char      *path,
           GError         **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) header = NULL;
  g_autofree int *columns = NULL;
  int los_col;
  guint n_features = g_strv_length (self->feature_names);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: empty", path);
      return FALSE;
    }

  header = csv_split (lines[0]);
  los_col = column_index (header, "unitdischargeoffset");
  if (los_col < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no unitdischargeoffset column", path);
      return FALSE;
    }

  columns = g_new (int, n_features + 1);
  for (guint i = 0; i < n_features; i++)
    columns[i] = column_index (header, self->feature_names[i]);

  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_autoptr(GPtrArray) row = NULL;
      double offset;

      if (lines[l][0] == '\0' || lines[l][0] == '\r')
        continue;
      row = csv_split (lines[l]);
      if ((guint) los_col >= row->len || !parse_number (g_ptr_array_index (row, los_col), &offset) || offset <= 0)
        continue;

      /* ICU (unit) length of stay in days. */
      add_stay (self, row_features (self, row, columns), offset / 1440.0);
    }

  self->description = g_strdup_printf ("eICU patient.csv, %u stays", self->stays->len);
  return TRUE;
}

static gboolean
load_sparcs (BbDemoPatients  *self,
             const char      *path,
             GRand           *rand,
             GError         **error)
{
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) reservoir = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *columns = NULL;
  g_autofree char *buf = g_malloc (LINE_MAX_BYTES);
  guint n_features = g_strv_length (self->feature_names);
  guint64 seen = 0;
  int los_col;
  gzFile gz;

  gz = gzopen (path, "rb");
  if (gz == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot open", path);
      return FALSE;
    }
  gzbuffer (gz, 256 * 1024);

  if (gzgets (gz, buf, LINE_MAX_BYTES) == NULL)
    {
      gzclose (gz);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: empty", path);
      return FALSE;
    }
  header = csv_split (buf);
  los_col = column_index (header, "los");
  if (los_col < 0)
    {
      gzclose (gz);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no los column", path);
      return FALSE;
    }

  /* Reservoir sampling: a uniform sample of the file in one pass, parsing
   * only the lines kept. */
  while (gzgets (gz, buf, LINE_MAX_BYTES) != NULL)
    {
      if (buf[0] == '\n' || buf[0] == '\0')
        continue;
      seen++;
      if (reservoir->len < POOL_SIZE)
        g_ptr_array_add (reservoir, g_strdup (buf));
      else
        {
          guint64 j = (guint64) (g_rand_double (rand) * (double) seen);

          if (j < POOL_SIZE)
            {
              g_free (g_ptr_array_index (reservoir, j));
              g_ptr_array_index (reservoir, j) = g_strdup (buf);
            }
        }
    }

  {
    int zerr = Z_OK;
    const char *msg = gzerror (gz, &zerr);

    if (zerr != Z_OK && zerr != Z_STREAM_END)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, msg);
        gzclose (gz);
        return FALSE;
      }
  }
  gzclose (gz);

  columns = g_new (int, n_features + 1);
  for (guint i = 0; i < n_features; i++)
    columns[i] = column_index (header, self->feature_names[i]);

  for (guint l = 0; l < reservoir->len; l++)
    {
      g_autoptr(GPtrArray) row = csv_split (g_ptr_array_index (reservoir, l));
      double los;

      if ((guint) los_col >= row->len || !parse_number (g_ptr_array_index (row, los_col), &los) || los < 0)
        continue;

      /* SPARCS counts whole days; people leave at any hour of the last one. */
      los = MAX (0.25, los + g_rand_double_range (rand, -0.45, 0.45));
      add_stay (self, row_features (self, row, columns), los);
    }

  self->description = g_strdup_printf ("SPARCS discharges.csv.gz, %u of %" G_GUINT64_FORMAT " stays",
                                       self->stays->len, seen);
  return TRUE;
}

/* ---- the model card ---- */

/* Reads the card's feature names and which are numeric. Returns the card's
 * root object (new ref) or NULL when there is no card. */
static JsonObject *
load_card (BbDemoPatients  *self,
           const char      *models_dir,
           gboolean        *failed,
           GError         **error)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  JsonNode *root;
  JsonObject *card;
  JsonArray *features;

  *failed = FALSE;
  if (models_dir == NULL)
    return NULL;

  path = g_strdup_printf ("%s/%s.card.json", models_dir, self->model);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, "%s: ", path);
      *failed = TRUE;
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member ((card = json_node_get_object (root)), "features") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (card, "features")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no features list", path);
      *failed = TRUE;
      return NULL;
    }

  features = json_object_get_array_member (card, "features");
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonNode *fnode = json_array_get_element (features, i);
      JsonObject *f;
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (fnode))
        continue;
      f = json_node_get_object (fnode);
      name = json_object_get_string_member_with_default (f, "name", NULL);
      if (name == NULL)
        continue;
      g_strv_builder_add (names, name);
      if (g_strcmp0 (json_object_get_string_member_with_default (f, "type", ""), "numeric") == 0)
        g_hash_table_add (self->numeric, g_strdup (name));
    }

  g_strfreev (self->feature_names);
  self->feature_names = g_strv_builder_end (names);
  return json_object_ref (card);
}

/* The inverse of the piecewise-linear CDF through [[p, value], ...]. */
static gboolean
quantile_sample (JsonArray *quantiles,
                 double     u,
                 double    *out)
{
  double prev_p = 0, prev_v = 0;
  guint n = json_array_get_length (quantiles);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *pair_node = json_array_get_element (quantiles, i);
      JsonArray *pair;
      double p, v;

      if (!JSON_NODE_HOLDS_ARRAY (pair_node) ||
          json_array_get_length ((pair = json_node_get_array (pair_node))) != 2)
        return FALSE;
      p = json_array_get_double_element (pair, 0);
      v = json_array_get_double_element (pair, 1);

      if (i == 0 && u <= p)
        {
          *out = v;
          return TRUE;
        }
      if (i > 0 && u <= p)
        {
          *out = p > prev_p ? prev_v + (v - prev_v) * (u - prev_p) / (p - prev_p) : v;
          return TRUE;
        }
      prev_p = p;
      prev_v = v;
    }

  if (n == 0)
    return FALSE;

  *out = prev_v;
  return TRUE;
}

static gboolean
quantiles_are_integers (JsonArray *quantiles)
{
  for (guint i = 0; i < json_array_get_length (quantiles); i++)
    {
      JsonArray *pair = json_array_get_array_element (quantiles, i);
      double v;

      if (pair == NULL || json_array_get_length (pair) != 2)
        return FALSE;
      v = json_array_get_double_element (pair, 1);
      if (v != floor (v))
        return FALSE;
    }

  return TRUE;
}

static gboolean
frequency_sample (JsonObject  *frequencies,
                  double       u,
                  const char **out)
{
  g_autoptr(GList) members = json_object_get_members (frequencies);
  double total = 0, acc = 0;

  for (GList *l = members; l != NULL; l = l->next)
    total += MAX (0.0, json_object_get_double_member (frequencies, l->data));
  if (total <= 0)
    return FALSE;

  for (GList *l = members; l != NULL; l = l->next)
    {
      acc += MAX (0.0, json_object_get_double_member (frequencies, l->data)) / total;
      if (u <= acc || l->next == NULL)
        {
          *out = l->data;
          return TRUE;
        }
    }

  return FALSE;
}

static JsonObject *
get_object (JsonObject *obj,
            const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *obj,
           const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
load_from_card (BbDemoPatients *self,
                JsonObject     *card,
                GRand          *rand)
{
  JsonObject *stats = get_object (card, "statistics");
  JsonObject *fstats = get_object (stats, "features");
  JsonArray *target = get_array (get_object (stats, "target"), "quantiles");

  gboolean whole_days;

  if (target == NULL || json_array_get_length (target) == 0)
    return FALSE;
  whole_days = quantiles_are_integers (target);

  for (guint k = 0; k < POOL_SIZE; k++)
    {
      JsonObject *features = json_object_new ();
      double los = 0;

      for (guint i = 0; self->feature_names[i] != NULL; i++)
        {
          const char *name = self->feature_names[i];
          JsonObject *fs = get_object (fstats, name);
          JsonArray *q;
          JsonObject *freq;

          if (fs == NULL)
            continue;
          if (g_rand_double (rand) < json_object_get_double_member_with_default (fs, "missing", 0))
            continue;

          if ((q = get_array (fs, "quantiles")) != NULL)
            {
              double v;

              if (quantile_sample (q, g_rand_double (rand), &v))
                {
                  if (quantiles_are_integers (q))
                    v = round (v);
                  else
                    v = round (v * 10) / 10;
                  set_number (features, name, v);
                }
            }
          else if ((freq = get_object (fs, "frequencies")) != NULL)
            {
              const char *value;

              if (frequency_sample (freq, g_rand_double (rand), &value))
                json_object_set_string_member (features, name, value);
            }
        }

      quantile_sample (target, g_rand_double (rand), &los);
      /* A target counted in whole days (SPARCS): people leave at any hour. */
      if (whole_days)
        los += g_rand_double_range (rand, -0.45, 0.45);
      add_stay (self, features, MAX (whole_days ? 0.25 : 0.05, los));
    }

  self->description = g_strdup_printf ("synthetic, from the statistics of %s.card.json", self->model);
  return TRUE;
}

static void
load_fallback (BbDemoPatients *self,
               GRand          *rand)
{
  /* Typical medians: about two days in intensive care, four on a ward. */
  double median = g_str_equal (self->model, "icu-los") ? 2.0 : 4.0;

  for (guint k = 0; k < POOL_SIZE; k++)
    {
      /* Box-Muller for a normal on ln(LOS). */
      double u1 = MAX (g_rand_double (rand), 1e-12);
      double u2 = g_rand_double (rand);
      double z = sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);

      add_stay (self, json_object_new (), CLAMP (median * exp (0.8 * z), 0.1, 60));
    }

  self->description = g_strdup ("synthetic log-normal stays (no model card or data found)");
}

BbDemoPatients *
bb_demo_patients_load (const char  *model,
                       const char  *models_dir,
                       const char  *shared_data_dir,
                       GRand       *rand,
                       GError     **error)
{
  g_autoptr(BbDemoPatients) self = g_new0 (BbDemoPatients, 1);
  g_autoptr(JsonObject) card = NULL;
  g_autofree char *data_path = NULL;
  gboolean is_icu, failed;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (rand != NULL, NULL);

  is_icu = g_str_equal (model, "icu-los");
  self->model = g_strdup (model);
  self->stays = g_array_new (FALSE, FALSE, sizeof (Stay));
  g_array_set_clear_func (self->stays, stay_clear);
  self->numeric = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->feature_names = g_strdupv ((char **) (is_icu ? eicu_default_features : sparcs_default_features));
  if (is_icu)
    for (guint i = 0; eicu_default_numeric[i] != NULL; i++)
      g_hash_table_add (self->numeric, g_strdup (eicu_default_numeric[i]));
  g_hash_table_add (self->numeric, g_strdup ("age"));

  card = load_card (self, models_dir, &failed, error);
  if (failed)
    return NULL;
  /* Without a card, "age" is numeric only in eICU (SPARCS has age groups). */
  if (card == NULL && !is_icu)
    g_hash_table_remove (self->numeric, "age");

  if (shared_data_dir != NULL)
    data_path = is_icu
      ? g_build_filename (shared_data_dir, "eicu-demo", "patient.csv", NULL)
      : g_build_filename (shared_data_dir, "sparcs2020-elective", "discharges.csv.gz", NULL);

  if (data_path != NULL && g_file_test (data_path, G_FILE_TEST_IS_REGULAR))
    {
      gboolean ok = is_icu ? load_eicu (self, data_path, error) : load_sparcs (self, data_path, rand, error);

      if (!ok)
        return NULL;
      self->origin = BB_DEMO_PATIENTS_REAL;
    }

  if (self->stays->len == 0 && card != NULL)
    {
      g_array_set_size (self->stays, 0);
      g_clear_pointer (&self->description, g_free);
      if (load_from_card (self, card, rand))
        self->origin = BB_DEMO_PATIENTS_CARD;
    }

  if (self->stays->len == 0)
    {
      g_clear_pointer (&self->description, g_free);
      load_fallback (self, rand);
      self->origin = BB_DEMO_PATIENTS_FALLBACK;
    }

  self->mean_los = 0;
  for (guint i = 0; i < self->stays->len; i++)
    self->mean_los += g_array_index (self->stays, Stay, i).los_days;
  self->mean_los /= self->stays->len;

  return g_steal_pointer (&self);
}

BbDemoPatientsOrigin
bb_demo_patients_origin (BbDemoPatients *self)
{
  return self->origin;
}

const char *
bb_demo_patients_describe (BbDemoPatients *self)
{
  return self->description;
}

guint
bb_demo_patients_size (BbDemoPatients *self)
{
  return self->stays->len;
}

double
bb_demo_patients_mean_los (BbDemoPatients *self)
{
  return self->mean_los;
}

const char * const *
bb_demo_patients_feature_names (BbDemoPatients *self)
{
  return (const char * const *) self->feature_names;
}

void
bb_demo_patients_sample (BbDemoPatients  *self,
                         GRand           *rand,
                         JsonObject     **out_features,
                         double          *out_los_days)
{
  const Stay *s;

  g_return_if_fail (self->stays->len > 0);

  s = &g_array_index (self->stays, Stay, g_rand_int_range (rand, 0, (gint32) self->stays->len));
  if (out_features)
    *out_features = json_object_ref (s->features);
  if (out_los_days)
    *out_los_days = s->los_days;
}
