/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-probability-chart.h: the probability that a bed is free, over the next
 * days, as a curve from 0 to 1 with the 0.8 threshold line. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* P(at least one bed is free) at time (unix seconds). */
typedef struct
{
  gint64 time;
  double probability;
} BbProbabilityPoint;

#define BB_PROBABILITY_CHART_THRESHOLD 0.8

#define BB_TYPE_PROBABILITY_CHART (bb_probability_chart_get_type ())

G_DECLARE_FINAL_TYPE (BbProbabilityChart, bb_probability_chart, BB, PROBABILITY_CHART, GtkWidget)

GtkWidget  *bb_probability_chart_new             (void);
void        bb_probability_chart_set_points      (BbProbabilityChart       *self,
                                                  const BbProbabilityPoint *points,
                                                  gsize                     n_points);
const char *bb_probability_chart_get_description (BbProbabilityChart       *self);
gboolean    bb_probability_chart_hover           (BbProbabilityChart       *self,
                                                  double                    x,
                                                  double                    y);
const char *bb_probability_chart_get_hover_text  (BbProbabilityChart       *self);

gsize       bb_probability_chart_first_above     (const BbProbabilityPoint *points,
                                                  gsize                     n_points,
                                                  double                    threshold);
char       *bb_probability_chart_describe        (const BbProbabilityPoint *points,
                                                  gsize                     n_points);

G_END_DECLS
