/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-availability-page.c: free beds for everyone. The context's hospital
 * list (updated in place by live events) goes through a kind filter and a
 * sorter (distance from the user's location, else most free beds) to a
 * GtkListView; the selected hospital opens in a BbHospitalDetail beside the
 * list (AdwLeaflet: over it when the window is narrow). */
#define G_LOG_DOMAIN "bb-availability-page"

#include "config.h"

#include "bb-availability-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#define AGE_TICK_SECONDS 30
#define EARTH_RADIUS_KM 6371.0088

struct _BbAvailabilityPage
{
  GtkWidget           parent_instance;

  BbClientContext    *context;
  gboolean            ready;
  gboolean            has_location;
  double              latitude;
  double              longitude;
  char               *kind;             /* NULL: all kinds */
  GPtrArray          *kinds;            /* the kind dropdown's kinds; [0] NULL: all */
  GPtrArray          *bound_rows;       /* row widgets bound to an item */
  gboolean            syncing;          /* setting controls from code */
  guint               age_source;
  guint               kinds_idle;       /* a kind drop-down rebuild is due */

  GtkCustomFilter    *filter;
  GtkCustomSorter    *sorter;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
  GtkSingleSelection *selection;
  BbHospitalDetail   *detail;

  /* template */
  AdwLeaflet         *leaflet;
  GtkEntry           *location_entry;
  GtkDropDown        *place_dropdown;
  GtkDropDown        *kind_dropdown;
  GtkLabel           *location_error;
  GtkLabel           *status_label;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  GtkButton          *back_button;
  GtkStack           *detail_stack;
};

static void bb_availability_page_page_iface_init (BbPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbAvailabilityPage, bb_availability_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (BB_TYPE_PAGE, bb_availability_page_page_iface_init))

G_DEFINE_QUARK (bb-availability-error-quark, bb_availability_error)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_TITLE,
  PROP_ICON_NAME,
  PROP_MIN_ROLE,
  PROP_READY,
  N_PROPS
};

static const struct
{
  const char *name;
  double      latitude;
  double      longitude;
} presets[] = {
  { "Albany",           42.6526, -73.7562 },
  { "Glens Falls",      43.3095, -73.6440 },
  { "Hudson",           42.2529, -73.7910 },
  { "Kingston",         41.9270, -73.9974 },
  { "Poughkeepsie",     41.7004, -73.9210 },
  { "Saratoga Springs", 43.0831, -73.7846 },
  { "Schenectady",      42.8142, -73.9396 },
  { "Troy",             42.7284, -73.6918 },
};

/* The kinds in the order people look for them; others follow by name. */
static const struct
{
  const char *kind;
  const char *label;
} kind_labels[] = {
  { "icu",            N_("ICU") },
  { "picu",           N_("Pediatric ICU") },
  { "nicu",           N_("Neonatal ICU") },
  { "ccu",            N_("Coronary care") },
  { "hdu",            N_("High dependency") },
  { "general",        N_("General") },
  { "surgical",       N_("Surgical") },
  { "cardiac",        N_("Cardiac") },
  { "pediatric",      N_("Pediatric") },
  { "maternity",      N_("Maternity") },
  { "oncology",       N_("Oncology") },
  { "orthopedic",     N_("Orthopedic") },
  { "neurology",      N_("Neurology") },
  { "geriatric",      N_("Geriatric") },
  { "psychiatric",    N_("Psychiatric") },
  { "rehabilitation", N_("Rehabilitation") },
};

static char *summarize (BbHospitalItem *hospital,
                        const char     *kind,
                        gboolean        with_total);

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static int
kind_rank (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    if (g_strcmp0 (kind, kind_labels[i].kind) == 0)
      return (int) i;
  return G_N_ELEMENTS (kind_labels);
}

static int
compare_kinds (gconstpointer a,
               gconstpointer b)
{
  const char *ka = *(const char * const *) a;
  const char *kb = *(const char * const *) b;
  int ra = kind_rank (ka), rb = kind_rank (kb);

  if (ra != rb)
    return ra < rb ? -1 : 1;
  return g_strcmp0 (ka, kb);
}

/* Free beds of one kind in a hospital (its wards must be loaded); -1 when
 * it has no ward of that kind. */
static int
free_of_kind (BbHospitalItem *hospital,
              const char     *kind)
{
  GListModel *wards = bb_hospital_item_get_wards (hospital);
  guint n = g_list_model_get_n_items (wards);
  int free_beds = -1;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, i);

      if (g_strcmp0 (bb_ward_item_get_kind (ward), kind) == 0)
        free_beds = MAX (free_beds, 0) + (int) bb_ward_item_get_free (ward);
    }
  return free_beds;
}

