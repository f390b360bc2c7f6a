/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-booking-page.c: the booking page.
 *
 * Choosing a ward loads its LOS model (card and booster, cached on disk by
 * the API client) and builds the intake form from the card, then reads the
 * ward's inpatients and held/confirmed bookings. The forecast runs in a
 * worker thread (bb-booking-forecast) every time the ward data, the start
 * or the intake change, and the page shows the result. "Book bed" creates
 * the booking, "Confirm booking" sends the forecast shown with it. Errors
 * are explained and never clear the form. */
#define G_LOG_DOMAIN "bb-booking-page"

#include "config.h"

#include "bb-booking-page.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <math.h>

#include "bb-probability-chart.h"
#include "bb-window.h"

#define RECOMPUTE_DELAY_MS 300
#define RELOAD_DELAY_MS 1500
#define MAX_NEARBY_HOSPITALS 3

struct _BbBookingPage
{
  GtkWidget            parent_instance;

  BbClientContext     *context;
  gboolean             ready;
  GCancellable        *cancellable;        /* the page's life */
  GCancellable        *load_cancellable;   /* the ward data being read */
  GCancellable        *forecast_cancellable;
  GCancellable        *alternatives_cancellable;

  BbHospitalItem      *hospital;
  BbWardItem          *ward;
  BbBedList           *beds;
  BbLosModel          *model;
  char                *model_name;         /* the model being loaded or loaded */

  /* The ward's data as read at data_at (server time). */
  GPtrArray           *inpatients;
  GPtrArray           *bookings;
  gint64               data_at;
  guint                pending_reads;
  GError              *read_error;

  BbBookingForecast   *forecast;           /* shown */
  char                *intake_error;       /* why the stay is not shown */
  gboolean             forecast_current;   /* the forecast is of what the form says now */
  guint                computing;
  guint                recompute_source;
  guint                reload_source;
  gboolean             showing_default;

  BbBooking           *booking;            /* made here: held or confirmed */
  gboolean             sending;
  GDateTime           *later;              /* the start when "Later" */
  gboolean             syncing_later;
  guint                n_alternatives;
  GPtrArray           *alternative_rows;
  char                *verdict_text;
  char                *error_text;

  /* template */
  AdwComboRow         *hospital_row;
  AdwComboRow         *ward_row;
  AdwComboRow         *start_row;
  AdwActionRow        *start_time_row;
  GtkMenuButton       *start_button;
  GtkCalendar         *calendar;
  GtkSpinButton       *hour_spin;
  GtkSpinButton       *minute_spin;
  BbIntakeForm        *intake_form;
  GtkButton           *check_button;
  GtkButton           *book_button;
  GtkButton           *confirm_button;
  GtkButton           *cancel_button;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkStack            *result_stack;
  AdwStatusPage       *empty_page;
  GtkImage            *verdict_icon;
  GtkLabel            *verdict_label;
  GtkLabel            *verdict_detail;
  BbProbabilityChart  *chart;
  GtkLabel            *stay_label;
  AdwPreferencesGroup *drivers_group;
  GtkListBox          *drivers_list;
  AdwPreferencesGroup *alternatives_group;
  GtkListBox          *alternatives_list;
  AdwPreferencesGroup *booking_group;
  AdwActionRow        *booking_row;
  GtkWidget           *where_group;
};

static void bb_booking_page_page_iface_init (BbPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbBookingPage, bb_booking_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (BB_TYPE_PAGE, bb_booking_page_page_iface_init))

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS = PROP_CONTEXT + BB_PAGE_N_PROPS
};

static void load_ward_data   (BbBookingPage *self);
static void run_forecast     (BbBookingPage *self);
static void update_buttons   (BbBookingPage *self);

/* ---- small helpers ---- */

static gboolean
is_staff (BbBookingPage *self)
{
  return bb_session_get_role (bb_client_context_get_session (self->context)) >= BB_ROLE_STAFF;
}

static void
set_ready (BbBookingPage *self)
{
  if (self->ready)
    return;
  self->ready = TRUE;
  g_object_notify (G_OBJECT (self), "ready");
}

static void
show_error (BbBookingPage *self,
            const char    *message)
{
  g_free (self->error_text);
  self->error_text = g_strdup (message != NULL ? message : "");
  gtk_label_set_text (self->error_label, self->error_text);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
}

static void
add_toast (BbBookingPage *self,
           const char    *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), BB_TYPE_WINDOW);

  if (window != NULL)
    bb_window_add_toast (BB_WINDOW (window), message);
}

static char *
format_local_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);

  return dt != NULL ? g_date_time_format (dt, "%a %e %b, %H:%M") : g_strdup ("?");
}

static gint64
start_time (BbBookingPage *self)
{
  if (adw_combo_row_get_selected (self->start_row) == 0 || self->later == NULL)
    return 0;
  return g_date_time_to_unix (self->later);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* ---- showing the forecast ---- */

static void
mark_stale (BbBookingPage *self)
{
  self->forecast_current = FALSE;
  update_buttons (self);
}

static void
update_buttons (BbBookingPage *self)
{
  gboolean held = self->booking != NULL && self->booking->status == BB_BOOKING_HELD;
  gboolean can_edit = !held && !self->sending;

  gtk_widget_set_sensitive (self->where_group, can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->intake_form), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), can_edit && self->ward != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->book_button),
                            can_edit && self->forecast != NULL && self->forecast_current &&
                            self->computing == 0 && self->pending_reads == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->book_button), !held);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_button), held);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), held && !self->sending);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), held);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), held && !self->sending);
}

