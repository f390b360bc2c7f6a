/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store.c: the SQLite store keeps beds, bookings, admissions, accounts,
 * enquiries, audit and live events consistent, and the demo network is a
 * believable hospital network. */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bb-demo.h"
#include "bb-demo-patients.h"
#include "bb-records-json.h"
#include "bb-store.h"

#define T0 ((gint64) 1790000000) /* 2026-09-21T14:13:20Z, a fixed "now" */

typedef struct
{
  char    *dir;
  char    *path;
  BbStore *store;
  gint64   now;
  gint64   hospital;
  gint64   icu;
  gint64   general;
  gint64   icu_beds[2];
  gint64   general_beds[3];
  gint64   staff;
  gint64   family;
} Fixture;

static gint64
fixture_clock (gpointer data)
{
  return ((Fixture *) data)->now;
}

static BbStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  BbStore *store = bb_store_open (f->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  bb_store_set_clock (store, fixture_clock, f);
  return store;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *tags[] = { "oxygen", "ventilator", NULL };

  f->dir = g_dir_make_tmp ("bb-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "sub", "bedboard.db", NULL);
  f->now = T0;
  f->store = open_store (f);

  f->hospital = bb_store_create_hospital (f->store, 0, "Test General", "1 Main St", 42.0, -73.0, "555", &error);
  g_assert_no_error (error);
  f->icu = bb_store_create_ward (f->store, 0, f->hospital, "ICU", "icu", &error);
  g_assert_no_error (error);
  f->general = bb_store_create_ward (f->store, 0, f->hospital, "Ward A", "general", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *label = g_strdup_printf ("ICU-%u", i + 1);
      f->icu_beds[i] = bb_store_create_bed (f->store, 0, f->icu, label, tags, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *label = g_strdup_printf ("A-%u", i + 1);
      f->general_beds[i] = bb_store_create_bed (f->store, 0, f->general, label, NULL, &error);
      g_assert_no_error (error);
    }
  f->staff = bb_store_create_user (f->store, 0, "staff@test", "Staff", BB_ROLE_STAFF, "secret-staff", &error);
  g_assert_no_error (error);
  f->family = bb_store_create_user (f->store, 0, "family@test", "Family", BB_ROLE_FAMILY, "secret-family", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JsonObject *
features_of (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static BbBed *
find_bed (BbStore *store,
          gint64   hospital,
          gint64   bed_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) beds = bb_store_list_beds (store, hospital, 0, TRUE, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < beds->len; i++)
    {
      BbBed *b = g_ptr_array_index (beds, i);

      if (b->id == bed_id)
        return g_ptr_array_steal_index (beds, i);
    }

  g_assert_not_reached ();
  return NULL;
}

static guint
count_rows (BbStore    *store,
            const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  if (sqlite3_step (st) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

/* ---- schema ---- */

static void
test_migrations_apply_once_and_reopen (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hospitals = NULL;

  g_assert_cmpint (bb_store_schema_version (f->store), ==, 2);
  g_clear_object (&f->store);

  f->store = open_store (f);
  g_assert_cmpint (bb_store_schema_version (f->store), ==, 2);
  hospitals = bb_store_list_hospitals (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hospitals->len, ==, 1);
  g_assert_true (bb_store_integrity_check (f->store, &error));
  g_assert_no_error (error);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    /* Durability settings: write-ahead log on disk. */
    g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, "wal");
    sqlite3_finalize (st);
    sqlite3_close (db);
  }
}

static void
test_newer_schema_is_refused (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  BbStore *store;

  g_clear_object (&f->store);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = bb_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "newer"));
}

/* ---- public reads ---- */

static void
test_counts_add_up (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbHospital) h = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(GPtrArray) icu_only = NULL;

  g_assert_true (bb_store_set_bed_status (f->store, f->staff, f->general_beds[2], BB_BED_STATUS_CLOSED, &error));
  g_assert_true (bb_store_set_bed_status (f->store, f->staff, f->general_beds[1], BB_BED_STATUS_HOUSEKEEPING, &error));
  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P1", NULL, 0, &error);
  g_assert_no_error (error);

  h = bb_store_get_hospital (f->store, f->hospital, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (h->beds.total, ==, 5);
  g_assert_cmpuint (h->beds.free, ==, 2);
  g_assert_cmpuint (h->beds.reserved, ==, 1);
  g_assert_cmpuint (h->beds.cleaning, ==, 1);
  g_assert_cmpuint (h->beds.closed, ==, 1);
  g_assert_cmpuint (h->beds.occupied, ==, 0);
  g_assert_cmpuint (h->beds.free + h->beds.occupied + h->beds.reserved + h->beds.cleaning + h->beds.closed,
                    ==, h->beds.total);
  g_assert_cmpint (h->updated_at, ==, T0);

  wards = bb_store_list_wards (f->store, f->hospital, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wards->len, ==, 2);
  g_assert_cmpstr (((BbWard *) wards->pdata[0])->model, ==, "icu-los");
  g_assert_cmpstr (((BbWard *) wards->pdata[1])->model, ==, "ward-los");

  icu_only = bb_store_list_hospitals (f->store, "icu", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((BbHospital *) icu_only->pdata[0])->beds.total, ==, 2);

  g_assert_null (bb_store_list_hospitals (f->store, "spa", &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_get_hospital (f->store, 999, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (bb_store_error_http_status (error), ==, 404);
  g_assert_cmpstr (bb_store_error_code_string (error), ==, "not_found");
}

/* ---- bookings ---- */

static void
test_booking_holds_a_free_bed (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) features = features_of ("{\"age\": 70, \"gender\": \"Female\"}");
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbBed) bed = NULL;

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P-1", features, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (booking->status, ==, BB_BOOKING_HELD);
  g_assert_cmpint (booking->bed_id, ==, f->icu_beds[0]);
  g_assert_cmpint (booking->expires_at, ==, T0 + 120 * 60);
  g_assert_cmpint (booking->created_by, ==, f->staff);
  g_assert_cmpint (json_object_get_int_member (booking->features, "age"), ==, 70);

  bed = find_bed (f->store, f->hospital, f->icu_beds[0]);
  g_assert_true (bed->reserved);
  g_assert_cmpint (bed->status, ==, BB_BED_STATUS_UNOCCUPIED);

  /* The next booking takes the other bed, then the ward is full. */
  g_clear_pointer (&booking, bb_booking_free);
  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P-2", NULL, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpint (booking->bed_id, ==, f->icu_beds[1]);
  g_assert_cmpint (booking->expires_at, ==, T0 + 30 * 60);

  g_clear_pointer (&booking, bb_booking_free);
  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P-3", NULL, 0, &error);
  g_assert_null (booking);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NO_CAPACITY);
  g_assert_cmpstr (bb_store_error_code_string (error), ==, "no_capacity");
  g_assert_cmpuint (bb_store_error_http_status (error), ==, 409);
  g_clear_error (&error);

  /* Wrong hospital for the ward, unknown ward, missing patient. */
  g_assert_null (bb_store_create_booking (f->store, f->staff, f->hospital + 1, f->icu, 0, "P", NULL, 0, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (bb_store_create_booking (f->store, f->staff, f->hospital, 999, 0, "P", NULL, 0, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "", NULL, 0, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_create_booking (f->store, f->staff, f->hospital, f->general, G_MAXINT64, "P", NULL, 0,
                                          &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P", NULL, 100000,
                                          &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
}

static void
test_booking_confirm_cancel_and_admit (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) held = NULL;
  g_autoptr(BbBooking) confirmed = NULL;
  g_autoptr(BbBooking) admitted = NULL;
  g_autoptr(BbBooking) other = NULL;
  g_autoptr(BbBooking) cancelled = NULL;
  g_autoptr(BbAdmission) adm = NULL;
  g_autoptr(BbBed) bed = NULL;
  g_autoptr(GPtrArray) inpatients = NULL;
  g_autoptr(JsonObject) features = features_of ("{\"age\": \"50 to 69\"}");

  held = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-1", features, 0, &error);
  g_assert_no_error (error);

  confirmed = bb_store_confirm_booking (f->store, f->staff, held->id, "ward-los", "1", 3.5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (confirmed->status, ==, BB_BOOKING_CONFIRMED);
  g_assert_cmpstr (confirmed->forecast_model, ==, "ward-los");
  g_assert_cmpstr (confirmed->forecast_version, ==, "1");
  g_assert_cmpfloat_with_epsilon (confirmed->forecast_los_days, 3.5, 1e-9);
  g_assert_cmpint (confirmed->expires_at, ==, 0);
  g_assert_cmpint (confirmed->bed_id, ==, held->bed_id);

  /* Confirming twice is not a transition. */
  g_assert_null (bb_store_confirm_booking (f->store, f->staff, held->id, NULL, NULL, -1, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "confirmed"));
  g_clear_error (&error);

  admitted = bb_store_admit_booking (f->store, f->staff, held->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (admitted->status, ==, BB_BOOKING_ADMITTED);
  g_assert_cmpint (admitted->admission_id, >, 0);

  adm = bb_store_get_admission (f->store, admitted->admission_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adm->bed_id, ==, held->bed_id);
  g_assert_cmpstr (adm->patient_ref, ==, "P-1");
  g_assert_cmpstr (json_object_get_string_member (adm->features, "age"), ==, "50 to 69");
  g_assert_cmpint (adm->admitted_at, ==, T0);
  g_assert_cmpint (adm->discharged_at, ==, 0);

  bed = find_bed (f->store, f->hospital, held->bed_id);
  g_assert_cmpint (bed->status, ==, BB_BED_STATUS_OCCUPIED);
  g_assert_false (bed->reserved);
  g_assert_cmpint (bed->admission_id, ==, adm->id);

  inpatients = bb_store_list_inpatients (f->store, f->hospital, f->general, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inpatients->len, ==, 1);

  /* Admitted or cancelled bookings go nowhere else. */
  g_assert_null (bb_store_cancel_booking (f->store, f->staff, held->id, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "admitted"));
  g_clear_error (&error);

  other = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-2", NULL, 0, &error);
  g_assert_no_error (error);
  cancelled = bb_store_cancel_booking (f->store, f->staff, other->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cancelled->status, ==, BB_BOOKING_CANCELLED);
  g_assert_null (bb_store_admit_booking (f->store, f->staff, other->id, 0, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "cancelled"));
  g_clear_error (&error);
  g_clear_pointer (&bed, bb_bed_free);
  bed = find_bed (f->store, f->hospital, other->bed_id);
  g_assert_false (bed->reserved);
}

static void
test_booking_admit_into_another_bed (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) a = NULL;
  g_autoptr(BbBooking) b = NULL;
  g_autoptr(BbBooking) admitted = NULL;
  g_autoptr(BbBed) released = NULL;

  a = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-A", NULL, 0, &error);
  b = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-B", NULL, 0, &error);
  g_assert_no_error (error);

  /* Not into a bed another booking holds. */
  g_assert_null (bb_store_admit_booking (f->store, f->staff, a->id, b->bed_id, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "held by booking"));
  g_clear_error (&error);

  admitted = bb_store_admit_booking (f->store, f->staff, a->id, f->general_beds[2], &error);
  g_assert_no_error (error);
  released = find_bed (f->store, f->hospital, a->bed_id);
  g_assert_false (released->reserved);
  g_assert_cmpint (released->status, ==, BB_BED_STATUS_UNOCCUPIED);
}

static void
test_future_booking_holds_no_bed (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) future = NULL;
  g_autoptr(BbBooking) admitted = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  future = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, T0 + 86400, "P-F", NULL, 60, &error);
  g_assert_no_error (error);
  g_assert_cmpint (future->bed_id, ==, 0);
  g_assert_cmpint (future->start, ==, T0 + 86400);
  g_assert_cmpint (future->expires_at, ==, T0 + 86400 + 3600);

  pending = bb_store_list_ward_bookings (f->store, f->icu, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 1);

  f->now = T0 + 86400;
  admitted = bb_store_admit_booking (f->store, f->staff, future->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (admitted->bed_id, ==, f->icu_beds[0]);
}

/* Beds whose held flag disagrees with their bookings. */
static gint64
count_wrong_held_flags (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 wrong;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT (*) FROM beds b WHERE b.held != EXISTS "
                                           "(SELECT 1 FROM bookings k WHERE k.bed = b.id "
                                           " AND k.status IN ('held', 'confirmed'))", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  wrong = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return wrong;
}

static void
test_booking_held_flag_follows_every_hold (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) a = NULL;
  g_autoptr(BbBooking) b = NULL;
  g_autoptr(BbBooking) c = NULL;
  g_autoptr(BbBooking) d = NULL;
  g_autoptr(BbBooking) changed = NULL;

  a = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-a", NULL, 0, &error);
  g_assert_no_error (error);
  b = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-b", NULL, 0, &error);
  g_assert_no_error (error);
  c = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-c", NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);

  /* Cancelling gives the bed back, and the next hold takes it again. */
  changed = bb_store_cancel_booking (f->store, f->staff, a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);
  d = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-d", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->bed_id, ==, a->bed_id);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);

  /* Confirmed still holds; admitted, expired and cancelled do not. */
  g_clear_pointer (&changed, bb_booking_free);
  changed = bb_store_confirm_booking (f->store, f->staff, b->id, "ward-los", "1", 3.0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);
  g_clear_pointer (&changed, bb_booking_free);
  changed = bb_store_admit_booking (f->store, f->staff, b->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);
  f->now = T0 + 11 * 60;
  g_assert_cmpuint (bb_store_expire_holds (f->store, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);

  /* The expired hold's bed is the free one now. */
  g_clear_pointer (&changed, bb_booking_free);
  changed = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-e", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed->bed_id, ==, c->bed_id);
  g_assert_cmpint (count_wrong_held_flags (f), ==, 0);
}

static void
test_holds_expire_and_free_the_bed (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbBooking) after = NULL;
  g_autoptr(BbBed) bed = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) events = NULL;
  BbEvent *last;

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P-1", NULL, 0, &error);
  g_assert_no_error (error);

  f->now = T0 + 119 * 60;
  g_assert_cmpuint (bb_store_expire_holds (f->store, &error), ==, 0);
  g_assert_no_error (error);

  f->now = T0 + 120 * 60;
  g_assert_cmpuint (bb_store_expire_holds (f->store, &error), ==, 1);
  g_assert_no_error (error);

  after = bb_store_get_booking (f->store, booking->id, &error);
  g_assert_cmpint (after->status, ==, BB_BOOKING_EXPIRED);
  bed = find_bed (f->store, f->hospital, booking->bed_id);
  g_assert_false (bed->reserved);

  audit = bb_store_list_audit (f->store, "booking", booking->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (audit->pdata[0], "action"), ==, "expire");
  g_assert_true (json_object_get_null_member (audit->pdata[0], "actor"));

  events = bb_store_list_events_since (f->store, 0, 0, &error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpint (last->bed_id, ==, booking->bed_id);
  g_assert_false (last->reserved);

  /* An expired hold cannot be confirmed. */
  g_assert_null (bb_store_confirm_booking (f->store, f->staff, booking->id, NULL, NULL, -1, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
}

static void
test_overdue_hold_cannot_be_confirmed (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P-1", NULL, 10, &error);
  g_assert_no_error (error);

  /* Nobody swept the holds yet; confirming still sees the truth. */
  f->now = T0 + 11 * 60;
  g_assert_null (bb_store_confirm_booking (f->store, f->staff, booking->id, NULL, NULL, -1, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "expired"));
}

typedef struct
{
  const char *path;
  gint64      hospital;
  gint64      ward;
  guint       index;
  gboolean    won;
  int         code;
} Racer;

static gpointer
race_for_the_last_bed (gpointer data)
{
  Racer *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbStore) store = bb_store_open (r->path, &error);
  g_autoptr(BbBooking) booking = NULL;
  g_autofree char *ref = g_strdup_printf ("RACER-%u", r->index);

  g_assert_no_error (error);
  booking = bb_store_create_booking (store, 0, r->hospital, r->ward, 0, ref, NULL, 0, &error);
  r->won = booking != NULL;
  r->code = error ? error->code : -1;
  return NULL;
}

static void
test_last_bed_race_has_one_winner (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Racer racers[32];
  GThread *threads[G_N_ELEMENTS (racers)];
  guint winners = 0;

  /* One free bed left in the ICU. */
  g_assert_true (bb_store_set_bed_status (f->store, 0, f->icu_beds[0], BB_BED_STATUS_CLOSED, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    {
      racers[i] = (Racer) { f->path, f->hospital, f->icu, i, FALSE, -1 };
      threads[i] = g_thread_new ("racer", race_for_the_last_bed, &racers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    {
      if (racers[i].won)
        winners++;
      else
        g_assert_cmpint (racers[i].code, ==, BB_STORE_ERROR_NO_CAPACITY);
    }
  g_assert_cmpuint (winners, ==, 1);
  g_assert_cmpuint (count_rows (f->store, f->path,
                                "SELECT COUNT (*) FROM bookings WHERE status = 'held'"), ==, 1);
}

static void
test_schema_refuses_a_second_hold_or_admission (Fixture       *f,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbAdmission) adm = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->icu, 0, "P-1", NULL, 0, &error);
  adm = bb_store_admit_patient (f->store, f->staff, f->general_beds[0], "P-2", NULL, &error);
  g_assert_no_error (error);

  /* Bypassing the store, the indexes still say no. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("INSERT INTO bookings (hospital, ward, bed, start, status, patient_ref, created_at, "
                         "updated_at) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                         ", 0, 'confirmed', 'X', 0, 0)", f->hospital, f->icu, booking->bed_id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  g_free (g_steal_pointer (&sql));
  sql = g_strdup_printf ("INSERT INTO admissions (bed, patient_ref, admitted_at) VALUES (%" G_GINT64_FORMAT
                         ", 'Y', 0)", f->general_beds[0]);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  sqlite3_close (db);
}

/* A child process that books and admits as fast as it can, printing the id
 * of each booking whose admission the store acknowledged, until killed. */
static int
run_crash_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbStore) store = bb_store_open (path, &error);

  if (store == NULL)
    return 2;

  for (guint i = 0;; i++)
    {
      g_autoptr(BbBooking) booking = NULL;
      g_autoptr(BbBooking) admitted = NULL;
      g_autofree char *ref = g_strdup_printf ("CRASH-%u", i);
      g_autoptr(GPtrArray) inpatients = NULL;

      booking = bb_store_create_booking (store, 0, 1, 2, 0, ref, NULL, 0, &error);
      if (booking == NULL)
        return 3;
      admitted = bb_store_admit_booking (store, 0, booking->id, 0, &error);
      if (admitted == NULL)
        return 4;
      g_print ("%" G_GINT64_FORMAT "\n", booking->id);
      fflush (stdout);
      /* Free the bed again so the writer never runs out. */
      if (!bb_store_discharge (store, 0, admitted->admission_id, &error) ||
          !bb_store_set_bed_status (store, 0, admitted->bed_id, BB_BED_STATUS_UNOCCUPIED, &error))
        return 5;
    }
}

static void
test_acknowledged_writes_survive_kill (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GIOChannel) out = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_exe, "--crash-writer", f->path, NULL };
  GPid pid;
  int out_fd;
  int status = 0;

  g_assert_nonnull (self_exe);
  g_clear_object (&f->store);

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                           &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);

  while (acknowledged->len < 200)
    {
      char *line = NULL;

      if (g_io_channel_read_line (out, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
        break;
      g_ptr_array_add (acknowledged, g_strstrip (line));
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_cmpuint (acknowledged->len, ==, 200);

  /* Everything acknowledged is there, and the database is sound. */
  f->store = open_store (f);
  g_assert_true (bb_store_integrity_check (f->store, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < acknowledged->len; i++)
    {
      g_autoptr(BbBooking) b = bb_store_get_booking (f->store, g_ascii_strtoll (acknowledged->pdata[i], NULL, 10),
                                                     &error);
      g_assert_no_error (error);
      g_assert_cmpint (b->status, ==, BB_BOOKING_ADMITTED);
      g_assert_cmpint (b->admission_id, >, 0);
    }
  g_assert_cmpuint (count_rows (f->store, f->path,
                                "SELECT COUNT (*) FROM admissions WHERE discharged_at IS NULL"), <=, 1);
}

/* ---- beds and admissions ---- */

static void
test_invalid_transitions_conflict_with_a_reason (Fixture       *f,
                                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbAdmission) adm = NULL;
  guint audit_before, audit_after;

  g_assert_false (bb_store_set_bed_status (f->store, f->staff, f->general_beds[0], BB_BED_STATUS_OCCUPIED, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "admission"));
  g_clear_error (&error);

  g_assert_true (bb_store_set_bed_status (f->store, f->staff, f->general_beds[0], BB_BED_STATUS_CONTAMINATED, &error));
  g_assert_false (bb_store_set_bed_status (f->store, f->staff, f->general_beds[0], BB_BED_STATUS_UNOCCUPIED, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "cleaned"));
  g_clear_error (&error);

  adm = bb_store_admit_patient (f->store, f->staff, f->general_beds[1], "P-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bb_store_set_bed_status (f->store, f->staff, f->general_beds[1], BB_BED_STATUS_UNOCCUPIED, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "discharg"));
  g_clear_error (&error);

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-2", NULL, 0, &error);
  g_assert_cmpint (booking->bed_id, ==, f->general_beds[2]);
  audit_before = count_rows (f->store, f->path, "SELECT COUNT (*) FROM audit");
  g_assert_false (bb_store_set_bed_status (f->store, f->staff, f->general_beds[2], BB_BED_STATUS_CLOSED, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "held by booking"));
  g_clear_error (&error);

  /* Admitting into a bed that is not free. */
  g_clear_pointer (&adm, bb_admission_free);
  adm = bb_store_admit_patient (f->store, f->staff, f->general_beds[0], "P-3", NULL, &error);
  g_assert_null (adm);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "contaminated"));
  g_clear_error (&error);

  /* Refused changes write nothing. */
  audit_after = count_rows (f->store, f->path, "SELECT COUNT (*) FROM audit");
  g_assert_cmpuint (audit_before, ==, audit_after);
}

static void
test_discharge_leaves_the_bed_for_cleaning (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbAdmission) adm = NULL;
  g_autoptr(BbAdmission) after = NULL;
  g_autoptr(BbBed) bed = NULL;
  g_autoptr(BbBed) clean = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) inpatients = NULL;

  adm = bb_store_admit_patient (f->store, f->staff, f->icu_beds[0], "P-1", NULL, &error);
  g_assert_no_error (error);

  f->now = T0 + 3 * 86400;
  g_assert_true (bb_store_discharge (f->store, f->staff, adm->id, &error));
  g_assert_no_error (error);

  after = bb_store_get_admission (f->store, adm->id, &error);
  g_assert_cmpint (after->discharged_at, ==, T0 + 3 * 86400);
  bed = find_bed (f->store, f->hospital, f->icu_beds[0]);
  g_assert_cmpint (bed->status, ==, BB_BED_STATUS_HOUSEKEEPING);
  g_assert_cmpint (bed->admission_id, ==, 0);
  inpatients = bb_store_list_inpatients (f->store, f->hospital, 0, &error);
  g_assert_cmpuint (inpatients->len, ==, 0);

  g_assert_false (bb_store_discharge (f->store, f->staff, adm->id, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "already discharged"));
  g_clear_error (&error);

  g_assert_true (bb_store_set_bed_status (f->store, f->staff, f->icu_beds[0], BB_BED_STATUS_UNOCCUPIED, &error));
  clean = find_bed (f->store, f->hospital, f->icu_beds[0]);
  g_assert_cmpint (clean->status, ==, BB_BED_STATUS_UNOCCUPIED);

  audit = bb_store_list_audit (f->store, "bed", f->icu_beds[0], 1, &error);
  g_assert_cmpstr (json_object_get_string_member (audit->pdata[0], "action"), ==, "mark-clean");
  g_assert_cmpint (json_object_get_int_member (audit->pdata[0], "actor"), ==, f->staff);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (audit->pdata[0], "before"), "status"),
                   ==, "H");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (audit->pdata[0], "after"), "status"),
                   ==, "U");
}

