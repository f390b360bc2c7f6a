/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-availability-page.c: the availability page under a display
 * (Xvfb) against the demo server on loopback: it lists the demo's four
 * hospitals, puts the one nearest a typed location first, filters by ward
 * kind, opens a hospital's wards and forecast, and follows a bed change
 * that arrives as a live event. Its pure helpers (location parsing,
 * distances, ages, the forecast in words) are tested without the server. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "bb-availability-page.h"
#include "bb-client-context.h"
#include "bb-hospital-detail.h"
#include "bb-window.h"
#include "../server/bb-test-server.h"

#define HUDSON_VALLEY "Hudson Valley General Hospital"
#define SARATOGA "Saratoga Springs Community Hospital"
#define CHILDRENS "Capital District Children's Hospital"

typedef struct
{
  BbTestServer       *server;
  char               *dir;
  GSettings          *settings;
  BbClientContext    *context;
  GtkWindow          *window;
  BbAvailabilityPage *page;
} Fixture;

/* Lets the main loop run for a while (layout, idle handlers). */
static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static GSettings *
test_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  schema = source != NULL ? g_settings_schema_source_lookup (source, "org.bedboard.Bedboard", TRUE) : NULL;
  g_assert_nonnull (schema); /* GSETTINGS_SCHEMA_DIR is the build's data/ */
  return g_settings_new ("org.bedboard.Bedboard");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *demo[] = { "--demo", NULL };
  g_autofree char *snapshot = NULL;

  f->dir = g_dir_make_tmp ("bb-availability-test-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);

  f->settings = test_settings ();
  g_settings_reset (f->settings, "location");
  snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  f->context = bb_client_context_new (f->settings, f->server->base_url, snapshot);
  f->page = g_object_new (BB_TYPE_AVAILABILITY_PAGE, "context", f->context, NULL);
  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (f->window);
  /* Wide enough that the detail shows beside the list. */
  gtk_window_set_default_size (f->window, 1100, 760);
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
  bb_client_context_start (f->context);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);

  bb_client_context_stop (f->context);
  gtk_window_destroy (f->window);
  g_clear_object (&f->window);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->server, bb_test_server_free);
  g_unlink (snapshot);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
page_ready (gpointer data)
{
  Fixture *f = data;

  return bb_page_get_ready (BB_PAGE (f->page));
}

static BbHospitalItem *
shown_hospital (Fixture *f,
                guint    position)
{
  GListModel *model = bb_availability_page_get_hospitals (f->page);
  g_autoptr(BbHospitalItem) item = g_list_model_get_item (model, position);

  /* The context's list holds it. */
  return item;
}

static GtkWidget *
template_child (Fixture    *f,
                const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_AVAILABILITY_PAGE, name));
}

static void
type_location (Fixture    *f,
               const char *text)
{
  GtkWidget *entry = template_child (f, "location_entry");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
  spin (20);
}

static gboolean
settings_location (Fixture *f,
                   double  *latitude,
                   double  *longitude)
{
  gboolean has = FALSE;

  g_settings_get (f->settings, "location", "(bdd)", &has, latitude, longitude);
  return has;
}

/* ---- pure helpers ---- */

