/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-card.c: parsing, validating and writing model cards, and the one
 * feature encoder every part of Bedboard uses. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include "bb-los-card.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb-model-error.h"

struct _BbLosCard
{
  GObject            parent_instance;

  char              *name;
  char              *version;
  char              *created_at;
  char              *booster;
  char              *target_name;
  char              *target_definition;
  double             resolution_days;
  BbAftDistribution  distribution;
  double             scale;
  char              *missing_scale_feature; /* NULL: one scale for every row */
  int                missing_scale_col;     /* its index in features */
  double             missing_scale;         /* rows where that feature is missing */
  GPtrArray         *features;   /* BbLosFeature* */
  GHashTable        *feature_index; /* name -> index + 1 */
  GHashTable        *sections;   /* name -> JsonObject* */
};

G_DEFINE_FINAL_TYPE (BbLosCard, bb_los_card, G_TYPE_OBJECT)

static const char * const section_names[] = { "training", "split", "metrics", "statistics", NULL };

static void
bb_los_feature_free (BbLosFeature *feature)
{
  g_free (feature->name);
  g_free (feature->unit);
  g_free (feature->encoding);
  g_strfreev (feature->values);
  g_clear_pointer (&feature->codes, g_hash_table_unref);
  g_free (feature);
}

static gboolean
is_missing_token (const char *s)
{
  return s == NULL || *s == '\0' || strcmp (s, "NA") == 0;
}

const char *
bb_los_transform_to_string (BbLosTransform transform)
{
  switch (transform)
    {
    case BB_LOS_TRANSFORM_AGE_90_PLUS: return "age-90-plus";
    case BB_LOS_TRANSFORM_TIME_OF_DAY: return "time-of-day";
    case BB_LOS_TRANSFORM_NONE:
    default: return "none";
    }
}

static gboolean
transform_from_string (const char     *s,
                       BbLosTransform *out)
{
  if (s == NULL || strcmp (s, "none") == 0)
    *out = BB_LOS_TRANSFORM_NONE;
  else if (strcmp (s, "age-90-plus") == 0)
    *out = BB_LOS_TRANSFORM_AGE_90_PLUS;
  else if (strcmp (s, "time-of-day") == 0)
    *out = BB_LOS_TRANSFORM_TIME_OF_DAY;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_plain_number (const char *s,
                    double     *out)
{
  char *end = NULL;
  double v;

  while (g_ascii_isspace (*s))
    s++;
  errno = 0;
  v = g_ascii_strtod (s, &end);
  if (end == s)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || errno == ERANGE || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_numeric (BbLosTransform  transform,
               const char     *s,
               double         *out)
{
  switch (transform)
    {
    case BB_LOS_TRANSFORM_AGE_90_PLUS:
      {
        const char *p = s;
        while (g_ascii_isspace (*p))
          p++;
        if (*p == '>')
          {
            double v;
            if (!parse_plain_number (p + 1, &v))
              return FALSE;
            *out = v + 1;   /* "> 89" = 90 and over */
            return TRUE;
          }
        return parse_plain_number (s, out);
      }
    case BB_LOS_TRANSFORM_TIME_OF_DAY:
      {
        unsigned h = 0, m = 0, sec = 0;
        int consumed = 0;
        if (strchr (s, ':') == NULL)
          {
            double v;
            if (!parse_plain_number (s, &v) || v < 0 || v >= 24)
              return FALSE;
            *out = v;
            return TRUE;
          }
        if ((sscanf (s, "%2u:%2u:%2u%n", &h, &m, &sec, &consumed) == 3 ||
             sscanf (s, "%2u:%2u%n", &h, &m, &consumed) == 2) &&
            s[consumed] == '\0' && h < 24 && m < 60 && sec < 60)
          {
            *out = h + m / 60.0 + sec / 3600.0;
            return TRUE;
          }
        return FALSE;
      }
    case BB_LOS_TRANSFORM_NONE:
    default:
      return parse_plain_number (s, out);
    }
}

static void
bb_los_card_finalize (GObject *object)
{
  BbLosCard *self = BB_LOS_CARD (object);

  g_free (self->name);
  g_free (self->version);
  g_free (self->created_at);
  g_free (self->booster);
  g_free (self->target_name);
  g_free (self->target_definition);
  g_free (self->missing_scale_feature);
  g_clear_pointer (&self->features, g_ptr_array_unref);
  g_clear_pointer (&self->feature_index, g_hash_table_unref);
  g_clear_pointer (&self->sections, g_hash_table_unref);

  G_OBJECT_CLASS (bb_los_card_parent_class)->finalize (object);
}

static void
bb_los_card_class_init (BbLosCardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bb_los_card_finalize;
}

static void
bb_los_card_init (BbLosCard *self)
{
  self->version = g_strdup ("1");
  self->distribution = BB_AFT_NORMAL;
  self->scale = 1.0;
  self->missing_scale_col = -1;
  self->features = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_los_feature_free);
  self->feature_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) json_object_unref);
}

