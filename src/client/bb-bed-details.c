/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-details.c: the ward board's side pane (see bb-bed-details.h). */
#define G_LOG_DOMAIN "bb-bed-details"

#include "config.h"

#include "bb-bed-details.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "bb-bed-tile.h"

struct _BbBedDetails
{
  GtkWidget            parent_instance;

  BbBedItem           *bed;
  gboolean             privacy;
  gboolean             busy;
  gboolean             bookings_loading;
  GListModel          *free_beds;
  GArray              *booking_ids;   /* gint64, in the dropdown's order */
  GPtrArray           *feature_rows;  /* rows added to features_group */
  guint                offered;

  /* template */
  const char          *state_class;   /* applied to header_box */

  GtkStack            *stack;
  GtkWidget           *header_box;
  GtkImage            *state_icon;
  GtkLabel            *title_label;
  GtkLabel            *state_label;
  GtkLabel            *tags_label;
  AdwPreferencesGroup *patient_group;
  AdwActionRow        *admission_row;
  AdwActionRow        *admitted_row;
  AdwActionRow        *length_row;
  AdwPreferencesGroup *features_group;
  GtkLabel            *privacy_label;
  GtkWidget           *admit_box;
  GtkDropDown         *booking_dropdown;
  GtkWidget           *admit_button;
  GtkWidget           *transfer_box;
  GtkDropDown         *transfer_dropdown;
  GtkWidget           *transfer_button;
  GtkWidget           *discharge_button;
  GtkWidget           *clean_button;
  GtkWidget           *to_cleaning_button;
  GtkWidget           *close_button;
  GtkWidget           *isolate_button;
  GtkWidget           *reopen_button;
  GtkLabel            *no_actions_label;
};

G_DEFINE_FINAL_TYPE (BbBedDetails, bb_bed_details, GTK_TYPE_WIDGET)

enum {
  SIGNAL_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_length (gint64 seconds)
{
  gint64 days = seconds / 86400;
  gint64 hours = (seconds % 86400) / 3600;

  if (seconds < 0)
    return g_strdup ("—");
  if (days == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (gulong) hours), (int) hours);
  /* Translators: a length of stay such as "3 days 4 h". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day %d h", "%d days %d h", (gulong) days),
                          (int) days, (int) hours);
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);

  return dt != NULL ? g_date_time_format (dt, "%a %e %b %Y, %H:%M") : g_strdup ("—");
}

static char *
feature_value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (!JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("…");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64: return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE: return g_strdup_printf ("%.4g", json_node_get_double (node));
    case G_TYPE_BOOLEAN: return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
    default: return g_strdup ("…");
    }
}

static void
clear_features (BbBedDetails *self)
{
  for (guint i = 0; i < self->feature_rows->len; i++)
    adw_preferences_group_remove (self->features_group, g_ptr_array_index (self->feature_rows, i));
  g_ptr_array_set_size (self->feature_rows, 0);
}

static void
show_features (BbBedDetails *self,
               JsonObject   *features)
{
  g_autoptr(GList) members = NULL;

  clear_features (self);
  if (features == NULL)
    return;
  members = json_object_get_members (features);
  members = g_list_sort (members, (GCompareFunc) g_strcmp0);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = feature_value_text (json_object_get_member (features, l->data));
      GtkWidget *row = adw_action_row_new ();

      /* Values are free text (diagnoses): never markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), l->data);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (self->features_group, row);
      g_ptr_array_add (self->feature_rows, row);
    }
}

static void
update (BbBedDetails *self)
{
  BbBedStatus status;
  gboolean reserved;
  gboolean has_admission;
  const char * const *tags;
  g_autoptr(GString) tags_text = g_string_new (NULL);
  guint valid;
  guint offered;
  guint n_free;
  guint n_bookings;
  const char *hint = NULL;

  if (self->bed == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      clear_features (self);
      self->offered = 0;
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "bed");

  status = bb_bed_item_get_status (self->bed);
  reserved = bb_bed_item_get_reserved (self->bed);
  has_admission = status == BB_BED_STATUS_OCCUPIED && bb_bed_item_get_admission_id (self->bed) > 0;

  gtk_label_set_text (self->title_label, bb_bed_item_get_label (self->bed));
  gtk_label_set_text (self->state_label, bb_bed_state_word (status, reserved));
  gtk_image_set_from_icon_name (self->state_icon, bb_bed_state_icon_name (status, reserved));
  if (self->state_class != bb_bed_state_css_class (status, reserved))
    {
      if (self->state_class != NULL)
        gtk_widget_remove_css_class (self->header_box, self->state_class);
      self->state_class = bb_bed_state_css_class (status, reserved);
      gtk_widget_add_css_class (self->header_box, self->state_class);
    }
  tags = bb_bed_item_get_tags (self->bed);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    g_string_append_printf (tags_text, "%s%s", i > 0 ? " · " : "", bb_bed_tag_word (tags[i]));
  gtk_label_set_text (self->tags_label, tags_text->len > 0 ? tags_text->str : _("No equipment tags"));

  /* Patient details: staff see them unless the screen is shared. */
  gtk_widget_set_visible (GTK_WIDGET (self->patient_group), has_admission && !self->privacy);
  gtk_widget_set_visible (GTK_WIDGET (self->privacy_label), has_admission && self->privacy);
  if (has_admission && !self->privacy)
    {
      gint64 admitted_at = bb_bed_item_get_admitted_at (self->bed);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bb_bed_item_get_admission_id (self->bed));
      g_autofree char *when = format_time (admitted_at);
      g_autofree char *length = format_length (g_get_real_time () / G_USEC_PER_SEC - admitted_at);
      JsonObject *features = bb_bed_item_get_features (self->bed);

