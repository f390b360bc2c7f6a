/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-hospital-detail.c: one hospital in detail: header, ward bars that
 * follow the live counts, the public forecast per ward in plain words, and
 * the way to the enquiry form. */
#define G_LOG_DOMAIN "bb-hospital-detail"

#include "config.h"

#include "bb-hospital-detail.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "bb-availability-page.h"
#include "bb-ward-bars.h"
#include "bb-window.h"

#define AGE_TICK_SECONDS 30
/* The forecast is relative to now (and the server caches it this long). */
#define FORECAST_MAX_AGE_SECONDS 300

struct _BbHospitalDetail
{
  GtkWidget                      parent_instance;

  BbClientContext               *context;
  BbHospitalItem                *hospital;
  GListModel                    *wards;            /* the hospital's, watched */
  GCancellable                  *cancellable;      /* the forecast request */
  GPtrArray                     *forecast;         /* BbWardForecastEntry, or NULL */
  BbHospitalDetailForecastState  forecast_state;
  gint64                         forecast_time;    /* monotonic µs of the answer */
  GHashTable                    *rows;             /* ward id -> AdwActionRow */
  GHashTable                    *texts;            /* ward id -> forecast sentence */
  guint                          n_wards;
  gint64                         pending_enquiry;  /* hospital id waiting for a login */
  gboolean                       has_location;
  double                         latitude;
  double                         longitude;
  guint                          age_source;

  /* template */
  GtkLabel                      *name_label;
  GtkLabel                      *address_label;
  GtkLabel                      *summary_label;
  GtkLabel                      *updated_label;
  GtkLabel                      *phone_label;
  GtkButton                     *enquiry_button;
  BbWardBars                    *ward_bars;
  AdwPreferencesGroup           *forecast_group;
  GtkSpinner                    *forecast_spinner;
};

G_DEFINE_ENUM_TYPE (BbHospitalDetailForecastState, bb_hospital_detail_forecast_state,
  G_DEFINE_ENUM_VALUE (BB_HOSPITAL_DETAIL_FORECAST_NONE, "none"),
  G_DEFINE_ENUM_VALUE (BB_HOSPITAL_DETAIL_FORECAST_LOADING, "loading"),
  G_DEFINE_ENUM_VALUE (BB_HOSPITAL_DETAIL_FORECAST_LOADED, "loaded"),
  G_DEFINE_ENUM_VALUE (BB_HOSPITAL_DETAIL_FORECAST_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (BbHospitalDetail, bb_hospital_detail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_HOSPITAL,
  PROP_FORECAST_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* "5 h", "2 days" for a span of hours. */
static char *
format_span (double hours)
{
  if (hours < 1.0)
    return g_strdup (_("less than an hour"));
  if (hours < 48.0)
    {
      int h = (int) lround (hours);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", h), h);
    }
  else
    {
      int d = (int) lround (hours / 24.0);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", d), d);
    }
}

static char *
format_clock (gint64 unix_seconds,
              gint64 now)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);

  if (dt == NULL || today == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (dt) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (dt) == g_date_time_get_day_of_year (today))
    return g_date_time_format (dt, "%H:%M");
  /* Translators: a day and time within the next two weeks, strftime format. */
  return g_date_time_format (dt, _("%a %H:%M"));
}

/* "96%", or "over 99%" / "under 1%": a forecast is never a certainty. */
static char *
format_percent (double p)
{
  if (p >= 0.995)
    return g_strdup (_("over 99%"));
  if (p > 0.0 && p <= 0.005)
    return g_strdup (_("under 1%"));
  return g_strdup_printf (_("%d%%"), (int) lround (p * 100));
}

/* One horizon of the forecast: "In 24 h: about 3 beds free, at least one
 * very likely (96%)." */
static void
append_horizon (GString        *text,
                BbWardForecast *forecast,
                double          hours,
                const char     *lead)
{
  g_autofree char *percent = NULL;
  double mean, p;
  int n;

  if (!bb_hospital_detail_forecast_at (forecast, hours, &mean, &p))
    return;
  n = (int) lround (mean);
  percent = format_percent (p);
  g_string_append_c (text, ' ');
  if (n <= 0)
    /* Translators: %s is "In 24 h" or "In 3 days"; the last %s a chance such as "unlikely". */
    g_string_append_printf (text, _("%s: probably none free, a free bed %s (%s)."),
                            lead, bb_hospital_detail_describe_chance (p), percent);
  else
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "%s: about %d bed free, at least one %s (%s).",
                                         "%s: about %d beds free, at least one %s (%s).", n),
                            lead, n, bb_hospital_detail_describe_chance (p), percent);
}

