/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-cmd-evaluate.c: `bedboard-los evaluate`: the model's accuracy and
 * interval coverage on a data set, next to the baselines on the same rows. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bb-los-commands.h"
#include "bb-los-recipe.h"

static void
print_row (const char *name,
           JsonObject *m)
{
  JsonNode *cov = json_object_get_member (m, "coverage_80");
  g_autofree char *cov_text = NULL;

  if (cov != NULL && !JSON_NODE_HOLDS_NULL (cov))
    cov_text = g_strdup_printf ("%.1f%%", 100 * json_node_get_double (cov));
  else
    cov_text = g_strdup ("-");
  g_print ("%-34s %7ld %8.3f %9.3f %8.3f %7.3f %9s\n", name,
           (long) json_object_get_int_member (m, "rows"),
           json_object_get_double_member (m, "mae_days"),
           json_object_get_double_member (m, "median_ae_days"),
           json_object_get_double_member (m, "rmse_days"),
           json_object_get_double_member_with_default (m, "r2", NAN),
           cov_text);
}

int
bb_los_cmd_evaluate (int    argc,
                     char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *data = NULL;
  g_autofree char *rows_mode = NULL;
  g_autofree char *apache = NULL;
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model card", "CARD" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "CSV with the model's columns and its target", "CSV" },
    { "rows", 0, 0, G_OPTION_ARG_STRING, &rows_mode,
      "test: the card's held-out split of its training file, baselines built from the other rows "
      "(default); all: every row, baselines from the card's training statistics", "test|all" },
    { "apache", 0, 0, G_OPTION_ARG_FILENAME, &apache,
      "icu: apachePatientResult.csv (default: beside the data)", "CSV" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print the metrics as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- evaluate a length-of-stay model");
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbLosTable) table = NULL;
  g_autoptr(JsonObject) metrics = NULL;
  g_autofree BbLosSplit *split = NULL;
  g_autofree gboolean *eval_rows = NULL, *base_rows = NULL;
  gboolean test_only;
  BbLosKind kind;
  guint n;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("bedboard-los evaluate: %s\n", error->message);
      return 2;
    }
  if (model_path == NULL || data == NULL || argc > 1 ||
      (rows_mode != NULL && strcmp (rows_mode, "test") != 0 && strcmp (rows_mode, "all") != 0))
    {
      g_printerr ("Usage: bedboard-los evaluate --model CARD --data CSV [--rows test|all] [--apache CSV] [--json]\n");
      return 2;
    }
  test_only = rows_mode == NULL || strcmp (rows_mode, "test") == 0;

  if ((model = bb_los_model_load (model_path, &error)) == NULL ||
      (table = bb_los_table_load (data, &error)) == NULL)
    goto fail;
  if (!bb_los_kind_from_card (bb_los_model_get_card (model), &kind) &&
      !bb_los_kind_guess (table, &kind, &error))
    goto fail;

  n = bb_los_table_get_n_rows (table);
  if (test_only)
    {
      if ((split = bb_los_recipe_split (kind, table, &error)) == NULL)
        goto fail;
      eval_rows = g_new (gboolean, n);
      base_rows = g_new (gboolean, n);
      for (guint i = 0; i < n; i++)
        {
          eval_rows[i] = split[i] == BB_LOS_SPLIT_TEST;
          base_rows[i] = !eval_rows[i];
        }
    }
  metrics = bb_los_recipe_evaluate (model, kind, table, eval_rows, base_rows, data, apache, &error);
  if (metrics == NULL)
    goto fail;

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;
      json_node_set_object (root, metrics);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    {
      JsonObject *baselines = json_object_get_object_member (metrics, "baselines");
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      g_print ("%s version %s on %s (%s rows)\n", bb_los_model_get_name (model),
               bb_los_model_get_version (model), data, test_only ? "held-out test" : "all");
      g_print ("%-34s %7s %8s %9s %8s %7s %9s\n", "predictor", "rows", "MAE", "median AE",
               "RMSE", "R2", "cover 80");
      print_row (bb_los_model_get_name (model), json_object_get_object_member (metrics, "test"));
      if (json_object_has_member (json_object_get_object_member (metrics, "test"), "scale_groups"))
        {
          JsonObject *groups = json_object_get_object_member (json_object_get_object_member (metrics, "test"),
                                                              "scale_groups");
          const char *feature = json_object_get_string_member (groups, "feature");

          if (json_object_has_member (groups, "feature_present"))
            {
              g_autofree char *label = g_strdup_printf ("  with %s", feature);
              print_row (label, json_object_get_object_member (groups, "feature_present"));
            }
          if (json_object_has_member (groups, "feature_missing"))
            {
              g_autofree char *label = g_strdup_printf ("  without %s", feature);
              print_row (label, json_object_get_object_member (groups, "feature_missing"));
            }
        }
      json_object_iter_init (&iter, baselines);
      while (json_object_iter_next (&iter, &name, &node))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_print ("%-34s (not available)\n", name);
              continue;
            }
          print_row (name, json_node_get_object (node));
          if (json_object_has_member (json_node_get_object (node), "model_on_same_rows"))
            {
              g_autofree char *label = g_strdup_printf ("  %s on those rows", bb_los_model_get_name (model));
              print_row (label, json_object_get_object_member (json_node_get_object (node),
                                                               "model_on_same_rows"));
            }
        }
    }
  return 0;

fail:
  g_printerr ("bedboard-los evaluate: %s\n", error->message);
  return 1;
}
