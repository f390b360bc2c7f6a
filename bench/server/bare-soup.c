/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bare-soup.c: the floor of our HTTP stack for bench/server/run.sh.
 *
 * A SoupServer that does nothing but answer every GET with the same bytes,
 * read once from a file (the body bedboard-server returns for
 * GET /api/v1/hospitals/{id}), with the same Content-Type. Whatever
 * bedboard-server costs above this is the service's own overhead.
 *
 * By default it is single-threaded like bedboard-server. --threads N runs N
 * SoupServers, each in its own thread and main context, on sockets bound to
 * the same port with SO_REUSEPORT, so the kernel spreads connections across
 * them: that is how a libsoup service could beat one thread's figure.
 *
 * It stops by itself after --seconds (default 600), so a forgotten run
 * never lingers. */
#define G_LOG_DOMAIN "bare-soup"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>

#include <glib.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <libsoup/soup.h>

typedef struct
{
  GBytes       *body;
  GSocket      *socket;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
} Worker;

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GBytes *body = user_data;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET &&
      soup_server_message_get_method (msg) != SOUP_METHOD_HEAD)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", "application/json");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static GSocket *
listening_socket (guint16   port,
                  gboolean  reuse_port,
                  GError  **error)
{
  g_autoptr(GSocket) socket = NULL;
  struct sockaddr_in address = { 0, };

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  if (!g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error))
    return NULL;
  if (reuse_port && !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error))
    return NULL;
  /* bind(2) directly: g_socket_bind() clears SO_REUSEPORT on TCP sockets. */
  address.sin_family = AF_INET;
  address.sin_port = g_htons (port);
  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  if (bind (g_socket_get_fd (socket), (struct sockaddr *) &address, sizeof address) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "bind: %s", g_strerror (saved));
      return NULL;
    }
  /* The same backlog as bedboard-server's own socket (LISTEN_BACKLOG in
   * bb-server.c), so the two differ only in what they do per request. */
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (worker->context);
  server = soup_server_new ("server-header", "bare-soup", NULL);
  soup_server_add_handler (server, NULL, on_request_cb, worker->body, NULL);
  if (!soup_server_listen_socket (server, worker->socket, 0, &error))
    g_error ("cannot listen: %s", error->message);
  g_main_loop_run (worker->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

static gboolean
on_deadline_cb (gpointer data)
{
  GPtrArray *workers = data;

  g_printerr ("bare-soup: time limit reached, stopping\n");
  for (guint i = 0; i < workers->len; i++)
    g_main_loop_quit (((Worker *) g_ptr_array_index (workers, i))->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal_cb (gpointer data)
{
  on_deadline_cb (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) workers = g_ptr_array_new ();
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *body_path = NULL;
  char *contents = NULL;
  gsize length = 0;
  int port = 0, threads = 1, seconds = 600;
  guint16 actual_port;
  GOptionEntry entries[] = {
    { "body", 0, 0, G_OPTION_ARG_FILENAME, &body_path, "File whose bytes every GET returns", "FILE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Loopback port (0: any free port)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "SoupServer threads sharing the port (SO_REUSEPORT)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Stop after this many seconds (default 600)", "S" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Answer every GET with the bytes of a file: the libsoup floor.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bare-soup: %s\n", error->message);
      return 2;
    }
  if (body_path == NULL || port < 0 || port > 65535 || threads < 1 || threads > 64 || seconds < 1)
    {
      g_printerr ("bare-soup: need --body FILE, --port 0..65535, --threads 1..64, --seconds >= 1\n");
      return 2;
    }
  if (!g_file_get_contents (body_path, &contents, &length, &error))
    {
      g_printerr ("bare-soup: %s\n", error->message);
      return 1;
    }
  body = g_bytes_new_take (contents, length);

  actual_port = (guint16) port;
  for (int i = 0; i < threads; i++)
    {
      Worker *worker = g_new0 (Worker, 1);

      worker->body = body;
      worker->socket = listening_socket (actual_port, threads > 1, &error);
      if (worker->socket == NULL)
        {
          g_printerr ("bare-soup: cannot listen on 127.0.0.1:%u: %s\n", actual_port, error->message);
          return 1;
        }
      if (actual_port == 0)
        {
          bound = g_socket_get_local_address (worker->socket, &error);
          if (bound == NULL)
            {
              g_printerr ("bare-soup: %s\n", error->message);
              return 1;
            }
          actual_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
        }
      /* Thread 0 runs on the default context, in main (). */
      worker->context = i == 0 ? g_main_context_ref (g_main_context_default ()) : g_main_context_new ();
      worker->loop = g_main_loop_new (worker->context, FALSE);
      g_ptr_array_add (workers, worker);
    }

  for (guint i = 1; i < workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (workers, i);

      worker->thread = g_thread_new ("bare-soup", worker_run, worker);
    }

  g_timeout_add_seconds ((guint) seconds, on_deadline_cb, workers);
  g_unix_signal_add (SIGINT, on_signal_cb, workers);
  g_unix_signal_add (SIGTERM, on_signal_cb, workers);

  g_print ("listening on http://127.0.0.1:%u (%d thread%s, %" G_GSIZE_FORMAT " byte body)\n",
           actual_port, threads, threads == 1 ? "" : "s", length);
  fflush (stdout);

  worker_run (g_ptr_array_index (workers, 0));

  for (guint i = 0; i < workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (workers, i);

      if (worker->thread != NULL)
        g_thread_join (worker->thread);
      g_main_loop_unref (worker->loop);
      g_main_context_unref (worker->context);
      g_object_unref (worker->socket);
      g_free (worker);
    }
  return 0;
}
