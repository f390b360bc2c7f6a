/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-client-models.c: the client's list models change in place: a new
 * answer or a live event updates the items that changed and says so with
 * items-changed at their position, without rebuilding the list. Also the
 * live events' backoff and the offline snapshot on disk. */
#include "config.h"

#include <glib/gstdio.h>

#include "bb-bed-list.h"
#include "bb-client-context.h"
#include "bb-hospital-list.h"
#include "bb-live-events.h"
#include "bb-snapshot-cache.h"
#include "bb-ward-item.h"

typedef struct
{
  guint position, removed, added;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *changes)
{
  Change c = { position, removed, added };

  g_array_append_val (changes, c);
}

static GArray *
record_changes (gpointer model)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (Change));

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), changes);
  return changes;
}

static BbHospital *
make_hospital (gint64 id,
               guint  free_beds)
{
  BbHospital *h = g_new0 (BbHospital, 1);

  h->id = id;
  h->name = g_strdup_printf ("Hospital %" G_GINT64_FORMAT, id);
  h->address = g_strdup ("1 Main Street");
  h->latitude = 42.6;
  h->longitude = -73.7;
  h->updated_at = 1700000000;
  h->distance_km = -1;
  h->beds.total = 20;
  h->beds.free = free_beds;
  h->beds.occupied = 20 - free_beds;
  return h;
}

static GPtrArray *
make_hospitals (const gint64 *ids,
                const guint  *free_beds,
                guint         n)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_hospital_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, make_hospital (ids[i], free_beds[i]));
  return array;
}

static BbWard *
make_ward (gint64 id,
           gint64 hospital_id,
           guint  capacity,
           guint  free_beds)
{
  BbWard *w = g_new0 (BbWard, 1);

  w->id = id;
  w->hospital_id = hospital_id;
  w->name = g_strdup_printf ("Ward %" G_GINT64_FORMAT, id);
  w->kind = g_strdup ("icu");
  w->model = g_strdup ("icu-los");
  w->beds.total = capacity;
  w->beds.free = free_beds;
  w->beds.occupied = capacity - free_beds;
  return w;
}

static GPtrArray *
make_beds (gint64 ward_id,
           gint64 first_id,
           guint  n)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_bed_free);

  for (guint i = 0; i < n; i++)
    {
      BbBed *b = g_new0 (BbBed, 1);

      b->id = first_id + i;
      b->ward_id = ward_id;
      b->label = g_strdup_printf ("B-%02u", i + 1);
      b->status = i % 2 == 0 ? BB_BED_STATUS_UNOCCUPIED : BB_BED_STATUS_OCCUPIED;
      b->tags = g_new0 (char *, 1);
      g_ptr_array_add (array, b);
    }
  return array;
}

static void
test_hospital_list_reload_changes_one_row (void)
{
  const gint64 ids[] = { 1, 2, 3 };
  const guint before[] = { 5, 6, 7 };
  const guint after[] = { 5, 2, 7 };
  g_autoptr(BbHospitalList) list = bb_hospital_list_new ();
  g_autoptr(GPtrArray) first = make_hospitals (ids, before, 3);
  g_autoptr(GPtrArray) second = make_hospitals (ids, after, 3);
  g_autoptr(GArray) changes = NULL;
  g_autoptr(BbHospitalItem) item_before = NULL;
  g_autoptr(BbHospitalItem) item_after = NULL;

  bb_hospital_list_set (list, first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  item_before = g_list_model_get_item (G_LIST_MODEL (list), 1);

  changes = record_changes (list);
  bb_hospital_list_set (list, second);

  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 1);
  item_after = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (item_before == item_after);
  g_assert_cmpuint (bb_hospital_item_get_free (item_after), ==, 2);

  /* The same answer again changes nothing. */
  bb_hospital_list_set (list, second);
  g_assert_cmpuint (changes->len, ==, 1);
}

