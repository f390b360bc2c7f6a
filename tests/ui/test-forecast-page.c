/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-forecast-page.c: the admin's forecast page against a real demo
 * server under a display (Xvfb): one fan chart per ward with data, the
 * alarm list as the alarm function computes it, the model panel with the
 * server's model versions and a check on recent discharges, the exports,
 * and a retrain started from its button reporting its result. */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bb-calibration-chart.h"
#include "bb-client-context.h"
#include "bb-forecast-page.h"
#include "bb-forecast-report.h"
#include "../server/bb-test-server.h"

typedef struct
{
  BbTestServer    *server;
  char            *dir;
  BbClientContext *context;
  GtkWindow       *window;
  BbForecastPage  *page;
} Fixture;

static gboolean
logged_in (gpointer data)
{
  Fixture *f = data;

  return bb_session_get_role (bb_client_context_get_session (f->context)) == BB_ROLE_ADMIN;
}

static gboolean
page_ready (gpointer data)
{
  Fixture *f = data;

  return bb_page_get_ready (BB_PAGE (f->page));
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
  g_autofree char *models = NULL;

  f->dir = g_dir_make_tmp ("bb-forecast-page-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  /* The retrain test holds a retrain for a second so the progress shows. */
  g_setenv ("BEDBOARD_RETRAIN_MIN_SECONDS", "1", TRUE);
  bb_test_server_start (f->server, demo);

  snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  models = g_build_filename (f->dir, "models", NULL);
  f->context = bb_client_context_new (NULL, f->server->base_url, snapshot);
  bb_api_client_set_model_cache_dir (bb_client_context_get_api (f->context), models);
  f->page = g_object_new (BB_TYPE_FORECAST_PAGE, "context", f->context, NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1200, g_getenv ("BB_TEST_SCREENSHOT_DIR") != NULL ? 2400 : 900);
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
  bb_client_context_start (f->context);

  bb_session_login_async (bb_client_context_get_session (f->context), "admin@demo.bedboard", "demo",
                          NULL, on_login, NULL);
  g_assert_true (bb_test_wait_until (logged_in, f, 20));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  bb_client_context_stop (f->context);
  gtk_window_destroy (f->window);
  g_clear_object (&f->context);
  g_clear_pointer (&f->server, bb_test_server_free);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* With BB_TEST_SCREENSHOT_DIR set, keeps a picture of the whole page
 * content to look at (the window is then made tall enough for all of it). */
static void
keep_picture (Fixture    *f,
              const char *name)
{
  const char *dir = g_getenv ("BB_TEST_SCREENSHOT_DIR");
  GtkWidget *content;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int w, h;

  if (dir == NULL)
    return;
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  content = GTK_WIDGET (f->window);
  g_assert_nonnull (content);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  w = gtk_widget_get_width (content);
  h = gtk_widget_get_height (content);
  paintable = gtk_widget_paintable_new (content);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static guint
count_pages (const char *pdf,
             gsize       length)
{
  const char *needle = "/Type /Page";
  gsize n = strlen (needle);
  guint pages = 0;

  for (gsize i = 0; i + n < length; i++)
    if (memcmp (pdf + i, needle, n) == 0 && pdf[i + n] != 's')
      pages++;
  return pages;
}

static void
test_forecast_page_shows_wards_alarms_and_models (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autoptr(BbTestResponse) models = NULL;
  g_autoptr(GPtrArray) alarms = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "occupancy.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "forecast.pdf", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  BbModelPanel *panel;
  GListModel *alarm_model;
  GPtrArray *wards;
  JsonArray *array;
  guint with_data = 0, with_forecast = 0, samples = 0, csv_lines = 0;
  gsize pdf_length = 0;

  g_assert_cmpint (bb_page_get_min_role (BB_PAGE (f->page)), ==, BB_ROLE_ADMIN);
  g_assert_true (bb_test_wait_until (page_ready, f, 40));

  /* The first hospital of the demo network, every ward of it. */
  g_assert_cmpint (bb_forecast_page_get_hospital_id (f->page), ==, 1);
  wards = bb_forecast_page_get_wards (f->page);
  g_assert_nonnull (wards);
  g_assert_cmpuint (wards->len, >=, 3);
  for (guint i = 0; i < wards->len; i++)
    {
      const BbForecastWard *w = g_ptr_array_index (wards, i);

      if (w->history->len > 0 || w->forecast->len > 0)
        with_data++;
      if (w->forecast->len > 0)
        with_forecast++;
      samples += w->history->len;
      /* 30 days of history every 6 hours, and 14 days of forecast. */
      g_assert_cmpuint (w->history->len, ==, 121);
      if (w->forecast->len > 0)
        {
          const BbForecastBand *last = &g_array_index (w->forecast, BbForecastBand, w->forecast->len - 1);

          g_assert_cmpint (last->time - w->now, ==, 14 * 24 * 3600);
          g_assert_cmpfloat (last->p10, <=, last->median);
          g_assert_cmpfloat (last->median, <=, last->p90);
          g_assert_cmpfloat (last->p90, <=, w->capacity);
        }
    }
  g_assert_cmpuint (with_forecast, >=, 3);
  g_assert_cmpuint (bb_forecast_page_get_n_charts (f->page), ==, with_data);

  /* The alarm list is the alarm function's, in its words. */
  alarms = bb_forecast_alarms_compute (wards);
  alarm_model = bb_forecast_page_get_alarms (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (alarm_model), ==, alarms->len);
  for (guint i = 0; i < alarms->len; i++)
    {
      const BbForecastAlarm *a = g_ptr_array_index (alarms, i);
      g_autoptr(GtkStringObject) item = g_list_model_get_item (alarm_model, i);
      g_autofree char *text = bb_forecast_alarm_describe (a, ((BbForecastWard *) g_ptr_array_index (wards, 0))->now,
                                                          NULL);

      g_assert_cmpstr (gtk_string_object_get_string (item), ==, text);
    }

  /* The model panel shows the versions the server lists, and checked
   * recent discharges with at least one of them. */
  token = bb_test_server_login (f->server, "admin@demo.bedboard", "demo");
  models = bb_test_server_request (f->server, "GET", "/api/v1/models", token, NULL);
  g_assert_cmpuint (models->status, ==, 200);
  array = json_object_get_array_member (bb_test_response_object (models), "models");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  panel = bb_forecast_page_get_model_panel (f->page);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *m = json_array_get_object_element (array, i);

      g_assert_cmpstr (bb_model_panel_get_version (panel, json_object_get_string_member (m, "name")), ==,
                       json_object_get_string_member (m, "version"));
    }
  g_assert_cmpuint (bb_model_panel_get_n_checked (panel, "icu-los") + bb_model_panel_get_n_checked (panel, "ward-los"),
                    >, 50);

  /* The exports write what the page shows. */
  g_assert_true (bb_forecast_page_export_csv (f->page, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "ward,time,occupied,capacity\r\n"));
  for (const char *p = csv; *p != '\0'; p++)
    csv_lines += *p == '\n';
  g_assert_cmpuint (csv_lines, ==, 1 + samples);

  g_assert_true (bb_forecast_page_export_pdf (f->page, pdf_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_length, NULL));
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_assert_cmpuint (count_pages (pdf, pdf_length), ==, 1 + (with_data + 2) / 3);
  keep_picture (f, "forecast-page");
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  if (!bb_forecast_page_export_finish (BB_FORECAST_PAGE (source), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* What the export buttons do after the file chooser: write in a worker
 * thread; and a place that cannot be written gives an error, no file. */
static void
test_forecast_page_exports_in_a_worker_thread (Fixture       *f,
                                               gconstpointer  data)
{
  static const char *names[] = { "chosen.csv", "chosen.pdf" };
  static const char *starts[] = { "ward,time,occupied,capacity\r\n", "%PDF-" };

  g_assert_true (bb_test_wait_until (page_ready, f, 40));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, names[i], NULL);
      g_autofree char *bad = g_build_filename (f->dir, "missing", names[i], NULL);
      g_autofree char *contents = NULL;
      GError *error = NULL;

      bb_forecast_page_export_async (f->page, i == 1, path, NULL, on_exported, &error);
      g_assert_true (bb_test_wait_until (error_set, &error, 20));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS); /* "done" */
      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_true (g_str_has_prefix (contents, starts[i]));

      bb_forecast_page_export_async (f->page, i == 1, bad, NULL, on_exported, &error);
      g_assert_true (bb_test_wait_until (error_set, &error, 20));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      g_clear_error (&error);
      g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
    }
}

/* The first descendant button whose label is text. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget *button;
  gboolean   saw_progress;
  GtkWidget *progress;
  guint      live_events;
} RetrainWatch;

static void
on_model_changed (BbLiveEvents *events,
                  const char   *model,
                  const char   *status,
                  const char   *stage,
                  double        progress,
                  RetrainWatch *watch)
{
  if (g_strcmp0 (model, "icu-los") == 0)
    watch->live_events++;
}

static gboolean
retrain_finished (gpointer data)
{
  RetrainWatch *w = data;

  if (w->progress != NULL && gtk_widget_get_visible (w->progress) &&
      gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (w->progress)) > 0.0 &&
      !gtk_widget_get_sensitive (w->button))
    w->saw_progress = TRUE;
  return w->saw_progress && gtk_widget_get_sensitive (w->button);
}

static void
test_forecast_page_retrains_with_progress_and_result (Fixture       *f,
                                                      gconstpointer  data)
{
  RetrainWatch watch = { NULL, FALSE, NULL, 0 };
  gulong handler;
  GtkWidget *result_label;
  const char *text;

  g_assert_true (bb_test_wait_until (page_ready, f, 40));
  watch.button = find_button (GTK_WIDGET (f->page), "Retrain icu-los");
  g_assert_nonnull (watch.button);
  /* The progress bar and the result follow the button in its card. */
  watch.progress = gtk_widget_get_next_sibling (watch.button);
  g_assert_true (GTK_IS_PROGRESS_BAR (watch.progress));
  result_label = gtk_widget_get_next_sibling (gtk_widget_get_parent (watch.button));
  g_assert_true (GTK_IS_LABEL (result_label));

  handler = g_signal_connect (bb_client_context_get_live_events (f->context), "model-changed",
                              G_CALLBACK (on_model_changed), &watch);
  g_signal_emit_by_name (watch.button, "clicked");
  g_assert_true (bb_test_wait_until (retrain_finished, &watch, 60));
  g_signal_handler_disconnect (bb_client_context_get_live_events (f->context), handler);
  /* The stages came over the WebSocket too, not only from polling. */
  g_assert_cmpuint (watch.live_events, >=, 2);
  g_assert_true (gtk_widget_get_visible (result_label));
  text = gtk_label_get_text (GTK_LABEL (result_label));
  g_test_message ("retrain: %s", text);
  g_assert_true (g_str_has_prefix (text, "Swapped in version 2: its MAE on ") ||
                 g_str_has_prefix (text, "Kept version 1: the retrained model's MAE on "));
  g_assert_nonnull (strstr (text, "MAE"));
  g_assert_nonnull (strstr (text, "held-out stays"));
  keep_picture (f, "forecast-page-retrained");
}

static gboolean
chart_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 100;
}

