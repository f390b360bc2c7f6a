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
  AdwPreferencesGroup  *notify_group;
  AdwExpanderRow       *kinds_row;
};

G_DEFINE_FINAL_TYPE (BbPreferencesWindow, bb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The ward kinds one may watch, as people say them. */
static const struct
{
  const char *kind;
  const char *label;
} ward_kinds[] = {
  { "icu", N_("Intensive care") },
  { "picu", N_("Paediatric intensive care") },
  { "nicu", N_("Neonatal intensive care") },
  { "ccu", N_("Coronary care") },
  { "hdu", N_("High dependency") },
  { "general", N_("General medicine") },
  { "surgical", N_("Surgical") },
  { "pediatric", N_("Paediatric") },
  { "maternity", N_("Maternity") },
  { "cardiac", N_("Cardiology") },
  { "oncology", N_("Oncology") },
  { "orthopedic", N_("Orthopaedic") },
  { "neurology", N_("Neurology") },
  { "geriatric", N_("Geriatric") },
  { "psychiatric", N_("Psychiatric") },
  { "rehabilitation", N_("Rehabilitation") },
};

static const char *
kind_label (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (ward_kinds); i++)
    if (g_strcmp0 (kind, ward_kinds[i].kind) == 0)
      return _(ward_kinds[i].label);
  return kind;
}

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
on_kind_switch_cb (GtkSwitch           *toggle,
                   GParamSpec          *pspec,
                   BbPreferencesWindow *self)
{
  GSettings *settings = bb_client_context_get_settings (self->context);
  const char *kind = g_object_get_data (G_OBJECT (toggle), "bb-kind");
  g_auto(GStrv) kinds = g_settings_get_strv (settings, "watched-kinds");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  for (guint i = 0; kinds[i] != NULL; i++)
    if (g_strcmp0 (kinds[i], kind) != 0)
      g_strv_builder_add (builder, kinds[i]);
  if (gtk_switch_get_active (toggle))
    g_strv_builder_add (builder, kind);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "watched-kinds", (const char * const *) updated);
}

static void
on_ward_switch_cb (GtkSwitch           *toggle,
                   GParamSpec          *pspec,
                   BbPreferencesWindow *self)
{
  GSettings *settings = bb_client_context_get_settings (self->context);
  gint64 ward_id = *(gint64 *) g_object_get_data (G_OBJECT (toggle), "bb-ward");
  g_autoptr(GVariant) value = g_settings_get_value (settings, "watched-wards");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gsize n = 0;
  const gint64 *old = g_variant_get_fixed_array (value, &n, sizeof (gint64));

  for (gsize i = 0; i < n; i++)
    if (old[i] != ward_id)
      g_array_append_val (ids, old[i]);
  if (gtk_switch_get_active (toggle))
    g_array_append_val (ids, ward_id);
  g_settings_set_value (settings, "watched-wards",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, ids->data, ids->len, sizeof (gint64)));
}

static GtkWidget *
switch_row (const char *title,
            const char *subtitle,
            gboolean    active,
            GtkWidget **out_switch)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (toggle), active);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out_switch = toggle;
  return row;
}

/* A switch per ward kind, and per ward of each hospital loaded. */
static void
build_watch_rows (BbPreferencesWindow *self)
{
  GSettings *settings = bb_client_context_get_settings (self->context);
  BbHospitalList *hospitals = bb_client_context_get_hospitals (self->context);
  g_auto(GStrv) kinds = NULL;
  g_autoptr(GVariant) wards = NULL;
  const gint64 *watched;
  gsize n_watched = 0;

  if (settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->notify_group), FALSE);
      return;
    }
  kinds = g_settings_get_strv (settings, "watched-kinds");
  wards = g_settings_get_value (settings, "watched-wards");
  watched = g_variant_get_fixed_array (wards, &n_watched, sizeof (gint64));

  for (guint i = 0; i < G_N_ELEMENTS (ward_kinds); i++)
    {
      GtkWidget *toggle;
      GtkWidget *row = switch_row (_(ward_kinds[i].label), NULL,
                                   g_strv_contains ((const char * const *) kinds, ward_kinds[i].kind),
                                   &toggle);

      g_object_set_data (G_OBJECT (toggle), "bb-kind", (gpointer) ward_kinds[i].kind);
      g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_kind_switch_cb), self, 0);
      adw_expander_row_add_row (self->kinds_row, row);
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (hospitals)); i++)
    {
      g_autoptr(BbHospitalItem) hospital = g_list_model_get_item (G_LIST_MODEL (hospitals), i);
      GListModel *ward_items = bb_hospital_item_get_wards (hospital);
      AdwExpanderRow *expander;

      if (g_list_model_get_n_items (ward_items) == 0)
        continue;
      expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), bb_hospital_item_get_name (hospital));
      adw_expander_row_set_subtitle (expander, _("Single wards of this hospital"));
      for (guint j = 0; j < g_list_model_get_n_items (ward_items); j++)
        {
          g_autoptr(BbWardItem) ward = g_list_model_get_item (ward_items, j);
          gint64 *id = g_new (gint64, 1);
          gboolean on = FALSE;
          GtkWidget *toggle;
          GtkWidget *row;

          *id = bb_ward_item_get_id (ward);
          for (gsize k = 0; k < n_watched; k++)
            on |= watched[k] == *id;
          row = switch_row (bb_ward_item_get_name (ward), kind_label (bb_ward_item_get_kind (ward)), on, &toggle);
          g_object_set_data_full (G_OBJECT (toggle), "bb-ward", id, g_free);
          g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_ward_switch_cb), self, 0);
          adw_expander_row_add_row (expander, row);
        }
      adw_preferences_group_add (self->notify_group, GTK_WIDGET (expander));
    }
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
  gtk_widget_class_bind_template_child (widget_class, BbPreferencesWindow, notify_group);
  gtk_widget_class_bind_template_child (widget_class, BbPreferencesWindow, kinds_row);
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
  build_watch_rows (self);
  return self;
}
