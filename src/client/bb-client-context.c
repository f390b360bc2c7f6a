/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-client-context.c: keeps the client's models current: loads them,
 * follows the live events, falls back to the snapshot when offline and
 * reloads when the server is back. */
#define G_LOG_DOMAIN "bb-client-context"

#include "config.h"

#include "bb-client-context.h"

#include <glib/gi18n.h>

/* A burst of bed events for one hospital becomes one reload of its counts. */
#define HOSPITAL_REFRESH_DELAY_MS 400

struct _BbClientContext
{
  GObject          parent_instance;

  GSettings       *settings;
  BbApiClient     *api;
  BbSession       *session;
  BbLiveEvents    *live_events;
  BbSnapshotCache *snapshot;
  BbHospitalList  *hospitals;
  GHashTable      *bed_lists;        /* ward id -> BbBedList (weak) */
  GHashTable      *models;           /* name -> BbLosModel */
  GHashTable      *pending_refresh;  /* hospital id -> source id */
  GCancellable    *cancellable;

  gboolean         started;
  gboolean         online;
  gboolean         loaded;
  gboolean         first_run_failed;
  gboolean         reloading;
  gint64           offline_since;
  gint64           data_time;
  guint            snapshot_source;
  gboolean         snapshot_path_given;
};

G_DEFINE_FINAL_TYPE (BbClientContext, bb_client_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API,
  PROP_SESSION,
  PROP_LIVE_EVENTS,
  PROP_SETTINGS,
  PROP_HOSPITALS,
  PROP_ONLINE,
  PROP_OFFLINE_SINCE,
  PROP_DATA_TIME,
  PROP_LOADED,
  PROP_FIRST_RUN_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_bool (BbClientContext *self,
          gboolean        *field,
          gboolean         value,
          guint            prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_time (BbClientContext *self,
          gint64          *field,
          gint64           value,
          guint            prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
go_online (BbClientContext *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_bool (self, &self->online, TRUE, PROP_ONLINE);
  set_time (self, &self->offline_since, 0, PROP_OFFLINE_SINCE);
  set_time (self, &self->data_time, now_seconds (), PROP_DATA_TIME);
  set_bool (self, &self->first_run_failed, FALSE, PROP_FIRST_RUN_FAILED);
  g_object_thaw_notify (G_OBJECT (self));
}

static void save_snapshot (BbClientContext *self);

/* The server is gone: keep what is shown (or show the snapshot). */
static void
go_offline (BbClientContext *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->online)
    {
      /* Live events kept the models current until now: that is the data's
       * time, and the snapshot a later start will show. */
      g_clear_handle_id (&self->snapshot_source, g_source_remove);
      save_snapshot (self);
      set_time (self, &self->data_time, now_seconds (), PROP_DATA_TIME);
    }
  if (self->online || self->offline_since == 0)
    set_time (self, &self->offline_since, now_seconds (), PROP_OFFLINE_SINCE);
  set_bool (self, &self->online, FALSE, PROP_ONLINE);

  if (!self->loaded)
    {
      g_autoptr(GPtrArray) hospitals = NULL;
      g_autoptr(GHashTable) wards = NULL;
      g_autoptr(GError) error = NULL;
      gint64 saved_at = 0;

      if (bb_snapshot_cache_load (self->snapshot, &hospitals, &wards, &saved_at, &error))
        {
          bb_hospital_list_set (self->hospitals, hospitals);
          for (guint i = 0; i < hospitals->len; i++)
            {
              const BbHospital *h = g_ptr_array_index (hospitals, i);
              GPtrArray *w = g_hash_table_lookup (wards, &h->id);

              if (w != NULL)
                bb_hospital_item_set_wards (bb_hospital_list_lookup (self->hospitals, h->id, NULL), w);
            }
          set_time (self, &self->data_time, saved_at, PROP_DATA_TIME);
          set_bool (self, &self->loaded, TRUE, PROP_LOADED);
        }
      else
        {
          g_debug ("No snapshot to show: %s", error->message);
          set_bool (self, &self->first_run_failed, TRUE, PROP_FIRST_RUN_FAILED);
        }
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
save_snapshot (BbClientContext *self)
{
  g_autoptr(GPtrArray) hospitals = g_ptr_array_new ();
  g_autoptr(GHashTable) wards = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GError) error = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->hospitals));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbHospitalItem) item = g_list_model_get_item (G_LIST_MODEL (self->hospitals), i);
      const BbHospital *h = bb_hospital_item_get_record (item);
      GListModel *ward_items = bb_hospital_item_get_wards (item);

      g_ptr_array_add (hospitals, (gpointer) h);
      if (bb_hospital_item_get_has_wards (item))
        {
          GPtrArray *w = g_ptr_array_new ();

          for (guint j = 0; j < g_list_model_get_n_items (ward_items); j++)
            {
              g_autoptr(BbWardItem) ward = g_list_model_get_item (ward_items, j);

              g_ptr_array_add (w, (gpointer) bb_ward_item_get_record (ward));
            }
          g_hash_table_insert (wards, (gpointer) &h->id, w);
        }
    }
  if (!bb_snapshot_cache_save (self->snapshot, hospitals, wards, now_seconds (), &error))
    g_warning ("Could not save the offline snapshot: %s", error->message);
}

