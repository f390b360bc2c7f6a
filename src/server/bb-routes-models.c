/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-routes-models.c: the LOS models over HTTP: list them, fetch a card and
 * its booster (so clients forecast with the server's own model), retrain one
 * on the hospital network's history, and check intake features against the
 * card of a ward's model.
 *
 * The router's "{}" segments are numeric ids, so each model name has its
 * own literal routes; the wards table only allows these two models. */
#define G_LOG_DOMAIN "bb-routes-models"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "bb-server-private.h"
#include "bb-store-private.h"

typedef struct
{
  BbStore *store;
  gint64   actor_id;
} RetrainCaller;

static void
retrain_caller_free (RetrainCaller *caller)
{
  g_object_unref (caller->store);
  g_free (caller);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetrainCaller, retrain_caller_free)

/* "/api/v1/models/NAME[/...]" -> NAME */
static char *
model_name_from_path (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);

  /* "", "api", "v1", "models", NAME, ... */
  if (g_strv_length (segments) < 5)
    return NULL;
  return g_strdup (segments[4]);
}

static BbLosModel *
request_model (BbRequest *req)
{
  g_autofree char *name = model_name_from_path (req->path);
  BbLosModel *model = bb_model_registry_get (_bb_server_get_models (req->server), name);

  if (model == NULL)
    _bb_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "the model '%s' is not loaded",
                     name ? name : "");
  return model;
}

static void
copy_member (JsonObject *to,
             JsonObject *from,
             const char *member)
{
  if (json_object_has_member (from, member))
    json_object_set_member (to, member, json_node_copy (json_object_get_member (from, member)));
  else
    json_object_set_null_member (to, member);
}

static JsonObject *
model_summary (BbLosModel *model)
{
  BbLosCard *card = bb_los_model_get_card (model);
  g_autoptr(JsonNode) card_node = bb_los_card_to_json (card);
  JsonObject *card_object = json_node_get_object (card_node);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", bb_los_model_get_name (model));
  json_object_set_string_member (object, "version", bb_los_model_get_version (model));
  copy_member (object, card_object, "created_at");
  json_object_set_string_member (object, "distribution",
                                 bb_aft_distribution_to_string (bb_los_model_get_distribution (model)));
  json_object_set_double_member (object, "scale", bb_los_model_get_scale (model));
  copy_member (object, json_object_get_object_member (card_object, "objective"), "scale_when_missing");
  copy_member (object, card_object, "target");
  copy_member (object, card_object, "features");
  copy_member (object, card_object, "metrics");
  return object;
}

static void
get_models (BbRequest *req)
{
  BbModelRegistry *registry = _bb_server_get_models (req->server);
  g_auto(GStrv) names = bb_model_registry_list_names (registry);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(BbLosModel) model = bb_model_registry_get (registry, names[i]);

      if (model != NULL)
        json_array_add_object_element (array, model_summary (model));
    }
  json_object_set_array_member (object, "models", g_steal_pointer (&array));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_model (BbRequest *req)
{
  g_autoptr(BbLosModel) model = request_model (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) booster = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonObject) booster_object = json_object_new ();
  g_autofree char *sha256 = NULL;
  g_autofree char *url = NULL;
  const char *file;

  if (model == NULL)
    return;
  booster = bb_los_model_get_booster_bytes (model, &error);
  if (booster == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  file = bb_los_card_get_booster (bb_los_model_get_card (model));
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, booster);
  url = g_strdup_printf ("/api/v1/models/%s/booster", bb_los_model_get_name (model));
  json_object_set_string_member (booster_object, "url", url);
  json_object_set_string_member (booster_object, "format",
                                 file && g_str_has_suffix (file, ".json") ? "json" : "ubj");
  json_object_set_int_member (booster_object, "size", (gint64) g_bytes_get_size (booster));
  json_object_set_string_member (booster_object, "sha256", sha256);

  json_object_set_string_member (object, "name", bb_los_model_get_name (model));
  json_object_set_string_member (object, "version", bb_los_model_get_version (model));
  json_object_set_member (object, "card", bb_los_card_to_json (bb_los_model_get_card (model)));
  json_object_set_object_member (object, "booster", g_steal_pointer (&booster_object));
  _bb_reply_object (req, SOUP_STATUS_OK, object);
}

static void
get_model_booster (BbRequest *req)
{
  g_autoptr(BbLosModel) model = request_model (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) booster = NULL;
  SoupMessageHeaders *headers;

  if (model == NULL)
    return;
  booster = bb_los_model_get_booster_bytes (model, &error);
  if (booster == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  headers = soup_server_message_get_response_headers (req->msg);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", "application/octet-stream");
  soup_message_headers_replace (headers, "X-Bedboard-Model-Version", bb_los_model_get_version (model));
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), booster);
}