static void
on_alternative_activated_cb (GtkListBox    *list,
                             GtkListBoxRow *row,
                             BbBookingPage *self)
{
  gint64 hospital_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "hospital-id"));
  const char *kind = g_object_get_data (G_OBJECT (row), "kind");
  gint64 ward_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "ward-id"));
  BbHospitalItem *hospital;
  GListModel *wards;

  hospital = bb_hospital_list_lookup (bb_client_context_get_hospitals (self->context), hospital_id, NULL);
  if (hospital == NULL)
    return;
  /* A hospital: its first ward of the kind. */
  wards = bb_hospital_item_get_wards (hospital);
  for (guint i = 0; ward_id == 0 && i < g_list_model_get_n_items (wards); i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, i);

      if (g_strcmp0 (bb_ward_item_get_kind (ward), kind) == 0)
        ward_id = bb_ward_item_get_id (ward);
    }
  if (ward_id != 0)
    bb_booking_page_select_ward (self, hospital_id, ward_id);
}

static GtkWidget *
alternative_row (const char *title,
                 const char *subtitle,
                 gint64      hospital_id,
                 gint64      ward_id,
                 const char *kind)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "hospital-id", GSIZE_TO_POINTER ((gsize) hospital_id));
  g_object_set_data (G_OBJECT (row), "ward-id", GSIZE_TO_POINTER ((gsize) ward_id));
  g_object_set_data_full (G_OBJECT (row), "kind", g_strdup (kind), g_free);
  return row;
}

static void
on_nearby_hospitals_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hospitals = NULL;
  const char *kind;
  guint shown = 0;

  hospitals = bb_api_client_list_hospitals_finish (BB_API_CLIENT (source), result, &error);
  if (hospitals == NULL || self->ward == NULL || self->hospital == NULL ||
      self->forecast == NULL || !self->forecast->poor)
    return;
  kind = bb_ward_item_get_kind (self->ward);
  for (guint i = 0; i < hospitals->len && shown < MAX_NEARBY_HOSPITALS; i++)
    {
      const BbHospital *h = g_ptr_array_index (hospitals, i);
      g_autofree char *subtitle = NULL;

      if (h->id == bb_hospital_item_get_id (self->hospital) || h->beds.free == 0)
        continue;
      /* Translators: free beds of a kind in a hospital, and how far it is. */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u %s bed free now · %.1f km away",
                                               "%u %s beds free now · %.1f km away", h->beds.free),
                                  h->beds.free, kind, h->distance_km);
      gtk_list_box_append (self->alternatives_list, alternative_row (h->name, subtitle, h->id, 0, kind));
      shown++;
    }
  self->n_alternatives += shown;
}

/* Other wards of the kind here, and hospitals near this one with a free
 * bed of the kind. */
static void
show_alternatives (BbBookingPage *self)
{
  GListModel *wards;
  const char *kind;

  g_cancellable_cancel (self->alternatives_cancellable);
  g_clear_object (&self->alternatives_cancellable);
  self->alternatives_cancellable = g_cancellable_new ();
  clear_list (self->alternatives_list);
  self->n_alternatives = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->alternatives_group), FALSE);
  if (self->forecast == NULL || !self->forecast->poor || self->ward == NULL || self->hospital == NULL)
    return;

  kind = bb_ward_item_get_kind (self->ward);
  wards = bb_hospital_item_get_wards (self->hospital);
  for (guint i = 0; i < g_list_model_get_n_items (wards); i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, i);
      g_autofree char *subtitle = NULL;

      if (ward == self->ward || g_strcmp0 (bb_ward_item_get_kind (ward), kind) != 0 ||
          bb_ward_item_get_free (ward) == 0)
        continue;
      /* Translators: e.g. "2 of 12 beds free now, this hospital". */
      subtitle = g_strdup_printf (_("%u of %u beds free now, this hospital"),
                                  bb_ward_item_get_free (ward), bb_ward_item_get_capacity (ward));
      gtk_list_box_append (self->alternatives_list,
                           alternative_row (bb_ward_item_get_name (ward), subtitle,
                                            bb_hospital_item_get_id (self->hospital),
                                            bb_ward_item_get_id (ward), kind));
      self->n_alternatives++;
    }
  /* Shown even when there is none: its placeholder says so. */
  gtk_widget_set_visible (GTK_WIDGET (self->alternatives_group), TRUE);

  bb_api_client_list_hospitals_async (bb_client_context_get_api (self->context), TRUE,
                                      bb_hospital_item_get_latitude (self->hospital),
                                      bb_hospital_item_get_longitude (self->hospital),
                                      kind, self->alternatives_cancellable, on_nearby_hospitals_cb,
                                      g_object_ref (self));
}

