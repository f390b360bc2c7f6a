/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-records.c: the vocabulary of the hospital records (bed statuses, roles,
 * booking statuses, ward kinds), which bed moves staff may make by hand, the
 * ISO 8601 time helpers and the destructors of the record structs. */
#define G_LOG_DOMAIN "bb-core"

#include "config.h"

#include "bb-records.h"

typedef struct
{
  const char *kind;
  const char *model;
} WardKind;

/* Intensive care kinds are forecast with the ICU model (trained on eICU unit
 * stays); every other ward with the general ward model (SPARCS stays). */
static const WardKind ward_kinds[] = {
  { "icu",            "icu-los" },
  { "picu",           "icu-los" },
  { "nicu",           "icu-los" },
  { "ccu",            "icu-los" },
  { "hdu",            "icu-los" },
  { "general",        "ward-los" },
  { "surgical",       "ward-los" },
  { "pediatric",      "ward-los" },
  { "maternity",      "ward-los" },
  { "cardiac",        "ward-los" },
  { "oncology",       "ward-los" },
  { "orthopedic",     "ward-los" },
  { "neurology",      "ward-los" },
  { "geriatric",      "ward-los" },
  { "psychiatric",    "ward-los" },
  { "rehabilitation", "ward-los" },
};

gboolean
bb_bed_status_from_string (const char  *s,
                           BbBedStatus *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (s == NULL || s[0] == '\0' || s[1] != '\0')
    return FALSE;

  switch (s[0])
    {
    case 'U': case 'O': case 'H': case 'C': case 'I': case 'K':
      *out = (BbBedStatus) s[0];
      return TRUE;
    default:
      return FALSE;
    }
}

const char *
bb_bed_status_to_string (BbBedStatus status)
{
  switch (status)
    {
    case BB_BED_STATUS_UNOCCUPIED:   return "U";
    case BB_BED_STATUS_OCCUPIED:     return "O";
    case BB_BED_STATUS_HOUSEKEEPING: return "H";
    case BB_BED_STATUS_CLOSED:       return "C";
    case BB_BED_STATUS_ISOLATED:     return "I";
    case BB_BED_STATUS_CONTAMINATED: return "K";
    default:                         return NULL;
    }
}

static gboolean
bed_status_is_valid (BbBedStatus status)
{
  return bb_bed_status_to_string (status) != NULL;
}

gboolean
bb_bed_status_can_transition (BbBedStatus   from,
                              BbBedStatus   to,
                              const char  **reason)
{
  const char *why = NULL;

  if (!bed_status_is_valid (from) || !bed_status_is_valid (to))
    why = "unknown bed status";
  else if (from == to)
    why = "the bed already has this status";
  else if (to == BB_BED_STATUS_OCCUPIED)
    why = "a bed becomes occupied only through an admission";
  else if (from == BB_BED_STATUS_OCCUPIED)
    why = "an occupied bed is freed only by discharging or transferring its patient";
  else if (from == BB_BED_STATUS_CONTAMINATED && to == BB_BED_STATUS_UNOCCUPIED)
    why = "a contaminated bed must be cleaned (H) before it is free again";

  if (reason != NULL)
    *reason = why;

  return why == NULL;
}

gboolean
bb_role_from_string (const char *s,
                     BbRole     *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (g_strcmp0 (s, "family") == 0)
    *out = BB_ROLE_FAMILY;
  else if (g_strcmp0 (s, "staff") == 0)
    *out = BB_ROLE_STAFF;
  else if (g_strcmp0 (s, "admin") == 0)
    *out = BB_ROLE_ADMIN;
  else if (g_strcmp0 (s, "none") == 0)
    *out = BB_ROLE_NONE;
  else
    return FALSE;

  return TRUE;
}

const char *
bb_role_to_string (BbRole role)
{
  switch (role)
    {
    case BB_ROLE_NONE:   return "none";
    case BB_ROLE_FAMILY: return "family";
    case BB_ROLE_STAFF:  return "staff";
    case BB_ROLE_ADMIN:  return "admin";
    default:             return NULL;
    }
}

static const char * const booking_statuses[] = {
  [BB_BOOKING_HELD]      = "held",
  [BB_BOOKING_CONFIRMED] = "confirmed",
  [BB_BOOKING_ADMITTED]  = "admitted",
  [BB_BOOKING_CANCELLED] = "cancelled",
  [BB_BOOKING_EXPIRED]   = "expired",
};

gboolean
bb_booking_status_from_string (const char      *s,
                               BbBookingStatus *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (s == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (booking_statuses); i++)
    {
      if (g_str_equal (s, booking_statuses[i]))
        {
          *out = (BbBookingStatus) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
bb_booking_status_to_string (BbBookingStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (booking_statuses))
    return NULL;

  return booking_statuses[status];
}

gboolean
bb_ward_kind_is_valid (const char *kind)
{
  return bb_ward_kind_model (kind) != NULL;
}

const char *
bb_ward_kind_model (const char *kind)
{
  if (kind == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ward_kinds); i++)
    {
      if (g_str_equal (kind, ward_kinds[i].kind))
        return ward_kinds[i].model;
    }

  return NULL;
}

char *
bb_time_to_iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    return NULL;

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
bb_time_from_iso8601 (const char *iso,
                      gint64     *out_unix_seconds)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (out_unix_seconds != NULL, FALSE);

  if (iso == NULL || *iso == '\0')
    return FALSE;

  /* A time without a zone is read as UTC, the API's only zone. */
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt == NULL)
    return FALSE;

  *out_unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

void
bb_hospital_free (BbHospital *h)
{
  if (h == NULL)
    return;

  g_free (h->name);
  g_free (h->address);
  g_free (h->phone);
  g_free (h);
}

void
bb_ward_free (BbWard *w)
{
  if (w == NULL)
    return;

  g_free (w->name);
  g_free (w->kind);
  g_free (w->model);
  g_free (w);
}

void
bb_bed_free (BbBed *b)
{
  if (b == NULL)
    return;

  g_free (b->label);
  g_strfreev (b->tags);
  g_clear_pointer (&b->features, json_object_unref);
  g_free (b);
}

void
bb_admission_free (BbAdmission *a)
{
  if (a == NULL)
    return;

  g_free (a->patient_ref);
  g_clear_pointer (&a->features, json_object_unref);
  g_free (a);
}

void
bb_booking_free (BbBooking *b)
{
  if (b == NULL)
    return;

  g_free (b->patient_ref);
  g_clear_pointer (&b->features, json_object_unref);
  g_free (b->forecast_model);
  g_free (b->forecast_version);
  g_free (b);
}

void
bb_enquiry_free (BbEnquiry *e)
{
  if (e == NULL)
    return;

  g_free (e->name);
  g_free (e->contact);
  g_free (e->message);
  g_free (e->status);
  g_free (e->reply);
  g_free (e);
}

void
bb_user_free (BbUser *u)
{
  if (u == NULL)
    return;

  g_free (u->email);
  g_free (u->name);
  g_free (u);
}

void
bb_event_free (BbEvent *e)
{
  if (e == NULL)
    return;

  g_free (e->type);
  g_free (e);
}
