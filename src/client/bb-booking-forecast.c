/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-booking-forecast.c: the booking page's local forecast job: the ward's
 * bed-release forecast from the same inputs the server uses
 * (bb-routes-forecast.c), the incoming patient's stay and its drivers, and
 * the verdict in words. */
#define G_LOG_DOMAIN "bb-booking-forecast"

#include "config.h"

#include "bb-booking-forecast.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bb-api-client.h"
#include "bb-patient-forecast.h"

/* A start within this of now is "now", as the server reads it. */
#define START_NOW_SECONDS 60

static BbWard *
ward_copy (const BbWard *ward)
{
  BbWard *copy = g_new0 (BbWard, 1);

  copy->id = ward->id;
  copy->hospital_id = ward->hospital_id;
  copy->name = g_strdup (ward->name);
  copy->kind = g_strdup (ward->kind);
  copy->model = g_strdup (ward->model);
  copy->beds = ward->beds;
  return copy;
}

BbBookingForecastRequest *
bb_booking_forecast_request_copy (const BbBookingForecastRequest *request)
{
  BbBookingForecastRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->ward != NULL, NULL);

  copy = g_new0 (BbBookingForecastRequest, 1);
  *copy = *request;
  copy->ward = ward_copy (request->ward);
  copy->inpatients = request->inpatients != NULL ? g_ptr_array_ref (request->inpatients) : NULL;
  copy->bookings = request->bookings != NULL ? g_ptr_array_ref (request->bookings) : NULL;
  copy->intake = request->intake != NULL ? json_object_ref (request->intake) : NULL;
  return copy;
}

void
bb_booking_forecast_request_free (BbBookingForecastRequest *request)
{
  if (request == NULL)
    return;
  g_clear_pointer (&request->ward, bb_ward_free);
  g_clear_pointer (&request->inpatients, g_ptr_array_unref);
  g_clear_pointer (&request->bookings, g_ptr_array_unref);
  g_clear_pointer (&request->intake, json_object_unref);
  g_free (request);
}

static void
stay_contribution_free (BbStayContribution *c)
{
  g_free (c->feature);
  g_free (c->value);
  g_free (c);
}

void
bb_booking_forecast_free (BbBookingForecast *forecast)
{
  if (forecast == NULL)
    return;
  g_free (forecast->model_name);
  g_free (forecast->model_version);
  g_clear_pointer (&forecast->contributions, g_ptr_array_unref);
  g_clear_pointer (&forecast->ward_forecast, bb_ward_forecast_free);
  g_free (forecast);
}

