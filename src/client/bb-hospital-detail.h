/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-hospital-detail.h: one hospital in detail, shown inside the
 * availability page: its address and phone, its wards as occupancy bars
 * (bb-ward-bars) and the public bed-release forecast in plain words ("about
 * 3 beds free in 24 h, a free bed very likely"), with a button to send the
 * hospital an enquiry. The bars follow the hospital's BbHospitalItem, which
 * live events update in place; the forecast is fetched when the hospital is
 * set and on refresh.
 *
 * "Send an enquiry" shows the window's "enquiries" page with the hospital
 * preselected: through its gint64 property "hospital-id" when it has one,
 * else in its AdwComboRow over the context's hospital list;
 * if the page is hidden for the role, it asks the user to log in and goes
 * there once they have.
 *
 * Properties: "context" (construct-only), "hospital" (BbHospitalItem, may be
 * NULL), "forecast-state" (BbHospitalDetailForecastState: where the
 * forecast of the shown hospital is). */
#pragma once

#include <gtk/gtk.h>

#include "bb-client-context.h"
#include "bb-hospital-item.h"
#include "bb-ward-forecast.h"

G_BEGIN_DECLS

typedef enum
{
  BB_HOSPITAL_DETAIL_FORECAST_NONE,     /* no hospital */
  BB_HOSPITAL_DETAIL_FORECAST_LOADING,
  BB_HOSPITAL_DETAIL_FORECAST_LOADED,
  BB_HOSPITAL_DETAIL_FORECAST_FAILED,   /* e.g. offline: the bars still show */
} BbHospitalDetailForecastState;

#define BB_TYPE_HOSPITAL_DETAIL_FORECAST_STATE (bb_hospital_detail_forecast_state_get_type ())
GType bb_hospital_detail_forecast_state_get_type (void) G_GNUC_CONST;

#define BB_TYPE_HOSPITAL_DETAIL (bb_hospital_detail_get_type ())
G_DECLARE_FINAL_TYPE (BbHospitalDetail, bb_hospital_detail, BB, HOSPITAL_DETAIL, GtkWidget)

GtkWidget                     *bb_hospital_detail_new                (BbClientContext  *context);
void                           bb_hospital_detail_set_hospital       (BbHospitalDetail *self,
                                                                      BbHospitalItem   *hospital);
BbHospitalItem                *bb_hospital_detail_get_hospital       (BbHospitalDetail *self);
/* Where the user is, to say how far the hospital is. */
void                           bb_hospital_detail_set_location       (BbHospitalDetail *self,
                                                                      gboolean          has_location,
                                                                      double            latitude,
                                                                      double            longitude);
/* Fetches the forecast again (the page's refresh). */
void                           bb_hospital_detail_reload_forecast    (BbHospitalDetail *self);
BbHospitalDetailForecastState  bb_hospital_detail_get_forecast_state (BbHospitalDetail *self);
/* The wards as the bars show them, in order: their count, and the bars'
 * spoken description (the numbers in words). */
guint                          bb_hospital_detail_get_n_wards        (BbHospitalDetail *self);
const char                    *bb_hospital_detail_get_bars_description (BbHospitalDetail *self);
/* The forecast sentence shown for a ward, or NULL (no such ward or no
 * forecast yet). */
const char                    *bb_hospital_detail_get_ward_forecast_text (BbHospitalDetail *self,
                                                                          gint64            ward_id);

/* What a ward's forecast says for the public, in plain words: beds free
 * now, when one is likely free if none is, and the expected free beds with
 * the chance of at least one free bed in 24 hours and in 3 days. forecast
 * may be NULL (then only the beds free now). now: Unix seconds, for the
 * clock time of a first free bed. Pure: tested without a display. */
char                          *bb_hospital_detail_describe_forecast  (BbWardForecast   *forecast,
                                                                      guint             free_now,
                                                                      gint64            now);
/* The expected free beds (free_mean, never below 0) and the probability
 * that at least one is free, t_hours from now, interpolated between the
 * forecast's points; FALSE when the forecast does not reach that far. */
gboolean                       bb_hospital_detail_forecast_at        (BbWardForecast   *forecast,
                                                                      double            t_hours,
                                                                      double           *free_mean,
                                                                      double           *p_any_free);
/* "almost certain", "very likely", "likely", "about even", "unlikely",
 * "very unlikely". */
const char                    *bb_hospital_detail_describe_chance    (double            p);

G_END_DECLS
