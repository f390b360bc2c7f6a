/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-booking-page.c: the booking page in the window under a display
 * (Xvfb), as staff against a demo server on loopback: the intake form
 * has the model card's features, the forecast fills the verdict and the
 * patient's stay, booking and confirming gives a confirmed booking on the
 * server with the forecast shown, and a 409 or a lost server keeps
 * everything the user entered.
 *
 * BB_BOOKING_SCREENSHOT=FILE.png saves the window with a forecast shown. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "bb-booking-page.h"
#include "bb-client-context.h"
#include "../server/bb-test-server.h"

typedef struct
{
  BbTestServer    *server;
  char            *dir;
  BbClientContext *context;
  GtkWindow       *window;
  BbBookingPage   *page;
  char            *token;     /* staff, for checking on the server */
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
staff_logged_in (gpointer data)
{
  Fixture *f = data;

  return bb_session_get_role (bb_client_context_get_session (f->context)) == BB_ROLE_STAFF;
}

static gboolean
page_ready (gpointer data)
{
  Fixture *f = data;

  return bb_page_get_ready (BB_PAGE (f->page)) && !bb_booking_page_get_busy (f->page) &&
         bb_booking_page_get_forecast (f->page) != NULL;
}

static gboolean
page_settled (gpointer data)
{
  Fixture *f = data;

  return !bb_booking_page_get_busy (f->page);
}

static gboolean
stay_shown (gpointer data)
{
  Fixture *f = data;
  const BbBookingForecast *forecast = bb_booking_page_get_forecast (f->page);

  return !bb_booking_page_get_busy (f->page) && forecast != NULL && forecast->has_stay;
}

/* The forecast for a start at 09:30 local time has come in: waiting for
 * any shown stay could see the one from before the time was changed. */
static gboolean
stay_shown_for_half_past_nine (gpointer data)
{
  Fixture *f = data;
  const BbBookingForecast *forecast = bb_booking_page_get_forecast (f->page);
  g_autoptr(GDateTime) start = NULL;

  if (!stay_shown (data))
    return FALSE;
  start = g_date_time_new_from_unix_local (forecast->start);
  return g_date_time_get_hour (start) == 9 && g_date_time_get_minute (start) == 30;
}

/* The page has read the ward again since its beds were taken. */
static gboolean
stay_shown_with_no_bed_free (gpointer data)
{
  Fixture *f = data;

  return stay_shown (data) && !bb_booking_page_get_forecast (f->page)->free_now;
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
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *models = NULL;

  f->dir = g_dir_make_tmp ("bb-booking-page-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);
  f->token = bb_test_server_login (f->server, "staff@demo.bedboard", "demo");

  settings = g_settings_new ("org.bedboard.Bedboard");
  snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  models = g_build_filename (f->dir, "models", NULL);
  f->context = bb_client_context_new (settings, f->server->base_url, snapshot);
  bb_api_client_set_model_cache_dir (bb_client_context_get_api (f->context), models);
  /* The page alone in a window, as the main window holds it (which
   * test-window covers), so only this page's code is under test. */
  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (f->window);
  gtk_window_set_title (f->window, "Booking");
  gtk_window_set_titlebar (f->window, adw_header_bar_new ());
  gtk_window_set_default_size (f->window, 1100, 900);
  f->page = BB_BOOKING_PAGE (bb_booking_page_new (f->context));
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  g_assert_cmpstr (bb_page_get_title (BB_PAGE (f->page)), ==, "Booking");
  g_assert_cmpint (bb_page_get_min_role (BB_PAGE (f->page)), ==, BB_ROLE_STAFF);
  gtk_window_present (f->window);
  bb_client_context_start (f->context);
  bb_session_login_async (bb_client_context_get_session (f->context), "staff@demo.bedboard", "demo",
                          NULL, on_login, NULL);
  g_assert_true (bb_test_wait_until (staff_logged_in, f, 20));
  g_assert_true (bb_test_wait_until (page_ready, f, 30));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->context != NULL)
    bb_client_context_stop (f->context);
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  g_clear_object (&f->window);
  g_clear_object (&f->context);
  g_clear_pointer (&f->server, bb_test_server_free);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->token);
}

