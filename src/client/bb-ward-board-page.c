/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-board-page.c: the ward board (see bb-ward-board-page.h).
 *
 * The grid shows the context's shared BbBedList of the chosen ward, so live
 * events change tiles in place. An action is one async call; on success the
 * page applies the change it knows of at once (as the live event will) and
 * reloads the ward for what it does not (a new admission); on failure the
 * server's reason is shown in a toast and nothing changes. */
#define G_LOG_DOMAIN "bb-ward-board-page"

#include "config.h"

#include "bb-ward-board-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "bb-bed-tile.h"
#include "bb-client-context.h"

struct _BbWardBoardPage
{
  GtkWidget           parent_instance;

  BbClientContext    *context;
  BbHospitalItem     *hospital;       /* the chosen one */
  GListModel         *wards;          /* its wards, watched */
  BbBedList          *beds;           /* the chosen ward's */
  GtkSingleSelection *selection;
  GtkFilterListModel *free_beds;
  BbBedItem          *selected;       /* watched for state changes */
  GPtrArray          *bookings;       /* BbBooking held or confirmed, of the ward */
  GCancellable       *bookings_cancellable;
  GCancellable       *cancellable;
  char               *last_error;
  gboolean            ready;
  gboolean            busy;
  gboolean            restoring;      /* choosing from the settings: do not save */
  gboolean            hospital_restored;
  gboolean            ward_restored;
  gboolean            syncing_watch;  /* setting watch_button from the settings */

  /* template */
  AdwToastOverlay    *toast_overlay;
  GtkDropDown        *hospital_dropdown;
  GtkDropDown        *ward_dropdown;
  GtkToggleButton    *watch_button;
  GtkLabel           *summary_label;
  GtkSwitch          *privacy_switch;
  GtkBox             *legend_box;
  GtkStack           *content_stack;
  AdwStatusPage      *empty_page;
  GtkGridView        *grid_view;
  BbBedDetails       *details;
};

static void bb_ward_board_page_page_iface_init (BbPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbWardBoardPage, bb_ward_board_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (BB_TYPE_PAGE, bb_ward_board_page_page_iface_init))

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS = PROP_CONTEXT + BB_PAGE_N_PROPS
};

typedef struct
{
  BbWardBoardPage *self;
  BbBedAction      action;
  gint64           bed_id;
  gint64           argument;       /* booking or target bed */
  gint64           held_bed_id;    /* admit: the bed the booking held, if another */
  char            *bed_label;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_object (&data->self);
  g_free (data->bed_label);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ActionData, action_data_free)

static void load_bookings (BbWardBoardPage *self);

static GSettings *
get_settings (BbWardBoardPage *self)
{
  return self->context != NULL ? bb_client_context_get_settings (self->context) : NULL;
}

static void
set_ready (BbWardBoardPage *self)
{
  if (self->ready)
    return;
  self->ready = TRUE;
  g_object_notify (G_OBJECT (self), "ready");
}

static void
show_error (BbWardBoardPage *self,
            const char      *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_summary (BbWardBoardPage *self)
{
  guint n, free = 0, occupied = 0, reserved = 0, cleaning = 0, out = 0;
  g_autofree char *text = NULL;

  if (self->beds == NULL || !bb_bed_list_get_loaded (self->beds))
    {
      gtk_label_set_text (self->summary_label, "");
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->beds));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbBedItem) bed = g_list_model_get_item (G_LIST_MODEL (self->beds), i);
      BbBedStatus status = bb_bed_item_get_status (bed);

      if (bb_bed_item_get_reserved (bed))
        reserved++;
      else if (status == BB_BED_STATUS_UNOCCUPIED)
        free++;
      else if (status == BB_BED_STATUS_OCCUPIED)
        occupied++;
      else if (status == BB_BED_STATUS_HOUSEKEEPING || status == BB_BED_STATUS_CONTAMINATED)
        cleaning++;
      else
        out++;
    }
  {
    g_autoptr(GString) summary = g_string_new (NULL);
    const struct { guint count; const char *word; } parts[] = {
      { free, C_("beds", "free") }, { reserved, C_("beds", "reserved") },
      { occupied, C_("beds", "occupied") }, { cleaning, C_("beds", "cleaning") },
      { out, C_("beds", "closed") },
    };

    /* Translators: the ward board's summary starts with the number of beds. */
    g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u bed", "%u beds", n), n);
    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      if (parts[i].count > 0)
        g_string_append_printf (summary, " · %u %s", parts[i].count, parts[i].word);
    text = g_string_free (g_steal_pointer (&summary), FALSE);
  }
  gtk_label_set_text (self->summary_label, text);
}

