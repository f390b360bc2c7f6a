/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-translations.c: the Hindi translation is complete and the list of
 * files with strings is too, so a page added without translating it (or
 * without listing it in po/POTFILES.in) fails here rather than showing
 * English in the middle of a Hindi window.
 *
 * The messages are extracted afresh from the files in po/POTFILES.in with
 * the same xgettext keywords as meson's "glib" preset, and po/hi.po must
 * translate every one of them (msgcmp), with no fuzzy or untranslated entry
 * (msgfmt --check --statistics). */
#define G_LOG_DOMAIN "test-translations"

#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <locale.h>
#include <string.h>

static char *
source_path (const char *relative)
{
  const char *root = g_getenv ("BB_SOURCE_DIR");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

/* Runs argv in the source root; returns its exit status, with its output. */
static int
run (const char * const *argv,
     char              **out,
     char              **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = source_path (".");
  int status = -1;

  if (!g_spawn_sync (root, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out, err, &status, &error))
    g_error ("%s could not run: %s", argv[0], error->message);
  return g_spawn_check_wait_status (status, NULL) ? 0 : MAX (status, 1);
}

/* The files listed in po/POTFILES.in, in order, without comments. */
static GPtrArray *
read_potfiles (void)
{
  g_autofree char *path = source_path ("po/POTFILES.in");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0' && lines[i][0] != '#')
        g_ptr_array_add (files, g_strdup (lines[i]));
    }
  return files;
}

static gboolean
potfiles_list (GPtrArray  *files,
               const char *file)
{
  for (guint i = 0; i < files->len; i++)
    if (g_str_equal (files->pdata[i], file))
      return TRUE;
  return FALSE;
}

