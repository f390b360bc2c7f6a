/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-version.h: the version of libbedboard-core, for logs and /health. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *bb_version_string (void);

G_END_DECLS
