/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ward-board-page.c: the ward board under a display (Xvfb),
 * against a demo server on loopback with a staff login: the grid shows the
 * ward's beds, a bed offers only the actions valid for it, "Mark clean"
 * frees a bed in housekeeping, a refused action shows the server's reason
 * and changes nothing, and the privacy switch hides patient details.
 *
 * BB_WARD_SCREENSHOT=FILE.png saves the window with a bed selected (docs). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bb-bed-tile.h"
#include "bb-client-context.h"
#include "bb-ward-board-page.h"
#include "bb-window.h"
#include "../server/bb-test-server.h"

typedef struct
{
  BbTestServer    *server;
  char            *dir;
  char            *token;      /* staff, for checking what the server says */
  BbClientContext *context;
  BbWindow        *window;
  BbWardBoardPage *page;
} Fixture;

/* A request on a session of its own main context, so the client's events
 * are not dispatched while it runs. */
static BbTestResponse *
request_aside (Fixture    *f,
               const char *method,
               const char *path,
               const char *body)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  BbTestResponse *response;

  g_main_context_push_thread_default (context);
  session = soup_session_new ();
  response = bb_test_session_request (session, f->server->base_url, method, path, f->token, body);
  g_clear_object (&session);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  return response;
}

static gboolean
role_is_staff (gpointer data)
{
  Fixture *f = data;

  return bb_session_get_role (bb_client_context_get_session (f->context)) == BB_ROLE_STAFF;
}

static gboolean
page_is_ready (gpointer data)
{
  Fixture *f = data;

  return bb_page_get_ready (BB_PAGE (f->page));
}

static gboolean
ward_one_shown (gpointer data)
{
  Fixture *f = data;
  GtkSingleSelection *selection = bb_ward_board_page_get_selection (f->page);

  bb_ward_board_page_select_ward (f->page, 1, 1);
  return bb_ward_board_page_get_ward_id (f->page) == 1 &&
         gtk_single_selection_get_model (selection) != NULL &&
         g_list_model_get_n_items (gtk_single_selection_get_model (selection)) > 0;
}

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bb_session_login_finish (BB_SESSION (source), result, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *demo[] = { "--demo", NULL };
  g_autofree char *snapshot = NULL;
  g_autoptr(GSettings) settings = NULL;

  f->dir = g_dir_make_tmp ("bb-ward-test-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);
  f->token = bb_test_server_login (f->server, "staff@demo.bedboard", "demo");

  settings = g_settings_new ("org.bedboard.Bedboard");
  snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  f->context = bb_client_context_new (settings, f->server->base_url, snapshot);
  f->window = bb_window_new (NULL, f->context);
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  bb_client_context_start (f->context);

  bb_session_login_async (bb_client_context_get_session (f->context), "staff@demo.bedboard", "demo",
                          NULL, on_login, NULL);
  g_assert_true (bb_test_wait_until (role_is_staff, f, 20));
  g_assert_true (bb_window_show_page (f->window, "ward"));
  f->page = BB_WARD_BOARD_PAGE (bb_window_get_page (f->window, "ward"));
  g_assert_nonnull (f->page);
  g_assert_true (bb_test_wait_until (page_is_ready, f, 20));
  g_assert_true (bb_test_wait_until (ward_one_shown, f, 20));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);

  bb_client_context_stop (f->context);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->context);
  g_clear_pointer (&f->server, bb_test_server_free);
  g_free (f->token);
  g_unlink (snapshot);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* The beds of ward 1 as the server has them: status letters by bed id. */
static GHashTable *
server_beds (Fixture *f)
{
  g_autoptr(BbTestResponse) response = request_aside (f, "GET", "/api/v1/hospitals/1/wards/1/beds", NULL);
  GHashTable *beds = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  JsonArray *array;

  g_assert_cmpuint (response->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (response), "beds");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *bed = json_array_get_object_element (array, i);
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member (bed, "id");
      g_hash_table_insert (beds, id, g_strdup (json_object_get_string_member (bed, "status")));
    }
  return beds;
}

