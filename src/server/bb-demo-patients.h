/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-demo-patients.h: where the demo network's patients come from. A pool of
 * stays (intake features + true length of stay) for one LOS model, filled
 * from the real data sets when they are at hand (eICU patient.csv for
 * icu-los, SPARCS discharges.csv.gz for ward-los), else sampled from the
 * aggregate statistics of the model card, else from a plain log-normal so
 * the demo still runs on a bare checkout. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _BbDemoPatients BbDemoPatients;

typedef enum
{
  BB_DEMO_PATIENTS_REAL,       /* resampled rows of the data set */
  BB_DEMO_PATIENTS_CARD,       /* synthetic, from the card's statistics */
  BB_DEMO_PATIENTS_FALLBACK,   /* synthetic, no card and no data */
} BbDemoPatientsOrigin;

/* model: "icu-los" or "ward-los". models_dir and shared_data_dir may be
 * NULL or missing folders. Fails only on a file that exists but cannot be
 * read or parsed. */
BbDemoPatients       *bb_demo_patients_load       (const char      *model,
                                                   const char      *models_dir,
                                                   const char      *shared_data_dir,
                                                   GRand           *rand,
                                                   GError         **error);
void                  bb_demo_patients_free       (BbDemoPatients  *self);
BbDemoPatientsOrigin  bb_demo_patients_origin     (BbDemoPatients  *self);
/* For people: e.g. "eICU patient.csv, 1992 stays". */
const char           *bb_demo_patients_describe   (BbDemoPatients  *self);
guint                 bb_demo_patients_size       (BbDemoPatients  *self);
double                bb_demo_patients_mean_los   (BbDemoPatients  *self);
/* The feature names the pool's features use (the card's, or the data set's
 * known-at-admission columns when there is no card). */
const char * const   *bb_demo_patients_feature_names (BbDemoPatients *self);
/* Draws one stay: a new reference to its features and its true LOS in days. */
void                  bb_demo_patients_sample     (BbDemoPatients  *self,
                                                   GRand           *rand,
                                                   JsonObject     **out_features,
                                                   double          *out_los_days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbDemoPatients, bb_demo_patients_free)

G_END_DECLS