static void
test_calibration_chart_says_and_shows_the_stays (void)
{
  const BbCalibrationPoint points[] = {
    { 1.0, 0.5, 2.0, 1.0 },
    { 4.0, 2.0, 8.0, 12.0 },
    { 0.5, 0.25, 1.0, 0.75 },
  };
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  BbCalibrationChart *chart = BB_CALIBRATION_CHART (bb_calibration_chart_new ());
  const char *description;
  gboolean found = FALSE;

  gtk_window_set_default_size (window, 400, 300);
  gtk_window_set_child (window, GTK_WIDGET (chart));
  gtk_window_present (window);
  g_assert_cmpstr (bb_calibration_chart_get_description (chart), ==,
                   "Predicted against actual stays: no recent discharges");
  bb_calibration_chart_set_points (chart, "icu-los", points, G_N_ELEMENTS (points));
  g_assert_cmpuint (bb_calibration_chart_get_n_points (chart), ==, 3);
  description = bb_calibration_chart_get_description (chart);
  /* MAE (0 + 8 + 0.25) / 3 = 2.75; 2 of 3 inside; bias (0 - 8 - 0.25) / 3 = -2.75. */
  g_assert_cmpstr (description, ==, "Predicted against actual stays of icu-los for 3 recent discharges: the median "
                                    "is off by 2.8 days on average, 67% of the stays fell inside the predicted 80% "
                                    "interval, and predictions run 2.8 days short on average.");

  g_assert_true (bb_test_wait_until (chart_allocated, chart, 10));
  /* Somewhere over the plot the pointer finds each stay's numbers. */
  for (int x = 0; x < gtk_widget_get_width (GTK_WIDGET (chart)) && !found; x += 2)
    for (int y = 0; y < gtk_widget_get_height (GTK_WIDGET (chart)) && !found; y += 2)
      if (bb_calibration_chart_hover (chart, x, y))
        {
          const char *text = bb_calibration_chart_get_hover_text (chart);

          g_assert_nonnull (text);
          g_assert_true (g_str_has_prefix (text, "Predicted "));
          g_assert_nonnull (strstr (text, ", stayed "));
          found = TRUE;
        }
  g_assert_true (found);
  g_assert_false (bb_calibration_chart_hover (chart, -100, -100));
  g_assert_null (bb_calibration_chart_get_hover_text (chart));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/forecast-page/shows-wards-alarms-and-models", Fixture, NULL,
              fixture_set_up, test_forecast_page_shows_wards_alarms_and_models, fixture_tear_down);
  g_test_add ("/ui/forecast-page/retrains-with-progress-and-result", Fixture, NULL,
              fixture_set_up, test_forecast_page_retrains_with_progress_and_result, fixture_tear_down);

  g_test_add ("/ui/forecast-page/exports-in-a-worker-thread", Fixture, NULL,
              fixture_set_up, test_forecast_page_exports_in_a_worker_thread, fixture_tear_down);
  g_test_add_func ("/ui/calibration-chart/says-and-shows-the-stays", test_calibration_chart_says_and_shows_the_stays);

  return g_test_run ();
}