/* Whether a C source or a GtkBuilder file has a string for translators. */
static gboolean
has_translatable_strings (const char *relative)
{
  static const char * const c_marks[] = { "_(\"", "N_(\"", "C_(\"", "NC_(\"", "ngettext (", "g_dpgettext2 (" };
  g_autofree char *path = source_path (relative);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  if (g_str_has_suffix (relative, ".ui"))
    return strstr (text, "translatable=\"yes\"") != NULL;
  for (guint i = 0; i < G_N_ELEMENTS (c_marks); i++)
    if (strstr (text, c_marks[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
check_directory_is_listed (GPtrArray  *potfiles,
                           const char *dir,
                           const char *suffix)
{
  g_autofree char *path = source_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = g_dir_open (path, 0, &error);
  const char *name;
  guint checked = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *relative = NULL;

      if (!g_str_has_suffix (name, suffix))
        continue;
      relative = g_strconcat (dir, "/", name, NULL);
      checked++;
      if (has_translatable_strings (relative) && !potfiles_list (potfiles, relative))
        g_test_message ("%s has strings to translate but is not in po/POTFILES.in", relative);
      g_assert_true (!has_translatable_strings (relative) || potfiles_list (potfiles, relative));
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_potfiles_list_every_file_with_strings (void)
{
  g_autoptr(GPtrArray) potfiles = read_potfiles ();

  check_directory_is_listed (potfiles, "src/client", ".c");
  check_directory_is_listed (potfiles, "ui", ".ui");
}

static void
test_potfiles_list_only_files_that_exist (void)
{
  g_autoptr(GPtrArray) potfiles = read_potfiles ();

  g_assert_cmpuint (potfiles->len, >, 0);
  for (guint i = 0; i < potfiles->len; i++)
    {
      g_autofree char *path = source_path (potfiles->pdata[i]);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_test_message ("po/POTFILES.in lists %s, which does not exist", (char *) potfiles->pdata[i]);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

/* xgettext 0.21 keeps guessing "c-format" for GtkBuilder strings it reads
 * after a C file, and then "85% or 92%" in a label cannot be translated
 * without msgfmt --check failing: the .ui files must come first. */
static void
test_potfiles_list_builder_files_before_c_files (void)
{
  g_autoptr(GPtrArray) potfiles = read_potfiles ();
  const char *first_c = NULL;

  for (guint i = 0; i < potfiles->len; i++)
    {
      const char *file = potfiles->pdata[i];

      if (first_c == NULL && g_str_has_suffix (file, ".c"))
        first_c = file;
      if (first_c != NULL && g_str_has_suffix (file, ".ui"))
        g_test_message ("%s comes after %s in po/POTFILES.in", file, first_c);
      g_assert_true (first_c == NULL || !g_str_has_suffix (file, ".ui"));
    }
}

static void
test_hindi_has_no_untranslated_or_fuzzy_message (void)
{
  const char *argv[] = { "msgfmt", "--check", "--statistics", "-o", "/dev/null", "po/hi.po", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = run (argv, &out, &err);

  g_test_message ("msgfmt: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, " translated message"));
  g_assert_null (strstr (err, "untranslated"));
  g_assert_null (strstr (err, "fuzzy"));
}

/* Every message in the sources today, not only those in hi.po. */
static void
test_hindi_translates_every_message_of_the_sources (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bb-translations-XXXXXX", NULL);
  g_autofree char *pot = g_build_filename (dir, "bedboard.pot", NULL);
  g_autofree char *potfiles = source_path ("po/POTFILES.in");
  /* meson's i18n "glib" preset */
  const char *xgettext[] = {
    "xgettext", "--package-name=bedboard", "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--files-from", potfiles, "-o", pot, NULL
  };
  const char *msgcmp[] = { "msgcmp", "po/hi.po", pot, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cmp_out = NULL;
  g_autofree char *cmp_err = NULL;
  int status;

  g_assert_nonnull (dir);
  status = run (xgettext, &out, &err);
  g_assert_cmpint (status, ==, 0);
  /* "%" G_GINT64_FORMAT inside _() cuts the msgid short ("bed %"), and the
   * string is never translated: PRId64 is what xgettext understands. */
  if (strstr (err, "not a valid C format string") != NULL)
    g_test_message ("xgettext: %s", err);
  g_assert_null (strstr (err, "not a valid C format string"));
  g_assert_true (g_file_test (pot, G_FILE_TEST_IS_REGULAR));

  /* Untranslated and fuzzy entries of hi.po count as missing. */
  status = run (msgcmp, &cmp_out, &cmp_err);
  if (status != 0)
    g_test_message ("messages of the sources that po/hi.po does not translate:\n%s", cmp_err);
  g_assert_cmpint (status, ==, 0);

  g_unlink (pot);
  g_rmdir (dir);
}

/* The build's .mo is where BEDBOARD_LOCALEDIR points the client, and it
 * turns the client's words into Hindi. */
static void
test_hindi_catalogue_of_the_build_translates_the_client (void)
{
  g_autofree char *localedir = g_build_filename (g_getenv ("BB_BUILD_DIR"), "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "hi", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("no C.UTF-8 locale");
      return;
    }
  g_setenv ("LANGUAGE", "hi", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Ward Board"), ==, "वार्ड बोर्ड");
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "beds", "free"), ==, "खाली");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u bed free", "%u beds free", 3), ==, "%u बिस्तर खाली");
  /* A 64-bit number in a message: the catalogue's <PRId64> is this
   * platform's, so the English string as the program has it is found. */
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Booking %" PRId64 " is held"), ==,
                   "बुकिंग %" PRId64 " रोकी गई है");
  g_unsetenv ("LANGUAGE");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/translations/potfiles/list-every-file-with-strings",
                   test_potfiles_list_every_file_with_strings);
  g_test_add_func ("/translations/potfiles/list-only-files-that-exist",
                   test_potfiles_list_only_files_that_exist);
  g_test_add_func ("/translations/potfiles/list-builder-files-before-c-files",
                   test_potfiles_list_builder_files_before_c_files);
  g_test_add_func ("/translations/hindi/has-no-untranslated-or-fuzzy-message",
                   test_hindi_has_no_untranslated_or_fuzzy_message);
  g_test_add_func ("/translations/hindi/translates-every-message-of-the-sources",
                   test_hindi_translates_every_message_of_the_sources);
  g_test_add_func ("/translations/hindi/catalogue-of-the-build-translates-the-client",
                   test_hindi_catalogue_of_the_build_translates_the_client);

  return g_test_run ();
}