BbLosCard *
bb_los_card_new (void)
{
  return g_object_new (BB_TYPE_LOS_CARD, NULL);
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD, "Model card: %s", msg);
  return FALSE;
}

static const char *
get_string (JsonObject *obj,
            const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_number (JsonObject *obj,
            const char *member,
            double     *out)
{
  JsonNode *node = json_object_get_member (obj, member);
  GType t;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

static JsonObject *
get_object (JsonObject *obj,
            const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static gboolean
parse_feature (BbLosCard   *self,
               JsonObject  *obj,
               guint        index,
               GError     **error)
{
  const char *name = get_string (obj, "name");
  const char *type = get_string (obj, "type");
  const char *encoding = get_string (obj, "encoding");
  JsonNode *req = json_object_get_member (obj, "required");
  gboolean required = req != NULL && JSON_NODE_HOLDS_VALUE (req) && json_node_get_boolean (req);

  if (name == NULL || *name == '\0')
    return invalid (error, "feature %u has no name", index + 1);
  if (g_hash_table_contains (self->feature_index, name))
    return invalid (error, "feature \"%s\" is listed twice", name);
  if (g_strcmp0 (type, "numeric") == 0)
    {
      BbLosTransform transform;
      double min = NAN, max = NAN;

      if (!transform_from_string (get_string (obj, "transform"), &transform))
        return invalid (error, "feature \"%s\" has an unknown transform \"%s\"",
                        name, get_string (obj, "transform"));
      if (json_object_has_member (obj, "min") && !get_number (obj, "min", &min))
        return invalid (error, "feature \"%s\": min is not a number", name);
      if (json_object_has_member (obj, "max") && !get_number (obj, "max", &max))
        return invalid (error, "feature \"%s\": max is not a number", name);
      if (!isnan (min) && !isnan (max) && min > max)
        return invalid (error, "feature \"%s\": min is above max", name);
      bb_los_card_add_numeric_feature (self, name, get_string (obj, "unit"), transform,
                                       min, max, required, encoding);
    }
  else if (g_strcmp0 (type, "categorical") == 0)
    {
      JsonNode *values_node = json_object_get_member (obj, "values");
      JsonArray *values;
      g_autoptr(GPtrArray) strv = g_ptr_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      const char *xgb_type = get_string (obj, "xgboost_type");

      if (values_node == NULL || !JSON_NODE_HOLDS_ARRAY (values_node))
        return invalid (error, "categorical feature \"%s\" has no values", name);
      values = json_node_get_array (values_node);
      if (json_array_get_length (values) == 0)
        return invalid (error, "categorical feature \"%s\" has no values", name);
      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *v = json_array_get_element (values, i);
          const char *s;
          if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
            return invalid (error, "feature \"%s\": value %u is not a string", name, i + 1);
          s = json_node_get_string (v);
          if (is_missing_token (s))
            return invalid (error, "feature \"%s\": value %u is blank or NA", name, i + 1);
          if (!g_hash_table_add (seen, (char *) s))
            return invalid (error, "feature \"%s\": value \"%s\" is listed twice", name, s);
          g_ptr_array_add (strv, (char *) s);
        }
      g_ptr_array_add (strv, NULL);
      if (xgb_type != NULL && strcmp (xgb_type, "c") != 0 && strcmp (xgb_type, "q") != 0)
        return invalid (error, "feature \"%s\": xgboost_type must be \"c\" or \"q\"", name);
      bb_los_card_add_categorical_feature (self, name, (const char * const *) strv->pdata,
                                           g_strcmp0 (xgb_type, "c") == 0, required, encoding);
    }
  else
    return invalid (error, "feature \"%s\" has type \"%s\"; expected numeric or categorical",
                    name, type ? type : "(none)");
  return TRUE;
}

BbLosCard *
bb_los_card_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(BbLosCard) self = bb_los_card_new ();
  JsonObject *root, *target, *objective;
  JsonNode *features;
  const char *s;
  double scale = 0, resolution = 0;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "not a JSON object"), NULL;
  root = json_node_get_object (node);

  if ((s = get_string (root, "name")) == NULL || *s == '\0')
    return invalid (error, "\"name\" is missing"), NULL;
  self->name = g_strdup (s);
  if ((s = get_string (root, "version")) != NULL)
    bb_los_card_set_version (self, s);
  else if (json_object_has_member (root, "version"))
    {
      double v;
      if (!get_number (root, "version", &v))
        return invalid (error, "\"version\" is neither a string nor a number"), NULL;
      g_free (self->version);
      self->version = g_strdup_printf ("%.0f", v);
    }
  self->created_at = g_strdup (get_string (root, "created_at"));
  if ((s = get_string (root, "booster")) == NULL || *s == '\0')
    return invalid (error, "\"booster\" is missing"), NULL;
  if (g_path_is_absolute (s) || strstr (s, "..") != NULL)
    return invalid (error, "\"booster\" must be a file name beside the card"), NULL;
  self->booster = g_strdup (s);

  if ((target = get_object (root, "target")) == NULL)
    return invalid (error, "\"target\" is missing"), NULL;
  self->target_name = g_strdup (get_string (target, "name"));
  self->target_definition = g_strdup (get_string (target, "definition"));
  if (json_object_has_member (target, "resolution_days") &&
      (!get_number (target, "resolution_days", &resolution) || resolution < 0))
    return invalid (error, "target \"resolution_days\" must be a number >= 0"), NULL;
  self->resolution_days = resolution;
  if (g_strcmp0 (get_string (target, "unit"), "days") != 0)
    return invalid (error, "target unit must be \"days\""), NULL;

  if ((objective = get_object (root, "objective")) == NULL)
    return invalid (error, "\"objective\" is missing"), NULL;
  if (g_strcmp0 (get_string (objective, "name"), "survival:aft") != 0)
    return invalid (error, "objective must be survival:aft"), NULL;
  if (!bb_aft_distribution_from_string (get_string (objective, "distribution"),
                                        &self->distribution))
    return invalid (error, "unknown distribution \"%s\"",
                    get_string (objective, "distribution")), NULL;
  if (!get_number (objective, "scale", &scale) || !(scale > 0) || !isfinite (scale))
    return invalid (error, "objective scale must be a positive number"), NULL;
  self->scale = scale;

  features = json_object_get_member (root, "features");
  if (features == NULL || !JSON_NODE_HOLDS_ARRAY (features) ||
      json_array_get_length (json_node_get_array (features)) == 0)
    return invalid (error, "\"features\" must be a non-empty array"), NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (features)); i++)
    {
      JsonNode *f = json_array_get_element (json_node_get_array (features), i);
      if (!JSON_NODE_HOLDS_OBJECT (f))
        return invalid (error, "feature %u is not an object", i + 1), NULL;
      if (!parse_feature (self, json_node_get_object (f), i, error))
        return NULL;
    }

  if (json_object_has_member (objective, "scale_when_missing"))
    {
      JsonObject *group = get_object (objective, "scale_when_missing");
      double group_scale = 0;

      if (group == NULL)
        return invalid (error, "objective \"scale_when_missing\" must be an object"), NULL;
      if ((s = get_string (group, "feature")) == NULL || bb_los_card_find_feature (self, s) < 0)
        return invalid (error, "objective \"scale_when_missing\" must name one of the card's features"), NULL;
      if (!get_number (group, "scale", &group_scale) || !(group_scale > 0) || !isfinite (group_scale))
        return invalid (error, "objective \"scale_when_missing\" scale must be a positive number"), NULL;
      bb_los_card_set_missing_scale (self, s, group_scale);
    }

  for (guint i = 0; section_names[i] != NULL; i++)
    {
      JsonNode *sec = json_object_get_member (root, section_names[i]);
      if (sec == NULL || JSON_NODE_HOLDS_NULL (sec))
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (sec))
        return invalid (error, "\"%s\" is not an object", section_names[i]), NULL;
      bb_los_card_set_section (self, section_names[i], json_node_get_object (sec));
    }
  return g_steal_pointer (&self);
}

