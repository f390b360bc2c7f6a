/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-enquiries-page.c: questions to the admissions desk (see
 * bb-enquiries-page.h).
 *
 * What the user typed is never lost: a refused or failed send keeps the
 * form as it was and says why next to it. The list is reloaded after each
 * change and every 30 s while the page is on screen (enquiries have no live
 * events). */
#define G_LOG_DOMAIN "bb-enquiries-page"

#include "config.h"

#include "bb-enquiries-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "bb-client-context.h"
#include "bb-enquiry-item.h"

#define MAX_CONTACT_BYTES 320
#define MAX_MESSAGE_BYTES 8000
#define RELOAD_SECONDS    30

struct _BbEnquiriesPage
{
  GtkWidget           parent_instance;

  BbClientContext    *context;
  GListStore         *store;          /* BbEnquiryItem, newest first */
  GtkCustomFilter    *inbox_filter;
  GtkFilterListModel *inbox_model;
  GCancellable       *cancellable;
  GCancellable       *list_cancellable;
  gint64              selected_id;    /* staff: the enquiry in the detail pane */
  guint               reload_source;
  guint               busy;           /* calls under way */
  gboolean            ready;
  gboolean            loaded;         /* the list has loaded for this role */

  /* template */
  AdwToastOverlay    *toast_overlay;
  GtkStack           *role_stack;
  AdwComboRow        *hospital_row;
  AdwEntryRow        *name_row;
  AdwEntryRow        *contact_row;
  GtkTextView        *message_view;
  GtkLabel           *form_error_label;
  GtkLabel           *sent_label;
  GtkSpinner         *send_spinner;
  GtkWidget          *send_button;
  GtkWidget          *mine_group;
  GtkListBox         *mine_list;
  GtkToggleButton    *filter_open;
  GtkToggleButton    *filter_accepted;
  GtkToggleButton    *filter_answered;
  GtkToggleButton    *filter_all;
  GtkListView        *inbox_list;
  GtkLabel           *inbox_empty_label;
  GtkSingleSelection *inbox_selection;
  GtkStack           *detail_stack;
  AdwActionRow       *from_row;
  AdwActionRow       *hospital_info_row;
  AdwActionRow       *status_row;
  GtkLabel           *question_label;
  GtkWidget          *accept_button;
  GtkWidget          *reply_box;
  GtkTextView        *reply_view;
  GtkLabel           *reply_error_label;
  GtkWidget          *reply_button;
  GtkWidget          *answered_group;
  GtkLabel           *answer_label;
};

static void bb_enquiries_page_page_iface_init (BbPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BbEnquiriesPage, bb_enquiries_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (BB_TYPE_PAGE, bb_enquiries_page_page_iface_init))

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS = PROP_CONTEXT + BB_PAGE_N_PROPS
};

static void reload (BbEnquiriesPage *self);
static void show_detail (BbEnquiriesPage *self);

static BbRole
current_role (BbEnquiriesPage *self)
{
  return bb_session_get_role (bb_client_context_get_session (self->context));
}

static gint64
current_user_id (BbEnquiriesPage *self)
{
  const BbUser *user = bb_session_get_user (bb_client_context_get_session (self->context));

  return user != NULL ? user->id : 0;
}

static void
set_ready (BbEnquiriesPage *self)
{
  if (self->ready)
    return;
  self->ready = TRUE;
  g_object_notify (G_OBJECT (self), "ready");
}

static void
update_ready (BbEnquiriesPage *self)
{
  /* The public see a form: ready once the hospitals are there. Others
   * also need their list. */
  if (!bb_client_context_get_loaded (self->context))
    return;
  if (current_role (self) == BB_ROLE_NONE || self->loaded)
    set_ready (self);
}

