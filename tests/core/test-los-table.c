/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-los-table.c: reading stay data: RFC 4180 quoting, gzip, and errors
 * that name the row and column. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

#include <glib/gstdio.h>

#include "bb-los-card.h"
#include "bb-los-table.h"
#include "bb-model-error.h"

static BbLosTable *
table_from_string (const char *text)
{
  g_autoptr(GError) error = NULL;
  BbLosTable *t = bb_los_table_new_from_data ("fixture.csv", text, strlen (text), &error);
  g_assert_no_error (error);
  return t;
}

static void
test_quoted_commas_quotes_and_newlines_are_one_value (void)
{
  g_autoptr(BbLosTable) t = table_from_string (
    "id,dx,note\r\n"
    "1,\"Rhythm disturbance (atrial, supraventricular)\",plain\r\n"
    "2,\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
    "3,,\n");

  g_assert_cmpuint (bb_los_table_get_n_rows (t), ==, 3);
  g_assert_cmpuint (bb_los_table_get_n_columns (t), ==, 3);
  g_assert_cmpstr (bb_los_table_get (t, 0, 1), ==, "Rhythm disturbance (atrial, supraventricular)");
  g_assert_cmpstr (bb_los_table_get (t, 1, 1), ==, "say \"hi\"");
  g_assert_cmpstr (bb_los_table_get (t, 1, 2), ==, "two\nlines");
  g_assert_cmpstr (bb_los_table_get (t, 2, 1), ==, "");
  g_assert_cmpstr (bb_los_table_get (t, 2, 2), ==, "");
  g_assert_cmpint (bb_los_table_find_column (t, "note"), ==, 2);
  g_assert_cmpint (bb_los_table_find_column (t, "nope"), ==, -1);
}

static void
test_gzip_and_plain_files_read_the_same (void)
{
  const char *text = "a,b\n1,x\n2,\"y,z\"\n";
  g_autofree char *dir = g_dir_make_tmp ("bb-los-table-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *gz = g_build_filename (dir, "t.csv.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosTable) a = NULL;
  g_autoptr(BbLosTable) b = NULL;
  gzFile f;

  g_assert_true (g_file_set_contents (plain, text, -1, NULL));
  f = gzopen (gz, "wb");
  g_assert_nonnull (f);
  g_assert_cmpint (gzwrite (f, text, strlen (text)), ==, (int) strlen (text));
  gzclose (f);

  a = bb_los_table_load (plain, &error);
  g_assert_no_error (error);
  b = bb_los_table_load (gz, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bb_los_table_get_n_rows (a), ==, 2);
  g_assert_cmpuint (bb_los_table_get_n_rows (b), ==, 2);
  g_assert_cmpstr (bb_los_table_get (b, 1, 1), ==, "y,z");
  g_assert_cmpstr (bb_los_table_get (a, 1, 1), ==, bb_los_table_get (b, 1, 1));
  g_assert_cmpstr (bb_los_table_get_name (b), ==, "t.csv.gz");

  g_unlink (plain);
  g_unlink (gz);
  g_rmdir (dir);
}

static void
test_empty_file_is_an_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosTable) t = bb_los_table_new_from_data ("empty.csv", "", 0, &error);

  g_assert_null (t);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "empty.csv"));
  g_clear_error (&error);

  t = bb_los_table_new_from_data ("header.csv", "a,b\n", 4, &error);
  g_assert_null (t);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_EMPTY);
}

static void
test_missing_file_is_an_io_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosTable) t = bb_los_table_load ("/nonexistent/stays.csv", &error);

  g_assert_null (t);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_IO);
}

static void
test_ragged_rows_and_open_quotes_name_the_row (void)
{
  const char *ragged = "a,b\n1,2\n3\n";
  const char *open_quote = "a,b\n1,\"2\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosTable) t = bb_los_table_new_from_data ("r.csv", ragged, strlen (ragged), &error);

  g_assert_null (t);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "row 2"));
  g_clear_error (&error);

  t = bb_los_table_new_from_data ("q.csv", open_quote, strlen (open_quote), &error);
  g_assert_null (t);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "row 1"));
}

static void
test_non_numeric_value_names_row_and_column (void)
{
  g_autoptr(BbLosTable) t = table_from_string ("los,age\n3,40\nthree,50\n");
  g_autoptr(GError) error = NULL;
  double v = 0;

  g_assert_true (bb_los_table_get_double (t, 0, 0, &v, &error));
  g_assert_cmpfloat (v, ==, 3);
  g_assert_false (bb_los_table_get_double (t, 1, 0, &v, &error));
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_NOT_NUMERIC);
  g_assert_nonnull (strstr (error->message, "row 2"));
  g_assert_nonnull (strstr (error->message, "\"los\""));
  g_assert_nonnull (strstr (error->message, "three"));
}