BbLosCard *
bb_los_card_new_from_data (const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;

  if (!json_parser_load_from_data (parser, data, length, &local))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                   "Model card is not valid JSON: %s", local->message);
      return NULL;
    }
  return bb_los_card_new_from_json (json_parser_get_root (parser), error);
}

BbLosCard *
bb_los_card_load (const char  *path,
                  GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  BbLosCard *card;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO,
                   "Cannot read model card: %s", local->message);
      return NULL;
    }
  card = bb_los_card_new_from_data (data, len, &local);
  if (card == NULL)
    g_set_error (error, BB_MODEL_ERROR, local->code, "%s: %s", path, local->message);
  return card;
}

static JsonNode *
feature_to_json (const BbLosFeature *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, f->name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, f->type == BB_LOS_FEATURE_NUMERIC ? "numeric" : "categorical");
  if (f->type == BB_LOS_FEATURE_NUMERIC)
    {
      if (f->unit != NULL)
        {
          json_builder_set_member_name (b, "unit");
          json_builder_add_string_value (b, f->unit);
        }
      json_builder_set_member_name (b, "transform");
      json_builder_add_string_value (b, bb_los_transform_to_string (f->transform));
      if (!isnan (f->min))
        {
          json_builder_set_member_name (b, "min");
          json_builder_add_double_value (b, f->min);
        }
      if (!isnan (f->max))
        {
          json_builder_set_member_name (b, "max");
          json_builder_add_double_value (b, f->max);
        }
    }
  else
    {
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (guint i = 0; i < f->n_values; i++)
        json_builder_add_string_value (b, f->values[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "xgboost_type");
      json_builder_add_string_value (b, f->native_categorical ? "c" : "q");
    }
  if (f->encoding != NULL)
    {
      json_builder_set_member_name (b, "encoding");
      json_builder_add_string_value (b, f->encoding);
    }
  json_builder_set_member_name (b, "required");
  json_builder_add_boolean_value (b, f->required);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
bb_los_card_to_json (BbLosCard *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name ? self->name : "");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, self->version);
  if (self->created_at != NULL)
    {
      json_builder_set_member_name (b, "created_at");
      json_builder_add_string_value (b, self->created_at);
    }
  json_builder_set_member_name (b, "booster");
  json_builder_add_string_value (b, self->booster ? self->booster : "");

  json_builder_set_member_name (b, "target");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->target_name ? self->target_name : "");
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, "days");
  if (self->target_definition != NULL)
    {
      json_builder_set_member_name (b, "definition");
      json_builder_add_string_value (b, self->target_definition);
    }
  json_builder_set_member_name (b, "resolution_days");
  json_builder_add_double_value (b, self->resolution_days);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "objective");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "survival:aft");
  json_builder_set_member_name (b, "distribution");
  json_builder_add_string_value (b, bb_aft_distribution_to_string (self->distribution));
  json_builder_set_member_name (b, "scale");
  json_builder_add_double_value (b, self->scale);
  if (self->missing_scale_feature != NULL)
    {
      json_builder_set_member_name (b, "scale_when_missing");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "feature");
      json_builder_add_string_value (b, self->missing_scale_feature);
      json_builder_set_member_name (b, "scale");
      json_builder_add_double_value (b, self->missing_scale);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->features->len; i++)
    json_builder_add_value (b, feature_to_json (g_ptr_array_index (self->features, i)));
  json_builder_end_array (b);

  for (guint i = 0; section_names[i] != NULL; i++)
    {
      JsonObject *sec = g_hash_table_lookup (self->sections, section_names[i]);
      JsonNode *node;
      if (sec == NULL)
        continue;
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, sec);
      json_builder_set_member_name (b, section_names[i]);
      json_builder_add_value (b, node);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