static void
toast (BbEnquiriesPage *self,
       const char      *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
set_busy (BbEnquiriesPage *self,
          gboolean         busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  gtk_spinner_set_spinning (self->send_spinner, self->busy > 0);
  gtk_widget_set_sensitive (self->send_button, self->busy == 0);
  gtk_widget_set_sensitive (self->accept_button, self->busy == 0);
  gtk_widget_set_sensitive (self->reply_button, self->busy == 0);
}

static char *
text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
is_blank (const char *s)
{
  for (; s != NULL && *s != '\0'; s = g_utf8_next_char (s))
    if (!g_unichar_isspace (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

static const char *
hospital_name (BbEnquiriesPage *self,
               gint64           hospital_id)
{
  BbHospitalItem *item = bb_hospital_list_lookup (bb_client_context_get_hospitals (self->context),
                                                  hospital_id, NULL);

  return item != NULL ? bb_hospital_item_get_name (item) : _("Unknown hospital");
}

static char *
format_when (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);

  return dt != NULL ? g_date_time_format (dt, "%e %b, %H:%M") : g_strdup ("");
}

/* The first line of a message, shortened for a list row. */
static char *
excerpt (const char *message,
         guint       max_chars)
{
  g_autofree char *line = g_strdup (message != NULL ? message : "");
  char *newline = strchr (line, '\n');

  if (newline != NULL)
    *newline = '\0';
  g_strstrip (line);
  if (g_utf8_strlen (line, -1) > max_chars)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, max_chars);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&line);
}

static BbEnquiryItem *
find_item (BbEnquiriesPage *self,
           gint64           enquiry_id,
           guint           *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbEnquiryItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (bb_enquiry_item_get_id (item) == enquiry_id)
        {
          if (out_position != NULL)
            *out_position = i;
          return item; /* the store keeps it alive */
        }
    }
  return NULL;
}

/* Puts a changed enquiry in place of the old one (or first, if new). */
static void
store_enquiry (BbEnquiriesPage *self,
               BbEnquiry       *enquiry)
{
  g_autoptr(BbEnquiryItem) item = bb_enquiry_item_new (enquiry);
  guint position;

  if (find_item (self, enquiry->id, &position) != NULL)
    g_list_store_splice (self->store, position, 1, (gpointer *) &item, 1);
  else
    g_list_store_insert (self->store, 0, item);
}

/* ---- the list ---- */

static gboolean
same_enquiries (BbEnquiriesPage *self,
                GPtrArray       *enquiries)
{
  GListModel *model = G_LIST_MODEL (self->store);

  if (g_list_model_get_n_items (model) != enquiries->len)
    return FALSE;
  for (guint i = 0; i < enquiries->len; i++)
    {
      g_autoptr(BbEnquiryItem) item = g_list_model_get_item (model, i);
      const BbEnquiry *a = bb_enquiry_item_get_record (item);
      const BbEnquiry *b = g_ptr_array_index (enquiries, i);

      if (a->id != b->id || g_strcmp0 (a->status, b->status) != 0 || a->accepted_by != b->accepted_by ||
          g_strcmp0 (a->reply, b->reply) != 0 || a->rating != b->rating || a->hospital_id != b->hospital_id)
        return FALSE;
    }
  return TRUE;
}

static void
on_list_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BbEnquiriesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enquiries = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  enquiries = bb_api_client_list_enquiries_finish (BB_API_CLIENT (source), result, &error);
  if (enquiries == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Loading the enquiries: %s", error->message);
      /* Keep what is shown; the page is still usable (the form). */
      self->loaded = TRUE;
      update_ready (self);
      return;
    }
  /* Nothing new (the usual periodic reload): rows stay as the user left
   * them, expanded or selected. */
  if (!same_enquiries (self, enquiries))
    {
      /* The items take the records over. */
      g_ptr_array_set_free_func (enquiries, NULL);
      for (guint i = 0; i < enquiries->len; i++)
        g_ptr_array_add (items, bb_enquiry_item_new (g_ptr_array_index (enquiries, i)));
      g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                           items->pdata, items->len);
    }
  self->loaded = TRUE;
  show_detail (self);
  update_ready (self);
}

static void
reload (BbEnquiriesPage *self)
{
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  if (current_role (self) == BB_ROLE_NONE)
    {
      g_list_store_remove_all (self->store);
      update_ready (self);
      return;
    }
  self->list_cancellable = g_cancellable_new ();
  bb_api_client_list_enquiries_async (bb_client_context_get_api (self->context), 0,
                                      self->list_cancellable, on_list_loaded_cb, g_object_ref (self));
}