static void
update_content (BbWardBoardPage *self)
{
  update_summary (self);

  if (self->context != NULL && bb_client_context_get_loaded (self->context) &&
      g_list_model_get_n_items (G_LIST_MODEL (bb_client_context_get_hospitals (self->context))) == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Hospitals"));
      adw_status_page_set_description (self->empty_page, _("The server has no hospitals yet."));
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      set_ready (self);
      return;
    }
  if (self->hospital != NULL && bb_hospital_item_get_has_wards (self->hospital) &&
      g_list_model_get_n_items (bb_hospital_item_get_wards (self->hospital)) == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Wards"));
      adw_status_page_set_description (self->empty_page, _("This hospital has no wards yet."));
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      set_ready (self);
      return;
    }
  if ((self->beds == NULL || !bb_bed_list_get_loaded (self->beds)) &&
      self->context != NULL && bb_client_context_get_loaded (self->context) &&
      !bb_client_context_get_online (self->context))
    {
      /* Beds are not in the offline snapshot (they carry patient data). */
      adw_status_page_set_title (self->empty_page, _("Offline"));
      adw_status_page_set_description (self->empty_page,
                                       _("The ward board needs the server. It shows the beds again as soon as the connection is back."));
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      set_ready (self);
      return;
    }
  if (self->beds == NULL || !bb_bed_list_get_loaded (self->beds))
    {
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      return;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->beds)) == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Beds"));
      adw_status_page_set_description (self->empty_page, _("This ward has no beds yet."));
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->content_stack, "board");
  set_ready (self);
}

/* ---- bookings that can be admitted ---- */

static char *
describe_booking (BbWardBoardPage *self,
                  const BbBooking *booking,
                  gint64           bed_id)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *time = NULL;
  const char *ref = booking->patient_ref != NULL ? booking->patient_ref : "";

  if (booking->status == BB_BOOKING_HELD)
    {
      BbBedItem *held = booking->bed_id > 0 && self->beds != NULL
                        ? bb_bed_list_lookup (self->beds, booking->bed_id, NULL) : NULL;

      when = g_date_time_new_from_unix_local (booking->expires_at);
      time = when != NULL ? g_date_time_format (when, "%H:%M") : g_strdup ("?");
      if (booking->bed_id == bed_id)
        /* Translators: a booking to admit: patient reference, hold expiry time. */
        return g_strdup_printf (_("%s · holds this bed until %s"), ref, time);
      if (held != NULL)
        /* Translators: patient reference, the bed it holds, hold expiry time. */
        return g_strdup_printf (_("%s · holds %s until %s"), ref, bb_bed_item_get_label (held), time);
      return g_strdup_printf (_("%s · held until %s"), ref, time);
    }
  when = g_date_time_new_from_unix_local (booking->start);
  time = when != NULL ? g_date_time_format (when, "%a %e %b %H:%M") : g_strdup ("?");
  /* Translators: patient reference, start time of a confirmed booking. */
  return g_strdup_printf (_("%s · confirmed, from %s"), ref, time);
}

static void
offer_bookings (BbWardBoardPage *self)
{
  BbBedItem *bed = self->selected;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  gint64 bed_id;

  if (bed == NULL)
    return;
  bed_id = bb_bed_item_get_id (bed);
  for (guint i = 0; self->bookings != NULL && i < self->bookings->len; i++)
    {
      const BbBooking *booking = g_ptr_array_index (self->bookings, i);

      /* A reserved bed takes the booking that holds it; a free one any. */
      if (bb_bed_item_get_reserved (bed) && booking->bed_id != bed_id)
        continue;
      g_array_append_val (ids, booking->id);
      g_ptr_array_add (texts, describe_booking (self, booking, bed_id));
    }
  g_ptr_array_add (texts, NULL);
  bb_bed_details_set_bookings (self->details, (const gint64 *) ids->data,
                               (const char **) texts->pdata, ids->len);
}

/* The held and the confirmed bookings are asked for one after the other,
 * so a hospital's long history of admitted and cancelled ones never loads. */
typedef struct
{
  BbWardBoardPage *self;
  GCancellable    *cancellable;
  GPtrArray       *found;     /* BbBooking of the ward */
  const char      *status;    /* the one being loaded */
} BookingsLoad;

static void
bookings_load_free (BookingsLoad *load)
{
  g_clear_object (&load->self);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->found, g_ptr_array_unref);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BookingsLoad, bookings_load_free)

