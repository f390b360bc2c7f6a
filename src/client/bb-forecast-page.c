/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-forecast-page.c: the forecast page. It loads the chosen hospital's
 * wards, forecast and 30-day occupancy (bb-forecast-ward), shows a fan
 * chart per ward and the alarm list, hands the wards to the model panel,
 * and exports the page. The context is used through its properties only. */
#define G_LOG_DOMAIN "bb-forecast-page"

#include "config.h"

#include "bb-forecast-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "bb-fan-chart.h"
#include "bb-forecast-report.h"
#include "bb-forecast-ward.h"
#include "bb-hospital-item.h"
#include "bb-hospital-list.h"

struct _BbForecastPage
{
  GtkWidget        parent_instance;

  BbClientContext *context;
  GObject         *session;
  GCancellable    *cancellable;
  gint64           hospital_id;
  char            *hospital_name;
  GPtrArray       *wards;        /* BbForecastWard */
  GListStore      *alarms;        /* GtkStringObject, "bb-critical" set on 92% alarms */
  guint            n_charts;
  gboolean         forecast_loaded;
  gboolean         ready;
  guint            live_reload;   /* a reload planned after live bed changes */
  gint64           panel_hospital; /* the hospital the model panel last checked */

  /* template */
  GtkDropDown     *hospital_dropdown;
  GtkSpinner      *spinner;
  GtkLabel        *updated_label;
  GtkButton       *export_csv_button;
  GtkButton       *export_pdf_button;
  GtkStack        *content_stack;
  AdwStatusPage   *error_status;
  GtkListBox      *alarm_list;
  GtkFlowBox      *chart_box;
  BbModelPanel    *model_panel;
};

static void bb_forecast_page_page_iface_init (BbPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbForecastPage, bb_forecast_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (BB_TYPE_PAGE, bb_forecast_page_page_iface_init))

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS = PROP_CONTEXT + BB_PAGE_N_PROPS,
};

#define LIVE_RELOAD_SECONDS 60

static void load (BbForecastPage *self);

static BbRole
session_role (BbForecastPage *self)
{
  BbRole role = BB_ROLE_NONE;

  if (self->session != NULL)
    g_object_get (self->session, "role", &role, NULL);
  return role;
}

static void
update_ready (BbForecastPage *self)
{
  gboolean ready = self->forecast_loaded && bb_model_panel_get_loaded (self->model_panel);

  /* Ready stays TRUE once reached: it says the first data has loaded. */
  if (!ready || self->ready)
    return;
  self->ready = TRUE;
  g_object_notify (G_OBJECT (self), "ready");
}

