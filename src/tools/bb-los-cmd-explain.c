/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-los-cmd-explain.c: `bedboard-los explain`: why the model predicts the
 * stay it does for one row, feature by feature.
 *
 * XGBoost's contributions (TreeSHAP) add up, with the bias, to mu, the
 * predicted ln(stay). The median is a fixed multiple of exp(mu) for every
 * AFT distribution, so each feature multiplies the median by exp(phi) exactly.
 * To say it in days, the change from the bias-only median m0 to the
 * predicted median m is shared out in proportion to the phi (the
 * logarithmic-mean split): days_i = (m - m0) * phi_i / sum(phi). These add
 * up to m - m0 exactly; as sum(phi) -> 0 they tend to m0 * phi_i. The
 * continuous median is used here, before rounding to whole days. */
#define G_LOG_DOMAIN "bb-los"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bb-los-commands.h"
#include "bb-los-model.h"

typedef struct
{
  guint  feature;
  double phi;
  double days;
} Contribution;

static int
compare_contribution (const void *a,
                      const void *b)
{
  const Contribution *x = a, *y = b;
  double dx = fabs (x->days), dy = fabs (y->days);

  if (dx != dy)
    return dx < dy ? 1 : -1;
  return (x->feature > y->feature) - (x->feature < y->feature);
}

int
bb_los_cmd_explain (int    argc,
                    char **argv)
{
  g_autofree char *model_path = NULL;
  gint64 row_number = 0;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model card", "CARD" },
    { "row", 0, 0, G_OPTION_ARG_INT64, &row_number, "Row to explain, 1 = first row below the header", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("INPUT.csv - explain one prediction");
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;
  g_autoptr(BbLosTable) table = NULL;
  g_autofree float *rows = NULL;
  g_autofree double *phi = NULL;
  g_autofree Contribution *contrib = NULL;
  BbLosCard *card;
  BbLosPrediction pred;
  BbAftDistribution dist;
  double mu = 0, sum = 0, sigma, m0, m;
  guint nf, n;
  const float *row;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("bedboard-los explain: %s\n", error->message);
      return 2;
    }
  if (model_path == NULL || argc != 2 || row_number < 1)
    {
      g_printerr ("Usage: bedboard-los explain --model CARD INPUT.csv --row N   (N >= 1)\n");
      return 2;
    }
  if ((model = bb_los_model_load (model_path, &error)) == NULL ||
      (table = bb_los_table_load (argv[1], &error)) == NULL)
    goto fail;
  n = bb_los_table_get_n_rows (table);
  if ((guint64) row_number > n)
    {
      g_printerr ("bedboard-los explain: %s has %u rows; there is no row %" G_GINT64_FORMAT "\n",
                  bb_los_table_get_name (table), n, row_number);
      return 1;
    }
  card = bb_los_model_get_card (model);
  nf = bb_los_card_get_n_features (card);
  rows = bb_los_card_encode_table (card, table, BB_LOS_ENCODE_OUT_OF_RANGE_AS_MISSING, &error);
  if (rows == NULL)
    goto fail;
  row = rows + (gsize) (row_number - 1) * nf;
  phi = g_new (double, nf + 1);
  if (!bb_los_model_contributions (model, row, phi, &error) ||
      !bb_los_model_predict (model, row, 1, &mu, &sigma, &error))
    goto fail;

  dist = bb_los_model_get_distribution (model);
  m0 = bb_aft_quantile (dist, phi[nf], sigma, 0.5);
  m = bb_aft_quantile (dist, mu, sigma, 0.5);
  contrib = g_new (Contribution, nf);
  for (guint j = 0; j < nf; j++)
    sum += phi[j];
  for (guint j = 0; j < nf; j++)
    {
      contrib[j].feature = j;
      contrib[j].phi = phi[j];
      contrib[j].days = fabs (sum) > 1e-9 ? (m - m0) * phi[j] / sum : m0 * phi[j];
    }
  qsort (contrib, nf, sizeof (Contribution), compare_contribution);

  bb_los_model_interval (model, mu, sigma, &pred);
  printf ("%s row %" G_GINT64_FORMAT ": median %.2f days (80%% interval %.2f to %.2f)\n",
          bb_los_table_get_name (table), row_number, pred.median_days, pred.p10_days, pred.p90_days);
  printf ("average patient (bias only): median %.2f days; this patient: %.2f days before rounding\n",
          m0, m);
  printf ("%-32s %-36s %10s %8s\n", "feature", "value", "days", "factor");
  for (guint k = 0; k < nf; k++)
    {
      const BbLosFeature *f = bb_los_card_get_feature (card, contrib[k].feature);
      int col = bb_los_table_find_column (table, f->name);
      const char *value = bb_los_table_get (table, row_number - 1, col);
      printf ("%-32s %-36.36s %+10.3f %7.3fx\n", f->name, *value ? value : "(missing)",
              contrib[k].days, exp (contrib[k].phi));
    }
  return 0;

fail:
  g_printerr ("bedboard-los explain: %s\n", error->message);
  return 1;
}
