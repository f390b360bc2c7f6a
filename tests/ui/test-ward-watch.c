/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ward-watch.c: the ward board's "Watch" toggle, under a display
 * (Xvfb) against a demo server with a staff login. It adds the shown
 * ward to the GSettings key watched-wards (which the watch notifier reads
 * for desktop notifications) and takes it out again, keeping the other
 * watched wards, and it follows the key when it changes elsewhere (the
 * preferences window) and when another ward is shown. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bb-client-context.h"
#include "bb-ward-board-page.h"
#include "bb-window.h"
#include "../server/bb-test-server.h"

typedef struct
{
  BbTestServer    *server;
  char            *dir;
  GSettings       *settings;
  BbClientContext *context;
  BbWindow        *window;
  BbWardBoardPage *page;
  GtkToggleButton *watch;
} Fixture;

static gboolean
role_is_staff (gpointer data)
{
  Fixture *f = data;

  return bb_session_get_role (bb_client_context_get_session (f->context)) == BB_ROLE_STAFF;
}

static gboolean
page_is_ready (gpointer data)
{
  Fixture *f = data;

  return bb_page_get_ready (BB_PAGE (f->page));
}

static gboolean
ward_one_shown (gpointer data)
{
  Fixture *f = data;

  bb_ward_board_page_select_ward (f->page, 1, 1);
  return bb_ward_board_page_get_ward_id (f->page) == 1;
}

static gboolean
ward_two_shown (gpointer data)
{
  Fixture *f = data;

  bb_ward_board_page_select_ward (f->page, 1, 2);
  return bb_ward_board_page_get_ward_id (f->page) == 2;
}

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bb_session_login_finish (BB_SESSION (source), result, &error));
  g_assert_no_error (error);
}

/* The toggle is the page's only GtkToggleButton with the watch tooltip. */
static GtkToggleButton *
find_watch_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkToggleButton *found;
      const char *tooltip;

      if (GTK_IS_TOGGLE_BUTTON (child))
        {
          tooltip = gtk_widget_get_tooltip_text (child);
          if (tooltip != NULL && g_str_has_prefix (tooltip, "Notify me"))
            return GTK_TOGGLE_BUTTON (child);
        }
      found = find_watch_button (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
set_watched (Fixture      *f,
             const gint64 *ids,
             gsize         n)
{
  g_settings_set_value (f->settings, "watched-wards",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, ids, n, sizeof (gint64)));
}

/* The watched ids as "1,7" (in the key's order), for comparing. */
static char *
watched (Fixture *f)
{
  g_autoptr(GVariant) value = g_settings_get_value (f->settings, "watched-wards");
  GString *text = g_string_new (NULL);
  gsize n = 0;
  const gint64 *ids = g_variant_get_fixed_array (value, &n, sizeof (gint64));

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  return g_string_free (text, FALSE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *demo[] = { "--demo", NULL };
  g_autofree char *snapshot = NULL;

  f->dir = g_dir_make_tmp ("bb-watch-test-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);

  f->settings = g_settings_new ("org.bedboard.Bedboard");
  g_settings_reset (f->settings, "watched-wards");
  g_settings_reset (f->settings, "ward-board-hospital");
  g_settings_reset (f->settings, "ward-board-ward");
  snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  f->context = bb_client_context_new (f->settings, f->server->base_url, snapshot);
  f->window = bb_window_new (NULL, f->context);
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  bb_client_context_start (f->context);

  bb_session_login_async (bb_client_context_get_session (f->context), "staff@demo.bedboard", "demo",
                          NULL, on_login, NULL);
  g_assert_true (bb_test_wait_until (role_is_staff, f, 20));
  g_assert_true (bb_window_show_page (f->window, "ward"));
  f->page = BB_WARD_BOARD_PAGE (bb_window_get_page (f->window, "ward"));
  g_assert_nonnull (f->page);
  g_assert_true (bb_test_wait_until (page_is_ready, f, 20));
  g_assert_true (bb_test_wait_until (ward_one_shown, f, 20));
  f->watch = find_watch_button (GTK_WIDGET (f->page));
  g_assert_nonnull (f->watch);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);

  bb_client_context_stop (f->context);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->context);
  g_settings_reset (f->settings, "watched-wards");
  g_clear_object (&f->settings);
  g_clear_pointer (&f->server, bb_test_server_free);
  g_unlink (snapshot);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_watch_adds_and_removes_the_shown_ward (Fixture       *f,
                                            gconstpointer  data)
{
  const gint64 other[] = { 7 };
  g_autofree char *before = NULL;
  g_autofree char *on = NULL;
  g_autofree char *off = NULL;

  set_watched (f, other, G_N_ELEMENTS (other));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (f->watch)));
  g_assert_false (gtk_toggle_button_get_active (f->watch));
  before = watched (f);
  g_assert_cmpstr (before, ==, "7");

  g_signal_emit_by_name (f->watch, "clicked");   /* as a click does */
  on = watched (f);
  g_assert_true (gtk_toggle_button_get_active (f->watch));
  g_assert_cmpstr (on, ==, "7,1");

  g_signal_emit_by_name (f->watch, "clicked");
  off = watched (f);
  g_assert_false (gtk_toggle_button_get_active (f->watch));
  g_assert_cmpstr (off, ==, "7");
}

static void
test_watch_follows_the_settings_and_the_shown_ward (Fixture       *f,
                                                    gconstpointer  data)
{
  const gint64 one[] = { 1 };
  const gint64 two[] = { 2 };
  g_autofree char *kept = NULL;

  /* Chosen elsewhere (the preferences window): the toggle shows it, and
   * showing that does not write the key again. */
  set_watched (f, one, G_N_ELEMENTS (one));
  g_assert_true (gtk_toggle_button_get_active (f->watch));

  g_assert_true (bb_test_wait_until (ward_two_shown, f, 20));
  g_assert_false (gtk_toggle_button_get_active (f->watch));
  kept = watched (f);
  g_assert_cmpstr (kept, ==, "1");

  set_watched (f, two, G_N_ELEMENTS (two));
  g_assert_true (gtk_toggle_button_get_active (f->watch));
  g_assert_true (bb_test_wait_until (ward_one_shown, f, 20));
  g_assert_false (gtk_toggle_button_get_active (f->watch));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("BEDBOARD_FAST_HASH", "1", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ward-board/watch/adds-and-removes-the-shown-ward", Fixture, NULL,
              fixture_set_up, test_watch_adds_and_removes_the_shown_ward, fixture_tear_down);
  g_test_add ("/ward-board/watch/follows-the-settings-and-the-shown-ward", Fixture, NULL,
              fixture_set_up, test_watch_follows_the_settings_and_the_shown_ward, fixture_tear_down);

  return g_test_run ();
}
