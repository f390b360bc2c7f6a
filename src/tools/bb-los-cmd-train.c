/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-cmd-train.c: `bedboard-los train`: builds icu-los or ward-los from
 * its public data set, calibrates it, evaluates it on the held-out split and
 * writes the card and booster. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include <string.h>

#include "bb-los-commands.h"
#include "bb-los-recipe.h"

static void
print_metrics (JsonObject *metrics)
{
  JsonObject *test = json_object_get_object_member (metrics, "test");
  JsonObject *baselines = json_object_get_object_member (metrics, "baselines");
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_printerr ("held out: MAE %.3f days, median AE %.3f, RMSE %.3f, R2 %.3f, 80%% coverage %.1f%% (%ld stays)\n",
              json_object_get_double_member (test, "mae_days"),
              json_object_get_double_member (test, "median_ae_days"),
              json_object_get_double_member (test, "rmse_days"),
              json_object_get_double_member (test, "r2"),
              100 * json_object_get_double_member (test, "coverage_80"),
              (long) json_object_get_int_member (test, "rows"));
  if (json_object_has_member (metrics, "cross_validation"))
    {
      JsonObject *cv = json_object_get_object_member (metrics, "cross_validation");
      g_printerr ("nested 5-fold cross-validation: MAE %.3f days (training median %.3f), "
                  "80%% coverage %.1f%% (%ld stays)\n",
                  json_object_get_double_member (cv, "mae_days"),
                  json_object_get_double_member (json_object_get_object_member (cv, "training_median"), "mae_days"),
                  100 * json_object_get_double_member (cv, "coverage_80"),
                  (long) json_object_get_int_member (cv, "rows"));
    }
  json_object_iter_init (&iter, baselines);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_OBJECT (node))
      g_printerr ("baseline %s: MAE %.3f days (%ld stays)\n", name,
                  json_object_get_double_member (json_node_get_object (node), "mae_days"),
                  (long) json_object_get_int_member (json_node_get_object (node), "rows"));
}

int
bb_los_cmd_train (int    argc,
                  char **argv)
{
  g_autofree char *data = NULL;
  g_autofree char *card_path = NULL;
  g_autofree char *kind_name = NULL;
  g_autofree char *apache = NULL;
  gint64 seed = 42;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "Training CSV (plain or .gz)", "CSV" },
    { "card", 0, 0, G_OPTION_ARG_FILENAME, &card_path, "Card to write; the booster goes beside it", "OUT.card.json" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "XGBoost seed (default 42)", "N" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name,
      "icu (eICU patient.csv) or ward (SPARCS); default: from the CSV's columns", "icu|ward" },
    { "apache", 0, 0, G_OPTION_ARG_FILENAME, &apache,
      "icu: apachePatientResult.csv for the APACHE IVa baseline (default: beside the data)", "CSV" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- train a length-of-stay model");
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosTable) table = NULL;
  g_autoptr(BbLosModel) model = NULL;
  BbLosKind kind;
  gint64 start = g_get_monotonic_time ();

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("bedboard-los train: %s\n", error->message);
      return 2;
    }
  if (data == NULL || card_path == NULL || argc > 1)
    {
      g_printerr ("Usage: bedboard-los train --data CSV --card OUT.card.json [--seed N] [--kind icu|ward]\n");
      return 2;
    }
  if (seed < 0 || seed > G_MAXUINT32)
    {
      g_printerr ("bedboard-los train: --seed must be between 0 and %u\n", G_MAXUINT32);
      return 2;
    }
  if (!g_str_has_suffix (card_path, ".card.json"))
    {
      g_printerr ("bedboard-los train: the card's name must end in .card.json\n");
      return 2;
    }

  g_printerr ("Reading %s\n", data);
  if ((table = bb_los_table_load (data, &error)) == NULL)
    goto fail;
  if (kind_name != NULL)
    {
      if (!bb_los_kind_from_string (kind_name, &kind))
        {
          g_printerr ("bedboard-los train: --kind must be icu or ward\n");
          return 2;
        }
    }
  else if (!bb_los_kind_guess (table, &kind, &error))
    goto fail;

  model = bb_los_recipe_train (kind, table, data, apache, (guint) seed, TRUE, &error);
  if (model == NULL)
    goto fail;
  {
    /* The booster is named after the card: OUT.card.json -> OUT.ubj. */
    g_autofree char *base = g_path_get_basename (card_path);
    g_autofree char *stem = g_strndup (base, strlen (base) - strlen (".card.json"));
    g_autofree char *booster = g_strconcat (stem, ".ubj", NULL);
    bb_los_card_set_booster (bb_los_model_get_card (model), booster);
  }
  if (!bb_los_model_save (model, card_path, &error))
    goto fail;
  print_metrics (bb_los_card_get_section (bb_los_model_get_card (model), "metrics"));
  g_printerr ("Wrote %s in %.1f s\n", card_path, (g_get_monotonic_time () - start) / 1e6);
  return 0;

fail:
  g_printerr ("bedboard-los train: %s\n", error->message);
  return 1;
}
