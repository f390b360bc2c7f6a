/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window.c: the main window under a display (Xvfb): it builds
 * from its template, shows the pages of its table by the session's role,
 * says when the data is stale, and on a first run without a server offers
 * the server settings instead of an empty window. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bb-client-context.h"
#include "bb-login-dialog.h"
#include "bb-preferences-window.h"
#include "bb-window.h"
#include "../server/bb-test-server.h"

typedef struct
{
  BbTestServer    *server;
  char            *dir;
  BbClientContext *context;
  BbWindow        *window;
} Fixture;

static GSettings *
test_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  schema = source != NULL ? g_settings_schema_source_lookup (source, "org.bedboard.Bedboard", TRUE) : NULL;
  g_assert_nonnull (schema); /* GSETTINGS_SCHEMA_DIR is the build's data/ */
  return g_settings_new ("org.bedboard.Bedboard");
}

static void
make_window (Fixture    *f,
             const char *url)
{
  g_autoptr(GSettings) settings = test_settings ();
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);

  f->context = bb_client_context_new (settings, url, snapshot);
  f->window = bb_window_new (NULL, f->context);
  g_object_ref_sink (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  bb_client_context_start (f->context);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *demo[] = { "--demo", NULL };

  f->dir = g_dir_make_tmp ("bb-window-test-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);

  if (f->context != NULL)
    bb_client_context_stop (f->context);
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->context);
  g_clear_pointer (&f->server, bb_test_server_free);
  g_unlink (snapshot);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* With BB_TEST_SCREENSHOT_DIR set, keeps a picture of a dialog to look at. */
static void
keep_dialog_picture (GtkWidget  *dialog,
                     const char *name)
{
  const char *dir = g_getenv ("BB_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w, h;

  if (dir == NULL)
    return;
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  path = g_strdup_printf ("%s/%s.png", dir, name);
  w = gtk_widget_get_width (dialog);
  h = gtk_widget_get_height (dialog);
  paintable = gtk_widget_paintable_new (dialog);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (dialog)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* With BB_TEST_SCREENSHOT_DIR set, keeps a picture of the window to look at. */
static void
keep_picture (Fixture    *f,
              const char *name)
{
  const char *dir = g_getenv ("BB_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  path = g_strdup_printf ("%s/%s.png", dir, name);
  /* Let the last change be laid out and drawn. */
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (bb_window_render_to_png (f->window, path, &error));
  g_assert_no_error (error);
}

static const char *
main_stack_name (BbWindow *window)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), BB_TYPE_WINDOW, "main_stack"));

  return gtk_stack_get_visible_child_name (stack);
}

static gboolean
window_shows_data (gpointer data)
{
  Fixture *f = data;
  const char *name = main_stack_name (f->window);

  return bb_client_context_get_online (f->context) &&
         (g_strcmp0 (name, "pages") == 0 || g_strcmp0 (name, "no-pages") == 0);
}

static gboolean
logged_in_role (gpointer data)
{
  Fixture *f = data;

  return bb_session_get_role (bb_client_context_get_session (f->context)) != BB_ROLE_NONE;
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

static void
assert_pages_follow_role (Fixture *f,
                          BbRole   role)
{
  const char **names = bb_window_get_page_names ();
  guint visible = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      BbPage *page = bb_window_get_page (f->window, names[i]);

      g_assert_nonnull (page);
      g_assert_cmpstr (bb_page_get_title (page), !=, "");
      g_assert_cmpint (bb_window_page_is_visible (f->window, names[i]), ==,
                       role >= bb_page_get_min_role (page));
      if (bb_window_page_is_visible (f->window, names[i]))
        {
          g_assert_true (bb_window_show_page (f->window, names[i]));
          g_assert_cmpstr (bb_window_get_visible_page_name (f->window), ==, names[i]);
          visible++;
        }
      else
        g_assert_false (bb_window_show_page (f->window, names[i]));
    }
  g_assert_cmpstr (main_stack_name (f->window), ==, visible > 0 ? "pages" : "no-pages");
}