static void
show_drivers (BbBookingPage *self)
{
  const BbBookingForecast *f = self->forecast;

  guint shown = 0;

  clear_list (self->drivers_list);
  gtk_widget_set_visible (GTK_WIDGET (self->drivers_group), FALSE);
  if (!f->has_stay)
    return;
  for (guint i = 0; i < f->contributions->len; i++)
    {
      const BbStayContribution *c = g_ptr_array_index (f->contributions, i);
      g_autofree char *label = NULL;
      g_autofree char *days = NULL;
      GtkWidget *row;
      GtkWidget *value;

      /* Under a tenth of a day is not worth a line. */
      if (fabs (c->days) < 0.05)
        continue;
      label = bb_intake_form_feature_label (c->feature);
      days = bb_stay_contribution_format_days (c->days);
      row = adw_action_row_new ();
      value = gtk_label_new (days);
      shown++;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), c->value != NULL ? c->value : _("Not given"));
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_add_css_class (value, c->days > 0.05 ? "warning" : c->days < -0.05 ? "success" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
      gtk_list_box_append (self->drivers_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->drivers_group), shown > 0);
}

static void
show_forecast (BbBookingPage *self)
{
  const BbBookingForecast *f = self->forecast;
  const BbWardForecastPoint *points;
  g_autofree BbProbabilityPoint *chart_points = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *stay = NULL;
  guint n_points = 0;
  const char *icon;

  g_free (self->verdict_text);
  self->verdict_text = bb_booking_forecast_describe_verdict (f);
  gtk_label_set_text (self->verdict_label, self->verdict_text);
  switch (f->verdict)
    {
    case BB_BOOKING_VERDICT_FREE_NOW:
    case BB_BOOKING_VERDICT_FREE_AT_START:
      icon = "emblem-ok-symbolic";
      break;
    case BB_BOOKING_VERDICT_BEING_CLEANED:
      icon = "alarm-symbolic";
      break;
    case BB_BOOKING_VERDICT_LIKELY_FREE_BY:
      icon = f->poor ? "dialog-warning-symbolic" : "alarm-symbolic";
      break;
    case BB_BOOKING_VERDICT_UNLIKELY:
    case BB_BOOKING_VERDICT_FULL_AT_START:
    default:
      icon = "dialog-warning-symbolic";
      break;
    }
  gtk_image_set_from_icon_name (self->verdict_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), f->poor ? "warning" : "success");

  /* Translators: the ward's state the forecast starts from. */
  detail = g_strdup_printf (_("%u patients, %u bookings, %u open beds · model %s %s"),
                            f->n_inpatients, f->n_bookings, f->capacity, f->model_name, f->model_version);
  gtk_label_set_text (self->verdict_detail, detail);

  points = bb_ward_forecast_get_points (f->ward_forecast, &n_points);
  chart_points = g_new (BbProbabilityPoint, MAX (n_points, 1));
  for (guint i = 0; i < n_points; i++)
    {
      chart_points[i].time = f->now + (gint64) llround (points[i].t_hours * 3600);
      chart_points[i].probability = points[i].p_any_free;
    }
  bb_probability_chart_set_points (self->chart, chart_points, n_points);

  stay = bb_booking_forecast_describe_stay (f);
  if (stay != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->stay_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->stay_label), "dim-label");
  if (stay != NULL)
    gtk_label_set_text (self->stay_label, stay);
  else if (self->intake_error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("No stay predicted: %s"), self->intake_error);

      gtk_label_set_text (self->stay_label, text);
    }
  else
    gtk_label_set_text (self->stay_label, _("Fill in the intake to see the patient's likely stay."));

  show_drivers (self);
  show_alternatives (self);
  gtk_stack_set_visible_child_name (self->result_stack, "result");
}

static void
show_empty (BbBookingPage *self,
            const char    *title,
            const char    *description)
{
  g_clear_pointer (&self->forecast, bb_booking_forecast_free);
  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->result_stack, "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->drivers_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->alternatives_group), FALSE);
  update_buttons (self);
}

/* ---- the forecast job ---- */

typedef struct
{
  BbBookingPage *self;
  gboolean       with_intake;  /* the intake went into the job */
  gboolean       fresh;        /* the job is of the form as it is */
} ComputeData;

static void
on_forecast_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ComputeData *data = user_data;
  g_autoptr(BbBookingPage) self = data->self;
  gboolean with_intake = data->with_intake;
  gboolean fresh = data->fresh;
  g_autoptr(GError) error = NULL;
  BbBookingForecast *forecast;

  g_free (data);
  forecast = bb_booking_forecast_compute_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->computing--;
  if (forecast == NULL && with_intake && error->domain == BB_MODEL_ERROR &&
      g_str_has_prefix (error->message, "features."))
    {
      /* The intake does not fit the card: say which field, and still show
       * the ward's forecast. */
      g_free (self->intake_error);
      self->intake_error = g_strdup (error->message);
      bb_intake_form_show_error (self->intake_form, error->message);
      self->forecast_current = FALSE;
      run_forecast (self);
      return;
    }
  if (forecast == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The forecast could not be computed: %s"), error->message);

      show_empty (self, _("No forecast"), text);
      set_ready (self);
      return;
    }
  if (fresh)
    {
      g_clear_pointer (&self->intake_error, g_free);
      bb_intake_form_show_error (self->intake_form, NULL);
    }
  g_clear_pointer (&self->forecast, bb_booking_forecast_free);
  self->forecast = forecast;
  self->forecast_current = fresh && self->computing == 0 && self->recompute_source == 0;
  show_forecast (self);
  update_buttons (self);
  set_ready (self);
}