static double
distance_to (BbAvailabilityPage *self,
             BbHospitalItem     *hospital)
{
  if (!self->has_location)
    return -1;
  return bb_availability_distance_km (self->latitude, self->longitude,
                                      bb_hospital_item_get_latitude (hospital),
                                      bb_hospital_item_get_longitude (hospital));
}

static void
set_ready (BbAvailabilityPage *self,
           gboolean            ready)
{
  if (self->ready == ready)
    return;
  self->ready = ready;
  g_object_notify (G_OBJECT (self), "ready");
}

/* Ready once the hospitals are there and the detail shown (if any) has its
 * forecast or knows it cannot have it. */
static void
update_ready (BbAvailabilityPage *self)
{
  gboolean ready = self->context != NULL && bb_client_context_get_loaded (self->context);

  if (ready && bb_hospital_detail_get_hospital (self->detail) != NULL &&
      !adw_leaflet_get_folded (self->leaflet))
    ready = bb_hospital_detail_get_forecast_state (self->detail) != BB_HOSPITAL_DETAIL_FORECAST_LOADING;
  /* Once ready, a later reload does not take it back. */
  if (ready)
    set_ready (self, TRUE);
}

/* ---- list rows ---- */

static void
update_row (GtkWidget *row)
{
  BbAvailabilityPage *self = g_object_get_data (G_OBJECT (row), "page");
  BbHospitalItem *hospital = g_object_get_data (G_OBJECT (row), "hospital");
  GtkLabel *name = g_object_get_data (G_OBJECT (row), "name");
  GtkLabel *summary = g_object_get_data (G_OBJECT (row), "summary");
  GtkLabel *meta = g_object_get_data (G_OBJECT (row), "meta");
  GtkLabel *count = g_object_get_data (G_OBJECT (row), "count");
  g_autofree char *summary_text = NULL;
  g_autofree char *age = NULL;
  g_autofree char *meta_text = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *accessible = NULL;
  double distance;
  int free_beds;

  if (hospital == NULL)
    return;

  gtk_label_set_text (name, bb_hospital_item_get_name (hospital));
  summary_text = bb_availability_summarize (hospital, self->kind);
  /* The badge shows the free beds: the line under the name has the rest. */
  {
    g_autofree char *kinds = summarize (hospital, self->kind, FALSE);

    gtk_label_set_text (summary, kinds);
    gtk_widget_set_visible (GTK_WIDGET (summary), *kinds != '\0');
  }

  age = bb_availability_format_age (bb_hospital_item_get_updated_at (hospital), now_seconds ());
  distance = distance_to (self, hospital);
  if (distance >= 0 && *age != '\0')
    /* Translators: a distance, then when the beds last changed ("5 min ago"). */
    meta_text = g_strdup_printf (_("%.1f km · updated %s"), distance, age);
  else if (distance >= 0)
    meta_text = g_strdup_printf (_("%.1f km away"), distance);
  else if (*age != '\0')
    meta_text = g_strdup_printf (_("Updated %s"), age);
  else
    meta_text = g_strdup ("");
  gtk_label_set_text (meta, meta_text);

  free_beds = self->kind != NULL ? MAX (0, free_of_kind (hospital, self->kind))
                                 : (int) bb_hospital_item_get_free (hospital);
  count_text = g_strdup_printf ("%d", free_beds);
  gtk_label_set_text (count, count_text);
  if (free_beds == 0)
    gtk_widget_add_css_class (GTK_WIDGET (count), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (count), "error");

  accessible = g_strdup_printf ("%s. %s. %s", bb_hospital_item_get_name (hospital), summary_text, meta_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
update_bound_rows (BbAvailabilityPage *self)
{
  for (guint i = 0; i < self->bound_rows->len; i++)
    update_row (g_ptr_array_index (self->bound_rows, i));
}

static void
on_row_hospital_notify_cb (GtkWidget  *row,
                           GParamSpec *pspec,
                           GObject    *hospital)
{
  update_row (row);
}

static GtkWidget *
make_label (const char *css_class,
            const char *css_class2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  if (css_class2 != NULL)
    gtk_widget_add_css_class (label, css_class2);
  return label;
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     BbAvailabilityPage       *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *badge = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = make_label ("heading", NULL);
  GtkWidget *summary = make_label (NULL, NULL);
  GtkWidget *meta = make_label ("caption", "dim-label");
  GtkWidget *count = make_label ("title-2", "numeric");
  GtkWidget *count_caption = make_label ("caption", "dim-label");

  gtk_widget_set_margin_top (row, 9);
  gtk_widget_set_margin_bottom (row, 9);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (summary), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_ellipsize (GTK_LABEL (meta), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), summary);
  gtk_box_append (GTK_BOX (text), meta);

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (badge, 48, -1);
  gtk_label_set_xalign (GTK_LABEL (count), 0.5);
  gtk_label_set_xalign (GTK_LABEL (count_caption), 0.5);
  /* Translators: under the number of free beds in the hospital list. */
  gtk_label_set_text (GTK_LABEL (count_caption), _("free"));
  gtk_box_append (GTK_BOX (badge), count);
  gtk_box_append (GTK_BOX (badge), count_caption);

  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row), badge);

  g_object_set_data (G_OBJECT (row), "page", self);
  g_object_set_data (G_OBJECT (row), "name", name);
  g_object_set_data (G_OBJECT (row), "summary", summary);
  g_object_set_data (G_OBJECT (row), "meta", meta);
  g_object_set_data (G_OBJECT (row), "count", count);
  gtk_list_item_set_child (list_item, row);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    BbAvailabilityPage       *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  BbHospitalItem *hospital = gtk_list_item_get_item (list_item);

  g_object_set_data_full (G_OBJECT (row), "hospital", g_object_ref (hospital), g_object_unref);
  /* Live events change the item in place; the row follows. */
  g_signal_connect_object (hospital, "notify", G_CALLBACK (on_row_hospital_notify_cb), row, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->bound_rows, row);
  update_row (row);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      BbAvailabilityPage       *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  BbHospitalItem *hospital = g_object_get_data (G_OBJECT (row), "hospital");

  if (hospital != NULL)
    g_signal_handlers_disconnect_by_func (hospital, on_row_hospital_notify_cb, row);
  g_ptr_array_remove_fast (self->bound_rows, row);
  g_object_set_data (G_OBJECT (row), "hospital", NULL);
}