static void
test_window_shows_pages_by_role (Fixture       *f,
                                 gconstpointer  data)
{
  static const struct { const char *email; BbRole role; } users[] = {
    { "family@demo.bedboard", BB_ROLE_FAMILY },
    { "staff@demo.bedboard", BB_ROLE_STAFF },
    { "admin@demo.bedboard", BB_ROLE_ADMIN },
  };
  BbSession *session;
  GtkWidget *login_button;
  GtkWidget *user_avatar;

  make_window (f, f->server->base_url);
  session = bb_client_context_get_session (f->context);
  login_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), BB_TYPE_WINDOW, "login_button"));
  user_avatar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), BB_TYPE_WINDOW, "user_avatar"));

  g_assert_true (bb_test_wait_until (window_shows_data, f, 20));
  g_assert_false (gtk_revealer_get_reveal_child (
    GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (f->window), BB_TYPE_WINDOW, "offline_revealer"))));
  g_assert_true (gtk_widget_get_visible (login_button));
  g_assert_false (gtk_widget_get_visible (user_avatar));
  assert_pages_follow_role (f, BB_ROLE_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      bb_session_forget (session);
      bb_session_login_async (session, users[i].email, "demo", NULL, on_login, NULL);
      g_assert_true (bb_test_wait_until (logged_in_role, f, 20));
      g_assert_cmpint (bb_session_get_role (session), ==, users[i].role);
      g_assert_false (gtk_widget_get_visible (login_button));
      g_assert_true (gtk_widget_get_visible (user_avatar));
      g_assert_cmpstr (adw_avatar_get_text (ADW_AVATAR (user_avatar)), ==, bb_session_get_name (session));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (user_avatar), bb_session_get_name (session)));
      assert_pages_follow_role (f, users[i].role);
    }

  bb_session_logout (session);
  g_assert_true (gtk_widget_get_visible (login_button));
  assert_pages_follow_role (f, BB_ROLE_NONE);
}

static gboolean
banner_shown (gpointer data)
{
  Fixture *f = data;
  GtkRevealer *revealer =
    GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (f->window), BB_TYPE_WINDOW, "offline_revealer"));

  return gtk_revealer_get_reveal_child (revealer);
}

static gboolean
banner_hidden (gpointer data)
{
  return !banner_shown (data);
}

static void
test_window_says_when_data_is_stale (Fixture       *f,
                                     gconstpointer  data)
{
  GtkLabel *label;
  g_autofree char *port = NULL;
  const char *restart[] = { "--demo", "--port", NULL, NULL };

  make_window (f, f->server->base_url);
  g_assert_true (bb_test_wait_until (window_shows_data, f, 20));

  port = g_strdup_printf ("%u", f->server->port);
  bb_test_server_stop (f->server, TRUE);
  g_assert_true (bb_test_wait_until (banner_shown, f, 10));
  label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (f->window), BB_TYPE_WINDOW, "offline_label"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (label), "Offline since "));
  keep_picture (f, "window-offline");
  g_assert_nonnull (strstr (gtk_label_get_text (label), "showing the last snapshot"));
  /* What was shown stays shown. */
  g_assert_true (g_strcmp0 (main_stack_name (f->window), "pages") == 0 ||
                 g_strcmp0 (main_stack_name (f->window), "no-pages") == 0);

  restart[2] = port;
  bb_test_server_start (f->server, restart);
  /* The "Retry Now" button's action: no waiting for the backoff. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reconnect", NULL);
  g_assert_true (bb_test_wait_until (banner_hidden, f, 20));
  g_assert_true (bb_test_wait_until (window_shows_data, f, 20));
}

static void
test_first_run_without_server_offers_settings (Fixture       *f,
                                               gconstpointer  data)
{
  GtkWidget *status;

  /* Nothing listens on port 9 and there is no snapshot yet. */
  make_window (f, "http://127.0.0.1:9");
  g_assert_true (bb_test_wait_until ((BbTestCondition) bb_client_context_get_first_run_failed, f->context, 20));
  g_assert_cmpstr (main_stack_name (f->window), ==, "unreachable");
  status = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), BB_TYPE_WINDOW, "unreachable_page"));
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), "http://127.0.0.1:9"));
  keep_picture (f, "window-first-run");
}

