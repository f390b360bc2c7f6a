/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-client-types.h: forward typedefs of the client's objects, and the GType
 * of the core's BbRole so pages can declare a "min-role" property. */
#pragma once

#include <glib-object.h>

#include "bb-records.h"

G_BEGIN_DECLS

typedef struct _BbApiClient       BbApiClient;
typedef struct _BbApplication     BbApplication;
typedef struct _BbBedItem         BbBedItem;
typedef struct _BbBedList         BbBedList;
typedef struct _BbClientContext   BbClientContext;
typedef struct _BbHospitalItem    BbHospitalItem;
typedef struct _BbHospitalList    BbHospitalList;
typedef struct _BbLiveEvents      BbLiveEvents;
typedef struct _BbPage            BbPage;
typedef struct _BbSession         BbSession;
typedef struct _BbSnapshotCache   BbSnapshotCache;
typedef struct _BbWardItem        BbWardItem;
typedef struct _BbWindow          BbWindow;

#define BB_TYPE_ROLE (bb_role_get_type ())
GType bb_role_get_type (void) G_GNUC_CONST;

G_END_DECLS
