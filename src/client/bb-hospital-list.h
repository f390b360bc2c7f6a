/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-hospital-list.h: the hospitals, a GListModel of BbHospitalItem in the
 * server's order (by distance when a location was given). New answers and
 * live events change the items in place: a changed hospital emits
 * items-changed (pos, 1, 1) with the same item, so sorters and filters
 * re-run, and list rows stay. */
#pragma once

#include <gio/gio.h>

#include "bb-client-types.h"
#include "bb-hospital-item.h"

G_BEGIN_DECLS

#define BB_TYPE_HOSPITAL_LIST (bb_hospital_list_get_type ())
G_DECLARE_FINAL_TYPE (BbHospitalList, bb_hospital_list, BB, HOSPITAL_LIST, GObject)

BbHospitalList *bb_hospital_list_new      (void);
/* hospitals: GPtrArray of BbHospital, in the order to show. */
void            bb_hospital_list_set      (BbHospitalList *self,
                                           GPtrArray      *hospitals);
BbHospitalItem *bb_hospital_list_lookup   (BbHospitalList *self,
                                           gint64          hospital_id,
                                           guint          *out_position);
/* Emits items-changed (pos, 1, 1) for that hospital (after its counts or
 * wards changed). */
void            bb_hospital_list_changed  (BbHospitalList *self,
                                           gint64          hospital_id);
/* Applies one bed change whose previous state is known; returns FALSE when
 * the hospital is not in the list. */
gboolean        bb_hospital_list_move_bed (BbHospitalList *self,
                                           gint64          hospital_id,
                                           gint64          ward_id,
                                           BbBedStatus     old_status,
                                           gboolean        old_reserved,
                                           BbBedStatus     new_status,
                                           gboolean        new_reserved,
                                           gint64          at);

G_END_DECLS
