/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-forecast-report.h: the forecast page as files: a PDF (cairo's PDF
 * surface: a summary page with the alarms and the models' numbers, then
 * the fan chart of every ward, three to a page) and the occupancy series as
 * CSV. Pure cairo and GLib, so both writers are tested without a display.
 * Files are written to a temporary name and renamed: a failed export never
 * leaves half a file. */
#pragma once

#include <glib.h>

#include "bb-forecast-ward.h"

G_BEGIN_DECLS

typedef struct
{
  const char *hospital_name;
  gint64      generated_at;  /* Unix seconds, printed in tz */
  GTimeZone  *tz;            /* NULL: local time */
  GPtrArray  *wards;         /* BbForecastWard */
  GPtrArray  *alarm_lines;   /* char*, e.g. "ICU crosses 92% on Tue around 06:00 (median)"; may be NULL */
  GPtrArray  *model_lines;   /* char*, the model panel's numbers; may be NULL */
} BbForecastReport;

/* "ward,time,occupied,capacity" then one line per history sample of every
 * ward, time in ISO 8601 UTC; names quoted as RFC 4180 says when needed. */
char     *bb_forecast_report_to_csv      (GPtrArray              *wards);
gboolean  bb_forecast_report_write_csv   (GPtrArray              *wards,
                                          const char             *path,
                                          GError                **error);
/* Pages: one summary page, then one page per three wards that have history
 * or a forecast. */
guint     bb_forecast_report_count_pages (const BbForecastReport *report);
gboolean  bb_forecast_report_write_pdf   (const BbForecastReport *report,
                                          const char             *path,
                                          GError                **error);

G_END_DECLS
