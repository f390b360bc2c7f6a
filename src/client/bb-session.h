/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-session.h: who is logged in. Holds the token (and gives it to the API
 * client), the user and the role; "role" drives which pages the window
 * shows. BB_ROLE_NONE when nobody is logged in. */
#pragma once

#include <gio/gio.h>

#include "bb-api-client.h"
#include "bb-client-types.h"

G_BEGIN_DECLS

#define BB_TYPE_SESSION (bb_session_get_type ())
G_DECLARE_FINAL_TYPE (BbSession, bb_session, BB, SESSION, GObject)

BbSession     *bb_session_new           (BbApiClient *api);

BbRole         bb_session_get_role      (BbSession   *self);
gboolean       bb_session_is_logged_in  (BbSession   *self);
const BbUser  *bb_session_get_user      (BbSession   *self); /* NULL when logged out */
const char    *bb_session_get_email     (BbSession   *self);
const char    *bb_session_get_name      (BbSession   *self);
const char    *bb_session_get_token     (BbSession   *self);

/* Logs in (replacing any previous user: that is "switch user"). */
void           bb_session_login_async   (BbSession    *self,
                                         const char   *email,
                                         const char   *password,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer      user_data);
gboolean       bb_session_login_finish  (BbSession    *self,
                                         GAsyncResult *result,
                                         GError      **error);
/* Ends the session on the server (best effort) and forgets it here at once. */
void           bb_session_logout        (BbSession    *self);
/* Forgets the session without asking the server (e.g. after a 401). */
void           bb_session_forget        (BbSession    *self);
/* For tests and the login dialog: sets everything as a login answer would. */
void           bb_session_set_login     (BbSession    *self,
                                         const BbLogin *login);

G_END_DECLS