      adw_action_row_set_subtitle (self->admission_row, id);
      adw_action_row_set_subtitle (self->admitted_row, when);
      adw_action_row_set_subtitle (self->length_row, length);
      show_features (self, features);
      gtk_widget_set_visible (GTK_WIDGET (self->features_group), self->feature_rows->len > 0);
    }
  else
    {
      clear_features (self);
      gtk_widget_set_visible (GTK_WIDGET (self->features_group), FALSE);
    }

  /* Actions: only those valid now, and only when they can be carried out. */
  valid = bb_bed_actions_valid (status, reserved, has_admission);
  n_free = self->free_beds != NULL ? g_list_model_get_n_items (self->free_beds) : 0;
  n_bookings = self->booking_ids->len;
  offered = valid;
  if ((valid & BB_BED_ACTION_ADMIT) && n_bookings == 0)
    {
      offered &= ~BB_BED_ACTION_ADMIT;
      if (self->bookings_loading)
        hint = _("Looking for bookings to admit…");
      else
        hint = reserved ? _("The booking that holds this bed could not be loaded.")
                        : _("No held or confirmed booking of this ward is waiting for a bed.");
    }
  if ((valid & BB_BED_ACTION_TRANSFER) && n_free == 0)
    {
      offered &= ~BB_BED_ACTION_TRANSFER;
      hint = _("No free bed in this ward to transfer the patient to.");
    }
  if (status == BB_BED_STATUS_OCCUPIED && !has_admission)
    hint = _("The admission in this bed is loading…");
  if (offered == 0 && hint == NULL)
    hint = _("Nothing can be done with this bed now.");

  gtk_widget_set_visible (self->admit_box, offered & BB_BED_ACTION_ADMIT);
  gtk_widget_set_visible (self->transfer_box, offered & BB_BED_ACTION_TRANSFER);
  gtk_widget_set_visible (self->discharge_button, offered & BB_BED_ACTION_DISCHARGE);
  gtk_widget_set_visible (self->clean_button, offered & BB_BED_ACTION_MARK_CLEAN);
  gtk_widget_set_visible (self->to_cleaning_button, offered & BB_BED_ACTION_TO_CLEANING);
  gtk_widget_set_visible (self->close_button, offered & BB_BED_ACTION_CLOSE);
  gtk_widget_set_visible (self->isolate_button, offered & BB_BED_ACTION_ISOLATE);
  gtk_widget_set_visible (self->reopen_button, offered & BB_BED_ACTION_REOPEN);
  gtk_widget_set_visible (GTK_WIDGET (self->no_actions_label), hint != NULL);
  gtk_label_set_text (self->no_actions_label, hint != NULL ? hint : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !self->busy);
  self->offered = offered;
}