static gboolean
on_reload_timeout_cb (gpointer user_data)
{
  BbEnquiriesPage *self = user_data;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && current_role (self) != BB_ROLE_NONE && self->busy == 0)
    reload (self);
  return G_SOURCE_CONTINUE;
}

/* ---- family: their own enquiries and rating ---- */

static void
on_rated_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BbEnquiriesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  BbEnquiry *enquiry;

  set_busy (self, FALSE);
  enquiry = bb_api_client_enquiry_finish (BB_API_CLIENT (source), result, &error);
  if (enquiry == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The rating was not saved: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, message);
      return;
    }
  /* The row shows the new rating: that is the feedback. */
  store_enquiry (self, enquiry);
}

static void
on_star_clicked_cb (GtkButton       *button,
                    BbEnquiriesPage *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "bb-enquiry-id");
  int stars = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "bb-stars"));

  if (self->busy > 0)
    return;
  set_busy (self, TRUE);
  bb_api_client_rate_enquiry_async (bb_client_context_get_api (self->context), id, stars,
                                    self->cancellable, on_rated_cb, g_object_ref (self));
}

static GtkWidget *
text_row (const char *heading,
          const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *body = gtk_label_new (text);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body), TRUE);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), body);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static GtkWidget *
rating_row (BbEnquiriesPage *self,
            const BbEnquiry *enquiry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *stars = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 enquiry->rating > 0 ? _("Your rating") : _("Rate the answer"));
  if (enquiry->rating > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%d of 5 stars"), enquiry->rating);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
    }
  gtk_widget_set_valign (stars, GTK_ALIGN_CENTER);
  for (int i = 1; i <= 5; i++)
    {
      GtkWidget *star = gtk_button_new_from_icon_name (i <= enquiry->rating ? "starred-symbolic"
                                                                              : "non-starred-symbolic");
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Rate %d star", "Rate %d stars", i), i);
      g_autofree char *name = g_strdup_printf ("rate-%d", i);
      gint64 *id = g_new (gint64, 1);

      *id = enquiry->id;
      gtk_widget_add_css_class (star, "flat");
      gtk_widget_add_css_class (star, "circular");
      if (i <= enquiry->rating)
        gtk_widget_add_css_class (star, "enquiry-star-on");
      gtk_widget_set_name (star, name);
      gtk_widget_set_tooltip_text (star, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (star), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (star), "bb-enquiry-id", id, g_free);
      g_object_set_data (G_OBJECT (star), "bb-stars", GINT_TO_POINTER (i));
      g_signal_connect_object (star, "clicked", G_CALLBACK (on_star_clicked_cb), self, 0);
      gtk_box_append (GTK_BOX (stars), star);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), stars);
  return row;
}

static GtkWidget *
create_mine_row (gpointer item,
                 gpointer user_data)
{
  BbEnquiriesPage *self = user_data;
  const BbEnquiry *enquiry = bb_enquiry_item_get_record (item);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *status = gtk_label_new (bb_enquiry_status_word (enquiry->status));
  g_autofree char *title = excerpt (enquiry->message, 60);
  g_autofree char *when = format_when (enquiry->created_at);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", hospital_name (self, enquiry->hospital_id), when);
  gboolean answered = g_strcmp0 (enquiry->status, "answered") == 0;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  gtk_widget_add_css_class (status, answered ? "success" : "dim-label");
  gtk_widget_add_css_class (status, "caption-heading");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), status);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (_("Your question"), enquiry->message));
  if (answered)
    {
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                text_row (_("Answer from the admissions desk"),
                                          enquiry->reply != NULL ? enquiry->reply : ""));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), rating_row (self, enquiry));
      /* An answer not rated yet is what the family came back for. */
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), enquiry->rating == 0);
    }
  else
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              text_row (_("Answer from the admissions desk"),
                                        _("Not answered yet. The answer will appear here.")));
  return row;
}

/* ---- the form ---- */