static void
test_location_text_is_coordinates_or_a_town (void)
{
  static const struct { const char *text; double lat, lon; } good[] = {
    { "42.65, -73.75", 42.65, -73.75 },
    { "  42.65 -73.75  ", 42.65, -73.75 },
    { "42.65°; -73.75°", 42.65, -73.75 },
    { "-90,180", -90, 180 },
    { "saratoga springs", 43.0831, -73.7846 },
    { "Albany", 42.6526, -73.7562 },
  };
  static const char *bad[] = {
    "", "   ", "north", "42.65", "42.65,", "1, 2, 3", "91, 0", "0, 180.5", "nan, 3", "inf, 3",
    "1e999, 2", "42.65x, 1", "42,65 -73,75", "Atlantis",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      double lat = 0, lon = 0;

      g_assert_true (bb_availability_parse_location (good[i].text, &lat, &lon, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (lat, good[i].lat, 1e-9);
      g_assert_cmpfloat_with_epsilon (lon, good[i].lon, 1e-9);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      double lat = 7, lon = 7;

      g_test_message ("%s", bad[i]);
      g_assert_false (bb_availability_parse_location (bad[i], &lat, &lon, &error));
      g_assert_error (error, BB_AVAILABILITY_ERROR, BB_AVAILABILITY_ERROR_INVALID_LOCATION);
      g_assert_cmpstr (error->message, !=, "");
      /* Nothing half-written. */
      g_assert_cmpfloat (lat, ==, 7);
      g_assert_cmpfloat (lon, ==, 7);
    }
  for (const char **name = bb_availability_get_preset_names (); *name != NULL; name++)
    g_assert_true (bb_availability_lookup_preset (*name, NULL, NULL));
}

static void
test_distance_is_great_circle_km (void)
{
  /* One degree of longitude on the equator, and a quarter of the globe. */
  g_assert_cmpfloat_with_epsilon (bb_availability_distance_km (0, 0, 0, 1), 111.195, 0.01);
  g_assert_cmpfloat_with_epsilon (bb_availability_distance_km (0, 0, 90, 0), 10007.6, 0.5);
  /* Albany to Poughkeepsie (the demo's first two hospitals) is about 108 km. */
  g_assert_cmpfloat_with_epsilon (bb_availability_distance_km (42.6531, -73.7762, 41.6943, -73.9215), 107.3, 1.0);
  g_assert_cmpfloat (bb_availability_distance_km (42.65, -73.77, 42.65, -73.77), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (bb_availability_distance_km (10, 20, 30, 40),
                                  bb_availability_distance_km (30, 40, 10, 20), 1e-9);
}

static void
test_age_reads_as_minutes_hours_days (void)
{
  static const struct { gint64 age; const char *text; } cases[] = {
    { 0, "just now" }, { 59, "just now" }, { 60, "1 min ago" }, { 125, "2 min ago" },
    { 3600, "1 h ago" }, { 47 * 3600, "47 h ago" }, { 48 * 3600, "2 days ago" }, { -30, "just now" },
  };
  gint64 now = 1790000000;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = bb_availability_format_age (now - cases[i].age, now);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  g_assert_cmpstr (bb_availability_format_age (0, now), ==, "");
}

static void
test_summary_counts_free_beds_by_kind (void)
{
  BbHospital record = { .id = 7, .name = (char *) "Test Hospital", .address = (char *) "1 Main St",
                        .latitude = 42.0, .longitude = -73.0, .distance_km = -1,
                        .beds = { .total = 40, .free = 12, .occupied = 28 } };
  BbWard wards[] = {
    { .id = 1, .hospital_id = 7, .name = (char *) "Maternity", .kind = (char *) "maternity",
      .model = (char *) "ward-los", .beds = { .total = 10, .free = 3, .occupied = 7 } },
    { .id = 2, .hospital_id = 7, .name = (char *) "Medical A", .kind = (char *) "general",
      .model = (char *) "ward-los", .beds = { .total = 10, .free = 4, .occupied = 6 } },
    { .id = 3, .hospital_id = 7, .name = (char *) "Intensive Care", .kind = (char *) "icu",
      .model = (char *) "icu-los", .beds = { .total = 10, .free = 2, .occupied = 8 } },
    { .id = 4, .hospital_id = 7, .name = (char *) "Medical B", .kind = (char *) "general",
      .model = (char *) "ward-los", .beds = { .total = 10, .free = 3, .occupied = 7 } },
  };
  g_autoptr(BbHospitalItem) item = bb_hospital_item_new (&record);
  g_autoptr(GPtrArray) array = g_ptr_array_new ();
  g_autofree char *before = bb_availability_summarize (item, NULL);
  g_autofree char *all = NULL;
  g_autofree char *icu = NULL;
  g_autofree char *cardiac = NULL;

  /* Before the wards are loaded: the hospital's own count. */
  g_assert_cmpstr (before, ==, "12 beds free");

  for (guint i = 0; i < G_N_ELEMENTS (wards); i++)
    g_ptr_array_add (array, &wards[i]);
  bb_hospital_item_set_wards (item, array);
  all = bb_availability_summarize (item, NULL);
  icu = bb_availability_summarize (item, "icu");
  cardiac = bb_availability_summarize (item, "cardiac");
  /* Kinds in the usual order, wards of one kind added up. */
  g_assert_cmpstr (all, ==, "12 beds free · ICU 2 · General 7 · Maternity 3");
  g_assert_cmpstr (icu, ==, "2 beds free in ICU · 12 free in all kinds of ward");
  g_assert_cmpstr (cardiac, ==, "0 beds free in Cardiac · 12 free in all kinds of ward");
  g_assert_cmpstr (bb_availability_kind_label ("nicu"), ==, "Neonatal ICU");
  g_assert_cmpstr (bb_availability_kind_label ("burns"), ==, "burns");
}

static BbWardForecast *
forecast_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  BbWardForecast *forecast;

  g_assert_no_error (error);
  forecast = bb_ward_forecast_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (forecast);
  return forecast;
}

static void
test_forecast_reads_in_plain_words (void)
{
  /* A full ward whose beds free up over three days. */
  g_autoptr(BbWardForecast) filling = forecast_from_json (
    "{\"capacity\": 10, \"step_hours\": 12, \"horizon_days\": 3, \"points\": ["
    "{\"t_hours\": 0, \"free_mean\": 0, \"free_p10\": 0, \"free_p90\": 0, \"p_any_free\": 0},"
    "{\"t_hours\": 12, \"free_mean\": 0.4, \"free_p10\": 0, \"free_p90\": 1, \"p_any_free\": 0.3},"
    "{\"t_hours\": 24, \"free_mean\": 1.2, \"free_p10\": 0, \"free_p90\": 2, \"p_any_free\": 0.7},"
    "{\"t_hours\": 36, \"free_mean\": 2.0, \"free_p10\": 1, \"free_p90\": 3, \"p_any_free\": 0.9},"
    "{\"t_hours\": 48, \"free_mean\": 2.6, \"free_p10\": 1, \"free_p90\": 4, \"p_any_free\": 0.95},"
    "{\"t_hours\": 60, \"free_mean\": 3.1, \"free_p10\": 2, \"free_p90\": 5, \"p_any_free\": 0.98},"
    "{\"t_hours\": 72, \"free_mean\": 3.4, \"free_p10\": 2, \"free_p90\": 5, \"p_any_free\": 0.99}],"
    "\"first_free\": {\"median_hours\": 22, \"p10_hours\": 9, \"p90_hours\": 40}}");
  /* The same without "first_free": the median comes from the points. */
  g_autoptr(BbWardForecast) bare = forecast_from_json (
    "{\"capacity\": 10, \"step_hours\": 12, \"horizon_days\": 1, \"points\": ["
    "{\"t_hours\": 0, \"free_mean\": 0, \"free_p10\": 0, \"free_p90\": 0, \"p_any_free\": 0},"
    "{\"t_hours\": 12, \"free_mean\": 0.4, \"free_p10\": 0, \"free_p90\": 1, \"p_any_free\": 0.3},"
    "{\"t_hours\": 24, \"free_mean\": 1.2, \"free_p10\": 0, \"free_p90\": 2, \"p_any_free\": 0.7}]}");
  g_autofree char *bare_text = NULL;
  /* Overbooked: more patients expected than beds for the whole horizon. */
  g_autoptr(BbWardForecast) overbooked = forecast_from_json (
    "{\"capacity\": 4, \"step_hours\": 24, \"horizon_days\": 2, \"points\": ["
    "{\"t_hours\": 0, \"free_mean\": -1.5, \"free_p10\": -2, \"free_p90\": -1, \"p_any_free\": 0},"
    "{\"t_hours\": 24, \"free_mean\": -1.0, \"free_p10\": -2, \"free_p90\": 0, \"p_any_free\": 0.02},"
    "{\"t_hours\": 48, \"free_mean\": -0.6, \"free_p10\": -1, \"free_p90\": 0, \"p_any_free\": 0.04}]}");
  g_autofree char *none_free = NULL;
  g_autofree char *two_free = NULL;
  g_autofree char *no_forecast = NULL;
  g_autofree char *never = NULL;
  double mean = -1, p = -1;

  g_assert_true (bb_hospital_detail_forecast_at (filling, 18, &mean, &p));
  g_assert_cmpfloat_with_epsilon (mean, 0.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (p, 0.5, 1e-9);
  g_assert_true (bb_hospital_detail_forecast_at (filling, 72, &mean, &p));
  g_assert_cmpfloat_with_epsilon (mean, 3.4, 1e-9);
  g_assert_false (bb_hospital_detail_forecast_at (filling, 73, &mean, &p));
  g_assert_false (bb_hospital_detail_forecast_at (NULL, 24, &mean, &p));
  /* A negative expectation is no free bed, not minus one. */
  g_assert_true (bb_hospital_detail_forecast_at (overbooked, 24, &mean, &p));
  g_assert_cmpfloat (mean, ==, 0.0);

  none_free = bb_hospital_detail_describe_forecast (filling, 0, 1790000000);
  g_test_message ("%s", none_free);
  g_assert_true (g_str_has_prefix (none_free, "No bed free now; one is likely free by "));
  g_assert_nonnull (strstr (none_free, "(in about 22 hours)."));

  bare_text = bb_hospital_detail_describe_forecast (bare, 0, 1790000000);
  g_test_message ("%s", bare_text);
  g_assert_nonnull (strstr (bare_text, "(in about 18 hours)."));
  g_assert_null (strstr (bare_text, "In 3 days"));
  g_assert_nonnull (strstr (none_free, "In 24 h: about 1 bed free, at least one likely (70%)."));
  g_assert_nonnull (strstr (none_free, "In 3 days: about 3 beds free, at least one very likely (99%)."));

  two_free = bb_hospital_detail_describe_forecast (filling, 2, 1790000000);
  g_assert_true (g_str_has_prefix (two_free, "2 beds free now. In 24 h:"));

  no_forecast = bb_hospital_detail_describe_forecast (NULL, 1, 1790000000);
  g_assert_cmpstr (no_forecast, ==, "1 bed free now.");

  never = bb_hospital_detail_describe_forecast (overbooked, 0, 1790000000);
  g_test_message ("%s", never);
  g_assert_true (g_str_has_prefix (never, "No bed free now, and none likely within 2 days."));
  g_assert_nonnull (strstr (never, "In 24 h: probably none free, a free bed very unlikely (2%)."));
  /* Two days do not reach three. */
  g_assert_null (strstr (never, "In 3 days"));

  g_assert_cmpstr (bb_hospital_detail_describe_chance (1.0), ==, "almost certain");
  g_assert_cmpstr (bb_hospital_detail_describe_chance (0.95), ==, "very likely");
  g_assert_cmpstr (bb_hospital_detail_describe_chance (0.5), ==, "about even");
  g_assert_cmpstr (bb_hospital_detail_describe_chance (0.05), ==, "very unlikely");
}

/* ---- the page against the demo server ---- */

static void
test_page_lists_demo_hospitals_most_free_first (Fixture       *f,
                                                gconstpointer  data)
{
  GListModel *model = bb_availability_page_get_hospitals (f->page);
  GtkLabel *status = GTK_LABEL (template_child (f, "status_label"));
  guint free_beds = 0;
  g_autofree char *expected = NULL;

  g_assert_false (bb_page_get_ready (BB_PAGE (f->page)));
  g_assert_cmpstr (bb_page_get_title (BB_PAGE (f->page)), ==, "Availability");
  g_assert_cmpint (bb_page_get_min_role (BB_PAGE (f->page)), ==, BB_ROLE_NONE);
  g_assert_true (bb_test_wait_until (page_ready, f, 30));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      BbHospitalItem *item = shown_hospital (f, i);
      g_autofree char *summary = bb_availability_summarize (item, NULL);

      g_test_message ("%s: %s", bb_hospital_item_get_name (item), summary);
      g_assert_true (bb_hospital_item_get_has_wards (item));
      /* Without a location: most free beds first. */
      if (i > 0)
        g_assert_cmpuint (bb_hospital_item_get_free (shown_hospital (f, i - 1)), >=,
                          bb_hospital_item_get_free (item));
      free_beds += bb_hospital_item_get_free (item);
      g_assert_nonnull (strstr (summary, "free"));
    }
  expected = g_strdup_printf ("4 hospitals · %u beds free", free_beds);
  g_test_message ("%s", gtk_label_get_text (status));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (status), expected));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (f, "list_stack"))), ==, "list");

  /* The wide window shows the first hospital's detail at once. */
  g_assert_true (bb_hospital_detail_get_hospital (bb_availability_page_get_detail (f->page)) == shown_hospital (f, 0));
}

