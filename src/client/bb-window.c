/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-window.c: the main window. Pages come from the table below and are
 * shown when the session's role reaches the page's "min-role". The banner
 * under the header bar says when the data is stale; the first run without
 * a server or a snapshot gets a page of its own. */
#define G_LOG_DOMAIN "bb-window"

#include "config.h"

#include "bb-window.h"

#include <glib/gi18n.h>

#include "bb-forecast-page.h"
#include "bb-availability-page.h"
#include "bb-ward-board-page.h"
#include "bb-enquiries-page.h"
#include "bb-booking-page.h"

/* The pages, in the order of the view switcher. One line per page:
 *   { "name", bb_name_page_get_type },
 * with its header included here. */
static const struct
{
  const char *name;
  GType     (*get_type) (void);
} pages[] = {
  { "availability", bb_availability_page_get_type },
  { "ward", bb_ward_board_page_get_type },
  { "booking", bb_booking_page_get_type },
  { "forecast", bb_forecast_page_get_type },
  { "enquiries", bb_enquiries_page_get_type },
  { NULL, NULL }
};

struct _BbWindow
{
  AdwApplicationWindow  parent_instance;

  BbClientContext      *context;
  GPtrArray            *page_widgets;   /* BbPage, in table order */
  guint                 tick_source;
  gint64                retry_deadline; /* monotonic µs; 0 when no retry is planned */

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *menu_button;
  GtkButton            *login_button;
  AdwAvatar            *user_avatar;
  GtkRevealer          *offline_revealer;
  GtkLabel             *offline_label;
  GtkLabel             *retry_label;
  GtkStack             *main_stack;
  AdwViewStack         *stack;
  AdwStatusPage        *unreachable_page;
  AdwViewSwitcherBar   *switcher_bar;
};

G_DEFINE_FINAL_TYPE (BbWindow, bb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_clock (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (dt == NULL)
    return g_strdup ("?");
  /* Today only the time; another day also the date. */
  if (g_date_time_get_year (dt) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (dt) == g_date_time_get_day_of_year (now))
    return g_date_time_format (dt, "%H:%M");
  return g_date_time_format (dt, "%e %b %H:%M");
}

static void
update_banner (BbWindow *self)
{
  BbLiveEvents *live = bb_client_context_get_live_events (self->context);
  gboolean offline = !bb_client_context_get_online (self->context) &&
                     bb_client_context_get_loaded (self->context);
  g_autofree char *since = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  g_autofree char *retry = NULL;
  gint64 offline_since = bb_client_context_get_offline_since (self->context);
  gint64 data_time = bb_client_context_get_data_time (self->context);

  gtk_revealer_set_reveal_child (self->offline_revealer, offline);
  if (!offline)
    return;

  since = format_clock (offline_since != 0 ? offline_since : data_time);
  data = format_clock (data_time);
  /* Translators: %s is a time such as 14:05. */
  text = g_strdup_printf (_("Offline since %s — showing the last snapshot"), since);
  gtk_label_set_text (self->offline_label, text);

  if (self->retry_deadline > 0)
    {
      gint64 left = (self->retry_deadline - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

      if (left > 0)
        retry = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Data from %s. Reconnecting in %d second…",
                                              "Data from %s. Reconnecting in %d seconds…", (gulong) left),
                                 data, (int) left);
    }
  if (retry == NULL)
    retry = bb_live_events_get_connected (live)
            ? g_strdup_printf (_("Data from %s. Reloading…"), data)
            : g_strdup_printf (_("Data from %s. Reconnecting…"), data);
  gtk_label_set_text (self->retry_label, retry);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  BbWindow *self = user_data;

  update_banner (self);
  return G_SOURCE_CONTINUE;
}

static void
on_retry_in_cb (BbWindow     *self,
                GParamSpec   *pspec,
                BbLiveEvents *live)
{
  guint retry_in = bb_live_events_get_retry_in (live);

  self->retry_deadline = retry_in > 0 ? g_get_monotonic_time () + retry_in * G_USEC_PER_SEC : 0;
  update_banner (self);
}