static void
collect_tiles (GtkWidget *widget,
               guint     *n_bound)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (BB_IS_BED_TILE (child))
        {
          if (bb_bed_tile_get_bed (BB_BED_TILE (child)) != NULL && gtk_widget_get_mapped (child))
            (*n_bound)++;
        }
      else
        collect_tiles (child, n_bound);
    }
}

static guint
find_bed (Fixture     *f,
          BbBedStatus  status,
          gboolean     with_admission)
{
  GListModel *model = G_LIST_MODEL (bb_ward_board_page_get_selection (f->page));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BbBedItem) bed = g_list_model_get_item (model, i);

      if (bb_bed_item_get_status (bed) == status && !bb_bed_item_get_reserved (bed) &&
          (!with_admission || bb_bed_item_get_admission_id (bed) > 0))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
admissions_loaded (gpointer data)
{
  Fixture *f = data;

  return find_bed (f, BB_BED_STATUS_OCCUPIED, TRUE) != GTK_INVALID_LIST_POSITION;
}

/* For the docs: the window as it is, when asked for. */
static void
save_screenshot (Fixture *f)
{
  const char *path = g_getenv ("BB_WARD_SCREENSHOT");
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  for (guint i = 0; i < 100; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (bb_window_render_to_png (f->window, path, &error));
  g_assert_no_error (error);
}

static gboolean
shown (BbBedDetails *details,
       BbBedAction   action)
{
  return gtk_widget_is_visible (bb_bed_details_get_button (details, action));
}

static void
test_ward_board_shows_the_beds_of_the_ward (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GHashTable) beds = server_beds (f);
  GListModel *model = G_LIST_MODEL (bb_ward_board_page_get_selection (f->page));
  guint n_tiles = 0;

  g_assert_cmpuint (g_hash_table_size (beds), ==, 20);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, g_hash_table_size (beds));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BbBedItem) bed = g_list_model_get_item (model, i);
      gint64 id = bb_bed_item_get_id (bed);
      const char *status = g_hash_table_lookup (beds, &id);
      char letter[2] = { (char) bb_bed_item_get_status (bed), '\0' };

      g_assert_nonnull (status);
      g_assert_cmpstr (letter, ==, status);
    }

  /* Every bed is on screen as a tile (the window is large enough). */
  g_assert_true (bb_test_wait_until ((BbTestCondition) gtk_widget_get_mapped, f->page, 10));
  for (guint tries = 0; tries < 50 && n_tiles != g_hash_table_size (beds); tries++)
    {
      n_tiles = 0;
      g_main_context_iteration (NULL, FALSE);
      collect_tiles (GTK_WIDGET (f->page), &n_tiles);
    }
  g_assert_cmpuint (n_tiles, ==, g_hash_table_size (beds));
}