static void
run_forecast (BbBookingPage *self)
{
  g_autoptr(JsonObject) intake = NULL;
  BbBookingForecastRequest request = { 0, };
  ComputeData *data;

  if (self->model == NULL || self->ward == NULL || self->inpatients == NULL || self->pending_reads > 0)
    return;

  g_cancellable_cancel (self->forecast_cancellable);
  g_clear_object (&self->forecast_cancellable);
  self->forecast_cancellable = g_cancellable_new ();
  /* A cancelled job never reports: it is no longer counted. */
  self->computing = 0;

  intake = bb_intake_form_get_features (self->intake_form);
  request.now = self->data_at;
  request.start = start_time (self);
  request.ward = (BbWard *) bb_ward_item_get_record (self->ward);
  request.inpatients = self->inpatients;
  request.bookings = self->bookings;
  /* After an intake error, the ward's forecast alone until the form
   * changes; a stay predicted from nothing at all says nothing either. */
  request.intake = self->intake_error == NULL && json_object_get_size (intake) > 0 ? intake : NULL;

  data = g_new0 (ComputeData, 1);
  data->self = g_object_ref (self);
  data->with_intake = request.intake != NULL;
  data->fresh = self->intake_error == NULL;
  self->computing++;
  bb_booking_forecast_compute_async (self->model, &request, self->forecast_cancellable,
                                     on_forecast_done_cb, data);
  update_buttons (self);
}

static gboolean
on_recompute_timeout_cb (gpointer user_data)
{
  BbBookingPage *self = user_data;

  self->recompute_source = 0;
  g_clear_pointer (&self->intake_error, g_free);
  run_forecast (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_recompute (BbBookingPage *self)
{
  mark_stale (self);
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  self->recompute_source = g_timeout_add (RECOMPUTE_DELAY_MS, on_recompute_timeout_cb, self);
}

/* ---- reading the ward ---- */

static void
read_done (BbBookingPage *self)
{
  if (--self->pending_reads > 0)
    return;
  if (self->read_error != NULL)
    {
      g_autofree char *text = bb_booking_forecast_explain_error (self->read_error);

      g_clear_pointer (&self->inpatients, g_ptr_array_unref);
      g_clear_pointer (&self->bookings, g_ptr_array_unref);
      show_empty (self, _("Could not read the ward"), text);
      g_clear_error (&self->read_error);
      set_ready (self);
      return;
    }
  run_forecast (self);
}

static void
on_inpatients_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *inpatients;
  gint64 at = 0;

  inpatients = bb_api_client_list_inpatients_finish (BB_API_CLIENT (source), result, &at, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (inpatients == NULL)
    {
      if (self->read_error == NULL)
        self->read_error = g_steal_pointer (&error);
    }
  else
    {
      g_clear_pointer (&self->inpatients, g_ptr_array_unref);
      self->inpatients = inpatients;
      self->data_at = at > 0 ? at : g_get_real_time () / G_USEC_PER_SEC;
    }
  read_done (self);
}

static void
on_bookings_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bookings = NULL;

  bookings = bb_api_client_list_bookings_finish (BB_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bookings == NULL)
    {
      if (self->read_error == NULL)
        self->read_error = g_steal_pointer (&error);
    }
  else
    for (guint i = 0; i < bookings->len; i++)
      g_ptr_array_add (self->bookings, g_steal_pointer (&bookings->pdata[i]));
  read_done (self);
}

static void
load_ward_data (BbBookingPage *self)
{
  static const char * const statuses[] = { "held", "confirmed" };
  BbApiClient *api = bb_client_context_get_api (self->context);
  gint64 hospital_id, ward_id;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->ward == NULL || self->model == NULL || !is_staff (self))
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_clear_error (&self->read_error);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);
  self->bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_booking_free);
  mark_stale (self);

  hospital_id = bb_ward_item_get_hospital_id (self->ward);
  ward_id = bb_ward_item_get_id (self->ward);
  self->pending_reads = 1 + G_N_ELEMENTS (statuses);
  bb_api_client_list_inpatients_async (api, hospital_id, ward_id, self->load_cancellable,
                                       on_inpatients_cb, g_object_ref (self));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    bb_api_client_list_bookings_async (api, hospital_id, statuses[i], self->load_cancellable,
                                       on_bookings_cb, g_object_ref (self));
  update_buttons (self);
}

static gboolean
on_reload_timeout_cb (gpointer user_data)
{
  BbBookingPage *self = user_data;

  self->reload_source = 0;
  if (!self->sending)
    load_ward_data (self);
  return G_SOURCE_REMOVE;
}

/* A bed of the ward changed (live events): read it again, a little later
 * so a burst of changes is one read. */
static void
on_ward_counts_cb (BbBookingPage *self)
{
  if (self->reload_source == 0 && self->model != NULL)
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, on_reload_timeout_cb, self);
}

