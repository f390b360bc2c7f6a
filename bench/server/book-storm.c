/* SPDX-License-Identifier: GPL-3.0-or-later */
/* book-storm.c: booking throughput of bedboard-server under concurrent staff
 * clients, and a check that no bed is ever held or occupied twice.
 *
 * The run is a series of rounds. Before a round the free beds of every ward
 * are read from the public API (status U, not reserved). Then --clients
 * concurrent connections create holds (POST /api/v1/bookings) ward after
 * ward until every ward answers 409 no_capacity; nothing is cancelled while
 * they race, so every hold of a round must be on a distinct bed from that
 * free set, and the number of holds must equal the number of free beds.
 * Then the same clients cancel the round's holds, which frees the beds for
 * the next round. Rounds repeat until --seconds have passed.
 *
 * Reported: holds per second over the create phases (the booking rate),
 * cancels per second, hold latency p50/p99, and every violation found.
 * Exit status 0 only if no violation and no unexpected answer was seen. */
#define G_LOG_DOMAIN "book-storm"

#include <stdio.h>
#include <string.h>

#include "bench-http.h"

typedef struct
{
  gint64 hospital;
  gint64 ward;
} Ward;

typedef struct
{
  SoupSession **sessions;      /* one per client, one keep-alive connection each */
  SoupSession *setup_session;  /* blocking set-up calls, kept off the clients' pool */
  GMainLoop   *loop;
  char        *base;
  char        *auth_header;
  GArray      *wards;          /* Ward */
  guint        clients;
  double       seconds;

  /* The current round. */
  GHashTable  *free_beds;      /* bed id -> GINT_TO_POINTER (1 free, 2 held this round) */
  guint        expected_holds;
  GArray      *round_bookings; /* gint64 */
  GArray      *open_wards;     /* guint: indexes into wards of wards not yet full */
  guint        next_open;
  guint        cancel_cursor;
  guint        active;
  gint64       phase_started;
  guint        patient_counter;

  /* Totals. */
  guint        rounds;
  guint64      holds;
  guint64      cancels;
  guint64      no_capacity;
  guint64      unexpected;
  guint64      double_holds;
  guint64      holds_on_unfree;
  guint64      count_mismatches;
  gint64       create_us;
  gint64       cancel_us;
  gint64       run_started;
  GArray      *hold_latency_ms; /* double */
  GArray      *cancel_latency_ms;
  GArray      *connect_ms;     /* double: first request of each client */
  guint        connect_errors; /* transport errors while connecting, retried */
  gboolean     failed;
} Storm;

typedef struct
{
  Storm  *storm;
  gint64  sent_at;
  guint   client;
  guint   ward_index;
} Call;

#define WARM_UP_PATH "/api/v1/bookings/999999999/cancel"

static void start_create (Storm *storm,
                          guint  client);
static void start_cancel (Storm *storm,
                          guint  client);
static void begin_round (Storm *storm);

static gboolean
read_network (Storm   *storm,
              GError **error)
{
  g_autoptr(JsonNode) list = NULL;
  JsonArray *hospitals;
  guint status = 0;

  list = bench_http_call (storm->setup_session, storm->base, "GET", "/api/v1/hospitals", NULL, NULL,
                          &status, error);
  if (list == NULL)
    return FALSE;
  if (status != 200 || !JSON_NODE_HOLDS_OBJECT (list) ||
      (hospitals = json_object_get_array_member (json_node_get_object (list), "hospitals")) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET /api/v1/hospitals: HTTP %u", status);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (hospitals); i++)
    {
      gint64 hospital = json_object_get_int_member (json_array_get_object_element (hospitals, i), "id");
      g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT, hospital);
      g_autoptr(JsonNode) detail = NULL;
      JsonArray *wards;

      detail = bench_http_call (storm->setup_session, storm->base, "GET", path, NULL, NULL, &status, error);
      if (detail == NULL)
        return FALSE;
      if (status != 200 || !JSON_NODE_HOLDS_OBJECT (detail) ||
          (wards = json_object_get_array_member (json_node_get_object (detail), "wards")) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET %s: HTTP %u", path, status);
          return FALSE;
        }
      for (guint j = 0; j < json_array_get_length (wards); j++)
        {
          Ward ward = { hospital, json_object_get_int_member (json_array_get_object_element (wards, j), "id") };

          g_array_append_val (storm->wards, ward);
        }
    }
  if (storm->wards->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server has no wards");
      return FALSE;
    }
  return TRUE;
}

