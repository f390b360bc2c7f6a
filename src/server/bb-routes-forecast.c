/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-forecast.c: the bed-release forecast of a hospital's wards, and
 * the forecast a future booking is decided with.
 *
 * A ward's forecast comes from its current inpatients (their model margin
 * and the time they have stayed), the bookings holding one of its beds (as
 * patients arriving now) and its future bookings, computed by the same
 * bb_patient_forecast_compute the client's booking page uses. The public
 * answer holds only aggregates per ward, never a patient.
 *
 * With ?arrivals=recent the forecast also counts patients who will arrive
 * (see bb-ward-forecast.h): at the rate of the ward's admissions over the
 * last ARRIVAL_BASIS_DAYS days (every admission, booked or not, admitted in
 * that time and in the ward now or discharged from it), with stays drawn
 * from the model's predictions for the most recent ARRIVAL_MIXTURE_MAX of
 * them. Future bookings are still decided without arrivals. */
#define G_LOG_DOMAIN "bb-routes-forecast"

#include "config.h"

#include <math.h>
#include <string.h>

#include "bb-patient-forecast.h"
#include "bb-server-private.h"

#define MAX_HORIZON_DAYS 30
#define MAX_STEP_HOURS 24
/* The answer is relative to now: even with no change in the hospital, it
 * is computed again after this long. */
#define FORECAST_CACHE_SECONDS 300
#define ARRIVAL_BASIS_DAYS 14
#define ARRIVAL_MIXTURE_MAX 200

/* What the arrival rate of a ward was estimated from. */
typedef struct
{
  guint  patients;      /* admissions in the basis */
  double basis_days;
  double rate_per_day;
} ArrivalBasis;

/* Bookings of the ward that hold one of its beds now (held or confirmed). */
static GPtrArray *
bookings_holding_beds (BbStore       *store,
                       const BbWard  *ward,
                       GError       **error)
{
  static const char * const statuses[] = { "held", "confirmed" };
  GPtrArray *holding = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_booking_free);

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      g_autoptr(GPtrArray) bookings = bb_store_list_bookings (store, ward->hospital_id, statuses[s], error);

      if (bookings == NULL)
        {
          g_ptr_array_unref (holding);
          return NULL;
        }
      for (guint i = 0; i < bookings->len; i++)
        {
          BbBooking *b = g_ptr_array_index (bookings, i);

          if (b->ward_id == ward->id && b->bed_id != 0)
            g_ptr_array_add (holding, g_steal_pointer (&bookings->pdata[i]));
        }
    }
  return holding;
}

static int
compare_admitted_latest_first (gconstpointer a,
                               gconstpointer b)
{
  const BbAdmission *x = *(const BbAdmission * const *) a;
  const BbAdmission *y = *(const BbAdmission * const *) b;

  return (x->admitted_at < y->admitted_at) - (x->admitted_at > y->admitted_at);
}

/* The ward's admissions over the basis: their count gives the rate, the
 * model's margins for the most recent of them the stays (arrival_mu, at
 * most ARRIVAL_MIXTURE_MAX; NULL when nobody came). */