static int
compare_bookings_oldest_first (gconstpointer a,
                               gconstpointer b)
{
  const BbBooking *x = *(BbBooking * const *) a;
  const BbBooking *y = *(BbBooking * const *) b;

  return x->created_at < y->created_at ? -1 : x->created_at > y->created_at ? 1 :
         x->id < y->id ? -1 : x->id > y->id;
}

static void
on_bookings_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BookingsLoad) load = user_data;
  BbWardBoardPage *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) some = NULL;
  gint64 ward_id;

  some = bb_api_client_list_bookings_finish (BB_API_CLIENT (source), result, &error);
  if (some == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Loading the %s bookings: %s", load->status, error->message);
          bb_bed_details_set_bookings_loading (self->details, FALSE);
        }
      return;
    }
  if (self->beds == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;
  ward_id = bb_bed_list_get_ward_id (self->beds);
  for (guint i = some->len; i > 0; i--)
    {
      BbBooking *booking = g_ptr_array_index (some, i - 1);

      if (booking->ward_id == ward_id &&
          (booking->status == BB_BOOKING_HELD || booking->status == BB_BOOKING_CONFIRMED))
        g_ptr_array_add (load->found, g_ptr_array_steal_index (some, i - 1));
    }
  if (g_str_equal (load->status, "held"))
    {
      BbApiClient *api = bb_client_context_get_api (self->context);
      GCancellable *cancellable = load->cancellable;
      gint64 hospital_id = bb_bed_list_get_hospital_id (self->beds);

      load->status = "confirmed";
      bb_api_client_list_bookings_async (api, hospital_id, "confirmed", cancellable,
                                         on_bookings_loaded_cb, g_steal_pointer (&load));
      return;
    }
  /* Oldest first: the patient waiting longest is offered first. */
  g_ptr_array_sort (load->found, compare_bookings_oldest_first);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);
  self->bookings = g_steal_pointer (&load->found);
  bb_bed_details_set_bookings_loading (self->details, FALSE);
  offer_bookings (self);
}

static void
load_bookings (BbWardBoardPage *self)
{
  BookingsLoad *load;

  g_cancellable_cancel (self->bookings_cancellable);
  g_clear_object (&self->bookings_cancellable);
  if (self->beds == NULL || self->context == NULL)
    return;
  self->bookings_cancellable = g_cancellable_new ();
  load = g_new0 (BookingsLoad, 1);
  load->self = g_object_ref (self);
  load->cancellable = g_object_ref (self->bookings_cancellable);
  load->found = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_booking_free);
  load->status = "held";
  bb_bed_details_set_bookings_loading (self->details, TRUE);
  bb_api_client_list_bookings_async (bb_client_context_get_api (self->context),
                                     bb_bed_list_get_hospital_id (self->beds), load->status,
                                     load->cancellable, on_bookings_loaded_cb, load);
}

/* ---- selection ---- */

static void
on_selected_bed_notify_cb (BbWardBoardPage *self,
                           GParamSpec      *pspec,
                           BbBedItem       *bed)
{
  /* Held or freed: which bookings can be admitted here changed. */
  if (g_str_equal (pspec->name, "reserved") || g_str_equal (pspec->name, "status"))
    load_bookings (self);
}

static void
on_selection_changed_cb (BbWardBoardPage    *self,
                         GParamSpec         *pspec,
                         GtkSingleSelection *selection)
{
  BbBedItem *bed = gtk_single_selection_get_selected_item (selection);

  if (bed == self->selected)
    return;
  if (self->selected != NULL)
    g_signal_handlers_disconnect_by_func (self->selected, on_selected_bed_notify_cb, self);
  g_set_object (&self->selected, bed);
  if (bed != NULL)
    g_signal_connect_object (bed, "notify", G_CALLBACK (on_selected_bed_notify_cb), self, G_CONNECT_SWAPPED);
  bb_bed_details_set_bed (self->details, bed);
  offer_bookings (self);
  if (bed != NULL && bb_bed_item_get_status (bed) == BB_BED_STATUS_UNOCCUPIED)
    load_bookings (self);
}

static gboolean
bed_is_free (gpointer item,
             gpointer user_data)
{
  BbBedItem *bed = item;

  return bb_bed_item_get_status (bed) == BB_BED_STATUS_UNOCCUPIED && !bb_bed_item_get_reserved (bed);
}

static void
on_beds_loaded_cb (BbWardBoardPage *self,
                   GParamSpec      *pspec,
                   BbBedList       *beds)
{
  update_content (self);
}

static void
on_beds_changed_cb (BbWardBoardPage *self,
                    guint            position,
                    guint            removed,
                    guint            added,
                    GListModel      *beds)
{
  update_summary (self);
  if (removed != added)
    update_content (self);
}

