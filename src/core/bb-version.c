/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-version.c: the version of libbedboard-core. */
#define G_LOG_DOMAIN "bb-core"

#include "config.h"

#include "bb-version.h"

const char *
bb_version_string (void)
{
  return PACKAGE_VERSION;
}