static void
on_bed_notify_cb (BbBedDetails *self,
                  GParamSpec   *pspec,
                  BbBedItem    *bed)
{
  update (self);
}

static void
on_free_beds_changed_cb (BbBedDetails *self,
                         guint         position,
                         guint         removed,
                         guint         added,
                         GListModel   *model)
{
  if (removed != added)
    update (self);
}

static void
emit_action (BbBedDetails *self,
             BbBedAction   action,
             gint64        argument)
{
  if (self->bed == NULL || self->busy || !(self->offered & action))
    return;
  g_signal_emit (self, signals[SIGNAL_ACTION], 0, (guint) action, argument);
}

static void
on_admit_clicked_cb (BbBedDetails *self)
{
  guint selected = gtk_drop_down_get_selected (self->booking_dropdown);

  if (selected < self->booking_ids->len)
    emit_action (self, BB_BED_ACTION_ADMIT, g_array_index (self->booking_ids, gint64, selected));
}

static void
on_transfer_clicked_cb (BbBedDetails *self)
{
  BbBedItem *target = gtk_drop_down_get_selected_item (self->transfer_dropdown);

  if (target != NULL)
    emit_action (self, BB_BED_ACTION_TRANSFER, bb_bed_item_get_id (target));
}

static void on_discharge_clicked_cb (BbBedDetails *self) { emit_action (self, BB_BED_ACTION_DISCHARGE, 0); }
static void on_clean_clicked_cb (BbBedDetails *self) { emit_action (self, BB_BED_ACTION_MARK_CLEAN, 0); }
static void on_to_cleaning_clicked_cb (BbBedDetails *self) { emit_action (self, BB_BED_ACTION_TO_CLEANING, 0); }
static void on_close_clicked_cb (BbBedDetails *self) { emit_action (self, BB_BED_ACTION_CLOSE, 0); }
static void on_isolate_clicked_cb (BbBedDetails *self) { emit_action (self, BB_BED_ACTION_ISOLATE, 0); }
static void on_reopen_clicked_cb (BbBedDetails *self) { emit_action (self, BB_BED_ACTION_REOPEN, 0); }

static void
bb_bed_details_dispose (GObject *object)
{
  BbBedDetails *self = (BbBedDetails *) object;

  bb_bed_details_set_bed (self, NULL);
  if (self->free_beds != NULL)
    g_signal_handlers_disconnect_by_func (self->free_beds, on_free_beds_changed_cb, self);
  g_clear_object (&self->free_beds);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_BED_DETAILS);

  G_OBJECT_CLASS (bb_bed_details_parent_class)->dispose (object);
}

static void
bb_bed_details_finalize (GObject *object)
{
  BbBedDetails *self = (BbBedDetails *) object;

  g_clear_pointer (&self->booking_ids, g_array_unref);
  g_clear_pointer (&self->feature_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (bb_bed_details_parent_class)->finalize (object);
}

static void
bb_bed_details_class_init (BbBedDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_bed_details_dispose;
  object_class->finalize = bb_bed_details_finalize;

  /* action (BbBedAction as guint), argument (booking or bed id, or 0) */
  signals[SIGNAL_ACTION] =
    g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-bed-details.ui");
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, header_box);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, state_icon);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, title_label);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, state_label);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, tags_label);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, patient_group);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, admission_row);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, admitted_row);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, length_row);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, features_group);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, privacy_label);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, admit_box);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, booking_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, admit_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, transfer_box);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, transfer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, discharge_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, clean_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, to_cleaning_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, close_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, isolate_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, reopen_button);
  gtk_widget_class_bind_template_child (widget_class, BbBedDetails, no_actions_label);
  gtk_widget_class_bind_template_callback (widget_class, on_admit_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_discharge_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clean_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_to_cleaning_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_isolate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reopen_clicked_cb);
}