static void
test_page_puts_the_nearest_hospital_first (Fixture       *f,
                                           gconstpointer  data)
{
  GListModel *model = bb_availability_page_get_hospitals (f->page);
  GtkWidget *error_label = template_child (f, "location_error");
  GtkWidget *entry = template_child (f, "location_entry");
  GtkDropDown *places = GTK_DROP_DOWN (template_child (f, "place_dropdown"));
  double lat = 0, lon = 0;

  g_assert_true (bb_test_wait_until (page_ready, f, 30));

  /* Next to Poughkeepsie. */
  type_location (f, "41.70, -73.92");
  g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, 0)), ==, HUDSON_VALLEY);
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_true (settings_location (f, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 41.70, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, -73.92, 1e-9);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    g_assert_cmpfloat (bb_availability_distance_km (lat, lon,
                                                    bb_hospital_item_get_latitude (shown_hospital (f, i - 1)),
                                                    bb_hospital_item_get_longitude (shown_hospital (f, i - 1))), <=,
                       bb_availability_distance_km (lat, lon,
                                                    bb_hospital_item_get_latitude (shown_hospital (f, i)),
                                                    bb_hospital_item_get_longitude (shown_hospital (f, i))));

  /* A town from the list: Saratoga Springs. */
  gtk_drop_down_set_selected (places, 6);
  spin (20);
  g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, 0)), ==, SARATOGA);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Saratoga Springs");
  g_assert_true (settings_location (f, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 43.0831, 1e-9);

  /* Troy, typed: the children's hospital is there. */
  type_location (f, "troy");
  g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, 0)), ==, CHILDRENS);
  g_assert_cmpuint (gtk_drop_down_get_selected (places), ==, 8);

  /* Nonsense is refused and changes nothing. */
  type_location (f, "somewhere north");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, 0)), ==, CHILDRENS);
  g_assert_true (settings_location (f, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 42.7284, 1e-9);
  type_location (f, "95, -73");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, 0)), ==, CHILDRENS);

  /* An empty location goes back to most free beds first. */
  type_location (f, "");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_false (settings_location (f, &lat, &lon));
  g_assert_false (bb_availability_page_get_location (f->page, NULL, NULL));
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    g_assert_cmpuint (bb_hospital_item_get_free (shown_hospital (f, i - 1)), >=,
                      bb_hospital_item_get_free (shown_hospital (f, i)));
}

