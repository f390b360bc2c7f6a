/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-api-records.c: freeing the client-only API records. */
#define G_LOG_DOMAIN "bb-api"

#include "config.h"

#include "bb-api-records.h"

void
bb_occupancy_series_free (BbOccupancySeries *series)
{
  if (series == NULL)
    return;
  g_free (series->points);
  g_free (series);
}

void
bb_ward_forecast_entry_free (BbWardForecastEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->model_name);
  g_free (entry->model_version);
  g_free (entry->unavailable);
  g_clear_pointer (&entry->forecast, bb_ward_forecast_free);
  g_free (entry);
}

void
bb_model_info_free (BbModelInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->version);
  g_free (info->created_at);
  g_free (info->target);
  g_free (info);
}

void
bb_retrain_status_free (BbRetrainStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->model);
  g_free (status->state);
  g_free (status->stage);
  g_free (status->error);
  g_clear_pointer (&status->result, json_object_unref);
  g_free (status);
}

void
bb_login_free (BbLogin *login)
{
  if (login == NULL)
    return;
  g_free (login->token);
  g_clear_pointer (&login->user, bb_user_free);
  g_free (login);
}

void
bb_discharge_free (BbDischarge *discharge)
{
  if (discharge == NULL)
    return;
  g_clear_pointer (&discharge->admission, bb_admission_free);
  g_free (discharge->ward_stays);
  g_free (discharge);
}