/* ---- filter, sorter, status ---- */

static gboolean
filter_hospital (gpointer item,
                 gpointer user_data)
{
  BbAvailabilityPage *self = user_data;

  return self->kind == NULL || free_of_kind (item, self->kind) >= 0;
}

static int
compare_hospitals (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  BbAvailabilityPage *self = user_data;
  BbHospitalItem *ha = (BbHospitalItem *) a;
  BbHospitalItem *hb = (BbHospitalItem *) b;

  if (self->has_location)
    {
      double da = distance_to (self, ha), db = distance_to (self, hb);

      if (da != db)
        return da < db ? -1 : 1;
    }
  else
    {
      int fa = self->kind != NULL ? free_of_kind (ha, self->kind) : (int) bb_hospital_item_get_free (ha);
      int fb = self->kind != NULL ? free_of_kind (hb, self->kind) : (int) bb_hospital_item_get_free (hb);

      if (fa != fb)
        return fa > fb ? -1 : 1;
    }
  return g_utf8_collate (bb_hospital_item_get_name (ha), bb_hospital_item_get_name (hb));
}

static void
update_status (BbAvailabilityPage *self)
{
  GListModel *model = G_LIST_MODEL (self->sort_model);
  guint n = g_list_model_get_n_items (model);
  guint free_beds = 0;
  gint64 newest = 0;
  g_autofree char *age = NULL;
  g_autofree char *hospitals = NULL;
  g_autofree char *beds = NULL;
  GString *text;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbHospitalItem) hospital = g_list_model_get_item (model, i);

      free_beds += self->kind != NULL ? (guint) MAX (0, free_of_kind (hospital, self->kind))
                                      : bb_hospital_item_get_free (hospital);
      newest = MAX (newest, bb_hospital_item_get_updated_at (hospital));
    }

  hospitals = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hospital", "%u hospitals", n), n);
  beds = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bed free", "%u beds free", free_beds), free_beds);
  text = g_string_new (hospitals);
  g_string_append_printf (text, " · %s", beds);
  age = bb_availability_format_age (newest, now_seconds ());
  if (*age != '\0')
    /* Translators: %s is e.g. "2 min ago". */
    g_string_append_printf (text, _(" · updated %s"), age);
  if (self->has_location)
    g_string_append (text, _(" · nearest first"));
  gtk_label_set_text (self->status_label, text->str);
  g_string_free (text, TRUE);

  if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else if (self->context != NULL && bb_client_context_get_loaded (self->context))
    {
      if (self->kind != NULL)
        {
          g_autofree char *description =
            g_strdup_printf (_("No hospital has a %s ward. Choose another kind of ward."),
                             bb_availability_kind_label (self->kind));

          adw_status_page_set_title (self->empty_page, _("No Matching Hospitals"));
          adw_status_page_set_description (self->empty_page, description);
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Hospitals"));
          adw_status_page_set_description (self->empty_page, _("The server does not list any hospital yet."));
        }
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
}