static BbLosCard *
small_card (void)
{
  BbLosCard *card = bb_los_card_new ();
  const char *values[] = { "F", "M", NULL };

  bb_los_card_set_name (card, "fixture");
  bb_los_card_set_booster (card, "fixture.ubj");
  bb_los_card_set_target (card, "los", "los", 0);
  bb_los_card_add_numeric_feature (card, "age", "years", BB_LOS_TRANSFORM_AGE_90_PLUS, 0, 120,
                                   FALSE, "years");
  bb_los_card_add_categorical_feature (card, "sex", values, FALSE, FALSE, "code");
  return card;
}

static void
test_encoding_a_table_names_the_bad_row_and_column (void)
{
  g_autoptr(BbLosCard) card = small_card ();
  g_autoptr(GError) error = NULL;
  g_autofree float *rows = NULL;
  g_autoptr(BbLosTable) good = table_from_string ("sex,age,los\nM,> 89,3\nF,,2\n,40,1\n");
  g_autoptr(BbLosTable) unknown = table_from_string ("sex,age\nM,40\nX,50\n");
  g_autoptr(BbLosTable) not_number = table_from_string ("sex,age\nM,40\nF,fifty\n");
  g_autoptr(BbLosTable) no_column = table_from_string ("gender,age\nM,40\n");

  rows = bb_los_card_encode_table (card, good, BB_LOS_ENCODE_STRICT, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (rows[0], ==, 90);   /* "> 89" */
  g_assert_cmpfloat (rows[1], ==, 1);    /* M */
  g_assert_true (isnan (rows[2]));       /* blank age */
  g_assert_cmpfloat (rows[3], ==, 0);
  g_assert_true (isnan (rows[5]));       /* blank sex */
  g_clear_pointer (&rows, g_free);

  rows = bb_los_card_encode_table (card, unknown, BB_LOS_ENCODE_STRICT, &error);
  g_assert_null (rows);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_UNKNOWN_CATEGORY);
  g_assert_nonnull (strstr (error->message, "row 2"));
  g_assert_nonnull (strstr (error->message, "\"sex\""));
  g_assert_nonnull (strstr (error->message, "\"X\""));
  g_clear_error (&error);

  rows = bb_los_card_encode_table (card, not_number, BB_LOS_ENCODE_STRICT, &error);
  g_assert_null (rows);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_NOT_NUMERIC);
  g_assert_nonnull (strstr (error->message, "row 2"));
  g_assert_nonnull (strstr (error->message, "\"age\""));
  g_clear_error (&error);

  rows = bb_los_card_encode_table (card, no_column, BB_LOS_ENCODE_STRICT, &error);
  g_assert_null (rows);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "\"sex\""));
}

static void
test_out_of_range_values_are_missing_in_files_but_refused_strictly (void)
{
  g_autoptr(BbLosCard) card = small_card ();
  g_autoptr(BbLosTable) t = table_from_string ("sex,age\nM,400\n");
  g_autoptr(GError) error = NULL;
  g_autofree float *rows = NULL;

  rows = bb_los_card_encode_table (card, t, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (rows[0]));
  g_clear_pointer (&rows, g_free);

  rows = bb_los_card_encode_table (card, t, BB_LOS_ENCODE_STRICT, &error);
  g_assert_null (rows);
  g_assert_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "row 1"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/los/table/quoted-commas-quotes-and-newlines-are-one-value",
                   test_quoted_commas_quotes_and_newlines_are_one_value);
  g_test_add_func ("/los/table/gzip-and-plain-files-read-the-same",
                   test_gzip_and_plain_files_read_the_same);
  g_test_add_func ("/los/table/empty-file-is-an-error", test_empty_file_is_an_error);
  g_test_add_func ("/los/table/missing-file-is-an-io-error", test_missing_file_is_an_io_error);
  g_test_add_func ("/los/table/ragged-rows-and-open-quotes-name-the-row",
                   test_ragged_rows_and_open_quotes_name_the_row);
  g_test_add_func ("/los/table/non-numeric-value-names-row-and-column",
                   test_non_numeric_value_names_row_and_column);
  g_test_add_func ("/los/table/encoding-names-the-bad-row-and-column",
                   test_encoding_a_table_names_the_bad_row_and_column);
  g_test_add_func ("/los/table/out-of-range-values-are-missing-in-files-but-refused-strictly",
                   test_out_of_range_values_are_missing_in_files_but_refused_strictly);

  return g_test_run ();
}
