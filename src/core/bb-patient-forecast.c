/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-patient-forecast.c: see the header. */
#define G_LOG_DOMAIN "bb-patient-forecast"

#include "config.h"

#include "bb-patient-forecast.h"

#include <math.h>

gboolean
bb_patient_forecast_predict (BbLosModel         *model,
                             JsonObject * const *features,
                             guint               n,
                             double             *mu_out,
                             double             *sigma_out,
                             GError            **error)
{
  BbLosCard *card;
  guint nf;
  g_autofree float *rows = NULL;

  g_return_val_if_fail (BB_IS_LOS_MODEL (model), FALSE);
  g_return_val_if_fail (features != NULL || n == 0, FALSE);

  card = bb_los_model_get_card (model);
  nf = bb_los_card_get_n_features (card);
  rows = g_new (float, (gsize) MAX (n, 1) * MAX (nf, 1));
  for (guint i = 0; i < n; i++)
    {
      float *row = rows + (gsize) i * nf;

      if (features[i] == NULL ||
          !bb_los_card_encode_json (card, features[i], BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, row, NULL))
        for (guint j = 0; j < nf; j++)
          row[j] = NAN;
    }
  return n == 0 || bb_los_model_predict (model, rows, n, mu_out, sigma_out, error);
}

static guint
len_of (GPtrArray *array)
{
  return array != NULL ? array->len : 0;
}

BbWardForecast *
bb_patient_forecast_compute (BbLosModel                 *model,
                             const BbWardForecastParams *params,
                             GPtrArray                  *inpatients,
                             GPtrArray                  *holding,
                             GPtrArray                  *future,
                             gint64                      now,
                             GError                    **error)
{
  guint n_in = len_of (inpatients), n_hold = len_of (holding), n_booked = n_hold + len_of (future);
  guint n = n_in + n_booked;
  g_autofree JsonObject **features = g_new (JsonObject *, MAX (n, 1));
  g_autofree double *mu = g_new (double, MAX (n, 1));
  g_autofree double *sigma = g_new (double, MAX (n, 1));
  g_autofree BbForecastInpatient *in = g_new0 (BbForecastInpatient, MAX (n_in, 1));
  g_autofree BbForecastBooking *booked = g_new0 (BbForecastBooking, MAX (n_booked, 1));
  BbWardForecastParams prm;

  g_return_val_if_fail (BB_IS_LOS_MODEL (model), NULL);
  g_return_val_if_fail (params != NULL, NULL);

  /* inpatients, then the bookings holding a bed, then the future ones */
  for (guint i = 0; i < n_in; i++)
    features[i] = ((BbAdmission *) g_ptr_array_index (inpatients, i))->features;
  for (guint i = 0; i < n_booked; i++)
    features[n_in + i] = ((BbBooking *) (i < n_hold ? g_ptr_array_index (holding, i)
                                                    : g_ptr_array_index (future, i - n_hold)))->features;
  if (!bb_patient_forecast_predict (model, features, n, mu, sigma, error))
    return NULL;

  for (guint i = 0; i < n_in; i++)
    {
      const BbAdmission *a = g_ptr_array_index (inpatients, i);

      in[i].mu = mu[i];
      in[i].sigma = sigma[i];
      in[i].elapsed_days = MAX (now - a->admitted_at, 0) / 86400.0;
    }
  for (guint i = 0; i < n_booked; i++)
    {
      const BbBooking *b = i < n_hold ? g_ptr_array_index (holding, i) : g_ptr_array_index (future, i - n_hold);

      /* A held bed's patient arrives now; a future one at its start. */
      booked[i].start_hours = i < n_hold ? 0 : MAX (b->start - now, 0) / 3600.0;
      booked[i].mu = mu[n_in + i];
      booked[i].sigma = sigma[n_in + i];
    }

  prm = *params;
  prm.distribution = bb_los_model_get_distribution (model);
  prm.sigma = bb_los_model_get_scale (model);
  return bb_ward_forecast_compute (&prm, in, n_in, booked, n_booked, error);
}