static void
test_ward_board_offers_only_valid_actions (Fixture       *f,
                                           gconstpointer  data)
{
  GtkSingleSelection *selection = bb_ward_board_page_get_selection (f->page);
  BbBedDetails *details = bb_ward_board_page_get_details (f->page);
  GtkWidget *patient_group;
  GtkSwitch *privacy;
  guint occupied;
  guint offered;

  g_assert_true (bb_test_wait_until (admissions_loaded, f, 20));
  occupied = find_bed (f, BB_BED_STATUS_OCCUPIED, TRUE);
  gtk_single_selection_set_selected (selection, occupied);
  g_assert_true (bb_bed_details_get_bed (details) == gtk_single_selection_get_selected_item (selection));

  offered = bb_bed_details_get_offered (details);
  g_assert_true (offered & BB_BED_ACTION_DISCHARGE);
  g_assert_false (offered & BB_BED_ACTION_ADMIT);
  g_assert_false (offered & BB_BED_ACTION_MARK_CLEAN);
  g_assert_false (offered & BB_BED_ACTION_CLOSE);
  g_assert_true (shown (details, BB_BED_ACTION_DISCHARGE));
  g_assert_false (shown (details, BB_BED_ACTION_ADMIT));
  g_assert_false (shown (details, BB_BED_ACTION_MARK_CLEAN));

  /* Staff see the admission, unless the screen is shared. */
  patient_group = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (details), BB_TYPE_BED_DETAILS, "patient_group"));
  privacy = GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_WARD_BOARD_PAGE, "privacy_switch"));
  g_assert_false (gtk_switch_get_active (privacy));
  g_assert_true (gtk_widget_is_visible (patient_group));
  save_screenshot (f);
  gtk_switch_set_active (privacy, TRUE);
  g_assert_false (gtk_widget_is_visible (patient_group));
  g_assert_true (bb_bed_details_get_offered (details) & BB_BED_ACTION_DISCHARGE);
  gtk_switch_set_active (privacy, FALSE);
  g_assert_true (gtk_widget_is_visible (patient_group));

  /* The rule itself, for every state. */
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_OCCUPIED, FALSE, TRUE), ==,
                    BB_BED_ACTION_DISCHARGE | BB_BED_ACTION_TRANSFER);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_OCCUPIED, FALSE, FALSE), ==, 0);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_UNOCCUPIED, TRUE, FALSE), ==, BB_BED_ACTION_ADMIT);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_UNOCCUPIED, FALSE, FALSE), ==,
                    BB_BED_ACTION_ADMIT | BB_BED_ACTION_CLOSE | BB_BED_ACTION_ISOLATE);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_HOUSEKEEPING, FALSE, FALSE), ==,
                    BB_BED_ACTION_MARK_CLEAN | BB_BED_ACTION_CLOSE);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_CONTAMINATED, FALSE, FALSE), ==,
                    BB_BED_ACTION_TO_CLEANING | BB_BED_ACTION_CLOSE);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_CLOSED, FALSE, FALSE), ==, BB_BED_ACTION_REOPEN);
  g_assert_cmpuint (bb_bed_actions_valid (BB_BED_STATUS_ISOLATED, FALSE, FALSE), ==,
                    BB_BED_ACTION_REOPEN | BB_BED_ACTION_CLOSE);
}

typedef struct
{
  Fixture   *f;
  BbBedItem *bed;
  BbBedStatus status;
} BedWait;

static gboolean
bed_has_status_and_idle (gpointer data)
{
  BedWait *w = data;

  return bb_bed_item_get_status (w->bed) == w->status && !bb_ward_board_page_get_busy (w->f->page);
}

static gboolean
page_idle_with_error (gpointer data)
{
  Fixture *f = data;

  return !bb_ward_board_page_get_busy (f->page) && bb_ward_board_page_get_last_error (f->page) != NULL;
}

static void ensure_free_beds (Fixture *f,
                              guint    n);

static gboolean
page_not_busy (gpointer data)
{
  Fixture *f = data;

  return !bb_ward_board_page_get_busy (f->page);
}