/* ---- watching the ward (GSettings watched-wards, for notifications) ---- */

static gint64
shown_ward_id (BbWardBoardPage *self)
{
  return self->beds != NULL ? bb_bed_list_get_ward_id (self->beds) : 0;
}

static void
sync_watch_button (BbWardBoardPage *self)
{
  GSettings *settings = get_settings (self);
  gint64 ward_id = shown_ward_id (self);
  gboolean watched = FALSE;

  if (settings != NULL && ward_id != 0)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, "watched-wards");
      gsize n = 0;
      const gint64 *ids = g_variant_get_fixed_array (value, &n, sizeof (gint64));

      for (gsize i = 0; i < n; i++)
        watched |= ids[i] == ward_id;
    }
  self->syncing_watch = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->watch_button), settings != NULL && ward_id != 0);
  gtk_toggle_button_set_active (self->watch_button, watched);
  self->syncing_watch = FALSE;
}

static void
on_watched_wards_changed_cb (BbWardBoardPage *self,
                             const char      *key,
                             GSettings       *settings)
{
  sync_watch_button (self);
}

static void
on_watch_toggled_cb (BbWardBoardPage *self,
                     GtkToggleButton *button)
{
  GSettings *settings = get_settings (self);
  gint64 ward_id = shown_ward_id (self);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GArray) kept = NULL;
  const gint64 *ids;
  gsize n = 0;

  if (self->syncing_watch || settings == NULL || ward_id == 0)
    return;
  value = g_settings_get_value (settings, "watched-wards");
  ids = g_variant_get_fixed_array (value, &n, sizeof (gint64));
  kept = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n + 1);
  for (gsize i = 0; i < n; i++)
    if (ids[i] != ward_id)
      g_array_append_val (kept, ids[i]);
  if (gtk_toggle_button_get_active (button))
    g_array_append_val (kept, ward_id);
  g_settings_set_value (settings, "watched-wards",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, kept->data, kept->len, sizeof (gint64)));
}

static void
show_ward (BbWardBoardPage *self,
           gint64           hospital_id,
           gint64           ward_id)
{
  GtkCustomFilter *filter;

  if (self->beds != NULL)
    {
      if (bb_bed_list_get_ward_id (self->beds) == ward_id)
        return;
      g_signal_handlers_disconnect_by_data (self->beds, self);
    }
  g_cancellable_cancel (self->bookings_cancellable);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);
  gtk_single_selection_set_model (self->selection, NULL);
  bb_bed_details_set_free_beds (self->details, NULL);
  g_clear_object (&self->free_beds);
  g_clear_object (&self->beds);

  self->beds = bb_client_context_get_ward_beds (self->context, hospital_id, ward_id);
  g_signal_connect_object (self->beds, "notify::loaded", G_CALLBACK (on_beds_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->beds, "items-changed", G_CALLBACK (on_beds_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->beds));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  filter = gtk_custom_filter_new (bed_is_free, NULL, NULL);
  self->free_beds = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->beds)), GTK_FILTER (filter));
  bb_bed_details_set_free_beds (self->details, G_LIST_MODEL (self->free_beds));
  update_content (self);
  sync_watch_button (self);
}

/* ---- hospital and ward choice ---- */

static guint
find_position (GListModel *model,
               gint64      id,
               gint64    (*get_id) (gpointer item))
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (get_id (item) == id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gint64 hospital_id_of (gpointer item) { return bb_hospital_item_get_id (item); }
static gint64 ward_id_of (gpointer item) { return bb_ward_item_get_id (item); }

static void
follow_ward (BbWardBoardPage *self)
{
  BbWardItem *ward = gtk_drop_down_get_selected_item (self->ward_dropdown);

  if (ward != NULL)
    show_ward (self, bb_ward_item_get_hospital_id (ward), bb_ward_item_get_id (ward));
  else
    update_content (self);
}

/* The dropdowns select their first item as soon as they have one; the
 * saved choice is applied once per hospital, when its wards are there,
 * and only the user's later choices are saved. */
static void
sync_ward (BbWardBoardPage *self)
{
  GSettings *settings = get_settings (self);
  guint position;
  gint64 wanted;

  if (self->wards == NULL)
    return;
  if (g_list_model_get_n_items (self->wards) == 0)
    {
      update_content (self);
      return;
    }
  if (!self->ward_restored)
    {
      wanted = settings != NULL ? g_settings_get_int64 (settings, "ward-board-ward") : 0;
      position = find_position (self->wards, wanted, ward_id_of);
      self->ward_restored = TRUE;
      self->restoring = TRUE;
      gtk_drop_down_set_selected (self->ward_dropdown, position != GTK_INVALID_LIST_POSITION ? position : 0);
      self->restoring = FALSE;
    }
  follow_ward (self);
}

static void
on_wards_changed_cb (BbWardBoardPage *self,
                     guint            position,
                     guint            removed,
                     guint            added,
                     GListModel      *wards)
{
  if (removed != added)
    sync_ward (self);
}

static void
on_hospital_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BbWardBoardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospitalItem) item = NULL;

  item = bb_client_context_load_hospital_finish (BB_CLIENT_CONTEXT (source), result, &error);
  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  sync_ward (self);
}

