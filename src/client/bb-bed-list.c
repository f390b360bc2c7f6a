/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-list.c: the beds of one ward as a GListModel, updated in place. */
#define G_LOG_DOMAIN "bb-bed-list"

#include "config.h"

#include "bb-bed-list.h"

#include "bb-item-sync.h"

struct _BbBedList
{
  GObject     parent_instance;
  gint64      hospital_id;
  gint64      ward_id;
  GPtrArray  *items;   /* BbBedItem */
  GHashTable *by_id;   /* bed id -> position */
  gboolean    loaded;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbBedList, bb_bed_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_HOSPITAL_ID,
  PROP_WARD_ID,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return BB_TYPE_BED_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return BB_BED_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  BbBedList *self = BB_BED_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
reindex (BbBedList *self)
{
  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < self->items->len; i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = bb_bed_item_get_id (g_ptr_array_index (self->items, i));
      g_hash_table_insert (self->by_id, id, GUINT_TO_POINTER (i + 1));
    }
}

static void
bb_bed_list_finalize (GObject *object)
{
  BbBedList *self = (BbBedList *) object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (bb_bed_list_parent_class)->finalize (object);
}

static void
bb_bed_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BbBedList *self = BB_BED_LIST (object);

  switch (prop_id)
    {
    case PROP_HOSPITAL_ID: g_value_set_int64 (value, self->hospital_id); break;
    case PROP_WARD_ID: g_value_set_int64 (value, self->ward_id); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_bed_list_class_init (BbBedListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = bb_bed_list_finalize;
  object_class->get_property = bb_bed_list_get_property;

  properties[PROP_HOSPITAL_ID] = g_param_spec_int64 ("hospital-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_WARD_ID] = g_param_spec_int64 ("ward-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_bed_list_init (BbBedList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

BbBedList *
bb_bed_list_new (gint64 hospital_id,
                 gint64 ward_id)
{
  BbBedList *self = g_object_new (BB_TYPE_BED_LIST, NULL);

  self->hospital_id = hospital_id;
  self->ward_id = ward_id;
  return self;
}

gint64
bb_bed_list_get_hospital_id (BbBedList *self)
{
  g_return_val_if_fail (BB_IS_BED_LIST (self), 0);
  return self->hospital_id;
}

gint64
bb_bed_list_get_ward_id (BbBedList *self)
{
  g_return_val_if_fail (BB_IS_BED_LIST (self), 0);
  return self->ward_id;
}

gboolean
bb_bed_list_get_loaded (BbBedList *self)
{
  g_return_val_if_fail (BB_IS_BED_LIST (self), FALSE);
  return self->loaded;
}

BbBedItem *
bb_bed_list_lookup (BbBedList *self,
                    gint64     bed_id,
                    guint     *out_position)
{
  guint position;

  g_return_val_if_fail (BB_IS_BED_LIST (self), NULL);

  position = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_id, &bed_id));
  if (position == 0)
    return NULL;
  if (out_position != NULL)
    *out_position = position - 1;
  return g_ptr_array_index (self->items, position - 1);
}

static gint64
bed_id (gconstpointer record)
{
  return ((const BbBed *) record)->id;
}

static const BbItemSyncFuncs bed_sync = {
  (gint64 (*) (gpointer)) bb_bed_item_get_id,
  bed_id,
  (gboolean (*) (gpointer, gconstpointer)) bb_bed_item_update,
  (gpointer (*) (gconstpointer)) bb_bed_item_new,
};

void
bb_bed_list_set (BbBedList *self,
                 GPtrArray *beds)
{
  GPtrArray *items;

  g_return_if_fail (BB_IS_BED_LIST (self));
  g_return_if_fail (beds != NULL);

  items = bb_item_sync_merge (G_LIST_MODEL (self), beds, &bed_sync);
  if (items != NULL)
    {
      guint old_len = self->items->len;

      g_ptr_array_unref (self->items);
      self->items = items;
      reindex (self);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->items->len);
    }

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
}

gboolean
bb_bed_list_apply (BbBedList   *self,
                   gint64       bed_id,
                   BbBedStatus  status,
                   gboolean     reserved,
                   BbBedStatus *out_old_status,
                   gboolean    *out_old_reserved)
{
  BbBedItem *item;
  guint position;

  g_return_val_if_fail (BB_IS_BED_LIST (self), FALSE);

  item = bb_bed_list_lookup (self, bed_id, &position);
  if (item == NULL)
    return FALSE;
  if (out_old_status != NULL)
    *out_old_status = bb_bed_item_get_status (item);
  if (out_old_reserved != NULL)
    *out_old_reserved = bb_bed_item_get_reserved (item);
  if (bb_bed_item_set_state (item, status, reserved))
    g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
  return TRUE;
}
