/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-forecast-page.h: the admin's forecast page: per ward of the chosen
 * hospital, the last 30 days of occupancy joined to the 14-day forecast as
 * a fan chart with the 85% and 92% alarm lines; the wards that will cross
 * them and when; the model panel; PDF and CSV export. */
#pragma once

#include <gtk/gtk.h>

#include "bb-model-panel.h"
#include "bb-page.h"

G_BEGIN_DECLS

#define BB_TYPE_FORECAST_PAGE (bb_forecast_page_get_type ())
G_DECLARE_FINAL_TYPE (BbForecastPage, bb_forecast_page, BB, FORECAST_PAGE, GtkWidget)

/* For tests: what the page shows now. */
gint64        bb_forecast_page_get_hospital_id  (BbForecastPage *self);
/* BbForecastWard of the hospital shown (transfer none), NULL before loading. */
GPtrArray    *bb_forecast_page_get_wards        (BbForecastPage *self);
/* The fan charts shown (one per ward with data). */
guint         bb_forecast_page_get_n_charts     (BbForecastPage *self);
/* The alarm list's sentences (transfer none, GListModel of GtkStringObject). */
GListModel   *bb_forecast_page_get_alarms       (BbForecastPage *self);
BbModelPanel *bb_forecast_page_get_model_panel  (BbForecastPage *self);
/* What the export buttons do once the file is chosen: the PDF or the CSV
 * written in a worker thread. */
void          bb_forecast_page_export_async     (BbForecastPage      *self,
                                                 gboolean             pdf,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      bb_forecast_page_export_finish    (BbForecastPage      *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* The same, synchronously. */
gboolean      bb_forecast_page_export_csv       (BbForecastPage *self,
                                                 const char     *path,
                                                 GError        **error);
gboolean      bb_forecast_page_export_pdf       (BbForecastPage *self,
                                                 const char     *path,
                                                 GError        **error);

G_END_DECLS