static gboolean
kinds_without_burns (gpointer data)
{
  GListModel *labels = gtk_drop_down_get_model (data);

  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), "burns") == 0)
      return FALSE;
  return TRUE;
}

static void
test_page_filters_by_ward_kind (Fixture       *f,
                                gconstpointer  data)
{
  GListModel *model = bb_availability_page_get_hospitals (f->page);
  GtkDropDown *kinds = GTK_DROP_DOWN (template_child (f, "kind_dropdown"));
  GListModel *labels;
  guint nicu = GTK_INVALID_LIST_POSITION;

  g_assert_true (bb_test_wait_until (page_ready, f, 30));

  /* The kinds on offer are the demo's: ICU first, "all" before them. */
  labels = gtk_drop_down_get_model (kinds);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (labels), 0), ==, "All kinds of ward");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (labels), 1), ==, "ICU");
  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), "Neonatal ICU") == 0)
      nicu = i;
  g_assert_cmpuint (nicu, !=, GTK_INVALID_LIST_POSITION);

  bb_availability_page_set_kind (f->page, "icu");
  g_assert_cmpuint (gtk_drop_down_get_selected (kinds), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *summary = bb_availability_summarize (shown_hospital (f, i), "icu");

      g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, i)), !=, CHILDRENS);
      g_assert_nonnull (strstr (summary, "free in ICU"));
    }

  /* Through the drop-down, as a person would. */
  gtk_drop_down_set_selected (kinds, nicu);
  spin (20);
  g_assert_cmpstr (bb_availability_page_get_kind (f->page), ==, "nicu");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (bb_hospital_item_get_name (shown_hospital (f, 0)), ==, CHILDRENS);

  /* A kind no hospital has: an explanation instead of a list, no stale detail. */
  bb_availability_page_set_kind (f->page, "burns");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (f, "list_stack"))), ==, "empty");
  g_assert_null (bb_hospital_detail_get_hospital (bb_availability_page_get_detail (f->page)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (f, "detail_stack"))), ==, "none");

  gtk_drop_down_set_selected (kinds, 0);
  g_assert_null (bb_availability_page_get_kind (f->page));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  /* The kind nobody has leaves the drop-down once it is not chosen. */
  g_assert_true (bb_test_wait_until (kinds_without_burns, kinds, 10));
  g_assert_cmpuint (gtk_drop_down_get_selected (kinds), ==, 0);
  /* The wide window shows a hospital again. */
  g_assert_nonnull (bb_hospital_detail_get_hospital (bb_availability_page_get_detail (f->page)));
}

