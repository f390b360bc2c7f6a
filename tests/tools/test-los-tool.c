/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-los-tool.c: runs the bedboard-los binary end to end on a small
 * synthetic eICU-shaped data set: train (twice, for determinism), evaluate,
 * predict, explain, and the errors people will meet. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

typedef struct
{
  char *dir;
  char *data;
  char *tool;
} Fixture;

static const char *dx[] = { "Sepsis, pulmonary", "CHF, congestive heart failure", "Overdose, street drugs", "Stroke" };
static const double dx_effect[] = { 0.8, 0.4, -0.6, 0.5 };
static const char *units[] = { "Med-Surg ICU", "MICU", "CCU-CTICU" };

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("patientunitstayid,uniquepid,gender,age,ethnicity,apacheadmissiondx,"
                                         "admissionheight,hospitaladmitoffset,hospitaladmitsource,unittype,"
                                         "unitadmittime24,unitadmitsource,unitvisitnumber,unitstaytype,"
                                         "admissionweight,unitdischargeoffset,unitdischargestatus\n");
  g_autoptr(GString) apache = g_string_new ("patientunitstayid,apacheversion,predictediculos\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  const char *build = g_getenv ("BB_BUILD_DIR");

  f->dir = g_dir_make_tmp ("bb-los-tool-XXXXXX", NULL);
  f->data = g_build_filename (f->dir, "patient.csv", NULL);
  f->tool = g_build_filename (build ? build : ".", "src", "tools", "bedboard-los", NULL);
  for (guint i = 0; i < 300; i++)
    {
      guint d = g_rand_int_range (rand, 0, 4);
      int age = g_rand_int_range (rand, 18, 95);
      double stay = exp (0.3 + dx_effect[d] + 0.01 * (age - 60) + g_rand_double_range (rand, -0.6, 0.6));
      char height[G_ASCII_DTOSTR_BUF_SIZE];
      char age_text[16];

      g_ascii_formatd (height, sizeof height, "%.1f", g_rand_double_range (rand, 150, 195));
      if (age > 89)
        g_strlcpy (age_text, "> 89", sizeof age_text);
      else
        g_snprintf (age_text, sizeof age_text, "%d", age);
      g_string_append_printf (csv, "%u,P-%u,%s,%s,Caucasian,\"%s\",%s,%d,Emergency Department,%s,"
                              "%02d:%02d:00,Floor,1,admit,%d,%d,Alive\n",
                              1000 + i, i / 2, g_rand_boolean (rand) ? "Female" : "Male",
                              age_text, dx[d], height,
                              -g_rand_int_range (rand, 0, 3000), units[i % 3],
                              g_rand_int_range (rand, 0, 24), g_rand_int_range (rand, 0, 60),
                              g_rand_int_range (rand, 50, 110), (int) (stay * 1440));
      g_string_append_printf (apache, "%u,IV,1.0\n%u,IVa,%.3f\n", 1000 + i, 1000 + i, 2.5);
    }
  g_assert_true (g_file_set_contents (f->data, csv->str, csv->len, NULL));
  {
    g_autofree char *ap = g_build_filename (f->dir, "apachePatientResult.csv", NULL);
    g_assert_true (g_file_set_contents (ap, apache->str, apache->len, NULL));
  }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->data);
  g_free (f->tool);
}