/* The free set of a round: beds with status U that no booking holds. */
static gboolean
read_free_beds (Storm   *storm,
                GError **error)
{
  g_hash_table_remove_all (storm->free_beds);
  storm->expected_holds = 0;

  for (guint i = 0; i < storm->wards->len; i++)
    {
      const Ward *ward = &g_array_index (storm->wards, Ward, i);
      g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/wards/%"
                                               G_GINT64_FORMAT "/beds", ward->hospital, ward->ward);
      g_autoptr(JsonNode) answer = NULL;
      JsonArray *beds;
      guint status = 0;

      answer = bench_http_call (storm->setup_session, storm->base, "GET", path, NULL, NULL, &status, error);
      if (answer == NULL)
        return FALSE;
      if (status != 200 || !JSON_NODE_HOLDS_OBJECT (answer) ||
          (beds = json_object_get_array_member (json_node_get_object (answer), "beds")) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GET %s: HTTP %u", path, status);
          return FALSE;
        }
      for (guint j = 0; j < json_array_get_length (beds); j++)
        {
          JsonObject *bed = json_array_get_object_element (beds, j);

          if (g_strcmp0 (json_object_get_string_member (bed, "status"), "U") == 0 &&
              !json_object_get_boolean_member (bed, "reserved"))
            {
              g_hash_table_insert (storm->free_beds,
                                   GINT_TO_POINTER (json_object_get_int_member (bed, "id")),
                                   GINT_TO_POINTER (1));
              storm->expected_holds++;
            }
        }
    }
  return TRUE;
}

static void
note_unexpected (Storm      *storm,
                 const char *what,
                 guint       status,
                 JsonNode   *answer,
                 GError     *error)
{
  storm->unexpected++;
  if (storm->unexpected <= 5)
    g_printerr ("book-storm: unexpected answer to %s: HTTP %u %s %s\n", what, status,
                bench_http_error_code (answer), error ? error->message : "");
  if (storm->unexpected >= 100)
    {
      g_printerr ("book-storm: too many unexpected answers, stopping\n");
      storm->failed = TRUE;
      g_main_loop_quit (storm->loop);
    }
}