static void
show_form_error (BbEnquiriesPage *self,
                 const char      *message)
{
  gtk_label_set_text (self->form_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->form_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->sent_label), FALSE);
}

static void
on_form_changed_cb (BbEnquiriesPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->contact_row), "error");
}

static void
on_message_changed_cb (BbEnquiriesPage *self,
                       GtkTextBuffer   *buffer)
{
  gtk_widget_remove_css_class (gtk_widget_get_parent (GTK_WIDGET (self->message_view)), "error");
}

static void
on_reply_changed_cb (BbEnquiriesPage *self,
                     GtkTextBuffer   *buffer)
{
  /* The reason shown was about the text before this change. */
  gtk_widget_set_visible (GTK_WIDGET (self->reply_error_label), FALSE);
  gtk_widget_remove_css_class (gtk_widget_get_parent (GTK_WIDGET (self->reply_view)), "error");
}

typedef struct
{
  BbEnquiriesPage *self;
  char            *contact;
  char            *hospital;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->self);
  g_free (data->contact);
  g_free (data->hospital);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendData, send_data_free)

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SendData) data = user_data;
  BbEnquiriesPage *self = data->self;
  g_autoptr(GError) error = NULL;
  BbEnquiry *enquiry;
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  enquiry = bb_api_client_enquiry_finish (BB_API_CLIENT (source), result, &error);
  if (enquiry == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is why (the server's words or the network error). */
      message = g_strdup_printf (_("Your enquiry was not sent: %s. Your text is kept; try again."), error->message);
      show_form_error (self, message);
      return;
    }

  /* Sent: only now is the message cleared. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->message_view), "", -1);
  show_form_error (self, NULL);
  if (enquiry->user_id > 0 && current_role (self) != BB_ROLE_NONE)
    text = g_strdup_printf (_("Sent to the admissions desk of %s. The answer will appear under “Your Enquiries”."),
                            data->hospital);
  else
    text = g_strdup_printf (_("Sent to the admissions desk of %s. The desk will answer at %s."),
                            data->hospital, data->contact);
  gtk_label_set_text (self->sent_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->sent_label), TRUE);
  if (current_role (self) != BB_ROLE_NONE)
    store_enquiry (self, enquiry);
  else
    bb_enquiry_free (enquiry);
}

static void
on_send_clicked_cb (BbEnquiriesPage *self)
{
  BbHospitalItem *hospital = adw_combo_row_get_selected_item (self->hospital_row);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *contact = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->contact_row))));
  g_autofree char *message = text_view_text (self->message_view);
  GtkWidget *message_frame = gtk_widget_get_parent (GTK_WIDGET (self->message_view));
  SendData *data;

  if (self->busy > 0)
    return;
  if (hospital == NULL)
    {
      show_form_error (self, _("Choose the hospital to ask."));
      return;
    }
  if (name[0] == '\0' || strlen (name) > MAX_CONTACT_BYTES)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      show_form_error (self, name[0] == '\0' ? _("Say who is asking: your name is needed.")
                                             : _("The name is too long (at most 320 bytes)."));
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }
  if (contact[0] == '\0' || strlen (contact) > MAX_CONTACT_BYTES)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->contact_row), "error");
      show_form_error (self, contact[0] == '\0' ? _("Give an e-mail address or phone number the desk can answer at.")
                                                : _("The contact is too long (at most 320 bytes)."));
      gtk_widget_grab_focus (GTK_WIDGET (self->contact_row));
      return;
    }
  if (is_blank (message) || strlen (message) > MAX_MESSAGE_BYTES)
    {
      gtk_widget_add_css_class (message_frame, "error");
      show_form_error (self, is_blank (message) ? _("Write your question before sending.")
                                                : _("The message is too long (at most 8000 bytes)."));
      gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
      return;
    }

  show_form_error (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sent_label), FALSE);
  data = g_new0 (SendData, 1);
  data->self = g_object_ref (self);
  data->contact = g_strdup (contact);
  data->hospital = g_strdup (bb_hospital_item_get_name (hospital));
  set_busy (self, TRUE);
  bb_api_client_create_enquiry_async (bb_client_context_get_api (self->context),
                                      bb_hospital_item_get_id (hospital), name, contact, message,
                                      self->cancellable, on_sent_cb, data);
}

/* ---- staff: the inbox ---- */

static const char *
wanted_status (BbEnquiriesPage *self)
{
  if (gtk_toggle_button_get_active (self->filter_open))
    return "open";
  if (gtk_toggle_button_get_active (self->filter_accepted))
    return "accepted";
  if (gtk_toggle_button_get_active (self->filter_answered))
    return "answered";
  return NULL;
}

static gboolean
inbox_filter_func (gpointer item,
                   gpointer user_data)
{
  BbEnquiriesPage *self = user_data;
  const char *wanted = wanted_status (self);

  return wanted == NULL || g_strcmp0 (bb_enquiry_item_get_status (item), wanted) == 0;
}

static void
on_filter_toggled_cb (BbEnquiriesPage *self,
                      GtkToggleButton *button)
{
  if (gtk_toggle_button_get_active (button))
    gtk_filter_changed (GTK_FILTER (self->inbox_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Inbox rows: name and time, the message's first line, status and hospital. */
static void
on_inbox_setup_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *meta = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (when, "caption");
  gtk_widget_add_css_class (when, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_ellipsize (GTK_LABEL (message), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_ellipsize (GTK_LABEL (meta), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (meta, "caption");
  gtk_box_append (GTK_BOX (top), name);
  gtk_box_append (GTK_BOX (top), when);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), message);
  gtk_box_append (GTK_BOX (box), meta);
  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "when", when);
  g_object_set_data (G_OBJECT (box), "message", message);
  g_object_set_data (G_OBJECT (box), "meta", meta);
  gtk_list_item_set_child (list_item, box);
}

static void
on_inbox_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  BbEnquiriesPage *self = user_data;
  GtkWidget *box = gtk_list_item_get_child (list_item);
  const BbEnquiry *enquiry = bb_enquiry_item_get_record (gtk_list_item_get_item (list_item));
  GtkWidget *meta = g_object_get_data (G_OBJECT (box), "meta");
  gboolean open = g_strcmp0 (enquiry->status, "open") == 0;
  g_autofree char *when_text = format_when (enquiry->created_at);
  g_autofree char *message_text = excerpt (enquiry->message, 50);
  g_autofree char *meta_text = g_strdup_printf ("%s · %s", bb_enquiry_status_word (enquiry->status),
                                                hospital_name (self, enquiry->hospital_id));
  g_autofree char *accessible = g_strdup_printf ("%s: %s (%s)", enquiry->name, message_text, meta_text);

  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "name"), enquiry->name);
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "when"), when_text);
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "message"), message_text);
  gtk_label_set_text (GTK_LABEL (meta), meta_text);
  /* Open ones stand out; the others are done or being done. */
  gtk_widget_remove_css_class (meta, open ? "dim-label" : "accent");
  gtk_widget_add_css_class (meta, open ? "accent" : "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_inbox_changed_cb (BbEnquiriesPage *self,
                     guint            position,
                     guint            removed,
                     guint            added,
                     GListModel      *model)
{
  gtk_widget_set_visible (GTK_WIDGET (self->inbox_empty_label), g_list_model_get_n_items (model) == 0);
}