static void
on_model_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;

  model = bb_client_context_get_model_finish (BB_CLIENT_CONTEXT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->ward == NULL || g_strcmp0 (bb_ward_item_get_model (self->ward), self->model_name) != 0)
    return;  /* another ward was chosen meanwhile */
  if (model == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The %s model could not be loaded: %s"),
                                               self->model_name, error->message);

      g_clear_pointer (&self->model_name, g_free);
      show_empty (self, _("No model"), text);
      set_ready (self);
      return;
    }
  g_set_object (&self->model, model);
  bb_intake_form_set_card (self->intake_form, bb_los_model_get_card (model));
  load_ward_data (self);
}

static void
set_ward (BbBookingPage *self,
          BbWardItem    *ward)
{
  const char *model_name;

  if (ward == self->ward)
    return;
  if (self->ward != NULL)
    g_signal_handlers_disconnect_by_data (self->ward, self);
  g_set_object (&self->ward, ward);
  g_clear_object (&self->beds);
  g_clear_pointer (&self->inpatients, g_ptr_array_unref);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);
  g_clear_pointer (&self->intake_error, g_free);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->forecast_cancellable);
  self->pending_reads = 0;
  self->computing = 0;
  show_error (self, NULL);

  if (ward == NULL)
    {
      show_empty (self, _("Choose a ward"), _("The forecast for the ward and the patient shows here."));
      return;
    }
  g_signal_connect_object (ward, "notify::free", G_CALLBACK (on_ward_counts_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ward, "notify::reserved", G_CALLBACK (on_ward_counts_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ward, "notify::occupied", G_CALLBACK (on_ward_counts_cb), self, G_CONNECT_SWAPPED);
  if (!is_staff (self))
    {
      show_empty (self, _("Staff only"), _("Log in as staff to book beds."));
      return;
    }
  self->beds = bb_client_context_get_ward_beds (self->context, bb_ward_item_get_hospital_id (ward),
                                                bb_ward_item_get_id (ward));

  gtk_stack_set_visible_child_name (self->result_stack, "busy");
  model_name = bb_ward_item_get_model (ward);
  if (self->model != NULL && g_strcmp0 (bb_los_model_get_name (self->model), model_name) == 0)
    {
      load_ward_data (self);
      return;
    }
  g_clear_object (&self->model);
  g_free (self->model_name);
  self->model_name = g_strdup (model_name);
  bb_client_context_get_model_async (self->context, model_name, self->cancellable, on_model_cb,
                                     g_object_ref (self));
}

static void
on_ward_selected_cb (BbBookingPage *self)
{
  BbWardItem *ward = adw_combo_row_get_selected_item (self->ward_row);

  set_ward (self, ward);
}

static void
set_hospital (BbBookingPage  *self,
              BbHospitalItem *hospital)
{
  if (hospital == self->hospital)
    return;
  g_set_object (&self->hospital, hospital);
  adw_combo_row_set_model (self->ward_row, hospital != NULL ? bb_hospital_item_get_wards (hospital) : NULL);
  on_ward_selected_cb (self);
}

static void
on_hospital_selected_cb (BbBookingPage *self)
{
  set_hospital (self, adw_combo_row_get_selected_item (self->hospital_row));
}

static void
on_hospitals_changed_cb (BbBookingPage *self)
{
  /* The first load: show the first ward at once, so the page has a real
   * forecast to show (and --screenshot something to wait for). */
  if (self->hospital == NULL)
    on_hospital_selected_cb (self);
}

/* ---- the start ---- */

/* Shows the later start on the button and in the popover's calendar and
 * spin buttons, without taking their change signals for edits. */
static void
update_later_label (BbBookingPage *self)
{
  g_autofree char *label = NULL;

  if (self->later == NULL)
    return;
  label = g_date_time_format (self->later, "%a %e %b %Y, %H:%M");
  gtk_menu_button_set_label (self->start_button, label);
  self->syncing_later = TRUE;
  gtk_calendar_select_day (self->calendar, self->later);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (self->later));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (self->later) / 15 * 15);
  self->syncing_later = FALSE;
}

static void
on_start_changed_cb (BbBookingPage *self)
{
  gboolean later = adw_combo_row_get_selected (self->start_row) == 1;

  gtk_widget_set_visible (GTK_WIDGET (self->start_time_row), later);
  if (later && self->later == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) hour = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         g_date_time_get_hour (now), 0, 0);

      self->later = g_date_time_add_hours (hour, 24);
      update_later_label (self);
    }
  schedule_recompute (self);
}

static void
on_later_edited_cb (BbBookingPage *self)
{
  g_autoptr(GDateTime) day = NULL;

  if (self->syncing_later)
    return;
  day = gtk_calendar_get_date (self->calendar);
  g_clear_pointer (&self->later, g_date_time_unref);
  self->later = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                       g_date_time_get_day_of_month (day),
                                       gtk_spin_button_get_value_as_int (self->hour_spin),
                                       gtk_spin_button_get_value_as_int (self->minute_spin), 0);
  update_later_label (self);
  schedule_recompute (self);
}

/* ---- booking ---- */

