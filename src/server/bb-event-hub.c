/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-event-hub.c: replays and fans out bed events to WebSocket clients.
 *
 * libsoup queues every message we send to a connection in memory until the
 * socket takes it, and says nothing about that queue; a client that stops
 * reading would grow it without bound. So the hub counts the bytes it has
 * given each connection (frames included) and, every BACKLOG_CHECK_BYTES,
 * asks the kernel how many of them the peer has acknowledged (TCP_INFO's
 * tcpi_bytes_acked). A client more than the limit behind is closed with
 * 1008 (policy violation) and reason "resync: ...": it reconnects with
 * since= and gets the replay, or a resync message if it is too far behind. */
#define G_LOG_DOMAIN "bb-event-hub"

#include "config.h"

#include <string.h>

#ifdef __linux__
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include "bb-event-hub.h"
#include "bb-records-json.h"

/* How often (in bytes sent to a client) its backlog is measured. */
#define BACKLOG_CHECK_BYTES (64 * 1024)

typedef struct
{
  SoupWebsocketConnection *connection;
  GSocket                 *socket;        /* NULL: not a TCP socket we can ask */
  guint64                  acked_base;    /* tcpi_bytes_acked when it joined */
  guint64                  sent;          /* bytes given to libsoup since it joined */
  guint64                  next_check;    /* measure when sent reaches this */
} Client;

struct _BbEventHub
{
  GObject    parent_instance;

  BbStore   *store;
  GPtrArray *clients; /* Client */
  guint64    max_backlog;
};

G_DEFINE_FINAL_TYPE (BbEventHub, bb_event_hub, G_TYPE_OBJECT)

static void
client_free (Client *client)
{
  g_clear_object (&client->connection);
  g_clear_object (&client->socket);
  g_free (client);
}

/* Bytes the peer's TCP has acknowledged on this socket so far. */
static gboolean
socket_bytes_acked (GSocket *socket,
                    guint64 *out)
{
#if defined(__linux__) && defined(TCP_INFO)
  struct tcp_info info = { 0, };
  socklen_t length = sizeof info;

  if (socket == NULL ||
      getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      length < G_STRUCT_OFFSET (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked)
    return FALSE;
  *out = info.tcpi_bytes_acked;
  return TRUE;
#else
  return FALSE;
#endif
}

/* A server frame's size on the wire: header (unmasked) plus payload. */
static guint64
frame_size (gsize length)
{
  if (length < 126)
    return length + 2;
  if (length < 65536)
    return length + 4;
  return length + 10;
}

static char *
event_to_text (const BbEvent *event)
{
  g_autoptr(JsonNode) node = bb_event_to_json (event);

  return json_to_string (node, FALSE);
}

static void
send_text (SoupWebsocketConnection *connection,
           const char              *text)
{
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (connection, text);
}

/* Sends to a live client, closing it once it is too far behind. */
static void
client_send_text (BbEventHub *self,
                  Client     *client,
                  const char *text,
                  gsize       length)
{
  guint64 acked;

  if (soup_websocket_connection_get_state (client->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  soup_websocket_connection_send_text (client->connection, text);
  client->sent += frame_size (length);

  if (client->sent < client->next_check)
    return;
  client->next_check = client->sent + BACKLOG_CHECK_BYTES;
  if (!socket_bytes_acked (client->socket, &acked))
    return;
  acked -= client->acked_base;
  if (acked < client->sent && client->sent - acked > self->max_backlog)
    {
      g_debug ("closing an events client %" G_GUINT64_FORMAT " bytes behind", client->sent - acked);
      /* libsoup sends the close frame ahead of the queued messages and
       * drops them once it is out. */
      soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       "resync: too far behind the live events; reconnect with since=");
    }
}

static void
send_resync (SoupWebsocketConnection *connection,
             gint64                   last_seq)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"resync\",\"seq\":%" G_GINT64_FORMAT "}",
                                           last_seq);

  send_text (connection, text);
}

static gboolean
replay (BbEventHub *self,
        Client     *client,
        gint64      since)
{
  SoupWebsocketConnection *connection = client->connection;
  gint64 last = bb_store_last_event_seq (self->store);

  if (last - since > BB_EVENT_HUB_MAX_REPLAY)
    {
      send_resync (connection, last);
      return TRUE;
    }

  while (since < last)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) events = bb_store_list_events_since (self->store, since, 1000, &error);

      if (events == NULL)
        {
          g_warning ("Could not replay events since %" G_GINT64_FORMAT ": %s",
                     since, error->message);
          return FALSE;
        }
      if (events->len == 0)
        break;

      for (guint i = 0; i < events->len; i++)
        {
          const BbEvent *event = g_ptr_array_index (events, i);
          g_autofree char *text = event_to_text (event);

          client_send_text (self, client, text, strlen (text));
          since = event->seq;
        }
      if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
        break;
    }

  return TRUE;
}

