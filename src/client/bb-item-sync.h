/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-item-sync.h: what the list models and their items share about being
 * updated in place: bringing a list of items to a new answer's records
 * while keeping the items of records that stay (so rows bound to them live
 * on), and copying bed counts with one notify per count that changed. */
#pragma once

#include <gio/gio.h>

#include "bb-records.h"

G_BEGIN_DECLS

/* How a list's items relate to the records of an answer. Records are
 * compared by id; update returns whether anything of the item changed. */
typedef struct
{
  gint64   (*item_id)   (gpointer      item);
  gint64   (*record_id) (gconstpointer record);
  gboolean (*update)    (gpointer      item,
                         gconstpointer record);
  gpointer (*new_item)  (gconstpointer record);
} BbItemSyncFuncs;

GPtrArray *bb_item_sync_merge  (GListModel            *model,
                                GPtrArray             *records,
                                const BbItemSyncFuncs *funcs);

gboolean   bb_item_sync_counts (GObject           *object,
                                BbBedCounts       *mine,
                                const BbBedCounts *theirs,
                                GParamSpec        *total_pspec,
                                GParamSpec        *free_pspec,
                                GParamSpec        *occupied_pspec,
                                GParamSpec        *reserved_pspec,
                                GParamSpec        *cleaning_pspec,
                                GParamSpec        *closed_pspec);

G_END_DECLS