/* The kinds of ward the hospitals have, for the kind filter. */
static void
update_kinds (BbAvailabilityPage *self)
{
  BbHospitalList *list = bb_client_context_get_hospitals (self->context);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) labels = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint selected = 0;
  gboolean same;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbHospitalItem) hospital = g_list_model_get_item (G_LIST_MODEL (list), i);
      GListModel *wards = bb_hospital_item_get_wards (hospital);

      for (guint j = 0; j < g_list_model_get_n_items (wards); j++)
        {
          g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, j);
          const char *kind = bb_ward_item_get_kind (ward);

          if (kind != NULL && !g_ptr_array_find_with_equal_func (kinds, kind, g_str_equal, NULL))
            g_ptr_array_add (kinds, g_strdup (kind));
        }
    }
  /* The chosen kind stays on offer even when no hospital has it now. */
  if (self->kind != NULL && !g_ptr_array_find_with_equal_func (kinds, self->kind, g_str_equal, NULL))
    g_ptr_array_add (kinds, g_strdup (self->kind));
  g_ptr_array_sort (kinds, compare_kinds);
  g_ptr_array_insert (kinds, 0, NULL);

  same = kinds->len == self->kinds->len;
  for (guint i = 1; same && i < kinds->len; i++)
    same = g_str_equal (g_ptr_array_index (kinds, i), g_ptr_array_index (self->kinds, i));
  if (same)
    return;

  labels = gtk_string_list_new (NULL);
  gtk_string_list_append (labels, _("All kinds of ward"));
  for (guint i = 1; i < kinds->len; i++)
    {
      gtk_string_list_append (labels, bb_availability_kind_label (g_ptr_array_index (kinds, i)));
      if (g_strcmp0 (self->kind, g_ptr_array_index (kinds, i)) == 0)
        selected = i;
    }
  g_ptr_array_unref (self->kinds);
  self->kinds = g_steal_pointer (&kinds);
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->kind_dropdown, selected);
  self->syncing = FALSE;
}

static gboolean
on_kinds_idle_cb (gpointer user_data)
{
  BbAvailabilityPage *self = user_data;

  self->kinds_idle = 0;
  update_kinds (self);
  return G_SOURCE_REMOVE;
}

/* ---- callbacks ---- */

