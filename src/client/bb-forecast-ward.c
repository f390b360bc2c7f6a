/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-forecast-ward.c: one ward's occupancy history joined to its forecast,
 * the alarms computed from them, and the loader that fills them from the
 * API client's answers (hospital, forecast, occupancy). */
#define G_LOG_DOMAIN "bb-forecast-ward"

#include "config.h"

#include "bb-forecast-ward.h"

#include <math.h>

#include <glib/gi18n.h>

#include "bb-api-client.h"
#include "bb-client-context.h"

#define HISTORY_SECONDS (30 * 24 * 3600)

BbForecastWard *
bb_forecast_ward_new (gint64      ward_id,
                      const char *name,
                      const char *kind,
                      const char *model,
                      guint       capacity,
                      gint64      now)
{
  BbForecastWard *ward = g_new0 (BbForecastWard, 1);

  ward->ward_id = ward_id;
  ward->name = g_strdup (name != NULL ? name : "");
  ward->kind = g_strdup (kind);
  ward->model = g_strdup (model);
  ward->capacity = capacity;
  ward->now = now;
  ward->history = g_array_new (FALSE, TRUE, sizeof (BbForecastSample));
  ward->forecast = g_array_new (FALSE, TRUE, sizeof (BbForecastBand));
  return ward;
}

void
bb_forecast_ward_free (BbForecastWard *ward)
{
  if (ward == NULL)
    return;
  g_free (ward->name);
  g_free (ward->kind);
  g_free (ward->model);
  g_free (ward->unavailable);
  g_clear_pointer (&ward->history, g_array_unref);
  g_clear_pointer (&ward->forecast, g_array_unref);
  g_free (ward);
}

/* ---- Alarms ---- */

/* The first time the series (median or p90) reaches level beds, linearly
 * between the point before and the point at; -1 when it never does.
 * *at_start says whether the first point is already there. */
static gint64
first_reach (const BbForecastWard *ward,
             gboolean              upper,
             double                beds,
             gboolean             *at_start)
{
  const BbForecastBand *p = (const BbForecastBand *) ward->forecast->data;
  guint n = ward->forecast->len;

  *at_start = FALSE;
  for (guint i = 0; i < n; i++)
    {
      double v = upper ? p[i].p90 : p[i].median;
      double prev;
      double f;

      /* A tiny tolerance so 17 of 20 beds counts as reaching 85%. */
      if (v < beds - 1e-9)
        continue;
      if (i == 0)
        {
          *at_start = TRUE;
          return p[0].time;
        }
      prev = upper ? p[i - 1].p90 : p[i - 1].median;
      f = v > prev ? (beds - prev) / (v - prev) : 1.0;
      f = CLAMP (f, 0.0, 1.0);
      /* To the minute: the forecast is 6-hourly, finer would be pretence. */
      return (gint64) (llround ((p[i - 1].time + f * (p[i].time - p[i - 1].time)) / 60.0) * 60);
    }
  return -1;
}

static int
compare_alarms (gconstpointer a,
                gconstpointer b)
{
  const BbForecastAlarm *x = *(const BbForecastAlarm * const *) a;
  const BbForecastAlarm *y = *(const BbForecastAlarm * const *) b;

  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  if (x->level != y->level)
    return x->level > y->level ? -1 : 1;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return g_utf8_collate (x->ward_name, y->ward_name);
}

GPtrArray *
bb_forecast_alarms_compute (GPtrArray *wards)
{
  static const double levels[] = { BB_FORECAST_ALARM_CRITICAL, BB_FORECAST_ALARM_WARNING };
  GPtrArray *alarms = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (wards != NULL, alarms);

  for (guint w = 0; w < wards->len; w++)
    {
      const BbForecastWard *ward = g_ptr_array_index (wards, w);

      if (ward->capacity == 0 || ward->forecast->len == 0)
        continue;
      for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
        {
          double beds = levels[l] * ward->capacity;
          BbForecastAlarm alarm = { ward->ward_id, ward->name, levels[l], BB_FORECAST_ALARM_MEDIAN, -1 };
          gboolean at_start = FALSE;

          alarm.at = first_reach (ward, FALSE, beds, &at_start);
          if (alarm.at >= 0 && at_start)
            alarm.kind = BB_FORECAST_ALARM_NOW;
          else if (alarm.at < 0)
            {
              alarm.kind = BB_FORECAST_ALARM_UPPER;
              alarm.at = first_reach (ward, TRUE, beds, &at_start);
            }
          if (alarm.at >= 0)
            g_ptr_array_add (alarms, g_memdup2 (&alarm, sizeof alarm));
        }
    }
  g_ptr_array_sort (alarms, compare_alarms);
  return alarms;
}