static JsonNode *
finish_call (SoupSession   *session,
             GAsyncResult  *result,
             guint         *status,
             GError       **error)
{
  SoupMessage *msg = soup_session_get_async_result_message (session, result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (session, result, error);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  *status = soup_message_get_status (msg);
  data = g_bytes_get_data (bytes, &length);
  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static void
send_post (Storm               *storm,
           const char          *path,
           const char          *body,
           GAsyncReadyCallback  callback,
           Call                *call)
{
  g_autofree char *uri = g_strconcat (storm->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                storm->auth_header);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  /* Without this libsoup opens a new connection for every POST; each client
   * is one keep-alive connection, as a real client would be. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  call->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (storm->sessions[call->client], msg, G_PRIORITY_DEFAULT, NULL,
                                    callback, call);
}

static void
phase_worker_done (Storm *storm,
                   void (*next) (Storm *))
{
  g_assert (storm->active > 0);
  if (--storm->active == 0 && !storm->failed)
    next (storm);
}

static void
create_phase_finished (Storm *storm)
{
  gint64 now = g_get_monotonic_time ();

  storm->create_us += now - storm->phase_started;
  if (storm->round_bookings->len != storm->expected_holds)
    {
      storm->count_mismatches++;
      g_printerr ("book-storm: round %u: %u holds but %u beds were free\n", storm->rounds,
                  storm->round_bookings->len, storm->expected_holds);
    }

  storm->cancel_cursor = 0;
  storm->phase_started = now;
  storm->active = storm->clients;
  for (guint i = 0; i < storm->clients; i++)
    start_cancel (storm, i);
}

static void
cancel_phase_finished (Storm *storm)
{
  gint64 now = g_get_monotonic_time ();

  storm->cancel_us += now - storm->phase_started;
  storm->rounds++;
  if ((now - storm->run_started) / 1e6 >= storm->seconds)
    g_main_loop_quit (storm->loop);
  else
    begin_round (storm);
}

static void
on_create_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree Call *call = user_data;
  Storm *storm = call->storm;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = finish_call (SOUP_SESSION (source), result, &status, &error);
  if (storm->failed)
    return;

  if (answer != NULL && status == 201 && JSON_NODE_HOLDS_OBJECT (answer))
    {
      JsonObject *booking = json_node_get_object (answer);
      gint64 id = json_object_get_int_member (booking, "id");
      gint64 bed = json_object_get_int_member_with_default (booking, "bed", 0);
      gpointer state = g_hash_table_lookup (storm->free_beds, GINT_TO_POINTER (bed));

      g_array_append_val (storm->round_bookings, id);
      g_array_append_val (storm->hold_latency_ms, (double) { (g_get_monotonic_time () - call->sent_at) / 1000.0 });
      storm->holds++;
      if (state == NULL)
        {
          storm->holds_on_unfree++;
          g_printerr ("book-storm: booking %" G_GINT64_FORMAT " holds bed %" G_GINT64_FORMAT
                      ", which was not free\n", id, bed);
        }
      else if (GPOINTER_TO_INT (state) == 2)
        {
          storm->double_holds++;
          g_printerr ("book-storm: booking %" G_GINT64_FORMAT " holds bed %" G_GINT64_FORMAT
                      ", already held in this round\n", id, bed);
        }
      else
        g_hash_table_insert (storm->free_beds, GINT_TO_POINTER (bed), GINT_TO_POINTER (2));
    }
  else if (answer != NULL && status == 409 &&
           g_strcmp0 (bench_http_error_code (answer), "no_capacity") == 0)
    {
      storm->no_capacity++;
      /* Several clients may find the same ward full; drop it once. */
      for (guint i = 0; i < storm->open_wards->len; i++)
        if (g_array_index (storm->open_wards, guint, i) == call->ward_index)
          {
            g_array_remove_index (storm->open_wards, i);
            break;
          }
    }
  else
    note_unexpected (storm, "POST /api/v1/bookings", status, answer, error);

  if (storm->failed)
    return;
  start_create (storm, call->client);
}

static void
start_create (Storm *storm,
              guint  client)
{
  const Ward *ward;
  g_autofree char *body = NULL;
  Call *call;
  guint index;

  if (storm->open_wards->len == 0)
    {
      phase_worker_done (storm, create_phase_finished);
      return;
    }

  /* Clients spread over the open wards, as staff of different wards would. */
  index = g_array_index (storm->open_wards, guint, storm->next_open++ % storm->open_wards->len);
  ward = &g_array_index (storm->wards, Ward, index);
  body = g_strdup_printf ("{\"hospital\":%" G_GINT64_FORMAT ",\"ward\":%" G_GINT64_FORMAT ","
                          "\"patient_ref\":\"bench-%u\",\"hold_minutes\":60}",
                          ward->hospital, ward->ward, ++storm->patient_counter);
  call = g_new0 (Call, 1);
  call->storm = storm;
  call->client = client;
  call->ward_index = index;
  send_post (storm, "/api/v1/bookings", body, on_create_cb, call);
}

static void
on_cancel_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree Call *call = user_data;
  Storm *storm = call->storm;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = finish_call (SOUP_SESSION (source), result, &status, &error);
  if (storm->failed)
    return;
  if (answer != NULL && status == 200)
    {
      storm->cancels++;
      g_array_append_val (storm->cancel_latency_ms, (double) { (g_get_monotonic_time () - call->sent_at) / 1000.0 });
    }
  else
    note_unexpected (storm, "POST /api/v1/bookings/ID/cancel", status, answer, error);
  if (!storm->failed)
    start_cancel (storm, call->client);
}

static void
start_cancel (Storm *storm,
              guint  client)
{
  g_autofree char *path = NULL;
  Call *call;
  gint64 id;

  if (storm->cancel_cursor >= storm->round_bookings->len)
    {
      phase_worker_done (storm, cancel_phase_finished);
      return;
    }
  id = g_array_index (storm->round_bookings, gint64, storm->cancel_cursor++);
  path = g_strdup_printf ("/api/v1/bookings/%" G_GINT64_FORMAT "/cancel", id);
  call = g_new0 (Call, 1);
  call->storm = storm;
  call->client = client;
  send_post (storm, path, "{}", on_cancel_cb, call);
}