static gboolean
recent_arrivals (BbStore       *store,
                 const BbWard  *ward,
                 GPtrArray     *inpatients,
                 BbLosModel    *model,
                 gint64         now,
                 ArrivalBasis  *basis,
                 double       **arrival_mu,
                 double       **arrival_sigma,
                 guint         *n_arrival_mu,
                 GError       **error)
{
  guint n_mix;
  gint64 since = now - (gint64) (ARRIVAL_BASIS_DAYS * 86400);
  g_autoptr(GPtrArray) discharged = NULL;
  g_autoptr(GPtrArray) arrived = g_ptr_array_new ();   /* borrowed */
  g_autofree JsonObject **features = NULL;
  g_autofree double *mu = NULL, *sigma = NULL;

  discharged = bb_store_list_discharges (store, ward->hospital_id, ward->id, since, error);
  if (discharged == NULL)
    return FALSE;
  for (guint i = 0; i < inpatients->len; i++)
    {
      BbAdmission *a = g_ptr_array_index (inpatients, i);

      if (a->admitted_at >= since && a->admitted_at <= now)
        g_ptr_array_add (arrived, a);
    }
  for (guint i = 0; i < discharged->len; i++)
    {
      BbAdmission *a = g_ptr_array_index (discharged, i);

      if (a->admitted_at >= since && a->admitted_at <= now)
        g_ptr_array_add (arrived, a);
    }

  basis->patients = arrived->len;
  basis->basis_days = ARRIVAL_BASIS_DAYS;
  basis->rate_per_day = arrived->len / (double) ARRIVAL_BASIS_DAYS;
  *arrival_mu = NULL;
  *arrival_sigma = NULL;
  *n_arrival_mu = 0;
  if (arrived->len == 0)
    return TRUE;

  g_ptr_array_sort (arrived, compare_admitted_latest_first);
  n_mix = MIN (arrived->len, ARRIVAL_MIXTURE_MAX);
  features = g_new (JsonObject *, n_mix);
  mu = g_new (double, n_mix);
  sigma = g_new (double, n_mix);
  for (guint i = 0; i < n_mix; i++)
    features[i] = ((BbAdmission *) g_ptr_array_index (arrived, i))->features;
  if (!bb_patient_forecast_predict (model, features, n_mix, mu, sigma, error))
    return FALSE;
  *arrival_mu = g_steal_pointer (&mu);
  *arrival_sigma = g_steal_pointer (&sigma);
  *n_arrival_mu = n_mix;
  return TRUE;
}

/* with_arrivals: count the patients who will arrive as well, and say what
 * that was estimated from in out_basis. */
static BbWardForecast *
forecast_ward (BbServer      *server,
               const BbWard  *ward,
               gint64         now,
               double         horizon_days,
               double         step_hours,
               gboolean       with_arrivals,
               ArrivalBasis  *out_basis,
               BbLosModel   **out_model,
               GError       **error)
{
  BbStore *store = bb_server_get_store (server);
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(GPtrArray) inpatients = NULL;
  g_autoptr(GPtrArray) holding = NULL;
  g_autoptr(GPtrArray) future = NULL;
  g_autofree double *arrival_mu = NULL, *arrival_sigma = NULL;
  guint n_arrival_mu = 0;
  ArrivalBasis basis = { 0, };
  BbWardForecastParams params = { 0, };
  BbWardForecast *forecast;
  guint capacity;

  model = bb_model_registry_get (_bb_server_get_models (server), ward->model);
  if (model == NULL)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_NOT_IMPLEMENTED,
                   "the %s model of ward %" G_GINT64_FORMAT " is not loaded, so it has no forecast",
                   ward->model, ward->id);
      return NULL;
    }

  if ((inpatients = bb_store_list_inpatients (store, ward->hospital_id, ward->id, error)) == NULL ||
      (holding = bookings_holding_beds (store, ward, error)) == NULL ||
      (future = bb_store_list_ward_bookings (store, ward->id, error)) == NULL)
    return NULL;

  /* Every bed that can take a patient: closed and isolated beds cannot;
   * beds being cleaned soon can. */
  capacity = MAX (ward->beds.total - ward->beds.closed, inpatients->len);
  if (capacity == 0)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY,
                   "ward %" G_GINT64_FORMAT " has no open beds", ward->id);
      return NULL;
    }

  params.capacity = capacity;
  params.horizon_days = horizon_days;
  params.step_hours = step_hours;
  if (with_arrivals)
    {
      if (!recent_arrivals (store, ward, inpatients, model, now, &basis, &arrival_mu, &arrival_sigma,
                            &n_arrival_mu, error))
        return NULL;
      params.arrival_rate_per_hour = n_arrival_mu > 0 ? basis.rate_per_day / 24.0 : 0;
      params.arrival_mu = arrival_mu;
      params.arrival_sigma = arrival_sigma;
      params.n_arrival_mu = n_arrival_mu;
    }
  forecast = bb_patient_forecast_compute (model, &params, inpatients, holding, future, now, error);
  if (forecast != NULL && out_model != NULL)
    *out_model = g_steal_pointer (&model);
  if (forecast != NULL && out_basis != NULL)
    *out_basis = basis;
  return forecast;
}

