/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-enquiries-page.c: the enquiries page under a display (Xvfb)
 * against a demo server on loopback: a family member asks, a bed manager
 * finds it in the inbox, accepts and answers it, and the family member
 * sees the answer and rates it; bad input and a failed send keep the text
 * with a clear error. Users switch in one window, as on a shared desk.
 *
 * BB_ENQUIRIES_SCREENSHOT=FILE.png saves the family's view with the answer,
 * BB_ENQUIRIES_INBOX_SCREENSHOT=FILE.png the staff's inbox (docs). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bb-client-context.h"
#include "bb-enquiries-page.h"
#include "bb-enquiry-item.h"
#include "bb-window.h"
#include "../server/bb-test-server.h"

#define QUESTION "Is there an ICU bed for my father? He is at home on oxygen."
#define ANSWER   "Yes: MICU has a bed free now. Please call the desk on arrival."

typedef struct
{
  BbTestServer    *server;
  char            *dir;
  BbClientContext *context;
  BbWindow        *window;
  BbEnquiriesPage *page;
} Fixture;

static GtkWidget *
child (Fixture    *f,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (f->page), BB_TYPE_ENQUIRIES_PAGE, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static void
set_text (GtkWidget  *text_view,
          const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view)), text, -1);
}

static char *
get_text (GtkWidget *text_view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
page_idle (gpointer data)
{
  Fixture *f = data;

  return !bb_enquiries_page_get_busy (f->page);
}

static gboolean
page_ready (gpointer data)
{
  Fixture *f = data;

  return bb_page_get_ready (BB_PAGE (f->page)) && bb_client_context_get_loaded (f->context);
}

typedef struct
{
  Fixture    *f;
  gint64      id;        /* 0: find by message */
  const char *status;    /* NULL: any */
  int         rating;    /* -1: any */
} EnquiryWait;

static const BbEnquiry *
find_enquiry (EnquiryWait *w)
{
  GListModel *model = bb_enquiries_page_get_enquiries (w->f->page);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BbEnquiryItem) item = g_list_model_get_item (model, i);
      const BbEnquiry *e = bb_enquiry_item_get_record (item);

      if ((w->id > 0 ? e->id == w->id : g_strcmp0 (e->message, QUESTION) == 0) &&
          (w->status == NULL || g_strcmp0 (e->status, w->status) == 0) &&
          (w->rating < 0 || e->rating == w->rating))
        return e; /* the store holds the item */
    }
  return NULL;
}