static void
show_booking (BbBookingPage *self)
{
  const BbBooking *b = self->booking;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *bed = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->booking_group), b != NULL);
  if (b == NULL)
    return;

  if (b->bed_id != 0)
    {
      BbBedItem *item = self->beds != NULL ? bb_bed_list_lookup (self->beds, b->bed_id, NULL) : NULL;

      bed = item != NULL ? g_strdup (bb_bed_item_get_label (item))
                         : g_strdup_printf (_("bed %" PRId64), b->bed_id);
    }

  switch (b->status)
    {
    case BB_BOOKING_HELD:
      /* Translators: a booking's number. */
      title = g_strdup_printf (_("Booking %" PRId64 " is held"), b->id);
      if (bed != NULL)
        {
          g_autofree char *until = format_local_time (b->expires_at);

          /* Translators: a bed's label, then a time. */
          subtitle = g_strdup_printf (_("Bed %s is reserved until %s. Confirm to keep it with the forecast shown."),
                                      bed, until);
        }
      else
        {
          g_autofree char *start = format_local_time (b->start);

          subtitle = g_strdup_printf (_("For %s: the ward's forecast accepted it. Confirm to keep it."), start);
        }
      break;
    case BB_BOOKING_CONFIRMED:
      title = g_strdup_printf (_("Booking %" PRId64 " is confirmed"), b->id);
      if (bed != NULL)
        subtitle = g_strdup_printf (_("Bed %s in %s, reserved on the ward board."), bed,
                                    self->ward != NULL ? bb_ward_item_get_name (self->ward) : "");
      else
        {
          g_autofree char *start = format_local_time (b->start);

          subtitle = g_strdup_printf (_("A bed is expected for %s; it is given at admission."), start);
        }
      break;
    case BB_BOOKING_ADMITTED:
      title = g_strdup_printf (_("Booking %" PRId64 " was admitted"), b->id);
      break;
    case BB_BOOKING_CANCELLED:
      title = g_strdup_printf (_("Booking %" PRId64 " was cancelled"), b->id);
      break;
    case BB_BOOKING_EXPIRED:
      title = g_strdup_printf (_("Booking %" PRId64 " expired before it was confirmed"), b->id);
      break;
    default:
      title = g_strdup_printf (_("Booking %" PRId64 " has a status this version does not know"), b->id);
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->booking_row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->booking_row), subtitle != NULL ? subtitle : "");
}

static void
on_booking_created_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  BbBooking *booking;

  booking = bb_api_client_booking_finish (BB_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sending = FALSE;
  if (booking == NULL)
    {
      g_autofree char *text = bb_booking_forecast_explain_error (error);

      show_error (self, text);
      bb_intake_form_show_error (self->intake_form, error->message);
      update_buttons (self);
      /* Something changed on the ward: show the forecast as it is now. */
      if (g_error_matches (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY) ||
          g_error_matches (error, BB_API_ERROR, BB_API_ERROR_CONFLICT))
        load_ward_data (self);
      return;
    }
  g_clear_pointer (&self->booking, bb_booking_free);
  self->booking = booking;
  show_error (self, NULL);
  show_booking (self);
  update_buttons (self);
}

static void
on_book_clicked_cb (BbBookingPage *self)
{
  g_autoptr(JsonObject) features = NULL;
  g_autofree char *patient_ref = NULL;

  if (self->ward == NULL || self->forecast == NULL || self->sending)
    return;
  patient_ref = g_strstrip (g_strdup (bb_intake_form_get_patient_ref (self->intake_form)));
  if (*patient_ref == '\0')
    {
      show_error (self, _("Enter the patient reference first."));
      bb_intake_form_show_error (self->intake_form, "patient_ref");
      return;
    }
  features = bb_intake_form_get_features (self->intake_form);
  self->sending = TRUE;
  show_error (self, NULL);
  update_buttons (self);
  bb_api_client_create_booking_async (bb_client_context_get_api (self->context),
                                      bb_ward_item_get_hospital_id (self->ward),
                                      bb_ward_item_get_id (self->ward), patient_ref, features,
                                      start_time (self), 0, self->cancellable,
                                      on_booking_created_cb, g_object_ref (self));
}

static void
on_booking_confirmed_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  BbBooking *booking;

  booking = bb_api_client_booking_finish (BB_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sending = FALSE;
  if (booking == NULL)
    {
      g_autofree char *text = bb_booking_forecast_explain_error (error);

      show_error (self, text);
      /* Not held any more (expired, cancelled elsewhere): the form is free
       * to book again; a network error keeps the hold to retry. */
      if (g_error_matches (error, BB_API_ERROR, BB_API_ERROR_CONFLICT) ||
          g_error_matches (error, BB_API_ERROR, BB_API_ERROR_NOT_FOUND))
        {
          g_clear_pointer (&self->booking, bb_booking_free);
          show_booking (self);
          load_ward_data (self);
        }
      update_buttons (self);
      return;
    }
  g_clear_pointer (&self->booking, bb_booking_free);
  self->booking = booking;
  show_error (self, NULL);
  show_booking (self);
  {
    g_autofree char *toast = NULL;

    if (booking->bed_id != 0)
      {
        BbBedItem *item = self->beds != NULL ? bb_bed_list_lookup (self->beds, booking->bed_id, NULL) : NULL;

        /* Translators: a bed's label and a ward's name. */
        toast = g_strdup_printf (_("Booking confirmed: bed %s, %s"),
                                 item != NULL ? bb_bed_item_get_label (item) : "?",
                                 self->ward != NULL ? bb_ward_item_get_name (self->ward) : "");
      }
    else
      toast = g_strdup (_("Booking confirmed"));
    add_toast (self, toast);
  }
  /* Ready for the next patient; the ward has one bed fewer. */
  bb_intake_form_set_patient_ref (self->intake_form, "");
  update_buttons (self);
  load_ward_data (self);
}

