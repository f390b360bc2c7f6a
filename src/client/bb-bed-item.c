/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-item.c: one bed of a ward board, changed in place by events. */
#define G_LOG_DOMAIN "bb-bed-item"

#include "config.h"

#include "bb-bed-item.h"

struct _BbBedItem
{
  GObject  parent_instance;
  BbBed    bed;
};

G_DEFINE_FINAL_TYPE (BbBedItem, bb_bed_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_WARD_ID,
  PROP_LABEL,
  PROP_STATUS,
  PROP_RESERVED,
  PROP_TAGS,
  PROP_ADMISSION_ID,
  PROP_ADMITTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_admission (BbBedItem *self)
{
  if (self->bed.admission_id != 0)
    {
      self->bed.admission_id = 0;
      self->bed.admitted_at = 0;
      g_clear_pointer (&self->bed.features, json_object_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADMISSION_ID]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADMITTED_AT]);
    }
}

static void
bb_bed_item_finalize (GObject *object)
{
  BbBedItem *self = (BbBedItem *) object;

  g_free (self->bed.label);
  g_strfreev (self->bed.tags);
  g_clear_pointer (&self->bed.features, json_object_unref);

  G_OBJECT_CLASS (bb_bed_item_parent_class)->finalize (object);
}

static void
bb_bed_item_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BbBedItem *self = BB_BED_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->bed.id); break;
    case PROP_WARD_ID: g_value_set_int64 (value, self->bed.ward_id); break;
    case PROP_LABEL: g_value_set_string (value, self->bed.label); break;
    case PROP_STATUS: g_value_set_uint (value, self->bed.status); break;
    case PROP_RESERVED: g_value_set_boolean (value, self->bed.reserved); break;
    case PROP_TAGS: g_value_set_boxed (value, self->bed.tags); break;
    case PROP_ADMISSION_ID: g_value_set_int64 (value, self->bed.admission_id); break;
    case PROP_ADMITTED_AT: g_value_set_int64 (value, self->bed.admitted_at); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_bed_item_class_init (BbBedItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = bb_bed_item_finalize;
  object_class->get_property = bb_bed_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_WARD_ID] = g_param_spec_int64 ("ward-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  /* The HL7 letter as a character code (BbBedStatus). */
  properties[PROP_STATUS] = g_param_spec_uint ("status", NULL, NULL, 0, 255, BB_BED_STATUS_UNOCCUPIED, flags);
  properties[PROP_RESERVED] = g_param_spec_boolean ("reserved", NULL, NULL, FALSE, flags);
  properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_ADMISSION_ID] = g_param_spec_int64 ("admission-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ADMITTED_AT] = g_param_spec_int64 ("admitted-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_bed_item_init (BbBedItem *self)
{
  self->bed.status = BB_BED_STATUS_UNOCCUPIED;
}

BbBedItem *
bb_bed_item_new (const BbBed *bed)
{
  BbBedItem *self;

  g_return_val_if_fail (bed != NULL, NULL);

  self = g_object_new (BB_TYPE_BED_ITEM, NULL);
  self->bed.id = bed->id;
  bb_bed_item_update (self, bed);
  return self;
}

gboolean
bb_bed_item_update (BbBedItem   *self,
                    const BbBed *bed)
{
  GObject *object = (GObject *) self;
  gboolean changed = FALSE;

  g_return_val_if_fail (BB_IS_BED_ITEM (self), FALSE);
  g_return_val_if_fail (bed != NULL && bed->id == self->bed.id, FALSE);

  g_object_freeze_notify (object);
  if (self->bed.ward_id != bed->ward_id)
    {
      self->bed.ward_id = bed->ward_id;
      g_object_notify_by_pspec (object, properties[PROP_WARD_ID]);
      changed = TRUE;
    }
  if (g_strcmp0 (self->bed.label, bed->label) != 0)
    {
      g_free (self->bed.label);
      self->bed.label = g_strdup (bed->label);
      g_object_notify_by_pspec (object, properties[PROP_LABEL]);
      changed = TRUE;
    }
  if (!(self->bed.tags == NULL && bed->tags == NULL) &&
      (self->bed.tags == NULL || bed->tags == NULL ||
       !g_strv_equal ((const char * const *) self->bed.tags, (const char * const *) bed->tags)))
    {
      g_strfreev (self->bed.tags);
      self->bed.tags = g_strdupv (bed->tags);
      g_object_notify_by_pspec (object, properties[PROP_TAGS]);
      changed = TRUE;
    }
  changed |= bb_bed_item_set_state (self, bed->status, bed->reserved);
  if (self->bed.admission_id != bed->admission_id || self->bed.admitted_at != bed->admitted_at)
    {
      self->bed.admission_id = bed->admission_id;
      self->bed.admitted_at = bed->admitted_at;
      g_object_notify_by_pspec (object, properties[PROP_ADMISSION_ID]);
      g_object_notify_by_pspec (object, properties[PROP_ADMITTED_AT]);
      changed = TRUE;
    }
  if (self->bed.features != bed->features)
    {
      g_clear_pointer (&self->bed.features, json_object_unref);
      if (bed->features != NULL)
        self->bed.features = json_object_ref (bed->features);
    }
  g_object_thaw_notify (object);
  return changed;
}

gboolean
bb_bed_item_set_state (BbBedItem   *self,
                       BbBedStatus  status,
                       gboolean     reserved)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (BB_IS_BED_ITEM (self), FALSE);

  reserved = !!reserved;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->bed.status != status)
    {
      if (status != BB_BED_STATUS_OCCUPIED)
        clear_admission (self);
      self->bed.status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
      changed = TRUE;
    }
  if (self->bed.reserved != reserved)
    {
      self->bed.reserved = reserved;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESERVED]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));
  return changed;
}

const BbBed *
bb_bed_item_get_record (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), NULL);
  return &self->bed;
}

gint64
bb_bed_item_get_id (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), 0);
  return self->bed.id;
}

gint64
bb_bed_item_get_ward_id (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), 0);
  return self->bed.ward_id;
}

const char *
bb_bed_item_get_label (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), NULL);
  return self->bed.label;
}

BbBedStatus
bb_bed_item_get_status (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), BB_BED_STATUS_UNOCCUPIED);
  return self->bed.status;
}

gboolean
bb_bed_item_get_reserved (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), FALSE);
  return self->bed.reserved;
}

const char * const *
bb_bed_item_get_tags (BbBedItem *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (BB_IS_BED_ITEM (self), none);
  return self->bed.tags != NULL ? (const char * const *) self->bed.tags : none;
}

gint64
bb_bed_item_get_admission_id (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), 0);
  return self->bed.admission_id;
}

gint64
bb_bed_item_get_admitted_at (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), 0);
  return self->bed.admitted_at;
}

JsonObject *
bb_bed_item_get_features (BbBedItem *self)
{
  g_return_val_if_fail (BB_IS_BED_ITEM (self), NULL);
  return self->bed.features;
}