static void
show_toast (BbForecastPage *self,
            const char     *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

/* ---- Showing the data ---- */

static GtkWidget *
create_alarm_row (gpointer item,
                  gpointer user_data)
{
  GtkWidget *row = adw_action_row_new ();
  const char *text = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  gboolean critical = g_object_get_data (G_OBJECT (item), "bb-critical") != NULL;
  GtkWidget *icon;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  icon = gtk_image_new_from_icon_name (critical ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, critical ? "error" : "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static char *
ward_subtitle (const BbForecastWard *ward)
{
  const BbForecastSample *last = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (ward->history->len > 0)
    last = &g_array_index (ward->history, BbForecastSample, ward->history->len - 1);
  if (last != NULL)
    /* TRANSLATORS: beds occupied of all beds at the last sample */
    g_string_append_printf (text, _("%u of %u beds occupied"), last->occupied, last->capacity);
  if (ward->forecast->len > 0)
    {
      const BbForecastBand *end = &g_array_index (ward->forecast, BbForecastBand, ward->forecast->len - 1);

      if (text->len > 0)
        g_string_append (text, " · ");
      /* TRANSLATORS: the forecast's median and 10-90% band of occupied beds in 14 days */
      g_string_append_printf (text, _("in 14 days %.0f (%.0f–%.0f)"), end->median, end->p10, end->p90);
    }
  if (ward->unavailable != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* TRANSLATORS: why a ward has no forecast */
      g_string_append_printf (text, _("no forecast: %s"), ward->unavailable);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
create_ward_card (const BbForecastWard *ward)
{
  g_autofree BbOccupancyChartPoint *history = g_new0 (BbOccupancyChartPoint, MAX (ward->history->len, 1));
  g_autofree BbFanForecastPoint *forecast = g_new0 (BbFanForecastPoint, MAX (ward->forecast->len, 1));
  g_autofree char *subtitle = ward_subtitle (ward);
  g_autofree char *chart_name = NULL;
  GtkWidget *card, *box, *title, *sub, *chart;

  for (guint i = 0; i < ward->history->len; i++)
    {
      const BbForecastSample *s = &g_array_index (ward->history, BbForecastSample, i);

      history[i].time = s->time;
      history[i].occupied = s->occupied;
      history[i].capacity = s->capacity;
    }
  for (guint i = 0; i < ward->forecast->len; i++)
    {
      const BbForecastBand *b = &g_array_index (ward->forecast, BbForecastBand, i);

      forecast[i].time = b->time;
      forecast[i].median = b->median;
      forecast[i].p10 = b->p10;
      forecast[i].p90 = b->p90;
    }

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (card, "card");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_box_append (GTK_BOX (card), box);

  title = gtk_label_new (ward->name);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  sub = gtk_label_new (subtitle);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_add_css_class (sub, "caption");

  chart = bb_fan_chart_new ();
  gtk_widget_set_size_request (chart, 280, 190);
  gtk_widget_set_vexpand (chart, TRUE);
  bb_fan_chart_set_data (BB_FAN_CHART (chart), ward->name, history, ward->history->len,
                         forecast, ward->forecast->len, ward->capacity, ward->now);
  /* TRANSLATORS: accessible name of a ward's chart */
  chart_name = g_strdup_printf (_("Occupancy forecast, %s"), ward->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL, chart_name, -1);

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_box_append (GTK_BOX (box), chart);
  return card;
}

static void
show_wards (BbForecastPage *self)
{
  g_autoptr(GPtrArray) alarms = bb_forecast_alarms_compute (self->wards);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chart_box))) != NULL)
    gtk_flow_box_remove (self->chart_box, child);
  self->n_charts = 0;
  for (guint i = 0; i < self->wards->len; i++)
    {
      const BbForecastWard *ward = g_ptr_array_index (self->wards, i);

      now = MAX (now, ward->now);
      if (ward->history->len == 0 && ward->forecast->len == 0)
        continue;
      gtk_flow_box_append (self->chart_box, create_ward_card (ward));
      self->n_charts++;
    }

  for (guint i = 0; i < alarms->len; i++)
    {
      const BbForecastAlarm *alarm = g_ptr_array_index (alarms, i);
      g_autofree char *text = bb_forecast_alarm_describe (alarm, now, NULL);
      GtkStringObject *item = gtk_string_object_new (text);

      if (alarm->level >= BB_FORECAST_ALARM_CRITICAL)
        g_object_set_data (G_OBJECT (item), "bb-critical", GINT_TO_POINTER (TRUE));
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->alarms, 0, g_list_model_get_n_items (G_LIST_MODEL (self->alarms)),
                       items->pdata, items->len);

  if (now > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      g_autofree char *when = g_date_time_format (local, "%a %-d %b %H:%M");
      /* TRANSLATORS: when the forecast was computed */
      g_autofree char *text = g_strdup_printf (_("Forecast of %s"), when);

      gtk_label_set_text (self->updated_label, text);
    }
}

static void
on_wards_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BbForecastPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) wards = NULL;

  wards = bb_forecast_wards_load_finish ((BbClientContext *) source, result, &error);
  if (wards == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  if (wards == NULL)
    {
      adw_status_page_set_description (self->error_status, error->message);
      if (self->wards == NULL)
        gtk_stack_set_visible_child_name (self->content_stack, "error");
      else
        show_toast (self, error->message);
      self->forecast_loaded = TRUE;
      /* The model panel only loads after the forecast: with this error
       * nothing more will come, so the page is as ready as it gets (and a
       * screenshot shows the error). */
      if (!self->ready)
        {
          self->ready = TRUE;
          g_object_notify (G_OBJECT (self), "ready");
        }
      return;
    }

  g_clear_pointer (&self->wards, g_ptr_array_unref);
  self->wards = g_steal_pointer (&wards);
  show_wards (self);
  gtk_stack_set_visible_child_name (self->content_stack, "content");
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_csv_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_pdf_button), TRUE);
  /* The model check reads a month of discharges: only again for another
   * hospital or when the user asks, not for every live reload. */
  if (self->panel_hospital != self->hospital_id)
    {
      self->panel_hospital = self->hospital_id;
      bb_model_panel_load (self->model_panel, self->hospital_id, self->wards);
    }
  self->forecast_loaded = TRUE;
  update_ready (self);
}