static void
update_main_stack (BbWindow *self)
{
  gboolean any_visible = FALSE;

  for (guint i = 0; i < self->page_widgets->len; i++)
    any_visible |= adw_view_stack_page_get_visible (
      adw_view_stack_get_page (self->stack, g_ptr_array_index (self->page_widgets, i)));

  if (bb_client_context_get_loaded (self->context))
    gtk_stack_set_visible_child_name (self->main_stack, any_visible ? "pages" : "no-pages");
  else if (bb_client_context_get_first_run_failed (self->context))
    {
      g_autofree char *description =
        g_strdup_printf (_("Bedboard could not connect to %s and has no saved data to show yet. "
                           "Check the server address, or try again when the server is running."),
                         bb_api_client_get_base_url (bb_client_context_get_api (self->context)));

      adw_status_page_set_description (self->unreachable_page, description);
      gtk_stack_set_visible_child_name (self->main_stack, "unreachable");
    }
  else
    gtk_stack_set_visible_child_name (self->main_stack, "loading");
}

static void
on_context_state_cb (BbWindow   *self,
                     GParamSpec *pspec,
                     GObject    *emitter)
{
  BbClientContext *context = self->context;

  update_main_stack (self);
  update_banner (self);
  if (!bb_client_context_get_online (context) && bb_client_context_get_loaded (context))
    {
      if (self->tick_source == 0)
        self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);
    }
  else
    g_clear_handle_id (&self->tick_source, g_source_remove);
}

static const char *
role_label (BbRole role)
{
  switch (role)
    {
    case BB_ROLE_FAMILY: return _("Family");
    case BB_ROLE_STAFF: return _("Staff");
    case BB_ROLE_ADMIN: return _("Administrator");
    case BB_ROLE_NONE:
    default: return _("Public");
    }
}

static void
rebuild_menu (BbWindow *self)
{
  BbSession *session = bb_client_context_get_session (self->context);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) account = g_menu_new ();
  g_autoptr(GMenu) app = g_menu_new ();
  g_autoptr(GMenu) quit = g_menu_new ();
  g_autofree char *who = NULL;

  if (bb_session_is_logged_in (session))
    {
      g_menu_append (account, _("_Switch User…"), "app.login");
      g_menu_append (account, _("Log _Out"), "app.logout");
      /* Translators: the user's name and role, e.g. "Ann Miller · Staff". */
      who = g_strdup_printf (_("%s · %s"), bb_session_get_name (session),
                             role_label (bb_session_get_role (session)));
    }
  else
    g_menu_append (account, _("_Log In…"), "app.login");
  g_menu_append (app, _("_Preferences"), "app.preferences");
  g_menu_append (app, _("_Keyboard Shortcuts"), "win.show-help-overlay");
  g_menu_append (app, _("_About Bedboard"), "app.about");
  g_menu_append (quit, _("_Quit"), "app.quit");
  g_menu_append_section (menu, who, G_MENU_MODEL (account));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (app));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (quit));
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

static void
update_pages_for_role (BbWindow *self)
{
  BbSession *session = bb_client_context_get_session (self->context);
  BbRole role = bb_session_get_role (session);
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);
  GtkWidget *first_visible = NULL;
  gboolean visible_ok = FALSE;

  for (guint i = 0; i < self->page_widgets->len; i++)
    {
      BbPage *page = g_ptr_array_index (self->page_widgets, i);
      gboolean show = role >= bb_page_get_min_role (page);

      adw_view_stack_page_set_visible (adw_view_stack_get_page (self->stack, GTK_WIDGET (page)), show);
      if (show && first_visible == NULL)
        first_visible = GTK_WIDGET (page);
      if (show && GTK_WIDGET (page) == visible)
        visible_ok = TRUE;
    }
  if (!visible_ok && first_visible != NULL)
    adw_view_stack_set_visible_child (self->stack, first_visible);

  gtk_widget_set_visible (GTK_WIDGET (self->login_button), !bb_session_is_logged_in (session));
  gtk_widget_set_visible (GTK_WIDGET (self->user_avatar), bb_session_is_logged_in (session));
  if (bb_session_is_logged_in (session))
    {
      g_autofree char *text = g_strdup_printf (_("%s · %s"), bb_session_get_name (session), role_label (role));

      adw_avatar_set_text (self->user_avatar, bb_session_get_name (session));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->user_avatar), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->user_avatar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
    }
  rebuild_menu (self);
  update_main_stack (self);
}

