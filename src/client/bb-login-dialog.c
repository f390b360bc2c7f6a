/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-login-dialog.c: logs in through the session and says why it did not. */
#define G_LOG_DOMAIN "bb-login-dialog"

#include "config.h"

#include "bb-login-dialog.h"

#include <glib/gi18n.h>

struct _BbLoginDialog
{
  AdwWindow         parent_instance;

  BbClientContext  *context;
  GCancellable     *cancellable;

  AdwEntryRow      *email_row;
  AdwPasswordEntryRow *password_row;
  GtkButton        *login_button;
  GtkSpinner       *spinner;
  GtkLabel         *error_label;
};

G_DEFINE_FINAL_TYPE (BbLoginDialog, bb_login_dialog, ADW_TYPE_WINDOW)

static void
set_busy (BbLoginDialog *self,
          gboolean       busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_button), !busy);
}

static void
on_entry_changed_cb (BbLoginDialog *self)
{
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->login_button),
                            strchr (email, '@') != NULL && password[0] != '\0');
}

static void
on_login_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BbLoginDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (bb_session_login_finish (BB_SESSION (source), result, &error))
    {
      GSettings *settings = bb_client_context_get_settings (self->context);

      if (settings != NULL)
        g_settings_set_string (settings, "last-email",
                               gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  on_entry_changed_cb (self);
  if (g_error_matches (error, BB_API_ERROR, BB_API_ERROR_UNAUTHORIZED))
    text = g_strdup (_("Wrong e-mail or password."));
  else if (g_error_matches (error, BB_API_ERROR, BB_API_ERROR_TOO_MANY))
    text = g_strdup_printf (_("Too many failed attempts. Try again in %u seconds."),
                            MAX (1, bb_api_error_get_retry_after (error)));
  else
    text = g_strdup (error->message);
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_login_clicked_cb (BbLoginDialog *self)
{
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->login_button)) &&
      !(strchr (email, '@') != NULL && password[0] != '\0'))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  bb_session_login_async (bb_client_context_get_session (self->context), email, password,
                          self->cancellable, on_login_done_cb, g_object_ref (self));
}

static void
bb_login_dialog_dispose (GObject *object)
{
  BbLoginDialog *self = (BbLoginDialog *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_LOGIN_DIALOG);

  G_OBJECT_CLASS (bb_login_dialog_parent_class)->dispose (object);
}

static void
bb_login_dialog_finalize (GObject *object)
{
  BbLoginDialog *self = (BbLoginDialog *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_login_dialog_parent_class)->finalize (object);
}

static void
bb_login_dialog_class_init (BbLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_login_dialog_dispose;
  object_class->finalize = bb_login_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BbLoginDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, BbLoginDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, BbLoginDialog, login_button);
  gtk_widget_class_bind_template_child (widget_class, BbLoginDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, BbLoginDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_login_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bb_login_dialog_init (BbLoginDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

BbLoginDialog *
bb_login_dialog_new (GtkWindow       *parent,
                     BbClientContext *context)
{
  BbLoginDialog *self;
  GSettings *settings;

  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (context), NULL);

  self = g_object_new (BB_TYPE_LOGIN_DIALOG, "transient-for", parent, NULL);
  self->context = g_object_ref (context);
  settings = bb_client_context_get_settings (context);
  if (settings != NULL)
    {
      g_autofree char *email = g_settings_get_string (settings, "last-email");

      gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
      if (email[0] != '\0')
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
  return self;
}
