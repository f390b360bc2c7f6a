/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-tile.h: one bed of the ward board's grid: its label, its state in
 * a word and an icon (colour is never the only cue) and its tags, coloured
 * by a CSS class per state (ui/style.css). Follows its BbBedItem live.
 *
 * The state words, icons and classes are public so the legend and the
 * details pane say the same thing. */
#pragma once

#include <gtk/gtk.h>

#include "bb-bed-item.h"

G_BEGIN_DECLS

#define BB_TYPE_BED_TILE (bb_bed_tile_get_type ())
G_DECLARE_FINAL_TYPE (BbBedTile, bb_bed_tile, BB, BED_TILE, GtkWidget)

GtkWidget  *bb_bed_tile_new           (void);
/* bed may be NULL (an unbound tile). */
void        bb_bed_tile_set_bed       (BbBedTile   *self,
                                       BbBedItem   *bed);
BbBedItem  *bb_bed_tile_get_bed       (BbBedTile   *self);

/* "Free", "Reserved", "Occupied", ... (translated). A reserved bed is
 * "Reserved" whatever its status. */
const char *bb_bed_state_word         (BbBedStatus  status,
                                       gboolean     reserved);
const char *bb_bed_state_icon_name    (BbBedStatus  status,
                                       gboolean     reserved);
/* "bed-free", "bed-reserved", "bed-occupied", "bed-cleaning",
 * "bed-closed", "bed-isolated", "bed-contaminated". */
const char *bb_bed_state_css_class    (BbBedStatus  status,
                                       gboolean     reserved);
/* A tag as people read it ("oxygen" -> "Oxygen"), translated. */
const char *bb_bed_tag_word           (const char  *tag);

G_END_DECLS
