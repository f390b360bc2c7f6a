/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-patient-forecast.h: the bed-release forecast of one ward from its
 * patients as records: the model's prediction (margin and scale) for every
 * inpatient and booking from its intake features, the time each has stayed
 * or will arrive, then bb_ward_forecast_compute(). The server's forecast
 * and future-booking decision and the client's booking page both call it,
 * so the two cannot drift apart. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bb-los-model.h"
#include "bb-records.h"
#include "bb-ward-forecast.h"

G_BEGIN_DECLS

/* mu and sigma for each of n intakes. An intake that is NULL or no longer
 * fits the card (a record made before the card changed, a patient stepped
 * down from intensive care) is predicted with every feature unknown, which
 * XGBoost routes as missing values. */
gboolean        bb_patient_forecast_predict (BbLosModel                 *model,
                                             JsonObject * const         *features,
                                             guint                       n,
                                             double                     *mu_out,
                                             double                     *sigma_out,
                                             GError                    **error);

/* params gives the capacity, horizon, step and any arrivals; its
 * distribution and sigma are taken from the model. inpatients are
 * BbAdmission (stayed since admitted_at), holding are BbBooking holding one
 * of the ward's beds (arriving now), future are BbBooking waiting for one
 * from their start; any may be NULL. now is in Unix seconds. */
BbWardForecast *bb_patient_forecast_compute (BbLosModel                 *model,
                                             const BbWardForecastParams *params,
                                             GPtrArray                  *inpatients,
                                             GPtrArray                  *holding,
                                             GPtrArray                  *future,
                                             gint64                      now,
                                             GError                    **error);

G_END_DECLS