static void
show_detail (BbEnquiriesPage *self)
{
  BbEnquiryItem *item = self->selected_id > 0 ? find_item (self, self->selected_id, NULL) : NULL;
  const BbEnquiry *enquiry;
  gint64 me = current_user_id (self);
  gboolean open, accepted_by_me, accepted_by_other, answered;
  g_autofree char *from = NULL;
  g_autofree char *status = NULL;

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  enquiry = bb_enquiry_item_get_record (item);
  open = g_strcmp0 (enquiry->status, "open") == 0;
  answered = g_strcmp0 (enquiry->status, "answered") == 0;
  accepted_by_me = g_strcmp0 (enquiry->status, "accepted") == 0 && enquiry->accepted_by == me;
  accepted_by_other = g_strcmp0 (enquiry->status, "accepted") == 0 && enquiry->accepted_by != me;

  from = g_strdup_printf ("%s · %s", enquiry->name, enquiry->contact);
  if (accepted_by_me)
    status = g_strdup (_("Accepted by you"));
  else if (accepted_by_other)
    status = g_strdup (_("Being answered by a colleague"));
  else if (answered && enquiry->rating > 0)
    status = g_strdup_printf (_("Answered · rated %d of 5"), enquiry->rating);
  else
    status = g_strdup (bb_enquiry_status_word (enquiry->status));

  adw_action_row_set_subtitle (self->from_row, from);
  adw_action_row_set_subtitle (self->hospital_info_row, hospital_name (self, enquiry->hospital_id));
  adw_action_row_set_subtitle (self->status_row, status);
  gtk_label_set_text (self->question_label, enquiry->message);
  gtk_widget_set_visible (self->accept_button, open);
  gtk_widget_set_visible (self->reply_box, open || accepted_by_me);
  gtk_widget_set_visible (self->answered_group, answered);
  gtk_label_set_text (self->answer_label, enquiry->reply != NULL ? enquiry->reply : "");
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

static void
on_inbox_selected_cb (BbEnquiriesPage    *self,
                      GParamSpec         *pspec,
                      GtkSingleSelection *selection)
{
  BbEnquiryItem *item = gtk_single_selection_get_selected_item (selection);
  gint64 id;

  /* An enquiry that changed or left the filter loses its row: the detail stays. */
  if (item == NULL)
    return;
  id = bb_enquiry_item_get_id (item);
  if (id != self->selected_id)
    {
      self->selected_id = id;
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reply_view), "", -1);
      gtk_widget_set_visible (GTK_WIDGET (self->reply_error_label), FALSE);
    }
  show_detail (self);
}