/* The first time the running maximum of p_any_free reaches one half,
 * between points linearly (bb_ward_forecast_get_first_free's rule);
 * INFINITY when it never does. */
static double
first_free_median_from_points (const BbWardForecastPoint *points,
                               guint                      n)
{
  double best = 0.0;

  for (guint i = 0; i < n; i++)
    {
      if (points[i].p_any_free >= 0.5)
        {
          if (i == 0 || points[i].p_any_free <= best)
            return points[i].t_hours;
          return points[i - 1].t_hours + (0.5 - best) / (points[i].p_any_free - best) *
                 (points[i].t_hours - points[i - 1].t_hours);
        }
      best = MAX (best, points[i].p_any_free);
    }
  return INFINITY;
}

static void
set_forecast_state (BbHospitalDetail              *self,
                    BbHospitalDetailForecastState  state)
{
  if (self->forecast_state == state)
    return;
  self->forecast_state = state;
  gtk_spinner_set_spinning (self->forecast_spinner, state == BB_HOSPITAL_DETAIL_FORECAST_LOADING);
  gtk_widget_set_visible (GTK_WIDGET (self->forecast_spinner), state == BB_HOSPITAL_DETAIL_FORECAST_LOADING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORECAST_STATE]);
}

static BbWardForecastEntry *
find_forecast (BbHospitalDetail *self,
               gint64            ward_id)
{
  if (self->forecast == NULL)
    return NULL;
  for (guint i = 0; i < self->forecast->len; i++)
    {
      BbWardForecastEntry *e = g_ptr_array_index (self->forecast, i);

      if (e->ward_id == ward_id)
        return e;
    }
  return NULL;
}

static void
update_header (BbHospitalDetail *self)
{
  g_autofree char *summary = NULL;
  g_autofree char *age = NULL;
  g_autofree char *updated = NULL;
  const char *phone;
  double distance = -1;

  if (self->hospital == NULL)
    return;

  gtk_label_set_text (self->name_label, bb_hospital_item_get_name (self->hospital));
  summary = bb_availability_summarize (self->hospital, NULL);
  gtk_label_set_text (self->summary_label, summary);

  if (self->has_location)
    distance = bb_availability_distance_km (self->latitude, self->longitude,
                                            bb_hospital_item_get_latitude (self->hospital),
                                            bb_hospital_item_get_longitude (self->hospital));
  if (distance >= 0)
    {
      g_autofree char *address = g_strdup_printf (_("%s · %.1f km away"),
                                                  bb_hospital_item_get_address (self->hospital), distance);

      gtk_label_set_text (self->address_label, address);
    }
  else
    gtk_label_set_text (self->address_label, bb_hospital_item_get_address (self->hospital));

  phone = bb_hospital_item_get_phone (self->hospital);
  gtk_widget_set_visible (GTK_WIDGET (self->phone_label), phone != NULL && *phone != '\0');
  gtk_label_set_text (self->phone_label, phone != NULL ? phone : "");

  age = bb_availability_format_age (bb_hospital_item_get_updated_at (self->hospital), now_seconds ());
  /* Translators: %s is e.g. "5 min ago". */
  updated = *age != '\0' ? g_strdup_printf (_("Beds last changed %s"), age) : g_strdup ("");
  gtk_label_set_text (self->updated_label, updated);
}

static void
update_bars (BbHospitalDetail *self)
{
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (BbWardBarCounts));
  guint n = self->wards != NULL ? g_list_model_get_n_items (self->wards) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (self->wards, i);
      const BbBedCounts *beds = bb_ward_item_get_beds (ward);
      BbWardBarCounts c = { 0 };

      c.ward_name = bb_ward_item_get_name (ward);
      c.beds[BB_WARD_BARS_OCCUPIED] = beds->occupied;
      c.beds[BB_WARD_BARS_RESERVED] = beds->reserved;
      c.beds[BB_WARD_BARS_CLEANING] = beds->cleaning;
      c.beds[BB_WARD_BARS_CLOSED] = beds->closed;
      c.beds[BB_WARD_BARS_FREE] = beds->free;
      g_array_append_val (counts, c);
    }
  self->n_wards = n;
  bb_ward_bars_set_wards (self->ward_bars, (const BbWardBarCounts *) counts->data, counts->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ward_bars),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  bb_ward_bars_get_description (self->ward_bars), -1);
}