static void
test_hospital_list_new_order_keeps_items (void)
{
  const gint64 ids[] = { 1, 2, 3 };
  const gint64 nearest_first[] = { 3, 1, 2 };
  const guint free_beds[] = { 1, 2, 3 };
  g_autoptr(BbHospitalList) list = bb_hospital_list_new ();
  g_autoptr(GPtrArray) first = make_hospitals (ids, free_beds, 3);
  g_autoptr(GPtrArray) second = make_hospitals (nearest_first, free_beds, 3);
  g_autoptr(BbHospitalItem) third = NULL;
  g_autoptr(BbHospitalItem) now_first = NULL;
  guint position = 99;

  bb_hospital_list_set (list, first);
  third = g_list_model_get_item (G_LIST_MODEL (list), 2);
  bb_hospital_list_set (list, second);
  now_first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (third == now_first);
  g_assert_nonnull (bb_hospital_list_lookup (list, 2, &position));
  g_assert_cmpuint (position, ==, 2);
  g_assert_null (bb_hospital_list_lookup (list, 4, NULL));
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_bed_list_event_changes_one_bed (void)
{
  g_autoptr(BbBedList) beds = bb_bed_list_new (1, 7);
  g_autoptr(GPtrArray) array = make_beds (7, 10, 5);
  g_autoptr(GArray) changes = NULL;
  g_autoptr(BbBedItem) bed = NULL;
  BbBedStatus old_status = 0;
  gboolean old_reserved = TRUE;
  guint notified = 0;

  g_assert_false (bb_bed_list_get_loaded (beds));
  bb_bed_list_set (beds, array);
  g_assert_true (bb_bed_list_get_loaded (beds));
  bed = g_list_model_get_item (G_LIST_MODEL (beds), 3);
  g_assert_cmpint (bb_bed_item_get_id (bed), ==, 13);
  g_signal_connect (bed, "notify::status", G_CALLBACK (on_notify_count), &notified);

  changes = record_changes (beds);
  /* Bed 13 (position 3) is discharged to housekeeping. */
  g_assert_true (bb_bed_list_apply (beds, 13, BB_BED_STATUS_HOUSEKEEPING, FALSE,
                                    &old_status, &old_reserved));
  g_assert_cmpint (old_status, ==, BB_BED_STATUS_OCCUPIED);
  g_assert_false (old_reserved);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 3);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 1);
  g_assert_cmpint (bb_bed_item_get_status (bed), ==, BB_BED_STATUS_HOUSEKEEPING);
  g_assert_cmpuint (notified, ==, 1);

  /* A replayed event for the same state is no change. */
  g_assert_true (bb_bed_list_apply (beds, 13, BB_BED_STATUS_HOUSEKEEPING, FALSE, NULL, NULL));
  g_assert_cmpuint (changes->len, ==, 1);

  /* A bed of another ward is not ours. */
  g_assert_false (bb_bed_list_apply (beds, 99, BB_BED_STATUS_UNOCCUPIED, FALSE, NULL, NULL));
  g_assert_cmpuint (changes->len, ==, 1);

  /* Reserving bed 10 (position 0). */
  g_assert_true (bb_bed_list_apply (beds, 10, BB_BED_STATUS_UNOCCUPIED, TRUE, NULL, NULL));
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (changes, Change, 1).position, ==, 0);
}

static void
test_bed_list_new_answer_keeps_the_beds_that_stay (void)
{
  g_autoptr(BbBedList) beds = bb_bed_list_new (1, 7);
  g_autoptr(GPtrArray) first = make_beds (7, 10, 4);
  g_autoptr(GPtrArray) second = make_beds (7, 10, 4);
  g_autoptr(GArray) changes = NULL;
  g_autoptr(BbBedItem) bed_12 = NULL;
  g_autoptr(BbBedItem) now_first = NULL;
  guint position = 99;

  bb_bed_list_set (beds, first);
  bed_12 = g_list_model_get_item (G_LIST_MODEL (beds), 2);
  g_assert_cmpint (bb_bed_item_get_id (bed_12), ==, 12);

  /* Bed 10 is gone and bed 12 comes first: one change of the whole list,
   * bed 12 keeps its item, and lookups follow the new positions. */
  changes = record_changes (beds);
  g_ptr_array_remove_index (second, 0);
  {
    gpointer bed_11 = second->pdata[0];

    second->pdata[0] = second->pdata[1];
    second->pdata[1] = bed_11;
  }
  bb_bed_list_set (beds, second);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 4);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 3);
  now_first = g_list_model_get_item (G_LIST_MODEL (beds), 0);
  g_assert_true (now_first == bed_12);
  g_assert_true (bb_bed_list_lookup (beds, 11, &position) != NULL);
  g_assert_cmpuint (position, ==, 1);
  g_assert_null (bb_bed_list_lookup (beds, 10, NULL));
}

