/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-api-records.c: freeing the client-only API records, and reading a
 * model card's test metrics so that widgets need not read its JSON. */
#define G_LOG_DOMAIN "bb-api"

#include "config.h"

#include "bb-api-records.h"

#include <math.h>

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
  g_free (status->version);
  g_free (status->previous_version);
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

static double
test_number (JsonObject *test,
             const char *member)
{
  JsonNode *node = test != NULL ? json_object_get_member (test, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64: return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE: return json_node_get_double (node);
    default: return NAN;
    }
}

void
bb_model_test_metrics_from_card (BbLosCard          *card,
                                 BbModelTestMetrics *out)
{
  JsonObject *metrics;
  JsonNode *test = NULL;
  double rows;

  g_return_if_fail (card != NULL);
  g_return_if_fail (out != NULL);

  metrics = bb_los_card_get_section (card, "metrics");
  if (metrics != NULL)
    test = json_object_get_member (metrics, "test");
  if (test != NULL && !JSON_NODE_HOLDS_OBJECT (test))
    test = NULL;
  out->mae_days = test_number (test ? json_node_get_object (test) : NULL, "mae_days");
  out->coverage_80 = test_number (test ? json_node_get_object (test) : NULL, "coverage_80");
  rows = test_number (test ? json_node_get_object (test) : NULL, "rows");
  out->rows = isnan (rows) ? 0 : (gint64) rows;
}