static void
on_confirm_clicked_cb (BbBookingPage *self)
{
  const char *model = NULL;
  const char *version = NULL;
  double los_days = -1;

  if (self->booking == NULL || self->sending)
    return;
  /* The forecast shown when the booking was made. */
  if (self->forecast != NULL && self->forecast->has_stay)
    {
      model = self->forecast->model_name;
      version = self->forecast->model_version;
      los_days = self->forecast->stay.median_days;
    }
  self->sending = TRUE;
  update_buttons (self);
  bb_api_client_confirm_booking_async (bb_client_context_get_api (self->context), self->booking->id,
                                       model, version, los_days, self->cancellable,
                                       on_booking_confirmed_cb, g_object_ref (self));
}

static void
on_booking_cancelled_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(BbBookingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;

  booking = bb_api_client_booking_finish (BB_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sending = FALSE;
  if (booking == NULL && !g_error_matches (error, BB_API_ERROR, BB_API_ERROR_CONFLICT))
    {
      g_autofree char *text = bb_booking_forecast_explain_error (error);

      show_error (self, text);
      update_buttons (self);
      return;
    }
  g_clear_pointer (&self->booking, bb_booking_free);
  show_booking (self);
  add_toast (self, _("Booking cancelled; the bed is free again"));
  update_buttons (self);
  load_ward_data (self);
}

static void
on_cancel_clicked_cb (BbBookingPage *self)
{
  if (self->booking == NULL || self->sending)
    return;
  self->sending = TRUE;
  update_buttons (self);
  bb_api_client_cancel_booking_async (bb_client_context_get_api (self->context), self->booking->id,
                                      self->cancellable, on_booking_cancelled_cb, g_object_ref (self));
}

static void
on_check_clicked_cb (BbBookingPage *self)
{
  bb_booking_page_check_beds (self);
}

static void
on_form_changed_cb (BbBookingPage *self)
{
  schedule_recompute (self);
}

static void
on_role_cb (BbBookingPage *self)
{
  bb_page_refresh (BB_PAGE (self));
}

/* ---- BbPage ---- */

static void
bb_booking_page_refresh (BbPage *page)
{
  BbBookingPage *self = BB_BOOKING_PAGE (page);

  if (!is_staff (self))
    {
      show_empty (self, _("Staff only"), _("Log in as staff to book beds."));
      return;
    }
  if (self->ward == NULL)
    {
      on_hospital_selected_cb (self);
      return;
    }
  if (self->model == NULL)
    {
      BbWardItem *ward = g_object_ref (self->ward);

      set_ward (self, NULL);
      set_ward (self, ward);
      g_object_unref (ward);
      return;
    }
  load_ward_data (self);
}

static void
bb_booking_page_page_iface_init (BbPageInterface *iface)
{
  iface->refresh = bb_booking_page_refresh;
}

/* ---- GObject ---- */

static GtkExpression *
name_expression (GType type)
{
  return gtk_property_expression_new (type, NULL, "name");
}

static void
bb_booking_page_constructed (GObject *object)
{
  BbBookingPage *self = (BbBookingPage *) object;
  BbHospitalList *hospitals = bb_client_context_get_hospitals (self->context);

  G_OBJECT_CLASS (bb_booking_page_parent_class)->constructed (object);

  adw_combo_row_set_expression (self->hospital_row, name_expression (BB_TYPE_HOSPITAL_ITEM));
  adw_combo_row_set_expression (self->ward_row, name_expression (BB_TYPE_WARD_ITEM));
  adw_combo_row_set_model (self->hospital_row, G_LIST_MODEL (hospitals));
  g_signal_connect_object (hospitals, "items-changed", G_CALLBACK (on_hospitals_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (bb_client_context_get_session (self->context), "notify::role",
                           G_CALLBACK (on_role_cb), self, G_CONNECT_SWAPPED);
  if (is_staff (self))
    on_hospital_selected_cb (self);
  else
    show_empty (self, _("Staff only"), _("Log in as staff to book beds."));
}

static void
bb_booking_page_dispose (GObject *object)
{
  BbBookingPage *self = (BbBookingPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->forecast_cancellable);
  g_cancellable_cancel (self->alternatives_cancellable);
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->ward != NULL)
    g_signal_handlers_disconnect_by_data (self->ward, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_BOOKING_PAGE);
  /* The template's root has no id, so it is not one of the template
   * children that dispose_template unparents. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->ward);
  g_clear_object (&self->hospital);
  g_clear_object (&self->beds);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (bb_booking_page_parent_class)->dispose (object);
}

static void
bb_booking_page_finalize (GObject *object)
{
  BbBookingPage *self = (BbBookingPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->forecast_cancellable);
  g_clear_object (&self->alternatives_cancellable);
  g_clear_pointer (&self->inpatients, g_ptr_array_unref);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);
  g_clear_error (&self->read_error);
  g_clear_pointer (&self->forecast, bb_booking_forecast_free);
  g_clear_pointer (&self->booking, bb_booking_free);
  g_clear_pointer (&self->later, g_date_time_unref);
  g_free (self->model_name);
  g_free (self->intake_error);
  g_free (self->verdict_text);
  g_free (self->error_text);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_booking_page_parent_class)->finalize (object);
}

static void
bb_booking_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BbBookingPage *self = BB_BOOKING_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT: g_value_set_object (value, self->context); break;
    case BB_PAGE_PROP_TITLE: g_value_set_string (value, _("Booking")); break;
    case BB_PAGE_PROP_ICON_NAME: g_value_set_string (value, "x-office-calendar-symbolic"); break;
    case BB_PAGE_PROP_MIN_ROLE: g_value_set_enum (value, BB_ROLE_STAFF); break;
    case BB_PAGE_PROP_READY: g_value_set_boolean (value, self->ready); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_booking_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BbBookingPage *self = BB_BOOKING_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT: self->context = g_value_dup_object (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_booking_page_class_init (BbBookingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_booking_page_constructed;
  object_class->dispose = bb_booking_page_dispose;
  object_class->finalize = bb_booking_page_finalize;
  object_class->get_property = bb_booking_page_get_property;
  object_class->set_property = bb_booking_page_set_property;
  bb_page_install_properties (object_class, PROP_CONTEXT);

  g_type_ensure (BB_TYPE_INTAKE_FORM);
  g_type_ensure (BB_TYPE_PROBABILITY_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-booking-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, hospital_row);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, ward_row);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, start_row);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, start_time_row);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, intake_form);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, check_button);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, book_button);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, result_stack);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, verdict_detail);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, chart);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, stay_label);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, drivers_group);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, drivers_list);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, alternatives_group);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, alternatives_list);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, booking_group);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, booking_row);
  gtk_widget_class_bind_template_child (widget_class, BbBookingPage, where_group);
  gtk_widget_class_bind_template_callback (widget_class, on_hospital_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_ward_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_start_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_later_edited_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_book_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_alternative_activated_cb);
}

static void
bb_booking_page_init (BbBookingPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_buttons (self);
}

/* ---- public ---- */

GtkWidget *
bb_booking_page_new (BbClientContext *context)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (context), NULL);
  return g_object_new (BB_TYPE_BOOKING_PAGE, "context", context, NULL);
}

BbIntakeForm *
bb_booking_page_get_intake_form (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), NULL);
  return self->intake_form;
}