static void
test_bed_counts_slots_follow_the_server (void)
{
  BbBedCounts c = { 0, };

  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_UNOCCUPIED, FALSE) == &c.free);
  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_UNOCCUPIED, TRUE) == &c.reserved);
  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_OCCUPIED, FALSE) == &c.occupied);
  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_HOUSEKEEPING, FALSE) == &c.cleaning);
  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_CONTAMINATED, FALSE) == &c.cleaning);
  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_CLOSED, FALSE) == &c.closed);
  g_assert_true (bb_bed_counts_slot (&c, BB_BED_STATUS_ISOLATED, FALSE) == &c.closed);
}

/* A context on a server that is not there: nothing here needs one. */
static BbClientContext *
offline_context (void)
{
  g_autofree char *snapshot = g_build_filename (g_get_tmp_dir (), "bb-test-no-snapshot.json", NULL);

  return bb_client_context_new (NULL, "http://127.0.0.1:9", snapshot);
}

static void
test_context_event_moves_bed_and_counts (void)
{
  g_autoptr(BbClientContext) context = offline_context ();
  BbHospitalList *hospitals = bb_client_context_get_hospitals (context);
  const gint64 ids[] = { 1, 2 };
  const guint free_beds[] = { 4, 9 };
  g_autoptr(GPtrArray) array = make_hospitals (ids, free_beds, 2);
  g_autoptr(GPtrArray) wards = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_ward_free);
  g_autoptr(GPtrArray) beds_array = make_beds (21, 100, 6);
  g_autoptr(BbBedList) beds = NULL;
  g_autoptr(GArray) hospital_changes = NULL;
  g_autoptr(GArray) ward_changes = NULL;
  g_autoptr(GArray) bed_changes = NULL;
  BbHospitalItem *hospital;
  BbWardItem *ward;
  guint ward_position = 99;

  bb_hospital_list_set (hospitals, array);
  hospital = bb_hospital_list_lookup (hospitals, 2, NULL);
  g_ptr_array_add (wards, make_ward (20, 2, 10, 5));
  g_ptr_array_add (wards, make_ward (21, 2, 10, 4));
  bb_hospital_item_set_wards (hospital, wards);

  beds = bb_client_context_get_ward_beds (context, 2, 21);
  bb_bed_list_set (beds, beds_array);
  /* The same list is shared while someone holds it. */
  {
    g_autoptr(BbBedList) again = bb_client_context_get_ward_beds (context, 2, 21);

    g_assert_true (again == beds);
  }

  hospital_changes = record_changes (hospitals);
  ward_changes = record_changes (bb_hospital_item_get_wards (hospital));
  bed_changes = record_changes (beds);

  /* Bed 102 (position 2, free) is held by a booking. */
  bb_client_context_apply_bed_event (context, 2, 21, 102, BB_BED_STATUS_UNOCCUPIED, TRUE, 1700000100);

  g_assert_cmpuint (bed_changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (bed_changes, Change, 0).position, ==, 2);
  g_assert_cmpuint (hospital_changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (hospital_changes, Change, 0).position, ==, 1);
  g_assert_cmpuint (g_array_index (hospital_changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (hospital_changes, Change, 0).added, ==, 1);
  g_assert_cmpuint (ward_changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (ward_changes, Change, 0).position, ==, 1);

  g_assert_cmpuint (bb_hospital_item_get_free (hospital), ==, 8);
  g_assert_cmpuint (bb_hospital_item_get_beds (hospital)->reserved, ==, 1);
  g_assert_cmpint (bb_hospital_item_get_updated_at (hospital), ==, 1700000100);
  ward = bb_hospital_item_find_ward (hospital, 21, &ward_position);
  g_assert_cmpuint (ward_position, ==, 1);
  g_assert_cmpuint (bb_ward_item_get_free (ward), ==, 3);
  g_assert_cmpuint (bb_ward_item_get_beds (ward)->reserved, ==, 1);
  /* The other ward and hospital are untouched. */
  g_assert_cmpuint (bb_ward_item_get_free (bb_hospital_item_find_ward (hospital, 20, NULL)), ==, 5);
  g_assert_cmpuint (bb_hospital_item_get_free (bb_hospital_list_lookup (hospitals, 1, NULL)), ==, 4);

  /* When the bed list goes (after its load failed: no server), the
   * context forgets it. */
  {
    gpointer weak = beds;
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (G_OBJECT (beds), &weak);
    g_clear_object (&beds);
    while (weak != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (weak);
  }
  beds = bb_client_context_get_ward_beds (context, 2, 21);
  g_assert_false (bb_bed_list_get_loaded (beds));
}

static void
test_ward_set_updates_in_place (void)
{
  g_autoptr(BbHospital) h = make_hospital (5, 3);
  g_autoptr(BbHospitalItem) item = bb_hospital_item_new (h);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_ward_free);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_ward_free);
  g_autoptr(GPtrArray) third = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_ward_free);
  g_autoptr(GArray) changes = NULL;
  g_autoptr(BbWardItem) kept = NULL;

  g_assert_false (bb_hospital_item_get_has_wards (item));
  g_ptr_array_add (first, make_ward (1, 5, 10, 1));
  g_ptr_array_add (first, make_ward (2, 5, 10, 2));
  bb_hospital_item_set_wards (item, first);
  g_assert_true (bb_hospital_item_get_has_wards (item));
  kept = g_list_model_get_item (bb_hospital_item_get_wards (item), 1);

  changes = record_changes (bb_hospital_item_get_wards (item));
  g_ptr_array_add (second, make_ward (1, 5, 10, 1));
  g_ptr_array_add (second, make_ward (2, 5, 10, 0));
  bb_hospital_item_set_wards (item, second);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 1);
  g_assert_cmpuint (bb_ward_item_get_free (kept), ==, 0);
  g_assert_cmpfloat_with_epsilon (bb_ward_item_get_occupancy (kept), 1.0, 1e-9);

  /* A ward added by an admin: the others keep their items. */
  g_ptr_array_add (third, make_ward (1, 5, 10, 1));
  g_ptr_array_add (third, make_ward (2, 5, 10, 0));
  g_ptr_array_add (third, make_ward (3, 5, 4, 4));
  bb_hospital_item_set_wards (item, third);
  g_assert_cmpuint (g_list_model_get_n_items (bb_hospital_item_get_wards (item)), ==, 3);
  g_assert_true (bb_hospital_item_find_ward (item, 2, NULL) == kept);
}

