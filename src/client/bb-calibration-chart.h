/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-calibration-chart.h: predicted against actual length of stay for
 * recent discharges, one dot per stay on log-scaled day axes with the
 * diagonal where prediction equals outcome; dots whose stay fell outside
 * the predicted 80% interval are marked. The summary (MAE, coverage) is a
 * pure function so it is tested without a display. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One stay: the predicted median and 80% interval, and what it was (days). */
typedef struct
{
  double predicted;
  double p10;
  double p90;
  double actual;
} BbCalibrationPoint;

typedef struct
{
  guint  n;
  double mae_days;   /* mean |predicted - actual| */
  double coverage;   /* share of stays with p10 <= actual <= p90 */
  double bias_days;  /* mean (predicted - actual): > 0 predicts too long */
} BbCalibrationSummary;

/* FALSE (and n = 0, NaNs) when there are no points. */
gboolean    bb_calibration_summarize          (const BbCalibrationPoint *points,
                                               gsize                     n_points,
                                               BbCalibrationSummary     *out);

#define BB_TYPE_CALIBRATION_CHART (bb_calibration_chart_get_type ())
G_DECLARE_FINAL_TYPE (BbCalibrationChart, bb_calibration_chart, BB, CALIBRATION_CHART, GtkWidget)

GtkWidget  *bb_calibration_chart_new             (void);
/* Copies the points; model_name names the chart in its description. */
void        bb_calibration_chart_set_points      (BbCalibrationChart       *self,
                                                  const char               *model_name,
                                                  const BbCalibrationPoint *points,
                                                  gsize                     n_points);
gsize       bb_calibration_chart_get_n_points    (BbCalibrationChart       *self);
const char *bb_calibration_chart_get_description (BbCalibrationChart       *self);
/* Hover at widget coordinates (what the pointer does): TRUE when a stay is
 * under it; its numbers are then the hover text. */
gboolean    bb_calibration_chart_hover           (BbCalibrationChart       *self,
                                                  double                    x,
                                                  double                    y);
const char *bb_calibration_chart_get_hover_text  (BbCalibrationChart       *self);

G_END_DECLS
