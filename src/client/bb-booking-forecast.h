/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-booking-forecast.h: the booking page's local forecast. From the ward's
 * inpatients and bookings (as the staff API gives them), the ward's LOS
 * model and the incoming patient's intake, it computes what the server
 * would: the ward's bed-release forecast with bb_ward_forecast_compute (the
 * same inputs, the same code), and the incoming patient's predicted stay
 * with the features that drive it. Then a plain verdict.
 *
 * No GTK here: the job runs in a worker thread (g_task_run_in_thread) and is
 * unit-tested against a server's own forecast. */
#pragma once

#include <gio/gio.h>

#include "bb-los-model.h"
#include "bb-records.h"
#include "bb-ward-forecast.h"

G_BEGIN_DECLS

#define BB_BOOKING_FORECAST_TOP_CONTRIBUTIONS 5
/* A booking for now is a poor answer when no bed is free and the first one
 * is likely to free later than this. */
#define BB_BOOKING_FORECAST_POOR_WAIT_HOURS 24.0

typedef enum
{
  BB_BOOKING_VERDICT_FREE_NOW,       /* start now, a bed is free */
  BB_BOOKING_VERDICT_BEING_CLEANED,  /* start now, none free but one is being cleaned */
  BB_BOOKING_VERDICT_LIKELY_FREE_BY, /* start now, none free; first_free median within the horizon */
  BB_BOOKING_VERDICT_UNLIKELY,       /* start now, no bed likely within the horizon */
  BB_BOOKING_VERDICT_FREE_AT_START,  /* future start, P(free at start) >= BB_WARD_FORECAST_ACCEPT_P */
  BB_BOOKING_VERDICT_FULL_AT_START,  /* future start, below it */
} BbBookingVerdict;

/* What one feature does to the patient's median stay. */
typedef struct
{
  char   *feature;  /* the card's column name */
  char   *value;    /* what was entered, NULL when left empty */
  double  days;     /* > 0 lengthens the median stay by that many days */
} BbStayContribution;

/* The inputs, as read from the server at one moment. */
typedef struct
{
  gint64      now;           /* the server's time of the inpatients answer */
  gint64      start;         /* when the patient arrives; <= now + 60 s: now */
  BbWard     *ward;          /* capacity, free, cleaning and closed beds, its model's name */
  GPtrArray  *inpatients;    /* BbAdmission of the ward */
  GPtrArray  *bookings;      /* BbBooking of the hospital; only the ward's held/confirmed count */
  JsonObject *intake;        /* the patient's features; NULL: no stay prediction */
  double      horizon_days;  /* 0: 14 */
  double      step_hours;    /* 0: 6 */
} BbBookingForecastRequest;

typedef struct
{
  char             *model_name;
  char             *model_version;
  gint64            now;
  gint64            start;
  double            start_hours;
  double            horizon_days;

  gboolean          has_stay;
  double            stay_mu;
  double            stay_sigma;     /* the patient's scale (bb_los_card_row_scale) */
  BbLosPrediction   stay;
  GPtrArray        *contributions;  /* BbStayContribution, biggest |days| first, at most 5 */

  BbWardForecast   *ward_forecast;
  guint             capacity;
  guint             n_inpatients;
  guint             ward_cleaning;  /* beds being cleaned (H, K) */
  guint             n_bookings;     /* bookings that went into the forecast */
  gboolean          free_now;       /* the ward has a free (U, not held) bed now */
  double            p_at_start;     /* P(a bed is free at the start) */
  gboolean          first_free_found;
  double            first_free_median_hours;  /* INFINITY beyond the horizon */
  double            first_free_p10_hours;
  double            first_free_p90_hours;
  BbBookingVerdict  verdict;
  gboolean          poor;           /* worth showing alternatives */
} BbBookingForecast;

/* Takes references to everything in the request (which may be stack data). */
BbBookingForecastRequest *bb_booking_forecast_request_copy (const BbBookingForecastRequest *request);
void                      bb_booking_forecast_request_free (BbBookingForecastRequest       *request);

/* Synchronous: for tests and the worker thread. Errors: the model is not
 * the ward's (BB_MODEL_ERROR_INVALID_CARD), the intake does not fit the
 * card (naming the field), bad forecast input. */
BbBookingForecast *bb_booking_forecast_compute        (BbLosModel                     *model,
                                                       const BbBookingForecastRequest *request,
                                                       GError                        **error);
/* The same in g_task_run_in_thread. */
void               bb_booking_forecast_compute_async  (BbLosModel                     *model,
                                                       const BbBookingForecastRequest *request,
                                                       GCancellable                   *cancellable,
                                                       GAsyncReadyCallback             callback,
                                                       gpointer                        user_data);
BbBookingForecast *bb_booking_forecast_compute_finish (GAsyncResult                   *result,
                                                       GError                        **error);
void               bb_booking_forecast_free           (BbBookingForecast              *forecast);

/* "Likely stay 3.2 days (80%: 1.5–7.0)"; NULL without a stay. */
char              *bb_booking_forecast_describe_stay    (const BbBookingForecast *forecast);
/* "A bed is free now", "Likely free by Tue 14:00, 80% between Mon 20:00
 * and Wed 09:00", "Unlikely within 14 days", ... in local time. */
char              *bb_booking_forecast_describe_verdict (const BbBookingForecast *forecast);
/* "+1.2 days" / "−0.4 days". */
char              *bb_stay_contribution_format_days     (double                   days);
/* Explains an API error of a booking or a confirm in words, using the
 * server's forecast attached to a 409 no_capacity. */
char              *bb_booking_forecast_explain_error    (const GError            *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbBookingForecast, bb_booking_forecast_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbBookingForecastRequest, bb_booking_forecast_request_free)

G_END_DECLS
