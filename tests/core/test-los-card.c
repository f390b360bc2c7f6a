/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-los-card.c: model cards round-trip, bad cards are refused, and JSON
 * intake features are encoded or refused naming the field. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bb-los-card.h"
#include "bb-model-error.h"

static BbLosCard *
fixture_card (void)
{
  BbLosCard *card = bb_los_card_new ();
  const char *units[] = { "Med-Surg ICU", "MICU", "Cardiac ICU", NULL };
  float rows[] = { 40, 0, 12.5f, 90, 1, NAN, 65, 2, 23.75f, NAN, 0, 8 };
  double target[] = { 1.5, 3.0, 0.5, 2.25 };
  g_autoptr(JsonObject) training = json_object_new ();

  bb_los_card_set_name (card, "icu-los");
  bb_los_card_set_version (card, "3");
  bb_los_card_set_created_at (card, "2026-11-22T13:00:00Z");
  bb_los_card_set_booster (card, "icu-los.ubj");
  bb_los_card_set_target (card, "unitdischargeoffset", "unitdischargeoffset / 1440", 0);
  bb_los_card_set_objective (card, BB_AFT_LOGISTIC, 0.53);
  bb_los_card_add_numeric_feature (card, "age", "years", BB_LOS_TRANSFORM_AGE_90_PLUS, 0, 120,
                                   TRUE, "years; \"> 89\" is 90");
  bb_los_card_add_categorical_feature (card, "unittype", units, FALSE, FALSE, "code");
  bb_los_card_add_numeric_feature (card, "unitadmittime24", "hours", BB_LOS_TRANSFORM_TIME_OF_DAY,
                                   0, 24, FALSE, "hh:mm:ss");
  json_object_set_string_member (training, "licence", "ODbL");
  json_object_set_int_member (training, "seed", 42);
  bb_los_card_set_section (card, "training", training);
  bb_los_card_compute_statistics (card, rows, 4, target);
  return card;
}

static void
test_card_round_trips_through_json (void)
{
  g_autoptr(BbLosCard) card = fixture_card ();
  g_autoptr(BbLosCard) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = bb_los_card_to_data (card, NULL);
  g_autofree char *second = NULL;
  const BbLosFeature *f;

  again = bb_los_card_new_from_data (first, -1, &error);
  g_assert_no_error (error);
  second = bb_los_card_to_data (again, NULL);
  g_assert_cmpstr (first, ==, second);

  g_assert_cmpstr (bb_los_card_get_name (again), ==, "icu-los");
  g_assert_cmpstr (bb_los_card_get_version (again), ==, "3");
  g_assert_cmpstr (bb_los_card_get_booster (again), ==, "icu-los.ubj");
  g_assert_cmpint (bb_los_card_get_distribution (again), ==, BB_AFT_LOGISTIC);
  g_assert_cmpfloat_with_epsilon (bb_los_card_get_scale (again), 0.53, 1e-12);
  g_assert_cmpuint (bb_los_card_get_n_features (again), ==, 3);
  f = bb_los_card_get_feature (again, 1);
  g_assert_cmpint (f->type, ==, BB_LOS_FEATURE_CATEGORICAL);
  g_assert_cmpuint (f->n_values, ==, 3);
  g_assert_cmpstr (f->values[2], ==, "Cardiac ICU");
  f = bb_los_card_get_feature (again, 0);
  g_assert_true (f->required);
  g_assert_cmpint (f->transform, ==, BB_LOS_TRANSFORM_AGE_90_PLUS);
  g_assert_cmpfloat (f->max, ==, 120);
  g_assert_cmpint (json_object_get_int_member (bb_los_card_get_section (again, "training"), "seed"), ==, 42);
}