static void
on_connection_closed_cb (BbEventHub              *self,
                         SoupWebsocketConnection *connection)
{
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (client->connection == connection)
        {
          g_ptr_array_remove_index_fast (self->clients, i);
          return;
        }
    }
}

static void
on_store_event_cb (BbEventHub *self,
                   gpointer    event_pointer,
                   BbStore    *store)
{
  const BbEvent *event = event_pointer;
  g_autofree char *text = NULL;
  gsize length;

  if (self->clients->len == 0)
    return;

  text = event_to_text (event);
  length = strlen (text);
  for (guint i = 0; i < self->clients->len; i++)
    client_send_text (self, g_ptr_array_index (self->clients, i), text, length);
}

static void
bb_event_hub_dispose (GObject *object)
{
  BbEventHub *self = (BbEventHub *) object;

  if (self->clients != NULL)
    bb_event_hub_close_all (self);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bb_event_hub_parent_class)->dispose (object);
}

static void
bb_event_hub_class_init (BbEventHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bb_event_hub_dispose;
}

static void
bb_event_hub_init (BbEventHub *self)
{
  const char *limit = g_getenv ("BEDBOARD_TEST_WS_MAX_BACKLOG");

  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->max_backlog = BB_EVENT_HUB_MAX_BACKLOG;
  if (limit != NULL && g_ascii_strtoull (limit, NULL, 10) > 0)
    self->max_backlog = g_ascii_strtoull (limit, NULL, 10);
}

BbEventHub *
bb_event_hub_new (BbStore *store)
{
  BbEventHub *self;

  g_return_val_if_fail (BB_IS_STORE (store), NULL);

  self = g_object_new (BB_TYPE_EVENT_HUB, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "event", G_CALLBACK (on_store_event_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
bb_event_hub_add_client (BbEventHub              *self,
                         SoupWebsocketConnection *connection,
                         GSocket                 *socket,
                         gint64                   since)
{
  Client *client;

  g_return_if_fail (BB_IS_EVENT_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));
  g_return_if_fail (socket == NULL || G_IS_SOCKET (socket));

  /* Keepalive pings notice dead peers so their connections are dropped. */
  soup_websocket_connection_set_keepalive_interval (connection, 30);

  client = g_new0 (Client, 1);
  client->connection = g_object_ref (connection);
  if (socket != NULL && socket_bytes_acked (socket, &client->acked_base))
    client->socket = g_object_ref (socket);
  client->next_check = BACKLOG_CHECK_BYTES;

  if (since >= 0 && !replay (self, client, since))
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR,
                                       "could not replay events");
      client_free (client);
      return;
    }
  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      client_free (client);  /* closed during its replay */
      return;
    }

  g_ptr_array_add (self->clients, client);
  g_signal_connect_object (connection, "closed", G_CALLBACK (on_connection_closed_cb), self,
                           G_CONNECT_SWAPPED);
}

guint
bb_event_hub_get_n_clients (BbEventHub *self)
{
  g_return_val_if_fail (BB_IS_EVENT_HUB (self), 0);

  return self->clients->len;
}

void
bb_event_hub_broadcast (BbEventHub *self,
                        const char *text)
{
  gsize length;

  g_return_if_fail (BB_IS_EVENT_HUB (self));
  g_return_if_fail (text != NULL);

  length = strlen (text);
  for (guint i = 0; i < self->clients->len; i++)
    client_send_text (self, g_ptr_array_index (self->clients, i), text, length);
}

void
bb_event_hub_close_all (BbEventHub *self)
{
  g_autoptr(GPtrArray) clients = NULL;

  g_return_if_fail (BB_IS_EVENT_HUB (self));

  clients = g_steal_pointer (&self->clients);
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  for (guint i = 0; i < clients->len; i++)
    {
      SoupWebsocketConnection *connection = ((Client *) g_ptr_array_index (clients, i))->connection;

      g_signal_handlers_disconnect_by_data (connection, self);
      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         "server shutting down");
    }
}