static void
test_backoff_doubles_up_to_thirty_seconds (void)
{
  const guint expected[] = { 1, 1, 2, 4, 8, 16, 30, 30, 30 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (bb_live_events_backoff_for (i), ==, expected[i]);
  g_assert_cmpuint (bb_live_events_backoff_for (1000), ==, 30);
}

static void
test_snapshot_round_trip_and_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bb-snapshot-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "snapshot.json", NULL);
  g_autoptr(BbSnapshotCache) cache = bb_snapshot_cache_new (path);
  const gint64 ids[] = { 1, 2 };
  const guint free_beds[] = { 3, 0 };
  g_autoptr(GPtrArray) hospitals = make_hospitals (ids, free_beds, 2);
  g_autoptr(GHashTable) wards = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GHashTable) loaded_wards = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *w = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_ward_free);
  GPtrArray *lw;
  gint64 saved_at = 0;
  const BbHospital *h;

  g_assert_false (bb_snapshot_cache_load (cache, &loaded, &loaded_wards, &saved_at, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_ptr_array_add (w, make_ward (7, 1, 12, 3));
  g_hash_table_insert (wards, &((BbHospital *) g_ptr_array_index (hospitals, 0))->id, w);
  g_assert_true (bb_snapshot_cache_save (cache, hospitals, wards, 1700000500, &error));
  g_assert_no_error (error);

  g_assert_true (bb_snapshot_cache_load (cache, &loaded, &loaded_wards, &saved_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (saved_at, ==, 1700000500);
  g_assert_cmpuint (loaded->len, ==, 2);
  h = g_ptr_array_index (loaded, 1);
  g_assert_cmpint (h->id, ==, 2);
  g_assert_cmpstr (h->name, ==, "Hospital 2");
  g_assert_cmpuint (h->beds.free, ==, 0);
  g_assert_cmpuint (h->beds.total, ==, 20);
  lw = g_hash_table_lookup (loaded_wards, &((BbHospital *) g_ptr_array_index (loaded, 0))->id);
  g_assert_nonnull (lw);
  g_assert_cmpuint (lw->len, ==, 1);
  g_assert_cmpuint (((BbWard *) g_ptr_array_index (lw, 0))->beds.free, ==, 3);
  g_assert_null (g_hash_table_lookup (loaded_wards, &h->id));
  g_clear_pointer (&loaded, g_ptr_array_unref);
  g_clear_pointer (&loaded_wards, g_hash_table_unref);

  /* A truncated or foreign file reads as no snapshot, with a reason. */
  g_assert_true (g_file_set_contents (path, "{\"version\": 1, \"saved_at\": \"2026-", -1, NULL));
  g_assert_false (bb_snapshot_cache_load (cache, &loaded, &loaded_wards, &saved_at, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"version\": 99, \"saved_at\": \"2026-01-01T00:00:00Z\", \"hospitals\": []}", -1, NULL));
  g_assert_false (bb_snapshot_cache_load (cache, &loaded, &loaded_wards, &saved_at, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"version\": 1, \"saved_at\": \"2026-01-01T00:00:00Z\", \"hospitals\": [{\"id\": \"x\"}]}", -1, NULL));
  g_assert_false (bb_snapshot_cache_load (cache, &loaded, &loaded_wards, &saved_at, &error));
  g_assert_nonnull (error);
  g_assert_null (loaded);

  g_unlink (path);
  {
    g_autofree char *sub = g_path_get_dirname (path);

    g_rmdir (sub);
  }
  g_rmdir (dir);
}

static void
test_snapshot_is_kept_per_server (void)
{
  g_autoptr(BbClientContext) context = bb_client_context_new (NULL, "http://127.0.0.1:9", NULL);
  BbHospitalList *hospitals = bb_client_context_get_hospitals (context);
  const gint64 ids[] = { 1 };
  const guint free_beds[] = { 2 };
  g_autoptr(GPtrArray) array = make_hospitals (ids, free_beds, 1);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "bedboard",
                                                "snapshot-127.0.0.1-9.json", NULL);
  g_autofree char *other = g_build_filename (g_get_user_cache_dir (), "bedboard",
                                             "snapshot-beds.example.org-8470.json", NULL);

  g_assert_cmpstr (bb_snapshot_cache_get_path (bb_client_context_get_snapshot_cache (context)), ==, expected);
  bb_hospital_list_set (hospitals, array);

  /* Another server: its own snapshot, and nothing of the old one shown. */
  bb_client_context_set_server_url (context, "http://beds.example.org:8470");
  g_assert_cmpstr (bb_snapshot_cache_get_path (bb_client_context_get_snapshot_cache (context)), ==, other);
  g_assert_cmpstr (bb_api_client_get_base_url (bb_client_context_get_api (context)), ==,
                   "http://beds.example.org:8470");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hospitals)), ==, 0);
  g_assert_false (bb_client_context_get_loaded (context));
  g_assert_cmpint (bb_client_context_get_data_time (context), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("bb-models-cache-XXXXXX", NULL);

  /* Before GLib reads it: the default snapshot paths go under here. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/models/hospital-list/a-reload-changes-only-the-changed-row",
                   test_hospital_list_reload_changes_one_row);
  g_test_add_func ("/client/models/hospital-list/a-new-order-keeps-the-items",
                   test_hospital_list_new_order_keeps_items);
  g_test_add_func ("/client/models/hospital-item/wards-update-in-place",
                   test_ward_set_updates_in_place);
  g_test_add_func ("/client/models/bed-list/an-event-changes-one-bed-at-its-position",
                   test_bed_list_event_changes_one_bed);
  g_test_add_func ("/client/models/bed-list/a-new-answer-keeps-the-beds-that-stay",
                   test_bed_list_new_answer_keeps_the_beds_that_stay);
  g_test_add_func ("/client/models/bed-counts/slots-follow-the-server",
                   test_bed_counts_slots_follow_the_server);
  g_test_add_func ("/client/models/context/a-bed-event-moves-the-bed-and-the-counts",
                   test_context_event_moves_bed_and_counts);
  g_test_add_func ("/client/live-events/backoff-doubles-up-to-thirty-seconds",
                   test_backoff_doubles_up_to_thirty_seconds);
  g_test_add_func ("/client/snapshot/round-trips-and-refuses-bad-files",
                   test_snapshot_round_trip_and_bad_files);

  g_test_add_func ("/client/snapshot/is-kept-per-server",
                   test_snapshot_is_kept_per_server);

  {
    int status = g_test_run ();

    g_rmdir (cache);
    return status;
  }
}