static void
begin_round (Storm *storm)
{
  g_autoptr(GError) error = NULL;

  if (!read_free_beds (storm, &error))
    {
      g_printerr ("book-storm: %s\n", error->message);
      storm->failed = TRUE;
      g_main_loop_quit (storm->loop);
      return;
    }
  if (storm->expected_holds == 0)
    {
      g_printerr ("book-storm: no free bed anywhere; nothing to book\n");
      storm->failed = TRUE;
      g_main_loop_quit (storm->loop);
      return;
    }

  g_array_set_size (storm->round_bookings, 0);
  g_array_set_size (storm->open_wards, 0);
  for (guint i = 0; i < storm->wards->len; i++)
    g_array_append_val (storm->open_wards, i);
  storm->next_open = 0;
  storm->phase_started = g_get_monotonic_time ();
  storm->active = storm->clients;
  for (guint i = 0; i < storm->clients; i++)
    start_create (storm, i);
}

/* As admin: n_wards new wards of beds_per_ward free beds, spread over the
 * hospitals, so each round races over more beds. */
static gboolean
add_wards (Storm       *storm,
           const char  *admin_email,
           const char  *password,
           int          n_wards,
           int          beds_per_ward,
           GError     **error)
{
  g_autofree char *token = NULL;
  guint n_existing = storm->wards->len;
  gint64 stamp = g_get_real_time ();

  token = bench_http_login (storm->setup_session, storm->base, admin_email, password, error);
  if (token == NULL)
    return FALSE;

  for (int w = 0; w < n_wards; w++)
    {
      /* The existing wards come hospital by hospital; stepping by 7 visits them all. */
      const Ward *like = &g_array_index (storm->wards, Ward, (guint) w * 7 % n_existing);
      g_autofree char *path = g_strdup_printf ("/api/v1/hospitals/%" G_GINT64_FORMAT "/wards", like->hospital);
      g_autofree char *ward_body = g_strdup_printf ("{\"name\":\"Benchmark ward %" G_GINT64_FORMAT "-%d\","
                                                    "\"kind\":\"general\"}", stamp, w + 1);
      g_autoptr(JsonNode) ward = NULL;
      Ward added;
      guint status = 0;

      ward = bench_http_call (storm->setup_session, storm->base, "POST", path, token, ward_body, &status, error);
      if (ward == NULL)
        return FALSE;
      if (status != 201 || !JSON_NODE_HOLDS_OBJECT (ward))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST %s: HTTP %u %s", path, status,
                       bench_http_error_code (ward));
          return FALSE;
        }
      added.hospital = like->hospital;
      added.ward = json_object_get_int_member (json_node_get_object (ward), "id");

      for (int i = 0; i < beds_per_ward; i++)
        {
          g_autofree char *bed_path = g_strdup_printf ("/api/v1/wards/%" G_GINT64_FORMAT "/beds", added.ward);
          g_autofree char *bed_body = g_strdup_printf ("{\"label\":\"B%04d\"}", i + 1);
          g_autoptr(JsonNode) bed = bench_http_call (storm->setup_session, storm->base, "POST", bed_path, token,
                                                     bed_body, &status, error);

          if (bed == NULL)
            return FALSE;
          if (status != 201)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST %s: HTTP %u %s", bed_path, status,
                           bench_http_error_code (bed));
              return FALSE;
            }
        }
      g_array_append_val (storm->wards, added);
    }
  g_print ("added %d wards of %d beds\n", n_wards, beds_per_ward);
  return TRUE;
}