static void
on_enquiry_changed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BbEnquiriesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  BbEnquiry *enquiry;
  gboolean answered;

  set_busy (self, FALSE);
  enquiry = bb_api_client_enquiry_finish (BB_API_CLIENT (source), result, &error);
  if (enquiry == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Not done: %s"), error->message);
      gtk_label_set_text (self->reply_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->reply_error_label), TRUE);
      toast (self, message);
      /* Someone else may have taken it: show how it is now. */
      reload (self);
      return;
    }
  answered = g_strcmp0 (enquiry->status, "answered") == 0;
  if (answered)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reply_view), "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->reply_error_label), FALSE);
  /* The status row and the answer shown say it worked. */
  store_enquiry (self, enquiry);
  show_detail (self);
}

static void
on_accept_clicked_cb (BbEnquiriesPage *self)
{
  if (self->selected_id <= 0 || self->busy > 0)
    return;
  set_busy (self, TRUE);
  bb_api_client_accept_enquiry_async (bb_client_context_get_api (self->context), self->selected_id,
                                      self->cancellable, on_enquiry_changed_cb, g_object_ref (self));
}

static void
on_reply_clicked_cb (BbEnquiriesPage *self)
{
  g_autofree char *reply = text_view_text (self->reply_view);

  if (self->selected_id <= 0 || self->busy > 0)
    return;
  if (is_blank (reply) || strlen (reply) > MAX_MESSAGE_BYTES)
    {
      gtk_label_set_text (self->reply_error_label,
                          is_blank (reply) ? _("Write an answer before sending.")
                                           : _("The answer is too long (at most 8000 bytes)."));
      gtk_widget_set_visible (GTK_WIDGET (self->reply_error_label), TRUE);
      gtk_widget_add_css_class (gtk_widget_get_parent (GTK_WIDGET (self->reply_view)), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->reply_view));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->reply_error_label), FALSE);
  set_busy (self, TRUE);
  bb_api_client_reply_enquiry_async (bb_client_context_get_api (self->context), self->selected_id, reply,
                                     self->cancellable, on_enquiry_changed_cb, g_object_ref (self));
}

/* ---- role ---- */