static void
test_statistics_are_aggregates_of_the_rows (void)
{
  g_autoptr(BbLosCard) card = fixture_card ();
  JsonObject *stats = bb_los_card_get_section (card, "statistics");
  JsonObject *feats = json_object_get_object_member (stats, "features");
  JsonObject *age = json_object_get_object_member (feats, "age");
  JsonObject *unit = json_object_get_object_member (feats, "unittype");
  JsonArray *q = json_object_get_array_member (age, "quantiles");
  JsonObject *freq = json_object_get_object_member (unit, "frequencies");

  g_assert_cmpint (json_object_get_int_member (stats, "rows"), ==, 4);
  g_assert_cmpuint (json_array_get_length (q), ==, 21);
  /* Ages 40, 90, 65 (one missing): min 40, median 65, max 90. */
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (q, 0), 1), ==, 40);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (q, 10), 1), ==, 65);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (q, 20), 1), ==, 90);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (age, "missing"), 0.25, 1e-9);
  /* Codes 0, 1, 2, 0. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (freq, "Med-Surg ICU"), 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (freq, "MICU"), 0.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (freq, "Cardiac ICU"), 0.25, 1e-6);
  g_assert_cmpuint (json_object_get_size (freq), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (feats, "unitadmittime24"),
                                                    "missing"), ==, 0.25);
  g_assert_true (json_object_has_member (json_object_get_object_member (stats, "target"), "quantiles"));
}

static void
test_bad_cards_are_refused (void)
{
  const char *bad[] = {
    "[]",
    "{\"name\": \"x\"}",
    "{\"name\": \"x\", \"booster\": \"../etc/passwd\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"cauchy\", \"scale\": 1},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": -1},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1},"
    " \"features\": [{\"name\": \"a\", \"type\": \"categorical\", \"values\": [\"p\", \"p\"]}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}, {\"name\": \"a\", \"type\": \"numeric\"}]}",
    /* scale_when_missing: not an object, an unknown feature, a bad scale */
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1,"
    " \"scale_when_missing\": 2}, \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1,"
    " \"scale_when_missing\": {\"feature\": \"b\", \"scale\": 2}},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1,"
    " \"scale_when_missing\": {\"feature\": \"a\", \"scale\": 0}},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1,"
    " \"scale_when_missing\": {\"feature\": \"a\", \"scale\": \"wide\"}},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}",
    "{not json",
  };
  const char *good =
    "{\"name\": \"x\", \"booster\": \"x.ubj\", \"target\": {\"unit\": \"days\"},"
    " \"objective\": {\"name\": \"survival:aft\", \"distribution\": \"normal\", \"scale\": 1},"
    " \"features\": [{\"name\": \"a\", \"type\": \"numeric\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosCard) ok = bb_los_card_new_from_data (good, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ok);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(BbLosCard) card = bb_los_card_new_from_data (bad[i], -1, &error);
      g_assert_null (card);
      g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD);
      g_clear_error (&error);
    }
}