static gboolean
enquiry_listed (gpointer data)
{
  return find_enquiry (data) != NULL && page_idle (((EnquiryWait *) data)->f);
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

typedef struct
{
  Fixture *f;
  BbRole   role;
} RoleWait;

static gboolean
role_is (gpointer data)
{
  RoleWait *w = data;

  return bb_session_get_role (bb_client_context_get_session (w->f->context)) == w->role;
}

static void
switch_user (Fixture    *f,
             const char *email,
             BbRole      role)
{
  BbSession *session = bb_client_context_get_session (f->context);
  RoleWait wait = { f, role };

  bb_session_forget (session);
  bb_session_login_async (session, email, "demo", NULL, on_login, NULL);
  g_assert_true (bb_test_wait_until (role_is, &wait, 20));
  g_assert_true (bb_window_show_page (f->window, "enquiries"));
}

static void
save_screenshot (Fixture    *f,
                 const char *variable)
{
  const char *path = g_getenv (variable);
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

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *demo[] = { "--demo", NULL };
  g_autofree char *snapshot = NULL;
  g_autoptr(GSettings) settings = NULL;

  f->dir = g_dir_make_tmp ("bb-enquiries-test-XXXXXX", NULL);
  f->server = bb_test_server_new ();
  bb_test_server_stop (f->server, TRUE);
  bb_test_server_start (f->server, demo);

  settings = g_settings_new ("org.bedboard.Bedboard");
  snapshot = g_build_filename (f->dir, "snapshot.json", NULL);
  f->context = bb_client_context_new (settings, f->server->base_url, snapshot);
  f->window = bb_window_new (NULL, f->context);
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  bb_client_context_start (f->context);

  f->page = BB_ENQUIRIES_PAGE (bb_window_get_page (f->window, "enquiries"));
  g_assert_nonnull (f->page);
  g_assert_true (bb_test_wait_until (page_ready, f, 20));
  /* Everyone may ask, with or without an account. */
  g_assert_cmpint (bb_page_get_min_role (BB_PAGE (f->page)), ==, BB_ROLE_NONE);
  g_assert_true (bb_window_show_page (f->window, "enquiries"));
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
  g_unlink (snapshot);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_enquiry_is_answered_and_rated (Fixture       *f,
                                    gconstpointer  data)
{
  GtkWidget *message_view = child (f, "message_view");
  GtkWidget *error_label = child (f, "form_error_label");
  GtkWidget *send_button = child (f, "send_button");
  BbSession *session = bb_client_context_get_session (f->context);
  EnquiryWait wait = { f, 0, NULL, -1 };
  g_autofree char *kept = NULL;
  g_autofree char *left = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BbTestResponse) response = NULL;
  const BbEnquiry *enquiry;
  gint64 id;

  /* A family member asks; the form knows who they are. */
  switch_user (f, "family@demo.bedboard", BB_ROLE_FAMILY);
  g_assert_true (bb_test_wait_until (page_ready, f, 20));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "role_stack"))), ==, "ask");
  g_assert_true (gtk_widget_is_visible (child (f, "mine_group")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "name_row"))), ==, bb_session_get_name (session));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "contact_row"))), ==, bb_session_get_email (session));

  /* An empty message is refused here, with a reason, and nothing is lost. */
  set_text (message_view, "   \n ");
  click (send_button);
  g_assert_false (bb_enquiries_page_get_busy (f->page));
  g_assert_true (gtk_widget_is_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "Write your question"));
  kept = get_text (message_view);
  g_assert_cmpstr (kept, ==, "   \n ");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "name_row"))), ==, bb_session_get_name (session));

  set_text (message_view, QUESTION);
  click (send_button);
  g_assert_true (bb_test_wait_until (enquiry_listed, &wait, 20));
  g_assert_false (gtk_widget_is_visible (error_label));
  g_assert_true (gtk_widget_is_visible (child (f, "sent_label")));
  left = get_text (message_view);
  g_assert_cmpstr (left, ==, "");
  enquiry = find_enquiry (&wait);
  id = enquiry->id;
  g_assert_cmpstr (enquiry->status, ==, "open");
  /* Not answered yet: nothing to rate. */
  g_assert_null (bb_enquiries_page_get_rate_button (f->page, id, 5));

  /* A bed manager finds it in the inbox, accepts it and answers. */
  switch_user (f, "staff@demo.bedboard", BB_ROLE_STAFF);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "role_stack"))), ==, "inbox");
  wait = (EnquiryWait) { f, id, "open", -1 };
  g_assert_true (bb_test_wait_until (enquiry_listed, &wait, 20));
  g_assert_true (bb_enquiries_page_select_enquiry (f->page, id));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "question_label"))), ==, QUESTION);
  click (child (f, "accept_button"));
  wait = (EnquiryWait) { f, id, "accepted", -1 };
  g_assert_true (bb_test_wait_until (enquiry_listed, &wait, 20));
  g_assert_false (gtk_widget_is_visible (child (f, "accept_button")));

  click (child (f, "reply_button"));   /* nothing written yet */
  g_assert_true (gtk_widget_is_visible (child (f, "reply_error_label")));
  g_assert_false (bb_enquiries_page_get_busy (f->page));
  set_text (child (f, "reply_view"), ANSWER);
  g_assert_false (gtk_widget_is_visible (child (f, "reply_error_label")));
  save_screenshot (f, "BB_ENQUIRIES_INBOX_SCREENSHOT");
  click (child (f, "reply_button"));
  wait = (EnquiryWait) { f, id, "answered", -1 };
  g_assert_true (bb_test_wait_until (enquiry_listed, &wait, 20));
  g_assert_cmpstr (find_enquiry (&wait)->reply, ==, ANSWER);
  g_assert_true (gtk_widget_is_visible (child (f, "answered_group")));
  g_assert_false (gtk_widget_is_visible (child (f, "reply_box")));

  /* The family member sees the answer and rates it. */
  switch_user (f, "family@demo.bedboard", BB_ROLE_FAMILY);
  wait = (EnquiryWait) { f, id, "answered", 0 };
  g_assert_true (bb_test_wait_until (enquiry_listed, &wait, 20));
  g_assert_cmpstr (find_enquiry (&wait)->reply, ==, ANSWER);
  save_screenshot (f, "BB_ENQUIRIES_SCREENSHOT");
  g_assert_nonnull (bb_enquiries_page_get_rate_button (f->page, id, 4));
  click (bb_enquiries_page_get_rate_button (f->page, id, 4));
  wait = (EnquiryWait) { f, id, "answered", 4 };
  g_assert_true (bb_test_wait_until (enquiry_listed, &wait, 20));

  /* And the server has it so. */
  token = bb_test_server_login (f->server, "family@demo.bedboard", "demo");
  path = g_strdup_printf ("/api/v1/enquiries/%" G_GINT64_FORMAT, id);
  response = bb_test_server_request (f->server, "GET", path, token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (bb_test_response_object (response), "reply"), ==, ANSWER);
  g_assert_cmpint (json_object_get_int_member (bb_test_response_object (response), "rating"), ==, 4);
}

