/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-http.h: the few blocking HTTP/JSON calls the server benchmarks share
 * (log in, read the network, create a ward), plus percentile arithmetic. The
 * timed parts of each benchmark use libsoup's async API directly. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Sends METHOD BASE+PATH with an optional JSON body and bearer token; returns
 * the parsed JSON answer (NULL body -> empty object) and sets *status. NULL
 * with error set when the request or the JSON fails. */
JsonNode *bench_http_call   (SoupSession  *session,
                             const char   *base,
                             const char   *method,
                             const char   *path,
                             const char   *token,
                             const char   *body,
                             guint        *status,
                             GError      **error);
/* POST /api/v1/auth/login; returns the token. */
char     *bench_http_login  (SoupSession  *session,
                             const char   *base,
                             const char   *email,
                             const char   *password,
                             GError      **error);
/* The error code of an {"error": {"code": ...}} answer, or "". */
const char *bench_http_error_code (JsonNode *node);
/* Sorts values in place; p in [0, 100]. Returns 0 for an empty array. */
double    bench_percentile  (GArray       *values_double,
                             double        p);

G_END_DECLS
