/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-test-server.h: runs the real bedboard-server as a child for HTTP tests.
 *
 * Each BbTestServer is the built binary ($BB_BUILD_DIR/src/server/bedboard-server)
 * started on port 0 with a database in a fresh temporary folder, fast password
 * hashing, and an admin account made with --create-admin. Requests go over
 * loopback with a SoupSession, exactly as a client would send them. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define BB_TEST_ADMIN_EMAIL    "admin@test.bedboard"
#define BB_TEST_ADMIN_PASSWORD "correct horse battery"

typedef struct
{
  GSubprocess *process;
  char        *dir;       /* temporary folder, removed on free */
  char        *db_path;
  guint        port;
  char        *base_url;  /* http://127.0.0.1:PORT */
  SoupSession *session;
} BbTestServer;

typedef struct
{
  guint     status;
  GBytes   *body;
  JsonNode *json;         /* NULL when the body is empty or not JSON */
  char     *retry_after;  /* the Retry-After header, if any */
} BbTestResponse;

const char     *bb_test_server_binary      (void);
/* Runs the binary once with args (NULL-terminated) and optional stdin text;
 * returns its exit status and, if asked, its stdout. */
int             bb_test_server_run_command (const char * const *args,
                                            const char         *stdin_text,
                                            char              **out_stdout);

/* A new temporary database with the test admin, and a server on it. */
BbTestServer   *bb_test_server_new         (void);
/* (Re)starts the server on self's database; extra_args may be NULL. */
void            bb_test_server_start       (BbTestServer       *self,
                                            const char * const *extra_args);
/* SIGKILL (hard) or SIGTERM, then waits for the process to end. */
void            bb_test_server_stop        (BbTestServer       *self,
                                            gboolean            hard);
void            bb_test_server_free        (BbTestServer       *self);

/* One request. body may be NULL; token NULL for anonymous. */
BbTestResponse *bb_test_server_request     (BbTestServer       *self,
                                            const char         *method,
                                            const char         *path,
                                            const char         *token,
                                            const char         *body);
/* The same with the path built from a printf format. */
BbTestResponse *bb_test_server_requestf    (BbTestServer       *self,
                                            const char         *method,
                                            const char         *token,
                                            const char         *body,
                                            const char         *path_format,
                                            ...) G_GNUC_PRINTF (5, 6);
/* The same on a caller's own session (for other threads). */
BbTestResponse *bb_test_session_request    (SoupSession        *session,
                                            const char         *base_url,
                                            const char         *method,
                                            const char         *path,
                                            const char         *token,
                                            const char         *body);
void            bb_test_response_free      (BbTestResponse     *response);
JsonObject     *bb_test_response_object    (BbTestResponse     *response);
/* The error code of an error answer, or NULL. */
const char     *bb_test_response_error_code (BbTestResponse    *response);

/* Runs the default main context until condition (data) is TRUE, polling;
 * FALSE if it is still not after seconds. For tests of clients of the
 * server, whose answers arrive on the main loop. */
typedef gboolean (*BbTestCondition) (gpointer data);
gboolean        bb_test_wait_until         (BbTestCondition     condition,
                                            gpointer            data,
                                            guint               seconds);

/* Logs in (asserting success) and returns the token. */
char           *bb_test_server_login       (BbTestServer       *self,
                                            const char         *email,
                                            const char         *password);
/* Creates a user through the admin API (asserting 201) and logs them in. */
char           *bb_test_server_add_user    (BbTestServer       *self,
                                            const char         *admin_token,
                                            const char         *email,
                                            const char         *role);
/* A hospital with one ward ("icu") of n_beds beds; returns the ids. */
void            bb_test_server_add_hospital (BbTestServer      *self,
                                             const char        *admin_token,
                                             const char        *name,
                                             guint              n_beds,
                                             gint64            *out_hospital,
                                             gint64            *out_ward,
                                             GArray           **out_beds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbTestServer, bb_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbTestResponse, bb_test_response_free)

G_END_DECLS
