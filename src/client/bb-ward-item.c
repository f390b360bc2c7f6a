/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-item.c: one ward with its bed counts, changed in place. */
#define G_LOG_DOMAIN "bb-ward-item"

#include "config.h"

#include "bb-ward-item.h"

#include "bb-item-sync.h"

struct _BbWardItem
{
  GObject  parent_instance;
  BbWard   ward;
};

G_DEFINE_FINAL_TYPE (BbWardItem, bb_ward_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_HOSPITAL_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_MODEL,
  PROP_CAPACITY,
  PROP_FREE,
  PROP_OCCUPIED,
  PROP_RESERVED,
  PROP_CLEANING,
  PROP_CLOSED,
  PROP_OCCUPANCY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
set_counts (BbWardItem        *self,
            const BbBedCounts *beds)
{
  gboolean changed;

  changed = bb_item_sync_counts (G_OBJECT (self), &self->ward.beds, beds,
                                 properties[PROP_CAPACITY], properties[PROP_FREE],
                                 properties[PROP_OCCUPIED], properties[PROP_RESERVED],
                                 properties[PROP_CLEANING], properties[PROP_CLOSED]);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OCCUPANCY]);
  return changed;
}

static void
bb_ward_item_finalize (GObject *object)
{
  BbWardItem *self = (BbWardItem *) object;

  g_free (self->ward.name);
  g_free (self->ward.kind);
  g_free (self->ward.model);

  G_OBJECT_CLASS (bb_ward_item_parent_class)->finalize (object);
}

static void
bb_ward_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BbWardItem *self = BB_WARD_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->ward.id); break;
    case PROP_HOSPITAL_ID: g_value_set_int64 (value, self->ward.hospital_id); break;
    case PROP_NAME: g_value_set_string (value, self->ward.name); break;
    case PROP_KIND: g_value_set_string (value, self->ward.kind); break;
    case PROP_MODEL: g_value_set_string (value, self->ward.model); break;
    case PROP_CAPACITY: g_value_set_uint (value, self->ward.beds.total); break;
    case PROP_FREE: g_value_set_uint (value, self->ward.beds.free); break;
    case PROP_OCCUPIED: g_value_set_uint (value, self->ward.beds.occupied); break;
    case PROP_RESERVED: g_value_set_uint (value, self->ward.beds.reserved); break;
    case PROP_CLEANING: g_value_set_uint (value, self->ward.beds.cleaning); break;
    case PROP_CLOSED: g_value_set_uint (value, self->ward.beds.closed); break;
    case PROP_OCCUPANCY: g_value_set_double (value, bb_ward_item_get_occupancy (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_ward_item_class_init (BbWardItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = bb_ward_item_finalize;
  object_class->get_property = bb_ward_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_HOSPITAL_ID] = g_param_spec_int64 ("hospital-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  properties[PROP_CAPACITY] = g_param_spec_uint ("capacity", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FREE] = g_param_spec_uint ("free", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_OCCUPIED] = g_param_spec_uint ("occupied", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RESERVED] = g_param_spec_uint ("reserved", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CLEANING] = g_param_spec_uint ("cleaning", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CLOSED] = g_param_spec_uint ("closed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_OCCUPANCY] = g_param_spec_double ("occupancy", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_ward_item_init (BbWardItem *self)
{
}

BbWardItem *
bb_ward_item_new (const BbWard *ward)
{
  BbWardItem *self;

  g_return_val_if_fail (ward != NULL, NULL);

  self = g_object_new (BB_TYPE_WARD_ITEM, NULL);
  self->ward.id = ward->id;
  self->ward.hospital_id = ward->hospital_id;
  self->ward.name = g_strdup (ward->name);
  self->ward.kind = g_strdup (ward->kind);
  self->ward.model = g_strdup (ward->model);
  self->ward.beds = ward->beds;
  return self;
}

gboolean
bb_ward_item_update (BbWardItem   *self,
                     const BbWard *ward)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (BB_IS_WARD_ITEM (self), FALSE);
  g_return_val_if_fail (ward != NULL && ward->id == self->ward.id, FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  if (set_string (&self->ward.name, ward->name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      changed = TRUE;
    }
  if (set_string (&self->ward.kind, ward->kind))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
      changed = TRUE;
    }
  if (set_string (&self->ward.model, ward->model))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
      changed = TRUE;
    }
  changed |= set_counts (self, &ward->beds);
  g_object_thaw_notify (G_OBJECT (self));
  return changed;
}

void
bb_ward_item_set_beds (BbWardItem        *self,
                       const BbBedCounts *beds)
{
  g_return_if_fail (BB_IS_WARD_ITEM (self));
  g_return_if_fail (beds != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  set_counts (self, beds);
  g_object_thaw_notify (G_OBJECT (self));
}

const BbWard *
bb_ward_item_get_record (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), NULL);
  return &self->ward;
}

gint64
bb_ward_item_get_id (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), 0);
  return self->ward.id;
}

gint64
bb_ward_item_get_hospital_id (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), 0);
  return self->ward.hospital_id;
}

const char *
bb_ward_item_get_name (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), NULL);
  return self->ward.name;
}

const char *
bb_ward_item_get_kind (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), NULL);
  return self->ward.kind;
}

const char *
bb_ward_item_get_model (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), NULL);
  return self->ward.model;
}

const BbBedCounts *
bb_ward_item_get_beds (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), NULL);
  return &self->ward.beds;
}

guint
bb_ward_item_get_free (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), 0);
  return self->ward.beds.free;
}

guint
bb_ward_item_get_capacity (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), 0);
  return self->ward.beds.total;
}

guint
bb_ward_item_get_occupied (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), 0);
  return self->ward.beds.occupied;
}

double
bb_ward_item_get_occupancy (BbWardItem *self)
{
  g_return_val_if_fail (BB_IS_WARD_ITEM (self), 0);
  if (self->ward.beds.total == 0)
    return 0;
  return (double) self->ward.beds.occupied / self->ward.beds.total;
}