static GtkWidget *
page_child (Fixture    *f,
            const char *name)
{
  GtkWidget *child = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_BOOKING_PAGE, name));

  g_assert_nonnull (child);
  return child;
}

/* With BB_BOOKING_SCREENSHOT set, keeps a picture of the page (docs). */
static void
save_screenshot (Fixture *f)
{
  GtkWidget *widget = GTK_WIDGET (f->window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w, h;

  if (g_getenv ("BB_BOOKING_SCREENSHOT") == NULL)
    return;
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, g_getenv ("BB_BOOKING_SCREENSHOT")));
}

/* A click as a person would give it: only on a button they can press. */
static void
click (Fixture    *f,
       const char *name)
{
  GtkWidget *button = page_child (f, name);

  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
fill_intake (Fixture    *f,
             const char *patient_ref)
{
  BbIntakeForm *form = bb_booking_page_get_intake_form (f->page);

  bb_intake_form_set_patient_ref (form, patient_ref);
  g_assert_true (bb_intake_form_set_value (form, "age", "71"));
  g_assert_true (bb_intake_form_set_value (form, "gender", "Male"));
  g_assert_true (bb_intake_form_set_value (form, "apacheadmissiondx", "Sepsis, pulmonary"));
  g_assert_true (bb_intake_form_set_value (form, "admissionweight", "82"));
  g_assert_true (bb_intake_form_set_value (form, "unitadmitsource", "Emergency Department"));
  g_assert_false (bb_intake_form_set_value (form, "gender", "Robot"));
  g_assert_false (bb_intake_form_set_value (form, "shoe_size", "44"));
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
}

/* The form is the card: one field per feature, of the right kind; the
 * forecast fills the verdict, the stay and its drivers. */
static void
test_form_follows_the_card_and_the_forecast_fills_the_verdict (Fixture       *f,
                                                                 gconstpointer  data)
{
  BbIntakeForm *form = bb_booking_page_get_intake_form (f->page);
  BbLosCard *card = bb_intake_form_get_card (form);
  const BbBookingForecast *forecast;
  g_autoptr(JsonObject) features = NULL;
  g_autofree char *verdict = NULL;
  g_autofree char *stay = NULL;
  GtkWidget *diagnosis;

  g_assert_nonnull (card);
  g_assert_cmpstr (bb_los_card_get_name (card), ==, "icu-los");
  g_assert_cmpuint (bb_intake_form_get_n_fields (form), ==, bb_los_card_get_n_features (card));
  g_assert_cmpuint (bb_intake_form_get_n_fields (form), ==, 12);
  g_assert_true (GTK_IS_SPIN_BUTTON (bb_intake_form_get_field (form, "age")));
  diagnosis = bb_intake_form_get_field (form, "apacheadmissiondx");
  g_assert_true (GTK_IS_DROP_DOWN (diagnosis));
  g_assert_true (gtk_drop_down_get_enable_search (GTK_DROP_DOWN (diagnosis)));
  /* "Not given" and the card's values. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (diagnosis))), ==,
                    bb_los_card_get_feature (card, bb_los_card_find_feature (card, "apacheadmissiondx"))->n_values + 1);
  g_assert_true (ADW_IS_COMBO_ROW (bb_intake_form_get_field (form, "gender")));

  /* Empty fields are not sent. */
  features = bb_intake_form_get_features (form);
  g_assert_cmpuint (json_object_get_size (features), ==, 0);
  g_clear_pointer (&features, json_object_unref);

  /* The first ward's forecast is there from the start, without a stay. */
  forecast = bb_booking_page_get_forecast (f->page);
  g_assert_false (forecast->has_stay);
  g_assert_cmpstr (bb_booking_page_get_verdict_text (f->page), !=, "");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (f, "verdict_label"))), ==,
                   bb_booking_page_get_verdict_text (f->page));

  fill_intake (f, "MRN-20931");
  features = bb_intake_form_get_features (form);
  g_assert_cmpuint (json_object_get_size (features), ==, 5);
  g_assert_cmpint (json_object_get_int_member (features, "age"), ==, 71);
  g_assert_cmpstr (json_object_get_string_member (features, "gender"), ==, "Male");

  forecast = bb_booking_page_get_forecast (f->page);
  g_assert_true (forecast->has_stay);
  verdict = bb_booking_forecast_describe_verdict (forecast);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (f, "verdict_label"))), ==, verdict);
  g_assert_true (g_str_equal (verdict, "A bed is free now") || g_str_has_prefix (verdict, "Likely free by") ||
                 g_str_has_prefix (verdict, "Unlikely"));
  stay = bb_booking_forecast_describe_stay (forecast);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (f, "stay_label"))), ==, stay);
  g_assert_true (g_str_has_prefix (stay, "Likely stay "));
  g_assert_true (gtk_widget_get_visible (page_child (f, "drivers_group")));
  g_assert_nonnull (gtk_widget_get_first_child (page_child (f, "drivers_list")));
  g_assert_true (gtk_widget_get_sensitive (page_child (f, "book_button")));

  /* A start in 12 days is judged by the chance a bed is free then. */
  bb_booking_page_set_start (f->page, g_get_real_time () / G_USEC_PER_SEC + 12 * 86400);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  forecast = bb_booking_page_get_forecast (f->page);
  g_assert_cmpfloat (forecast->start_hours, >, 11 * 24);
  g_assert_true (forecast->verdict == BB_BOOKING_VERDICT_FREE_AT_START ||
                 forecast->verdict == BB_BOOKING_VERDICT_FULL_AT_START);
  /* The popover's hour and minute change the start. */
  g_assert_true (gtk_widget_get_visible (page_child (f, "start_time_row")));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (page_child (f, "hour_spin")), 9);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (page_child (f, "minute_spin")), 30);
  g_assert_true (bb_test_wait_until (stay_shown_for_half_past_nine, f, 30));
  {
    g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (bb_booking_page_get_forecast (f->page)->start);

    g_assert_cmpint (g_date_time_get_hour (start), ==, 9);
    g_assert_cmpint (g_date_time_get_minute (start), ==, 30);
  }

  bb_booking_page_set_start (f->page, 0);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  g_assert_cmpfloat (bb_booking_page_get_forecast (f->page)->start_hours, ==, 0);
  g_assert_false (gtk_widget_get_visible (page_child (f, "start_time_row")));

}