gboolean
bb_booking_page_select_ward (BbBookingPage *self,
                             gint64         hospital_id,
                             gint64         ward_id)
{
  BbHospitalItem *hospital;
  guint hospital_position, ward_position;

  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), FALSE);

  hospital = bb_hospital_list_lookup (bb_client_context_get_hospitals (self->context), hospital_id,
                                      &hospital_position);
  if (hospital == NULL || bb_hospital_item_find_ward (hospital, ward_id, &ward_position) == NULL)
    return FALSE;
  adw_combo_row_set_selected (self->hospital_row, hospital_position);
  set_hospital (self, hospital);
  adw_combo_row_set_selected (self->ward_row, ward_position);
  on_ward_selected_cb (self);
  return TRUE;
}

gint64
bb_booking_page_get_ward_id (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), 0);
  return self->ward != NULL ? bb_ward_item_get_id (self->ward) : 0;
}

void
bb_booking_page_set_start (BbBookingPage *self,
                           gint64         start)
{
  g_return_if_fail (BB_IS_BOOKING_PAGE (self));

  if (start <= 0)
    {
      adw_combo_row_set_selected (self->start_row, 0);
      return;
    }
  g_clear_pointer (&self->later, g_date_time_unref);
  self->later = g_date_time_new_from_unix_local (start);
  update_later_label (self);
  if (adw_combo_row_get_selected (self->start_row) != 1)
    adw_combo_row_set_selected (self->start_row, 1);
  else
    schedule_recompute (self);
}

void
bb_booking_page_check_beds (BbBookingPage *self)
{
  g_return_if_fail (BB_IS_BOOKING_PAGE (self));

  g_clear_pointer (&self->intake_error, g_free);
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  load_ward_data (self);
}

const BbBookingForecast *
bb_booking_page_get_forecast (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), NULL);
  return self->forecast;
}

gboolean
bb_booking_page_get_busy (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), FALSE);
  return self->pending_reads > 0 || self->computing > 0 || self->recompute_source != 0 ||
         self->reload_source != 0 ||
         self->sending || (self->ward != NULL && self->model == NULL && self->model_name != NULL);
}

const char *
bb_booking_page_get_verdict_text (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), NULL);
  return self->verdict_text;
}

const char *
bb_booking_page_get_error_text (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), NULL);
  return self->error_text != NULL ? self->error_text : "";
}

const BbBooking *
bb_booking_page_get_booking (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), NULL);
  return self->booking;
}

guint
bb_booking_page_get_n_alternatives (BbBookingPage *self)
{
  g_return_val_if_fail (BB_IS_BOOKING_PAGE (self), 0);
  return self->n_alternatives;
}
