/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-hospital-item.h: one hospital as the client's lists show it. Its bed
 * counts change in place (notify) when live events arrive; "wards" is a
 * GListModel of BbWardItem, filled once the hospital's detail has loaded. */
#pragma once

#include <gio/gio.h>

#include "bb-client-types.h"
#include "bb-records.h"

G_BEGIN_DECLS

#define BB_TYPE_HOSPITAL_ITEM (bb_hospital_item_get_type ())
G_DECLARE_FINAL_TYPE (BbHospitalItem, bb_hospital_item, BB, HOSPITAL_ITEM, GObject)

BbHospitalItem    *bb_hospital_item_new            (const BbHospital *hospital);
/* Copies the record's values; notifies only what changed. TRUE if anything did. */
gboolean           bb_hospital_item_update         (BbHospitalItem   *self,
                                                    const BbHospital *hospital);
const BbHospital  *bb_hospital_item_get_record     (BbHospitalItem   *self);
gint64             bb_hospital_item_get_id         (BbHospitalItem   *self);
const char        *bb_hospital_item_get_name       (BbHospitalItem   *self);
const char        *bb_hospital_item_get_address    (BbHospitalItem   *self);
const char        *bb_hospital_item_get_phone      (BbHospitalItem   *self);
double             bb_hospital_item_get_latitude   (BbHospitalItem   *self);
double             bb_hospital_item_get_longitude  (BbHospitalItem   *self);
gint64             bb_hospital_item_get_updated_at (BbHospitalItem   *self);
double             bb_hospital_item_get_distance_km (BbHospitalItem  *self); /* < 0: unknown */
const BbBedCounts *bb_hospital_item_get_beds       (BbHospitalItem   *self);
guint              bb_hospital_item_get_free       (BbHospitalItem   *self);
guint              bb_hospital_item_get_total      (BbHospitalItem   *self);
/* GListModel of BbWardItem (empty until set_wards). transfer none. */
GListModel        *bb_hospital_item_get_wards      (BbHospitalItem   *self);
gboolean           bb_hospital_item_get_has_wards  (BbHospitalItem   *self);
/* Updates wards in place (by id): changed wards notify and emit
 * items-changed (pos, 1, 1); new ones are inserted, gone ones removed. */
void               bb_hospital_item_set_wards      (BbHospitalItem   *self,
                                                    GPtrArray        *wards);
BbWardItem        *bb_hospital_item_find_ward      (BbHospitalItem   *self,
                                                    gint64            ward_id,
                                                    guint            *out_position);
/* Moves one bed from one state to another in the counts of the hospital and
 * of that ward (when loaded). reserved beds count as "reserved" whatever
 * their status, as the server counts them. */
void               bb_hospital_item_move_bed       (BbHospitalItem   *self,
                                                    gint64            ward_id,
                                                    BbBedStatus       old_status,
                                                    gboolean          old_reserved,
                                                    BbBedStatus       new_status,
                                                    gboolean          new_reserved,
                                                    gint64            at);

/* Which count a bed in that state belongs to. */
guint             *bb_bed_counts_slot              (BbBedCounts      *counts,
                                                    BbBedStatus       status,
                                                    gboolean          reserved);

G_END_DECLS