static gboolean
label_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static void
test_login_dialog_says_why_and_logs_in (Fixture       *f,
                                        gconstpointer  data)
{
  BbLoginDialog *dialog;
  GtkWidget *email, *password, *button, *error_label;
  gpointer weak;

  make_window (f, f->server->base_url);
  g_assert_true (bb_test_wait_until (window_shows_data, f, 20));
  dialog = bb_login_dialog_new (GTK_WINDOW (f->window), f->context);
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_window_present (GTK_WINDOW (dialog));
  email = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), BB_TYPE_LOGIN_DIALOG, "email_row"));
  password = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), BB_TYPE_LOGIN_DIALOG, "password_row"));
  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), BB_TYPE_LOGIN_DIALOG, "login_button"));
  error_label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), BB_TYPE_LOGIN_DIALOG, "error_label"));

  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (email), "staff@demo.bedboard");
  gtk_editable_set_text (GTK_EDITABLE (password), "not the password");
  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_widget_activate (button);
  g_assert_true (bb_test_wait_until (label_visible, error_label, 20));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Wrong e-mail or password.");
  keep_dialog_picture (GTK_WIDGET (dialog), "login-dialog-error");
  g_assert_cmpint (bb_session_get_role (bb_client_context_get_session (f->context)), ==, BB_ROLE_NONE);

  gtk_editable_set_text (GTK_EDITABLE (password), "demo");
  gtk_widget_activate (button);
  g_assert_true (bb_test_wait_until (logged_in_role, f, 20));
  g_assert_cmpint (bb_session_get_role (bb_client_context_get_session (f->context)), ==, BB_ROLE_STAFF);
  /* The dialog closes itself and the address is remembered. */
  while (weak != NULL && g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (weak);
  {
    g_autofree char *last = g_settings_get_string (bb_client_context_get_settings (f->context), "last-email");

    g_assert_cmpstr (last, ==, "staff@demo.bedboard");
  }
}

static void
test_preferences_refuse_a_bad_address (Fixture       *f,
                                       gconstpointer  data)
{
  BbPreferencesWindow *prefs;
  GtkWidget *row, *error_label;
  BbApiClient *api;

  make_window (f, f->server->base_url);
  g_assert_true (bb_test_wait_until (window_shows_data, f, 20));
  api = bb_client_context_get_api (f->context);
  prefs = bb_preferences_window_new (GTK_WINDOW (f->window), f->context);
  gtk_window_present (GTK_WINDOW (prefs));
  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (prefs), BB_TYPE_PREFERENCES_WINDOW, "server_row"));
  error_label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (prefs), BB_TYPE_PREFERENCES_WINDOW, "server_error_label"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, f->server->base_url);

  gtk_editable_set_text (GTK_EDITABLE (row), "ftp://nowhere");
  g_signal_emit_by_name (row, "apply");
  g_assert_true (gtk_widget_get_visible (error_label));
  keep_dialog_picture (GTK_WIDGET (prefs), "preferences-error");
  g_assert_cmpstr (bb_api_client_get_base_url (api), ==, f->server->base_url);

  gtk_editable_set_text (GTK_EDITABLE (row), "http://127.0.0.1:9");
  g_signal_emit_by_name (row, "apply");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (bb_api_client_get_base_url (api), ==, "http://127.0.0.1:9");
  {
    g_autofree char *saved = g_settings_get_string (bb_client_context_get_settings (f->context), "server-url");

    g_assert_cmpstr (saved, ==, "http://127.0.0.1:9");
  }
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* GTK 4.8 under Xvfb without a window manager warns when a focused entry's
 * window goes away; that is the X server's doing, not ours. */
static gboolean
on_log_fatal (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        data)
{
  return !(g_strcmp0 (domain, "Gtk") == 0 && strstr (message, "did not receive a focus-out event") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* Without a session bus (the ui tests run without one) the accessibility bridge
   * would warn, and warnings are fatal in tests. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_test_log_set_fatal_handler (on_log_fatal, NULL);

  g_test_add ("/ui/window/shows-the-pages-a-role-may-see", Fixture, NULL,
              fixture_set_up, test_window_shows_pages_by_role, fixture_tear_down);
  g_test_add ("/ui/window/says-when-the-data-is-stale-and-recovers", Fixture, NULL,
              fixture_set_up, test_window_says_when_data_is_stale, fixture_tear_down);
  g_test_add ("/ui/login-dialog/says-why-a-login-failed-then-logs-in", Fixture, NULL,
              fixture_set_up, test_login_dialog_says_why_and_logs_in, fixture_tear_down);
  g_test_add ("/ui/preferences/refuse-a-bad-address-and-apply-a-good-one", Fixture, NULL,
              fixture_set_up, test_preferences_refuse_a_bad_address, fixture_tear_down);
  g_test_add ("/ui/window/first-run-without-a-server-offers-the-settings", Fixture, NULL,
              fixture_set_up, test_first_run_without_server_offers_settings, fixture_tear_down);

  return g_test_run ();
}
