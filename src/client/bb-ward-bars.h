/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-ward-bars.h: one stacked bar per ward showing its beds by state:
 * occupied, reserved, cleaning, closed and free. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  BB_WARD_BARS_OCCUPIED,
  BB_WARD_BARS_RESERVED,
  BB_WARD_BARS_CLEANING,
  BB_WARD_BARS_CLOSED,
  BB_WARD_BARS_FREE,
  BB_WARD_BARS_N_STATES
} BbWardBarsState;

/* A ward's beds by state; the total is the sum. */
typedef struct
{
  const char *ward_name;
  guint       beds[BB_WARD_BARS_N_STATES];
} BbWardBarCounts;

#define BB_TYPE_WARD_BARS (bb_ward_bars_get_type ())

G_DECLARE_FINAL_TYPE (BbWardBars, bb_ward_bars, BB, WARD_BARS, GtkWidget)

GtkWidget  *bb_ward_bars_new             (void);
void        bb_ward_bars_set_wards       (BbWardBars            *self,
                                          const BbWardBarCounts *wards,
                                          gsize                  n_wards);
const char *bb_ward_bars_get_description (BbWardBars            *self);
gboolean    bb_ward_bars_hover           (BbWardBars            *self,
                                          double                 x,
                                          double                 y);
const char *bb_ward_bars_get_hover_text  (BbWardBars            *self);

const char *bb_ward_bars_state_name      (BbWardBarsState        state);
char       *bb_ward_bars_describe        (const BbWardBarCounts *wards,
                                          gsize                  n_wards);

G_END_DECLS