bb_los_card_to_data (BbLosCard *self,
                     gsize     *length)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = bb_los_card_to_json (self);
  char *data;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, length);
  return data;
}

gboolean
bb_los_card_save (BbLosCard   *self,
                  const char  *path,
                  GError     **error)
{
  gsize len = 0;
  g_autofree char *data = NULL;
  g_autofree char *with_newline = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (BB_IS_LOS_CARD (self), FALSE);

  data = bb_los_card_to_data (self, &len);
  with_newline = g_strconcat (data, "\n", NULL);
  if (!g_file_set_contents (path, with_newline, -1, &local))
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO,
                   "Cannot write model card: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

#define DEFINE_STRING_ACCESSORS(field)                                    \
  const char *                                                            \
  bb_los_card_get_##field (BbLosCard *self)                               \
  {                                                                       \
    g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);                   \
    return self->field;                                                   \
  }                                                                       \
  void                                                                    \
  bb_los_card_set_##field (BbLosCard  *self,                              \
                           const char *value)                             \
  {                                                                       \
    g_return_if_fail (BB_IS_LOS_CARD (self));                             \
    g_free (self->field);                                                 \
    self->field = g_strdup (value);                                       \
  }

DEFINE_STRING_ACCESSORS (name)
DEFINE_STRING_ACCESSORS (version)
DEFINE_STRING_ACCESSORS (created_at)
DEFINE_STRING_ACCESSORS (booster)