/* Runs the tool; returns its exit status. */
static int
run (Fixture     *f,
     char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, f->tool);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_train_is_deterministic_and_the_model_predicts (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *card_a = g_build_filename (f->dir, "a", "icu-los.card.json", NULL);
  g_autofree char *card_b = g_build_filename (f->dir, "b", "icu-los.card.json", NULL);
  g_autofree char *ubj_a = g_build_filename (f->dir, "a", "icu-los.ubj", NULL);
  g_autofree char *ubj_b = g_build_filename (f->dir, "b", "icu-los.ubj", NULL);
  g_autofree char *dir_a = g_path_get_dirname (card_a), *dir_b = g_path_get_dirname (card_b);
  g_autofree char *out = NULL, *err = NULL, *bytes_a = NULL, *bytes_b = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len_a = 0, len_b = 0;

  g_mkdir (dir_a, 0700);
  g_mkdir (dir_b, 0700);
  g_assert_cmpint (run (f, NULL, &err, "train", "--data", f->data, "--card", card_a, "--seed", "7", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "held out: MAE"));
  g_assert_nonnull (strstr (err, "apache_iva"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, NULL, NULL, "train", "--data", f->data, "--card", card_b, "--seed", "7", NULL), ==, 0);
  g_assert_true (g_file_get_contents (ubj_a, &bytes_a, &len_a, NULL));
  g_assert_true (g_file_get_contents (ubj_b, &bytes_b, &len_b, NULL));
  g_assert_cmpmem (bytes_a, len_a, bytes_b, len_b);

  /* The input keeps its outcome columns; predict ignores them. */
  g_assert_cmpint (run (f, &out, NULL, "predict", "--model", card_a, f->data, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "row,median_days,p10_days,p90_days");
  g_assert_cmpuint (g_strv_length (lines), ==, 302);   /* header, 300 rows, trailing "" */
  g_assert_true (g_str_has_prefix (lines[1], "1,"));
  g_assert_true (g_str_has_prefix (lines[300], "300,"));
  {
    g_auto(GStrv) cells = g_strsplit (lines[1], ",", -1);
    double median = g_ascii_strtod (cells[1], NULL), p10 = g_ascii_strtod (cells[2], NULL);
    double p90 = g_ascii_strtod (cells[3], NULL);
    g_assert_cmpfloat (p10, <, median);
    g_assert_cmpfloat (median, <, p90);
    g_assert_cmpfloat (median, >, 0.1);
    g_assert_cmpfloat (median, <, 30);
  }
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, NULL, "explain", "--model", card_a, f->data, "--row", "3", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "apacheadmissiondx"));
  g_assert_nonnull (strstr (out, "median"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, NULL, "evaluate", "--model", card_a, "--data", f->data, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "training_median"));
  g_assert_nonnull (strstr (out, "apache_iva"));
}

static void
test_bad_inputs_name_the_row_and_column (Fixture       *f,
                                         gconstpointer  data)
{
  g_autofree char *card = g_build_filename (f->dir, "icu-los.card.json", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.csv", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run (f, NULL, NULL, "train", "--data", f->data, "--card", card, NULL), ==, 0);

  {
    /* The fixture's first two rows, the second with a unit type the model never saw. */
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *joined = NULL;
    g_autoptr(GString) second = NULL;

    g_assert_true (g_file_get_contents (f->data, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", 4);
    second = g_string_new (lines[2]);
    g_assert_cmpuint (g_string_replace (second, ",MICU,", ",Burn ICU,", 1), ==, 1);
    joined = g_strdup_printf ("%s\n%s\n%s\n", lines[0], lines[1], second->str);
    g_assert_true (g_file_set_contents (bad, joined, -1, NULL));
  }
  g_assert_cmpint (run (f, NULL, &err, "predict", "--model", card, bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "row 2"));
  g_assert_nonnull (strstr (err, "\"unittype\""));
  g_assert_nonnull (strstr (err, "Burn ICU"));
  g_clear_pointer (&err, g_free);

  /* The card's other columns are missing from this file. */
  g_assert_true (g_file_set_contents (bad, "age,gender\n40,Male\n", -1, NULL));
  g_assert_cmpint (run (f, NULL, &err, "predict", "--model", card, bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "has no column"));
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (empty, "", -1, NULL));
  g_assert_cmpint (run (f, NULL, &err, "train", "--data", empty, "--card", card, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "empty"));
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (bad, "uniquepid,unitdischargeoffset,age\nP1,abc,40\n", -1, NULL));
  g_assert_cmpint (run (f, NULL, &err, "train", "--data", bad, "--card", card, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "row 1"));
  g_assert_nonnull (strstr (err, "\"unitdischargeoffset\""));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (f, NULL, &err, "explain", "--model", card, f->data, "--row", "9999", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no row 9999"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (f, NULL, &err, "frobnicate", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/los/tool/train-is-deterministic-and-the-model-predicts", Fixture, NULL,
              fixture_set_up, test_train_is_deterministic_and_the_model_predicts, fixture_tear_down);
  g_test_add ("/los/tool/bad-inputs-name-the-row-and-column", Fixture, NULL,
              fixture_set_up, test_bad_inputs_name_the_row_and_column, fixture_tear_down);

  return g_test_run ();
}