static JsonObject *
json_object_from (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_intake_features_encode_like_csv_values (void)
{
  g_autoptr(BbLosCard) card = fixture_card ();
  g_autoptr(JsonObject) a = json_object_from ("{\"age\": \"> 89\", \"unittype\": \"MICU\", \"unitadmittime24\": \"06:30:00\"}");
  g_autoptr(JsonObject) b = json_object_from ("{\"age\": 71.5, \"unitadmittime24\": null}");
  g_autoptr(GError) error = NULL;
  float row[3], from_csv;

  g_assert_true (bb_los_card_encode_json (card, a, BB_LOS_ENCODE_STRICT, row, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (row[0], ==, 90);
  g_assert_cmpfloat (row[1], ==, 1);
  g_assert_cmpfloat_with_epsilon (row[2], 6.5, 1e-6);
  g_assert_true (bb_los_card_encode_string (card, 2, "06:30:00", BB_LOS_ENCODE_STRICT, &from_csv, &error));
  g_assert_cmpfloat (from_csv, ==, row[2]);

  g_assert_true (bb_los_card_encode_json (card, b, BB_LOS_ENCODE_STRICT, row, &error));
  g_assert_cmpfloat (row[0], ==, 71.5f);
  g_assert_true (isnan (row[1]));
  g_assert_true (isnan (row[2]));
}

static void
test_bad_intake_features_name_the_field (void)
{
  g_autoptr(BbLosCard) card = fixture_card ();
  const struct { const char *json; int code; const char *field; } cases[] = {
    { "{\"age\": 50, \"unittype\": \"Burn ICU\"}", BB_MODEL_ERROR_UNKNOWN_CATEGORY, "features.unittype" },
    { "{\"age\": \"fifty\"}", BB_MODEL_ERROR_NOT_NUMERIC, "features.age" },
    { "{\"age\": 50, \"unitadmittime24\": \"25:00\"}", BB_MODEL_ERROR_NOT_NUMERIC, "features.unitadmittime24" },
    { "{\"age\": 500}", BB_MODEL_ERROR_OUT_OF_RANGE, "features.age" },
    { "{\"unittype\": \"MICU\"}", BB_MODEL_ERROR_MISSING_VALUE, "features.age" },
    { "{\"age\": 50, \"ethnicity\": \"x\"}", BB_MODEL_ERROR_INVALID_ARGUMENT, "features.ethnicity" },
    { "{\"age\": 50, \"unittype\": 3}", BB_MODEL_ERROR_INVALID_ARGUMENT, "features.unittype" },
    { "{\"age\": [50]}", BB_MODEL_ERROR_INVALID_ARGUMENT, "features.age" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) obj = json_object_from (cases[i].json);
      g_autoptr(GError) error = NULL;

      g_assert_false (bb_los_card_validate_features (card, obj, &error));
      g_assert_error (error, BB_MODEL_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].field) == NULL)
        g_error ("case %u: \"%s\" does not name %s", i, error->message, cases[i].field);
    }
}

/* Rows missing the group's feature take its scale, through a round trip;
 * the others the objective's. */
static void
test_rows_missing_the_group_feature_take_its_scale (void)
{
  g_autoptr(BbLosCard) card = fixture_card ();
  g_autoptr(BbLosCard) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  float with_unit[3] = { 40, 1, 10 }, without_unit[3] = { 40, NAN, 10 };
  double scale = 0;

  g_assert_null (bb_los_card_get_missing_scale (card, NULL));
  g_assert_cmpfloat (bb_los_card_row_scale (card, without_unit), ==, 0.53);

  bb_los_card_set_missing_scale (card, "unittype", 0.91);
  text = bb_los_card_to_data (card, NULL);
  g_assert_nonnull (strstr (text, "\"scale_when_missing\""));
  again = bb_los_card_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bb_los_card_get_missing_scale (again, &scale), ==, "unittype");
  g_assert_cmpfloat (scale, ==, 0.91);
  g_assert_cmpfloat (bb_los_card_row_scale (again, with_unit), ==, 0.53);
  g_assert_cmpfloat (bb_los_card_row_scale (again, without_unit), ==, 0.91);
  /* the quantiles follow the scale they are given */
  g_assert_cmpfloat (bb_los_card_quantile (again, 0, 0.91, 0.9), >, bb_los_card_quantile (again, 0, 0.53, 0.9));

  /* and clearing it leaves one scale for every row, and no member */
  bb_los_card_set_missing_scale (again, NULL, 0);
  g_assert_cmpfloat (bb_los_card_row_scale (again, without_unit), ==, 0.53);
  g_free (text);
  text = bb_los_card_to_data (again, NULL);
  g_assert_null (strstr (text, "scale_when_missing"));
}

static void
test_whole_day_targets_report_whole_day_quantiles (void)
{
  g_autoptr(BbLosCard) card = fixture_card ();
  double q;

  bb_los_card_set_objective (card, BB_AFT_NORMAL, 0.5);
  q = bb_los_card_quantile (card, log (2.7), 0.5, 0.5);
  g_assert_cmpfloat_with_epsilon (q, 2.7, 1e-9);
  bb_los_card_set_target (card, "los", "whole days", 1);
  g_assert_cmpfloat (bb_los_card_quantile (card, log (2.7), 0.5, 0.5), ==, 3);
  g_assert_cmpfloat (bb_los_card_quantile (card, log (0.2), 0.5, 0.5), ==, 1);
  g_assert_cmpfloat (bb_los_card_quantile (card, log (2.7), 0.5, 0.1), <=,
                     bb_los_card_quantile (card, log (2.7), 0.5, 0.5));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/los/card/round-trips-through-json", test_card_round_trips_through_json);
  g_test_add_func ("/los/card/statistics-are-aggregates-of-the-rows",
                   test_statistics_are_aggregates_of_the_rows);
  g_test_add_func ("/los/card/bad-cards-are-refused", test_bad_cards_are_refused);
  g_test_add_func ("/los/card/intake-features-encode-like-csv-values",
                   test_intake_features_encode_like_csv_values);
  g_test_add_func ("/los/card/bad-intake-features-name-the-field",
                   test_bad_intake_features_name_the_field);
  g_test_add_func ("/los/card/rows-missing-the-group-feature-take-its-scale",
                   test_rows_missing_the_group_feature_take_its_scale);
  g_test_add_func ("/los/card/whole-day-targets-report-whole-day-quantiles",
                   test_whole_day_targets_report_whole_day_quantiles);

  return g_test_run ();
}
