/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-model-error.h: the error domain of the length-of-stay model: reading
 * data tables, model cards, intake features and XGBoost itself. Codes map to
 * HTTP statuses in the server (INVALID_* and UNKNOWN_* are 400s). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BB_MODEL_ERROR (bb_model_error_quark ())

typedef enum
{
  BB_MODEL_ERROR_IO,               /* a file could not be read or written */
  BB_MODEL_ERROR_EMPTY,            /* a data file without a header or rows */
  BB_MODEL_ERROR_MALFORMED,        /* CSV syntax, ragged rows */
  BB_MODEL_ERROR_MISSING_COLUMN,   /* the card needs a column the data lacks */
  BB_MODEL_ERROR_UNKNOWN_CATEGORY, /* a categorical value the card does not list */
  BB_MODEL_ERROR_NOT_NUMERIC,      /* a numeric feature that does not parse */
  BB_MODEL_ERROR_OUT_OF_RANGE,     /* a numeric feature outside the card's limits */
  BB_MODEL_ERROR_MISSING_VALUE,    /* a required feature left blank */
  BB_MODEL_ERROR_INVALID_CARD,     /* a card that does not follow the format */
  BB_MODEL_ERROR_XGBOOST,          /* libxgboost reported an error */
  BB_MODEL_ERROR_INVALID_ARGUMENT, /* anything else the caller got wrong */
} BbModelError;

GQuark bb_model_error_quark (void);

G_END_DECLS
