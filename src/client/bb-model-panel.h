/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-model-panel.h: the forecast page's panel on the length-of-stay models:
 * for each model the server offers, its version and its model card's test
 * numbers; the hospital's recent discharges predicted locally (worker
 * thread) against what really happened, as a scatter with MAE and 80%
 * interval coverage; and a retrain button with a progress bar fed by the
 * live "model" events (and polling while they are not connected) that
 * shows the result: new against old MAE, swapped or not and why. */
#pragma once

#include <gtk/gtk.h>

#include "bb-client-types.h"
#include "bb-forecast-ward.h"

G_BEGIN_DECLS

#define BB_TYPE_MODEL_PANEL (bb_model_panel_get_type ())
G_DECLARE_FINAL_TYPE (BbModelPanel, bb_model_panel, BB, MODEL_PANEL, GtkWidget)

GtkWidget  *bb_model_panel_new               (void);
void        bb_model_panel_set_context       (BbModelPanel    *self,
                                              BbClientContext *context);
/* Loads the models and checks them on the hospital's discharges of the last
 * 30 days; wards (BbForecastWard) say which ward uses which model. */
void        bb_model_panel_load              (BbModelPanel    *self,
                                              gint64           hospital_id,
                                              GPtrArray       *wards);
/* "loaded": TRUE once the models and the check are shown (or failed). */
gboolean    bb_model_panel_get_loaded        (BbModelPanel    *self);
/* The panel's numbers as sentences, one per line (for the PDF report).
 * transfer full, char*. */
GPtrArray  *bb_model_panel_get_summary_lines (BbModelPanel    *self);
/* The version shown for a model, NULL when not shown. */
const char *bb_model_panel_get_version       (BbModelPanel    *self,
                                              const char      *model);
/* How many recent discharges were checked for a model (0 if none). */
guint       bb_model_panel_get_n_checked     (BbModelPanel    *self,
                                              const char      *model);

G_END_DECLS
