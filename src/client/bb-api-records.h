/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-api-records.h: answers of the API that have no record in the core
 * (bb-records.h): occupancy series, a ward's forecast, model and retrain
 * status, a login, a model card's test metrics. BbApiClient fills them;
 * pages read them. */
#pragma once

#include <glib-object.h>

#include <json-glib/json-glib.h>

#include "bb-los-card.h"
#include "bb-records.h"
#include "bb-ward-forecast.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  t;
  guint   occupied;
  guint   capacity;
} BbOccupancyPoint;

/* One ward's occupied beds over time (GET .../occupancy). */
typedef struct
{
  gint64            ward_id;
  BbOccupancyPoint *points;
  guint             n_points;
} BbOccupancySeries;

/* One ward's bed-release forecast (GET .../forecast). */
typedef struct
{
  gint64          ward_id;
  char           *model_name;     /* may be NULL */
  char           *model_version;  /* may be NULL */
  gint64          at;             /* when it was computed; 0 if not said */
  BbWardForecast *forecast;       /* NULL when the ward cannot be forecast */
  char           *unavailable;    /* then: why (the server's words); else NULL */
} BbWardForecastEntry;

/* A model the server offers (GET /api/v1/models). */
typedef struct
{
  char   *name;
  char   *version;
  char   *created_at;
  char   *target;       /* may be NULL */
} BbModelInfo;

/* A retrain of one model (POST/GET /api/v1/models/{name}/retrain). The
 * fields after finished_at come from the server's "result" object, which
 * only a finished retrain has. */
typedef struct
{
  char     *model;
  char     *state;            /* idle | running | done | failed */
  char     *stage;            /* what it is doing now, for people; may be NULL */
  double    progress;         /* 0..1 */
  char     *error;            /* why it failed; may be NULL */
  gint64    started_at;
  gint64    finished_at;
  gboolean  swapped;          /* done: the new model replaced the old one */
  double    mae_before;       /* held-out MAE of the model in use before, NAN when unknown */
  double    mae_after;        /* held-out MAE of the candidate, NAN when unknown */
  char     *version;          /* the candidate's version; may be NULL */
  char     *previous_version; /* the version in use before; may be NULL */
  gint64    held_out_stays;   /* stays the two MAEs were measured on; 0 when not said */
} BbRetrainStatus;

/* What a model card says about its held-out test (its "metrics" section's
 * "test" object): NAN, or 0 rows, for what it does not say. */
typedef struct
{
  double mae_days;
  double coverage_80;  /* share of stays inside the 80% interval, 0..1 */
  gint64 rows;
} BbModelTestMetrics;

/* A ward a finished admission lay in, from..to (GET .../discharges). */
typedef struct
{
  gint64 ward_id;
  gint64 from;
  gint64 to;
} BbWardStay;

/* A finished admission with the wards it lay in, oldest first. */
typedef struct
{
  BbAdmission *admission;
  BbWardStay  *ward_stays;
  guint        n_ward_stays;
} BbDischarge;

/* What a successful login gives. */
typedef struct
{
  char   *token;
  gint64  expires_at;
  BbUser *user;
} BbLogin;

void bb_occupancy_series_free    (BbOccupancySeries   *series);
void bb_ward_forecast_entry_free (BbWardForecastEntry *entry);
void bb_model_info_free          (BbModelInfo         *info);
void bb_retrain_status_free      (BbRetrainStatus     *status);
void bb_login_free               (BbLogin             *login);
void bb_discharge_free           (BbDischarge         *discharge);

void bb_model_test_metrics_from_card (BbLosCard          *card,
                                      BbModelTestMetrics *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbOccupancySeries, bb_occupancy_series_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbWardForecastEntry, bb_ward_forecast_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbModelInfo, bb_model_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbRetrainStatus, bb_retrain_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbLogin, bb_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbDischarge, bb_discharge_free)

G_END_DECLS