static void
test_transfer_moves_the_patient_and_keeps_history (Fixture       *f,
                                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbAdmission) adm = NULL;
  g_autoptr(BbAdmission) other = NULL;
  g_autoptr(BbAdmission) moved = NULL;
  g_autoptr(BbBed) from = NULL;
  g_autoptr(BbBed) to = NULL;
  g_autoptr(GPtrArray) history = NULL;

  adm = bb_store_admit_patient (f->store, f->staff, f->icu_beds[0], "P-1", NULL, &error);
  other = bb_store_admit_patient (f->store, f->staff, f->general_beds[0], "P-2", NULL, &error);
  g_assert_no_error (error);

  g_assert_false (bb_store_transfer (f->store, f->staff, adm->id, f->general_beds[0], &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "occupied"));
  g_clear_error (&error);
  g_assert_false (bb_store_transfer (f->store, f->staff, adm->id, f->icu_beds[0], &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  f->now = T0 + 7200;
  g_assert_true (bb_store_transfer (f->store, f->staff, adm->id, f->general_beds[1], &error));
  g_assert_no_error (error);

  moved = bb_store_get_admission (f->store, adm->id, &error);
  g_assert_cmpint (moved->bed_id, ==, f->general_beds[1]);
  g_assert_cmpint (moved->ward_id, ==, f->general);
  g_assert_cmpint (moved->admitted_at, ==, T0);
  from = find_bed (f->store, f->hospital, f->icu_beds[0]);
  to = find_bed (f->store, f->hospital, f->general_beds[1]);
  g_assert_cmpint (from->status, ==, BB_BED_STATUS_HOUSEKEEPING);
  g_assert_cmpint (to->status, ==, BB_BED_STATUS_OCCUPIED);
  g_assert_cmpint (to->admission_id, ==, adm->id);

  history = bb_store_get_bed_history (f->store, adm->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (json_object_get_int_member (history->pdata[0], "bed"), ==, f->icu_beds[0]);
  g_assert_nonnull (json_object_get_string_member (history->pdata[0], "to"));
  g_assert_cmpint (json_object_get_int_member (history->pdata[1], "bed"), ==, f->general_beds[1]);
  g_assert_true (json_object_get_null_member (history->pdata[1], "to"));
}

static guint
occupied_at (GPtrArray *series,
             gint64     ward,
             guint      i,
             guint     *capacity)
{
  for (guint k = 0; k < series->len; k++)
    {
      BbOccupancySeries *s = g_ptr_array_index (series, k);

      if (s->ward_id == ward)
        {
          BbOccupancyPoint *p = &g_array_index (s->points, BbOccupancyPoint, i);
          if (capacity)
            *capacity = p->capacity;
          return p->occupied;
        }
    }

  g_assert_not_reached ();
  return 0;
}

static void
test_occupancy_is_rebuilt_from_admissions_and_transfers (Fixture       *f,
                                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbAdmission) a = NULL;
  g_autoptr(BbAdmission) b = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) one = NULL;
  guint capacity = 0;
  const gint64 H = 3600;

  a = bb_store_admit_patient (f->store, f->staff, f->icu_beds[0], "P-A", NULL, &error);      /* ICU from 0 h */
  f->now = T0 + 1 * H;
  b = bb_store_admit_patient (f->store, f->staff, f->general_beds[0], "P-B", NULL, &error);  /* ward from 1 h */
  f->now = T0 + 2 * H + 1800;
  g_assert_true (bb_store_transfer (f->store, f->staff, a->id, f->general_beds[1], &error)); /* ICU -> ward at 2.5 h */
  f->now = T0 + 5 * H;
  g_assert_true (bb_store_discharge (f->store, f->staff, b->id, &error));                   /* B leaves at 5 h */
  g_assert_no_error (error);

  series = bb_store_occupancy (f->store, f->hospital, 0, T0 - H, T0 + 6 * H, H, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 2);
  g_assert_cmpuint (((BbOccupancySeries *) series->pdata[0])->points->len, ==, 8);

  /* samples at -1 0 1 2 3 4 5 6 h */
  {
    const guint icu[] = { 0, 1, 1, 1, 0, 0, 0, 0 };
    const guint ward[] = { 0, 0, 1, 1, 2, 2, 1, 1 };

    for (guint i = 0; i < 8; i++)
      {
        /* The beds were created at T0: no capacity before. */
        g_assert_cmpuint (occupied_at (series, f->icu, i, &capacity), ==, icu[i]);
        g_assert_cmpuint (capacity, ==, i == 0 ? 0 : 2);
        g_assert_cmpuint (occupied_at (series, f->general, i, &capacity), ==, ward[i]);
        g_assert_cmpuint (capacity, ==, i == 0 ? 0 : 3);
      }
  }

  one = bb_store_occupancy (f->store, f->hospital, f->icu, T0, T0 + 6 * H, 6 * H, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpuint (((BbOccupancySeries *) one->pdata[0])->points->len, ==, 2);

  g_assert_null (bb_store_occupancy (f->store, f->hospital, 0, T0, T0 + H, 0, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_occupancy (f->store, f->hospital, 0, T0, T0 + 365 * 86400, 60, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_occupancy (f->store, f->hospital, 0, G_MININT64, G_MAXINT64, G_MAXINT64, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_occupancy (f->store, f->hospital, 0, T0 + H, T0, H, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bb_store_occupancy (f->store, 999, 0, T0, T0 + H, H, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
}

/* ---- accounts ---- */

static void
test_login_logout_and_session_expiry (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbUser) user = NULL;
  g_autoptr(BbUser) found = NULL;
  g_autofree char *token = NULL;
  g_autofree char *short_token = NULL;
  g_autofree char *sql = NULL;
  gint64 expires = 0;

  g_assert_cmpint (bb_store_create_user (f->store, 0, "STAFF@test", "Dup", BB_ROLE_STAFF, "x", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_user (f->store, 0, "not-an-address", "X", BB_ROLE_STAFF, "x", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (bb_store_login (f->store, "staff@test", "wrong", 0, NULL, NULL, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_null (bb_store_login (f->store, "nobody@test", "secret-staff", 0, NULL, NULL, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH);
  g_clear_error (&error);

  token = bb_store_login (f->store, "staff@test", "secret-staff", 3600, &user, &expires, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), ==, 43); /* 32 bytes, base64url, no padding */
  g_assert_null (strpbrk (token, "+/="));
  g_assert_cmpint (user->role, ==, BB_ROLE_STAFF);
  g_assert_cmpint (expires, >, g_get_real_time () / G_USEC_PER_SEC + 3500);

  /* Only a hash of the token is stored. */
  sql = g_strdup_printf ("SELECT COUNT (*) FROM sessions WHERE token_hash = '%s'", token);
  g_assert_cmpuint (count_rows (f->store, f->path, sql), ==, 0);
  g_assert_cmpuint (count_rows (f->store, f->path, "SELECT COUNT (*) FROM sessions"), ==, 1);
  g_assert_cmpuint (count_rows (f->store, f->path,
                                "SELECT COUNT (*) FROM users WHERE password_hash LIKE '$argon2id$%'"), ==, 2);

  found = bb_store_lookup_session (f->store, token, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, f->staff);

  g_assert_true (bb_store_logout (f->store, token, &error));
  g_assert_null (bb_store_lookup_session (f->store, token, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (bb_store_logout (f->store, token, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH);
  g_clear_error (&error);

  short_token = bb_store_login (f->store, "family@test", "secret-family", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_usleep (2100 * 1000);
  g_assert_null (bb_store_lookup_session (f->store, short_token, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH);
  g_assert_cmpuint (bb_store_error_http_status (error), ==, 401);
}

static void
test_roles_change_with_an_audit_entry (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbUser) user = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) users = NULL;

  g_assert_true (bb_store_set_user_role (f->store, f->staff, f->family, BB_ROLE_STAFF, &error));
  user = bb_store_get_user (f->store, f->family, &error);
  g_assert_cmpint (user->role, ==, BB_ROLE_STAFF);
  audit = bb_store_list_audit (f->store, "user", f->family, 0, &error);
  g_assert_cmpuint (audit->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (audit->pdata[0], "action"), ==, "set-role");
  g_assert_false (bb_store_set_user_role (f->store, f->staff, 999, BB_ROLE_STAFF, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  users = bb_store_list_users (f->store, &error);
  g_assert_cmpuint (users->len, ==, 2);
}

/* ---- enquiries ---- */

static void
test_enquiry_is_asked_answered_and_rated (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbEnquiry) e = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) all = NULL;
  gint64 other_staff, id, anonymous;

  other_staff = bb_store_create_user (f->store, 0, "other@test", "Other", BB_ROLE_STAFF, "pw", &error);
  id = bb_store_create_enquiry (f->store, f->family, f->hospital, "Ann", "ann@example.org", "Is there a bed?", &error);
  g_assert_no_error (error);
  anonymous = bb_store_create_enquiry (f->store, 0, f->hospital, "Bob", "", "Visiting hours?", &error);
  g_assert_no_error (error);
  g_assert_cmpint (bb_store_create_enquiry (f->store, 0, f->hospital, "Bob", "", "", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_enquiry (f->store, 0, 999, "Bob", "", "Hi", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  mine = bb_store_list_enquiries (f->store, f->hospital, f->family, &error);
  g_assert_cmpuint (mine->len, ==, 1);
  all = bb_store_list_enquiries (f->store, f->hospital, 0, &error);
  g_assert_cmpuint (all->len, ==, 2);

  g_assert_false (bb_store_rate_enquiry (f->store, f->family, id, 4, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_true (bb_store_accept_enquiry (f->store, f->staff, id, &error));
  g_assert_false (bb_store_accept_enquiry (f->store, other_staff, id, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (bb_store_reply_enquiry (f->store, other_staff, id, "Yes", &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  f->now = T0 + 600;
  g_assert_true (bb_store_reply_enquiry (f->store, f->staff, id, "Yes, in ward A.", &error));
  g_assert_false (bb_store_reply_enquiry (f->store, f->staff, id, "Again", &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_false (bb_store_rate_enquiry (f->store, f->staff, id, 5, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (bb_store_rate_enquiry (f->store, f->family, id, 6, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bb_store_rate_enquiry (f->store, f->family, id, 5, &error));
  g_assert_false (bb_store_rate_enquiry (f->store, f->family, id, 4, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  e = bb_store_get_enquiry (f->store, id, &error);
  g_assert_cmpstr (e->status, ==, "answered");
  g_assert_cmpstr (e->reply, ==, "Yes, in ward A.");
  g_assert_cmpint (e->replied_at, ==, T0 + 600);
  g_assert_cmpint (e->accepted_by, ==, f->staff);
  g_assert_cmpint (e->rating, ==, 5);

  /* An anonymous enquiry can be answered directly, but nobody can rate it. */
  g_assert_true (bb_store_reply_enquiry (f->store, other_staff, anonymous, "9 to 5", &error));
  g_assert_false (bb_store_rate_enquiry (f->store, f->family, anonymous, 3, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FORBIDDEN);
}

/* ---- audit and events ---- */

typedef struct
{
  GArray *seqs;
  GArray *changed;
  BbStore *store;
  const char *path;
  guint committed;
} Listener;

static void
on_event_cb (BbStore *store,
             BbEvent *event,
             gpointer data)
{
  Listener *l = data;
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT (*) FROM events WHERE seq = %" G_GINT64_FORMAT, event->seq);

  g_array_append_val (l->seqs, event->seq);
  /* Another connection sees the event: it was committed before the signal. */
  l->committed += count_rows (store, l->path, sql);
}

static void
on_changed_cb (BbStore *store,
               gint64   hospital,
               gpointer data)
{
  Listener *l = data;

  g_array_append_val (l->changed, hospital);
}

static void
test_events_are_monotonic_and_follow_commit (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbBooking) admitted = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) tail = NULL;
  Listener l = { seqs, changed, f->store, f->path, 0 };
  gint64 first = bb_store_last_event_seq (f->store);

  g_signal_connect (f->store, "event", G_CALLBACK (on_event_cb), &l);
  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed_cb), &l);

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-1", NULL, 0, &error);
  admitted = bb_store_admit_booking (f->store, f->staff, booking->id, 0, &error);
  g_assert_true (bb_store_discharge (f->store, f->staff, admitted->admission_id, &error));
  g_assert_true (bb_store_set_bed_status (f->store, f->staff, booking->bed_id, BB_BED_STATUS_UNOCCUPIED, &error));
  g_assert_no_error (error);
  /* A refused change emits nothing. */
  g_assert_false (bb_store_set_bed_status (f->store, f->staff, booking->bed_id, BB_BED_STATUS_OCCUPIED, &error));
  g_clear_error (&error);

  /* hold, admit (O), discharge (H), clean (U) */
  g_assert_cmpuint (seqs->len, ==, 4);
  g_assert_cmpuint (l.committed, ==, 4);
  for (guint i = 1; i < seqs->len; i++)
    g_assert_cmpint (g_array_index (seqs, gint64, i), >, g_array_index (seqs, gint64, i - 1));
  g_assert_cmpint (g_array_index (seqs, gint64, 0), >, first);
  g_assert_cmpint (bb_store_last_event_seq (f->store), ==, g_array_index (seqs, gint64, 3));
  g_assert_cmpuint (changed->len, >=, 4);
  g_assert_cmpint (g_array_index (changed, gint64, 0), ==, f->hospital);

  stored = bb_store_list_events_since (f->store, first, 0, &error);
  g_assert_cmpuint (stored->len, ==, 4);
  g_assert_cmpint (((BbEvent *) stored->pdata[0])->status, ==, BB_BED_STATUS_UNOCCUPIED);
  g_assert_true (((BbEvent *) stored->pdata[0])->reserved);
  g_assert_cmpint (((BbEvent *) stored->pdata[1])->status, ==, BB_BED_STATUS_OCCUPIED);
  g_assert_cmpint (((BbEvent *) stored->pdata[2])->status, ==, BB_BED_STATUS_HOUSEKEEPING);
  g_assert_cmpint (((BbEvent *) stored->pdata[3])->status, ==, BB_BED_STATUS_UNOCCUPIED);
  g_assert_false (((BbEvent *) stored->pdata[3])->reserved);
  g_assert_cmpint (((BbEvent *) stored->pdata[3])->ward_id, ==, f->general);

  tail = bb_store_list_events_since (f->store, g_array_index (seqs, gint64, 1), 1, &error);
  g_assert_cmpuint (tail->len, ==, 1);
  g_assert_cmpint (((BbEvent *) tail->pdata[0])->seq, ==, g_array_index (seqs, gint64, 2));

  g_signal_handlers_disconnect_by_data (f->store, &l);
}

static void
test_every_change_writes_an_audit_entry (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbBooking) confirmed = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  JsonObject *create, *confirm;

  booking = bb_store_create_booking (f->store, f->staff, f->hospital, f->general, 0, "P-1", NULL, 0, &error);
  f->now = T0 + 60;
  confirmed = bb_store_confirm_booking (f->store, f->staff, booking->id, "ward-los", "1", 2.0, &error);
  g_assert_no_error (error);

  audit = bb_store_list_audit (f->store, "booking", booking->id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
  confirm = audit->pdata[0];
  create = audit->pdata[1];
  g_assert_cmpstr (json_object_get_string_member (create, "action"), ==, "create");
  g_assert_true (json_object_get_null_member (create, "before"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (create, "after"), "status"),
                   ==, "held");
  g_assert_cmpstr (json_object_get_string_member (confirm, "at"), ==, "2026-09-21T14:14:20Z");
  g_assert_cmpint (json_object_get_int_member (confirm, "actor"), ==, f->staff);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (confirm, "before"), "status"),
                   ==, "held");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (confirm, "after"), "status"),
                   ==, "confirmed");

  /* Configuration changes are audited too. */
  g_clear_pointer (&audit, g_ptr_array_unref);
  audit = bb_store_list_audit (f->store, "bed", 0, 0, &error);
  g_assert_cmpuint (audit->len, >=, 5);
  g_clear_pointer (&audit, g_ptr_array_unref);
  audit = bb_store_list_audit (f->store, "hospital", f->hospital, 0, &error);
  g_assert_cmpuint (audit->len, ==, 1);
}

static void
test_bad_input_is_refused_without_writing (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *bad_tags[] = { "", NULL };
  double lat = 91;
  guint before = count_rows (f->store, f->path, "SELECT COUNT (*) FROM audit");

  g_assert_cmpint (bb_store_create_hospital (f->store, 0, "X", "", 100, 0, "", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "latitude"));
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_hospital (f->store, 0, "", "", 1, 1, "", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bb_store_update_hospital (f->store, 0, f->hospital, NULL, NULL, &lat, NULL, NULL, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_ward (f->store, 0, f->hospital, "Spa", "spa", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_ward (f->store, 0, 999, "W", "icu", &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_bed (f->store, 0, f->icu, "ICU-1", NULL, &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (bb_store_create_bed (f->store, 0, f->icu, "ICU-9", bad_tags, &error), ==, 0);
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bb_store_set_bed_status (f->store, 0, f->icu_beds[0], (BbBedStatus) 'Z', &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (bb_store_discharge (f->store, 0, 12345, &error));
  g_assert_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpuint (count_rows (f->store, f->path, "SELECT COUNT (*) FROM audit"), ==, before);

  /* And a good update goes through. */
  lat = 42.5;
  g_assert_true (bb_store_update_hospital (f->store, 0, f->hospital, "Renamed", NULL, &lat, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BbHospital) h = bb_store_get_hospital (f->store, f->hospital, &error);
    g_assert_cmpstr (h->name, ==, "Renamed");
    g_assert_cmpstr (h->address, ==, "1 Main St");
    g_assert_cmpfloat (h->latitude, ==, 42.5);
  }
  g_assert_true (bb_store_integrity_check (f->store, &error));
}

/* ---- demo network ---- */

static char *
fixture_models_dir (void)
{
  return g_test_build_filename (G_TEST_DIST, "server", "fixtures", "models", NULL);
}

typedef struct
{
  guint beds, occupied, hospitals, users;
} NetworkCounts;

static NetworkCounts
network_counts (BbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hospitals = bb_store_list_hospitals (store, NULL, &error);
  g_autoptr(GPtrArray) users = bb_store_list_users (store, &error);
  NetworkCounts c = { 0 };

  g_assert_no_error (error);
  c.hospitals = hospitals->len;
  c.users = users->len;
  for (guint i = 0; i < hospitals->len; i++)
    {
      BbHospital *h = g_ptr_array_index (hospitals, i);

      c.beds += h->beds.total;
      c.occupied += h->beds.occupied;
    }
  return c;
}

static void
test_demo_populates_a_busy_network (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bb-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *models = fixture_models_dir ();
  g_autoptr(BbStore) store = bb_store_open (path, &error);
  g_autoptr(GPtrArray) inpatients = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(BbUser) user = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  NetworkCounts c, again;
  gint64 now;
  double ratio;
  gboolean saw_icu_feature = FALSE;

  g_assert_no_error (error);
  g_assert_true (bb_demo_populate (store, models, NULL, "demo-pass", 7, &error));
  g_assert_no_error (error);
  g_test_message ("populate took %.2f s", g_timer_elapsed (timer, NULL));
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 10.0);

  c = network_counts (store);
  g_assert_cmpuint (c.hospitals, >=, 3);
  g_assert_cmpuint (c.beds, >=, 400);
  g_assert_cmpuint (c.users, ==, 3);
  ratio = (double) c.occupied / c.beds;
  g_test_message ("%u of %u beds occupied (%.0f%%)", c.occupied, c.beds, 100 * ratio);
  g_assert_cmpfloat (ratio, >, 0.70);
  g_assert_cmpfloat (ratio, <, 0.90);

  token = bb_store_login (store, "staff@demo.bedboard", "demo-pass", 0, &user, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (user->role, ==, BB_ROLE_STAFF);

  /* ICU patients carry the ICU card's features (synthetic: no data given). */
  wards = bb_store_list_wards (store, 1, &error);
  inpatients = bb_store_list_inpatients (store, 1, ((BbWard *) wards->pdata[0])->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((BbWard *) wards->pdata[0])->model, ==, "icu-los");
  g_assert_cmpuint (inpatients->len, >, 0);
  for (guint i = 0; i < inpatients->len; i++)
    {
      BbAdmission *a = g_ptr_array_index (inpatients, i);

      if (json_object_has_member (a->features, "unittype"))
        saw_icu_feature = TRUE;
      g_assert_false (json_object_has_member (a->features, "Gender"));
    }
  g_assert_true (saw_icu_feature);

  /* Thirty days of history: the wards were busy all along. */
  now = bb_store_now (store);
  series = bb_store_occupancy (store, 1, 0, now - 30 * 86400, now, 86400, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < series->len; k++)
    {
      BbOccupancySeries *s = g_ptr_array_index (series, k);
      BbOccupancyPoint *first = &g_array_index (s->points, BbOccupancyPoint, 0);

      g_assert_cmpuint (first->capacity, >, 0);
      g_assert_cmpuint (first->occupied, >, 0);
      g_assert_cmpuint (first->occupied, <=, first->capacity);
    }

  /* Populating again changes nothing. */
  g_assert_true (bb_demo_populate (store, models, NULL, "demo-pass", 8, &error));
  again = network_counts (store);
  g_assert_cmpuint (again.beds, ==, c.beds);
  g_assert_cmpuint (again.users, ==, 3);
  g_assert_true (bb_store_integrity_check (store, &error));

  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_demo_hides_the_true_stay (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bb-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *models = fixture_models_dir ();
  g_autoptr(BbStore) store = bb_store_open (path, &error);
  g_autoptr(GPtrArray) beds = NULL;

  g_assert_true (bb_demo_populate (store, models, NULL, "pw", 1, &error));
  g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM admissions WHERE demo_los_days IS NULL "
                                             "AND discharged_at IS NULL"), ==, 0);

  beds = bb_store_list_beds (store, 1, 0, TRUE, &error);
  for (guint i = 0; i < beds->len; i++)
    {
      g_autoptr(JsonNode) node = bb_bed_to_json (beds->pdata[i], TRUE);
      g_autofree char *text = json_to_string (node, FALSE);

      g_assert_null (strstr (text, "los"));
    }

  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_demo_resamples_real_stays_when_present (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(BbDemoPatients) icu = NULL;
  g_autoptr(BbDemoPatients) ward = NULL;
  g_autoptr(JsonObject) features = NULL;
  const char *shared = BB_SOURCE_SHARED_DATA_DIR;
  g_autofree char *eicu = g_build_filename (shared, "eicu-demo", "patient.csv", NULL);
  double los;

  if (!g_file_test (eicu, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no shared data next to the checkout");
      return;
    }

  icu = bb_demo_patients_load ("icu-los", NULL, shared, rand, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bb_demo_patients_origin (icu), ==, BB_DEMO_PATIENTS_REAL);
  g_assert_cmpuint (bb_demo_patients_size (icu), >, 1000);
  g_assert_cmpfloat (bb_demo_patients_mean_los (icu), >, 1.0);
  g_assert_cmpfloat (bb_demo_patients_mean_los (icu), <, 10.0);
  bb_demo_patients_sample (icu, rand, &features, &los);
  g_assert_true (json_object_has_member (features, "unittype"));
  g_assert_false (json_object_has_member (features, "unitdischargeoffset"));
  g_assert_false (json_object_has_member (features, "hospitaldischargestatus"));
  g_test_message ("ICU: %s", bb_demo_patients_describe (icu));

  ward = bb_demo_patients_load ("ward-los", NULL, shared, rand, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bb_demo_patients_origin (ward), ==, BB_DEMO_PATIENTS_REAL);
  g_assert_cmpuint (bb_demo_patients_size (ward), ==, 4000);
  g_clear_pointer (&features, json_object_unref);
  bb_demo_patients_sample (ward, rand, &features, &los);
  g_assert_true (json_object_has_member (features, "CCSR.Diagnosis.Code"));
  g_assert_false (json_object_has_member (features, "Patient.Disposition"));
  g_assert_false (json_object_has_member (features, "Race"));
  g_assert_cmpfloat (los, >, 0);
  g_test_message ("wards: %s", bb_demo_patients_describe (ward));

  /* The whole network from real stays, within the time budget. */
  {
    g_autofree char *dir = g_dir_make_tmp ("bb-demo-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
    g_autoptr(BbStore) store = bb_store_open (path, &error);
    g_autoptr(GTimer) timer = g_timer_new ();
    NetworkCounts c;

    g_assert_true (bb_demo_populate (store, NULL, shared, "pw", 9, &error));
    g_assert_no_error (error);
    g_test_message ("populate from real stays took %.2f s", g_timer_elapsed (timer, NULL));
    g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 3.0);
    c = network_counts (store);
    g_test_message ("%u of %u beds occupied", c.occupied, c.beds);
    g_assert_cmpuint (c.beds, >=, 400);
    g_assert_cmpfloat ((double) c.occupied / c.beds, >, 0.70);
    g_assert_cmpfloat ((double) c.occupied / c.beds, <, 0.90);
    g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM admissions "
                                               "WHERE features LIKE '%apacheadmissiondx%'"), >, 0);
    g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM admissions "
                                               "WHERE features LIKE '%CCSR.Diagnosis.Code%'"), >, 0);
    g_clear_object (&store);
    remove_tree (dir);
  }
}

static void
test_demo_falls_back_without_card_or_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(BbDemoPatients) p = bb_demo_patients_load ("ward-los", "/nonexistent", "/nonexistent", rand, &error);
  g_autofree char *models = fixture_models_dir ();
  g_autoptr(BbDemoPatients) card = bb_demo_patients_load ("ward-los", models, "/nonexistent", rand, &error);
  g_autoptr(JsonObject) features = NULL;
  double los;

  g_assert_no_error (error);
  g_assert_cmpint (bb_demo_patients_origin (p), ==, BB_DEMO_PATIENTS_FALLBACK);
  g_assert_cmpint (bb_demo_patients_origin (card), ==, BB_DEMO_PATIENTS_CARD);
  /* The fixture's target quantiles put the median stay at 2 days. */
  g_assert_cmpfloat (bb_demo_patients_mean_los (card), >, 2.0);
  g_assert_cmpfloat (bb_demo_patients_mean_los (card), <, 5.0);
  bb_demo_patients_sample (card, rand, &features, &los);
  g_assert_true (json_object_has_member (features, "Gender"));
  /* Whole-day quantiles from 1 to 30 days, spread over the hours of the last day. */
  g_assert_cmpfloat (los, >=, 0.55);
  g_assert_cmpfloat (los, <=, 30.45);
}

static void
test_simulation_admits_discharges_and_cleans (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bb-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *models = fixture_models_dir ();
  g_autoptr(BbStore) store = bb_store_open (path, &error);
  BbDemoSimulation *sim;
  guint admissions_before, discharges_before, cleans_before;
  gint64 start, seq_before;
  NetworkCounts c;

  g_assert_true (bb_demo_populate (store, models, NULL, "pw", 5, &error));
  admissions_before = count_rows (store, path, "SELECT COUNT (*) FROM admissions");
  discharges_before = count_rows (store, path, "SELECT COUNT (*) FROM admissions WHERE discharged_at IS NOT NULL");
  cleans_before = count_rows (store, path, "SELECT COUNT (*) FROM audit WHERE action = 'mark-clean'");
  seq_before = bb_store_last_event_seq (store);

  sim = bb_demo_simulation_start (store, 3600, 11);
  start = bb_demo_simulation_now (sim);
  g_assert_cmpint (bb_store_now (store), ==, start);

  /* Two simulated days in 4-hour steps. */
  for (guint i = 0; i < 12; i++)
    bb_demo_simulation_step (sim, 4);
  g_assert_cmpint (bb_demo_simulation_now (sim), ==, start + 2 * 86400);
  g_assert_cmpint (bb_store_now (store), ==, start + 2 * 86400);

  g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM admissions"), >, admissions_before + 20);
  g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM admissions WHERE discharged_at IS NOT NULL"),
                    >, discharges_before + 20);
  g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM audit WHERE action = 'mark-clean'"),
                    >, cleans_before + 20);
  g_assert_cmpint (bb_store_last_event_seq (store), >, seq_before + 60);
  /* Some intensive care patients stepped down to a ward bed. */
  g_assert_cmpuint (count_rows (store, path, "SELECT COUNT (*) FROM audit WHERE action = 'transfer'"), >, 0);

  c = network_counts (store);
  g_test_message ("after two simulated days: %u of %u beds occupied", c.occupied, c.beds);
  g_assert_cmpfloat ((double) c.occupied / c.beds, >, 0.55);
  g_assert_cmpfloat ((double) c.occupied / c.beds, <, 0.97);
  g_assert_true (bb_store_integrity_check (store, &error));

  bb_demo_simulation_stop (sim);
  g_assert_cmpint (bb_store_now (store), <, start + 86400);

  g_clear_object (&store);
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--crash-writer"))
    return run_crash_writer (argv[2]);

  g_setenv ("BEDBOARD_FAST_HASH", "1", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/schema/migrations-apply-once-and-survive-reopening", test_migrations_apply_once_and_reopen);
  ADD ("/store/schema/a-newer-schema-is-refused", test_newer_schema_is_refused);
  ADD ("/store/hospitals/bed-counts-add-up-to-the-total", test_counts_add_up);
  ADD ("/store/booking/holds-a-free-bed-until-none-is-left", test_booking_holds_a_free_bed);
  ADD ("/store/booking/is-confirmed-cancelled-or-admitted-only-from-open-states",
       test_booking_confirm_cancel_and_admit);
  ADD ("/store/booking/can-be-admitted-into-another-free-bed", test_booking_admit_into_another_bed);
  ADD ("/store/booking/with-a-future-start-holds-no-bed", test_future_booking_holds_no_bed);
  ADD ("/store/booking/holds-expire-and-free-the-bed", test_holds_expire_and_free_the_bed);
  ADD ("/store/booking/held-flag-follows-every-hold", test_booking_held_flag_follows_every_hold);
  ADD ("/store/booking/an-overdue-hold-cannot-be-confirmed", test_overdue_hold_cannot_be_confirmed);
  ADD ("/store/booking/last-bed-race-has-exactly-one-winner", test_last_bed_race_has_one_winner);
  ADD ("/store/booking/schema-refuses-a-second-hold-or-admission-per-bed",
       test_schema_refuses_a_second_hold_or_admission);
  ADD ("/store/durability/acknowledged-writes-survive-kill-9", test_acknowledged_writes_survive_kill);
  ADD ("/store/bed/invalid-transitions-conflict-with-a-reason", test_invalid_transitions_conflict_with_a_reason);
  ADD ("/store/bed/discharge-leaves-the-bed-for-cleaning", test_discharge_leaves_the_bed_for_cleaning);
  ADD ("/store/admission/transfer-moves-the-patient-and-keeps-the-bed-history",
       test_transfer_moves_the_patient_and_keeps_history);
  ADD ("/store/occupancy/is-rebuilt-from-admissions-and-transfers",
       test_occupancy_is_rebuilt_from_admissions_and_transfers);
  ADD ("/store/accounts/login-logout-and-session-expiry", test_login_logout_and_session_expiry);
  ADD ("/store/accounts/role-changes-are-audited", test_roles_change_with_an_audit_entry);
  ADD ("/store/enquiry/is-asked-answered-and-rated", test_enquiry_is_asked_answered_and_rated);
  ADD ("/store/events/are-monotonic-and-signalled-after-commit", test_events_are_monotonic_and_follow_commit);
  ADD ("/store/audit/every-change-writes-before-and-after", test_every_change_writes_an_audit_entry);
  ADD ("/store/input/bad-values-are-refused-without-writing", test_bad_input_is_refused_without_writing);
#undef ADD

  g_test_add_func ("/store/demo/populates-four-hundred-beds-at-about-eighty-percent",
                   test_demo_populates_a_busy_network);
  g_test_add_func ("/store/demo/keeps-the-true-stay-out-of-the-api", test_demo_hides_the_true_stay);
  g_test_add_func ("/store/demo/resamples-real-stays-when-the-data-is-present",
                   test_demo_resamples_real_stays_when_present);
  g_test_add_func ("/store/demo/samples-from-the-card-or-a-fallback-without-data",
                   test_demo_falls_back_without_card_or_data);
  g_test_add_func ("/store/demo/simulation-admits-discharges-and-cleans",
                   test_simulation_admits_discharges_and_cleans);

  return g_test_run ();
}