static void
on_session_role_cb (BbWindow   *self,
                    GParamSpec *pspec,
                    BbSession  *session)
{
  update_pages_for_role (self);
  /* What a page may show depends on who asks. */
  for (guint i = 0; i < self->page_widgets->len; i++)
    bb_page_refresh (g_ptr_array_index (self->page_widgets, i));
}

static void
on_server_changed_cb (BbWindow    *self,
                      GParamSpec  *pspec,
                      BbApiClient *api)
{
  /* Another server: every page shows its data instead. */
  for (guint i = 0; i < self->page_widgets->len; i++)
    bb_page_refresh (g_ptr_array_index (self->page_widgets, i));
  update_main_stack (self);
}

static void
on_session_logged_in_cb (BbWindow   *self,
                         GParamSpec *pspec,
                         BbSession  *session)
{
  update_pages_for_role (self);
}

static void
on_visible_page_cb (BbWindow     *self,
                    GParamSpec   *pspec,
                    AdwViewStack *stack)
{
  GSettings *settings = bb_client_context_get_settings (self->context);
  const char *name = adw_view_stack_get_visible_child_name (stack);

  if (settings != NULL && name != NULL)
    g_settings_set_string (settings, "last-page", name);
}

static void
on_reload_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bb_client_context_reload_finish (BB_CLIENT_CONTEXT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bb_window_add_toast (self, error->message);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BbWindow *self = BB_WINDOW (widget);
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  bb_client_context_reload_async (self->context, NULL, on_reload_done_cb, g_object_ref (self));
  if (visible != NULL && BB_IS_PAGE (visible))
    bb_page_refresh (BB_PAGE (visible));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  BbWindow *self = BB_WINDOW (widget);
  BbLiveEvents *live = bb_client_context_get_live_events (self->context);

  bb_live_events_reconnect_now (live);
  bb_client_context_reload_async (self->context, NULL, on_reload_done_cb, g_object_ref (self));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  bb_window_show_page (BB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
build_pages (BbWindow *self)
{
  for (guint i = 0; pages[i].name != NULL; i++)
    {
      GType type = pages[i].get_type ();
      GtkWidget *page;
      AdwViewStackPage *stack_page;

      if (!g_type_is_a (type, BB_TYPE_PAGE))
        {
          g_critical ("%s is in the page table but is not a BbPage", g_type_name (type));
          continue;
        }
      page = g_object_new (type, "context", self->context, NULL);
      stack_page = adw_view_stack_add_titled (self->stack, page, pages[i].name,
                                              bb_page_get_title (BB_PAGE (page)));
      adw_view_stack_page_set_icon_name (stack_page, bb_page_get_icon_name (BB_PAGE (page)));
      g_ptr_array_add (self->page_widgets, g_object_ref (page));
    }
}

static void
bb_window_constructed (GObject *object)
{
  BbWindow *self = (BbWindow *) object;
  BbSession *session = bb_client_context_get_session (self->context);
  BbLiveEvents *live = bb_client_context_get_live_events (self->context);
  GSettings *settings = bb_client_context_get_settings (self->context);

  G_OBJECT_CLASS (bb_window_parent_class)->constructed (object);

  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  build_pages (self);

  g_signal_connect_object (session, "notify::role", G_CALLBACK (on_session_role_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::logged-in", G_CALLBACK (on_session_logged_in_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::name", G_CALLBACK (on_session_logged_in_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::online", G_CALLBACK (on_context_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::loaded", G_CALLBACK (on_context_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::first-run-failed", G_CALLBACK (on_context_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::data-time", G_CALLBACK (on_context_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (live, "notify::retry-in", G_CALLBACK (on_retry_in_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (bb_client_context_get_api (self->context), "notify::base-url",
                           G_CALLBACK (on_server_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (live, "notify::connected", G_CALLBACK (on_context_state_cb), self, G_CONNECT_SWAPPED);

  update_pages_for_role (self);
  if (settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (settings, "last-page");

      bb_window_show_page (self, last);
    }
  g_signal_connect_object (self->stack, "notify::visible-child", G_CALLBACK (on_visible_page_cb), self, G_CONNECT_SWAPPED);
  on_context_state_cb (self, NULL, G_OBJECT (self->context));
}

static void
bb_window_dispose (GObject *object)
{
  BbWindow *self = (BbWindow *) object;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_pointer (&self->page_widgets, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_WINDOW);

  G_OBJECT_CLASS (bb_window_parent_class)->dispose (object);
}

static void
bb_window_finalize (GObject *object)
{
  BbWindow *self = (BbWindow *) object;

  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_window_parent_class)->finalize (object);
}

static void
bb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BbWindow *self = BB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT: g_value_set_object (value, self->context); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BbWindow *self = BB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT: self->context = g_value_dup_object (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_window_class_init (BbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_window_constructed;
  object_class->dispose = bb_window_dispose;
  object_class->finalize = bb_window_finalize;
  object_class->get_property = bb_window_get_property;
  object_class->set_property = bb_window_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, BB_TYPE_CLIENT_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, login_button);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, user_avatar);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, retry_label);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, unreachable_page);
  gtk_widget_class_bind_template_child (widget_class, BbWindow, switcher_bar);

  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
}

static void
bb_window_init (BbWindow *self)
{
  self->page_widgets = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}

BbWindow *
bb_window_new (AdwApplication  *application,
               BbClientContext *context)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (context), NULL);

  return g_object_new (BB_TYPE_WINDOW, "application", application, "context", context, NULL);
}

BbClientContext *
bb_window_get_context (BbWindow *self)
{
  g_return_val_if_fail (BB_IS_WINDOW (self), NULL);
  return self->context;
}

const char **
bb_window_get_page_names (void)
{
  static const char *names[G_N_ELEMENTS (pages)];

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    names[i] = pages[i].name;
  return names;
}

BbPage *
bb_window_get_page (BbWindow   *self,
                    const char *name)
{
  GtkWidget *child;

  g_return_val_if_fail (BB_IS_WINDOW (self), NULL);

  if (name == NULL)
    return NULL;
  child = adw_view_stack_get_child_by_name (self->stack, name);
  return child != NULL && BB_IS_PAGE (child) ? BB_PAGE (child) : NULL;
}

gboolean
bb_window_page_is_visible (BbWindow   *self,
                           const char *name)
{
  BbPage *page;

  g_return_val_if_fail (BB_IS_WINDOW (self), FALSE);

  page = bb_window_get_page (self, name);
  return page != NULL &&
         adw_view_stack_page_get_visible (adw_view_stack_get_page (self->stack, GTK_WIDGET (page)));
}

gboolean
bb_window_show_page (BbWindow   *self,
                     const char *name)
{
  g_return_val_if_fail (BB_IS_WINDOW (self), FALSE);

  if (!bb_window_page_is_visible (self, name))
    return FALSE;
  adw_view_stack_set_visible_child_name (self->stack, name);
  return TRUE;
}

const char *
bb_window_get_visible_page_name (BbWindow *self)
{
  g_return_val_if_fail (BB_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

void
bb_window_add_toast (BbWindow   *self,
                     const char *message)
{
  g_return_if_fail (BB_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
bb_window_show_login (BbWindow *self)
{
  g_return_if_fail (BB_IS_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "app.login", NULL);
}

gboolean
bb_window_render_to_png (BbWindow    *self,
                         const char  *path,
                         GError     **error)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width, height;

  g_return_val_if_fail (BB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  if (width <= 0 || height <= 0 || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window is not shown, so it cannot be rendered"));
      return FALSE;
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window drew nothing"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s"), path);
      return FALSE;
    }
  return TRUE;
}
