/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-test-server.c: starts and talks to a real bedboard-server child process. */
#define G_LOG_DOMAIN "bb-test-server"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "bb-test-server.h"

const char *
bb_test_server_binary (void)
{
  static char *path;

  /* Only the test's main thread starts servers, so no lock is needed. */
  if (path == NULL)
    {
      const char *build = g_getenv ("BB_BUILD_DIR");

      if (build == NULL)
        g_error ("BB_BUILD_DIR is not set; run the tests through meson test");
      path = g_build_filename (build, "src", "server", "bedboard-server", NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        g_error ("%s is not built", path);
    }
  return path;
}

/* A failed assertion aborts the test; its server must not outlive it. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *
make_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  g_subprocess_launcher_setenv (launcher, "BEDBOARD_FAST_HASH", "1", TRUE);
  /* Keep the child away from the user's real data folder. */
  g_subprocess_launcher_unsetenv (launcher, "BEDBOARD_DEMO_PASSWORD");
  return launcher;
}

int
bb_test_server_run_command (const char * const *args,
                            const char         *stdin_text,
                            char              **out_stdout)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (char *) bb_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text ? stdin_text : "", NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

BbTestServer *
bb_test_server_new (void)
{
  BbTestServer *self = g_new0 (BbTestServer, 1);
  g_autoptr(GError) error = NULL;
  int status;

  self->dir = g_dir_make_tmp ("bedboard-http-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "bedboard.db", NULL);
  self->session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256,
                                                 "timeout", 30, NULL);

  {
    const char *args[] = { "--db", self->db_path, "--create-admin", BB_TEST_ADMIN_EMAIL, NULL };

    status = bb_test_server_run_command (args, BB_TEST_ADMIN_PASSWORD "\n", NULL);
    g_assert_cmpint (status, ==, 0);
  }

  bb_test_server_start (self, NULL);
  return self;
}

void
bb_test_server_start (BbTestServer       *self,
                      const char * const *extra_args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  const char *prefix = "listening on http://127.0.0.1:";

  g_assert_null (self->process);

  g_ptr_array_add (argv, (char *) bb_test_server_binary ());
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, self->db_path);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("bedboard-server exited before it was listening");
      if (g_str_has_prefix (line, prefix))
        {
          guint64 port = 0;

          g_assert_true (g_ascii_string_to_unsigned (line + strlen (prefix), 10, 1, 65535,
                                                     &port, NULL));
          self->port = (guint) port;
          break;
        }
    }
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

void
bb_test_server_stop (BbTestServer *self,
                     gboolean      hard)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;
  if (hard)
    g_subprocess_force_exit (self->process);
  else
    g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  if (!hard)
    {
      g_assert_true (g_subprocess_get_if_exited (self->process));
      g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
    }
  g_clear_object (&self->process);
  /* Connections to the old process are dead. */
  soup_session_abort (self->session);
}

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

      g_unlink (child);
    }
  g_rmdir (path);
}

void
bb_test_server_free (BbTestServer *self)
{
  if (self == NULL)
    return;
  bb_test_server_stop (self, FALSE);
  g_clear_object (&self->session);
  if (self->dir != NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->base_url);
  g_free (self);
}

BbTestResponse *
bb_test_session_request (SoupSession *session,
                         const char  *base_url,
                         const char  *method,
                         const char  *path,
                         const char  *token,
                         const char  *body)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  BbTestResponse *response;
  const char *retry;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = g_new0 (BbTestResponse, 1);
  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  if (response->body == NULL)
    {
      g_test_message ("%s %s: %s", method, path, error->message);
      response->status = 0;
      return response;
    }
  response->status = soup_message_get_status (msg);
  retry = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  response->retry_after = g_strdup (retry);

  if (g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize length;
      const char *data = g_bytes_get_data (response->body, &length);

      if (json_parser_load_from_data (parser, data, (gssize) length, NULL))
        response->json = json_node_ref (json_parser_get_root (parser));
    }
  return response;
}

BbTestResponse *
bb_test_server_request (BbTestServer *self,
                        const char   *method,
                        const char   *path,
                        const char   *token,
                        const char   *body)
{
  return bb_test_session_request (self->session, self->base_url, method, path, token, body);
}