static gboolean
on_snapshot_timeout_cb (gpointer user_data)
{
  BbClientContext *self = user_data;

  self->snapshot_source = 0;
  save_snapshot (self);
  return G_SOURCE_REMOVE;
}

/* Live changes reach the snapshot too, a few at a time. */
static void
save_snapshot_soon (BbClientContext *self)
{
  if (self->snapshot_source == 0 && self->loaded)
    self->snapshot_source = g_timeout_add_seconds (5, on_snapshot_timeout_cb, self);
}

/* ---- reload: health, hospitals, then each hospital's detail ---- */

typedef struct
{
  gint64   seq;
  guint    pending;
  gboolean retried;
  GError  *error;
} Reload;

static void
reload_free (Reload *r)
{
  g_clear_error (&r->error);
  g_free (r);
}

static void on_reload_health_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
reload_done (GTask *task)
{
  BbClientContext *self = g_task_get_source_object (task);
  Reload *r = g_task_get_task_data (task);

  if (g_error_matches (r->error, BB_API_ERROR, BB_API_ERROR_UNAUTHORIZED) &&
      bb_session_is_logged_in (self->session) && !r->retried)
    {
      /* The token expired or was ended elsewhere: the public data still
       * loads without it, so forget the session and load again. */
      bb_session_forget (self->session);
      g_clear_error (&r->error);
      r->retried = TRUE;
      r->pending = 0;
      bb_api_client_get_health_async (self->api, g_task_get_cancellable (task),
                                      on_reload_health_cb, g_object_ref (task));
      return;
    }
  self->reloading = FALSE;
  if (r->error != NULL)
    {
      if (g_error_matches (r->error, BB_API_ERROR, BB_API_ERROR_NETWORK))
        go_offline (self);
      g_task_return_error (task, g_steal_pointer (&r->error));
      return;
    }
  set_bool (self, &self->loaded, TRUE, PROP_LOADED);
  go_online (self);
  g_clear_handle_id (&self->snapshot_source, g_source_remove);
  save_snapshot (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_reload_detail_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbClientContext *self = g_task_get_source_object (task);
  Reload *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(BbHospital) hospital = NULL;

  hospital = bb_api_client_get_hospital_finish (BB_API_CLIENT (source), result, &wards, &error);
  if (hospital != NULL)
    {
      guint position;
      BbHospitalItem *item = bb_hospital_list_lookup (self->hospitals, hospital->id, &position);

      if (item != NULL)
        {
          bb_hospital_item_update (item, hospital);
          bb_hospital_item_set_wards (item, wards);
          g_list_model_items_changed (G_LIST_MODEL (self->hospitals), position, 1, 1);
        }
    }
  else if (r->error == NULL && !g_error_matches (error, BB_API_ERROR, BB_API_ERROR_NOT_FOUND))
    r->error = g_steal_pointer (&error);

  if (--r->pending == 0)
    reload_done (task);
}

static void
on_reload_hospitals_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbClientContext *self = g_task_get_source_object (task);
  Reload *r = g_task_get_task_data (task);
  g_autoptr(GPtrArray) hospitals = NULL;

  hospitals = bb_api_client_list_hospitals_finish (BB_API_CLIENT (source), result, &r->error);
  if (hospitals == NULL)
    {
      reload_done (task);
      return;
    }
  bb_hospital_list_set (self->hospitals, hospitals);
  if (hospitals->len == 0)
    {
      reload_done (task);
      return;
    }
  r->pending = hospitals->len;
  for (guint i = 0; i < hospitals->len; i++)
    {
      const BbHospital *h = g_ptr_array_index (hospitals, i);

      bb_api_client_get_hospital_async (self->api, h->id, g_task_get_cancellable (task),
                                        on_reload_detail_cb, g_object_ref (task));
    }
}