/* Every stay in a ward that uses the model: from admission to leaving the
 * last bed of such a ward (for an intensive care patient stepped down to a
 * ward, the ICU part), still open for current inpatients. The store has no
 * public read of finished stays, so this reads its tables directly, as the
 * demo network does. */
static GPtrArray *
read_stays (BbStore     *store,
            const char  *model_name,
            GError     **error)
{
  sqlite3 *db = _bb_store_get_db (store);
  g_autoptr(GPtrArray) stays = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_model_stay_free);
  sqlite3_stmt *st = NULL;
  gint64 now = bb_store_now (store);
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT a.features, a.admitted_at, MAX (s.to_at), SUM (s.to_at IS NULL) "
                           "FROM admissions a "
                           "JOIN bed_stays s ON s.admission = a.id "
                           "JOIN wards w ON w.id = s.ward "
                           "WHERE w.model = ?1 "
                           "GROUP BY a.id ORDER BY a.admitted_at, a.id",
                           -1, &st, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "reading the stays: %s",
                   sqlite3_errmsg (db));
      return NULL;
    }
  sqlite3_bind_text (st, 1, model_name, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr(BbModelStay) stay = g_new0 (BbModelStay, 1);
      const char *text = (const char *) sqlite3_column_text (st, 0);
      g_autoptr(JsonNode) node = text ? json_from_string (text, NULL) : NULL;
      gint64 ended = sqlite3_column_int64 (st, 2);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        stay->features = json_object_ref (json_node_get_object (node));
      stay->admitted_at = sqlite3_column_int64 (st, 1);
      stay->censored = sqlite3_column_int64 (st, 3) > 0;
      stay->stay_days = ((stay->censored ? now : ended) - stay->admitted_at) / 86400.0;
      g_ptr_array_add (stays, g_steal_pointer (&stay));
    }
  if (rc != SQLITE_DONE)
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "reading the stays: %s",
                 sqlite3_errmsg (db));
  sqlite3_finalize (st);
  return rc == SQLITE_DONE ? g_steal_pointer (&stays) : NULL;
}

/* One audit entry for the swap, written like the store's own: the store
 * has no public call for changes it did not make itself. */
static void
audit_swap (BbStore    *store,
            gint64      actor_id,
            JsonObject *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_autoptr(JsonNode) before_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) after_node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *entity = NULL;
  JsonObject *mae = json_object_get_object_member (result, "mae_days");
  const char *name = json_object_get_string_member (result, "model");
  const char *version = json_object_get_string_member (result, "version");
  sqlite3 *db = _bb_store_get_db (store);
  sqlite3_stmt *st = NULL;
  gboolean ok;

  json_object_set_string_member (before, "version", json_object_get_string_member (result, "previous_version"));
  json_object_set_double_member (before, "mae_days", json_object_get_double_member (mae, "current"));
  json_object_set_string_member (after, "version", version);
  json_object_set_double_member (after, "mae_days", json_object_get_double_member (mae, "candidate"));
  json_object_set_int_member (after, "held_out_stays", json_object_get_int_member (result, "held_out_stays"));
  json_node_set_object (before_node, before);
  json_node_set_object (after_node, after);
  before_text = json_to_string (before_node, FALSE);
  after_text = json_to_string (after_node, FALSE);
  entity = g_strdup_printf ("model:%s", name);

  if (!_bb_store_begin (store, &error))
    {
      g_warning ("Could not audit the swap of %s to version %s: %s", name, version, error->message);
      return;
    }
  ok = sqlite3_prepare_v2 (db,
                           "INSERT INTO audit (actor, at, action, entity, entity_id, before, after) "
                           "VALUES (?1, ?2, 'swap', ?3, ?4, ?5, ?6)", -1, &st, NULL) == SQLITE_OK;
  if (ok)
    {
      if (actor_id > 0)
        sqlite3_bind_int64 (st, 1, actor_id);
      else
        sqlite3_bind_null (st, 1);
      sqlite3_bind_int64 (st, 2, bb_store_now (store));
      sqlite3_bind_text (st, 3, entity, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st, 4, g_ascii_strtoll (version, NULL, 10));
      sqlite3_bind_text (st, 5, before_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 6, after_text, -1, SQLITE_TRANSIENT);
      ok = sqlite3_step (st) == SQLITE_DONE;
    }
  if (!ok)
    g_warning ("Could not audit the swap of %s to version %s: %s", name, version, sqlite3_errmsg (db));
  sqlite3_finalize (st);
  if (!_bb_store_finish (store, ok, &error))
    g_warning ("Could not audit the swap of %s to version %s: %s", name, version, error->message);
}