static void
on_hospital_selected_cb (BbWardBoardPage *self,
                         GParamSpec      *pspec,
                         GtkDropDown     *dropdown)
{
  BbHospitalItem *hospital = gtk_drop_down_get_selected_item (dropdown);
  GSettings *settings = get_settings (self);

  if (!self->hospital_restored || hospital == self->hospital)
    return;
  if (self->wards != NULL)
    g_signal_handlers_disconnect_by_func (self->wards, on_wards_changed_cb, self);
  g_clear_object (&self->wards);
  g_set_object (&self->hospital, hospital);
  if (hospital == NULL)
    {
      gtk_drop_down_set_model (self->ward_dropdown, NULL);
      update_content (self);
      return;
    }
  if (settings != NULL && !self->restoring)
    g_settings_set_int64 (settings, "ward-board-hospital", bb_hospital_item_get_id (hospital));

  self->wards = g_object_ref (bb_hospital_item_get_wards (hospital));
  self->ward_restored = FALSE;
  gtk_drop_down_set_model (self->ward_dropdown, self->wards);
  /* After the dropdown's own handler, so it has seen the change first. */
  g_signal_connect_object (self->wards, "items-changed", G_CALLBACK (on_wards_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  if (!bb_hospital_item_get_has_wards (hospital))
    bb_client_context_load_hospital_async (self->context, bb_hospital_item_get_id (hospital),
                                           self->cancellable, on_hospital_loaded_cb, g_object_ref (self));
  sync_ward (self);
}

static void
on_ward_selected_cb (BbWardBoardPage *self,
                     GParamSpec      *pspec,
                     GtkDropDown     *dropdown)
{
  BbWardItem *ward = gtk_drop_down_get_selected_item (dropdown);
  GSettings *settings = get_settings (self);

  if (ward == NULL || !self->ward_restored)
    return;
  if (settings != NULL && !self->restoring)
    {
      g_settings_set_int64 (settings, "ward-board-hospital", bb_ward_item_get_hospital_id (ward));
      g_settings_set_int64 (settings, "ward-board-ward", bb_ward_item_get_id (ward));
    }
  show_ward (self, bb_ward_item_get_hospital_id (ward), bb_ward_item_get_id (ward));
}

static void
sync_hospital (BbWardBoardPage *self)
{
  GListModel *hospitals = G_LIST_MODEL (bb_client_context_get_hospitals (self->context));
  GSettings *settings = get_settings (self);
  guint position;
  gint64 wanted;

  if (g_list_model_get_n_items (hospitals) == 0)
    {
      update_content (self);
      return;
    }
  /* The board is for staff: nobody else loads a ward (the page is hidden). */
  if (bb_session_get_role (bb_client_context_get_session (self->context)) < BB_ROLE_STAFF)
    return;
  if (!self->hospital_restored)
    {
      wanted = settings != NULL ? g_settings_get_int64 (settings, "ward-board-hospital") : 0;
      position = find_position (hospitals, wanted, hospital_id_of);
      self->hospital_restored = TRUE;
      self->restoring = TRUE;
      gtk_drop_down_set_selected (self->hospital_dropdown, position != GTK_INVALID_LIST_POSITION ? position : 0);
      on_hospital_selected_cb (self, NULL, self->hospital_dropdown);
      self->restoring = FALSE;
    }
  else
    on_hospital_selected_cb (self, NULL, self->hospital_dropdown);
}

static void
on_hospitals_changed_cb (BbWardBoardPage *self,
                         guint            position,
                         guint            removed,
                         guint            added,
                         GListModel      *hospitals)
{
  if (removed != added)
    sync_hospital (self);
}

static void
on_context_loaded_cb (BbWardBoardPage *self,
                      GParamSpec      *pspec,
                      BbClientContext *context)
{
  sync_hospital (self);
  update_content (self);
}

static void
on_role_changed_cb (BbWardBoardPage *self,
                    GParamSpec      *pspec,
                    BbSession       *session)
{
  if (self->beds == NULL)
    sync_hospital (self);
}

/* ---- actions ---- */

static void
action_finished (ActionData   *data,
                 const GError *error)
{
  BbWardBoardPage *self = data->self;

  self->busy = FALSE;
  bb_bed_details_set_busy (self->details, FALSE);
  if (error != NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is a bed label, then the server's reason. */
      message = g_strdup_printf (_("%s was not changed: %s"), data->bed_label, error->message);
      show_error (self, message);
      return;
    }
  g_clear_pointer (&self->last_error, g_free);
  if (self->beds != NULL)
    bb_client_context_reload_ward_beds (self->context, self->beds);
  load_bookings (self);
}

static void
apply_now (ActionData  *data,
           gint64       bed_id,
           BbBedStatus  status)
{
  BbWardBoardPage *self = data->self;

  if (self->beds == NULL)
    return;
  bb_client_context_apply_bed_event (self->context, bb_bed_list_get_hospital_id (self->beds),
                                     bb_bed_list_get_ward_id (self->beds), bed_id, status, FALSE,
                                     g_get_real_time () / G_USEC_PER_SEC);
}

static void
on_status_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ActionData) data = user_data;
  g_autoptr(GError) error = NULL;
  BbBedStatus status = BB_BED_STATUS_UNOCCUPIED;

  if (bb_api_client_set_bed_status_finish (BB_API_CLIENT (source), result, &error) &&
      bb_bed_action_target_status (data->action, &status))
    apply_now (data, data->bed_id, status);
  action_finished (data, error);
}

