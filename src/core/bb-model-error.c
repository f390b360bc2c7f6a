/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-model-error.c: the BB_MODEL_ERROR quark. */
#define G_LOG_DOMAIN "bb-model"

#include "config.h"

#include "bb-model-error.h"

G_DEFINE_QUARK (bb-model-error-quark, bb_model_error)
