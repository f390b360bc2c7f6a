/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-application.c: the application: settings, the client context, the
 * window, the app actions and the command line (including --screenshot,
 * which renders a page once its data has loaded and exits). */
#define G_LOG_DOMAIN "bb-application"

#include "config.h"

#include "bb-application.h"

#include <glib/gi18n.h>

#include "bb-login-dialog.h"
#include "bb-preferences-window.h"
#include "bb-watch-notifier.h"
#include "bb-window.h"

#define APPLICATION_ID "org.bedboard.Bedboard"
#define SCREENSHOT_TIMEOUT_SECONDS 20

struct _BbApplication
{
  AdwApplication   parent_instance;

  GSettings       *settings;
  BbClientContext *context;
  BbWatchNotifier *notifier;
  BbWindow        *window;     /* weak */

  char            *server;
  char            *login;
  char            *screenshot;
  char            *page;

  guint            screenshot_timeout;
  gulong           ready_handler;
  BbPage          *waiting_page;
  int              exit_status;
  gint64           started_at;  /* monotonic µs, for the time to data */
};

G_DEFINE_FINAL_TYPE (BbApplication, bb_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "server", 's', 0, G_OPTION_ARG_STRING, NULL, N_("The server’s address, for this run only"), N_("URL") },
  { "login", 'l', 0, G_OPTION_ARG_STRING, NULL, N_("Log in at start"), N_("EMAIL:PASSWORD") },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Render the page to a PNG once it has loaded, then exit"), N_("FILE.png") },
  { "page", 'p', 0, G_OPTION_ARG_STRING, NULL, N_("The page to show: availability, ward, booking, forecast or enquiries"), N_("NAME") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static void
fail (BbApplication *self,
      const char    *format,
      ...) G_GNUC_PRINTF (2, 3);

/* In screenshot mode a failure ends the program with status 1; otherwise
 * it is a toast. */
static void
fail (BbApplication *self,
      const char    *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->screenshot != NULL)
    {
      g_printerr ("bedboard: %s\n", message);
      self->exit_status = 1;
      g_application_quit (G_APPLICATION (self));
      return;
    }
  if (self->window != NULL)
    bb_window_add_toast (self->window, message);
  else
    g_printerr ("bedboard: %s\n", message);
}

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The GSettings schema %s is not installed; settings will not be kept", APPLICATION_ID);
      return NULL;
    }
  return g_settings_new (APPLICATION_ID);
}

/* ---- screenshot ---- */

static void
stop_waiting (BbApplication *self)
{
  g_clear_handle_id (&self->screenshot_timeout, g_source_remove);
  if (self->waiting_page != NULL)
    {
      g_clear_signal_handler (&self->ready_handler, self->waiting_page);
      g_clear_object (&self->waiting_page);
    }
}

static gboolean
on_render_timeout_cb (gpointer user_data)
{
  BbApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->window == NULL)
    return G_SOURCE_REMOVE;
  if (!bb_window_render_to_png (self->window, self->screenshot, &error))
    {
      fail (self, "%s", error->message);
      return G_SOURCE_REMOVE;
    }
  g_print ("%s\n", self->screenshot);
  self->exit_status = 0;
  g_application_quit (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static void
render_soon (BbApplication *self)
{
  g_message ("Ready to render %.0f ms after start", (g_get_monotonic_time () - self->started_at) / 1000.0);
  stop_waiting (self);
  /* Let the page lay out and draw its new data (list rows are created on
   * the next frames) before it is rendered. */
  g_timeout_add (400, on_render_timeout_cb, self);
}

static void
on_page_ready_cb (BbApplication *self,
                  GParamSpec    *pspec,
                  BbPage        *page)
{
  if (bb_page_get_ready (page))
    render_soon (self);
}

static void
on_context_loaded_cb (BbApplication   *self,
                      GParamSpec      *pspec,
                      BbClientContext *context)
{
  if (bb_client_context_get_loaded (context) && self->waiting_page == NULL && self->screenshot_timeout != 0)
    render_soon (self);
}

static gboolean
on_screenshot_timeout_cb (gpointer user_data)
{
  BbApplication *self = user_data;

  self->screenshot_timeout = 0;
  fail (self, _("The page did not finish loading within %d seconds"), SCREENSHOT_TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

/* After the login (if any): show the page, then wait for it. */
static void
show_requested_page (BbApplication *self)
{
  BbPage *page = NULL;

  if (self->page != NULL)
    {
      if (bb_window_get_page (self->window, self->page) == NULL)
        {
          fail (self, _("There is no page “%s”"), self->page);
          return;
        }
      if (!bb_window_show_page (self->window, self->page))
        {
          fail (self, _("The page “%s” needs a login with a role that may see it"), self->page);
          return;
        }
    }
  if (self->screenshot == NULL)
    return;

  page = bb_window_get_page (self->window, bb_window_get_visible_page_name (self->window));
  self->screenshot_timeout = g_timeout_add_seconds (SCREENSHOT_TIMEOUT_SECONDS, on_screenshot_timeout_cb, self);
  if (page != NULL)
    {
      if (bb_page_get_ready (page))
        {
          render_soon (self);
          return;
        }
      self->waiting_page = g_object_ref (page);
      self->ready_handler = g_signal_connect_object (page, "notify::ready", G_CALLBACK (on_page_ready_cb),
                                                     self, G_CONNECT_SWAPPED);
      return;
    }
  /* No page in this build: the window itself, once the data is there. */
  if (bb_client_context_get_loaded (self->context))
    render_soon (self);
  else
    g_signal_connect_object (self->context, "notify::loaded", G_CALLBACK (on_context_loaded_cb),
                             self, G_CONNECT_SWAPPED);
}

static void
on_command_line_login_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(BbApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bb_session_login_finish (BB_SESSION (source), result, &error))
    {
      fail (self, _("Could not log in: %s"), error->message);
      if (self->screenshot != NULL)
        return;
    }
  if (self->window != NULL)
    show_requested_page (self);
}

/* ---- actions ---- */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  BbApplication *self = user_data;

  if (self->window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->window));
  g_application_quit (G_APPLICATION (self));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  BbApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (bb_preferences_window_new (GTK_WINDOW (self->window), self->context)));
}