void
bb_los_card_set_target (BbLosCard  *self,
                        const char *name,
                        const char *definition,
                        double      resolution_days)
{
  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (resolution_days >= 0);
  g_free (self->target_name);
  self->target_name = g_strdup (name);
  g_free (self->target_definition);
  self->target_definition = g_strdup (definition);
  self->resolution_days = resolution_days;
}

const char *
bb_los_card_get_target_name (BbLosCard *self)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);
  return self->target_name;
}

double
bb_los_card_get_resolution_days (BbLosCard *self)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), 0);
  return self->resolution_days;
}

BbAftDistribution
bb_los_card_get_distribution (BbLosCard *self)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), BB_AFT_NORMAL);
  return self->distribution;
}

double
bb_los_card_get_scale (BbLosCard *self)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), 1.0);
  return self->scale;
}

void
bb_los_card_set_objective (BbLosCard         *self,
                           BbAftDistribution  dist,
                           double             scale)
{
  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (scale > 0);
  self->distribution = dist;
  self->scale = scale;
}

void
bb_los_card_set_missing_scale (BbLosCard  *self,
                               const char *feature,
                               double      scale)
{
  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (feature == NULL || bb_los_card_find_feature (self, feature) >= 0);
  g_return_if_fail (feature == NULL || scale > 0);

  g_free (self->missing_scale_feature);
  self->missing_scale_feature = g_strdup (feature);
  self->missing_scale_col = feature != NULL ? bb_los_card_find_feature (self, feature) : -1;
  self->missing_scale = feature != NULL ? scale : 0;
}

const char *
bb_los_card_get_missing_scale (BbLosCard *self,
                               double    *scale_out)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);
  if (scale_out != NULL)
    *scale_out = self->missing_scale;
  return self->missing_scale_feature;
}

double
bb_los_card_row_scale (BbLosCard   *self,
                       const float *row)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), 1.0);
  g_return_val_if_fail (row != NULL, self->scale);

  if (self->missing_scale_col < 0)
    return self->scale;
  return isnan (row[self->missing_scale_col]) ? self->missing_scale : self->scale;
}

guint
bb_los_card_get_n_features (BbLosCard *self)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), 0);
  return self->features->len;
}

const BbLosFeature *
bb_los_card_get_feature (BbLosCard *self,
                         guint      index)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);
  g_return_val_if_fail (index < self->features->len, NULL);
  return g_ptr_array_index (self->features, index);
}