static void
load (BbForecastPage *self)
{
  BbHospitalItem *item;

  if (self->context == NULL || session_role (self) < BB_ROLE_ADMIN)
    return;
  item = gtk_drop_down_get_selected_item (self->hospital_dropdown);
  if (item == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->hospital_id != bb_hospital_item_get_id (item))
    {
      /* Another hospital: do not show the old one's charts meanwhile. */
      g_clear_pointer (&self->wards, g_ptr_array_unref);
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_csv_button), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_pdf_button), FALSE);
    }
  self->hospital_id = bb_hospital_item_get_id (item);
  g_free (self->hospital_name);
  self->hospital_name = g_strdup (bb_hospital_item_get_name (item));
  gtk_spinner_start (self->spinner);
  bb_forecast_wards_load_async (self->context, self->hospital_id, self->cancellable,
                                on_wards_loaded_cb, g_object_ref (self));
}

/* ---- Export ---- */

/* The alarm list's and the model panel's sentences, for the PDF. */
static void
collect_lines (BbForecastPage *self,
               GPtrArray     **alarm_lines,
               GPtrArray     **model_lines)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->alarms));

  *alarm_lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (self->alarms), i);

      g_ptr_array_add (*alarm_lines, g_strdup (gtk_string_object_get_string (item)));
    }
  *model_lines = bb_model_panel_get_summary_lines (self->model_panel);
}

gboolean
bb_forecast_page_export_csv (BbForecastPage  *self,
                             const char      *path,
                             GError         **error)
{
  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->wards == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The forecast has not loaded yet"));
      return FALSE;
    }
  return bb_forecast_report_write_csv (self->wards, path, error);
}

gboolean
bb_forecast_page_export_pdf (BbForecastPage  *self,
                             const char      *path,
                             GError         **error)
{
  g_autoptr(GPtrArray) alarm_lines = NULL;
  g_autoptr(GPtrArray) model_lines = NULL;
  BbForecastReport report = { 0, };

  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->wards == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The forecast has not loaded yet"));
      return FALSE;
    }
  collect_lines (self, &alarm_lines, &model_lines);
  report.hospital_name = self->hospital_name;
  report.generated_at = g_get_real_time () / G_USEC_PER_SEC;
  report.wards = self->wards;
  report.alarm_lines = alarm_lines;
  report.model_lines = model_lines;
  return bb_forecast_report_write_pdf (&report, path, error);
}

typedef struct
{
  gboolean   pdf;
  char      *path;
  char      *hospital_name;
  GPtrArray *wards;
  GPtrArray *alarm_lines;
  GPtrArray *model_lines;
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_free (d->path);
  g_free (d->hospital_name);
  g_clear_pointer (&d->wards, g_ptr_array_unref);
  g_clear_pointer (&d->alarm_lines, g_ptr_array_unref);
  g_clear_pointer (&d->model_lines, g_ptr_array_unref);
  g_free (d);
}

/* In a worker thread: the data is the page's, which it never changes in
 * place (a reload replaces the array), so a reference is enough. */