static void
list_hospitals (BbClientContext *self,
                GTask           *task)
{
  gboolean has_location = FALSE;
  double latitude = 0, longitude = 0;

  if (self->settings != NULL)
    g_settings_get (self->settings, "location", "(bdd)", &has_location, &latitude, &longitude);
  bb_api_client_list_hospitals_async (self->api, has_location, latitude, longitude, NULL,
                                      g_task_get_cancellable (task), on_reload_hospitals_cb, task);
}

static void
on_reload_health_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  BbClientContext *self = g_task_get_source_object (task);
  Reload *r = g_task_get_task_data (task);

  if (!bb_api_client_get_health_finish (BB_API_CLIENT (source), result, &r->seq, NULL, &r->error))
    {
      reload_done (task);
      g_object_unref (task);
      return;
    }
  /* Follow the events from here so nothing between this answer and the
   * lists is lost (a replayed change is applied twice, harmlessly). */
  if (self->started && bb_live_events_get_last_seq (self->live_events) < 0 &&
      !bb_live_events_get_connected (self->live_events))
    bb_live_events_start (self->live_events, r->seq);
  list_hospitals (self, task);
}

/* ---- live events ---- */

typedef struct
{
  BbClientContext *self;
  gint64           hospital_id;
} RefreshData;

static void
on_refresh_hospital_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(BbClientContext) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BbHospitalItem) item = NULL;

  item = bb_client_context_load_hospital_finish (self, result, &error);
  if (item == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Reloading a hospital after an event: %s", error->message);
}

static gboolean
on_refresh_timeout_cb (gpointer user_data)
{
  RefreshData *d = user_data;

  g_hash_table_remove (d->self->pending_refresh, &d->hospital_id);
  bb_client_context_load_hospital_async (d->self, d->hospital_id, d->self->cancellable,
                                         on_refresh_hospital_cb, g_object_ref (d->self));
  return G_SOURCE_REMOVE;
}

static void
schedule_hospital_refresh (BbClientContext *self,
                           gint64           hospital_id)
{
  RefreshData *d;
  gint64 *key;
  guint id;

  if (g_hash_table_contains (self->pending_refresh, &hospital_id))
    return;
  d = g_new0 (RefreshData, 1);
  d->self = self;
  d->hospital_id = hospital_id;
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, HOSPITAL_REFRESH_DELAY_MS,
                           on_refresh_timeout_cb, d, g_free);
  key = g_new (gint64, 1);
  *key = hospital_id;
  g_hash_table_insert (self->pending_refresh, key, GUINT_TO_POINTER (id));
}

static void
on_bed_changed_cb (BbClientContext *self,
                   gint64           seq,
                   gint64           hospital_id,
                   gint64           ward_id,
                   gint64           bed_id,
                   guint            status,
                   gboolean         reserved,
                   gint64           at,
                   BbLiveEvents    *live_events)
{
  bb_client_context_apply_bed_event (self, hospital_id, ward_id, bed_id,
                                     (BbBedStatus) status, reserved, at);
}