int
bb_los_card_find_feature (BbLosCard  *self,
                          const char *name)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->feature_index, name)) - 1;
}

static void
add_feature (BbLosCard    *self,
             BbLosFeature *f)
{
  g_return_if_fail (!g_hash_table_contains (self->feature_index, f->name));
  g_ptr_array_add (self->features, f);
  g_hash_table_insert (self->feature_index, f->name, GUINT_TO_POINTER (self->features->len));
}

void
bb_los_card_add_numeric_feature (BbLosCard      *self,
                                 const char     *name,
                                 const char     *unit,
                                 BbLosTransform  transform,
                                 double          min,
                                 double          max,
                                 gboolean        required,
                                 const char     *encoding)
{
  BbLosFeature *f;

  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (name != NULL);

  f = g_new0 (BbLosFeature, 1);
  f->name = g_strdup (name);
  f->type = BB_LOS_FEATURE_NUMERIC;
  f->unit = g_strdup (unit);
  f->transform = transform;
  f->min = min;
  f->max = max;
  f->required = required;
  f->encoding = g_strdup (encoding);
  add_feature (self, f);
}

void
bb_los_card_add_categorical_feature (BbLosCard          *self,
                                     const char         *name,
                                     const char * const *values,
                                     gboolean            native_categorical,
                                     gboolean            required,
                                     const char         *encoding)
{
  BbLosFeature *f;

  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (name != NULL && values != NULL);

  f = g_new0 (BbLosFeature, 1);
  f->name = g_strdup (name);
  f->type = BB_LOS_FEATURE_CATEGORICAL;
  f->min = f->max = NAN;
  f->values = g_strdupv ((char **) values);
  f->n_values = g_strv_length (f->values);
  f->native_categorical = native_categorical;
  f->required = required;
  f->encoding = g_strdup (encoding);
  f->codes = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < f->n_values; i++)
    g_hash_table_insert (f->codes, f->values[i], GUINT_TO_POINTER (i + 1));
  add_feature (self, f);
}

JsonObject *
bb_los_card_get_section (BbLosCard  *self,
                         const char *section)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);
  return g_hash_table_lookup (self->sections, section);
}

void
bb_los_card_set_section (BbLosCard  *self,
                         const char *section,
                         JsonObject *object)
{
  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (g_strv_contains ((const char * const *) section_names, section));
  if (object == NULL)
    g_hash_table_remove (self->sections, section);
  else
    g_hash_table_insert (self->sections, g_strdup (section), json_object_ref (object));
}

/* Encodes one value; errors say what is wrong without saying where, the
 * callers add the row or field. */
static gboolean
encode_value (const BbLosFeature  *f,
              const char          *value,
              BbLosEncodeFlags     flags,
              float               *out,
              GError             **error)
{
  if (is_missing_token (value))
    {
      if (f->required)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MISSING_VALUE,
                       "a value is required");
          return FALSE;
        }
      *out = NAN;
      return TRUE;
    }
  if (f->type == BB_LOS_FEATURE_CATEGORICAL)
    {
      guint code = GPOINTER_TO_UINT (g_hash_table_lookup (f->codes, value));
      if (code == 0)
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_UNKNOWN_CATEGORY,
                       "unknown category \"%s\" (the model knows %u values)",
                       value, f->n_values);
          return FALSE;
        }
      *out = (float) (code - 1);
      return TRUE;
    }
  else
    {
      double v;
      if (!parse_numeric (f->transform, value, &v))
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_NOT_NUMERIC,
                       f->transform == BB_LOS_TRANSFORM_TIME_OF_DAY
                         ? "\"%s\" is not a time of day (hh:mm or hh:mm:ss)"
                         : "\"%s\" is not a number", value);
          return FALSE;
        }
      if ((!isnan (f->min) && v < f->min) || (!isnan (f->max) && v > f->max))
        {
          if (flags & BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING)
            {
              *out = NAN;
              return TRUE;
            }
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_OUT_OF_RANGE,
                       "%g is outside %g to %g", v, f->min, f->max);
          return FALSE;
        }
      *out = (float) v;
      return TRUE;
    }
}