static char *
intake_value_text (JsonObject *intake,
                   const char *name)
{
  JsonNode *node = intake != NULL ? json_object_get_member (intake, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return g_strdup_printf ("%g", json_node_get_double (node));
}

static int
compare_contributions (gconstpointer a,
                       gconstpointer b)
{
  const BbStayContribution *x = *(BbStayContribution * const *) a;
  const BbStayContribution *y = *(BbStayContribution * const *) b;
  double dx = fabs (x->days), dy = fabs (y->days);

  return dx < dy ? 1 : dx > dy ? -1 : g_strcmp0 (x->feature, y->feature);
}

/* The patient's stay and what drives it. A contribution c (in ln days)
 * moves the median from Q(mu - c) to Q(mu): that difference, in days, is
 * what one feature adds or takes away. */
static gboolean
predict_stay (BbLosModel         *model,
              JsonObject         *intake,
              BbBookingForecast  *out,
              GError            **error)
{
  BbLosCard *card = bb_los_model_get_card (model);
  guint nf = bb_los_card_get_n_features (card);
  g_autofree float *row = g_new (float, MAX (nf, 1));
  g_autofree double *contrib = g_new0 (double, nf + 1);
  BbAftDistribution dist = bb_los_model_get_distribution (model);
  double sigma, median;

  if (!bb_los_card_encode_json (card, intake, BB_LOS_ENCODE_STRICT, row, error) ||
      !bb_los_model_predict (model, row, 1, &out->stay_mu, &out->stay_sigma, error) ||
      !bb_los_model_contributions (model, row, contrib, error))
    return FALSE;

  sigma = out->stay_sigma;
  bb_los_model_interval (model, out->stay_mu, sigma, &out->stay);
  out->has_stay = TRUE;
  median = bb_aft_quantile (dist, out->stay_mu, sigma, 0.5);

  out->contributions = g_ptr_array_new_with_free_func ((GDestroyNotify) stay_contribution_free);
  for (guint j = 0; j < nf; j++)
    {
      const BbLosFeature *f = bb_los_card_get_feature (card, j);
      BbStayContribution *c;

      if (contrib[j] == 0)
        continue;
      c = g_new0 (BbStayContribution, 1);
      c->feature = g_strdup (f->name);
      c->value = intake_value_text (intake, f->name);
      c->days = median - bb_aft_quantile (dist, out->stay_mu - contrib[j], sigma, 0.5);
      g_ptr_array_add (out->contributions, c);
    }
  g_ptr_array_sort (out->contributions, compare_contributions);
  if (out->contributions->len > BB_BOOKING_FORECAST_TOP_CONTRIBUTIONS)
    g_ptr_array_set_size (out->contributions, BB_BOOKING_FORECAST_TOP_CONTRIBUTIONS);
  return TRUE;
}

static gboolean
is_active_booking (const BbBooking *b,
                   gint64           ward_id)
{
  return b->ward_id == ward_id &&
         (b->status == BB_BOOKING_HELD || b->status == BB_BOOKING_CONFIRMED);
}

BbBookingForecast *
bb_booking_forecast_compute (BbLosModel                     *model,
                             const BbBookingForecastRequest *request,
                             GError                        **error)
{
  g_autoptr(BbBookingForecast) out = NULL;
  BbLosCard *card;
  const BbWard *ward;
  g_autoptr(GPtrArray) holding = g_ptr_array_new ();
  g_autoptr(GPtrArray) future = g_ptr_array_new ();
  BbWardForecastParams params = { 0, };
  const BbWardForecastPoint *points;
  guint nf, n_in, n_booked, n_points;
  guint open_beds;

  g_return_val_if_fail (BB_IS_LOS_MODEL (model), NULL);
  g_return_val_if_fail (request != NULL && request->ward != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ward = request->ward;
  card = bb_los_model_get_card (model);
  nf = bb_los_card_get_n_features (card);
  if (ward->model != NULL && g_strcmp0 (ward->model, bb_los_model_get_name (model)) != 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                   _("Ward “%s” is forecast with the %s model, but the model loaded is %s"),
                   ward->name, ward->model, bb_los_model_get_name (model));
      return NULL;
    }
  if (nf == 0)
    {
      g_set_error (error, BB_MODEL_ERROR, BB_MODEL_ERROR_INVALID_CARD,
                   _("The card of the %s model lists no features"), bb_los_model_get_name (model));
      return NULL;
    }

  out = g_new0 (BbBookingForecast, 1);
  out->model_name = g_strdup (bb_los_model_get_name (model));
  out->model_version = g_strdup (bb_los_model_get_version (model));
  out->now = request->now;
  out->start = request->start > request->now + START_NOW_SECONDS ? request->start : request->now;
  out->start_hours = (out->start - out->now) / 3600.0;
  out->horizon_days = request->horizon_days > 0 ? request->horizon_days : BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS;

  if (request->intake != NULL && !predict_stay (model, request->intake, out, error))
    return NULL;

  /* The bookings the server counts: holding one of the ward's beds (a
   * patient arriving now), or waiting for one from their start. */
  if (request->bookings != NULL)
    for (guint i = 0; i < request->bookings->len; i++)
      {
        BbBooking *b = g_ptr_array_index (request->bookings, i);

        if (is_active_booking (b, ward->id))
          g_ptr_array_add (b->bed_id != 0 ? holding : future, b);
      }

  n_in = request->inpatients != NULL ? request->inpatients->len : 0;
  n_booked = holding->len + future->len;
  open_beds = ward->beds.total > ward->beds.closed ? ward->beds.total - ward->beds.closed : 0;
  out->capacity = MAX (open_beds, n_in);
  out->n_inpatients = n_in;
  out->ward_cleaning = ward->beds.cleaning;
  out->n_bookings = n_booked;
  if (out->capacity == 0)
    {
      g_set_error (error, BB_FORECAST_ERROR, BB_FORECAST_ERROR_INVALID,
                   _("Ward “%s” has no open beds"), ward->name);
      return NULL;
    }

  params.capacity = out->capacity;
  params.horizon_days = out->horizon_days;
  params.step_hours = request->step_hours;
  out->ward_forecast = bb_patient_forecast_compute (model, &params, request->inpatients, holding, future,
                                                    request->now, error);
  if (out->ward_forecast == NULL)
    return NULL;

  points = bb_ward_forecast_get_points (out->ward_forecast, &n_points);
  /* The forecast counts beds being cleaned as able to take a patient;
   * only a free bed can be held now. */
  out->free_now = ward->beds.free > 0;
  out->first_free_found = bb_ward_forecast_get_first_free (out->ward_forecast,
                                                          &out->first_free_median_hours,
                                                          &out->first_free_p10_hours,
                                                          &out->first_free_p90_hours);
  out->p_at_start = bb_ward_forecast_p_free_at (out->ward_forecast, out->start_hours);

  if (out->start_hours > 0)
    {
      out->verdict = out->p_at_start >= BB_WARD_FORECAST_ACCEPT_P ? BB_BOOKING_VERDICT_FREE_AT_START
                                                                 : BB_BOOKING_VERDICT_FULL_AT_START;
      out->poor = out->verdict == BB_BOOKING_VERDICT_FULL_AT_START;
    }
  else if (out->free_now)
    out->verdict = BB_BOOKING_VERDICT_FREE_NOW;
  else if (ward->beds.cleaning > 0 && n_points > 0 && points[0].p_any_free >= 0.5)
    out->verdict = BB_BOOKING_VERDICT_BEING_CLEANED;
  else if (out->first_free_found && isfinite (out->first_free_median_hours))
    {
      out->verdict = BB_BOOKING_VERDICT_LIKELY_FREE_BY;
      out->poor = out->first_free_median_hours > BB_BOOKING_FORECAST_POOR_WAIT_HOURS;
    }
  else
    {
      out->verdict = BB_BOOKING_VERDICT_UNLIKELY;
      out->poor = TRUE;
    }
  return g_steal_pointer (&out);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  BbBookingForecastRequest *request = task_data;
  BbLosModel *model = g_object_get_data (G_OBJECT (task), "model");
  GError *error = NULL;
  BbBookingForecast *forecast;

  forecast = bb_booking_forecast_compute (model, request, &error);
  if (forecast == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, forecast, (GDestroyNotify) bb_booking_forecast_free);
}

void
bb_booking_forecast_compute_async (BbLosModel                     *model,
                                   const BbBookingForecastRequest *request,
                                   GCancellable                   *cancellable,
                                   GAsyncReadyCallback             callback,
                                   gpointer                        user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BB_IS_LOS_MODEL (model));
  g_return_if_fail (request != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_booking_forecast_compute_async);
  g_task_set_task_data (task, bb_booking_forecast_request_copy (request),
                        (GDestroyNotify) bb_booking_forecast_request_free);
  g_object_set_data_full (G_OBJECT (task), "model", g_object_ref (model), g_object_unref);
  g_task_run_in_thread (task, compute_thread);
}

