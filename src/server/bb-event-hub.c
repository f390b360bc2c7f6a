/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-event-hub.c: replays and fans out bed events to WebSocket clients. */
#define G_LOG_DOMAIN "bb-event-hub"

#include "config.h"

#include "bb-event-hub.h"
#include "bb-records-json.h"

struct _BbEventHub
{
  GObject    parent_instance;

  BbStore   *store;
  GPtrArray *clients; /* SoupWebsocketConnection */
};

G_DEFINE_FINAL_TYPE (BbEventHub, bb_event_hub, G_TYPE_OBJECT)

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

static void
send_resync (SoupWebsocketConnection *connection,
             gint64                   last_seq)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"resync\",\"seq\":%" G_GINT64_FORMAT "}",
                                           last_seq);

  send_text (connection, text);
}

static gboolean
replay (BbEventHub              *self,
        SoupWebsocketConnection *connection,
        gint64                   since)
{
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

          send_text (connection, text);
          since = event->seq;
        }
    }

  return TRUE;
}

static void
on_connection_closed_cb (BbEventHub              *self,
                         SoupWebsocketConnection *connection)
{
  g_ptr_array_remove_fast (self->clients, connection);
}

static void
on_store_event_cb (BbEventHub *self,
                   gpointer    event_pointer,
                   BbStore    *store)
{
  const BbEvent *event = event_pointer;
  g_autofree char *text = NULL;

  if (self->clients->len == 0)
    return;

  text = event_to_text (event);
  for (guint i = 0; i < self->clients->len; i++)
    send_text (g_ptr_array_index (self->clients, i), text);
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
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
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
                         gint64                   since)
{
  g_return_if_fail (BB_IS_EVENT_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  /* Keepalive pings notice dead peers so their connections are dropped. */
  soup_websocket_connection_set_keepalive_interval (connection, 30);

  if (since >= 0 && !replay (self, connection, since))
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR,
                                       "could not replay events");
      return;
    }

  g_ptr_array_add (self->clients, g_object_ref (connection));
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
  g_return_if_fail (BB_IS_EVENT_HUB (self));
  g_return_if_fail (text != NULL);

  for (guint i = 0; i < self->clients->len; i++)
    send_text (g_ptr_array_index (self->clients, i), text);
}

void
bb_event_hub_close_all (BbEventHub *self)
{
  g_autoptr(GPtrArray) clients = NULL;

  g_return_if_fail (BB_IS_EVENT_HUB (self));

  clients = g_steal_pointer (&self->clients);
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < clients->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (clients, i);

      g_signal_handlers_disconnect_by_data (connection, self);
      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         "server shutting down");
    }
}