static gboolean
booking_has_status (Fixture         *f,
                    BbBookingStatus  status)
{
  const BbBooking *booking = bb_booking_page_get_booking (f->page);

  return booking != NULL && booking->status == status && !bb_booking_page_get_busy (f->page);
}

static gboolean
booking_held (gpointer data)
{
  return booking_has_status (data, BB_BOOKING_HELD);
}

static gboolean
booking_confirmed (gpointer data)
{
  return booking_has_status (data, BB_BOOKING_CONFIRMED);
}

static gboolean
error_shown (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (bb_booking_page_get_error_text (f->page), "") != 0 && !bb_booking_page_get_busy (f->page);
}

/* Book bed holds a bed; Confirm booking confirms it on the server with
 * the forecast that was shown. */
static void
test_booking_and_confirming_reaches_the_server (Fixture       *f,
                                                gconstpointer  data)
{
  g_autoptr(BbTestResponse) response = NULL;
  g_autofree char *path = NULL;
  const BbBooking *booking;
  JsonObject *object, *forecast;
  double shown_days;
  gint64 id, bed;

  fill_intake (f, "MRN-20931");
  g_assert_true (bb_booking_page_get_forecast (f->page)->free_now);
  shown_days = bb_booking_page_get_forecast (f->page)->stay.median_days;

  g_assert_false (gtk_widget_get_visible (page_child (f, "confirm_button")));
  click (f, "book_button");
  g_assert_true (bb_test_wait_until (booking_held, f, 20));
  booking = bb_booking_page_get_booking (f->page);
  g_assert_cmpint (booking->bed_id, !=, 0);
  g_assert_cmpint (booking->ward_id, ==, bb_booking_page_get_ward_id (f->page));
  g_assert_cmpstr (booking->patient_ref, ==, "MRN-20931");
  g_assert_true (gtk_widget_get_visible (page_child (f, "confirm_button")));
  g_assert_true (gtk_widget_get_visible (page_child (f, "booking_group")));
  /* While a bed is held the request cannot change under it. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (bb_booking_page_get_intake_form (f->page))));
  id = booking->id;
  bed = booking->bed_id;

  click (f, "confirm_button");
  g_assert_true (bb_test_wait_until (booking_confirmed, f, 20));
  g_assert_cmpstr (bb_booking_page_get_error_text (f->page), ==, "");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (page_child (f, "booking_row"))),
                            "confirmed"));
  /* The bed by its label, as the ward board shows it. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (page_child (f, "booking_row"))),
                            "Bed MICU-"));

  path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT, id);
  response = bb_test_server_request (f->server, "GET", path, f->token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  object = bb_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "confirmed");
  g_assert_cmpint (json_object_get_int_member (object, "bed"), ==, bed);
  forecast = json_object_get_object_member (object, "forecast");
  g_assert_nonnull (forecast);
  g_assert_cmpstr (json_object_get_string_member (forecast, "model"), ==, "icu-los");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (forecast, "los_days"), shown_days, 1e-6);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "features"), "age"), ==, 71);

  /* Ready for the next patient: the form is free again. */
  g_assert_true (bb_test_wait_until (page_settled, f, 20));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (bb_booking_page_get_intake_form (f->page))));
  g_assert_false (gtk_widget_get_visible (page_child (f, "confirm_button")));
  g_assert_cmpstr (bb_intake_form_get_patient_ref (bb_booking_page_get_intake_form (f->page)), ==, "");

  /* A booking twelve days ahead holds no bed: the server decides it with
   * its forecast, which likely has a bed for it by then. */
  bb_intake_form_set_patient_ref (bb_booking_page_get_intake_form (f->page), "MRN-LATER");
  bb_booking_page_set_start (f->page, g_get_real_time () / G_USEC_PER_SEC + 12 * 86400);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  g_assert_cmpint (bb_booking_page_get_forecast (f->page)->verdict, ==, BB_BOOKING_VERDICT_FREE_AT_START);
  click (f, "book_button");
  g_assert_true (bb_test_wait_until (booking_held, f, 20));
  booking = bb_booking_page_get_booking (f->page);
  g_assert_cmpint (booking->id, !=, id);
  g_assert_cmpint (booking->bed_id, ==, 0);
  g_assert_cmpint (booking->start, >, g_get_real_time () / G_USEC_PER_SEC + 11 * 86400);
  click (f, "confirm_button");
  g_assert_true (bb_test_wait_until (booking_confirmed, f, 20));
}

