/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-board-page.h: the ward board (staff): a hospital and ward
 * chooser, the ward's beds as a grid coloured by state with a legend, and
 * the selected bed's details with the actions valid now. Follows the live
 * events through the context's shared bed list. Page name "ward". */
#pragma once

#include <gtk/gtk.h>

#include "bb-bed-details.h"
#include "bb-page.h"

G_BEGIN_DECLS

#define BB_TYPE_WARD_BOARD_PAGE (bb_ward_board_page_get_type ())
G_DECLARE_FINAL_TYPE (BbWardBoardPage, bb_ward_board_page, BB, WARD_BOARD_PAGE, GtkWidget)

/* Shows that ward (once the hospitals are loaded); FALSE if unknown yet. */
gboolean            bb_ward_board_page_select_ward     (BbWardBoardPage *self,
                                                        gint64           hospital_id,
                                                        gint64           ward_id);
gint64              bb_ward_board_page_get_hospital_id (BbWardBoardPage *self);
gint64              bb_ward_board_page_get_ward_id     (BbWardBoardPage *self);
/* The grid's selection over the ward's BbBedItems (transfer none). */
GtkSingleSelection *bb_ward_board_page_get_selection   (BbWardBoardPage *self);
BbBedDetails       *bb_ward_board_page_get_details     (BbWardBoardPage *self);
/* The message of the last failed action (shown as a toast), or NULL. */
const char         *bb_ward_board_page_get_last_error  (BbWardBoardPage *self);
/* TRUE while an action's call is under way. */
gboolean            bb_ward_board_page_get_busy        (BbWardBoardPage *self);

G_END_DECLS