static GtkWidget *
make_horizon_box (const char *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *value = gtk_label_new ("");
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (box, 64, -1);
  gtk_widget_add_css_class (value, "title-3");
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (box), "value", value);
  return box;
}

static void
set_horizon_value (GtkWidget      *box,
                   BbWardForecast *forecast,
                   double          hours)
{
  GtkLabel *value = g_object_get_data (G_OBJECT (box), "value");
  double mean, p;

  if (forecast != NULL && bb_hospital_detail_forecast_at (forecast, hours, &mean, &p))
    {
      g_autofree char *text = g_strdup_printf ("%ld", MAX (0L, lround (mean)));

      gtk_label_set_text (value, text);
      gtk_widget_set_visible (box, TRUE);
    }
  else
    gtk_widget_set_visible (box, FALSE);
}

static GtkWidget *
make_forecast_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *day = make_horizon_box (_("in 24 h"));
  GtkWidget *days = make_horizon_box (_("in 3 days"));

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), day);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), days);
  g_object_set_data (G_OBJECT (row), "day", day);
  g_object_set_data (G_OBJECT (row), "days", days);
  return row;
}

/* One row per ward in the wards' order, updated in place: the beds free
 * now change with every live event, the forecast when it is fetched. */
static void
update_forecast_rows (BbHospitalDetail *self)
{
  guint n = self->wards != NULL ? g_list_model_get_n_items (self->wards) : 0;
  gint64 now = now_seconds ();
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (self->wards, i);
      gint64 id = bb_ward_item_get_id (ward);
      BbWardForecastEntry *entry = find_forecast (self, id);
      BbWardForecast *forecast = entry != NULL ? entry->forecast : NULL;
      GtkWidget *row = g_hash_table_lookup (self->rows, &id);
      g_autofree char *title = NULL;
      g_autofree char *text = NULL;

      if (row == NULL)
        {
          gint64 *k = g_new (gint64, 1);

          *k = id;
          row = make_forecast_row ();
          adw_preferences_group_add (self->forecast_group, row);
          g_hash_table_insert (self->rows, k, row);
        }

      title = g_strdup_printf ("%s · %s", bb_ward_item_get_name (ward),
                               bb_availability_kind_label (bb_ward_item_get_kind (ward)));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

      if (entry != NULL && entry->unavailable != NULL)
        {
          g_autofree char *free_now = bb_hospital_detail_describe_forecast (NULL, bb_ward_item_get_free (ward), now);

          /* Translators: the first %s is "2 beds free now.", the second the server's reason. */
          text = g_strdup_printf (_("%s No forecast: %s."), free_now, entry->unavailable);
        }
      else
        text = bb_hospital_detail_describe_forecast (forecast, bb_ward_item_get_free (ward), now);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      set_horizon_value (g_object_get_data (G_OBJECT (row), "day"), forecast, 24.0);
      set_horizon_value (g_object_get_data (G_OBJECT (row), "days"), forecast, 72.0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);

      if (forecast != NULL || (entry != NULL && entry->unavailable != NULL))
        g_hash_table_insert (self->texts, g_memdup2 (&id, sizeof id), g_strdup (text));
      else
        g_hash_table_remove (self->texts, &id);
    }

  /* Wards that are gone. */
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean present = FALSE;

      for (guint i = 0; i < n && !present; i++)
        {
          g_autoptr(BbWardItem) ward = g_list_model_get_item (self->wards, i);

          present = bb_ward_item_get_id (ward) == *(gint64 *) key;
        }
      if (!present)
        {
          g_hash_table_remove (self->texts, key);
          adw_preferences_group_remove (self->forecast_group, value);
          g_hash_table_iter_remove (&iter);
        }
    }
}