static void
on_admission_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ActionData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbAdmission) admission = NULL;

  admission = bb_api_client_admission_finish (BB_API_CLIENT (source), result, &error);
  if (admission != NULL)
    {
      apply_now (data, data->bed_id, BB_BED_STATUS_HOUSEKEEPING);
      if (data->action == BB_BED_ACTION_TRANSFER)
        apply_now (data, data->argument, BB_BED_STATUS_OCCUPIED);
    }
  action_finished (data, error);
}

static void
on_admit_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ActionData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;

  booking = bb_api_client_booking_finish (BB_API_CLIENT (source), result, &error);
  if (booking != NULL)
    {
      apply_now (data, data->bed_id, BB_BED_STATUS_OCCUPIED);
      /* Admitted elsewhere than the bed it held: that bed is free again. */
      if (data->held_bed_id > 0 && data->held_bed_id != data->bed_id)
        apply_now (data, data->held_bed_id, BB_BED_STATUS_UNOCCUPIED);
    }
  action_finished (data, error);
}

static const BbBooking *
find_booking (BbWardBoardPage *self,
              gint64           booking_id)
{
  for (guint i = 0; self->bookings != NULL && i < self->bookings->len; i++)
    {
      const BbBooking *booking = g_ptr_array_index (self->bookings, i);

      if (booking->id == booking_id)
        return booking;
    }
  return NULL;
}

static void
on_details_action_cb (BbWardBoardPage *self,
                      guint            action,
                      gint64           argument,
                      BbBedDetails    *details)
{
  BbBedItem *bed = bb_bed_details_get_bed (details);
  BbApiClient *api = bb_client_context_get_api (self->context);
  ActionData *data;
  BbBedStatus status;

  if (bed == NULL || self->busy)
    return;

  data = g_new0 (ActionData, 1);
  data->self = g_object_ref (self);
  data->action = action;
  data->bed_id = bb_bed_item_get_id (bed);
  data->argument = argument;
  data->bed_label = g_strdup (bb_bed_item_get_label (bed));
  self->busy = TRUE;
  bb_bed_details_set_busy (self->details, TRUE);

  switch (action)
    {
    case BB_BED_ACTION_ADMIT:
      {
        const BbBooking *booking = find_booking (self, argument);
        gint64 into = data->bed_id;

        if (booking != NULL)
          data->held_bed_id = booking->bed_id;
        /* The booking's own bed is taken as it is; another free bed is named. */
        if (booking != NULL && booking->bed_id == data->bed_id)
          into = 0;
        bb_api_client_admit_booking_async (api, argument, into, self->cancellable, on_admit_done_cb, data);
      }
      break;
    case BB_BED_ACTION_DISCHARGE:
      bb_api_client_discharge_async (api, bb_bed_item_get_admission_id (bed), self->cancellable,
                                     on_admission_done_cb, data);
      break;
    case BB_BED_ACTION_TRANSFER:
      bb_api_client_transfer_async (api, bb_bed_item_get_admission_id (bed), argument, self->cancellable,
                                    on_admission_done_cb, data);
      break;
    default:
      if (!bb_bed_action_target_status (action, &status))
        {
          g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                 "unknown action %u", action);

          action_finished (data, error);
          action_data_free (data);
          return;
        }
      bb_api_client_set_bed_status_async (api, data->bed_id, status, self->cancellable,
                                          on_status_done_cb, data);
      break;
    }
}