static gboolean
forecast_settled (gpointer data)
{
  Fixture *f = data;
  BbHospitalDetail *detail = bb_availability_page_get_detail (f->page);

  return bb_hospital_detail_get_forecast_state (detail) == BB_HOSPITAL_DETAIL_FORECAST_LOADED ||
         bb_hospital_detail_get_forecast_state (detail) == BB_HOSPITAL_DETAIL_FORECAST_FAILED;
}

static void
test_detail_shows_wards_and_forecast (Fixture       *f,
                                      gconstpointer  data)
{
  BbHospitalDetail *detail = bb_availability_page_get_detail (f->page);
  BbHospitalItem *hudson = NULL;
  GListModel *wards;
  const char *bars;

  g_assert_true (bb_test_wait_until (page_ready, f, 30));
  for (guint i = 0; i < 4; i++)
    if (g_str_equal (bb_hospital_item_get_name (shown_hospital (f, i)), HUDSON_VALLEY))
      hudson = shown_hospital (f, i);
  g_assert_nonnull (hudson);

  g_assert_true (bb_availability_page_show_hospital (f->page, bb_hospital_item_get_id (hudson)));
  g_assert_false (bb_availability_page_show_hospital (f->page, 9999));
  g_assert_true (bb_hospital_detail_get_hospital (detail) == hudson);
  g_assert_true (bb_test_wait_until (forecast_settled, f, 30));
  g_assert_cmpint (bb_hospital_detail_get_forecast_state (detail), ==, BB_HOSPITAL_DETAIL_FORECAST_LOADED);

  /* Its five wards, in bars and in words. */
  wards = bb_hospital_item_get_wards (hudson);
  g_assert_cmpuint (g_list_model_get_n_items (wards), ==, 5);
  g_assert_cmpuint (bb_hospital_detail_get_n_wards (detail), ==, 5);
  bars = bb_hospital_detail_get_bars_description (detail);
  g_test_message ("%s", bars);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, i);
      const char *text = bb_hospital_detail_get_ward_forecast_text (detail, bb_ward_item_get_id (ward));

      g_assert_nonnull (strstr (bars, bb_ward_item_get_name (ward)));
      g_assert_nonnull (text);
      g_test_message ("%s: %s", bb_ward_item_get_name (ward), text);
      if (bb_ward_item_get_free (ward) > 0)
        g_assert_nonnull (strstr (text, "free now."));
      else
        g_assert_true (g_str_has_prefix (text, "No bed free now"));
      g_assert_nonnull (strstr (text, "In 24 h: "));
      g_assert_nonnull (strstr (text, "In 3 days: "));
    }
  g_assert_null (bb_hospital_detail_get_ward_forecast_text (detail, 9999));
}