static void
on_reload_after_reconnect_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!bb_client_context_reload_finish (BB_CLIENT_CONTEXT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Reload after reconnecting failed: %s", error->message);
}

static void
reload_bed_lists (BbClientContext *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->bed_lists);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    bb_client_context_reload_ward_beds (self, value);
}

static void
on_live_connected_cb (BbClientContext *self,
                      GParamSpec      *pspec,
                      BbLiveEvents    *live_events)
{
  if (bb_live_events_get_connected (live_events))
    {
      /* Back (or first connected): the replay brings the missed bed
       * changes; a reload brings everything else up to date. */
      if (!self->online && !self->reloading)
        bb_client_context_reload_async (self, self->cancellable, on_reload_after_reconnect_cb, NULL);
    }
  else if (self->started)
    go_offline (self);
}

static void
on_live_resync_cb (BbClientContext *self,
                   BbLiveEvents    *live_events)
{
  bb_client_context_reload_async (self, self->cancellable, on_reload_after_reconnect_cb, NULL);
  reload_bed_lists (self);
}

static void
on_session_role_cb (BbClientContext *self,
                    GParamSpec      *pspec,
                    BbSession       *session)
{
  /* Staff see admissions in bed lists; others do not. */
  reload_bed_lists (self);
}

static void
on_server_url_changed_cb (BbClientContext *self,
                          const char      *key,
                          GSettings       *settings)
{
  g_autofree char *url = g_settings_get_string (settings, "server-url");

  if (g_strcmp0 (url, bb_api_client_get_base_url (self->api)) != 0)
    bb_client_context_set_server_url (self, url);
}

/* ---- GObject ---- */

static void
bb_client_context_dispose (GObject *object)
{
  BbClientContext *self = (BbClientContext *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->live_events != NULL)
    bb_live_events_stop (self->live_events);
  if (self->snapshot_source != 0 && self->snapshot != NULL)
    {
      /* Keep the last changes for the next start. */
      g_clear_handle_id (&self->snapshot_source, g_source_remove);
      save_snapshot (self);
    }
  if (self->pending_refresh != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->pending_refresh);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_source_remove (GPOINTER_TO_UINT (value));
      g_hash_table_remove_all (self->pending_refresh);
    }

  G_OBJECT_CLASS (bb_client_context_parent_class)->dispose (object);
}

static void
bed_list_gone (gpointer  data,
               GObject  *where_the_object_was)
{
  BbClientContext *self = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->bed_lists);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == (gpointer) where_the_object_was)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

static void
bb_client_context_finalize (GObject *object)
{
  BbClientContext *self = (BbClientContext *) object;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->bed_lists);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_object_weak_unref (value, bed_list_gone, self);
  g_clear_pointer (&self->bed_lists, g_hash_table_unref);
  g_clear_pointer (&self->models, g_hash_table_unref);
  g_clear_pointer (&self->pending_refresh, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->live_events);
  g_clear_object (&self->session);
  g_clear_object (&self->api);
  g_clear_object (&self->snapshot);
  g_clear_object (&self->hospitals);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bb_client_context_parent_class)->finalize (object);
}