static void
update_role (BbEnquiriesPage *self)
{
  BbSession *session = bb_client_context_get_session (self->context);
  BbRole role = bb_session_get_role (session);

  gtk_stack_set_visible_child_name (self->role_stack, role >= BB_ROLE_STAFF ? "inbox" : "ask");
  gtk_widget_set_visible (self->mine_group, role == BB_ROLE_FAMILY);
  /* A family member asks as themselves; fill in what we know, keep what they typed. */
  if (role == BB_ROLE_FAMILY)
    {
      if (gtk_editable_get_text (GTK_EDITABLE (self->name_row))[0] == '\0' && bb_session_get_name (session) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->name_row), bb_session_get_name (session));
      if (gtk_editable_get_text (GTK_EDITABLE (self->contact_row))[0] == '\0' && bb_session_get_email (session) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->contact_row), bb_session_get_email (session));
    }
  self->selected_id = 0;
  self->loaded = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->sent_label), FALSE);
  g_list_store_remove_all (self->store);
  show_detail (self);
  reload (self);
}

static void
on_role_changed_cb (BbEnquiriesPage *self,
                    GParamSpec      *pspec,
                    BbSession       *session)
{
  update_role (self);
}

static void
on_context_loaded_cb (BbEnquiriesPage *self,
                      GParamSpec      *pspec,
                      BbClientContext *context)
{
  update_ready (self);
}

/* ---- BbPage ---- */

static void
bb_enquiries_page_refresh (BbPage *page)
{
  reload (BB_ENQUIRIES_PAGE (page));
}

static void
bb_enquiries_page_page_iface_init (BbPageInterface *iface)
{
  iface->refresh = bb_enquiries_page_refresh;
}

/* ---- GObject ---- */

static void
bb_enquiries_page_constructed (GObject *object)
{
  BbEnquiriesPage *self = (BbEnquiriesPage *) object;
  GtkWidget *placeholder;

  G_OBJECT_CLASS (bb_enquiries_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  adw_combo_row_set_model (self->hospital_row, G_LIST_MODEL (bb_client_context_get_hospitals (self->context)));
  adw_combo_row_set_expression (self->hospital_row,
                                gtk_property_expression_new (BB_TYPE_HOSPITAL_ITEM, NULL, "name"));

  gtk_list_box_bind_model (self->mine_list, G_LIST_MODEL (self->store), create_mine_row, self, NULL);
  placeholder = gtk_label_new (_("No enquiries yet. Questions you send appear here with the desk's answer."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->mine_list, placeholder);

  {
    GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

    g_signal_connect_object (factory, "setup", G_CALLBACK (on_inbox_setup_cb), self, 0);
    g_signal_connect_object (factory, "bind", G_CALLBACK (on_inbox_bind_cb), self, 0);
    gtk_list_view_set_factory (self->inbox_list, factory);
    g_object_unref (factory);
  }
  self->inbox_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->inbox_model)));
  gtk_single_selection_set_autoselect (self->inbox_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->inbox_selection, TRUE);
  gtk_single_selection_set_selected (self->inbox_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->inbox_selection, "notify::selected-item",
                           G_CALLBACK (on_inbox_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inbox_model, "items-changed",
                           G_CALLBACK (on_inbox_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->inbox_list, GTK_SELECTION_MODEL (g_object_ref (self->inbox_selection)));

  g_signal_connect_object (bb_client_context_get_session (self->context), "notify::role",
                           G_CALLBACK (on_role_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::loaded", G_CALLBACK (on_context_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->message_view), "changed",
                           G_CALLBACK (on_message_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->reply_view), "changed",
                           G_CALLBACK (on_reply_changed_cb), self, G_CONNECT_SWAPPED);
  self->reload_source = g_timeout_add_seconds (RELOAD_SECONDS, on_reload_timeout_cb, self);
  update_role (self);
}

static void
bb_enquiries_page_dispose (GObject *object)
{
  BbEnquiriesPage *self = (BbEnquiriesPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_ENQUIRIES_PAGE);
  g_clear_object (&self->inbox_selection);
  g_clear_object (&self->inbox_model);
  g_clear_object (&self->inbox_filter);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bb_enquiries_page_parent_class)->dispose (object);
}

static void
bb_enquiries_page_finalize (GObject *object)
{
  BbEnquiriesPage *self = (BbEnquiriesPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (bb_enquiries_page_parent_class)->finalize (object);
}

static void
bb_enquiries_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BbEnquiriesPage *self = BB_ENQUIRIES_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT: g_value_set_object (value, self->context); break;
    case BB_PAGE_PROP_TITLE: g_value_set_string (value, _("Enquiries")); break;
    case BB_PAGE_PROP_ICON_NAME: g_value_set_string (value, "mail-unread-symbolic"); break;
    /* The public may ask too; what the page shows follows the role. */
    case BB_PAGE_PROP_MIN_ROLE: g_value_set_enum (value, BB_ROLE_NONE); break;
    case BB_PAGE_PROP_READY: g_value_set_boolean (value, self->ready); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_enquiries_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BbEnquiriesPage *self = BB_ENQUIRIES_PAGE (object);

  switch (prop_id - PROP_CONTEXT)
    {
    case BB_PAGE_PROP_CONTEXT: self->context = g_value_dup_object (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_enquiries_page_class_init (BbEnquiriesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bb_enquiries_page_constructed;
  object_class->dispose = bb_enquiries_page_dispose;
  object_class->finalize = bb_enquiries_page_finalize;
  object_class->get_property = bb_enquiries_page_get_property;
  object_class->set_property = bb_enquiries_page_set_property;

  bb_page_install_properties (object_class, PROP_CONTEXT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-enquiries-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, role_stack);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, hospital_row);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, contact_row);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, message_view);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, sent_label);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, send_spinner);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, mine_group);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, mine_list);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, filter_open);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, filter_accepted);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, filter_answered);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, filter_all);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, inbox_list);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, inbox_empty_label);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, from_row);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, hospital_info_row);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, question_label);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, accept_button);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, reply_box);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, reply_view);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, reply_error_label);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, reply_button);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, answered_group);
  gtk_widget_class_bind_template_child (widget_class, BbEnquiriesPage, answer_label);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reply_clicked_cb);
}