typedef struct
{
  Fixture        *f;
  BbHospitalItem *hospital;
  guint           free_before;
  char           *status_before;
  char           *bars_before;
} LiveCheck;

static gboolean
live_change_arrived (gpointer data)
{
  LiveCheck *c = data;
  GtkLabel *status = GTK_LABEL (template_child (c->f, "status_label"));

  return bb_hospital_item_get_free (c->hospital) == c->free_before - 1 &&
         g_strcmp0 (gtk_label_get_text (status), c->status_before) != 0 &&
         g_strcmp0 (bb_hospital_detail_get_bars_description (bb_availability_page_get_detail (c->f->page)),
                    c->bars_before) != 0;
}

static void
test_counts_follow_live_bed_events (Fixture       *f,
                                    gconstpointer  data)
{
  GtkLabel *status = GTK_LABEL (template_child (f, "status_label"));
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autoptr(BbTestResponse) beds = NULL;
  g_autoptr(BbTestResponse) changed = NULL;
  g_autoptr(BbWardItem) ward = NULL;
  JsonArray *list;
  gint64 bed_id = 0;
  LiveCheck c = { f };

  g_assert_true (bb_test_wait_until (page_ready, f, 30));
  c.hospital = shown_hospital (f, 0);
  g_assert_true (bb_hospital_detail_get_hospital (bb_availability_page_get_detail (f->page)) == c.hospital);
  c.free_before = bb_hospital_item_get_free (c.hospital);
  c.status_before = g_strdup (gtk_label_get_text (status));
  c.bars_before = g_strdup (bb_hospital_detail_get_bars_description (bb_availability_page_get_detail (f->page)));
  g_assert_cmpuint (c.free_before, >, 0);

  /* Staff close one free bed of a ward with free beds, elsewhere. */
  for (guint i = 0; ward == NULL; i++)
    {
      g_autoptr(BbWardItem) w = g_list_model_get_item (bb_hospital_item_get_wards (c.hospital), i);

      g_assert_nonnull (w);
      if (bb_ward_item_get_free (w) > 0)
        ward = g_steal_pointer (&w);
    }
  token = bb_test_server_login (f->server, "staff@demo.bedboard", "demo");
  path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/wards/%" G_GINT64_FORMAT "/beds",
                          bb_hospital_item_get_id (c.hospital), bb_ward_item_get_id (ward));
  beds = bb_test_server_request (f->server, "GET", path, token, NULL);
  g_assert_cmpuint (beds->status, ==, 200);
  list = json_object_get_array_member (bb_test_response_object (beds), "beds");
  for (guint i = 0; i < json_array_get_length (list) && bed_id == 0; i++)
    {
      JsonObject *bed = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (bed, "status"), "U") &&
          !json_object_get_boolean_member_with_default (bed, "reserved", FALSE))
        bed_id = json_object_get_int_member (bed, "id");
    }
  g_assert_cmpint (bed_id, >, 0);
  g_free (path);
  path = g_strdup_printf ("/api/v1/beds/%" G_GINT64_FORMAT "/status", bed_id);
  body = g_strdup ("{\"status\": \"C\"}");
  changed = bb_test_server_request (f->server, "POST", path, token, body);
  g_assert_cmpuint (changed->status, ==, 200);

  /* The event reaches the list, the status line and the open detail. */
  g_assert_true (bb_test_wait_until (live_change_arrived, &c, 20));
  g_test_message ("%s -> %s", c.status_before, gtk_label_get_text (status));
  g_free (c.status_before);
  g_free (c.bars_before);
}