static void
on_warm_up_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree Call *call = user_data;
  Storm *storm = call->storm;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = finish_call (SOUP_SESSION (source), result, &status, &error);
  if (answer == NULL && error != NULL && status == 0 && storm->connect_errors < 10 * storm->clients)
    {
      /* A burst of connects overflows a short listen queue: the kernel may
       * reset some. Count it, and connect again. */
      Call *again = g_new0 (Call, 1);

      if (storm->connect_errors++ < 3)
        g_printerr ("book-storm: connecting: %s (retrying)\n", error->message);
      again->storm = storm;
      again->client = call->client;
      send_post (storm, WARM_UP_PATH, "{}", on_warm_up_cb, again);
      return;
    }
  if (answer == NULL || status != 404)
    note_unexpected (storm, "POST " WARM_UP_PATH, status, answer, error);
  g_array_append_val (storm->connect_ms, (double) { (g_get_monotonic_time () - call->sent_at) / 1000.0 });
  if (--storm->active == 0 && !storm->failed)
    {
      storm->run_started = g_get_monotonic_time ();
      begin_round (storm);
    }
}

/* Every client opens its keep-alive connection with one small POST (a
 * cancel of a booking that does not exist: 404), all at once, before the
 * clock starts: the rounds then measure booking, not TCP connects. How long
 * the connects took is reported on its own. */
static void
warm_up (Storm *storm)
{
  storm->active = storm->clients;
  for (guint i = 0; i < storm->clients; i++)
    {
      Call *call = g_new0 (Call, 1);

      call->storm = storm;
      call->client = i;
      send_post (storm, WARM_UP_PATH, "{}", on_warm_up_cb, call);
    }
}