static void
click_when_idle (Fixture   *f,
                 GtkWidget *button)
{
  g_assert_true (bb_test_wait_until (page_not_busy, f, 20));
  g_assert_true (gtk_widget_is_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
test_ward_board_marks_a_bed_clean (Fixture       *f,
                                   gconstpointer  data)
{
  GtkSingleSelection *selection = bb_ward_board_page_get_selection (f->page);
  BbBedDetails *details = bb_ward_board_page_get_details (f->page);
  g_autoptr(GHashTable) beds = NULL;
  g_autoptr(BbBedItem) bed = NULL;
  BedWait wait;
  guint position = find_bed (f, BB_BED_STATUS_HOUSEKEEPING, FALSE);
  gint64 id;

  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* No bed in housekeeping now: send a free one there, as a cleaner would. */
      g_autoptr(BbBedItem) free_bed = NULL;
      g_autoptr(BbTestResponse) response = NULL;
      g_autofree char *path = NULL;

      g_assert_true (bb_test_wait_until (admissions_loaded, f, 20));
      ensure_free_beds (f, 1);
      position = find_bed (f, BB_BED_STATUS_UNOCCUPIED, FALSE);
      g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
      free_bed = g_list_model_get_item (G_LIST_MODEL (selection), position);
      path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", bb_bed_item_get_id (free_bed));
      response = request_aside (f, "POST", path, "{\"status\": \"H\"}");
      g_assert_cmpuint (response->status, ==, 200);
      wait = (BedWait) { f, free_bed, BB_BED_STATUS_HOUSEKEEPING };
      g_assert_true (bb_test_wait_until (bed_has_status_and_idle, &wait, 20));
    }

  bed = g_list_model_get_item (G_LIST_MODEL (selection), position);
  id = bb_bed_item_get_id (bed);
  gtk_single_selection_set_selected (selection, position);
  g_assert_true (bb_bed_details_get_offered (details) & BB_BED_ACTION_MARK_CLEAN);
  g_assert_false (bb_bed_details_get_offered (details) & BB_BED_ACTION_DISCHARGE);
  g_assert_true (shown (details, BB_BED_ACTION_MARK_CLEAN));

  g_signal_emit_by_name (bb_bed_details_get_button (details, BB_BED_ACTION_MARK_CLEAN), "clicked");
  g_assert_true (bb_ward_board_page_get_busy (f->page));
  wait = (BedWait) { f, bed, BB_BED_STATUS_UNOCCUPIED };
  g_assert_true (bb_test_wait_until (bed_has_status_and_idle, &wait, 20));
  g_assert_null (bb_ward_board_page_get_last_error (f->page));

  beds = server_beds (f);
  g_assert_cmpstr (g_hash_table_lookup (beds, &id), ==, "U");
  /* Now free: the tile's bed offers admitting and closing, not cleaning. */
  g_assert_false (bb_bed_details_get_offered (details) & BB_BED_ACTION_MARK_CLEAN);
  g_assert_true (bb_bed_details_get_offered (details) & BB_BED_ACTION_CLOSE);
}

static void
test_ward_board_shows_why_an_action_was_refused (Fixture       *f,
                                                 gconstpointer  data)
{
  GtkSingleSelection *selection = bb_ward_board_page_get_selection (f->page);
  BbBedDetails *details = bb_ward_board_page_get_details (f->page);
  g_autoptr(BbBedItem) bed = NULL;
  g_autoptr(BbTestResponse) response = NULL;
  g_autoptr(GHashTable) beds = NULL;
  g_autofree char *path = NULL;
  BedWait wait;
  guint position;
  gint64 id;

  g_assert_true (bb_test_wait_until (admissions_loaded, f, 20));
  ensure_free_beds (f, 1);
  position = find_bed (f, BB_BED_STATUS_UNOCCUPIED, FALSE);
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  bed = g_list_model_get_item (G_LIST_MODEL (selection), position);
  id = bb_bed_item_get_id (bed);
  gtk_single_selection_set_selected (selection, position);
  g_assert_true (bb_bed_details_get_offered (details) & BB_BED_ACTION_CLOSE);

  /* Someone else closes the bed; the board has not heard yet (the main
   * loop has not run), so closing it again is refused by the server. */
  path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", id);
  response = request_aside (f, "POST", path, "{\"status\": \"C\"}");
  g_assert_cmpuint (response->status, ==, 200);
  g_signal_emit_by_name (bb_bed_details_get_button (details, BB_BED_ACTION_CLOSE), "clicked");
  g_assert_true (bb_test_wait_until (page_idle_with_error, f, 20));
  g_assert_nonnull (strstr (bb_ward_board_page_get_last_error (f->page), bb_bed_item_get_label (bed)));
  g_assert_nonnull (strstr (bb_ward_board_page_get_last_error (f->page), "already"));

  beds = server_beds (f);
  g_assert_cmpstr (g_hash_table_lookup (beds, &id), ==, "C");
  /* The other user's change arrives live, in place: the same tile's bed. */
  wait = (BedWait) { f, bed, BB_BED_STATUS_CLOSED };
  g_assert_true (bb_test_wait_until (bed_has_status_and_idle, &wait, 20));
  g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) bed);
  g_assert_cmpuint (bb_bed_details_get_offered (details), ==, BB_BED_ACTION_REOPEN);
}

static gboolean
admit_offered (gpointer data)
{
  Fixture *f = data;

  return bb_bed_details_get_offered (bb_ward_board_page_get_details (f->page)) & BB_BED_ACTION_ADMIT;
}

typedef struct
{
  BbBedItem *bed;
} AdmissionWait;

static gboolean
bed_has_admission (gpointer data)
{
  AdmissionWait *w = data;

  return bb_bed_item_get_status (w->bed) == BB_BED_STATUS_OCCUPIED && bb_bed_item_get_admission_id (w->bed) > 0;
}