static void
update_forecast_description (BbHospitalDetail *self)
{
  const char *description = NULL;

  switch (self->forecast_state)
    {
    case BB_HOSPITAL_DETAIL_FORECAST_LOADING:
      description = _("Asking the server for its forecast…");
      break;
    case BB_HOSPITAL_DETAIL_FORECAST_FAILED:
      description = _("The forecast could not be loaded; the beds free now are from the last update.");
      break;
    case BB_HOSPITAL_DETAIL_FORECAST_LOADED:
      description = _("Expected from the stays of the patients in each ward and the bookings made, "
                      "by the hospital network's length-of-stay models.");
      break;
    case BB_HOSPITAL_DETAIL_FORECAST_NONE:
    default:
      break;
    }
  adw_preferences_group_set_description (self->forecast_group, description);
}

static void
update_all (BbHospitalDetail *self)
{
  update_header (self);
  update_bars (self);
  update_forecast_rows (self);
  update_forecast_description (self);
}

static void
on_hospital_notify_cb (BbHospitalDetail *self,
                       GParamSpec       *pspec,
                       BbHospitalItem   *hospital)
{
  update_header (self);
  /* A bed event moves the ward's counts and notifies the hospital. */
  update_bars (self);
  update_forecast_rows (self);
}

static void
on_wards_changed_cb (BbHospitalDetail *self,
                     guint             position,
                     guint             removed,
                     guint             added,
                     GListModel       *wards)
{
  update_bars (self);
  update_forecast_rows (self);
}

static void
on_forecast_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BbHospitalDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  entries = bb_api_client_get_forecast_finish (BB_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (entries == NULL)
    {
      g_debug ("Forecast of hospital %" G_GINT64_FORMAT ": %s",
               self->hospital != NULL ? bb_hospital_item_get_id (self->hospital) : 0, error->message);
      set_forecast_state (self, BB_HOSPITAL_DETAIL_FORECAST_FAILED);
    }
  else
    {
      g_clear_pointer (&self->forecast, g_ptr_array_unref);
      self->forecast = g_steal_pointer (&entries);
      self->forecast_time = g_get_monotonic_time ();
      set_forecast_state (self, BB_HOSPITAL_DETAIL_FORECAST_LOADED);
    }
  update_forecast_rows (self);
  update_forecast_description (self);
}

static void
on_hospital_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospitalItem) item = NULL;

  /* The item updates itself in place; the detail follows its signals. */
  item = bb_client_context_load_hospital_finish (BB_CLIENT_CONTEXT (source), result, &error);
  if (item == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading a hospital's wards: %s", error->message);
}

/* The enquiry form's hospital chooser: a combo row over the context's
 * hospital list, found in the page's widgets. */
static AdwComboRow *
find_hospital_combo (GtkWidget  *widget,
                     GListModel *hospitals)
{
  if (ADW_IS_COMBO_ROW (widget) && adw_combo_row_get_model (ADW_COMBO_ROW (widget)) == hospitals)
    return ADW_COMBO_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwComboRow *found = find_hospital_combo (child, hospitals);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
preselect_hospital (BbHospitalDetail *self,
                    BbPage           *page,
                    gint64            hospital_id)
{
  BbHospitalList *hospitals = bb_client_context_get_hospitals (self->context);
  GParamSpec *pspec;
  AdwComboRow *combo;
  guint position;

  /* A page that takes the hospital as a property gets it that way... */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (page), "hospital-id");
  if (pspec != NULL && (pspec->flags & G_PARAM_WRITABLE) != 0 && pspec->value_type == G_TYPE_INT64)
    {
      g_object_set (page, "hospital-id", hospital_id, NULL);
      return;
    }
  /* ...otherwise its chooser over the shared hospital list is set. */
  combo = find_hospital_combo (GTK_WIDGET (page), G_LIST_MODEL (hospitals));
  if (combo != NULL && bb_hospital_list_lookup (hospitals, hospital_id, &position) != NULL)
    adw_combo_row_set_selected (combo, position);
}