static void
bb_bed_details_init (BbBedDetails *self)
{
  self->booking_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->feature_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_expression (self->transfer_dropdown,
                                gtk_property_expression_new (BB_TYPE_BED_ITEM, NULL, "label"));
  update (self);
}

GtkWidget *
bb_bed_details_new (void)
{
  return g_object_new (BB_TYPE_BED_DETAILS, NULL);
}

void
bb_bed_details_set_bed (BbBedDetails *self,
                        BbBedItem    *bed)
{
  g_return_if_fail (BB_IS_BED_DETAILS (self));
  g_return_if_fail (bed == NULL || BB_IS_BED_ITEM (bed));

  if (self->bed == bed)
    return;
  if (self->bed != NULL)
    g_signal_handlers_disconnect_by_func (self->bed, on_bed_notify_cb, self);
  g_set_object (&self->bed, bed);
  if (bed != NULL)
    g_signal_connect_object (bed, "notify", G_CALLBACK (on_bed_notify_cb), self, G_CONNECT_SWAPPED);
  /* Another bed: the bookings offered for the last one do not apply. */
  g_array_set_size (self->booking_ids, 0);
  gtk_drop_down_set_model (self->booking_dropdown, NULL);
  if (self->stack != NULL)
    update (self);
}

BbBedItem *
bb_bed_details_get_bed (BbBedDetails *self)
{
  g_return_val_if_fail (BB_IS_BED_DETAILS (self), NULL);
  return self->bed;
}

void
bb_bed_details_set_privacy (BbBedDetails *self,
                            gboolean      privacy)
{
  g_return_if_fail (BB_IS_BED_DETAILS (self));

  self->privacy = !!privacy;
  update (self);
}

void
bb_bed_details_set_free_beds (BbBedDetails *self,
                              GListModel   *free_beds)
{
  g_return_if_fail (BB_IS_BED_DETAILS (self));
  g_return_if_fail (free_beds == NULL || G_IS_LIST_MODEL (free_beds));

  if (self->free_beds != NULL)
    g_signal_handlers_disconnect_by_func (self->free_beds, on_free_beds_changed_cb, self);
  g_set_object (&self->free_beds, free_beds);
  if (free_beds != NULL)
    g_signal_connect_object (free_beds, "items-changed", G_CALLBACK (on_free_beds_changed_cb),
                             self, G_CONNECT_SWAPPED);
  gtk_drop_down_set_model (self->transfer_dropdown, free_beds);
  update (self);
}

void
bb_bed_details_set_bookings (BbBedDetails *self,
                             const gint64 *ids,
                             const char  **descriptions,
                             guint         n_bookings)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);

  g_return_if_fail (BB_IS_BED_DETAILS (self));
  g_return_if_fail (n_bookings == 0 || (ids != NULL && descriptions != NULL));

  g_array_set_size (self->booking_ids, 0);
  for (guint i = 0; i < n_bookings; i++)
    {
      g_array_append_val (self->booking_ids, ids[i]);
      gtk_string_list_append (strings, descriptions[i]);
    }
  gtk_drop_down_set_model (self->booking_dropdown, G_LIST_MODEL (strings));
  update (self);
}

void
bb_bed_details_set_bookings_loading (BbBedDetails *self,
                                     gboolean      loading)
{
  g_return_if_fail (BB_IS_BED_DETAILS (self));

  if (self->bookings_loading == !!loading)
    return;
  self->bookings_loading = !!loading;
  update (self);
}

void
bb_bed_details_set_busy (BbBedDetails *self,
                         gboolean      busy)
{
  g_return_if_fail (BB_IS_BED_DETAILS (self));

  self->busy = !!busy;
  update (self);
}