void
bb_test_response_free (BbTestResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response->retry_after);
  g_free (response);
}

JsonObject *
bb_test_response_object (BbTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

const char *
bb_test_response_error_code (BbTestResponse *response)
{
  JsonObject *object, *error;

  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    return NULL;
  object = json_node_get_object (response->json);
  if (!json_object_has_member (object, "error"))
    return NULL;
  error = json_object_get_object_member (object, "error");
  if (error == NULL)
    return NULL;
  return json_object_get_string_member_with_default (error, "code", NULL);
}

char *
bb_test_server_login (BbTestServer *self,
                      const char   *email,
                      const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}",
                                           email, password);
  g_autoptr(BbTestResponse) response = bb_test_server_request (self, "POST", "/api/v1/auth/login",
                                                                NULL, body);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 200);
  object = bb_test_response_object (response);
  g_assert_true (json_object_has_member (object, "expires_at"));
  return g_strdup (json_object_get_string_member (object, "token"));
}

char *
bb_test_server_add_user (BbTestServer *self,
                         const char   *admin_token,
                         const char   *email,
                         const char   *role)
{
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\", \"name\": \"Test %s\", "
                                           "\"password\": \"password-%s\", \"role\": \"%s\"}",
                                           email, role, role, role);
  g_autofree char *password = g_strdup_printf ("password-%s", role);
  g_autoptr(BbTestResponse) response = bb_test_server_request (self, "POST", "/api/v1/users",
                                                                admin_token, body);

  g_assert_cmpuint (response->status, ==, 201);
  return bb_test_server_login (self, email, password);
}

void
bb_test_server_add_hospital (BbTestServer *self,
                             const char   *admin_token,
                             const char   *name,
                             guint         n_beds,
                             gint64       *out_hospital,
                             gint64       *out_ward,
                             GArray      **out_beds)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"address\": \"1 Test Street\", "
                                           "\"latitude\": 52.52, \"longitude\": 13.40, "
                                           "\"phone\": \"+49 30 000\"}", name);
  g_autoptr(BbTestResponse) hospital = NULL;
  g_autoptr(BbTestResponse) ward = NULL;
  g_autofree char *ward_path = NULL;
  g_autofree char *beds_path = NULL;
  GArray *beds = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 hospital_id, ward_id;

  hospital = bb_test_server_request (self, "POST", "/api/v1/hospitals", admin_token, body);
  g_assert_cmpuint (hospital->status, ==, 201);
  hospital_id = json_object_get_int_member (bb_test_response_object (hospital), "id");

  ward_path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/wards", hospital_id);
  ward = bb_test_server_request (self, "POST", ward_path, admin_token,
                                 "{\"name\": \"Intensive care\", \"kind\": \"icu\"}");
  g_assert_cmpuint (ward->status, ==, 201);
  ward_id = json_object_get_int_member (bb_test_response_object (ward), "id");

  beds_path = g_strdup_printf ("/api/v1/wards/%" G_GINT64_FORMAT "/beds", ward_id);
  for (guint i = 0; i < n_beds; i++)
    {
      g_autofree char *bed_body = g_strdup_printf ("{\"label\": \"B%u\", \"tags\": [\"oxygen\"]}", i + 1);
      g_autoptr(BbTestResponse) bed = bb_test_server_request (self, "POST", beds_path, admin_token,
                                                               bed_body);
      gint64 bed_id;

      g_assert_cmpuint (bed->status, ==, 201);
      bed_id = json_object_get_int_member (bb_test_response_object (bed), "id");
      g_array_append_val (beds, bed_id);
    }

  *out_hospital = hospital_id;
  *out_ward = ward_id;
  if (out_beds != NULL)
    *out_beds = beds;
  else
    g_array_unref (beds);
}

BbTestResponse *
bb_test_server_requestf (BbTestServer *self,
                         const char   *method,
                         const char   *token,
                         const char   *body,
                         const char   *path_format,
                         ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);
  return bb_test_server_request (self, method, path, token, body);
}

gboolean
bb_test_wait_until (BbTestCondition condition,
                    gpointer        data,
                    guint           seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}
