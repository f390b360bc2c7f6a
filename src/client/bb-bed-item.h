/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-item.h: one bed of a ward board: status, reservation, tags and
 * (for staff) the admission in it. Changes in place when events arrive. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bb-client-types.h"
#include "bb-records.h"

G_BEGIN_DECLS

#define BB_TYPE_BED_ITEM (bb_bed_item_get_type ())
G_DECLARE_FINAL_TYPE (BbBedItem, bb_bed_item, BB, BED_ITEM, GObject)

BbBedItem          *bb_bed_item_new               (const BbBed  *bed);
gboolean            bb_bed_item_update            (BbBedItem    *self,
                                                   const BbBed  *bed);
const BbBed        *bb_bed_item_get_record        (BbBedItem    *self);
gint64              bb_bed_item_get_id            (BbBedItem    *self);
gint64              bb_bed_item_get_ward_id       (BbBedItem    *self);
const char         *bb_bed_item_get_label         (BbBedItem    *self);
BbBedStatus         bb_bed_item_get_status        (BbBedItem    *self);
gboolean            bb_bed_item_get_reserved      (BbBedItem    *self);
const char * const *bb_bed_item_get_tags          (BbBedItem    *self);
gint64              bb_bed_item_get_admission_id  (BbBedItem    *self); /* 0: none or not staff */
gint64              bb_bed_item_get_admitted_at   (BbBedItem    *self);
JsonObject         *bb_bed_item_get_features      (BbBedItem    *self); /* transfer none, may be NULL */
/* Applies a live event. The event carries no admission: a bed that stops
 * being occupied drops its admission; one that becomes occupied keeps none
 * until the ward is reloaded. TRUE if anything changed. */
gboolean            bb_bed_item_set_state         (BbBedItem    *self,
                                                   BbBedStatus   status,
                                                   gboolean      reserved);

G_END_DECLS