BbWardForecast *
_bb_forecast_ward (BbServer      *server,
                   const BbWard  *ward,
                   double         horizon_days,
                   double         step_hours,
                   BbLosModel   **out_model,
                   GError       **error)
{
  return forecast_ward (server, ward, bb_store_now (bb_server_get_store (server)), horizon_days, step_hours,
                        FALSE, NULL, out_model, error);
}

JsonNode *
_bb_forecast_ward_to_json (const BbWard   *ward,
                           BbWardForecast *forecast,
                           BbLosModel     *model)
{
  g_autoptr(JsonNode) computed = bb_ward_forecast_to_json (forecast, NULL, NULL);
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  /* The ward first, then the forecast's own members. */
  json_object_set_int_member (object, "ward", ward->id);
  json_object_set_string_member (object, "name", ward->name);
  json_object_set_string_member (object, "kind", ward->kind);
  json_object_set_string_member (object, "model", bb_los_model_get_name (model));
  json_object_set_string_member (object, "model_version", bb_los_model_get_version (model));
  json_object_iter_init (&iter, json_node_get_object (computed));
  while (json_object_iter_next (&iter, &member, &value))
    if (!json_object_has_member (object, member))
      json_object_set_member (object, member, json_node_copy (value));
  json_node_take_object (node, object);
  return node;
}

gboolean
_bb_forecast_accepts_booking (BbServer      *server,
                              const BbWard  *ward,
                              gint64         start,
                              JsonNode     **out_forecast,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbWardForecast) forecast = NULL;
  gint64 now = bb_store_now (bb_server_get_store (server));
  double start_hours = MAX (start - now, 0) / 3600.0;
  /* The decision is exact at the start itself; the horizon only decides
   * how much of the forecast a refusal shows. */
  double horizon_days = CLAMP (ceil ((start_hours + BB_WARD_FORECAST_DEFAULT_STEP_HOURS) / 24),
                               BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS);
  double p = 0;

  if (start_hours > MAX_HORIZON_DAYS * 24)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field 'start': future bookings are decided with the bed forecast, which looks at "
                   "most %d days ahead", MAX_HORIZON_DAYS);
      return FALSE;
    }

  forecast = _bb_forecast_ward (server, ward, horizon_days, BB_WARD_FORECAST_DEFAULT_STEP_HOURS,
                                &model, &local_error);
  if (forecast == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (bb_ward_forecast_accepts_booking (forecast, start_hours, &p))
    return TRUE;

  g_set_error (error, BB_API_ERROR, BB_API_ERROR_NO_CAPACITY,
               "ward %" G_GINT64_FORMAT " is likely full at the booking's start: a bed is free then "
               "with probability %.2f, and future bookings need at least %.2f",
               ward->id, p, BB_WARD_FORECAST_ACCEPT_P);
  if (out_forecast != NULL)
    {
      JsonNode *node = _bb_forecast_ward_to_json (ward, forecast, model);

      json_object_set_double_member (json_node_get_object (node), "start_hours", start_hours);
      json_object_set_double_member (json_node_get_object (node), "p_free_at_start", p);
      *out_forecast = node;
    }
  return FALSE;
}

