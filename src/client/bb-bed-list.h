/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-list.h: the beds of one ward, a GListModel of BbBedItem in the
 * server's order. Live events change a bed in place and emit
 * items-changed (pos, 1, 1). */
#pragma once

#include <gio/gio.h>

#include "bb-bed-item.h"
#include "bb-client-types.h"

G_BEGIN_DECLS

#define BB_TYPE_BED_LIST (bb_bed_list_get_type ())
G_DECLARE_FINAL_TYPE (BbBedList, bb_bed_list, BB, BED_LIST, GObject)

BbBedList *bb_bed_list_new             (gint64       hospital_id,
                                        gint64       ward_id);
gint64     bb_bed_list_get_hospital_id (BbBedList   *self);
gint64     bb_bed_list_get_ward_id     (BbBedList   *self);
/* TRUE once set() was called (the beds have loaded). */
gboolean   bb_bed_list_get_loaded      (BbBedList   *self);
/* beds: GPtrArray of BbBed. Updates in place by id. */
void       bb_bed_list_set             (BbBedList   *self,
                                        GPtrArray   *beds);
BbBedItem *bb_bed_list_lookup          (BbBedList   *self,
                                        gint64       bed_id,
                                        guint       *out_position);
/* Applies a bed event. Returns FALSE if the bed is not in this ward; else
 * TRUE with its state before the change. */
gboolean   bb_bed_list_apply           (BbBedList   *self,
                                        gint64       bed_id,
                                        BbBedStatus  status,
                                        gboolean     reserved,
                                        BbBedStatus *out_old_status,
                                        gboolean    *out_old_reserved);

G_END_DECLS
