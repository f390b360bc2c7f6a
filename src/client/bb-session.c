/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-session.c: who is logged in, and their token on the API client. */
#define G_LOG_DOMAIN "bb-session"

#include "config.h"

#include "bb-session.h"

struct _BbSession
{
  GObject      parent_instance;
  BbApiClient *api;
  BbUser      *user;
  char        *token;
  gint64       expires_at;
};

G_DEFINE_FINAL_TYPE (BbSession, bb_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROLE,
  PROP_LOGGED_IN,
  PROP_EMAIL,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static BbUser *
user_copy (const BbUser *user)
{
  BbUser *copy = g_new0 (BbUser, 1);

  copy->id = user->id;
  copy->email = g_strdup (user->email);
  copy->name = g_strdup (user->name);
  copy->role = user->role;
  copy->created_at = user->created_at;
  return copy;
}

static void
set_user (BbSession    *self,
          const BbUser *user,
          const char   *token,
          gint64        expires_at)
{
  BbRole old_role = bb_session_get_role (self);
  gboolean was_logged_in = self->user != NULL;

  g_clear_pointer (&self->user, bb_user_free);
  g_clear_pointer (&self->token, g_free);
  if (user != NULL)
    {
      self->user = user_copy (user);
      self->token = g_strdup (token);
      self->expires_at = expires_at;
    }
  bb_api_client_set_token (self->api, self->token);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  if (old_role != bb_session_get_role (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
  if (was_logged_in != (self->user != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_login_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLogin) login = NULL;

  login = bb_api_client_login_finish (BB_API_CLIENT (source), result, &error);
  if (login == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bb_session_set_login (self, login);
  g_task_return_boolean (task, TRUE);
}

static void
on_logout_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The token is forgotten here already; an unreachable server only means
   * the token lives until it expires there. */
  if (!bb_api_client_logout_finish (BB_API_CLIENT (source), result, &error))
    g_debug ("Logout not confirmed by the server: %s", error->message);
}

static void
bb_session_finalize (GObject *object)
{
  BbSession *self = (BbSession *) object;

  g_clear_object (&self->api);
  g_clear_pointer (&self->user, bb_user_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (bb_session_parent_class)->finalize (object);
}

static void
bb_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BbSession *self = BB_SESSION (object);

  switch (prop_id)
    {
    case PROP_ROLE: g_value_set_enum (value, bb_session_get_role (self)); break;
    case PROP_LOGGED_IN: g_value_set_boolean (value, self->user != NULL); break;
    case PROP_EMAIL: g_value_set_string (value, bb_session_get_email (self)); break;
    case PROP_NAME: g_value_set_string (value, bb_session_get_name (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_session_class_init (BbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = bb_session_finalize;
  object_class->get_property = bb_session_get_property;

  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, BB_TYPE_ROLE, BB_ROLE_NONE, flags);
  properties[PROP_LOGGED_IN] = g_param_spec_boolean ("logged-in", NULL, NULL, FALSE, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_session_init (BbSession *self)
{
}

BbSession *
bb_session_new (BbApiClient *api)
{
  BbSession *self;

  g_return_val_if_fail (BB_IS_API_CLIENT (api), NULL);

  self = g_object_new (BB_TYPE_SESSION, NULL);
  self->api = g_object_ref (api);
  return self;
}

BbRole
bb_session_get_role (BbSession *self)
{
  g_return_val_if_fail (BB_IS_SESSION (self), BB_ROLE_NONE);
  return self->user != NULL ? self->user->role : BB_ROLE_NONE;
}

gboolean
bb_session_is_logged_in (BbSession *self)
{
  g_return_val_if_fail (BB_IS_SESSION (self), FALSE);
  return self->user != NULL;
}

const BbUser *
bb_session_get_user (BbSession *self)
{
  g_return_val_if_fail (BB_IS_SESSION (self), NULL);
  return self->user;
}

const char *
bb_session_get_email (BbSession *self)
{
  g_return_val_if_fail (BB_IS_SESSION (self), NULL);
  return self->user != NULL ? self->user->email : NULL;
}

const char *
bb_session_get_name (BbSession *self)
{
  g_return_val_if_fail (BB_IS_SESSION (self), NULL);
  if (self->user == NULL)
    return NULL;
  return self->user->name != NULL && self->user->name[0] != '\0' ? self->user->name : self->user->email;
}

const char *
bb_session_get_token (BbSession *self)
{
  g_return_val_if_fail (BB_IS_SESSION (self), NULL);
  return self->token;
}

void
bb_session_login_async (BbSession           *self,
                        const char          *email,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BB_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_session_login_async);
  bb_api_client_login_async (self->api, email, password, cancellable, on_login_cb, task);
}

gboolean
bb_session_login_finish (BbSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (BB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
bb_session_set_login (BbSession     *self,
                      const BbLogin *login)
{
  g_return_if_fail (BB_IS_SESSION (self));
  g_return_if_fail (login != NULL && login->user != NULL);

  set_user (self, login->user, login->token, login->expires_at);
}

void
bb_session_logout (BbSession *self)
{
  g_return_if_fail (BB_IS_SESSION (self));

  if (self->user == NULL)
    return;
  /* The request carries the token it ends; forget it only after sending. */
  bb_api_client_logout_async (self->api, NULL, on_logout_cb, NULL);
  set_user (self, NULL, NULL, 0);
}

void
bb_session_forget (BbSession *self)
{
  g_return_if_fail (BB_IS_SESSION (self));

  if (self->user != NULL)
    set_user (self, NULL, NULL, 0);
}