static void
on_hospitals_changed_cb (BbAvailabilityPage *self,
                         guint               position,
                         guint               removed,
                         guint               added,
                         GListModel         *model)
{
  update_kinds (self);
  /* Counts moved: a filter on a kind and the free-bed order may change. */
  if (self->kind != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
select_first_if_wide (BbAvailabilityPage *self)
{
  if (adw_leaflet_get_folded (self->leaflet) ||
      gtk_single_selection_get_selected_item (self->selection) != NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return;
  gtk_single_selection_set_selected (self->selection, 0);
}

static void
on_shown_changed_cb (BbAvailabilityPage *self,
                     guint               position,
                     guint               removed,
                     guint               added,
                     GListModel         *model)
{
  update_status (self);
  /* Nothing left to show (a kind no hospital has): no stale detail either. */
  if (g_list_model_get_n_items (model) == 0)
    {
      bb_hospital_detail_set_hospital (self->detail, NULL);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
    }
  select_first_if_wide (self);
  update_ready (self);
}

static void
on_loaded_cb (BbAvailabilityPage *self,
              GParamSpec         *pspec,
              BbClientContext    *context)
{
  update_kinds (self);
  update_status (self);
  select_first_if_wide (self);
  update_ready (self);
}

static void
on_selected_cb (BbAvailabilityPage *self,
                GParamSpec         *pspec,
                GtkSingleSelection *selection)
{
  BbHospitalItem *hospital = gtk_single_selection_get_selected_item (selection);

  if (hospital == NULL)
    return;  /* keep showing the last one: the list may only be resorting */
  bb_hospital_detail_set_hospital (self->detail, hospital);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  update_ready (self);
}

static void
on_list_activate_cb (BbAvailabilityPage *self,
                     guint               position,
                     GtkListView        *list_view)
{
  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_back_clicked_cb (BbAvailabilityPage *self,
                    GtkButton          *button)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_folded_cb (BbAvailabilityPage *self,
              GParamSpec         *pspec,
              AdwLeaflet         *leaflet)
{
  select_first_if_wide (self);
  update_ready (self);
}

static void
on_forecast_state_cb (BbAvailabilityPage *self,
                      GParamSpec         *pspec,
                      BbHospitalDetail   *detail)
{
  update_ready (self);
}

static void
show_location_error (BbAvailabilityPage *self,
                     const char         *message)
{
  gtk_widget_set_visible (GTK_WIDGET (self->location_error), message != NULL);
  gtk_label_set_text (self->location_error, message != NULL ? message : "");
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->location_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->location_entry), "error");
}

static void
on_location_activate_cb (BbAvailabilityPage *self,
                         GtkEntry           *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  double latitude, longitude;

  if (*stripped == '\0')
    {
      show_location_error (self, NULL);
      bb_availability_page_set_location (self, FALSE, 0, 0);
      return;
    }
  if (!bb_availability_parse_location (stripped, &latitude, &longitude, &error))
    {
      /* The list keeps its order: nothing half-applied. */
      show_location_error (self, error->message);
      return;
    }
  show_location_error (self, NULL);
  bb_availability_page_set_location (self, TRUE, latitude, longitude);
}

static void
on_location_changed_cb (BbAvailabilityPage *self,
                        GtkEditable        *editable)
{
  if (self->syncing)
    return;
  /* A new text is not wrong until it is entered. */
  show_location_error (self, NULL);
  gtk_entry_set_icon_from_icon_name (self->location_entry, GTK_ENTRY_ICON_SECONDARY,
                                     *gtk_editable_get_text (editable) != '\0' ? "edit-clear-symbolic" : NULL);
}

static void
on_location_icon_cb (BbAvailabilityPage   *self,
                     GtkEntryIconPosition  position,
                     GtkEntry             *entry)
{
  if (position != GTK_ENTRY_ICON_SECONDARY)
    return;
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  show_location_error (self, NULL);
  bb_availability_page_set_location (self, FALSE, 0, 0);
}

static void
on_place_selected_cb (BbAvailabilityPage *self,
                      GParamSpec         *pspec,
                      GtkDropDown        *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > G_N_ELEMENTS (presets))
    return;
  show_location_error (self, NULL);
  bb_availability_page_set_location (self, TRUE, presets[selected - 1].latitude, presets[selected - 1].longitude);
}

static void
on_kind_selected_cb (BbAvailabilityPage *self,
                     GParamSpec         *pspec,
                     GtkDropDown        *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  g_autofree char *kind = NULL;

  if (self->syncing || selected >= self->kinds->len)
    return;
  kind = g_strdup (g_ptr_array_index (self->kinds, selected));
  /* Replacing the drop-down's model inside its own notification would free
   * the selection it is still using: rebuild the kinds afterwards. */
  self->syncing = TRUE;
  bb_availability_page_set_kind (self, kind);
  self->syncing = FALSE;
  if (self->kinds_idle == 0)
    self->kinds_idle = g_idle_add_full (G_PRIORITY_DEFAULT, on_kinds_idle_cb, self, NULL);
}

static gboolean
on_age_tick_cb (gpointer user_data)
{
  BbAvailabilityPage *self = user_data;

  update_bound_rows (self);
  update_status (self);
  return G_SOURCE_CONTINUE;
}

/* Shows the location in the controls: a preset's name or the numbers. */
static void
sync_location_controls (BbAvailabilityPage *self)
{
  guint preset = 0;

  for (guint i = 0; self->has_location && i < G_N_ELEMENTS (presets); i++)
    if (fabs (presets[i].latitude - self->latitude) < 1e-6 &&
        fabs (presets[i].longitude - self->longitude) < 1e-6)
      preset = i + 1;

  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->place_dropdown, preset);
  if (preset > 0)
    gtk_editable_set_text (GTK_EDITABLE (self->location_entry), presets[preset - 1].name);
  else if (self->has_location)
    {
      const char *current = gtk_editable_get_text (GTK_EDITABLE (self->location_entry));
      double lat, lon;

      /* Keep what the user typed if it says the same place. */
      if (!bb_availability_parse_location (current, &lat, &lon, NULL) ||
          fabs (lat - self->latitude) > 1e-6 || fabs (lon - self->longitude) > 1e-6)
        {
          g_autofree char *text = g_strdup_printf ("%.4f, %.4f", self->latitude, self->longitude);

          gtk_editable_set_text (GTK_EDITABLE (self->location_entry), text);
        }
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->location_entry), "");
  gtk_entry_set_icon_from_icon_name (self->location_entry, GTK_ENTRY_ICON_SECONDARY,
                                     self->has_location ? "edit-clear-symbolic" : NULL);
  self->syncing = FALSE;
}

/* ---- BbPage ---- */

static void
bb_availability_page_refresh (BbPage *page)
{
  BbAvailabilityPage *self = BB_AVAILABILITY_PAGE (page);

  /* The window reloads the hospitals; the forecast is ours. */
  bb_hospital_detail_reload_forecast (self->detail);
}

static void
bb_availability_page_page_iface_init (BbPageInterface *iface)
{
  iface->refresh = bb_availability_page_refresh;
}

/* ---- GObject ---- */

