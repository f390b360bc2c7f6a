/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-live-events.c: the WebSocket of live bed changes, with reconnection
 * and replay of missed events. */
#define G_LOG_DOMAIN "bb-live-events"

#include "config.h"

#include "bb-live-events.h"

#include <libsoup/soup.h>

#include "bb-records-json.h"

#define BACKOFF_MAX_SECONDS 30

struct _BbLiveEvents
{
  GObject                  parent_instance;
  BbApiClient             *api;
  SoupWebsocketConnection *connection;
  GCancellable            *cancellable;
  gint64                   last_seq;      /* < 0: none seen yet */
  guint                    failures;
  guint                    retry_source;
  guint                    retry_in;
  gboolean                 running;
  gboolean                 connected;
};

G_DEFINE_FINAL_TYPE (BbLiveEvents, bb_live_events, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  PROP_LAST_SEQ,
  PROP_RETRY_IN,
  N_PROPS
};

enum {
  BED_CHANGED,
  MODEL_CHANGED,
  RESYNC,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_now (BbLiveEvents *self);

static void
set_connected (BbLiveEvents *self,
               gboolean      connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
set_retry_in (BbLiveEvents *self,
              guint         seconds)
{
  if (self->retry_in == seconds)
    return;
  self->retry_in = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
}

static void
set_last_seq (BbLiveEvents *self,
              gint64        seq)
{
  if (self->last_seq == seq)
    return;
  self->last_seq = seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEQ]);
}

static void
drop_connection (BbLiveEvents *self)
{
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->connection);
    }
  set_connected (self, FALSE);
}

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  BbLiveEvents *self = user_data;

  self->retry_source = 0;
  set_retry_in (self, 0);
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (BbLiveEvents *self)
{
  guint delay;

  drop_connection (self);
  if (!self->running || self->retry_source != 0)
    return;
  self->failures++;
  delay = bb_live_events_backoff_for (self->failures);
  g_debug ("Live events: reconnecting in %u s", delay);
  set_retry_in (self, delay);
  self->retry_source = g_timeout_add_seconds (delay, on_retry_timeout_cb, self);
}

static void
handle_text (BbLiveEvents *self,
             const char   *text,
             gsize         length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BbEvent) event = NULL;
  JsonNode *root;
  JsonObject *o;
  const char *type;

  if (!json_parser_load_from_data (parser, text, length, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_warning ("Live events: a message that is not a JSON object: %s",
                 error != NULL ? error->message : "not an object");
      return;
    }
  o = json_node_get_object (root);
  type = json_object_has_member (o, "type") && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "type"))
         ? json_object_get_string_member (o, "type") : NULL;

  if (g_strcmp0 (type, "resync") == 0)
    {
      if (json_object_has_member (o, "seq"))
        set_last_seq (self, json_object_get_int_member (o, "seq"));
      g_signal_emit (self, signals[RESYNC], 0);
      return;
    }
  if (g_strcmp0 (type, "model") == 0)
    {
      /* Retrain progress: not numbered, not replayed. */
      const char *model = json_object_get_string_member_with_default (o, "model", NULL);
      const char *status = json_object_get_string_member_with_default (o, "status", NULL);
      const char *stage = json_object_get_string_member_with_default (o, "stage", NULL);
      double progress = json_object_get_double_member_with_default (o, "progress", 0);

      if (model != NULL && status != NULL)
        g_signal_emit (self, signals[MODEL_CHANGED], 0, model, status, stage, progress);
      return;
    }
  if (g_strcmp0 (type, "bed") != 0)
    {
      /* Other kinds (bookings, models) carry a seq too: keep it so a
       * replay does not send them again. */
      if (json_object_has_member (o, "seq") && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "seq")))
        {
          gint64 seq = json_object_get_int_member (o, "seq");

          if (seq > self->last_seq)
            set_last_seq (self, seq);
        }
      return;
    }

  event = bb_event_from_json (root, &error);
  if (event == NULL)
    {
      g_warning ("Live events: a bed event that cannot be read: %s", error->message);
      return;
    }
  /* A replay after a reconnect may overlap what was seen. */
  if (self->last_seq >= 0 && event->seq <= self->last_seq)
    return;
  set_last_seq (self, event->seq);
  g_signal_emit (self, signals[BED_CHANGED], 0,
                 event->seq, event->hospital_id, event->ward_id, event->bed_id,
                 (guint) event->status, event->reserved, event->at);
}

static void
on_message_cb (SoupWebsocketConnection *connection,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  BbLiveEvents *self = user_data;
  gsize length;
  const char *data;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  data = g_bytes_get_data (message, &length);
  handle_text (self, data, length);
}

static void
on_closed_cb (SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  BbLiveEvents *self = user_data;

  g_debug ("Live events: connection closed (%u)", soup_websocket_connection_get_close_code (connection));
  schedule_reconnect (self);
}