static gboolean
on_deadline_cb (gpointer user_data)
{
  Storm *storm = user_data;

  g_printerr ("book-storm: hard time limit reached (a round never finished)\n");
  storm->failed = TRUE;
  g_main_loop_quit (storm->loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL, *email = NULL, *admin_email = NULL, *password = NULL;
  g_autofree char *token = NULL;
  int clients = 32, add = 0, add_wards_n = 1;
  double seconds = 10;
  Storm storm = { 0, };
  double create_s, cancel_s, rate;
  gboolean ok;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server base URL, e.g. http://127.0.0.1:8470", "URL" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "Concurrent client connections (default 32)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Start rounds until this much time has passed (default 10)", "S" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Staff login (default staff@demo.bedboard)", "EMAIL" },
    { "admin-email", 0, 0, G_OPTION_ARG_STRING, &admin_email, "Admin login for --add-beds (default admin@demo.bedboard)", "EMAIL" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Password of both logins (default demo)", "PASSWORD" },
    { "add-beds", 0, 0, G_OPTION_ARG_INT, &add, "First add --add-wards wards of N free beds each (as admin)", "N" },
    { "add-wards", 0, 0, G_OPTION_ARG_INT, &add_wards_n, "With --add-beds: how many wards to add (default 1)", "W" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Concurrent staff clients book and cancel beds; checks no bed is held twice.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("book-storm: %s\n", error->message);
      return 2;
    }
  if (url == NULL || clients < 1 || clients > 1000 || seconds <= 0 || seconds > 3600 || add < 0 || add > 100000 ||
      add_wards_n < 1 || add_wards_n > 1000)
    {
      g_printerr ("book-storm: need --url, --clients 1..1000, --seconds (0, 3600], --add-beds 0..100000, "
                  "--add-wards 1..1000\n");
      return 2;
    }

  /* A session per client with one connection: like separate clients, and
   * the warm-up is sure to have opened every connection. */
  storm.sessions = g_new0 (SoupSession *, clients);
  for (int i = 0; i < clients; i++)
    storm.sessions[i] = soup_session_new_with_options ("max-conns", 1, "max-conns-per-host", 1,
                                                       "timeout", 30, NULL);
  storm.setup_session = soup_session_new_with_options ("timeout", 30, NULL);
  storm.loop = g_main_loop_new (NULL, FALSE);
  storm.base = g_strdup (url);
  storm.clients = (guint) clients;
  storm.seconds = seconds;
  storm.wards = g_array_new (FALSE, FALSE, sizeof (Ward));
  storm.free_beds = g_hash_table_new (g_direct_hash, g_direct_equal);
  storm.round_bookings = g_array_new (FALSE, FALSE, sizeof (gint64));
  storm.open_wards = g_array_new (FALSE, FALSE, sizeof (guint));
  storm.connect_ms = g_array_new (FALSE, FALSE, sizeof (double));
  storm.hold_latency_ms = g_array_new (FALSE, FALSE, sizeof (double));
  storm.cancel_latency_ms = g_array_new (FALSE, FALSE, sizeof (double));

  if (!read_network (&storm, &error) ||
      (add > 0 && !add_wards (&storm, admin_email ? admin_email : "admin@demo.bedboard",
                              password ? password : "demo", add_wards_n, add, &error)) ||
      (token = bench_http_login (storm.setup_session, storm.base, email ? email : "staff@demo.bedboard",
                                 password ? password : "demo", &error)) == NULL)
    {
      g_printerr ("book-storm: %s\n", error->message);
      return 1;
    }
  storm.auth_header = g_strconcat ("Bearer ", token, NULL);

  g_timeout_add_seconds ((guint) seconds * 3 + 60, on_deadline_cb, &storm);
  warm_up (&storm);
  g_main_loop_run (storm.loop);

  create_s = storm.create_us / 1e6;
  cancel_s = storm.cancel_us / 1e6;
  rate = create_s > 0 ? storm.holds / create_s : 0;
  ok = !storm.failed && storm.unexpected == 0 && storm.double_holds == 0 &&
       storm.holds_on_unfree == 0 && storm.count_mismatches == 0 && storm.holds > 0;

  g_print ("clients %u, wards %u, rounds %u\n", storm.clients, storm.wards->len, storm.rounds);
  g_print ("connecting: %u clients' first requests took p50 %.2f ms, max %.2f ms; %u connection resets retried\n",
           storm.clients, bench_percentile (storm.connect_ms, 50), bench_percentile (storm.connect_ms, 100),
           storm.connect_errors);
  g_print ("holds %" G_GUINT64_FORMAT " in %.2f s: %.0f bookings/s (hold latency p50 %.2f ms, p99 %.2f ms)\n",
           storm.holds, create_s, rate, bench_percentile (storm.hold_latency_ms, 50),
           bench_percentile (storm.hold_latency_ms, 99));
  g_print ("cancels %" G_GUINT64_FORMAT " in %.2f s: %.0f cancels/s (p50 %.2f ms, p99 %.2f ms)\n",
           storm.cancels, cancel_s, cancel_s > 0 ? storm.cancels / cancel_s : 0,
           bench_percentile (storm.cancel_latency_ms, 50), bench_percentile (storm.cancel_latency_ms, 99));
  g_print ("409 no_capacity %" G_GUINT64_FORMAT ", unexpected %" G_GUINT64_FORMAT "\n",
           storm.no_capacity, storm.unexpected);
  g_print ("violations: double holds %" G_GUINT64_FORMAT ", holds on a bed that was not free %"
           G_GUINT64_FORMAT ", rounds whose hold count differed from the free beds %" G_GUINT64_FORMAT "\n",
           storm.double_holds, storm.holds_on_unfree, storm.count_mismatches);
  /* One line for run.sh's summary. */
  g_print ("RESULT book-storm bookings_per_s=%.0f holds=%" G_GUINT64_FORMAT " p50_ms=%.2f p99_ms=%.2f "
           "connect_max_ms=%.0f connect_resets=%u violations=%" G_GUINT64_FORMAT " ok=%s\n", rate, storm.holds,
           bench_percentile (storm.hold_latency_ms, 50), bench_percentile (storm.hold_latency_ms, 99),
           bench_percentile (storm.connect_ms, 100), storm.connect_errors, storm.double_holds + storm.holds_on_unfree + storm.count_mismatches, ok ? "yes" : "no");

  g_main_loop_unref (storm.loop);
  for (guint i = 0; i < storm.clients; i++)
    g_object_unref (storm.sessions[i]);
  g_free (storm.sessions);
  g_object_unref (storm.setup_session);
  g_free (storm.base);
  g_free (storm.auth_header);
  g_array_unref (storm.wards);
  g_hash_table_unref (storm.free_beds);
  g_array_unref (storm.round_bookings);
  g_array_unref (storm.open_wards);
  g_array_unref (storm.connect_ms);
  g_array_unref (storm.hold_latency_ms);
  g_array_unref (storm.cancel_latency_ms);
  return ok ? 0 : 1;
}
