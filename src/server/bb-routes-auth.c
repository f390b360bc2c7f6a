/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-auth.c: accounts: family registration, login, logout, who am I.
 *
 * Login goes through the login throttle first, so a locked e-mail and
 * address pair is refused (429, Retry-After) before any password is hashed.
 * Hashing and checking a password (Argon2id, tens of ms on purpose) run in
 * a worker thread while the message is paused; the store is only touched on
 * the main loop, before (the stored hash) and after (the session or the
 * new user), so other requests are not held up by the hash. */
#define G_LOG_DOMAIN "bb-routes-auth"

#include "config.h"

#include <string.h>

#include <sodium.h>

#include "bb-login-throttle.h"
#include "bb-records-json.h"
#include "bb-server-private.h"

#define MIN_PASSWORD_LENGTH 8
#define MAX_FIELD_LENGTH 320

static gboolean
check_length (const char  *field,
              const char  *value,
              gsize        max,
              GError     **error)
{
  if (value != NULL && strlen (value) > max)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field '%s' is longer than %" G_GSIZE_FORMAT " bytes", field, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_email (const char  *email,
             GError     **error)
{
  const char *at = strchr (email, '@');

  if (at == NULL || at == email || at[1] == '\0' || strchr (email, ' ') != NULL)
    {
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID,
                   "field 'email' must be an e-mail address");
      return FALSE;
    }
  return check_length ("email", email, MAX_FIELD_LENGTH, error);
}

/* What a paused login or registration carries to its worker thread and back. */
typedef struct
{
  BbServer          *server;
  BbStore           *store;
  SoupServerMessage *msg;
  char              *email;
  char              *name;
  char              *password;
  char              *address;
  BbUser            *user;           /* login: NULL for an unknown e-mail */
  char              *password_hash;  /* login: stored; register: computed */
  gboolean           verified;
} PasswordJob;

static PasswordJob *
password_job_new (BbRequest  *req,
                  const char *email,
                  const char *password)
{
  PasswordJob *job = g_new0 (PasswordJob, 1);

  job->server = g_object_ref (req->server);
  job->store = g_object_ref (req->store);
  job->msg = g_object_ref (req->msg);
  job->email = g_strdup (email);
  job->password = g_strdup (password);
  job->address = g_strdup (soup_server_message_get_remote_host (req->msg));
  return job;
}

static void
password_job_free (PasswordJob *job)
{
  if (job->password != NULL)
    sodium_memzero (job->password, strlen (job->password));
  if (job->password_hash != NULL)
    sodium_memzero (job->password_hash, strlen (job->password_hash));
  g_free (job->password);
  g_free (job->password_hash);
  g_free (job->email);
  g_free (job->name);
  g_free (job->address);
  g_clear_pointer (&job->user, bb_user_free);
  g_clear_object (&job->msg);
  g_clear_object (&job->store);
  g_clear_object (&job->server);
  g_free (job);
}

/* A BbRequest for answering from a callback, after the handler returned. */
static BbRequest
password_job_request (PasswordJob *job)
{
  BbRequest req = { 0, };

  req.server = job->server;
  req.store = job->store;
  req.msg = job->msg;
  req.path = g_uri_get_path (soup_server_message_get_uri (job->msg));
  return req;
}

static void
hash_password_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  PasswordJob *job = task_data;
  GError *error = NULL;

  job->password_hash = bb_store_hash_password (job->password, &error);
  if (job->password_hash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_register_hashed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  PasswordJob *job = user_data;
  BbRequest req = password_job_request (job);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  gint64 id = 0;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    id = bb_store_create_user_with_hash (job->store, 0, job->email, job->name, BB_ROLE_FAMILY,
                                         job->password_hash, &error);
  if (id <= 0)
    _bb_reply_gerror (&req, error);
  else
    {
      json_object_set_int_member (object, "id", id);
      json_object_set_string_member (object, "email", job->email);
      json_object_set_string_member (object, "name", job->name);
      json_object_set_string_member (object, "role", bb_role_to_string (BB_ROLE_FAMILY));
      _bb_reply_object (&req, SOUP_STATUS_CREATED, object);
    }
  _bb_server_unpause_when_durable (job->server, job->msg);
}