static gboolean
detail_in_front (gpointer data)
{
  Fixture *f = data;
  AdwLeaflet *leaflet = ADW_LEAFLET (template_child (f, "leaflet"));

  return g_strcmp0 (adw_leaflet_get_visible_child_name (leaflet), "detail") == 0;
}

static gboolean
leaflet_folded (gpointer data)
{
  Fixture *f = data;

  return adw_leaflet_get_folded (ADW_LEAFLET (template_child (f, "leaflet")));
}

static void
test_narrow_window_opens_the_detail_over_the_list (Fixture       *f,
                                                   gconstpointer  data)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (template_child (f, "leaflet"));
  GtkWidget *back = template_child (f, "back_button");
  BbHospitalDetail *detail = bb_availability_page_get_detail (f->page);
  gint64 id;

  gtk_window_set_default_size (f->window, 420, 700);
  gtk_window_unmaximize (f->window);
  g_assert_true (bb_test_wait_until (page_ready, f, 30));
  g_assert_true (bb_test_wait_until (leaflet_folded, f, 10));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "list");
  g_assert_true (gtk_widget_get_visible (back));

  id = bb_hospital_item_get_id (shown_hospital (f, 2));
  g_assert_true (bb_availability_page_show_hospital (f->page, id));
  g_assert_true (bb_test_wait_until (detail_in_front, f, 5));
  g_assert_cmpint (bb_hospital_item_get_id (bb_hospital_detail_get_hospital (detail)), ==, id);

  g_signal_emit_by_name (back, "clicked");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "list");
}

static gboolean
context_offline (gpointer data)
{
  Fixture *f = data;

  return !bb_client_context_get_online (f->context);
}

static void
test_offline_keeps_the_snapshot (Fixture       *f,
                                 gconstpointer  data)
{
  BbHospitalDetail *detail = bb_availability_page_get_detail (f->page);
  g_autofree char *snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  g_autofree char *dead_url = NULL;
  g_autoptr(BbClientContext) context = NULL;
  BbAvailabilityPage *page;
  GtkWindow *window;

  g_assert_true (bb_test_wait_until (page_ready, f, 30));
  g_assert_true (bb_test_wait_until (forecast_settled, f, 30));

  /* The server goes away: the list stays, the forecast says it failed. */
  dead_url = g_strdup (f->server->base_url);
  bb_test_server_stop (f->server, TRUE);
  bb_client_context_reload_async (f->context, NULL, NULL, NULL);
  bb_page_refresh (BB_PAGE (f->page));
  g_assert_true (bb_test_wait_until (forecast_settled, f, 30));
  g_assert_cmpint (bb_hospital_detail_get_forecast_state (detail), ==, BB_HOSPITAL_DETAIL_FORECAST_FAILED);
  g_assert_true (bb_test_wait_until (context_offline, f, 30));
  g_assert_cmpuint (g_list_model_get_n_items (bb_availability_page_get_hospitals (f->page)), ==, 4);
  g_assert_cmpuint (bb_hospital_detail_get_n_wards (detail), >, 0);

  /* A new start with no server: the page shows the saved snapshot. */
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  context = bb_client_context_new (f->settings, dead_url, snapshot);
  page = g_object_new (BB_TYPE_AVAILABILITY_PAGE, "context", context, NULL);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1100, 760);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  bb_client_context_start (context);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!bb_page_get_ready (BB_PAGE (page)) && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
  }
  g_assert_true (bb_page_get_ready (BB_PAGE (page)));
  g_assert_false (bb_client_context_get_online (context));
  g_assert_cmpuint (g_list_model_get_n_items (bb_availability_page_get_hospitals (page)), ==, 4);
  bb_client_context_stop (context);
  gtk_window_destroy (window);
}

