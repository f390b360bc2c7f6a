/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-forecast.h: how many beds of one ward will be free over the next
 * days, from the LOS model's predictions for the patients in it and the
 * patients booked into it. The server's forecast endpoint, its decision on
 * future bookings, the client's local forecast and `bedboard-los forecast`
 * all call this, so they agree to the last digit.
 *
 * Free beds at time t (hours from now):
 *
 *   free(t) = capacity - inpatients - bookings starting by t
 *             + inpatients discharged by t + booked patients discharged by t
 *
 * Each current inpatient leaves by t with the model's remaining-stay
 * probability P(T <= elapsed + t | T > elapsed); each booked patient holds a
 * bed from its start for its own predicted stay, so it has left by t with
 * P(T <= t - start). Patients are independent, so the discharges are a
 * Poisson-binomial count. free(t) can be negative: more patients expected
 * than beds (booked patients without a bed).
 *
 * Optionally (arrival_rate_per_hour > 0) patients also arrive without a
 * booking, as a Poisson process of constant rate lambda over the horizon,
 * each with a stay drawn from a mixture of the model's distribution over the
 * given margins (in practice the ward's recent admissions). The arrivals in
 * (0, t] still in the ward at t are then an M/G/inf count: Poisson with mean
 *
 *   m(t) = lambda * integral_0^t S(u) du,  S = mean over the mixture of the
 *                                              survival P(T > u),
 *
 * independent of the other patients, and
 *
 *   free(t) = capacity - inpatients - bookings started + discharges - A(t),
 *   A(t) ~ Poisson(m(t)).
 *
 * The arrivals take no notice of capacity (nobody is turned away), so free
 * beds below zero read as demand beyond the ward's beds. m(t) is integrated
 * by the trapezoid rule on sub-steps of the step grid (at most 2 hours for
 * steps up to 128 hours) and interpolated linearly between them. With no
 * arrival rate every number is the same as without this option. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bb-aft.h"

G_BEGIN_DECLS

#define BB_FORECAST_ERROR (bb_forecast_error_quark ())
typedef enum
{
  BB_FORECAST_ERROR_INVALID,   /* bad input: HTTP 400 */
} BbForecastError;
GQuark bb_forecast_error_quark (void);

/* A future booking is accepted when a bed is free at its start with at least
 * this probability. */
#define BB_WARD_FORECAST_ACCEPT_P 0.8
#define BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS 14.0
#define BB_WARD_FORECAST_DEFAULT_STEP_HOURS 6.0

typedef struct
{
  double mu;            /* the model's margin for this patient (ln days) */
  double elapsed_days;  /* time already stayed, >= 0 */
  double sigma;         /* this patient's scale (bb_los_card_row_scale); 0: params->sigma */
} BbForecastInpatient;

typedef struct
{
  double start_hours;   /* from now; a booking already due counts as arriving now */
  double mu;            /* the model's margin for the booked patient */
  double sigma;         /* the booked patient's scale; 0: params->sigma */
} BbForecastBooking;

typedef struct
{
  BbAftDistribution distribution;
  double            sigma;         /* the objective's scale, for rows that give none */
  guint             capacity;      /* beds of the ward that can take a patient */
  double            horizon_days;  /* 0: BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS */
  double            step_hours;    /* 0: BB_WARD_FORECAST_DEFAULT_STEP_HOURS */
  /* Unbooked arrivals (see above); 0 and NULL for none. The margins are
   * copied; the cost of setting up m(t) is n_arrival_mu x the sub-steps. */
  double            arrival_rate_per_hour;
  const double     *arrival_mu;    /* the arrivals' stays: a mixture over these margins */
  guint             n_arrival_mu;
  const double     *arrival_sigma; /* and their scales; NULL: sigma for every one */
} BbWardForecastParams;

typedef struct
{
  double t_hours;
  double free_mean;
  int    free_p10;     /* smallest f with P(free <= f) >= 0.1 */
  int    free_p90;     /* smallest f with P(free <= f) >= 0.9 */
  double p_any_free;   /* P(free >= 1) */
} BbWardForecastPoint;

typedef struct _BbWardForecast BbWardForecast;

/* Checks the input (capacity > 0, no more inpatients than beds, finite mu,
 * elapsed >= 0, ...) and computes the points at t = 0, step, 2 step, ... up
 * to the horizon. Errors are BB_FORECAST_ERROR_INVALID naming the item.
 * Big wards are computed on all cores (OpenMP). Different forecasts may be
 * used from different threads; one forecast from one thread at a time (its
 * p_free_at reuses scratch buffers). */
BbWardForecast            *bb_ward_forecast_compute          (const BbWardForecastParams *params,
                                                              const BbForecastInpatient  *inpatients,
                                                              guint                       n_inpatients,
                                                              const BbForecastBooking    *bookings,
                                                              guint                       n_bookings,
                                                              GError                    **error);
void                       bb_ward_forecast_free             (BbWardForecast             *forecast);

const BbWardForecastPoint *bb_ward_forecast_get_points       (BbWardForecast             *forecast,
                                                              guint                      *n_points);
guint                      bb_ward_forecast_get_capacity     (BbWardForecast             *forecast);

/* When the first bed frees up. Let G(t) = max over s <= t of P(free(s) >= 1)
 * (the running maximum of p_any_free). Without bookings free beds only ever
 * increase, so G(t) is exactly P(a bed is free at some time <= t); with
 * bookings (which take beds back) it is a lower bound, and the times below
 * are then late rather than early. The q-quantile is the first t with
 * G(t) >= q, located between grid points to a quarter of an hour. 0 when a
 * bed is free now; INFINITY when G stays below q over the whole horizon.
 * Returns FALSE (and INFINITY) if no bed is ever likely enough. */
gboolean                   bb_ward_forecast_get_first_free   (BbWardForecast             *forecast,
                                                              double                     *median_hours,
                                                              double                     *p10_hours,
                                                              double                     *p90_hours);

/* P(at least one bed free at t_hours), counting bookings starting by then.
 * Exact at any t for a computed forecast; for one parsed from JSON (which
 * carries only the points) it interpolates linearly between the points. */
double                     bb_ward_forecast_p_free_at        (BbWardForecast             *forecast,
                                                              double                      t_hours);

/* The future-booking rule: accepted when P(a bed is free at start_hours,
 * after the bookings already in the forecast that start by then) >=
 * BB_WARD_FORECAST_ACCEPT_P. The probability goes to out_p (may be NULL). */
gboolean                   bb_ward_forecast_accepts_booking  (BbWardForecast             *forecast,
                                                              double                      start_hours,
                                                              double                     *out_p);

/* {"model": {"name", "version"} (when given), "capacity", "step_hours",
 *  "horizon_days", "points": [{t_hours, free_mean, free_p10, free_p90,
 *  p_any_free}], "first_free": {median_hours, p10_hours, p90_hours}}; a
 *  first-free time beyond the horizon is null. */
JsonNode                  *bb_ward_forecast_to_json          (BbWardForecast             *forecast,
                                                              const char                 *model_name,
                                                              const char                 *model_version);
BbWardForecast            *bb_ward_forecast_new_from_json    (JsonNode                   *node,
                                                              GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbWardForecast, bb_ward_forecast_free)

G_END_DECLS