static void
assert_form_kept (Fixture    *f,
                  JsonObject *before)
{
  BbIntakeForm *form = bb_booking_page_get_intake_form (f->page);
  g_autoptr(JsonObject) after = bb_intake_form_get_features (form);
  g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), before);
  g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), after);

  g_assert_true (json_node_equal (a, b));
  g_assert_cmpstr (bb_intake_form_get_patient_ref (form), ==, "MRN-409");
  g_assert_null (bb_booking_page_get_booking (f->page));
}

static gboolean
alternatives_shown (gpointer data)
{
  Fixture *f = data;

  return bb_booking_page_get_n_alternatives (f->page) > 0;
}

/* Whatever patients the demo drew (real stays next to the checkout, or
 * synthetic ones from the cards without it), leave at least one bed of the
 * ward free: discharge its first inpatient and clean the bed. */
static void
make_a_bed_free (Fixture *f,
                 gint64   ward_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/1/inpatients?ward=%" G_GINT64_FORMAT, ward_id);
  g_autoptr(BbTestResponse) inpatients = bb_test_server_request (f->server, "GET", path, f->token, NULL);
  g_autoptr(BbTestResponse) discharged = NULL;
  g_autoptr(BbTestResponse) cleaned = NULL;
  g_autofree char *discharge_path = NULL;
  g_autofree char *status_path = NULL;
  JsonArray *list;
  JsonObject *first;

  g_assert_cmpuint (inpatients->status, ==, 200);
  list = json_object_get_array_member (bb_test_response_object (inpatients), "inpatients");
  g_assert_cmpuint (json_array_get_length (list), >, 0);
  first = json_array_get_object_element (list, 0);
  discharge_path = g_strdup_printf ("/api/v1/admissions/%" G_GINT64_FORMAT "/discharge",
                                    json_object_get_int_member (first, "id"));
  discharged = bb_test_server_request (f->server, "POST", discharge_path, f->token, NULL);
  g_assert_cmpuint (discharged->status, ==, 200);
  status_path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", json_object_get_int_member (first, "bed"));
  cleaned = bb_test_server_request (f->server, "POST", status_path, f->token, "{\"status\": \"U\"}");
  g_assert_cmpuint (cleaned->status, ==, 200);
}