char *
bb_forecast_alarm_describe (const BbForecastAlarm *alarm,
                            gint64                 now,
                            GTimeZone             *tz)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *day = NULL;
  g_autofree char *clock = NULL;
  int percent;

  g_return_val_if_fail (alarm != NULL, NULL);

  percent = (int) round (alarm->level * 100.0);
  if (alarm->kind == BB_FORECAST_ALARM_NOW)
    /* TRANSLATORS: a ward and an alarm line, e.g. "ICU is at or over 92% now" */
    return g_strdup_printf (_("%s is at or over %d%% now"), alarm->ward_name, percent);

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();
  when = g_date_time_new_from_unix_utc (alarm->at);
  if (when == NULL)
    return g_strdup (alarm->ward_name);
  {
    g_autoptr(GDateTime) in_tz = g_date_time_to_timezone (when, tz);

    g_clear_pointer (&when, g_date_time_unref);
    when = g_steal_pointer (&in_tz);
  }
  /* A weekday alone is ambiguous beyond a week. */
  day = g_date_time_format (when, alarm->at - now > 6 * 24 * 3600 ? "%a %-d %b" : "%a");
  clock = g_date_time_format (when, "%H:%M");

  if (alarm->kind == BB_FORECAST_ALARM_MEDIAN)
    /* TRANSLATORS: ward, alarm line in percent, day, time:
     * "ICU crosses 92% on Tue around 06:00 (median)" */
    return g_strdup_printf (_("%s crosses %d%% on %s around %s (median)"),
                            alarm->ward_name, percent, day, clock);
  /* TRANSLATORS: ward, alarm line in percent, day, time:
   * "ICU may cross 92% from Tue around 06:00 (1 in 10)" */
  return g_strdup_printf (_("%s may cross %d%% from %s around %s (1 in 10)"),
                          alarm->ward_name, percent, day, clock);
}

/* ---- Loading ---- */

typedef struct
{
  gint64     hospital_id;
  GPtrArray *wards;      /* BbWard from the hospital */
  GPtrArray *forecast;   /* BbWardForecastEntry */
  GPtrArray *result;     /* BbForecastWard */
} LoadData;

static void
load_data_free (LoadData *d)
{
  g_clear_pointer (&d->wards, g_ptr_array_unref);
  g_clear_pointer (&d->forecast, g_ptr_array_unref);
  g_clear_pointer (&d->result, g_ptr_array_unref);
  g_free (d);
}

static const BbWardForecastEntry *
find_entry (GPtrArray *entries,
            gint64     ward_id)
{
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const BbWardForecastEntry *e = g_ptr_array_index (entries, i);

      if (e->ward_id == ward_id)
        return e;
    }
  return NULL;
}

/* Forecast points in occupied beds: occupied = capacity - free, so the 10%
 * band edge of occupancy is the 90th percentile of free beds. The median is
 * taken from free_mean: the forecast is a Poisson-binomial count (less a
 * Poisson count of arrivals), whose median lies within about a bed of its
 * mean. */