/* Frees beds of ward 1 on the server (as housekeeping and discharges do)
 * until it has at least n free ones, and waits for the board to show them. */
typedef struct
{
  Fixture *f;
  guint    n;
} FreeWait;

static guint
count_free (Fixture *f)
{
  GListModel *model = G_LIST_MODEL (bb_ward_board_page_get_selection (f->page));
  guint n_free = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BbBedItem) bed = g_list_model_get_item (model, i);

      n_free += bb_bed_item_get_status (bed) == BB_BED_STATUS_UNOCCUPIED && !bb_bed_item_get_reserved (bed);
    }
  return n_free;
}

static gboolean
enough_free (gpointer data)
{
  FreeWait *w = data;

  return count_free (w->f) >= w->n;
}

static void
ensure_free_beds (Fixture *f,
                  guint    n)
{
  GListModel *model = G_LIST_MODEL (bb_ward_board_page_get_selection (f->page));
  guint missing = count_free (f) < n ? n - count_free (f) : 0;
  FreeWait wait = { f, n };

  for (guint i = 0; i < g_list_model_get_n_items (model) && missing > 0; i++)
    {
      g_autoptr(BbBedItem) bed = g_list_model_get_item (model, i);
      g_autofree char *path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", bb_bed_item_get_id (bed));
      BbBedStatus status = bb_bed_item_get_status (bed);

      if (bb_bed_item_get_reserved (bed) || status == BB_BED_STATUS_UNOCCUPIED)
        continue;
      if (status == BB_BED_STATUS_OCCUPIED)
        {
          g_autofree char *discharge = NULL;
          g_autoptr(BbTestResponse) response = NULL;

          if (bb_bed_item_get_admission_id (bed) == 0)
            continue;
          discharge = g_strdup_printf ("/api/v1/admissions/%" G_GINT64_FORMAT "/discharge",
                                       bb_bed_item_get_admission_id (bed));
          response = request_aside (f, "POST", discharge, NULL);
          g_assert_cmpuint (response->status, ==, 200);
          status = BB_BED_STATUS_HOUSEKEEPING;
        }
      if (status == BB_BED_STATUS_CONTAMINATED)
        {
          g_autoptr(BbTestResponse) response = request_aside (f, "POST", path, "{\"status\": \"H\"}");

          g_assert_cmpuint (response->status, ==, 200);
        }
      {
        g_autoptr(BbTestResponse) response = request_aside (f, "POST", path, "{\"status\": \"U\"}");

        g_assert_cmpuint (response->status, ==, 200);
      }
      missing--;
    }
  g_assert_cmpuint (missing, ==, 0);
  g_assert_true (bb_test_wait_until (enough_free, &wait, 20));
}

