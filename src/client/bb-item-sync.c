/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-item-sync.c: merging an answer into a list of items in place, and
 * copying bed counts with a notify per change (see bb-item-sync.h). Used by
 * BbHospitalList, BbBedList, and BbHospitalItem for its wards and counts,
 * and BbWardItem for its counts. */
#define G_LOG_DOMAIN "bb-item-sync"

#include "config.h"

#include "bb-item-sync.h"

/* Brings the items of model to one item per record, in the records' order.
 * When the records have the ids of the items in the same order (the usual
 * reload), each item is updated in place and model emits items-changed for
 * each one that changed; then NULL is returned. Otherwise the items for the
 * new list are returned (a new reference each): the items of records that
 * stay, updated, and new items for the others. The caller puts them in
 * place of the old ones and announces the whole change. */
GPtrArray *
bb_item_sync_merge (GListModel            *model,
                    GPtrArray             *records,
                    const BbItemSyncFuncs *funcs)
{
  g_autoptr(GHashTable) old_by_id = NULL;
  GPtrArray *items;
  guint n_old;
  gboolean same_order;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (funcs != NULL, NULL);

  n_old = g_list_model_get_n_items (model);
  same_order = n_old == records->len;
  for (guint i = 0; same_order && i < n_old; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      same_order = funcs->item_id (item) == funcs->record_id (g_ptr_array_index (records, i));
    }
  if (same_order)
    {
      for (guint i = 0; i < n_old; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (model, i);

          if (funcs->update (item, g_ptr_array_index (records, i)))
            g_list_model_items_changed (model, i, 1, 1);
        }
      return NULL;
    }

  old_by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  for (guint i = 0; i < n_old; i++)
    {
      GObject *item = g_list_model_get_item (model, i);

      g_hash_table_insert (old_by_id, g_memdup2 (&(gint64) { funcs->item_id (item) }, sizeof (gint64)), item);
    }
  items = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    {
      gconstpointer record = g_ptr_array_index (records, i);
      gint64 id = funcs->record_id (record);
      GObject *old = g_hash_table_lookup (old_by_id, &id);

      if (old != NULL)
        {
          funcs->update (old, record);
          g_ptr_array_add (items, g_object_ref (old));
        }
      else
        g_ptr_array_add (items, funcs->new_item (record));
    }
  return items;
}

/* Copies theirs into mine, notifying on object the property of each count
 * that changed. Returns whether any did. */
gboolean
bb_item_sync_counts (GObject           *object,
                     BbBedCounts       *mine,
                     const BbBedCounts *theirs,
                     GParamSpec        *total_pspec,
                     GParamSpec        *free_pspec,
                     GParamSpec        *occupied_pspec,
                     GParamSpec        *reserved_pspec,
                     GParamSpec        *cleaning_pspec,
                     GParamSpec        *closed_pspec)
{
  const struct { guint *mine; guint theirs; GParamSpec *pspec; } fields[] = {
    { &mine->total, theirs->total, total_pspec },
    { &mine->free, theirs->free, free_pspec },
    { &mine->occupied, theirs->occupied, occupied_pspec },
    { &mine->reserved, theirs->reserved, reserved_pspec },
    { &mine->cleaning, theirs->cleaning, cleaning_pspec },
    { &mine->closed, theirs->closed, closed_pspec },
  };
  gboolean changed = FALSE;

  g_return_val_if_fail (G_IS_OBJECT (object), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (*fields[i].mine == fields[i].theirs)
        continue;
      *fields[i].mine = fields[i].theirs;
      g_object_notify_by_pspec (object, fields[i].pspec);
      changed = TRUE;
    }
  return changed;
}