/* Someone takes the last beds between the forecast and the click: the
 * 409 is explained and nothing entered is lost; a lost server too. */
static void
test_a_409_keeps_the_form (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) before = NULL;
  gint64 ward_id;
  guint taken = 0;

  /* The coronary care unit: its free beds can all be taken. */
  make_a_bed_free (f, 2);
  g_assert_true (bb_booking_page_select_ward (f->page, 1, 2));
  g_assert_cmpint (bb_booking_page_get_ward_id (f->page), ==, 2);
  fill_intake (f, "MRN-409");
  g_assert_cmpint (bb_booking_page_get_forecast (f->page)->capacity, ==, 12);
  before = bb_intake_form_get_features (bb_booking_page_get_intake_form (f->page));
  ward_id = bb_booking_page_get_ward_id (f->page);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"hospital\": 1, \"ward\": %" G_GINT64_FORMAT
                                               ", \"patient_ref\": \"OTHER-%u\"}", ward_id, i);
      g_autoptr(BbTestResponse) response = bb_test_server_request (f->server, "POST", "/api/v1/bookings",
                                                                   f->token, body);

      if (response->status == 409)
        {
          g_assert_cmpstr (bb_test_response_error_code (response), ==, "no_capacity");
          break;
        }
      g_assert_cmpuint (response->status, ==, 201);
      taken++;
    }
  g_assert_cmpuint (taken, >, 0);

  click (f, "book_button");
  g_assert_true (bb_test_wait_until (error_shown, f, 20));
  g_assert_nonnull (strstr (bb_booking_page_get_error_text (f->page), "No bed of this ward is free to hold now"));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (page_child (f, "error_revealer"))));
  assert_form_kept (f, before);

  /* The page reads the ward again: no bed now, and alternatives. */
  g_assert_true (bb_test_wait_until (stay_shown_with_no_bed_free, f, 30));
  g_assert_cmpint (bb_booking_page_get_forecast (f->page)->verdict, !=, BB_BOOKING_VERDICT_FREE_NOW);
  assert_form_kept (f, before);
  save_screenshot (f);

  /* A quarter of an hour ahead the full unit most likely still is: a poor
   * answer. There is no other coronary care unit in the network: the
   * alternatives say so. */
  bb_booking_page_set_start (f->page, g_get_real_time () / G_USEC_PER_SEC + 15 * 60);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  g_assert_cmpint (bb_booking_page_get_forecast (f->page)->verdict, ==, BB_BOOKING_VERDICT_FULL_AT_START);
  g_assert_true (bb_booking_page_get_forecast (f->page)->poor);
  g_assert_true (gtk_widget_get_visible (page_child (f, "alternatives_group")));
  g_assert_cmpuint (bb_booking_page_get_n_alternatives (f->page), ==, 0);
  assert_form_kept (f, before);
  bb_booking_page_set_start (f->page, 0);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  g_assert_false (gtk_widget_get_visible (page_child (f, "alternatives_group")));

  /* The server goes away: the booking fails with the reason, the form stays. */
  g_assert_true (bb_test_wait_until (page_settled, f, 30));
  g_assert_true (gtk_widget_get_sensitive (page_child (f, "book_button")));
  bb_test_server_stop (f->server, TRUE);
  click (f, "book_button");
  g_assert_cmpstr (bb_booking_page_get_error_text (f->page), ==, "");
  g_assert_true (bb_test_wait_until (error_shown, f, 30));
  g_assert_nonnull (strstr (bb_booking_page_get_error_text (f->page), "could not be reached"));
  assert_form_kept (f, before);
}