static void
post_register (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  const char *email = NULL, *name = NULL, *password = NULL;
  PasswordJob *job;

  if (!_bb_body_get_string (req->body, "email", TRUE, &email, &error) ||
      !_bb_body_get_string (req->body, "name", TRUE, &name, &error) ||
      !_bb_body_get_string (req->body, "password", TRUE, &password, &error) ||
      !check_email (email, &error) ||
      !check_length ("name", name, MAX_FIELD_LENGTH, &error) ||
      !check_length ("password", password, 1024, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  if (g_utf8_strlen (password, -1) < MIN_PASSWORD_LENGTH)
    {
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid",
                       "field 'password' must have at least %d characters", MIN_PASSWORD_LENGTH);
      return;
    }

  job = password_job_new (req, email, password);
  job->name = g_strdup (name);
  task = g_task_new (NULL, NULL, on_register_hashed_cb, job);
  g_task_set_task_data (task, job, (GDestroyNotify) password_job_free);
  _bb_server_pause_message (req->msg);
  g_task_run_in_thread (task, hash_password_thread);
}

static void
reply_throttled (BbRequest *req,
                 guint      wait_seconds)
{
  g_autofree char *retry = g_strdup_printf ("%u", wait_seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Retry-After", retry);
  _bb_reply_error (req, 429, "too_many_requests",
                   "too many failed logins; try again in %u seconds", wait_seconds);
}

static void
verify_password_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  PasswordJob *job = task_data;

  /* An unknown e-mail is checked against a dummy hash: the same work. */
  job->verified = bb_store_verify_password (job->user != NULL ? job->password_hash : NULL,
                                            job->password) && job->user != NULL;
  g_task_return_boolean (task, TRUE);
}

static void
on_login_verified_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PasswordJob *job = user_data;
  BbRequest req = password_job_request (job);
  BbLoginThrottle *throttle = _bb_server_get_login_throttle (job->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *token = NULL;
  gint64 expires_at = 0;

  if (!job->verified)
    {
      bb_login_throttle_failed (throttle, job->email, job->address);
      _bb_reply_error (&req, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "wrong e-mail or password");
      _bb_server_unpause_when_durable (job->server, job->msg);
      return;
    }

  token = bb_store_create_session (job->store, job->user->id, _bb_server_get_session_ttl (job->server),
                                   &expires_at, &error);
  if (token == NULL)
    _bb_reply_gerror (&req, error);
  else
    {
      bb_login_throttle_succeeded (throttle, job->email, job->address);
      json_object_set_string_member (object, "token", token);
      json_object_set_string_member (object, "role", bb_role_to_string (job->user->role));
      _bb_object_set_time (object, "expires_at", expires_at);
      json_object_set_member (object, "user", bb_user_to_json (job->user));
      _bb_reply_object (&req, SOUP_STATUS_OK, object);
    }
  _bb_server_unpause_when_durable (job->server, job->msg);
}

static void
post_login (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  BbLoginThrottle *throttle = _bb_server_get_login_throttle (req->server);
  const char *email = NULL, *password = NULL;
  const char *address = soup_server_message_get_remote_host (req->msg);
  PasswordJob *job;
  guint wait;

  if (!_bb_body_get_string (req->body, "email", TRUE, &email, &error) ||
      !_bb_body_get_string (req->body, "password", TRUE, &password, &error) ||
      !check_length ("email", email, MAX_FIELD_LENGTH, &error) ||
      !check_length ("password", password, 1024, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }

  wait = bb_login_throttle_check (throttle, email, address);
  if (wait > 0)
    {
      reply_throttled (req, wait);
      return;
    }

  job = password_job_new (req, email, password);
  if (!bb_store_find_login (req->store, email, &job->user, &job->password_hash, &error))
    {
      password_job_free (job);
      _bb_reply_gerror (req, error);
      return;
    }
  task = g_task_new (NULL, NULL, on_login_verified_cb, job);
  g_task_set_task_data (task, job, (GDestroyNotify) password_job_free);
  _bb_server_pause_message (req->msg);
  g_task_run_in_thread (task, verify_password_thread);
}

static void
post_logout (BbRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!bb_store_logout (req->store, req->token, &error))
    {
      _bb_reply_gerror (req, error);
      return;
    }
  _bb_reply_empty (req, SOUP_STATUS_NO_CONTENT);
}

static void
get_me (BbRequest *req)
{
  g_autoptr(JsonNode) node = bb_user_to_json (req->user);

  _bb_reply_json (req, SOUP_STATUS_OK, node);
}

const BbRoute _bb_routes_auth[] = {
  { "POST", "/api/v1/auth/register", BB_ROLE_NONE, BB_ROUTE_BODY, post_register },
  { "POST", "/api/v1/auth/login", BB_ROLE_NONE, BB_ROUTE_BODY, post_login },
  { "POST", "/api/v1/auth/logout", BB_ROLE_FAMILY, BB_ROUTE_NONE, post_logout },
  { "GET", "/api/v1/auth/me", BB_ROLE_FAMILY, BB_ROUTE_NONE, get_me },
  { NULL, }
};
