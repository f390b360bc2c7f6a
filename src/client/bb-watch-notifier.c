/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-watch-notifier.c: alerts about watched wards: freed beds and forecast
 * alarm crossings. */
#define G_LOG_DOMAIN "bb-watch-notifier"

#include "config.h"

#include "bb-watch-notifier.h"

#include <glib/gi18n.h>

#include "bb-forecast-ward.h"

#define FORECAST_CHECK_SECONDS (15 * 60)

struct _BbWatchNotifier
{
  GObject          parent_instance;

  BbClientContext *context;      /* weak: the context owns nothing of ours */
  GArray          *ward_ids;     /* gint64, when there are no settings */
  GStrv            kinds;        /* when there are no settings */
  GHashTable      *alarmed;      /* "ward:level" already told */
  GCancellable    *cancellable;
  guint            check_source;
};

G_DEFINE_FINAL_TYPE (BbWatchNotifier, bb_watch_notifier, G_TYPE_OBJECT)

enum {
  ALERT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
alert (BbWatchNotifier *self,
       const char      *id,
       const char      *title,
       const char      *body)
{
  g_debug ("Alert %s: %s — %s", id, title, body);
  g_signal_emit (self, signals[ALERT], 0, id, title, body);
}

/* The ward and its hospital, if the wards are loaded. */
static BbWardItem *
find_ward (BbWatchNotifier *self,
           gint64           hospital_id,
           gint64           ward_id,
           BbHospitalItem **out_hospital)
{
  BbHospitalList *hospitals = bb_client_context_get_hospitals (self->context);
  BbHospitalItem *hospital = bb_hospital_list_lookup (hospitals, hospital_id, NULL);

  if (out_hospital != NULL)
    *out_hospital = hospital;
  if (hospital == NULL)
    return NULL;
  return bb_hospital_item_find_ward (hospital, ward_id, NULL);
}

static void
on_bed_changed_cb (BbWatchNotifier *self,
                   gint64           seq,
                   gint64           hospital_id,
                   gint64           ward_id,
                   gint64           bed_id,
                   guint            status,
                   gboolean         reserved,
                   gint64           at,
                   BbLiveEvents    *live)
{
  BbHospitalItem *hospital = NULL;
  BbWardItem *ward;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;

  if (status != BB_BED_STATUS_UNOCCUPIED || reserved)
    return;
  ward = find_ward (self, hospital_id, ward_id, &hospital);
  if (ward == NULL || !bb_watch_notifier_watches (self, ward_id, bb_ward_item_get_kind (ward)))
    return;

  id = g_strdup_printf ("bed-free-%" G_GINT64_FORMAT, ward_id);
  /* Translators: a ward, then its hospital. */
  body = g_strdup_printf (_("%s at %s has a free bed."), bb_ward_item_get_name (ward),
                          bb_hospital_item_get_name (hospital));
  alert (self, id, _("A bed is free"), body);
}

static void
on_forecast_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BbWatchNotifier) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) wards = NULL;
  g_autoptr(GPtrArray) alarms = NULL;
  g_autoptr(GHashTable) now_alarmed = NULL;

  wards = bb_forecast_wards_load_finish (BB_CLIENT_CONTEXT (source), result, &error);
  if (wards == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Watched forecast not loaded: %s", error->message);
      return;
    }
  if (self->context == NULL)
    return;

  alarms = bb_forecast_alarms_compute (wards);
  now_alarmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < alarms->len; i++)
    {
      const BbForecastAlarm *a = g_ptr_array_index (alarms, i);
      const BbForecastWard *ward = NULL;
      g_autofree char *key = NULL;

      /* The median's crossing or now: a 1-in-10 risk is not worth a pop-up. */
      if (a->kind == BB_FORECAST_ALARM_UPPER)
        continue;
      for (guint j = 0; j < wards->len && ward == NULL; j++)
        if (((BbForecastWard *) g_ptr_array_index (wards, j))->ward_id == a->ward_id)
          ward = g_ptr_array_index (wards, j);
      if (ward == NULL || !bb_watch_notifier_watches (self, a->ward_id, ward->kind))
        continue;

      key = g_strdup_printf ("%" G_GINT64_FORMAT ":%d", a->ward_id, (int) (a->level * 100 + 0.5));
      g_hash_table_add (now_alarmed, g_strdup (key));
      if (!g_hash_table_contains (self->alarmed, key))
        {
          g_autofree char *id = g_strdup_printf ("alarm-%s", key);
          g_autofree char *body = bb_forecast_alarm_describe (a, ward->now, NULL);

          g_hash_table_add (self->alarmed, g_strdup (key));
          alert (self, id, a->level >= BB_FORECAST_ALARM_CRITICAL
                           /* xgettext:no-c-format */
                           ? _("A ward is forecast over 92% of its beds")
                           /* xgettext:no-c-format */
                           : _("A ward is forecast over 85% of its beds"), body);
        }
    }

  /* A line this hospital's wards are below again may be told again later. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->alarmed);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        gint64 ward_id = g_ascii_strtoll (key, NULL, 10);
        gboolean of_this_hospital = FALSE;

        for (guint j = 0; j < wards->len && !of_this_hospital; j++)
          of_this_hospital = ((BbForecastWard *) g_ptr_array_index (wards, j))->ward_id == ward_id;
        if (of_this_hospital && !g_hash_table_contains (now_alarmed, key))
          g_hash_table_iter_remove (&iter);
      }
  }
}

static gboolean
hospital_has_watched_ward (BbWatchNotifier *self,
                           BbHospitalItem  *hospital)
{
  GListModel *wards = bb_hospital_item_get_wards (hospital);

  for (guint i = 0; i < g_list_model_get_n_items (wards); i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (wards, i);

      if (bb_watch_notifier_watches (self, bb_ward_item_get_id (ward), bb_ward_item_get_kind (ward)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
on_check_timeout_cb (gpointer user_data)
{
  bb_watch_notifier_check_forecasts (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_loaded_cb (BbWatchNotifier *self,
              GParamSpec      *pspec,
              BbClientContext *context)
{
  if (bb_client_context_get_loaded (context) && bb_client_context_get_online (context))
    bb_watch_notifier_check_forecasts (self);
}

static void
on_watched_changed_cb (BbWatchNotifier *self,
                       const char      *key,
                       GSettings       *settings)
{
  bb_watch_notifier_check_forecasts (self);
}

static void
bb_watch_notifier_dispose (GObject *object)
{
  BbWatchNotifier *self = (BbWatchNotifier *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);
  g_clear_weak_pointer (&self->context);

  G_OBJECT_CLASS (bb_watch_notifier_parent_class)->dispose (object);
}

static void
bb_watch_notifier_finalize (GObject *object)
{
  BbWatchNotifier *self = (BbWatchNotifier *) object;

  g_clear_pointer (&self->ward_ids, g_array_unref);
  g_clear_pointer (&self->kinds, g_strfreev);
  g_clear_pointer (&self->alarmed, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bb_watch_notifier_parent_class)->finalize (object);
}

static void
bb_watch_notifier_class_init (BbWatchNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bb_watch_notifier_dispose;
  object_class->finalize = bb_watch_notifier_finalize;

  signals[ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
bb_watch_notifier_init (BbWatchNotifier *self)
{
  self->ward_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->kinds = g_new0 (char *, 1);
  self->alarmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

BbWatchNotifier *
bb_watch_notifier_new (BbClientContext *context)
{
  BbWatchNotifier *self;
  GSettings *settings;

  g_return_val_if_fail (BB_IS_CLIENT_CONTEXT (context), NULL);

  self = g_object_new (BB_TYPE_WATCH_NOTIFIER, NULL);
  g_set_weak_pointer (&self->context, context);
  g_signal_connect_object (bb_client_context_get_live_events (context), "bed-changed",
                           G_CALLBACK (on_bed_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::loaded", G_CALLBACK (on_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::online", G_CALLBACK (on_loaded_cb), self, G_CONNECT_SWAPPED);
  settings = bb_client_context_get_settings (context);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::watched-wards", G_CALLBACK (on_watched_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::watched-kinds", G_CALLBACK (on_watched_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  self->check_source = g_timeout_add_seconds (FORECAST_CHECK_SECONDS, on_check_timeout_cb, self);
  return self;
}

void
bb_watch_notifier_set_watched (BbWatchNotifier    *self,
                               const gint64       *ward_ids,
                               guint               n_ward_ids,
                               const char * const *kinds)
{
  static const char * const no_kinds[] = { NULL };
  GSettings *settings;

  g_return_if_fail (BB_IS_WATCH_NOTIFIER (self));
  g_return_if_fail (ward_ids != NULL || n_ward_ids == 0);

  if (kinds == NULL)
    kinds = no_kinds;
  g_array_set_size (self->ward_ids, 0);
  g_array_append_vals (self->ward_ids, ward_ids, n_ward_ids);
  g_strfreev (self->kinds);
  self->kinds = g_strdupv ((char **) kinds);

  settings = self->context != NULL ? bb_client_context_get_settings (self->context) : NULL;
  if (settings != NULL)
    {
      g_settings_set_value (settings, "watched-wards",
                            g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, ward_ids, n_ward_ids,
                                                       sizeof (gint64)));
      g_settings_set_strv (settings, "watched-kinds", kinds);
    }
  else
    bb_watch_notifier_check_forecasts (self);
}

gboolean
bb_watch_notifier_watches (BbWatchNotifier *self,
                           gint64           ward_id,
                           const char      *kind)
{
  GSettings *settings;

  g_return_val_if_fail (BB_IS_WATCH_NOTIFIER (self), FALSE);

  settings = self->context != NULL ? bb_client_context_get_settings (self->context) : NULL;
  if (settings != NULL)
    {
      g_autoptr(GVariant) wards = g_settings_get_value (settings, "watched-wards");
      g_auto(GStrv) kinds = g_settings_get_strv (settings, "watched-kinds");
      gsize n = 0;
      const gint64 *ids = g_variant_get_fixed_array (wards, &n, sizeof (gint64));

      for (gsize i = 0; i < n; i++)
        if (ids[i] == ward_id)
          return TRUE;
      return kind != NULL && g_strv_contains ((const char * const *) kinds, kind);
    }
  for (guint i = 0; i < self->ward_ids->len; i++)
    if (g_array_index (self->ward_ids, gint64, i) == ward_id)
      return TRUE;
  return kind != NULL && g_strv_contains ((const char * const *) self->kinds, kind);
}

void
bb_watch_notifier_check_forecasts (BbWatchNotifier *self)
{
  BbHospitalList *hospitals;

  g_return_if_fail (BB_IS_WATCH_NOTIFIER (self));

  if (self->context == NULL || !bb_client_context_get_online (self->context))
    return;
  hospitals = bb_client_context_get_hospitals (self->context);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (hospitals)); i++)
    {
      g_autoptr(BbHospitalItem) hospital = g_list_model_get_item (G_LIST_MODEL (hospitals), i);

      if (hospital_has_watched_ward (self, hospital))
        bb_forecast_wards_load_async (self->context, bb_hospital_item_get_id (hospital), self->cancellable,
                                      on_forecast_loaded_cb, g_object_ref (self));
    }
}