static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *d = task_data;
  GError *error = NULL;
  gboolean ok;

  if (d->pdf)
    {
      BbForecastReport report = { d->hospital_name, g_get_real_time () / G_USEC_PER_SEC, NULL,
                                  d->wards, d->alarm_lines, d->model_lines };

      ok = bb_forecast_report_write_pdf (&report, d->path, &error);
    }
  else
    ok = bb_forecast_report_write_csv (d->wards, d->path, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
bb_forecast_page_export_async (BbForecastPage      *self,
                               gboolean             pdf,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *d;

  g_return_if_fail (BB_IS_FORECAST_PAGE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_forecast_page_export_async);
  if (self->wards == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The forecast has not loaded yet"));
      return;
    }
  d = g_new0 (ExportData, 1);
  d->pdf = pdf;
  d->path = g_strdup (path);
  d->hospital_name = g_strdup (self->hospital_name);
  d->wards = g_ptr_array_ref (self->wards);
  if (pdf)
    collect_lines (self, &d->alarm_lines, &d->model_lines);
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
bb_forecast_page_export_finish (BbForecastPage  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_export_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BbForecastPage *self = BB_FORECAST_PAGE (source);
  g_autofree char *path = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *text = NULL;

  if (bb_forecast_page_export_finish (self, result, &error))
    /* TRANSLATORS: a file name */
    text = g_strdup_printf (_("Saved %s"), name);
  else
    text = g_strdup (error->message);
  show_toast (self, text);
}

static void
on_save_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  BbForecastPage *self = BB_FORECAST_PAGE (user_data);
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "bb-pdf"));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL || self->wards == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (g_file_peek_path (file) == NULL)
    {
      show_toast (self, _("Only local files can be saved"));
      g_object_unref (self);
      return;
    }

  bb_forecast_page_export_async (self, pdf, g_file_peek_path (file), NULL, on_export_done_cb,
                                 g_file_get_path (file));
  g_object_unref (self);
}

