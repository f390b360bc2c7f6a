/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-server-cli.c: options, demo start-up, one-shot commands and the main loop of bedboard-server. */
#define G_LOG_DOMAIN "bb-server-cli"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bb-demo.h"
#include "bb-server.h"
#include "bb-server-cli.h"
#include "bb-store.h"

#define DEMO_SEED 42

typedef struct
{
  gboolean  demo;
  char     *db_path;
  int       port;
  char     *listen;
  double    simulate;
  char     *models_dir;
  char     *create_admin;
  gboolean  check_integrity;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->db_path);
  g_free (options->listen);
  g_free (options->models_dir);
  g_free (options->create_admin);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* Each WebSocket client holds a descriptor; the usual soft limit of 1024
 * would cap the live view at about a thousand viewers. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > 65536)
    limit.rlim_max = 65536;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Could not raise the open file limit");
    }
}

char *
bb_server_cli_default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "bedboard", "bedboard.db", NULL);
}

static char *
find_models_dir (const Options *options)
{
  const char *env = g_getenv ("BEDBOARD_MODELS_DIR");

  if (options->models_dir != NULL)
    return g_strdup (options->models_dir);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (BB_SOURCE_MODELS_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (BB_SOURCE_MODELS_DIR);
  return g_strdup (BB_MODELS_DIR);
}

static char *
find_shared_data_dir (void)
{
  const char *env = g_getenv ("BEDBOARD_SHARED_DATA");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (BB_SOURCE_SHARED_DATA_DIR, G_FILE_TEST_IS_DIR))
    return g_canonicalize_filename (BB_SOURCE_SHARED_DATA_DIR, NULL);
  return NULL;
}

static const char *
demo_password (void)
{
  const char *env = g_getenv ("BEDBOARD_DEMO_PASSWORD");

  return env != NULL && *env != '\0' ? env : "demo";
}

/* Reads one line from stdin as the new admin's password. */
static char *
read_password_line (GError **error)
{
  char buffer[1025];
  gsize length;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "no password on standard input");
      return NULL;
    }
  length = strcspn (buffer, "\r\n");
  buffer[length] = '\0';
  if (length < 8)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the password must have at least 8 characters");
      return NULL;
    }
  return g_strdup (buffer);
}

static int
create_admin (BbStore    *store,
              const char *email)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *name = NULL;
  const char *at = strchr (email, '@');
  gint64 id;

  if (at == NULL || at == email)
    {
      g_printerr ("bedboard-server: --create-admin needs an e-mail address\n");
      return 2;
    }
  if (isatty (fileno (stdin)))
    g_printerr ("Password for %s (at least 8 characters): ", email);
  password = read_password_line (&error);
  if (password == NULL)
    {
      g_printerr ("bedboard-server: %s\n", error->message);
      return 1;
    }
  name = g_strndup (email, at - email);
  id = bb_store_create_user (store, 0, email, name, BB_ROLE_ADMIN, password, &error);
  memset (password, 0, strlen (password));
  if (id <= 0)
    {
      g_printerr ("bedboard-server: could not create %s: %s\n", email, error->message);
      return 1;
    }
  g_print ("created admin %s (user %" G_GINT64_FORMAT ")\n", email, id);
  return 0;
}

static gboolean
populate_demo (BbStore     *store,
               const char  *models_dir,
               GError     **error)
{
  g_autoptr(GPtrArray) hospitals = NULL;
  g_autofree char *shared = NULL;

  hospitals = bb_store_list_hospitals (store, NULL, error);
  if (hospitals == NULL)
    return FALSE;
  if (hospitals->len > 0)
    {
      g_printerr ("The database already holds %u hospitals; not populating it again.\n",
                  hospitals->len);
      return TRUE;
    }

  shared = find_shared_data_dir ();
  g_printerr ("Building the demo network (models: %s, patients from %s)...\n", models_dir,
              shared ? shared : "the model cards' statistics");
  return bb_demo_populate (store, models_dir, shared, demo_password (), DEMO_SEED, error);
}

