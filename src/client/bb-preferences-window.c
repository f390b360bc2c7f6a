/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-preferences-window.c: the server address and the privacy switch. */
#define G_LOG_DOMAIN "bb-preferences"

#include "config.h"

#include "bb-preferences-window.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

struct _BbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  BbClientContext      *context;

  AdwEntryRow          *server_row;
  GtkLabel             *server_error_label;
  GtkSwitch            *privacy_switch;
};

G_DEFINE_FINAL_TYPE (BbPreferencesWindow, bb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
server_url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  return uri != NULL &&
         (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
         g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0';
}

static void
on_server_apply_cb (BbPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  GSettings *settings = bb_client_context_get_settings (self->context);

  if (!server_url_is_valid (url))
    {
      g_autofree char *text =
        g_strdup_printf (_("“%s” is not a server address. It looks like http://host:8470."), url);

      gtk_label_set_text (self->server_error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->server_error_label), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->server_error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  if (settings != NULL)
    g_settings_set_string (settings, "server-url", url);
  /* Also when the address came from --server, which the setting does not drive. */
  if (g_strcmp0 (url, bb_api_client_get_base_url (bb_client_context_get_api (self->context))) != 0)
    bb_client_context_set_server_url (self->context, url);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Connecting to the new server…")));
}

static void
bb_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BB_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (bb_preferences_window_parent_class)->dispose (object);
}

static void
bb_preferences_window_finalize (GObject *object)
{
  BbPreferencesWindow *self = (BbPreferencesWindow *) object;

  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_preferences_window_parent_class)->finalize (object);
}

static void
bb_preferences_window_class_init (BbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_preferences_window_dispose;
  object_class->finalize = bb_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/bedboard/Bedboard/bb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BbPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, BbPreferencesWindow, server_error_label);
  gtk_widget_class_bind_template_child (widget_class, BbPreferencesWindow, privacy_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_server_apply_cb);
}

static void
bb_preferences_window_init (BbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BbPreferencesWindow *
bb_preferences_window_new (GtkWindow       *parent,
                           BbClientContext *context)
{
  BbPreferencesWindow *self;
  GSettings *settings;

  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (context), NULL);

  self = g_object_new (BB_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->context = g_object_ref (context);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row),
                         bb_api_client_get_base_url (bb_client_context_get_api (context)));
  settings = bb_client_context_get_settings (context);
  if (settings != NULL)
    g_settings_bind (settings, "privacy-mode", self->privacy_switch, "active", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->privacy_switch), FALSE);
  return self;
}