static gboolean
form_error_shown (gpointer data)
{
  Fixture *f = data;

  return page_idle (f) && gtk_widget_get_visible (child (f, "form_error_label"));
}

static gboolean
sent_shown (gpointer data)
{
  Fixture *f = data;

  return page_idle (f) && gtk_widget_get_visible (child (f, "sent_label"));
}

static void
test_public_send_keeps_the_text_when_it_fails (Fixture       *f,
                                               gconstpointer  data)
{
  GtkWidget *message_view = child (f, "message_view");
  GtkWidget *error_label = child (f, "form_error_label");
  g_autofree char *kept = NULL;
  g_autofree char *left = NULL;
  g_autoptr(BbTestResponse) response = NULL;
  g_autofree char *token = NULL;
  JsonArray *enquiries;
  gboolean found = FALSE;
  g_autofree char *port = NULL;
  const char *restart[] = { "--demo", "--port", NULL, NULL };

  /* Nobody logged in: the form, without a list of one's own. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "role_stack"))), ==, "ask");
  g_assert_false (gtk_widget_is_visible (child (f, "mine_group")));

  gtk_editable_set_text (GTK_EDITABLE (child (f, "contact_row")), "+1 518 555 0199");
  set_text (message_view, QUESTION);
  click (child (f, "send_button"));   /* no name */
  g_assert_true (gtk_widget_is_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "name"));
  gtk_editable_set_text (GTK_EDITABLE (child (f, "name_row")), "Ann Miller");

  /* The server is gone: the send fails and everything stays. */
  port = g_strdup_printf ("%u", f->server->port);
  restart[2] = port;
  bb_test_server_stop (f->server, TRUE);
  click (child (f, "send_button"));
  g_assert_true (bb_test_wait_until (form_error_shown, f, 30));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "not sent"));
  kept = get_text (message_view);
  g_assert_cmpstr (kept, ==, QUESTION);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "name_row"))), ==, "Ann Miller");

  /* Back: the same text goes through. */
  bb_test_server_start (f->server, restart);
  click (child (f, "send_button"));
  if (!bb_test_wait_until (sent_shown, f, 30))
    g_error ("not sent after the server came back: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_false (gtk_widget_is_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (f, "sent_label"))), "+1 518 555 0199"));
  left = get_text (message_view);
  g_assert_cmpstr (left, ==, "");

  token = bb_test_server_login (f->server, "staff@demo.bedboard", "demo");
  response = bb_test_server_request (f->server, "GET", "/api/v1/enquiries", token, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  enquiries = json_object_get_array_member (bb_test_response_object (response), "enquiries");
  for (guint i = 0; i < json_array_get_length (enquiries); i++)
    {
      JsonObject *e = json_array_get_object_element (enquiries, i);

      if (g_strcmp0 (json_object_get_string_member (e, "message"), QUESTION) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (e, "name"), ==, "Ann Miller");
          g_assert_false (found); /* sent once */
          found = TRUE;
        }
    }
  g_assert_true (found);
}

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

  g_test_add ("/ui/enquiries/a-family-question-is-answered-by-staff-and-rated", Fixture, NULL,
              fixture_set_up, test_enquiry_is_answered_and_rated, fixture_tear_down);
  g_test_add ("/ui/enquiries/a-failed-send-keeps-the-text-with-the-error", Fixture, NULL,
              fixture_set_up, test_public_send_keeps_the_text_when_it_fails, fixture_tear_down);

  return g_test_run ();
}
