/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-hospital-list.c: the hospitals as a GListModel, updated in place. */
#define G_LOG_DOMAIN "bb-hospital-list"

#include "config.h"

#include "bb-hospital-list.h"

#include "bb-item-sync.h"

struct _BbHospitalList
{
  GObject    parent_instance;
  GPtrArray *items;  /* BbHospitalItem */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbHospitalList, bb_hospital_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return BB_TYPE_HOSPITAL_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return BB_HOSPITAL_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  BbHospitalList *self = BB_HOSPITAL_LIST (model);

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
bb_hospital_list_finalize (GObject *object)
{
  BbHospitalList *self = (BbHospitalList *) object;

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (bb_hospital_list_parent_class)->finalize (object);
}

static void
bb_hospital_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BbHospitalList *self = BB_HOSPITAL_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_hospital_list_class_init (BbHospitalListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bb_hospital_list_finalize;
  object_class->get_property = bb_hospital_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_hospital_list_init (BbHospitalList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

BbHospitalList *
bb_hospital_list_new (void)
{
  return g_object_new (BB_TYPE_HOSPITAL_LIST, NULL);
}

BbHospitalItem *
bb_hospital_list_lookup (BbHospitalList *self,
                         gint64          hospital_id,
                         guint          *out_position)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_LIST (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      BbHospitalItem *item = g_ptr_array_index (self->items, i);

      if (bb_hospital_item_get_id (item) == hospital_id)
        {
          if (out_position != NULL)
            *out_position = i;
          return item;
        }
    }
  return NULL;
}

static gint64
hospital_id (gconstpointer record)
{
  return ((const BbHospital *) record)->id;
}

static const BbItemSyncFuncs hospital_sync = {
  (gint64 (*) (gpointer)) bb_hospital_item_get_id,
  hospital_id,
  (gboolean (*) (gpointer, gconstpointer)) bb_hospital_item_update,
  (gpointer (*) (gconstpointer)) bb_hospital_item_new,
};

void
bb_hospital_list_set (BbHospitalList *self,
                      GPtrArray      *hospitals)
{
  GPtrArray *items;
  guint old_len;

  g_return_if_fail (BB_IS_HOSPITAL_LIST (self));
  g_return_if_fail (hospitals != NULL);

  /* The usual reload changes each hospital in place, one signal per changed
   * row so list rows stay bound. A new order (a location was given) or
   * hospitals that came and went give a new list that keeps the items of
   * hospitals that stay. */
  items = bb_item_sync_merge (G_LIST_MODEL (self), hospitals, &hospital_sync);
  if (items == NULL)
    return;
  old_len = self->items->len;
  g_ptr_array_unref (self->items);
  self->items = items;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->items->len);
  if (old_len != self->items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
bb_hospital_list_changed (BbHospitalList *self,
                          gint64          hospital_id)
{
  guint position;

  g_return_if_fail (BB_IS_HOSPITAL_LIST (self));

  if (bb_hospital_list_lookup (self, hospital_id, &position) != NULL)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
}

gboolean
bb_hospital_list_move_bed (BbHospitalList *self,
                           gint64          hospital_id,
                           gint64          ward_id,
                           BbBedStatus     old_status,
                           gboolean        old_reserved,
                           BbBedStatus     new_status,
                           gboolean        new_reserved,
                           gint64          at)
{
  BbHospitalItem *item;
  guint position;

  g_return_val_if_fail (BB_IS_HOSPITAL_LIST (self), FALSE);

  item = bb_hospital_list_lookup (self, hospital_id, &position);
  if (item == NULL)
    return FALSE;
  if (old_status == new_status && !old_reserved == !new_reserved)
    return TRUE;
  bb_hospital_item_move_bed (item, ward_id, old_status, old_reserved,
                             new_status, new_reserved, at);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
  return TRUE;
}
