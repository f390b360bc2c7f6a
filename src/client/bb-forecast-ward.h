/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-forecast-ward.h: what the forecast page knows about one ward: its
 * occupancy over the last 30 days joined to the 14-day forecast in occupied
 * beds (median and 10-90% band), and the alarms computed from it: which
 * wards the median will take over 85% or 92% of their beds, and when.
 *
 * Plain data and pure functions (no widgets, no JSON), so the alarms and the
 * reports are tested without a display or a server; the loader fills them
 * from the API client's parsed answers. */
#pragma once

#include <gio/gio.h>

#include "bb-client-types.h"

G_BEGIN_DECLS

/* Occupied of capacity beds at time (Unix seconds). */
typedef struct
{
  gint64 time;
  guint  occupied;
  guint  capacity;
} BbForecastSample;

/* Forecast occupied beds at time: median and the 10th and 90th percentiles. */
typedef struct
{
  gint64 time;
  double median;
  double p10;
  double p90;
} BbForecastBand;

typedef struct
{
  gint64  ward_id;
  char   *name;
  char   *kind;
  char   *model;        /* icu-los | ward-los, may be NULL */
  guint   capacity;     /* beds that can take a patient (the forecast's), else the ward's */
  gint64  now;          /* the server's time of the forecast: where history ends */
  GArray *history;      /* BbForecastSample, ascending time */
  GArray *forecast;     /* BbForecastBand, ascending time; empty when unavailable */
  char   *unavailable;  /* why there is no forecast (the server's words), or NULL */
} BbForecastWard;

BbForecastWard *bb_forecast_ward_new  (gint64          ward_id,
                                       const char     *name,
                                       const char     *kind,
                                       const char     *model,
                                       guint           capacity,
                                       gint64          now);
void            bb_forecast_ward_free (BbForecastWard *ward);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbForecastWard, bb_forecast_ward_free)

#define BB_FORECAST_ALARM_WARNING  0.85
#define BB_FORECAST_ALARM_CRITICAL 0.92

typedef enum
{
  BB_FORECAST_ALARM_NOW,     /* the ward is at or over the line already */
  BB_FORECAST_ALARM_MEDIAN,  /* the median crosses the line at "at" */
  BB_FORECAST_ALARM_UPPER,   /* only the 90th percentile does: a 1-in-10 risk */
} BbForecastAlarmKind;

typedef struct
{
  gint64              ward_id;
  const char         *ward_name;  /* the ward's; valid while the ward is */
  double              level;      /* 0.85 or 0.92 */
  BbForecastAlarmKind kind;
  gint64              at;         /* when (for NOW: the forecast's time) */
} BbForecastAlarm;

/* Every alarm of the wards (BbForecastWard*), ordered by time, then by the
 * higher line first, then by ward name. Per ward and line one alarm: the
 * first of now, the median's crossing, the 90th percentile's crossing.
 * The time of a crossing is interpolated linearly between forecast points
 * and rounded to the minute. Elements are BbForecastAlarm (g_free). */
GPtrArray      *bb_forecast_alarms_compute  (GPtrArray             *wards);
/* "ICU crosses 92% on Tue around 06:00 (median)" in tz (NULL: local). Days
 * more than six days after now get the date too ("Tue 1 Dec"). */
char           *bb_forecast_alarm_describe  (const BbForecastAlarm *alarm,
                                             gint64                 now,
                                             GTimeZone             *tz);

/* Loads what the page shows for a hospital: its wards, the forecast
 * (14 days, 6-hourly) and the occupancy of the 30 days before the
 * forecast's time, 6-hourly, through the context's API client.
 * -> GPtrArray of BbForecastWard in the hospital's ward order. */
void            bb_forecast_wards_load_async  (BbClientContext      *context,
                                               gint64                hospital_id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray      *bb_forecast_wards_load_finish (BbClientContext      *context,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