static void
test_ward_board_admits_and_transfers (Fixture       *f,
                                      gconstpointer  data)
{
  GtkSingleSelection *selection = bb_ward_board_page_get_selection (f->page);
  BbBedDetails *details = bb_ward_board_page_get_details (f->page);
  g_autoptr(BbTestResponse) booking = NULL;
  g_autoptr(BbBedItem) held = NULL;
  g_autoptr(BbBedItem) target = NULL;
  g_autoptr(GHashTable) beds = NULL;
  GtkDropDown *targets;
  AdmissionWait admitted;
  BedWait wait;
  guint position;
  gint64 held_id;
  gint64 target_id;

  /* One bed to hold, one to move the patient to. */
  g_assert_true (bb_test_wait_until (admissions_loaded, f, 20));
  ensure_free_beds (f, 2);

  /* The admissions desk holds a bed for a patient on the way. */
  booking = request_aside (f, "POST", "/api/v1/bookings",
                           "{\"hospital\": 1, \"ward\": 1, \"patient_ref\": \"TEST-ARRIVING\"}");
  g_assert_cmpuint (booking->status, ==, 201);
  held_id = json_object_get_int_member (bb_test_response_object (booking), "bed");
  held = bb_bed_list_lookup (BB_BED_LIST (gtk_single_selection_get_model (selection)), held_id, &position);
  g_assert_nonnull (held);
  g_object_ref (held);
  g_assert_true (bb_test_wait_until ((BbTestCondition) bb_bed_item_get_reserved, held, 20));

  /* The reserved bed offers admitting that booking, and nothing else. */
  gtk_single_selection_set_selected (selection, position);
  g_assert_true (bb_test_wait_until (admit_offered, f, 20));
  g_assert_cmpuint (bb_bed_details_get_offered (details), ==, BB_BED_ACTION_ADMIT);
  click_when_idle (f, bb_bed_details_get_button (details, BB_BED_ACTION_ADMIT));
  admitted = (AdmissionWait) { held };
  g_assert_true (bb_test_wait_until (bed_has_admission, &admitted, 20));
  g_assert_false (bb_bed_item_get_reserved (held));
  g_assert_true (bb_bed_details_get_offered (details) & BB_BED_ACTION_TRANSFER);

  /* Then moved to another free bed: the old one goes to housekeeping. */
  targets = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (details), BB_TYPE_BED_DETAILS, "transfer_dropdown"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (targets)), >, 0);
  target = g_object_ref (gtk_drop_down_get_selected_item (targets));
  target_id = bb_bed_item_get_id (target);
  g_assert_cmpint (target_id, !=, held_id);
  g_assert_cmpint (bb_bed_item_get_status (target), ==, BB_BED_STATUS_UNOCCUPIED);
  click_when_idle (f, bb_bed_details_get_button (details, BB_BED_ACTION_TRANSFER));
  wait = (BedWait) { f, held, BB_BED_STATUS_HOUSEKEEPING };
  g_assert_true (bb_test_wait_until (bed_has_status_and_idle, &wait, 20));
  admitted = (AdmissionWait) { target };
  g_assert_true (bb_test_wait_until (bed_has_admission, &admitted, 20));
  g_assert_null (bb_ward_board_page_get_last_error (f->page));

  beds = server_beds (f);
  g_assert_cmpstr (g_hash_table_lookup (beds, &held_id), ==, "H");
  g_assert_cmpstr (g_hash_table_lookup (beds, &target_id), ==, "O");

  /* And discharged from there. */
  position = G_MAXUINT;
  g_assert_nonnull (bb_bed_list_lookup (BB_BED_LIST (gtk_single_selection_get_model (selection)), target_id, &position));
  gtk_single_selection_set_selected (selection, position);
  click_when_idle (f, bb_bed_details_get_button (details, BB_BED_ACTION_DISCHARGE));
  wait = (BedWait) { f, target, BB_BED_STATUS_HOUSEKEEPING };
  g_assert_true (bb_test_wait_until (bed_has_status_and_idle, &wait, 20));
  g_hash_table_unref (g_steal_pointer (&beds));
  beds = server_beds (f);
  g_assert_cmpstr (g_hash_table_lookup (beds, &target_id), ==, "H");
}

typedef struct
{
  BbWardBoardPage *page;
  gint64           ward_id;
} WardWait;

static gboolean
ward_shown_and_loaded (gpointer data)
{
  WardWait *w = data;
  GListModel *model = gtk_single_selection_get_model (bb_ward_board_page_get_selection (w->page));

  return bb_ward_board_page_get_ward_id (w->page) == w->ward_id &&
         model != NULL && bb_bed_list_get_loaded (BB_BED_LIST (model));
}

static gboolean
ward_two_chosen (gpointer data)
{
  Fixture *f = data;

  return bb_ward_board_page_select_ward (f->page, 1, 2) && bb_ward_board_page_get_ward_id (f->page) == 2;
}