static void
bb_client_context_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BbClientContext *self = BB_CLIENT_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_API: g_value_set_object (value, self->api); break;
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_LIVE_EVENTS: g_value_set_object (value, self->live_events); break;
    case PROP_SETTINGS: g_value_set_object (value, self->settings); break;
    case PROP_HOSPITALS: g_value_set_object (value, self->hospitals); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_OFFLINE_SINCE: g_value_set_int64 (value, self->offline_since); break;
    case PROP_DATA_TIME: g_value_set_int64 (value, self->data_time); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    case PROP_FIRST_RUN_FAILED: g_value_set_boolean (value, self->first_run_failed); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_client_context_class_init (BbClientContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = bb_client_context_dispose;
  object_class->finalize = bb_client_context_finalize;
  object_class->get_property = bb_client_context_get_property;

  properties[PROP_API] = g_param_spec_object ("api", NULL, NULL, BB_TYPE_API_CLIENT, flags);
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, BB_TYPE_SESSION, flags);
  properties[PROP_LIVE_EVENTS] = g_param_spec_object ("live-events", NULL, NULL, BB_TYPE_LIVE_EVENTS, flags);
  properties[PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
  properties[PROP_HOSPITALS] = g_param_spec_object ("hospitals", NULL, NULL, BB_TYPE_HOSPITAL_LIST, flags);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, flags);
  properties[PROP_OFFLINE_SINCE] = g_param_spec_int64 ("offline-since", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DATA_TIME] = g_param_spec_int64 ("data-time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  properties[PROP_FIRST_RUN_FAILED] = g_param_spec_boolean ("first-run-failed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_client_context_init (BbClientContext *self)
{
  self->hospitals = bb_hospital_list_new ();
  self->bed_lists = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->pending_refresh = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

/* ---- public API ---- */

static char *
default_snapshot_path (const char *server_url)
{
  g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *file = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    file = g_strdup ("snapshot.json");
  else
    {
      int port = g_uri_get_port (uri);
      g_autofree char *where = port > 0 ? g_strdup_printf ("%s-%d", g_uri_get_host (uri), port)
                                        : g_strdup (g_uri_get_host (uri));

      /* Only characters that are safe in a file name. */
      for (char *p = where; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
          *p = '_';
      file = g_strdup_printf ("snapshot-%s.json", where);
    }
  return g_build_filename (g_get_user_cache_dir (), "bedboard", file, NULL);
}

BbClientContext *
bb_client_context_new (GSettings  *settings,
                       const char *server_url,
                       const char *snapshot_path)
{
  BbClientContext *self;
  g_autofree char *url = NULL;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (settings != NULL || server_url != NULL, NULL);

  self = g_object_new (BB_TYPE_CLIENT_CONTEXT, NULL);
  if (settings != NULL)
    self->settings = g_object_ref (settings);
  url = server_url != NULL ? g_strdup (server_url) : g_settings_get_string (settings, "server-url");
  self->api = bb_api_client_new (url);
  self->session = bb_session_new (self->api);
  self->live_events = bb_live_events_new (self->api);
  self->snapshot_path_given = snapshot_path != NULL;
  if (snapshot_path != NULL)
    self->snapshot = bb_snapshot_cache_new (snapshot_path);
  else
    {
      g_autofree char *path = default_snapshot_path (url);

      self->snapshot = bb_snapshot_cache_new (path);
    }

  g_signal_connect_object (self->live_events, "bed-changed", G_CALLBACK (on_bed_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->live_events, "notify::connected", G_CALLBACK (on_live_connected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->live_events, "resync", G_CALLBACK (on_live_resync_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::role", G_CALLBACK (on_session_role_cb),
                           self, G_CONNECT_SWAPPED);
  /* A --server override is for this run only: then the setting is not followed. */
  if (settings != NULL && server_url == NULL)
    g_signal_connect_object (settings, "changed::server-url", G_CALLBACK (on_server_url_changed_cb),
                             self, G_CONNECT_SWAPPED);
  return self;
}

BbApiClient *
bb_client_context_get_api (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  return self->api;
}

BbSession *
bb_client_context_get_session (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  return self->session;
}

BbLiveEvents *
bb_client_context_get_live_events (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  return self->live_events;
}

GSettings *
bb_client_context_get_settings (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  return self->settings;
}

BbSnapshotCache *
bb_client_context_get_snapshot_cache (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  return self->snapshot;
}

BbHospitalList *
bb_client_context_get_hospitals (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  return self->hospitals;
}

gboolean
bb_client_context_get_online (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), FALSE);
  return self->online;
}

gint64
bb_client_context_get_offline_since (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), 0);
  return self->offline_since;
}

gint64
bb_client_context_get_data_time (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), 0);
  return self->data_time;
}

gboolean
bb_client_context_get_loaded (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), FALSE);
  return self->loaded;
}

gboolean
bb_client_context_get_first_run_failed (BbClientContext *self)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), FALSE);
  return self->first_run_failed;
}