static void
show_enquiry_form (BbHospitalDetail *self,
                   BbWindow         *window,
                   gint64            hospital_id)
{
  BbPage *page = bb_window_get_page (window, "enquiries");

  if (page == NULL)
    {
      bb_window_add_toast (window, _("This version of Bedboard cannot send enquiries"));
      return;
    }
  preselect_hospital (self, page, hospital_id);
  if (bb_window_show_page (window, "enquiries"))
    {
      self->pending_enquiry = 0;
      return;
    }
  /* Only people with an account can follow up on an enquiry: ask them to
   * log in, then continue to the form. */
  self->pending_enquiry = hospital_id;
  bb_window_add_toast (window, _("Log in to send an enquiry"));
  bb_window_show_login (window);
}

static void
on_enquiry_clicked_cb (BbHospitalDetail *self,
                       GtkButton        *button)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->hospital == NULL || !BB_IS_WINDOW (root))
    return;
  show_enquiry_form (self, BB_WINDOW (root), bb_hospital_item_get_id (self->hospital));
}

static void
on_session_role_cb (BbHospitalDetail *self,
                    GParamSpec       *pspec,
                    BbSession        *session)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gint64 pending = self->pending_enquiry;

  if (pending == 0 || !BB_IS_WINDOW (root) || !bb_session_is_logged_in (session))
    return;
  /* The window updates its pages on the same notification: go there after. */
  self->pending_enquiry = 0;
  if (bb_window_page_is_visible (BB_WINDOW (root), "enquiries"))
    show_enquiry_form (self, BB_WINDOW (root), pending);
}

static void
on_online_cb (BbHospitalDetail *self,
              GParamSpec       *pspec,
              BbClientContext  *context)
{
  if (bb_client_context_get_online (context) &&
      self->forecast_state == BB_HOSPITAL_DETAIL_FORECAST_FAILED)
    bb_hospital_detail_reload_forecast (self);
}

static gboolean
on_age_tick_cb (gpointer user_data)
{
  BbHospitalDetail *self = user_data;

  update_header (self);
  if (self->forecast_state == BB_HOSPITAL_DETAIL_FORECAST_LOADED &&
      g_get_monotonic_time () - self->forecast_time > FORECAST_MAX_AGE_SECONDS * G_USEC_PER_SEC)
    bb_hospital_detail_reload_forecast (self);
  return G_SOURCE_CONTINUE;
}