static void
bb_enquiries_page_init (BbEnquiriesPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->store = g_list_store_new (BB_TYPE_ENQUIRY_ITEM);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->inbox_filter = gtk_custom_filter_new (inbox_filter_func, self, NULL);
  self->inbox_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                                 g_object_ref (GTK_FILTER (self->inbox_filter)));
}

GListModel *
bb_enquiries_page_get_enquiries (BbEnquiriesPage *self)
{
  g_return_val_if_fail (BB_IS_ENQUIRIES_PAGE (self), NULL);
  return G_LIST_MODEL (self->store);
}

gboolean
bb_enquiries_page_select_enquiry (BbEnquiriesPage *self,
                                  gint64           enquiry_id)
{
  guint n;

  g_return_val_if_fail (BB_IS_ENQUIRIES_PAGE (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->inbox_model));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbEnquiryItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox_model), i);

      if (bb_enquiry_item_get_id (item) == enquiry_id)
        {
          gtk_single_selection_set_selected (self->inbox_selection, i);
          return self->selected_id == enquiry_id;
        }
    }
  return FALSE;
}

static GtkWidget *
find_star (GtkWidget  *widget,
           gint64      enquiry_id,
           const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gint64 *id = g_object_get_data (G_OBJECT (child), "bb-enquiry-id");
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && id != NULL && *id == enquiry_id &&
          g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return child;
      if ((found = find_star (child, enquiry_id, name)) != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
bb_enquiries_page_get_rate_button (BbEnquiriesPage *self,
                                   gint64           enquiry_id,
                                   int              stars)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (BB_IS_ENQUIRIES_PAGE (self), NULL);
  g_return_val_if_fail (stars >= 1 && stars <= 5, NULL);

  name = g_strdup_printf ("rate-%d", stars);
  return find_star (GTK_WIDGET (self->mine_list), enquiry_id, name);
}

gboolean
bb_enquiries_page_get_busy (BbEnquiriesPage *self)
{
  g_return_val_if_fail (BB_IS_ENQUIRIES_PAGE (self), FALSE);
  return self->busy > 0;
}