int
bb_server_cli_run (int    argc,
                   char **argv)
{
  g_auto(Options) options = { .port = BB_SERVER_DEFAULT_PORT, };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbStore) store = NULL;
  g_autoptr(BbServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *models_dir = NULL;
  BbDemoSimulation *simulation = NULL;
  guint sigint_id, sigterm_id;
  GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options.demo,
      "Fill an empty database with the demo network and print the demo logins", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options.db_path,
      "SQLite database (default $XDG_DATA_HOME/bedboard/bedboard.db)", "PATH" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options.port,
      "TCP port (default 8470; 0 picks a free one)", "N" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &options.listen,
      "Address to listen on (default 127.0.0.1)", "ADDR" },
    { "simulate", 0, 0, G_OPTION_ARG_DOUBLE, &options.simulate,
      "Run the demo simulation clock at SPEED times real time", "SPEED" },
    { "models", 0, 0, G_OPTION_ARG_FILENAME, &options.models_dir,
      "Folder with the LOS models and their cards", "DIR" },
    { "create-admin", 0, 0, G_OPTION_ARG_STRING, &options.create_admin,
      "Create an admin account (password read from standard input) and exit", "EMAIL" },
    { "check-integrity", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &options.check_integrity,
      "Run PRAGMA integrity_check on the database and exit", NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Bedboard hospital bed service: REST/JSON API and live bed events.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bedboard-server: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      g_printerr ("bedboard-server: unexpected argument '%s'\n", argv[1]);
      return 2;
    }
  if (options.port < 0 || options.port > 65535)
    {
      g_printerr ("bedboard-server: --port must be between 0 and 65535\n");
      return 2;
    }
  if (options.simulate < 0)
    {
      g_printerr ("bedboard-server: --simulate needs a positive speed\n");
      return 2;
    }

  if (options.db_path == NULL)
    options.db_path = bb_server_cli_default_db_path ();

  store = bb_store_open (options.db_path, &error);
  if (store == NULL)
    {
      g_printerr ("bedboard-server: cannot open %s: %s\n", options.db_path, error->message);
      return 1;
    }

  if (options.check_integrity)
    {
      if (!bb_store_integrity_check (store, &error))
        {
          g_printerr ("bedboard-server: %s: %s\n", options.db_path, error->message);
          return 1;
        }
      g_print ("ok\n");
      return 0;
    }

  if (options.create_admin != NULL)
    return create_admin (store, options.create_admin);

  models_dir = find_models_dir (&options);

  if (options.demo && !populate_demo (store, models_dir, &error))
    {
      g_printerr ("bedboard-server: could not build the demo network: %s\n", error->message);
      return 1;
    }

  raise_file_limit ();
  server = bb_server_new (store);
  bb_server_set_models_dir (server, models_dir);
  if (!bb_server_listen (server, options.listen ? options.listen : BB_SERVER_DEFAULT_ADDRESS,
                         (guint) options.port, &error))
    {
      g_printerr ("bedboard-server: cannot listen on %s port %d: %s\n",
                  options.listen ? options.listen : BB_SERVER_DEFAULT_ADDRESS,
                  options.port, error->message);
      return 1;
    }

  if (options.simulate > 0)
    simulation = bb_demo_simulation_start (store, options.simulate, DEMO_SEED);

  {
    const char *host = options.listen ? options.listen : BB_SERVER_DEFAULT_ADDRESS;
    gboolean v6 = strchr (host, ':') != NULL;

    g_print ("listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "",
             bb_server_get_port (server));
  }
  if (options.demo)
    {
      g_print ("demo logins (password \"%s\"):\n", demo_password ());
      g_print ("  admin@demo.bedboard\n  staff@demo.bedboard\n  family@demo.bedboard\n");
    }
  if (simulation != NULL)
    g_print ("simulating at %gx real time\n", options.simulate);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  g_printerr ("bedboard-server: shutting down\n");
  g_clear_pointer (&simulation, bb_demo_simulation_stop);
  bb_server_disconnect (server);
  return 0;
}