guint
bb_bed_details_get_offered (BbBedDetails *self)
{
  g_return_val_if_fail (BB_IS_BED_DETAILS (self), 0);
  return self->offered;
}

GtkWidget *
bb_bed_details_get_button (BbBedDetails *self,
                           BbBedAction   action)
{
  g_return_val_if_fail (BB_IS_BED_DETAILS (self), NULL);

  switch (action)
    {
    case BB_BED_ACTION_ADMIT: return self->admit_button;
    case BB_BED_ACTION_DISCHARGE: return self->discharge_button;
    case BB_BED_ACTION_TRANSFER: return self->transfer_button;
    case BB_BED_ACTION_MARK_CLEAN: return self->clean_button;
    case BB_BED_ACTION_TO_CLEANING: return self->to_cleaning_button;
    case BB_BED_ACTION_CLOSE: return self->close_button;
    case BB_BED_ACTION_ISOLATE: return self->isolate_button;
    case BB_BED_ACTION_REOPEN: return self->reopen_button;
    case BB_BED_ACTION_NONE:
    default: return NULL;
    }
}

gboolean
bb_bed_action_target_status (BbBedAction  action,
                             BbBedStatus *out_status)
{
  BbBedStatus status;

  switch (action)
    {
    case BB_BED_ACTION_MARK_CLEAN: status = BB_BED_STATUS_UNOCCUPIED; break;
    case BB_BED_ACTION_REOPEN: status = BB_BED_STATUS_UNOCCUPIED; break;
    case BB_BED_ACTION_TO_CLEANING: status = BB_BED_STATUS_HOUSEKEEPING; break;
    case BB_BED_ACTION_CLOSE: status = BB_BED_STATUS_CLOSED; break;
    case BB_BED_ACTION_ISOLATE: status = BB_BED_STATUS_ISOLATED; break;
    case BB_BED_ACTION_NONE:
    case BB_BED_ACTION_ADMIT:
    case BB_BED_ACTION_DISCHARGE:
    case BB_BED_ACTION_TRANSFER:
    default:
      return FALSE;
    }
  if (out_status != NULL)
    *out_status = status;
  return TRUE;
}

guint
bb_bed_actions_valid (BbBedStatus status,
                      gboolean    reserved,
                      gboolean    has_admission)
{
  /* Which status moves each state offers; the core's transition rule has
   * the last word so the buttons never offer what the server refuses. */
  static const struct { BbBedStatus from; BbBedAction action; } moves[] = {
    { BB_BED_STATUS_HOUSEKEEPING, BB_BED_ACTION_MARK_CLEAN },
    { BB_BED_STATUS_CONTAMINATED, BB_BED_ACTION_TO_CLEANING },
    { BB_BED_STATUS_CLOSED, BB_BED_ACTION_REOPEN },
    { BB_BED_STATUS_ISOLATED, BB_BED_ACTION_REOPEN },
    { BB_BED_STATUS_UNOCCUPIED, BB_BED_ACTION_CLOSE },
    { BB_BED_STATUS_UNOCCUPIED, BB_BED_ACTION_ISOLATE },
    { BB_BED_STATUS_HOUSEKEEPING, BB_BED_ACTION_CLOSE },
    { BB_BED_STATUS_CONTAMINATED, BB_BED_ACTION_CLOSE },
    { BB_BED_STATUS_ISOLATED, BB_BED_ACTION_CLOSE },
  };
  guint actions = 0;

  if (status == BB_BED_STATUS_OCCUPIED)
    return has_admission ? BB_BED_ACTION_DISCHARGE | BB_BED_ACTION_TRANSFER : 0;
  if (status == BB_BED_STATUS_UNOCCUPIED)
    actions |= BB_BED_ACTION_ADMIT;
  /* A bed held by a booking waits for its patient: it is not taken out of service. */
  if (reserved)
    return actions;

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      BbBedStatus to;

      if (moves[i].from == status &&
          bb_bed_action_target_status (moves[i].action, &to) &&
          bb_bed_status_can_transition (status, to, NULL))
        actions |= moves[i].action;
    }
  return actions;
}
