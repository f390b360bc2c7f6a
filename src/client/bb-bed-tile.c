/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-tile.c: one bed of the ward board's grid (see bb-bed-tile.h). */
#define G_LOG_DOMAIN "bb-bed-tile"

#include "config.h"

#include "bb-bed-tile.h"

#include <glib/gi18n.h>

struct _BbBedTile
{
  GtkWidget   parent_instance;

  BbBedItem  *bed;
  const char *css_class;   /* the state class now applied */

  /* template */
  GtkLabel   *label_label;
  GtkImage   *status_icon;
  GtkLabel   *status_label;
  GtkLabel   *tags_label;
};

G_DEFINE_FINAL_TYPE (BbBedTile, bb_bed_tile, GTK_TYPE_WIDGET)

static const char *state_classes[] = {
  "bed-free", "bed-reserved", "bed-occupied", "bed-cleaning",
  "bed-closed", "bed-isolated", "bed-contaminated",
};

static char *
tags_text (const char * const *tags)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (text, " · ");
      g_string_append (text, bb_bed_tag_word (tags[i]));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update (BbBedTile *self)
{
  BbBedStatus status;
  gboolean reserved;
  const char *css_class;
  g_autofree char *tags = NULL;
  g_autofree char *description = NULL;

  if (self->bed == NULL)
    return;

  status = bb_bed_item_get_status (self->bed);
  reserved = bb_bed_item_get_reserved (self->bed);
  css_class = bb_bed_state_css_class (status, reserved);
  tags = tags_text (bb_bed_item_get_tags (self->bed));

  gtk_label_set_text (self->label_label, bb_bed_item_get_label (self->bed));
  gtk_label_set_text (self->status_label, bb_bed_state_word (status, reserved));
  gtk_image_set_from_icon_name (self->status_icon, bb_bed_state_icon_name (status, reserved));
  gtk_label_set_text (self->tags_label, tags);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tags_label), tags[0] != '\0' ? tags : NULL);

  if (self->css_class != css_class)
    {
      if (self->css_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->css_class);
      gtk_widget_add_css_class (GTK_WIDGET (self), css_class);
      self->css_class = css_class;
    }

  /* Translators: a bed tile read by a screen reader: label, state, tags. */
  description = g_strdup_printf (_("%s, %s%s%s"), bb_bed_item_get_label (self->bed),
                                 bb_bed_state_word (status, reserved),
                                 tags[0] != '\0' ? ", " : "", tags);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

static void
on_bed_notify_cb (BbBedTile  *self,
                  GParamSpec *pspec,
                  BbBedItem  *bed)
{
  update (self);
}

static void
bb_bed_tile_dispose (GObject *object)
{
  BbBedTile *self = (BbBedTile *) object;

  GtkWidget *child;

  bb_bed_tile_set_bed (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_BED_TILE);
  /* The template's unnamed boxes too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (bb_bed_tile_parent_class)->dispose (object);
}

static void
bb_bed_tile_class_init (BbBedTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_bed_tile_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-bed-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, BbBedTile, label_label);
  gtk_widget_class_bind_template_child (widget_class, BbBedTile, status_icon);
  gtk_widget_class_bind_template_child (widget_class, BbBedTile, status_label);
  gtk_widget_class_bind_template_child (widget_class, BbBedTile, tags_label);
  gtk_widget_class_set_css_name (widget_class, "bedtile");
}

static void
bb_bed_tile_init (BbBedTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bb_bed_tile_new (void)
{
  return g_object_new (BB_TYPE_BED_TILE, NULL);
}

void
bb_bed_tile_set_bed (BbBedTile *self,
                     BbBedItem *bed)
{
  g_return_if_fail (BB_IS_BED_TILE (self));
  g_return_if_fail (bed == NULL || BB_IS_BED_ITEM (bed));

  if (self->bed == bed)
    return;
  if (self->bed != NULL)
    g_signal_handlers_disconnect_by_func (self->bed, on_bed_notify_cb, self);
  g_set_object (&self->bed, bed);
  if (bed != NULL)
    {
      g_signal_connect_object (bed, "notify", G_CALLBACK (on_bed_notify_cb), self, G_CONNECT_SWAPPED);
      update (self);
    }
}

BbBedItem *
bb_bed_tile_get_bed (BbBedTile *self)
{
  g_return_val_if_fail (BB_IS_BED_TILE (self), NULL);
  return self->bed;
}

static guint
state_index (BbBedStatus status,
             gboolean    reserved)
{
  if (reserved)
    return 1;
  switch (status)
    {
    case BB_BED_STATUS_UNOCCUPIED: return 0;
    case BB_BED_STATUS_OCCUPIED: return 2;
    case BB_BED_STATUS_HOUSEKEEPING: return 3;
    case BB_BED_STATUS_CLOSED: return 4;
    case BB_BED_STATUS_ISOLATED: return 5;
    case BB_BED_STATUS_CONTAMINATED: return 6;
    default: return 4;
    }
}

const char *
bb_bed_state_word (BbBedStatus status,
                   gboolean    reserved)
{
  switch (state_index (status, reserved))
    {
    case 0: return _("Free");
    case 1: return _("Reserved");
    case 2: return _("Occupied");
    case 3: return _("Cleaning");
    case 5: return _("Isolated");
    case 6: return _("Contaminated");
    case 4:
    default: return _("Closed");
    }
}

const char *
bb_bed_state_icon_name (BbBedStatus status,
                        gboolean    reserved)
{
  static const char *icons[] = {
    "object-select-symbolic", "view-pin-symbolic", "avatar-default-symbolic",
    "edit-clear-all-symbolic", "changes-prevent-symbolic", "action-unavailable-symbolic",
    "dialog-warning-symbolic",
  };

  return icons[state_index (status, reserved)];
}

const char *
bb_bed_state_css_class (BbBedStatus status,
                        gboolean    reserved)
{
  return state_classes[state_index (status, reserved)];
}

const char *
bb_bed_tag_word (const char *tag)
{
  g_return_val_if_fail (tag != NULL, "");

  if (g_str_equal (tag, "oxygen"))
    return _("Oxygen");
  if (g_str_equal (tag, "ventilator"))
    return _("Ventilator");
  if (g_str_equal (tag, "monitor"))
    return _("Monitor");
  if (g_str_equal (tag, "isolation"))
    return _("Isolation room");
  if (g_str_equal (tag, "bariatric"))
    return _("Bariatric");
  if (g_str_equal (tag, "telemetry"))
    return _("Telemetry");
  /* Tags are free text on the server: show unknown ones as they are. */
  return tag;
}