static void
bb_hospital_detail_constructed (GObject *object)
{
  BbHospitalDetail *self = (BbHospitalDetail *) object;

  G_OBJECT_CLASS (bb_hospital_detail_parent_class)->constructed (object);

  g_return_if_fail (self->context != NULL);
  g_signal_connect_object (bb_client_context_get_session (self->context), "notify::role",
                           G_CALLBACK (on_session_role_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->context, "notify::online", G_CALLBACK (on_online_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
bb_hospital_detail_dispose (GObject *object)
{
  BbHospitalDetail *self = (BbHospitalDetail *) object;
  GtkWidget *child;

  bb_hospital_detail_set_hospital (self, NULL);
  g_clear_handle_id (&self->age_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_HOSPITAL_DETAIL);
  /* The template's top child has no id: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (bb_hospital_detail_parent_class)->dispose (object);
}

static void
bb_hospital_detail_finalize (GObject *object)
{
  BbHospitalDetail *self = (BbHospitalDetail *) object;

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->texts, g_hash_table_unref);
  g_clear_pointer (&self->forecast, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_hospital_detail_parent_class)->finalize (object);
}

static void
bb_hospital_detail_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BbHospitalDetail *self = BB_HOSPITAL_DETAIL (object);

  switch (prop_id)
    {
    case PROP_CONTEXT: g_value_set_object (value, self->context); break;
    case PROP_HOSPITAL: g_value_set_object (value, self->hospital); break;
    case PROP_FORECAST_STATE: g_value_set_enum (value, self->forecast_state); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_hospital_detail_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BbHospitalDetail *self = BB_HOSPITAL_DETAIL (object);

  switch (prop_id)
    {
    case PROP_CONTEXT: self->context = g_value_dup_object (value); break;
    case PROP_HOSPITAL: bb_hospital_detail_set_hospital (self, g_value_get_object (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_hospital_detail_class_init (BbHospitalDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_hospital_detail_constructed;
  object_class->dispose = bb_hospital_detail_dispose;
  object_class->finalize = bb_hospital_detail_finalize;
  object_class->get_property = bb_hospital_detail_get_property;
  object_class->set_property = bb_hospital_detail_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, BB_TYPE_CLIENT_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOSPITAL] =
    g_param_spec_object ("hospital", NULL, NULL, BB_TYPE_HOSPITAL_ITEM,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FORECAST_STATE] =
    g_param_spec_enum ("forecast-state", NULL, NULL, BB_TYPE_HOSPITAL_DETAIL_FORECAST_STATE,
                       BB_HOSPITAL_DETAIL_FORECAST_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BB_TYPE_WARD_BARS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-hospital-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, address_label);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, updated_label);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, phone_label);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, enquiry_button);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, ward_bars);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, forecast_group);
  gtk_widget_class_bind_template_child (widget_class, BbHospitalDetail, forecast_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_enquiry_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "bb-hospital-detail");
}

static void
bb_hospital_detail_init (BbHospitalDetail *self)
{
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bb_hospital_detail_new (BbClientContext *context)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (context), NULL);

  return g_object_new (BB_TYPE_HOSPITAL_DETAIL, "context", context, NULL);
}

void
bb_hospital_detail_set_hospital (BbHospitalDetail *self,
                                 BbHospitalItem   *hospital)
{
  g_return_if_fail (BB_IS_HOSPITAL_DETAIL (self));
  g_return_if_fail (hospital == NULL || BB_IS_HOSPITAL_ITEM (hospital));

  if (self->hospital == hospital)
    return;

  if (self->hospital != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->hospital, self);
      g_signal_handlers_disconnect_by_data (self->wards, self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->forecast, g_ptr_array_unref);
  g_clear_object (&self->wards);
  g_set_object (&self->hospital, hospital);
  self->pending_enquiry = 0;

  if (hospital != NULL)
    {
      self->wards = g_object_ref (bb_hospital_item_get_wards (hospital));
      g_signal_connect_object (hospital, "notify", G_CALLBACK (on_hospital_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->wards, "items-changed", G_CALLBACK (on_wards_changed_cb), self, G_CONNECT_SWAPPED);
      if (self->age_source == 0)
        self->age_source = g_timeout_add_seconds (AGE_TICK_SECONDS, on_age_tick_cb, self);
      /* A snapshot may hold a hospital without its wards. */
      if (!bb_hospital_item_get_has_wards (hospital) && self->context != NULL)
        bb_client_context_load_hospital_async (self->context, bb_hospital_item_get_id (hospital), NULL,
                                               on_hospital_loaded_cb, NULL);
      /* Fresh rows: a different hospital's wards. */
      {
        GHashTableIter iter;
        gpointer row;

        g_hash_table_iter_init (&iter, self->rows);
        while (g_hash_table_iter_next (&iter, NULL, &row))
          {
            adw_preferences_group_remove (self->forecast_group, row);
            g_hash_table_iter_remove (&iter);
          }
        g_hash_table_remove_all (self->texts);
      }
      bb_hospital_detail_reload_forecast (self);
      update_all (self);
    }
  else
    {
      g_clear_handle_id (&self->age_source, g_source_remove);
      set_forecast_state (self, BB_HOSPITAL_DETAIL_FORECAST_NONE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOSPITAL]);
}

void
bb_hospital_detail_set_location (BbHospitalDetail *self,
                                 gboolean          has_location,
                                 double            latitude,
                                 double            longitude)
{
  g_return_if_fail (BB_IS_HOSPITAL_DETAIL (self));

  self->has_location = !!has_location;
  self->latitude = latitude;
  self->longitude = longitude;
  update_header (self);
}

BbHospitalItem *
bb_hospital_detail_get_hospital (BbHospitalDetail *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_DETAIL (self), NULL);
  return self->hospital;
}

void
bb_hospital_detail_reload_forecast (BbHospitalDetail *self)
{
  g_return_if_fail (BB_IS_HOSPITAL_DETAIL (self));

  if (self->hospital == NULL || self->context == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_forecast_state (self, BB_HOSPITAL_DETAIL_FORECAST_LOADING);
  update_forecast_description (self);
  bb_api_client_get_forecast_async (bb_client_context_get_api (self->context),
                                    bb_hospital_item_get_id (self->hospital), 0, self->cancellable,
                                    on_forecast_cb, g_object_ref (self));
}

BbHospitalDetailForecastState
bb_hospital_detail_get_forecast_state (BbHospitalDetail *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_DETAIL (self), BB_HOSPITAL_DETAIL_FORECAST_NONE);
  return self->forecast_state;
}

guint
bb_hospital_detail_get_n_wards (BbHospitalDetail *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_DETAIL (self), 0);
  return self->n_wards;
}

const char *
bb_hospital_detail_get_bars_description (BbHospitalDetail *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_DETAIL (self), NULL);
  return bb_ward_bars_get_description (self->ward_bars);
}