static void
login_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  BbApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (bb_login_dialog_new (GTK_WINDOW (self->window), self->context)));
}

static void
logout_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  BbApplication *self = user_data;

  bb_session_logout (bb_client_context_get_session (self->context));
  if (self->window != NULL)
    bb_window_add_toast (self->window, _("Logged out"));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  BbApplication *self = user_data;
  static const char *developers[] = { "The Bedboard developers", NULL };

  adw_show_about_window (GTK_WINDOW (self->window),
                         "application-name", _("Bedboard"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Free hospital beds, live, and when the next ones will free up."),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "login", login_action },
  { "logout", logout_action },
  { "about", about_action },
};

static void
on_alert_cb (BbApplication   *self,
             const char      *id,
             const char      *title,
             const char      *body,
             BbWatchNotifier *notifier)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autoptr(GIcon) icon = g_themed_icon_new (APPLICATION_ID);

  g_notification_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
on_logged_in_cb (BbApplication *self,
                 GParamSpec    *pspec,
                 BbSession     *session)
{
  GAction *logout = g_action_map_lookup_action (G_ACTION_MAP (self), "logout");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (logout), bb_session_is_logged_in (session));
}

/* ---- GApplication ---- */

static int
bb_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  BbApplication *self = BB_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("bedboard %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "server", "s", &self->server);
  g_variant_dict_lookup (options, "login", "s", &self->login);
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot);
  g_variant_dict_lookup (options, "page", "s", &self->page);

  if (self->login != NULL && strchr (self->login, ':') == NULL)
    {
      g_printerr ("bedboard: %s\n", _("--login takes EMAIL:PASSWORD"));
      return 2;
    }
  if (self->server != NULL && !g_str_has_prefix (self->server, "http://") &&
      !g_str_has_prefix (self->server, "https://"))
    {
      g_printerr ("bedboard: %s\n", _("--server takes an http:// or https:// address"));
      return 2;
    }
  /* Options are this process's own: run it on its own rather than
   * handing them to a running instance that would ignore them. */
  if (self->server != NULL || self->login != NULL || self->screenshot != NULL || self->page != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
bb_application_startup (GApplication *app)
{
  BbApplication *self = BB_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (bb_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);

  self->settings = settings_new_if_installed ();
  self->context = bb_client_context_new (self->settings,
                                         self->server != NULL ? self->server
                                         : self->settings == NULL ? "http://127.0.0.1:8470" : NULL,
                                         NULL);
  g_signal_connect_object (bb_client_context_get_session (self->context), "notify::logged-in",
                           G_CALLBACK (on_logged_in_cb), self, G_CONNECT_SWAPPED);
  on_logged_in_cb (self, NULL, bb_client_context_get_session (self->context));

  /* A screenshot run is not the user's session: no desktop notifications. */
  if (self->screenshot == NULL)
    {
      self->notifier = bb_watch_notifier_new (self->context);
      g_signal_connect_object (self->notifier, "alert", G_CALLBACK (on_alert_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
bb_application_activate (GApplication *app)
{
  BbApplication *self = BB_APPLICATION (app);

  if (self->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }

  self->window = bb_window_new (ADW_APPLICATION (self), self->context);
  g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  gtk_window_present (GTK_WINDOW (self->window));
  bb_client_context_start (self->context);

  if (self->login != NULL)
    {
      const char *colon = strchr (self->login, ':');
      g_autofree char *email = g_strndup (self->login, colon - self->login);

      bb_session_login_async (bb_client_context_get_session (self->context), email, colon + 1,
                              NULL, on_command_line_login_cb, g_object_ref (self));
      return;
    }
  show_requested_page (self);
}

static void
bb_application_shutdown (GApplication *app)
{
  BbApplication *self = BB_APPLICATION (app);

  stop_waiting (self);
  if (self->context != NULL)
    bb_client_context_stop (self->context);

  G_APPLICATION_CLASS (bb_application_parent_class)->shutdown (app);
}

static void
bb_application_finalize (GObject *object)
{
  BbApplication *self = (BbApplication *) object;

  g_clear_object (&self->notifier);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_free (self->server);
  g_free (self->login);
  g_free (self->screenshot);
  g_free (self->page);

  G_OBJECT_CLASS (bb_application_parent_class)->finalize (object);
}

static void
bb_application_class_init (BbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = bb_application_finalize;
  app_class->handle_local_options = bb_application_handle_local_options;
  app_class->startup = bb_application_startup;
  app_class->activate = bb_application_activate;
  app_class->shutdown = bb_application_shutdown;
}

static void
bb_application_init (BbApplication *self)
{
  self->started_at = g_get_monotonic_time ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Free hospital beds, live, and when the next ones will free up."));
}

BbApplication *
bb_application_new (void)
{
  return g_object_new (BB_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/bedboard/Bedboard",
                       NULL);
}

BbClientContext *
bb_application_get_context (BbApplication *self)
{
  g_return_val_if_fail (BB_IS_APPLICATION (self), NULL);
  return self->context;
}

int
bb_application_get_exit_status (BbApplication *self)
{
  g_return_val_if_fail (BB_IS_APPLICATION (self), 1);
  return self->exit_status;
}