BbBookingForecast *
bb_booking_forecast_compute_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
bb_booking_forecast_describe_stay (const BbBookingForecast *forecast)
{
  g_return_val_if_fail (forecast != NULL, NULL);

  if (!forecast->has_stay)
    return NULL;
  /* Translators: a predicted hospital stay, e.g. "Likely stay 3.2 days (80%: 1.5–7.0)". */
  return g_strdup_printf (_("Likely stay %.1f days (80%%: %.1f–%.1f)"),
                          forecast->stay.median_days, forecast->stay.p10_days,
                          forecast->stay.p90_days);
}

/* "Tue 14:00" in local time, hours after the forecast's now. */
static char *
format_when (const BbBookingForecast *forecast,
             double                   hours)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (forecast->now + (gint64) llround (hours * 3600));

  return dt != NULL ? g_date_time_format (dt, "%a %H:%M") : g_strdup ("?");
}

char *
bb_booking_forecast_describe_verdict (const BbBookingForecast *forecast)
{
  g_autofree char *by = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *start = NULL;

  g_return_val_if_fail (forecast != NULL, NULL);

  switch (forecast->verdict)
    {
    case BB_BOOKING_VERDICT_FREE_NOW:
      return g_strdup (_("A bed is free now"));

    case BB_BOOKING_VERDICT_BEING_CLEANED:
      /* Translators: the number of beds being cleaned. */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "No bed is free this moment; %u is being cleaned",
                                           "No bed is free this moment; %u are being cleaned",
                                           forecast->ward_cleaning),
                              forecast->ward_cleaning);

    case BB_BOOKING_VERDICT_LIKELY_FREE_BY:
      by = format_when (forecast, forecast->first_free_median_hours);
      from = format_when (forecast, forecast->first_free_p10_hours);
      if (!isfinite (forecast->first_free_p90_hours))
        /* Translators: the first %s is a time such as "Tue 14:00". */
        return g_strdup_printf (_("Likely free by %s, 80%% between %s and later than %g days"),
                                by, from, forecast->horizon_days);
      to = format_when (forecast, forecast->first_free_p90_hours);
      /* Translators: times such as "Tue 14:00", "Mon 20:00" and "Wed 09:00". */
      return g_strdup_printf (_("Likely free by %s, 80%% between %s and %s"), by, from, to);

    case BB_BOOKING_VERDICT_UNLIKELY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Unlikely within %d day",
                                           "Unlikely within %d days", (gulong) forecast->horizon_days),
                              (int) forecast->horizon_days);

    case BB_BOOKING_VERDICT_FREE_AT_START:
      start = format_when (forecast, forecast->start_hours);
      /* Translators: %s is a time such as "Tue 14:00", then a percentage. */
      return g_strdup_printf (_("A bed is likely free at %s (%.0f%%)"), start, forecast->p_at_start * 100);

    case BB_BOOKING_VERDICT_FULL_AT_START:
    default:
      start = format_when (forecast, forecast->start_hours);
      /* Translators: %s is a time such as "Tue 14:00"; then two percentages. */
      return g_strdup_printf (_("Likely full at %s: a bed is free then with %.0f%%, a booking needs %.0f%%"),
                              start, forecast->p_at_start * 100, BB_WARD_FORECAST_ACCEPT_P * 100);
    }
}