void
bb_client_context_set_server_url (BbClientContext *self,
                                  const char      *server_url)
{
  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->reloading = FALSE;
  bb_live_events_stop (self->live_events);
  bb_session_forget (self->session);
  g_clear_handle_id (&self->snapshot_source, g_source_remove);
  bb_api_client_set_base_url (self->api, server_url);
  if (!self->snapshot_path_given)
    {
      g_autofree char *path = default_snapshot_path (server_url);

      g_clear_object (&self->snapshot);
      self->snapshot = bb_snapshot_cache_new (path);
    }
  g_hash_table_remove_all (self->models);

  /* Nothing of the old server stays on show. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();

    bb_hospital_list_set (self->hospitals, none);
  }
  g_object_freeze_notify (G_OBJECT (self));
  set_bool (self, &self->online, FALSE, PROP_ONLINE);
  set_bool (self, &self->loaded, FALSE, PROP_LOADED);
  set_bool (self, &self->first_run_failed, FALSE, PROP_FIRST_RUN_FAILED);
  set_time (self, &self->offline_since, 0, PROP_OFFLINE_SINCE);
  set_time (self, &self->data_time, 0, PROP_DATA_TIME);
  g_object_thaw_notify (G_OBJECT (self));
  reload_bed_lists (self);
  if (self->started)
    {
      /* Another server: its events have their own numbers. */
      self->started = FALSE;
      bb_client_context_start (self);
    }
}

void
bb_client_context_start (BbClientContext *self)
{
  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));

  if (self->started)
    return;
  self->started = TRUE;
  bb_client_context_reload_async (self, self->cancellable, on_reload_after_reconnect_cb, NULL);
}

static void
on_start_reload_failed (BbClientContext *self)
{
  /* Not reachable at start: let the live events' backoff find it again. */
  if (self->started && !bb_live_events_get_connected (self->live_events) &&
      bb_live_events_get_retry_in (self->live_events) == 0)
    bb_live_events_start (self->live_events, bb_live_events_get_last_seq (self->live_events));
}

void
bb_client_context_stop (BbClientContext *self)
{
  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));

  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->reloading = FALSE;
  bb_live_events_stop (self->live_events);
}

static void
on_reload_finished_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  BbClientContext *self = BB_CLIENT_CONTEXT (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, BB_API_ERROR, BB_API_ERROR_NETWORK))
        on_start_reload_failed (self);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (outer, TRUE);
}

void
bb_client_context_reload_async (BbClientContext     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *outer;
  GTask *task;

  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, bb_client_context_reload_async);
  task = g_task_new (self, cancellable, on_reload_finished_cb, outer);
  g_task_set_task_data (task, g_new0 (Reload, 1), (GDestroyNotify) reload_free);
  self->reloading = TRUE;
  bb_api_client_get_health_async (self->api, cancellable, on_reload_health_cb, task);
}

gboolean
bb_client_context_reload_finish (BbClientContext  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_load_hospital_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbClientContext *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(BbHospital) hospital = NULL;
  BbHospitalItem *item;
  guint position;

  hospital = bb_api_client_get_hospital_finish (BB_API_CLIENT (source), result, &wards, &error);
  if (hospital == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  item = bb_hospital_list_lookup (self->hospitals, hospital->id, &position);
  if (item == NULL)
    {
      /* A hospital the list has not seen yet (added by an admin). */
      g_autoptr(BbHospitalItem) fresh = bb_hospital_item_new (hospital);

      bb_hospital_item_set_wards (fresh, wards);
      g_task_return_pointer (task, g_steal_pointer (&fresh), g_object_unref);
      return;
    }
  {
    gboolean changed = bb_hospital_item_update (item, hospital);

    bb_hospital_item_set_wards (item, wards);
    if (changed)
      g_list_model_items_changed (G_LIST_MODEL (self->hospitals), position, 1, 1);
  }
  if (self->online)
    set_time (self, &self->data_time, now_seconds (), PROP_DATA_TIME);
  save_snapshot_soon (self);
  g_task_return_pointer (task, g_object_ref (item), g_object_unref);
}

void
bb_client_context_load_hospital_async (BbClientContext     *self,
                                       gint64               hospital_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_client_context_load_hospital_async);
  bb_api_client_get_hospital_async (self->api, hospital_id, cancellable, on_load_hospital_cb, task);
}

