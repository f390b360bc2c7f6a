/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-enquiries-page.h: questions to a hospital's admissions desk. Anyone
 * may ask (the form: hospital, name, contact, message); a family member
 * also sees their own enquiries with the desk's answer and rates it; staff
 * get the inbox (open / accepted / answered) to accept and answer. The
 * page shows to everyone (min-role none) and its content follows the
 * session's role. Page name "enquiries". */
#pragma once

#include <gtk/gtk.h>

#include "bb-page.h"

G_BEGIN_DECLS

#define BB_TYPE_ENQUIRIES_PAGE (bb_enquiries_page_get_type ())
G_DECLARE_FINAL_TYPE (BbEnquiriesPage, bb_enquiries_page, BB, ENQUIRIES_PAGE, GtkWidget)

/* The enquiries loaded for the user (their own, or the whole inbox):
 * a GListModel of BbEnquiryItem, newest first (transfer none). */
GListModel *bb_enquiries_page_get_enquiries    (BbEnquiriesPage *self);
/* Staff: shows that enquiry's detail (to accept or answer it). */
gboolean    bb_enquiries_page_select_enquiry   (BbEnquiriesPage *self,
                                                gint64           enquiry_id);
/* Family: the button that rates that enquiry's answer with n stars, or NULL
 * when the enquiry is not listed or cannot be rated. */
GtkWidget  *bb_enquiries_page_get_rate_button  (BbEnquiriesPage *self,
                                                gint64           enquiry_id,
                                                int              stars);
/* TRUE while a send, accept, reply or rating is under way. */
gboolean    bb_enquiries_page_get_busy         (BbEnquiriesPage *self);

G_END_DECLS