static gboolean
query_number (BbRequest   *req,
              const char  *name,
              double       min,
              double       max,
              double      *out,
              GError     **error)
{
  const char *text = g_hash_table_lookup (req->query, name);
  char *end = NULL;
  double value;

  if (text == NULL || *text == '\0')
    return TRUE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(value >= min && value <= max))
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "query parameter '%s' must be a number from %g to %g", name, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static void
get_forecast (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospital) hospital = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  gint64 hospital_id = req->ids[0];
  double horizon_days = BB_WARD_FORECAST_DEFAULT_HORIZON_DAYS;
  double step_hours = BB_WARD_FORECAST_DEFAULT_STEP_HOURS;
  const char *arrivals = g_hash_table_lookup (req->query, "arrivals");
  gboolean with_arrivals = g_strcmp0 (arrivals, "recent") == 0;
  gint64 now = bb_store_now (req->store);

  if (!query_number (req, "horizon_days", 1, MAX_HORIZON_DAYS, &horizon_days, &error) ||
      !query_number (req, "step_hours", 1, MAX_STEP_HOURS, &step_hours, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (arrivals != NULL && *arrivals != '\0' && !with_arrivals && g_strcmp0 (arrivals, "none") != 0)
    {
      error = g_error_new (BB_API_ERROR, BB_API_ERROR_INVALID,
                           "query parameter 'arrivals' must be 'recent' or 'none'");
      _bb_reply_gerror (req, error);
      return;
    }

  if ((hospital = bb_store_get_hospital (req->store, hospital_id, &error)) == NULL ||
      (wards = bb_store_list_wards (req->store, hospital_id, &error)) == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  for (guint i = 0; i < wards->len; i++)
    {
      const BbWard *ward = g_ptr_array_index (wards, i);
      g_autoptr(GError) ward_error = NULL;
      g_autoptr(BbLosModel) model = NULL;
      g_autoptr(BbWardForecast) forecast = NULL;
      ArrivalBasis basis = { 0, };
      JsonNode *node;
      JsonObject *entry;

      forecast = forecast_ward (req->server, ward, now, horizon_days, step_hours, with_arrivals, &basis,
                                &model, &ward_error);
      if (forecast == NULL)
        {
          /* One ward without a forecast (no open beds, no model) does not
           * take the others' away. */
          entry = json_object_new ();
          json_object_set_int_member (entry, "ward", ward->id);
          json_object_set_string_member (entry, "name", ward->name);
          json_object_set_string_member (entry, "kind", ward->kind);
          json_object_set_int_member (entry, "capacity", ward->beds.total - ward->beds.closed);
          json_object_set_string_member (entry, "model", ward->model);
          json_object_set_null_member (entry, "model_version");
          json_object_set_array_member (entry, "points", json_array_new ());
          json_object_set_null_member (entry, "first_free");
          json_object_set_string_member (entry, "unavailable", ward_error->message);
          json_array_add_object_element (array, entry);
          continue;
        }
      node = _bb_forecast_ward_to_json (ward, forecast, model);
      if (with_arrivals)
        {
          JsonObject *a = json_object_new ();

          json_object_set_double_member (a, "rate_per_day", basis.rate_per_day);
          json_object_set_double_member (a, "basis_days", basis.basis_days);
          json_object_set_int_member (a, "patients", basis.patients);
          json_object_set_object_member (json_node_get_object (node), "arrivals", a);
        }
      json_array_add_element (array, node);
    }

  json_object_set_int_member (object, "hospital", hospital_id);
  /* The time every ward's forecast was computed for: one reading of the
   * clock, so a client recomputing at computed_at gets the same numbers. */
  _bb_object_set_time (object, "computed_at", now);
  json_object_set_double_member (object, "horizon_days", horizon_days);
  json_object_set_double_member (object, "step_hours", step_hours);
  json_object_set_double_member (object, "accept_probability", BB_WARD_FORECAST_ACCEPT_P);
  if (with_arrivals)
    json_object_set_string_member (object, "arrivals", "recent");
  json_object_set_array_member (object, "wards", g_steal_pointer (&array));

  _bb_request_set_cacheable (req, hospital_id);
  if (req->cache_key != NULL)
    _bb_server_expire_cached (req->server, hospital_id, FORECAST_CACHE_SECONDS);
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

const BbRoute _bb_routes_forecast[] = {
  { "GET", "/api/v1/hospitals/{id}/forecast", BB_ROLE_NONE, BB_ROUTE_CACHE, get_forecast },
  { NULL, }
};