static AdwComboRow *
find_hospital_combo (GtkWidget  *widget,
                     GListModel *hospitals)
{
  if (ADW_IS_COMBO_ROW (widget) && adw_combo_row_get_model (ADW_COMBO_ROW (widget)) == hospitals)
    return ADW_COMBO_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwComboRow *found = find_hospital_combo (child, hospitals);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
window_page_ready (gpointer data)
{
  BbWindow *window = data;
  BbPage *page = bb_window_get_page (window, "availability");

  return page != NULL && bb_page_get_ready (page);
}

static void
test_enquiry_button_opens_the_enquiry_form (Fixture       *f,
                                            gconstpointer  data)
{
  BbWindow *window;
  BbAvailabilityPage *page;
  BbHospitalDetail *detail;
  BbPage *enquiries;
  g_autoptr(BbHospitalItem) second = NULL;
  GtkWidget *button;
  gint64 id;
  gboolean listed = FALSE;

  for (const char **name = bb_window_get_page_names (); *name != NULL; name++)
    listed |= g_str_equal (*name, "enquiries");
  if (!listed)
    {
      g_test_skip ("The window has no enquiries page");
      return;
    }

  window = bb_window_new (NULL, f->context);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (bb_test_wait_until (window_page_ready, window, 30));
  page = BB_AVAILABILITY_PAGE (bb_window_get_page (window, "availability"));
  g_assert_true (bb_window_show_page (window, "availability"));
  detail = bb_availability_page_get_detail (page);
  second = g_list_model_get_item (bb_availability_page_get_hospitals (page), 1);
  id = bb_hospital_item_get_id (second);
  g_assert_true (bb_availability_page_show_hospital (page, id));

  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (detail), BB_TYPE_HOSPITAL_DETAIL, "enquiry_button"));
  g_signal_emit_by_name (button, "clicked");
  spin (20);
  enquiries = bb_window_get_page (window, "enquiries");
  if (bb_window_page_is_visible (window, "enquiries"))
    g_assert_cmpstr (bb_window_get_visible_page_name (window), ==, "enquiries");
  else
    g_assert_cmpstr (bb_window_get_visible_page_name (window), ==, "availability");
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (enquiries), "hospital-id") != NULL)
    {
      gint64 chosen = 0;

      g_object_get (enquiries, "hospital-id", &chosen, NULL);
      g_assert_cmpint (chosen, ==, id);
    }
  else
    {
      /* The form's hospital chooser shows it. */
      AdwComboRow *combo = find_hospital_combo (GTK_WIDGET (enquiries),
                                                G_LIST_MODEL (bb_client_context_get_hospitals (f->context)));
      BbHospitalItem *chosen;

      g_assert_nonnull (combo);
      chosen = adw_combo_row_get_selected_item (combo);
      g_assert_nonnull (chosen);
      g_assert_cmpint (bb_hospital_item_get_id (chosen), ==, id);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/availability/location/is-coordinates-or-a-town", test_location_text_is_coordinates_or_a_town);
  g_test_add_func ("/availability/distance/is-great-circle-km", test_distance_is_great_circle_km);
  g_test_add_func ("/availability/age/reads-as-minutes-hours-days", test_age_reads_as_minutes_hours_days);
  g_test_add_func ("/availability/summary/counts-free-beds-by-kind", test_summary_counts_free_beds_by_kind);
  g_test_add_func ("/availability/forecast/reads-in-plain-words", test_forecast_reads_in_plain_words);
  g_test_add ("/availability/page/lists-demo-hospitals-most-free-first", Fixture, NULL,
              fixture_set_up, test_page_lists_demo_hospitals_most_free_first, fixture_tear_down);
  g_test_add ("/availability/page/puts-the-nearest-hospital-first", Fixture, NULL,
              fixture_set_up, test_page_puts_the_nearest_hospital_first, fixture_tear_down);
  g_test_add ("/availability/page/filters-by-ward-kind", Fixture, NULL,
              fixture_set_up, test_page_filters_by_ward_kind, fixture_tear_down);
  g_test_add ("/availability/detail/shows-wards-and-forecast", Fixture, NULL,
              fixture_set_up, test_detail_shows_wards_and_forecast, fixture_tear_down);
  g_test_add ("/availability/live/counts-follow-bed-events", Fixture, NULL,
              fixture_set_up, test_counts_follow_live_bed_events, fixture_tear_down);
  g_test_add ("/availability/page/narrow-window-opens-the-detail-over-the-list", Fixture, NULL,
              fixture_set_up, test_narrow_window_opens_the_detail_over_the_list, fixture_tear_down);
  g_test_add ("/availability/window/enquiry-button-opens-the-enquiry-form", Fixture, NULL,
              fixture_set_up, test_enquiry_button_opens_the_enquiry_form, fixture_tear_down);
  g_test_add ("/availability/offline/keeps-the-snapshot", Fixture, NULL,
              fixture_set_up, test_offline_keeps_the_snapshot, fixture_tear_down);

  return g_test_run ();
}