static void
on_privacy_changed_cb (BbWardBoardPage *self,
                       GParamSpec      *pspec,
                       GtkSwitch       *privacy_switch)
{
  bb_bed_details_set_privacy (self->details, gtk_switch_get_active (privacy_switch));
}

/* ---- grid and legend ---- */

static void
on_tile_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, bb_bed_tile_new ());
}

static void
on_tile_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  bb_bed_tile_set_bed (BB_BED_TILE (gtk_list_item_get_child (list_item)),
                       gtk_list_item_get_item (list_item));
}

static void
on_tile_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  bb_bed_tile_set_bed (BB_BED_TILE (gtk_list_item_get_child (list_item)), NULL);
}

static void
build_legend (BbWardBoardPage *self)
{
  static const struct { BbBedStatus status; gboolean reserved; } states[] = {
    { BB_BED_STATUS_UNOCCUPIED, FALSE },
    { BB_BED_STATUS_UNOCCUPIED, TRUE },
    { BB_BED_STATUS_OCCUPIED, FALSE },
    { BB_BED_STATUS_HOUSEKEEPING, FALSE },
    { BB_BED_STATUS_CONTAMINATED, FALSE },
    { BB_BED_STATUS_ISOLATED, FALSE },
    { BB_BED_STATUS_CLOSED, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      GtkWidget *item = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *swatch = gtk_image_new_from_icon_name (bb_bed_state_icon_name (states[i].status, states[i].reserved));
      GtkWidget *label = gtk_label_new (bb_bed_state_word (states[i].status, states[i].reserved));

      gtk_widget_add_css_class (item, "bed-legend-item");
      gtk_widget_add_css_class (item, bb_bed_state_css_class (states[i].status, states[i].reserved));
      gtk_widget_add_css_class (swatch, "bed-swatch");
      gtk_widget_add_css_class (label, "caption");
      gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      bb_bed_state_word (states[i].status, states[i].reserved), -1);
      gtk_box_append (GTK_BOX (item), swatch);
      gtk_box_append (GTK_BOX (item), label);
      gtk_box_append (self->legend_box, item);
    }
}

/* ---- BbPage ---- */

static void
bb_ward_board_page_refresh (BbPage *page)
{
  BbWardBoardPage *self = BB_WARD_BOARD_PAGE (page);

  if (self->beds != NULL)
    bb_client_context_reload_ward_beds (self->context, self->beds);
  else
    sync_hospital (self);   /* e.g. staff just logged in */
  if (self->selected != NULL)
    load_bookings (self);
}

static void
bb_ward_board_page_page_iface_init (BbPageInterface *iface)
{
  iface->refresh = bb_ward_board_page_refresh;
}

/* ---- GObject ---- */