static void
bb_availability_page_constructed (GObject *object)
{
  BbAvailabilityPage *self = (BbAvailabilityPage *) object;
  BbHospitalList *hospitals;
  GSettings *settings;

  G_OBJECT_CLASS (bb_availability_page_parent_class)->constructed (object);

  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self->context));

  hospitals = bb_client_context_get_hospitals (self->context);
  settings = bb_client_context_get_settings (self->context);
  if (settings != NULL)
    {
      gboolean has = FALSE;
      double lat = 0, lon = 0;

      g_settings_get (settings, "location", "(bdd)", &has, &lat, &lon);
      if (has && isfinite (lat) && isfinite (lon) && fabs (lat) <= 90 && fabs (lon) <= 180)
        {
          self->has_location = TRUE;
          self->latitude = lat;
          self->longitude = lon;
        }
    }

  self->detail = BB_HOSPITAL_DETAIL (bb_hospital_detail_new (self->context));
  bb_hospital_detail_set_location (self->detail, self->has_location, self->latitude, self->longitude);
  gtk_stack_add_named (self->detail_stack, GTK_WIDGET (self->detail), "detail");
  g_signal_connect_object (self->detail, "notify::forecast-state", G_CALLBACK (on_forecast_state_cb),
                           self, G_CONNECT_SWAPPED);

  self->filter = gtk_custom_filter_new (filter_hospital, self, NULL);
  self->sorter = gtk_custom_sorter_new (compare_hospitals, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (hospitals)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (GTK_SORTER (self->sorter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (hospitals, "items-changed", G_CALLBACK (on_hospitals_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sort_model, "items-changed", G_CALLBACK (on_shown_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (on_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::loaded", G_CALLBACK (on_loaded_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (on_folded_cb), self,
                           G_CONNECT_SWAPPED);

  sync_location_controls (self);
  self->age_source = g_timeout_add_seconds (AGE_TICK_SECONDS, on_age_tick_cb, self);
  on_loaded_cb (self, NULL, self->context);
}

static void
bb_availability_page_dispose (GObject *object)
{
  BbAvailabilityPage *self = (BbAvailabilityPage *) object;
  GtkWidget *child;

  g_clear_handle_id (&self->age_source, g_source_remove);
  g_clear_handle_id (&self->kinds_idle, g_source_remove);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_AVAILABILITY_PAGE);
  /* The template's top child has no id: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->detail = NULL;  /* was in the template's stack */
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (bb_availability_page_parent_class)->dispose (object);
}

static void
bb_availability_page_finalize (GObject *object)
{
  BbAvailabilityPage *self = (BbAvailabilityPage *) object;

  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_clear_pointer (&self->bound_rows, g_ptr_array_unref);
  g_clear_pointer (&self->kind, g_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_availability_page_parent_class)->finalize (object);
}

static void
bb_availability_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BbAvailabilityPage *self = BB_AVAILABILITY_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT: g_value_set_object (value, self->context); break;
    case PROP_TITLE: g_value_set_string (value, _("Availability")); break;
    case PROP_ICON_NAME: g_value_set_string (value, "find-location-symbolic"); break;
    case PROP_MIN_ROLE: g_value_set_enum (value, BB_ROLE_NONE); break;
    case PROP_READY: g_value_set_boolean (value, self->ready); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_availability_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BbAvailabilityPage *self = BB_AVAILABILITY_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT: self->context = g_value_dup_object (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_availability_page_class_init (BbAvailabilityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_availability_page_constructed;
  object_class->dispose = bb_availability_page_dispose;
  object_class->finalize = bb_availability_page_finalize;
  object_class->get_property = bb_availability_page_get_property;
  object_class->set_property = bb_availability_page_set_property;

  bb_page_install_properties (object_class, PROP_CONTEXT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-availability-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, location_entry);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, place_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, location_error);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, BbAvailabilityPage, detail_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_location_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_location_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_location_icon_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_place_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "bb-availability-page");
}

static void
bb_availability_page_init (BbAvailabilityPage *self)
{
  g_autoptr(GtkStringList) places = gtk_string_list_new (NULL);
  GtkListItemFactory *factory;

  self->kinds = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->kinds, NULL);
  self->bound_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (places, _("Choose a town"));
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    gtk_string_list_append (places, presets[i].name);
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->place_dropdown, G_LIST_MODEL (places));
  self->syncing = FALSE;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}

/* ---- public API ---- */

GListModel *
bb_availability_page_get_hospitals (BbAvailabilityPage *self)
{
  g_return_val_if_fail (BB_IS_AVAILABILITY_PAGE (self), NULL);
  return G_LIST_MODEL (self->sort_model);
}

void
bb_availability_page_set_location (BbAvailabilityPage *self,
                                   gboolean            has_location,
                                   double              latitude,
                                   double              longitude)
{
  GSettings *settings;

  g_return_if_fail (BB_IS_AVAILABILITY_PAGE (self));
  g_return_if_fail (!has_location || (isfinite (latitude) && isfinite (longitude) &&
                                      fabs (latitude) <= 90 && fabs (longitude) <= 180));

  if (!has_location)
    latitude = longitude = 0;
  if (self->has_location != !!has_location || self->latitude != latitude || self->longitude != longitude)
    {
      self->has_location = !!has_location;
      self->latitude = latitude;
      self->longitude = longitude;
      settings = self->context != NULL ? bb_client_context_get_settings (self->context) : NULL;
      if (settings != NULL)
        g_settings_set (settings, "location", "(bdd)", self->has_location, latitude, longitude);
      if (self->sorter != NULL)
        gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
    }
  sync_location_controls (self);
  update_bound_rows (self);
  if (self->sort_model != NULL)
    update_status (self);
  if (self->detail != NULL)
    bb_hospital_detail_set_location (self->detail, self->has_location, self->latitude, self->longitude);
}

gboolean
bb_availability_page_get_location (BbAvailabilityPage *self,
                                   double             *latitude,
                                   double             *longitude)
{
  g_return_val_if_fail (BB_IS_AVAILABILITY_PAGE (self), FALSE);

  if (latitude != NULL)
    *latitude = self->latitude;
  if (longitude != NULL)
    *longitude = self->longitude;
  return self->has_location;
}

void
bb_availability_page_set_kind (BbAvailabilityPage *self,
                               const char         *kind)
{
  g_return_if_fail (BB_IS_AVAILABILITY_PAGE (self));

  if (kind != NULL && *kind == '\0')
    kind = NULL;
  if (g_strcmp0 (self->kind, kind) == 0)
    return;
  g_free (self->kind);
  self->kind = g_strdup (kind);

  /* From the drop-down itself: it shows the kind already. */
  if (!self->syncing)
    {
      if (self->context != NULL)
        update_kinds (self);
      self->syncing = TRUE;
      for (guint i = 0; i < self->kinds->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->kinds, i), self->kind) == 0)
          gtk_drop_down_set_selected (self->kind_dropdown, i);
      self->syncing = FALSE;
    }

  if (self->filter != NULL)
    {
      gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
      gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
      update_bound_rows (self);
      update_status (self);
    }
}