gboolean
bb_los_card_encode_string (BbLosCard         *self,
                           guint              feature,
                           const char        *value,
                           BbLosEncodeFlags   flags,
                           float             *out,
                           GError           **error)
{
  g_return_val_if_fail (BB_IS_LOS_CARD (self), FALSE);
  g_return_val_if_fail (feature < self->features->len, FALSE);
  return encode_value (g_ptr_array_index (self->features, feature), value, flags, out, error);
}

float *
bb_los_card_encode_table (BbLosCard         *self,
                          BbLosTable        *table,
                          BbLosEncodeFlags   flags,
                          GError           **error)
{
  guint nf, nr;
  g_autofree int *cols = NULL;
  g_autofree float *rows = NULL;

  g_return_val_if_fail (BB_IS_LOS_CARD (self), NULL);
  g_return_val_if_fail (table != NULL, NULL);

  nf = self->features->len;
  nr = bb_los_table_get_n_rows (table);
  cols = g_new (int, nf);
  for (guint j = 0; j < nf; j++)
    {
      const BbLosFeature *f = g_ptr_array_index (self->features, j);
      if ((cols[j] = bb_los_table_require_column (table, f->name, error)) < 0)
        return NULL;
    }
  rows = g_new (float, (gsize) nr * nf);
  for (guint i = 0; i < nr; i++)
    for (guint j = 0; j < nf; j++)
      {
        g_autoptr(GError) local = NULL;
        const BbLosFeature *f = g_ptr_array_index (self->features, j);

        if (!encode_value (f, bb_los_table_get (table, i, cols[j]), flags,
                           &rows[(gsize) i * nf + j], &local))
          {
            g_set_error (error, BB_MODEL_ERROR, local->code, "%s: row %u, column \"%s\": %s",
                         bb_los_table_get_name (table), i + 1, f->name, local->message);
            return NULL;
          }
      }
  return g_steal_pointer (&rows);
}

