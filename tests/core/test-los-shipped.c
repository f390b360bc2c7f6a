/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-los-shipped.c: the models in models/ load, carry the statistics and
 * metrics their cards promise, and give sane predictions for an intake. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bb-los-model.h"

static char *
model_path (const char *name)
{
  const char *src = g_getenv ("BB_SOURCE_DIR");
  g_autofree char *file = g_strconcat (name, ".card.json", NULL);
  return g_build_filename (src ? src : BB_SOURCE_DIR, "models", file, NULL);
}

static JsonObject *
json_object_from (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
check_model (const char *name,
             const char *intake,
             double      min_median,
             double      max_median)
{
  g_autofree char *path = model_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_load (path, &error);
  g_autoptr(JsonObject) features = json_object_from (intake);
  g_autoptr(GBytes) booster = NULL;
  BbLosCard *card;
  JsonObject *stats, *metrics, *stat_features;
  BbLosPrediction p;
  double mu, sigma;

  g_assert_no_error (error);
  card = bb_los_model_get_card (model);
  g_assert_cmpstr (bb_los_model_get_name (model), ==, name);

  /* The demo samples synthetic patients from these, so every feature needs them. */
  stats = bb_los_card_get_section (card, "statistics");
  g_assert_nonnull (stats);
  stat_features = json_object_get_object_member (stats, "features");
  for (guint j = 0; j < bb_los_card_get_n_features (card); j++)
    {
      const BbLosFeature *f = bb_los_card_get_feature (card, j);
      JsonObject *fs = json_object_get_object_member (stat_features, f->name);
      g_assert_nonnull (fs);
      g_assert_true (json_object_has_member (fs, f->type == BB_LOS_FEATURE_NUMERIC ? "quantiles" : "frequencies"));
      /* Never race or ethnicity. */
      g_assert_null (strstr (f->name, "thnic"));
      g_assert_null (strstr (f->name, "Race"));
    }
  metrics = bb_los_card_get_section (card, "metrics");
  g_assert_nonnull (metrics);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (metrics, "test"), "mae_days"), >, 0);

  booster = bb_los_model_get_booster_bytes (model, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (booster), <, 2 * 1024 * 1024);

  g_assert_true (bb_los_model_predict_json (model, features, &mu, &sigma, &error));
  g_assert_no_error (error);
  bb_los_model_interval (model, mu, sigma, &p);
  g_assert_cmpfloat (p.median_days, >=, min_median);
  g_assert_cmpfloat (p.median_days, <=, max_median);
  g_assert_cmpfloat (p.p10_days, <=, p.median_days);
  g_assert_cmpfloat (p.median_days, <=, p.p90_days);
  g_assert_cmpfloat (p.p10_days, <, p.p90_days);
}

static void
test_icu_model_loads_and_predicts (void)
{
  check_model ("icu-los",
               "{\"age\": \"> 89\", \"gender\": \"Female\", \"apacheadmissiondx\": \"Sepsis, pulmonary\","
               " \"unittype\": \"MICU\", \"unitadmitsource\": \"Emergency Department\","
               " \"unitadmittime24\": \"14:00:00\", \"unitvisitnumber\": 1, \"unitstaytype\": \"admit\","
               " \"admissionweight\": 70, \"admissionheight\": 165, \"hospitaladmitoffset\": -120}",
               0.3, 15);
}

static void
test_ward_model_loads_and_predicts (void)
{
  check_model ("ward-los",
               "{\"age\": \"70 or Older\", \"Gender\": \"M\", \"Emergency.Department.Indicator\": \"N\","
               " \"CCSR.Diagnosis.Code\": \"CIR019\", \"deathrisk\": \"Major\","
               " \"Hospital.Service.Area\": \"New York City\", \"Hospital.County\": \"Manhattan\"}",
               1, 30);
}

static void
test_ward_risk_of_mortality_lengthens_the_stay (void)
{
  g_autofree char *path = model_path ("ward-los");
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = bb_los_model_load (path, &error);
  g_autoptr(JsonObject) minor = json_object_from ("{\"CCSR.Diagnosis.Code\": \"CIR019\", \"deathrisk\": \"Minor\"}");
  g_autoptr(JsonObject) extreme = json_object_from ("{\"CCSR.Diagnosis.Code\": \"CIR019\", \"deathrisk\": \"Extreme\"}");
  double mu_minor, mu_extreme;

  g_assert_no_error (error);
  g_assert_true (bb_los_model_predict_json (model, minor, &mu_minor, NULL, &error));
  g_assert_true (bb_los_model_predict_json (model, extreme, &mu_extreme, NULL, &error));
  g_assert_cmpfloat (mu_extreme, >, mu_minor);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/los/shipped/icu-model-loads-and-predicts", test_icu_model_loads_and_predicts);
  g_test_add_func ("/los/shipped/ward-model-loads-and-predicts", test_ward_model_loads_and_predicts);
  g_test_add_func ("/los/shipped/ward-risk-of-mortality-lengthens-the-stay",
                   test_ward_risk_of_mortality_lengthens_the_stay);

  return g_test_run ();
}
