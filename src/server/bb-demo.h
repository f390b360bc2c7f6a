/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-demo.h: the embedded demo network (bedboard-server --demo) and the
 * simulation clock that keeps it moving (--simulate SPEED). */
#pragma once

#include <glib.h>

#include "bb-store.h"

G_BEGIN_DECLS

/* On an empty store: >= 3 hospitals (real-looking names, addresses,
 * coordinates, phones), >= 400 beds across ward kinds icu, general,
 * surgical, pediatric, maternity, cardiac (ICU kinds -> model icu-los, else
 * ward-los), 30 days of admission history, ~80% current occupancy, and the
 * demo users admin@demo.bedboard, staff@demo.bedboard, family@demo.bedboard
 * with the given password.
 *
 * Patients are resampled from the real stays under shared_data_dir when it
 * has them (eICU for ICU wards, SPARCS for the others), else sampled from
 * the aggregate statistics of the model cards in models_dir. Does nothing
 * (returns TRUE) when the store already has hospitals. */
gboolean          bb_demo_populate          (BbStore     *store,
                                             const char  *models_dir,
                                             const char  *shared_data_dir, /* nullable */
                                             const char  *password,
                                             guint32      seed,
                                             GError     **error);

/* Simulation clock: every real second advances `speed` simulated seconds
 * (speed 60 = one simulated minute per second); admits (from synthetic
 * bookings and arrivals), discharges when a stay's hidden length is up (bed
 * -> H), and cleans (H -> U after 1-2 simulated hours). The store's clock
 * follows the simulated time while it runs. Runs on the thread-default
 * GMainContext via a GLib timeout. */
typedef struct _BbDemoSimulation BbDemoSimulation;

BbDemoSimulation *bb_demo_simulation_start  (BbStore          *store,
                                             double            speed,
                                             guint32           seed);
void              bb_demo_simulation_stop   (BbDemoSimulation *sim);
/* Runs one step at once, as if `real_seconds` had passed (tests). */
void              bb_demo_simulation_step   (BbDemoSimulation *sim,
                                             double            real_seconds);
gint64            bb_demo_simulation_now    (BbDemoSimulation *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbDemoSimulation, bb_demo_simulation_stop)

G_END_DECLS