static void
on_error_cb (SoupWebsocketConnection *connection,
             GError                  *error,
             gpointer                 user_data)
{
  g_debug ("Live events: %s", error->message);
}

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BbLiveEvents *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_object_unref (self);
          return;
        }
      g_debug ("Live events: cannot connect: %s", error->message);
      schedule_reconnect (self);
      g_object_unref (self);
      return;
    }
  if (!self->running)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      g_object_unref (self);
      return;
    }

  self->connection = connection;
  /* A dead peer is noticed by the server's pings failing, and ours. */
  soup_websocket_connection_set_keepalive_interval (connection, 20);
  g_signal_connect (connection, "message", G_CALLBACK (on_message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed_cb), self);
  g_signal_connect (connection, "error", G_CALLBACK (on_error_cb), self);
  self->failures = 0;
  set_connected (self, TRUE);
  g_object_unref (self);
}

static void
connect_now (BbLiveEvents *self)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) message = NULL;

  if (!self->running)
    return;
  drop_connection (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->last_seq >= 0)
    path = g_strdup_printf ("/api/v1/events?since=%" G_GINT64_FORMAT, self->last_seq);
  else
    path = g_strdup ("/api/v1/events");
  uri = bb_api_client_build_ws_uri (self->api, path);
  message = soup_message_new ("GET", uri);
  if (message == NULL)
    {
      g_warning ("Live events: “%s” is not a valid address", uri);
      schedule_reconnect (self);
      return;
    }
  soup_session_websocket_connect_async (bb_api_client_get_session (self->api), message,
                                        NULL, NULL, G_PRIORITY_DEFAULT, self->cancellable,
                                        on_connected_cb, g_object_ref (self));
}

static void
bb_live_events_dispose (GObject *object)
{
  BbLiveEvents *self = (BbLiveEvents *) object;

  bb_live_events_stop (self);

  G_OBJECT_CLASS (bb_live_events_parent_class)->dispose (object);
}

static void
bb_live_events_finalize (GObject *object)
{
  BbLiveEvents *self = (BbLiveEvents *) object;

  g_clear_object (&self->api);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bb_live_events_parent_class)->finalize (object);
}

static void
bb_live_events_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BbLiveEvents *self = BB_LIVE_EVENTS (object);

  switch (prop_id)
    {
    case PROP_CONNECTED: g_value_set_boolean (value, self->connected); break;
    case PROP_LAST_SEQ: g_value_set_int64 (value, self->last_seq); break;
    case PROP_RETRY_IN: g_value_set_uint (value, self->retry_in); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_live_events_class_init (BbLiveEventsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = bb_live_events_dispose;
  object_class->finalize = bb_live_events_finalize;
  object_class->get_property = bb_live_events_get_property;

  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE, flags);
  properties[PROP_LAST_SEQ] = g_param_spec_int64 ("last-seq", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_RETRY_IN] = g_param_spec_uint ("retry-in", NULL, NULL, 0, BACKOFF_MAX_SECONDS, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BED_CHANGED] =
    g_signal_new ("bed-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 7,
                  G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64,
                  G_TYPE_UINT, G_TYPE_BOOLEAN, G_TYPE_INT64);
  signals[MODEL_CHANGED] =
    g_signal_new ("model-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE);
  signals[RESYNC] =
    g_signal_new ("resync", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bb_live_events_init (BbLiveEvents *self)
{
  self->last_seq = -1;
}

BbLiveEvents *
bb_live_events_new (BbApiClient *api)
{
  BbLiveEvents *self;

  g_return_val_if_fail (BB_IS_API_CLIENT (api), NULL);

  self = g_object_new (BB_TYPE_LIVE_EVENTS, NULL);
  self->api = g_object_ref (api);
  return self;
}

guint
bb_live_events_backoff_for (guint failures)
{
  guint delay = 1;

  for (guint i = 1; i < failures && delay < BACKOFF_MAX_SECONDS; i++)
    delay *= 2;
  return MIN (delay, BACKOFF_MAX_SECONDS);
}

void
bb_live_events_start (BbLiveEvents *self,
                      gint64        since)
{
  g_return_if_fail (BB_IS_LIVE_EVENTS (self));

  self->running = TRUE;
  self->failures = 0;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_retry_in (self, 0);
  set_last_seq (self, since >= 0 ? since : -1);
  connect_now (self);
}

void
bb_live_events_stop (BbLiveEvents *self)
{
  g_return_if_fail (BB_IS_LIVE_EVENTS (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_retry_in (self, 0);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  drop_connection (self);
}

void
bb_live_events_reconnect_now (BbLiveEvents *self)
{
  g_return_if_fail (BB_IS_LIVE_EVENTS (self));

  if (!self->running || self->connected)
    return;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_retry_in (self, 0);
  connect_now (self);
}

gboolean
bb_live_events_get_connected (BbLiveEvents *self)
{
  g_return_val_if_fail (BB_IS_LIVE_EVENTS (self), FALSE);
  return self->connected;
}

gint64
bb_live_events_get_last_seq (BbLiveEvents *self)
{
  g_return_val_if_fail (BB_IS_LIVE_EVENTS (self), -1);
  return self->last_seq;
}

guint
bb_live_events_get_retry_in (BbLiveEvents *self)
{
  g_return_val_if_fail (BB_IS_LIVE_EVENTS (self), 0);
  return self->retry_in;
}
