/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-bed-details.h: the ward board's side pane: the selected bed, its
 * admission (staff view; hidden in privacy mode) and only the actions that
 * are valid for it now. It shows and asks; the page does the calls: a
 * button emits "action" (BbBedAction, argument) where the argument is the
 * chosen booking (admit) or target bed (transfer), else 0.
 *
 * bb_bed_actions_valid() is the rule the buttons follow, public so it can
 * be tested without a display. */
#pragma once

#include <gtk/gtk.h>

#include "bb-bed-item.h"

G_BEGIN_DECLS

typedef enum
{
  BB_BED_ACTION_NONE        = 0,
  BB_BED_ACTION_ADMIT       = 1 << 0, /* admit a held or confirmed booking into the bed */
  BB_BED_ACTION_DISCHARGE   = 1 << 1, /* O -> H */
  BB_BED_ACTION_TRANSFER    = 1 << 2, /* the patient to a free bed; this one -> H */
  BB_BED_ACTION_MARK_CLEAN  = 1 << 3, /* H -> U */
  BB_BED_ACTION_TO_CLEANING = 1 << 4, /* K -> H: decontaminated, now to be cleaned */
  BB_BED_ACTION_CLOSE       = 1 << 5, /* -> C */
  BB_BED_ACTION_ISOLATE     = 1 << 6, /* -> I */
  BB_BED_ACTION_REOPEN      = 1 << 7, /* C or I -> U */
} BbBedAction;

#define BB_BED_ACTION_ALL 0xff

/* The actions a bed in that state allows. has_admission: the admission is
 * known (staff view), needed to discharge or transfer. */
guint         bb_bed_actions_valid           (BbBedStatus  status,
                                              gboolean     reserved,
                                              gboolean     has_admission);
/* The status a status action moves the bed to; FALSE for the others. */
gboolean      bb_bed_action_target_status    (BbBedAction  action,
                                              BbBedStatus *out_status);

#define BB_TYPE_BED_DETAILS (bb_bed_details_get_type ())
G_DECLARE_FINAL_TYPE (BbBedDetails, bb_bed_details, BB, BED_DETAILS, GtkWidget)

GtkWidget    *bb_bed_details_new             (void);
void          bb_bed_details_set_bed         (BbBedDetails *self,
                                              BbBedItem    *bed);
BbBedItem    *bb_bed_details_get_bed         (BbBedDetails *self);
void          bb_bed_details_set_privacy     (BbBedDetails *self,
                                              gboolean      privacy);
/* GListModel of BbBedItem: the beds a patient may be moved to. */
void          bb_bed_details_set_free_beds   (BbBedDetails *self,
                                              GListModel   *free_beds);
/* The bookings that may be admitted here: ids and one line each. */
void          bb_bed_details_set_bookings    (BbBedDetails *self,
                                              const gint64 *ids,
                                              const char  **descriptions,
                                              guint         n_bookings);
/* While the bookings are being asked for (admit then says so). */
void          bb_bed_details_set_bookings_loading (BbBedDetails *self,
                                                   gboolean      loading);
/* While a call is under way the buttons are insensitive. */
void          bb_bed_details_set_busy        (BbBedDetails *self,
                                              gboolean      busy);
/* The actions whose buttons are shown now (for tests and the page). */
guint         bb_bed_details_get_offered     (BbBedDetails *self);
/* The button of an action (for tests: they click it). */
GtkWidget    *bb_bed_details_get_button      (BbBedDetails *self,
                                              BbBedAction   action);

G_END_DECLS