static void
test_ward_board_remembers_the_last_ward (Fixture       *f,
                                         gconstpointer  data)
{
  GSettings *settings = bb_client_context_get_settings (f->context);
  g_autoptr(BbWardBoardPage) again = NULL;
  WardWait wait;

  /* The user picks another ward; a board opened later shows it. */
  g_assert_true (bb_test_wait_until (ward_two_chosen, f, 20));
  g_assert_cmpint (g_settings_get_int64 (settings, "ward-board-hospital"), ==, 1);
  g_assert_cmpint (g_settings_get_int64 (settings, "ward-board-ward"), ==, 2);

  again = g_object_ref_sink (g_object_new (BB_TYPE_WARD_BOARD_PAGE, "context", f->context, NULL));
  wait = (WardWait) { again, 2 };
  g_assert_true (bb_test_wait_until (ward_shown_and_loaded, &wait, 20));
  g_assert_true (bb_page_get_ready (BB_PAGE (again)));
  /* Restoring is not a choice: the settings stay as they were. */
  g_assert_cmpint (g_settings_get_int64 (settings, "ward-board-ward"), ==, 2);

  /* The privacy switch is the setting, both ways. */
  g_settings_set_boolean (settings, "privacy-mode", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (again), BB_TYPE_WARD_BOARD_PAGE, "privacy_switch"))));
  gtk_switch_set_active (GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_WARD_BOARD_PAGE, "privacy_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "privacy-mode"));
}

static gboolean
context_offline (gpointer data)
{
  Fixture *f = data;

  return !bb_client_context_get_online (f->context);
}

static gboolean
says_offline (gpointer data)
{
  Fixture *f = data;
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_WARD_BOARD_PAGE, "content_stack"));
  AdwStatusPage *empty = ADW_STATUS_PAGE (gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_WARD_BOARD_PAGE, "empty_page"));

  bb_ward_board_page_select_ward (f->page, 1, 3);
  return bb_ward_board_page_get_ward_id (f->page) == 3 &&
         g_strcmp0 (gtk_stack_get_visible_child_name (stack), "empty") == 0 &&
         g_strcmp0 (adw_status_page_get_title (empty), "Offline") == 0;
}

static void
test_ward_board_says_when_it_is_offline (Fixture       *f,
                                         gconstpointer  data)
{
  GListModel *shown = gtk_single_selection_get_model (bb_ward_board_page_get_selection (f->page));
  guint n = g_list_model_get_n_items (shown);

  bb_test_server_stop (f->server, TRUE);
  g_assert_true (bb_test_wait_until (context_offline, f, 20));
  /* The ward on screen keeps its last beds. */
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n);
  /* A ward never loaded cannot be shown: the page says why, not a spinner. */
  g_assert_true (bb_test_wait_until (says_offline, f, 20));
}

/* The application's style, as AdwApplication loads it for the real app. */
static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/org/bedboard/Bedboard/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
on_log_fatal (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        data)
{
  /* Xvfb has no window manager to hand focus back. */
  return !(g_strcmp0 (domain, "Gtk") == 0 && strstr (message, "did not receive a focus-out event") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* Without a session bus (the ui tests run without one) the accessibility bridge
   * would warn, and warnings are fatal in tests. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_test_log_set_fatal_handler (on_log_fatal, NULL);
  load_style ();

  g_test_add ("/ui/ward-board/shows-the-beds-of-the-ward", Fixture, NULL,
              fixture_set_up, test_ward_board_shows_the_beds_of_the_ward, fixture_tear_down);
  g_test_add ("/ui/ward-board/offers-only-the-actions-valid-for-a-bed", Fixture, NULL,
              fixture_set_up, test_ward_board_offers_only_valid_actions, fixture_tear_down);
  g_test_add ("/ui/ward-board/marking-a-bed-clean-frees-it", Fixture, NULL,
              fixture_set_up, test_ward_board_marks_a_bed_clean, fixture_tear_down);
  g_test_add ("/ui/ward-board/a-refused-action-shows-the-reason-and-changes-nothing", Fixture, NULL,
              fixture_set_up, test_ward_board_shows_why_an_action_was_refused, fixture_tear_down);
  g_test_add ("/ui/ward-board/admits-a-held-booking-transfers-and-discharges", Fixture, NULL,
              fixture_set_up, test_ward_board_admits_and_transfers, fixture_tear_down);
  g_test_add ("/ui/ward-board/remembers-the-last-ward-and-the-privacy-switch", Fixture, NULL,
              fixture_set_up, test_ward_board_remembers_the_last_ward, fixture_tear_down);
  g_test_add ("/ui/ward-board/says-when-it-is-offline", Fixture, NULL,
              fixture_set_up, test_ward_board_says_when_it_is_offline, fixture_tear_down);

  return g_test_run ();
}