BbHospitalItem *
bb_client_context_load_hospital_finish (BbClientContext  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_ward_beds_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BbBedList) beds = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) array = NULL;

  array = bb_api_client_list_ward_beds_finish (BB_API_CLIENT (source), result, &error);
  if (array == NULL)
    {
      g_debug ("Loading the beds of ward %" G_GINT64_FORMAT ": %s",
               bb_bed_list_get_ward_id (beds), error->message);
      return;
    }
  bb_bed_list_set (beds, array);
}

BbBedList *
bb_client_context_get_ward_beds (BbClientContext *self,
                                 gint64           hospital_id,
                                 gint64           ward_id)
{
  BbBedList *beds;
  gint64 *key;

  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);

  beds = g_hash_table_lookup (self->bed_lists, &ward_id);
  if (beds != NULL)
    return g_object_ref (beds);

  beds = bb_bed_list_new (hospital_id, ward_id);
  key = g_new (gint64, 1);
  *key = ward_id;
  g_hash_table_insert (self->bed_lists, key, beds);
  g_object_weak_ref (G_OBJECT (beds), bed_list_gone, self);
  bb_client_context_reload_ward_beds (self, beds);
  return beds;
}

void
bb_client_context_reload_ward_beds (BbClientContext *self,
                                    BbBedList       *beds)
{
  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));
  g_return_if_fail (BB_IS_BED_LIST (beds));

  bb_api_client_list_ward_beds_async (self->api, bb_bed_list_get_hospital_id (beds),
                                      bb_bed_list_get_ward_id (beds), self->cancellable,
                                      on_ward_beds_cb, g_object_ref (beds));
}

static void
on_model_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BbClientContext *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BbLosModel) model = NULL;

  model = bb_api_client_get_model_finish (BB_API_CLIENT (source), result, &error);
  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_hash_table_replace (self->models, g_strdup (g_task_get_task_data (task)), g_object_ref (model));
  g_task_return_pointer (task, g_steal_pointer (&model), g_object_unref);
}

void
bb_client_context_get_model_async (BbClientContext     *self,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BbLosModel *model;

  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bb_client_context_get_model_async);
  model = g_hash_table_lookup (self->models, name);
  if (model != NULL)
    {
      g_task_return_pointer (task, g_object_ref (model), g_object_unref);
      return;
    }
  g_task_set_task_data (task, g_strdup (name), g_free);
  bb_api_client_get_model_async (self->api, name, cancellable, on_model_loaded_cb,
                                 g_steal_pointer (&task));
}

BbLosModel *
bb_client_context_get_model_finish (BbClientContext  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bb_client_context_apply_bed_event (BbClientContext *self,
                                   gint64           hospital_id,
                                   gint64           ward_id,
                                   gint64           bed_id,
                                   BbBedStatus      status,
                                   gboolean         reserved,
                                   gint64           at)
{
  BbBedList *beds;

  g_return_if_fail (BB_IS_CLIENT_CONTEXT (self));

  beds = g_hash_table_lookup (self->bed_lists, &ward_id);
  if (beds != NULL && bb_bed_list_get_loaded (beds))
    {
      BbBedStatus old_status;
      gboolean old_reserved;

      /* The bed list knows the state before: move the counts at once. */
      if (bb_bed_list_apply (beds, bed_id, status, reserved, &old_status, &old_reserved))
        bb_hospital_list_move_bed (self->hospitals, hospital_id, ward_id,
                                   old_status, old_reserved, status, reserved, at);
    }
  /* And check the counts against the server's (cached, cheap) answer. */
  if (bb_hospital_list_lookup (self->hospitals, hospital_id, NULL) != NULL)
    schedule_hospital_refresh (self, hospital_id);
}
