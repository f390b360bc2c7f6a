/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-item.h: one ward of a hospital with its bed counts, updated in
 * place (notify) as beds change. */
#pragma once

#include <glib-object.h>

#include "bb-client-types.h"
#include "bb-records.h"

G_BEGIN_DECLS

#define BB_TYPE_WARD_ITEM (bb_ward_item_get_type ())
G_DECLARE_FINAL_TYPE (BbWardItem, bb_ward_item, BB, WARD_ITEM, GObject)

BbWardItem        *bb_ward_item_new             (const BbWard *ward);
/* TRUE if anything changed (and was notified). */
gboolean           bb_ward_item_update          (BbWardItem   *self,
                                                 const BbWard *ward);
const BbWard      *bb_ward_item_get_record      (BbWardItem   *self);
gint64             bb_ward_item_get_id          (BbWardItem   *self);
gint64             bb_ward_item_get_hospital_id (BbWardItem   *self);
const char        *bb_ward_item_get_name        (BbWardItem   *self);
const char        *bb_ward_item_get_kind        (BbWardItem   *self);
const char        *bb_ward_item_get_model       (BbWardItem   *self);
const BbBedCounts *bb_ward_item_get_beds        (BbWardItem   *self);
guint              bb_ward_item_get_free        (BbWardItem   *self);
guint              bb_ward_item_get_capacity    (BbWardItem   *self);
guint              bb_ward_item_get_occupied    (BbWardItem   *self);
/* occupied / capacity, 0 for an empty ward. */
double             bb_ward_item_get_occupancy   (BbWardItem   *self);
void               bb_ward_item_set_beds        (BbWardItem        *self,
                                                 const BbBedCounts *beds);

G_END_DECLS