static void
ask_where_to_save (BbForecastPage *self,
                   gboolean        pdf)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;
  g_autofree char *slug = NULL;

  dialog = gtk_file_chooser_native_new (pdf ? _("Export the Forecast as PDF") : _("Export the Occupancy as CSV"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  slug = g_strdelimit (g_ascii_strdown (self->hospital_name != NULL ? self->hospital_name : "hospital", -1),
                       " /\\:", '-');
  /* TRANSLATORS: file names offered for the exports */
  name = g_strdup_printf (pdf ? _("forecast-%s.pdf") : _("occupancy-%s.csv"), slug);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "bb-pdf", GINT_TO_POINTER (pdf));
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- Callbacks ---- */

static void
on_refresh_clicked_cb (BbForecastPage *self)
{
  self->panel_hospital = 0;
  load (self);
}

static gboolean
live_reload_cb (gpointer data)
{
  BbForecastPage *self = data;

  self->live_reload = 0;
  load (self);
  return G_SOURCE_REMOVE;
}

/* Beds of the hospital shown changed: the forecast moves with them. A
 * busy hospital changes beds every few seconds, so the page reloads at
 * most once per LIVE_RELOAD_SECONDS. */
static void
on_bed_changed_cb (BbForecastPage *self,
                   gint64          seq,
                   gint64          hospital_id,
                   gint64          ward_id,
                   gint64          bed_id,
                   guint           status,
                   gboolean        reserved,
                   gint64          at)
{
  if (hospital_id != self->hospital_id || self->wards == NULL || self->live_reload != 0)
    return;
  self->live_reload = g_timeout_add_seconds (LIVE_RELOAD_SECONDS, live_reload_cb, self);
}

static void
on_export_csv_clicked_cb (BbForecastPage *self)
{
  ask_where_to_save (self, FALSE);
}

static void
on_export_pdf_clicked_cb (BbForecastPage *self)
{
  ask_where_to_save (self, TRUE);
}

static void
on_selected_hospital_cb (BbForecastPage *self)
{
  BbHospitalItem *item = gtk_drop_down_get_selected_item (self->hospital_dropdown);

  if (item != NULL && bb_hospital_item_get_id (item) != self->hospital_id)
    load (self);
}

static void
on_role_cb (BbForecastPage *self)
{
  if (session_role (self) >= BB_ROLE_ADMIN && self->wards == NULL)
    load (self);
}

static void
on_model_panel_loaded_cb (BbForecastPage *self)
{
  update_ready (self);
}

/* ---- BbPage ---- */

static void
bb_forecast_page_refresh (BbPage *page)
{
  on_refresh_clicked_cb (BB_FORECAST_PAGE (page));
}

static void
bb_forecast_page_page_iface_init (BbPageInterface *iface)
{
  iface->refresh = bb_forecast_page_refresh;
}

/* ---- GObject ---- */

static void
bb_forecast_page_constructed (GObject *object)
{
  BbForecastPage *self = BB_FORECAST_PAGE (object);
  g_autoptr(GListModel) hospitals = NULL;
  g_autoptr(GObject) live_events = NULL;
  GtkExpression *expression;

  G_OBJECT_CLASS (bb_forecast_page_parent_class)->constructed (object);

  if (self->context == NULL)
    return;
  g_object_get (self->context, "hospitals", &hospitals, "session", &self->session,
                "live-events", &live_events, NULL);
  expression = gtk_property_expression_new (BB_TYPE_HOSPITAL_ITEM, NULL, "name");
  gtk_drop_down_set_expression (self->hospital_dropdown, expression);
  gtk_expression_unref (expression);
  gtk_drop_down_set_model (self->hospital_dropdown, hospitals);
  g_signal_connect_object (self->hospital_dropdown, "notify::selected",
                           G_CALLBACK (on_selected_hospital_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::role", G_CALLBACK (on_role_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (live_events, "bed-changed", G_CALLBACK (on_bed_changed_cb), self, G_CONNECT_SWAPPED);
  bb_model_panel_set_context (self->model_panel, self->context);
  load (self);
}

static void
bb_forecast_page_dispose (GObject *object)
{
  BbForecastPage *self = BB_FORECAST_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->live_reload, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_FORECAST_PAGE);
  /* The template's root is not bound to a field, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_forecast_page_parent_class)->dispose (object);
}

static void
bb_forecast_page_finalize (GObject *object)
{
  BbForecastPage *self = BB_FORECAST_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->alarms);
  g_clear_pointer (&self->wards, g_ptr_array_unref);
  g_free (self->hospital_name);

  G_OBJECT_CLASS (bb_forecast_page_parent_class)->finalize (object);
}

static void
bb_forecast_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BbForecastPage *self = BB_FORECAST_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case BB_PAGE_PROP_TITLE:
      g_value_set_string (value, _("Forecast"));
      break;
    case BB_PAGE_PROP_ICON_NAME:
      g_value_set_string (value, "x-office-presentation-symbolic");
      break;
    case BB_PAGE_PROP_MIN_ROLE:
      g_value_set_enum (value, BB_ROLE_ADMIN);
      break;
    case BB_PAGE_PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_forecast_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BbForecastPage *self = BB_FORECAST_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT:
      g_set_object (&self->context, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_forecast_page_class_init (BbForecastPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_forecast_page_constructed;
  object_class->dispose = bb_forecast_page_dispose;
  object_class->finalize = bb_forecast_page_finalize;
  object_class->get_property = bb_forecast_page_get_property;
  object_class->set_property = bb_forecast_page_set_property;
  bb_page_install_properties (object_class, PROP_CONTEXT);

  g_type_ensure (BB_TYPE_MODEL_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-forecast-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, hospital_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, updated_label);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, export_csv_button);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, export_pdf_button);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, alarm_list);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, chart_box);
  gtk_widget_class_bind_template_child (widget_class, BbForecastPage, model_panel);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_csv_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_pdf_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
bb_forecast_page_init (BbForecastPage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->alarms = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  gtk_list_box_bind_model (self->alarm_list, G_LIST_MODEL (self->alarms), create_alarm_row, NULL, NULL);
  placeholder = gtk_label_new (_("No ward is expected to reach 85% within 14 days"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->alarm_list, placeholder);
  g_signal_connect_object (self->model_panel, "notify::loaded", G_CALLBACK (on_model_panel_loaded_cb), self,
                           G_CONNECT_SWAPPED);
}

gint64
bb_forecast_page_get_hospital_id (BbForecastPage *self)
{
  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), 0);

  return self->hospital_id;
}

GPtrArray *
bb_forecast_page_get_wards (BbForecastPage *self)
{
  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), NULL);

  return self->wards;
}

guint
bb_forecast_page_get_n_charts (BbForecastPage *self)
{
  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), 0);

  return self->n_charts;
}

GListModel *
bb_forecast_page_get_alarms (BbForecastPage *self)
{
  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), NULL);

  return G_LIST_MODEL (self->alarms);
}

BbModelPanel *
bb_forecast_page_get_model_panel (BbForecastPage *self)
{
  g_return_val_if_fail (BB_IS_FORECAST_PAGE (self), NULL);

  return self->model_panel;
}