static void
fill_forecast (BbForecastWard            *ward,
               const BbWardForecastEntry *entry,
               gint64                     now)
{
  const BbWardForecastPoint *points;
  guint n = 0;
  guint capacity;

  if (entry->forecast == NULL)
    {
      ward->unavailable = g_strdup (entry->unavailable != NULL ? entry->unavailable
                                                               : _("no forecast for this ward"));
      return;
    }
  capacity = bb_ward_forecast_get_capacity (entry->forecast);
  if (capacity > 0)
    ward->capacity = capacity;
  points = bb_ward_forecast_get_points (entry->forecast, &n);
  for (guint i = 0; i < n; i++)
    {
      BbForecastBand band;

      band.time = now + (gint64) llround (points[i].t_hours * 3600.0);
      band.median = CLAMP (ward->capacity - points[i].free_mean, 0.0, (double) ward->capacity);
      band.p10 = CLAMP ((double) ward->capacity - points[i].free_p90, 0.0, (double) ward->capacity);
      band.p90 = CLAMP ((double) ward->capacity - points[i].free_p10, 0.0, (double) ward->capacity);
      g_array_append_val (ward->forecast, band);
    }
}

static void
on_occupancy_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;

  series = bb_api_client_get_occupancy_finish (BB_API_CLIENT (source), result, &error);
  if (series == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < series->len; i++)
    {
      const BbOccupancySeries *s = g_ptr_array_index (series, i);

      for (guint w = 0; w < d->result->len; w++)
        {
          BbForecastWard *ward = g_ptr_array_index (d->result, w);

          if (ward->ward_id != s->ward_id)
            continue;
          for (guint p = 0; p < s->n_points; p++)
            {
              BbForecastSample sample = { s->points[p].t, s->points[p].occupied, s->points[p].capacity };

              g_array_append_val (ward->history, sample);
            }
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&d->result), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_forecast_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 now;

  d->forecast = bb_api_client_get_forecast_finish (BB_API_CLIENT (source), result, &error);
  if (d->forecast == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The server's clock (which a simulation runs fast) decides where the
   * history ends and the forecast begins. */
  now = d->forecast->len > 0 ? ((BbWardForecastEntry *) g_ptr_array_index (d->forecast, 0))->at : 0;
  if (now <= 0)
    now = g_get_real_time () / G_USEC_PER_SEC;

  d->result = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_forecast_ward_free);
  for (guint i = 0; i < d->wards->len; i++)
    {
      const BbWard *w = g_ptr_array_index (d->wards, i);
      const BbWardForecastEntry *entry = find_entry (d->forecast, w->id);
      BbForecastWard *ward = bb_forecast_ward_new (w->id, w->name, w->kind, w->model,
                                                   w->beds.total - MIN (w->beds.closed, w->beds.total),
                                                   now);

      if (entry != NULL)
        fill_forecast (ward, entry, now);
      else
        ward->unavailable = g_strdup (_("the server sent no forecast for this ward"));
      g_ptr_array_add (d->result, ward);
    }

  bb_api_client_get_occupancy_async (BB_API_CLIENT (source), d->hospital_id,
                                     now - HISTORY_SECONDS, now, "6h", 0,
                                     g_task_get_cancellable (task), on_occupancy_cb,
                                     g_object_ref (task));
}

static void
on_hospital_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospital) hospital = NULL;

  hospital = bb_api_client_get_hospital_finish (BB_API_CLIENT (source), result, &d->wards, &error);
  if (hospital == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (d->wards == NULL)
    d->wards = g_ptr_array_new ();
  /* With the patients expected to arrive: without them the occupancy
   * forecast only falls as the present patients leave, and no alarm line is
   * ever crossed later than now. */
  bb_api_client_get_forecast_with_arrivals_async (BB_API_CLIENT (source), d->hospital_id,
                                                  g_task_get_cancellable (task), on_forecast_cb,
                                                  g_object_ref (task));
}

void
bb_forecast_wards_load_async (BbClientContext     *context,
                              gint64               hospital_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *d;

  g_return_if_fail (BB_IS_CLIENT_CONTEXT (context));

  task = g_task_new (context, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_forecast_wards_load_async);
  d = g_new0 (LoadData, 1);
  d->hospital_id = hospital_id;
  g_task_set_task_data (task, d, (GDestroyNotify) load_data_free);
  bb_api_client_get_hospital_async (bb_client_context_get_api (context), hospital_id, cancellable,
                                    on_hospital_cb, g_steal_pointer (&task));
}

GPtrArray *
bb_forecast_wards_load_finish (BbClientContext  *context,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, context), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
