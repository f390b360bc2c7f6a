/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-booking-page.h: the booking page (staff). Choose a hospital, a ward
 * and a start; fill in the intake generated from the ward's model card;
 * see the bed forecast computed locally (the patient's likely stay and what
 * drives it, the chance a bed is free over 14 days, a verdict, alternatives
 * when it is poor); book a bed and confirm with the forecast shown. */
#pragma once

#include <adwaita.h>

#include "bb-booking-forecast.h"
#include "bb-client-context.h"
#include "bb-intake-form.h"
#include "bb-page.h"

G_BEGIN_DECLS

#define BB_TYPE_BOOKING_PAGE (bb_booking_page_get_type ())
G_DECLARE_FINAL_TYPE (BbBookingPage, bb_booking_page, BB, BOOKING_PAGE, GtkWidget)

GtkWidget               *bb_booking_page_new              (BbClientContext *context);

/* For tests and the accessibility test's checks. */
BbIntakeForm            *bb_booking_page_get_intake_form  (BbBookingPage   *self);
/* Selects a ward by id (its hospital too); FALSE when it is not loaded. */
gboolean                 bb_booking_page_select_ward      (BbBookingPage   *self,
                                                           gint64           hospital_id,
                                                           gint64           ward_id);
gint64                   bb_booking_page_get_ward_id      (BbBookingPage   *self);
/* start 0: now; else a Unix time. */
void                     bb_booking_page_set_start        (BbBookingPage   *self,
                                                           gint64           start);
/* Fetches the ward's inpatients and bookings again and recomputes. */
void                     bb_booking_page_check_beds       (BbBookingPage   *self);
/* The forecast shown, NULL while none is. */
const BbBookingForecast *bb_booking_page_get_forecast     (BbBookingPage   *self);
/* TRUE while data is loading or the forecast is computing. */
gboolean                 bb_booking_page_get_busy         (BbBookingPage   *self);
const char              *bb_booking_page_get_verdict_text (BbBookingPage   *self);
/* What went wrong last ("" when nothing did). */
const char              *bb_booking_page_get_error_text   (BbBookingPage   *self);
/* The booking made on this page (held, then confirmed); NULL before. */
const BbBooking         *bb_booking_page_get_booking      (BbBookingPage   *self);
/* The alternatives shown (rows), 0 when the answer is good. */
guint                    bb_booking_page_get_n_alternatives (BbBookingPage *self);

G_END_DECLS