const char *
bb_hospital_detail_get_ward_forecast_text (BbHospitalDetail *self,
                                           gint64            ward_id)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_DETAIL (self), NULL);
  return g_hash_table_lookup (self->texts, &ward_id);
}

/* ---- words ---- */

gboolean
bb_hospital_detail_forecast_at (BbWardForecast *forecast,
                                double          t_hours,
                                double         *free_mean,
                                double         *p_any_free)
{
  const BbWardForecastPoint *points;
  guint n = 0;

  g_return_val_if_fail (free_mean != NULL && p_any_free != NULL, FALSE);

  if (forecast == NULL)
    return FALSE;
  points = bb_ward_forecast_get_points (forecast, &n);
  if (n == 0 || !isfinite (t_hours) || t_hours < points[0].t_hours || t_hours > points[n - 1].t_hours)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (points[i].t_hours == t_hours || i + 1 == n)
        {
          *free_mean = MAX (0.0, points[i].free_mean);
          *p_any_free = CLAMP (points[i].p_any_free, 0.0, 1.0);
          return TRUE;
        }
      if (points[i + 1].t_hours > t_hours)
        {
          double span = points[i + 1].t_hours - points[i].t_hours;
          double w = span > 0 ? (t_hours - points[i].t_hours) / span : 0.0;

          *free_mean = MAX (0.0, points[i].free_mean + w * (points[i + 1].free_mean - points[i].free_mean));
          *p_any_free = CLAMP (points[i].p_any_free + w * (points[i + 1].p_any_free - points[i].p_any_free), 0.0, 1.0);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
bb_hospital_detail_describe_chance (double p)
{
  if (p >= 0.995)
    return _("almost certain");
  if (p >= 0.9)
    return _("very likely");
  if (p >= 0.65)
    return _("likely");
  if (p >= 0.35)
    return _("about even");
  if (p >= 0.1)
    return _("unlikely");
  return _("very unlikely");
}

char *
bb_hospital_detail_describe_forecast (BbWardForecast *forecast,
                                      guint           free_now,
                                      gint64          now)
{
  GString *text = g_string_new (NULL);

  if (free_now > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u bed free now.", "%u beds free now.",
                                               free_now), free_now);
  else if (forecast != NULL)
    {
      double median = INFINITY, p10 = INFINITY, p90 = INFINITY;
      const BbWardForecastPoint *points;
      guint n = 0;

      points = bb_ward_forecast_get_points (forecast, &n);
      /* A forecast read from JSON without "first_free" says nothing there:
       * find the median from its points the same way. */
      if (!bb_ward_forecast_get_first_free (forecast, &median, &p10, &p90) || !isfinite (median))
        median = first_free_median_from_points (points, n);
      if (isfinite (median))
        {
          g_autofree char *clock = format_clock (now + (gint64) (median * 3600.0), now);
          g_autofree char *span = format_span (median);

          /* Translators: the first %s is a time ("Tue 14:00"), the second a span ("5 hours"). */
          g_string_append_printf (text, _("No bed free now; one is likely free by %s (in about %s)."),
                                  clock, span);
        }
      else if (n > 0)
        {
          int days = (int) lround (points[n - 1].t_hours / 24.0);

          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                     "No bed free now, and none likely within %d day.",
                                                     "No bed free now, and none likely within %d days.", days),
                                  days);
        }
      else
        g_string_append (text, _("No bed free now."));
    }
  else
    g_string_append (text, _("No bed free now."));

  if (forecast != NULL)
    {
      append_horizon (text, forecast, 24.0, _("In 24 h"));
      append_horizon (text, forecast, 72.0, _("In 3 days"));
    }
  return g_string_free (text, FALSE);
}