static void
bb_ward_board_page_constructed (GObject *object)
{
  BbWardBoardPage *self = (BbWardBoardPage *) object;
  GSettings *settings;

  G_OBJECT_CLASS (bb_ward_board_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  settings = get_settings (self);
  if (settings != NULL)
    {
      g_settings_bind (settings, "privacy-mode", self->privacy_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_object (settings, "changed::watched-wards",
                               G_CALLBACK (on_watched_wards_changed_cb), self, G_CONNECT_SWAPPED);
    }
  sync_watch_button (self);
  bb_bed_details_set_privacy (self->details, gtk_switch_get_active (self->privacy_switch));

  gtk_drop_down_set_model (self->hospital_dropdown, G_LIST_MODEL (bb_client_context_get_hospitals (self->context)));
  g_signal_connect_object (bb_client_context_get_hospitals (self->context), "items-changed",
                           G_CALLBACK (on_hospitals_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->context, "notify::loaded", G_CALLBACK (on_context_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::online", G_CALLBACK (on_context_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (bb_client_context_get_session (self->context), "notify::role",
                           G_CALLBACK (on_role_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hospital_dropdown, "notify::selected-item",
                           G_CALLBACK (on_hospital_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ward_dropdown, "notify::selected-item",
                           G_CALLBACK (on_ward_selected_cb), self, G_CONNECT_SWAPPED);
  sync_hospital (self);
}

static void
bb_ward_board_page_dispose (GObject *object)
{
  BbWardBoardPage *self = (BbWardBoardPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->bookings_cancellable);
  if (self->selected != NULL)
    g_signal_handlers_disconnect_by_func (self->selected, on_selected_bed_notify_cb, self);
  g_clear_object (&self->selected);
  if (self->wards != NULL)
    g_signal_handlers_disconnect_by_func (self->wards, on_wards_changed_cb, self);
  g_clear_object (&self->wards);
  if (self->beds != NULL)
    g_signal_handlers_disconnect_by_data (self->beds, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_WARD_BOARD_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->free_beds);
  g_clear_object (&self->beds);
  g_clear_object (&self->hospital);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);

  G_OBJECT_CLASS (bb_ward_board_page_parent_class)->dispose (object);
}

static void
bb_ward_board_page_finalize (GObject *object)
{
  BbWardBoardPage *self = (BbWardBoardPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->bookings_cancellable);
  g_clear_object (&self->context);
  g_free (self->last_error);

  G_OBJECT_CLASS (bb_ward_board_page_parent_class)->finalize (object);
}

static void
bb_ward_board_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BbWardBoardPage *self = BB_WARD_BOARD_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT: g_value_set_object (value, self->context); break;
    case BB_PAGE_PROP_TITLE: g_value_set_string (value, _("Ward Board")); break;
    case BB_PAGE_PROP_ICON_NAME: g_value_set_string (value, "view-grid-symbolic"); break;
    case BB_PAGE_PROP_MIN_ROLE: g_value_set_enum (value, BB_ROLE_STAFF); break;
    case BB_PAGE_PROP_READY: g_value_set_boolean (value, self->ready); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_ward_board_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BbWardBoardPage *self = BB_WARD_BOARD_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT: self->context = g_value_dup_object (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_ward_board_page_class_init (BbWardBoardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_ward_board_page_constructed;
  object_class->dispose = bb_ward_board_page_dispose;
  object_class->finalize = bb_ward_board_page_finalize;
  object_class->get_property = bb_ward_board_page_get_property;
  object_class->set_property = bb_ward_board_page_set_property;

  bb_page_install_properties (object_class, PROP_CONTEXT);

  g_type_ensure (BB_TYPE_BED_DETAILS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-ward-board-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, hospital_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, ward_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, watch_button);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, privacy_switch);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, legend_box);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, BbWardBoardPage, details);
  gtk_widget_class_bind_template_callback (widget_class, on_details_action_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_privacy_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_watch_toggled_cb);
}

static void
bb_ward_board_page_init (BbWardBoardPage *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_expression (self->hospital_dropdown,
                                gtk_property_expression_new (BB_TYPE_HOSPITAL_ITEM, NULL, "name"));
  gtk_drop_down_set_expression (self->ward_dropdown,
                                gtk_property_expression_new (BB_TYPE_WARD_ITEM, NULL, "name"));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (g_object_ref (self->selection)));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_tile_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_tile_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_tile_unbind_cb), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);

  build_legend (self);
}

gboolean
bb_ward_board_page_select_ward (BbWardBoardPage *self,
                                gint64           hospital_id,
                                gint64           ward_id)
{
  guint position;

  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), FALSE);

  position = find_position (G_LIST_MODEL (bb_client_context_get_hospitals (self->context)),
                            hospital_id, hospital_id_of);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_drop_down_set_selected (self->hospital_dropdown, position);
  if (self->wards == NULL)
    return FALSE;
  position = find_position (self->wards, ward_id, ward_id_of);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_drop_down_set_selected (self->ward_dropdown, position);
  return TRUE;
}

gint64
bb_ward_board_page_get_hospital_id (BbWardBoardPage *self)
{
  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), 0);
  return self->beds != NULL ? bb_bed_list_get_hospital_id (self->beds) : 0;
}

gint64
bb_ward_board_page_get_ward_id (BbWardBoardPage *self)
{
  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), 0);
  return self->beds != NULL ? bb_bed_list_get_ward_id (self->beds) : 0;
}

GtkSingleSelection *
bb_ward_board_page_get_selection (BbWardBoardPage *self)
{
  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), NULL);
  return self->selection;
}

BbBedDetails *
bb_ward_board_page_get_details (BbWardBoardPage *self)
{
  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), NULL);
  return self->details;
}

const char *
bb_ward_board_page_get_last_error (BbWardBoardPage *self)
{
  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), NULL);
  return self->last_error;
}

gboolean
bb_ward_board_page_get_busy (BbWardBoardPage *self)
{
  g_return_val_if_fail (BB_IS_WARD_BOARD_PAGE (self), FALSE);
  return self->busy;
}
