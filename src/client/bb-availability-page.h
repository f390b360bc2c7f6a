/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-availability-page.h: the page everyone sees, logged in or not: the
 * hospitals with their free beds by ward kind and when they last changed,
 * nearest first once the user gives a location ("lat, lon" or a town of the
 * demo region), filtered by ward kind. Choosing a hospital opens its detail
 * (BbHospitalDetail) beside the list, or over it in a narrow window. Counts
 * change in place as live bed events arrive; offline the window's banner
 * says since when the snapshot shown is stale. */
#pragma once

#include <gtk/gtk.h>

#include "bb-hospital-detail.h"
#include "bb-page.h"

G_BEGIN_DECLS

#define BB_TYPE_AVAILABILITY_PAGE (bb_availability_page_get_type ())
G_DECLARE_FINAL_TYPE (BbAvailabilityPage, bb_availability_page, BB, AVAILABILITY_PAGE, GtkWidget)

#define BB_AVAILABILITY_ERROR (bb_availability_error_quark ())
typedef enum
{
  BB_AVAILABILITY_ERROR_INVALID_LOCATION,
} BbAvailabilityError;
GQuark            bb_availability_error_quark        (void);

/* The hospitals as the list shows them (filtered and sorted), of
 * BbHospitalItem. transfer none. */
GListModel       *bb_availability_page_get_hospitals (BbAvailabilityPage *self);
/* Sorts by distance from there (and keeps it in GSettings "location");
 * has_location FALSE: most free beds first. */
void              bb_availability_page_set_location  (BbAvailabilityPage *self,
                                                      gboolean            has_location,
                                                      double              latitude,
                                                      double              longitude);
gboolean          bb_availability_page_get_location  (BbAvailabilityPage *self,
                                                      double             *latitude,
                                                      double             *longitude);
/* Only hospitals with a ward of that kind ("icu", ...); NULL: all. */
void              bb_availability_page_set_kind      (BbAvailabilityPage *self,
                                                      const char         *kind);
const char       *bb_availability_page_get_kind      (BbAvailabilityPage *self);
/* Opens that hospital's detail; FALSE if it is not in the list. */
gboolean          bb_availability_page_show_hospital (BbAvailabilityPage *self,
                                                      gint64              hospital_id);
BbHospitalDetail *bb_availability_page_get_detail    (BbAvailabilityPage *self);

/* ---- pure helpers, tested without a display ---- */

/* "42.65, -73.75" (comma, semicolon or spaces between; a degree sign is
 * allowed) or the name of a preset town (case-insensitive). An empty text is
 * an error too: the caller treats it as "no location". */
gboolean          bb_availability_parse_location     (const char         *text,
                                                      double             *latitude,
                                                      double             *longitude,
                                                      GError            **error);
/* The preset towns: names (NULL-terminated, static, untranslated place
 * names) and their coordinates. */
const char      **bb_availability_get_preset_names   (void);
gboolean          bb_availability_lookup_preset      (const char         *name,
                                                      double             *latitude,
                                                      double             *longitude);
/* Great-circle distance in km. */
double            bb_availability_distance_km        (double              lat1,
                                                      double              lon1,
                                                      double              lat2,
                                                      double              lon2);
/* "just now", "5 min ago", "3 h ago", "2 days ago" for then, seen at now
 * (Unix seconds); "" when then is 0 (unknown). */
char             *bb_availability_format_age         (gint64              then,
                                                      gint64              now);
/* People's name of a ward kind: "ICU", "General", "Maternity" ... */
const char       *bb_availability_kind_label         (const char         *kind);
/* "12 beds free · ICU 2 · General 7" from the hospital's wards (its own
 * count alone until they are loaded). kind non-NULL: that kind first. */
char             *bb_availability_summarize          (BbHospitalItem     *hospital,
                                                      const char         *kind);

G_END_DECLS