char *
bb_stay_contribution_format_days (double days)
{
  /* A real minus sign, and no "−0.0". */
  if (fabs (days) < 0.05)
    return g_strdup_printf (_("%.1f days"), 0.0);
  if (days > 0)
    return g_strdup_printf (_("+%.1f days"), days);
  return g_strdup_printf (_("−%.1f days"), -days);
}

char *
bb_booking_forecast_explain_error (const GError *error)
{
  double p_free_at_start;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != BB_API_ERROR)
    return g_strdup (error->message);

  p_free_at_start = bb_api_error_get_p_free_at_start (error);
  switch ((BbApiError) error->code)
    {
    case BB_API_ERROR_NO_CAPACITY:
      if (!isnan (p_free_at_start))
        return g_strdup_printf (_("The server did not take the booking: its forecast gives a free bed at the "
                                  "start with only %.0f%%, and a booking for later needs %.0f%%. "
                                  "Choose another start or one of the alternatives."),
                                p_free_at_start * 100,
                                BB_WARD_FORECAST_ACCEPT_P * 100);
      return g_strdup (_("No bed of this ward is free to hold now: someone may have just taken the last one. "
                         "Choose a later start or one of the alternatives."));
    case BB_API_ERROR_CONFLICT:
      /* Translators: %s is the server's reason, e.g. "booking 3 is expired". */
      return g_strdup_printf (_("The booking cannot change that way: %s."), error->message);
    case BB_API_ERROR_NETWORK:
      return g_strdup_printf (_("The server could not be reached (%s). Everything you entered is kept: "
                                "try again when it is back."), error->message);
    case BB_API_ERROR_INVALID:
      /* Translators: %s is the server's reason, naming the field. */
      return g_strdup_printf (_("The server refused the form: %s."), error->message);
    case BB_API_ERROR_UNAUTHORIZED:
      return g_strdup (_("Your session has ended. Log in again; the form is kept."));
    case BB_API_ERROR_FORBIDDEN:
      return g_strdup (_("This account may not book beds."));
    case BB_API_ERROR_NOT_FOUND:
      return g_strdup_printf (_("Not found on the server: %s."), error->message);
    case BB_API_ERROR_TOO_MANY:
    case BB_API_ERROR_SERVER:
    default:
      return g_strdup_printf (_("The server could not do it: %s."), error->message);
    }
}