gboolean
bb_los_card_encode_json (BbLosCard         *self,
                         JsonObject        *features,
                         BbLosEncodeFlags   flags,
                         float             *row,
                         GError           **error)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;
  guint nf;

  g_return_val_if_fail (BB_IS_LOS_CARD (self), FALSE);
  g_return_val_if_fail (features != NULL, FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  nf = self->features->len;
  json_object_iter_init (&iter, features);
  while (json_object_iter_next (&iter, &member, &node))
    if (bb_los_card_find_feature (self, member) < 0)
      {
        g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT,
                     "features.%s: model %s has no such feature", member, self->name);
        return FALSE;
      }

  for (guint j = 0; j < nf; j++)
    {
      const BbLosFeature *f = g_ptr_array_index (self->features, j);
      g_autoptr(GError) local = NULL;
      g_autofree char *text = NULL;
      const char *value = NULL;

      node = json_object_get_member (features, f->name);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        {
          GType t = json_node_get_value_type (node);
          if (t == G_TYPE_STRING)
            value = json_node_get_string (node);
          else if (f->type == BB_LOS_FEATURE_NUMERIC && (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE))
            {
              char buf[G_ASCII_DTOSTR_BUF_SIZE];
              value = text = g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
            }
          else
            {
              g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT,
                           "features.%s: expected %s", f->name,
                           f->type == BB_LOS_FEATURE_NUMERIC ? "a number" : "a string");
              return FALSE;
            }
        }
      else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_ARGUMENT,
                       "features.%s: expected %s", f->name,
                       f->type == BB_LOS_FEATURE_NUMERIC ? "a number" : "a string");
          return FALSE;
        }
      if (!encode_value (f, value, flags, &row[j], &local))
        {
          g_set_error (error, BB_MODEL_ERROR, local->code, "features.%s: %s",
                       f->name, local->message);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
bb_los_card_validate_features (BbLosCard   *self,
                               JsonObject  *features,
                               GError     **error)
{
  g_autofree float *row = NULL;

  g_return_val_if_fail (BB_IS_LOS_CARD (self), FALSE);

  row = g_new (float, MAX (self->features->len, 1));
  return bb_los_card_encode_json (self, features, BB_LOS_ENCODE_STRICT, row, error);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Quantiles at 0, 0.05, ..., 1 by linear interpolation of sorted values. */
static JsonNode *
quantiles_to_json (double *values,
                   guint   n)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  qsort (values, n, sizeof (double), compare_double);
  json_builder_begin_array (b);
  for (guint k = 0; k <= 20 && n > 0; k++)
    {
      double p = k / 20.0, pos = p * (n - 1), v;
      guint lo = (guint) floor (pos), hi = MIN (lo + 1, n - 1);
      v = values[lo] + (pos - lo) * (values[hi] - values[lo]);
      json_builder_begin_array (b);
      json_builder_add_double_value (b, p);
      json_builder_add_double_value (b, round (v * 1e4) / 1e4);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

void
bb_los_card_compute_statistics (BbLosCard    *self,
                                const float  *rows,
                                guint         n_rows,
                                const double *target_days)
{
  g_autoptr(JsonObject) stats = json_object_new ();
  g_autoptr(JsonObject) feats = json_object_new ();
  guint nf;

  g_return_if_fail (BB_IS_LOS_CARD (self));
  g_return_if_fail (n_rows > 0);

  nf = self->features->len;
  json_object_set_int_member (stats, "rows", n_rows);
  for (guint j = 0; j < nf; j++)
    {
      const BbLosFeature *f = g_ptr_array_index (self->features, j);
      g_autoptr(JsonObject) fo = json_object_new ();
      guint missing = 0;

      if (f->type == BB_LOS_FEATURE_NUMERIC)
        {
          g_autofree double *vals = g_new (double, n_rows);
          guint n = 0;
          for (guint i = 0; i < n_rows; i++)
            {
              float v = rows[(gsize) i * nf + j];
              if (isnan (v))
                missing++;
              else
                vals[n++] = v;
            }
          if (n > 0)
            json_object_set_member (fo, "quantiles", quantiles_to_json (vals, n));
        }
      else
        {
          g_autofree guint *counts = g_new0 (guint, f->n_values);
          g_autoptr(JsonObject) freq = json_object_new ();
          for (guint i = 0; i < n_rows; i++)
            {
              float v = rows[(gsize) i * nf + j];
              if (isnan (v))
                missing++;
              else
                counts[(guint) v]++;
            }
          for (guint k = 0; k < f->n_values; k++)
            if (counts[k] > 0)
              json_object_set_double_member (freq, f->values[k],
                                             round (1e6 * counts[k] / (double) (n_rows - missing)) / 1e6);
          json_object_set_object_member (fo, "frequencies", g_steal_pointer (&freq));
        }
      json_object_set_double_member (fo, "missing", round (1e6 * missing / (double) n_rows) / 1e6);
      json_object_set_object_member (feats, f->name, g_steal_pointer (&fo));
    }
  json_object_set_object_member (stats, "features", g_steal_pointer (&feats));
  if (target_days != NULL)
    {
      g_autofree double *t = g_memdup2 (target_days, sizeof (double) * n_rows);
      g_autoptr(JsonObject) to = json_object_new ();
      json_object_set_member (to, "quantiles", quantiles_to_json (t, n_rows));
      json_object_set_object_member (stats, "target", g_steal_pointer (&to));
    }
  bb_los_card_set_section (self, "statistics", stats);
}

double
bb_los_card_quantile (BbLosCard *self,
                      double     mu,
                      double     sigma,
                      double     p)
{
  double q;

  g_return_val_if_fail (BB_IS_LOS_CARD (self), NAN);
  g_return_val_if_fail (p > 0 && p < 1, NAN);
  g_return_val_if_fail (sigma > 0, NAN);

  q = bb_aft_quantile (self->distribution, mu, sigma, p);
  /* Rounding is monotone, so the p-quantile of the recorded (rounded) stay
   * is the rounded p-quantile of the continuous one. */
  if (self->resolution_days > 0)
    q = MAX (self->resolution_days, round (q / self->resolution_days) * self->resolution_days);
  return q;
}