static void
on_retrain_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RetrainCaller) caller = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) outcome = NULL;

  outcome = bb_model_registry_retrain_finish (BB_MODEL_REGISTRY (source), result, &error);
  if (outcome == NULL)
    {
      g_warning ("Retraining failed: %s", error->message);
      return;
    }
  g_message ("Retrained %s: MAE %.3f days (current %.3f) on %" G_GINT64_FORMAT " held-out stays; %s",
             json_object_get_string_member (outcome, "model"),
             json_object_get_double_member (json_object_get_object_member (outcome, "mae_days"), "candidate"),
             json_object_get_double_member (json_object_get_object_member (outcome, "mae_days"), "current"),
             json_object_get_int_member (outcome, "held_out_stays"),
             json_object_get_boolean_member (outcome, "swapped") ? "swapped in" : "kept the current version");
  if (json_object_get_boolean_member (outcome, "swapped"))
    audit_swap (caller->store, caller->actor_id, outcome);
}

static void
reply_registry_error (BbRequest    *req,
                      const GError *error)
{
  if (error->domain != BB_MODEL_REGISTRY_ERROR)
    {
      _bb_reply_gerror (req, error);
      return;
    }
  switch (error->code)
    {
    case BB_MODEL_REGISTRY_ERROR_NOT_FOUND:
      _bb_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "%s", error->message);
      break;
    case BB_MODEL_REGISTRY_ERROR_BUSY:
      _bb_reply_error (req, SOUP_STATUS_CONFLICT, "conflict", "%s", error->message);
      break;
    case BB_MODEL_REGISTRY_ERROR_TOO_FEW:
      _bb_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid", "%s", error->message);
      break;
    default:
      g_warning ("%s: %s", req->path, error->message);
      _bb_reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "%s", error->message);
    }
}

static void
post_retrain (BbRequest *req)
{
  BbModelRegistry *registry = _bb_server_get_models (req->server);
  g_autofree char *name = model_name_from_path (req->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(JsonObject) status = NULL;
  RetrainCaller *caller;

  stays = read_stays (req->store, name, &error);
  if (stays == NULL)
    {
      _bb_reply_gerror (req, error);
      return;
    }

  caller = g_new0 (RetrainCaller, 1);
  caller->store = g_object_ref (req->store);
  caller->actor_id = req->user->id;
  if (!bb_model_registry_start_retrain (registry, name, stays, on_retrain_done_cb, caller, &error))
    {
      retrain_caller_free (caller);
      reply_registry_error (req, error);
      return;
    }

  status = bb_model_registry_get_retrain_status (registry, name);
  _bb_reply_object (req, SOUP_STATUS_ACCEPTED, status);
}

static void
get_retrain (BbRequest *req)
{
  g_autoptr(BbLosModel) model = request_model (req);
  g_autoptr(JsonObject) status = NULL;

  if (model == NULL)
    return;
  status = bb_model_registry_get_retrain_status (_bb_server_get_models (req->server),
                                                 bb_los_model_get_name (model));
  _bb_reply_object (req, SOUP_STATUS_OK, status);
}

gboolean
_bb_models_validate_features (BbServer      *server,
                              const char    *model_name,
                              JsonObject    *features,
                              GError       **error)
{
  g_autoptr(BbLosModel) model = bb_model_registry_get (_bb_server_get_models (server), model_name);
  g_autoptr(GError) local_error = NULL;

  /* Without its model loaded the ward cannot be checked; the forecast then
   * refuses future bookings anyway. */
  if (model == NULL)
    return TRUE;
  if (!bb_los_card_validate_features (bb_los_model_get_card (model), features, &local_error))
    {
      /* The card's message names the field as features.NAME. */
      g_set_error (error, BB_API_ERROR, BB_API_ERROR_INVALID, "%s (the ward's model is %s)",
                   local_error->message, model_name);
      return FALSE;
    }
  return TRUE;
}

#define MODEL_ROUTES(NAME) \
  { "GET", "/api/v1/models/" NAME, BB_ROLE_STAFF, BB_ROUTE_NONE, get_model }, \
  { "GET", "/api/v1/models/" NAME "/booster", BB_ROLE_STAFF, BB_ROUTE_NONE, get_model_booster }, \
  { "POST", "/api/v1/models/" NAME "/retrain", BB_ROLE_ADMIN, BB_ROUTE_BODY, post_retrain }, \
  { "GET", "/api/v1/models/" NAME "/retrain", BB_ROLE_STAFF, BB_ROUTE_NONE, get_retrain }

const BbRoute _bb_routes_models[] = {
  { "GET", "/api/v1/models", BB_ROLE_STAFF, BB_ROUTE_NONE, get_models },
  MODEL_ROUTES ("icu-los"),
  MODEL_ROUTES ("ward-los"),
  { NULL, }
};
