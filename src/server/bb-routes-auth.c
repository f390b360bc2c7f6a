/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-auth.c: accounts: family registration, login, logout, who am I.
 *
 * Login goes through the login throttle first, so a locked e-mail and
 * address pair is refused (429, Retry-After) before any password is hashed. */
#define G_LOG_DOMAIN "bb-routes-auth"

#include "config.h"

#include <string.h>

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

static void
post_register (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  const char *email = NULL, *name = NULL, *password = NULL;
  gint64 id;

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

  id = bb_store_create_user (req->store, 0, email, name, BB_ROLE_FAMILY, password, &error);
  if (id <= 0)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "email", email);
  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "role", bb_role_to_string (BB_ROLE_FAMILY));
  _bb_reply_object (req, SOUP_STATUS_CREATED, object);
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
post_login (BbRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BbUser) user = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *token = NULL;
  BbLoginThrottle *throttle = _bb_server_get_login_throttle (req->server);
  const char *email = NULL, *password = NULL;
  const char *address = soup_server_message_get_remote_host (req->msg);
  gint64 expires_at = 0;
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

  token = bb_store_login (req->store, email, password, _bb_server_get_session_ttl (req->server),
                          &user, &expires_at, &error);
  if (token == NULL)
    {
      if (g_error_matches (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH))
        {
          bb_login_throttle_failed (throttle, email, address);
          _bb_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                           "wrong e-mail or password");
        }
      else
        _bb_reply_gerror (req, error);
      return;
    }
  bb_login_throttle_succeeded (throttle, email, address);

  json_object_set_string_member (object, "token", token);
  json_object_set_string_member (object, "role", bb_role_to_string (user->role));
  _bb_object_set_time (object, "expires_at", expires_at);
  json_object_set_member (object, "user", bb_user_to_json (user));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
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
