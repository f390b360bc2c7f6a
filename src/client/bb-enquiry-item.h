/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-enquiry-item.h: one enquiry to an admissions desk as the enquiries
 * page lists it (a GObject holding a copy of the BbEnquiry record). */
#pragma once

#include <glib-object.h>

#include "bb-records.h"

G_BEGIN_DECLS

#define BB_TYPE_ENQUIRY_ITEM (bb_enquiry_item_get_type ())
G_DECLARE_FINAL_TYPE (BbEnquiryItem, bb_enquiry_item, BB, ENQUIRY_ITEM, GObject)

/* Takes ownership of enquiry. */
BbEnquiryItem   *bb_enquiry_item_new         (BbEnquiry     *enquiry);
const BbEnquiry *bb_enquiry_item_get_record  (BbEnquiryItem *self);
gint64           bb_enquiry_item_get_id      (BbEnquiryItem *self);
const char      *bb_enquiry_item_get_status  (BbEnquiryItem *self);
/* The status in people's words: "Waiting for the desk", "Being answered", "Answered". */
const char      *bb_enquiry_status_word      (const char    *status);

G_END_DECLS