/* A general ward that is full for the next quarter of an hour: the other
 * general ward of the hospital and nearby hospitals are offered, and
 * choosing one moves the form there. */
static void
test_a_poor_answer_offers_alternatives (Fixture       *f,
                                        gconstpointer  data)
{
  BbIntakeForm *form = bb_booking_page_get_intake_form (f->page);
  g_autoptr(JsonObject) features = NULL;
  GtkListBoxRow *row;
  gint64 hospital_id;

  g_assert_true (bb_booking_page_select_ward (f->page, 1, 3));
  g_assert_true (bb_test_wait_until (page_settled, f, 30));
  g_assert_cmpstr (bb_los_card_get_name (bb_intake_form_get_card (form)), ==, "ward-los");
  g_assert_cmpuint (bb_intake_form_get_n_fields (form), ==, 7);
  g_assert_true (bb_intake_form_set_value (form, "age", "70 or Older"));
  g_assert_true (bb_intake_form_set_value (form, "Gender", "F"));
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(BbTestResponse) response = bb_test_server_request (f->server, "POST", "/api/v1/bookings", f->token,
                                                                   "{\"hospital\": 1, \"ward\": 3, \"patient_ref\": \"X\"}");

      if (response->status == 409)
        break;
      g_assert_cmpuint (response->status, ==, 201);
    }
  bb_booking_page_set_start (f->page, g_get_real_time () / G_USEC_PER_SEC + 15 * 60);
  bb_booking_page_check_beds (f->page);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  g_assert_cmpint (bb_booking_page_get_forecast (f->page)->verdict, ==, BB_BOOKING_VERDICT_FULL_AT_START);
  g_assert_true (bb_test_wait_until (alternatives_shown, f, 20));
  /* Give the nearby hospitals time to come in too. */
  g_assert_true (bb_test_wait_until (page_settled, f, 20));
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);

  /* This hospital's other general ward first. */
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (page_child (f, "alternatives_list")), 0);
  hospital_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "hospital-id"));
  g_assert_cmpint (hospital_id, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "General Medicine 4 West");
  g_signal_emit_by_name (page_child (f, "alternatives_list"), "row-activated", row);
  g_assert_cmpint (bb_booking_page_get_ward_id (f->page), ==, 4);
  g_assert_true (bb_test_wait_until (stay_shown, f, 30));
  /* The same model: what was entered is still there. */
  features = bb_intake_form_get_features (form);
  g_assert_cmpuint (json_object_get_size (features), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_setenv ("LC_ALL", "C", TRUE);

  g_test_add ("/booking-page/form-follows-the-card-and-the-forecast-fills-the-verdict", Fixture, NULL,
              fixture_set_up, test_form_follows_the_card_and_the_forecast_fills_the_verdict, fixture_tear_down);
  g_test_add ("/booking-page/booking-and-confirming-reaches-the-server", Fixture, NULL,
              fixture_set_up, test_booking_and_confirming_reaches_the_server, fixture_tear_down);
  g_test_add ("/booking-page/a-409-keeps-the-form", Fixture, NULL,
              fixture_set_up, test_a_409_keeps_the_form, fixture_tear_down);
  g_test_add ("/booking-page/a-poor-answer-offers-alternatives", Fixture, NULL,
              fixture_set_up, test_a_poor_answer_offers_alternatives, fixture_tear_down);
  return g_test_run ();
}