const char *
bb_availability_page_get_kind (BbAvailabilityPage *self)
{
  g_return_val_if_fail (BB_IS_AVAILABILITY_PAGE (self), NULL);
  return self->kind;
}

gboolean
bb_availability_page_show_hospital (BbAvailabilityPage *self,
                                    gint64              hospital_id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (BB_IS_AVAILABILITY_PAGE (self), FALSE);

  model = G_LIST_MODEL (self->sort_model);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbHospitalItem) hospital = g_list_model_get_item (model, i);

      if (bb_hospital_item_get_id (hospital) == hospital_id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
          return TRUE;
        }
    }
  return FALSE;
}

BbHospitalDetail *
bb_availability_page_get_detail (BbAvailabilityPage *self)
{
  g_return_val_if_fail (BB_IS_AVAILABILITY_PAGE (self), NULL);
  return self->detail;
}

/* ---- pure helpers ---- */

const char **
bb_availability_get_preset_names (void)
{
  static const char *names[G_N_ELEMENTS (presets) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    names[i] = presets[i].name;
  names[G_N_ELEMENTS (presets)] = NULL;
  return names;
}

gboolean
bb_availability_lookup_preset (const char *name,
                               double     *latitude,
                               double     *longitude)
{
  g_autofree char *wanted = NULL;

  if (name == NULL)
    return FALSE;
  wanted = g_utf8_casefold (name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_autofree char *candidate = g_utf8_casefold (presets[i].name, -1);

      if (g_str_equal (wanted, candidate))
        {
          if (latitude != NULL)
            *latitude = presets[i].latitude;
          if (longitude != NULL)
            *longitude = presets[i].longitude;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
parse_degrees (const char *token,
               double     *out)
{
  g_autofree char *copy = g_strdup (token);
  char *end = NULL;
  gsize len = strlen (copy);
  double value;

  /* "42.65°" */
  if (len >= 2 && g_str_has_suffix (copy, "°"))
    copy[len - strlen ("°")] = '\0';
  if (*copy == '\0')
    return FALSE;
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
bb_availability_parse_location (const char  *text,
                                double      *latitude,
                                double      *longitude,
                                GError     **error)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  double lat, lon;

  g_return_val_if_fail (latitude != NULL && longitude != NULL, FALSE);

  copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*copy != '\0' && bb_availability_lookup_preset (copy, latitude, longitude))
    return TRUE;

  for (char *p = copy; *p != '\0'; p++)
    if (*p == ',' || *p == ';' || *p == '\t')
      *p = ' ';
  tokens = g_strsplit (copy, " ", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      g_ptr_array_add (parts, tokens[i]);

  if (parts->len != 2 || !parse_degrees (g_ptr_array_index (parts, 0), &lat) ||
      !parse_degrees (g_ptr_array_index (parts, 1), &lon))
    {
      g_set_error (error, BB_AVAILABILITY_ERROR, BB_AVAILABILITY_ERROR_INVALID_LOCATION,
                   _("Type a location as latitude, longitude (for example 42.65, -73.75) or a town such as Albany"));
      return FALSE;
    }
  if (fabs (lat) > 90 || fabs (lon) > 180)
    {
      g_set_error (error, BB_AVAILABILITY_ERROR, BB_AVAILABILITY_ERROR_INVALID_LOCATION,
                   _("Latitude goes from -90 to 90 and longitude from -180 to 180"));
      return FALSE;
    }
  *latitude = lat;
  *longitude = lon;
  return TRUE;
}

double
bb_availability_distance_km (double lat1,
                             double lon1,
                             double lat2,
                             double lon2)
{
  double rad = G_PI / 180.0;
  double dlat = (lat2 - lat1) * rad;
  double dlon = (lon2 - lon1) * rad;
  double a = sin (dlat / 2) * sin (dlat / 2) +
             cos (lat1 * rad) * cos (lat2 * rad) * sin (dlon / 2) * sin (dlon / 2);

  return 2 * EARTH_RADIUS_KM * asin (MIN (1.0, sqrt (a)));
}

char *
bb_availability_format_age (gint64 then,
                            gint64 now)
{
  gint64 age;

  if (then <= 0)
    return g_strdup ("");
  age = MAX (0, now - then);
  if (age < 60)
    return g_strdup (_("just now"));
  if (age < 3600)
    return g_strdup_printf (_("%d min ago"), (int) (age / 60));
  if (age < 48 * 3600)
    return g_strdup_printf (_("%d h ago"), (int) (age / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", (gulong) (age / 86400)),
                          (int) (age / 86400));
}

const char *
bb_availability_kind_label (const char *kind)
{
  if (kind == NULL)
    return "";
  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    if (g_str_equal (kind, kind_labels[i].kind))
      return _(kind_labels[i].label);
  return kind;
}

char *
bb_availability_summarize (BbHospitalItem *hospital,
                           const char     *kind)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (hospital), NULL);
  return summarize (hospital, kind, TRUE);
}

/* with_total FALSE: only what follows the total (the kinds, or the total
 * over all kinds when a kind is chosen). */
static char *
summarize (BbHospitalItem *hospital,
           const char     *kind,
           gboolean        with_total)
{
  GListModel *wards;
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  g_autoptr(GArray) free_by_kind = g_array_new (FALSE, TRUE, sizeof (guint));
  guint total;
  GString *text;

  total = bb_hospital_item_get_free (hospital);
  wards = bb_hospital_item_get_wards (hospital);
  for (guint i = 0; i < g_list_model_get_n_items (wards); i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, i);
      const char *k = bb_ward_item_get_kind (ward);
      guint index;

      if (k == NULL)
        continue;
      if (!g_ptr_array_find_with_equal_func (kinds, k, g_str_equal, &index))
        {
          guint zero = 0;

          g_ptr_array_add (kinds, (gpointer) k);
          g_array_append_val (free_by_kind, zero);
          index = kinds->len - 1;
        }
      g_array_index (free_by_kind, guint, index) += bb_ward_item_get_free (ward);
    }

  text = g_string_new (NULL);
  if (kind != NULL)
    {
      guint index;
      guint n = g_ptr_array_find_with_equal_func (kinds, kind, g_str_equal, &index)
                ? g_array_index (free_by_kind, guint, index) : 0;

      if (with_total)
        {
          /* Translators: "2 beds free in ICU · 12 in all" */
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u bed free in %s", "%u beds free in %s", n),
                                  n, bb_availability_kind_label (kind));
          g_string_append (text, " · ");
        }
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u free in all kinds of ward",
                                                 "%u free in all kinds of ward", total), total);
      return g_string_free (text, FALSE);
    }

  if (!with_total)
    ;
  else if (total == 0)
    g_string_append (text, _("No bed free"));
  else
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u bed free", "%u beds free", total), total);
  /* The kinds in the usual order; their own order in the hospital otherwise. */
  for (guint r = 0; r <= G_N_ELEMENTS (kind_labels); r++)
    for (guint i = 0; i < kinds->len; i++)
      {
        const char *k = g_ptr_array_index (kinds, i);

        if ((guint) kind_rank (k) == r)
          g_string_append_printf (text, "%s%s %u", text->len > 0 ? " · " : "", bb_availability_kind_label (k),
                                  g_array_index (free_by_kind, guint, i));
      }
  return g_string_free (text, FALSE);
}
