/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-store.c: the hospital's records in SQLite.
 *
 * Every state change runs in one BEGIN IMMEDIATE transaction that changes
 * the rows, writes an audit entry (before/after JSON) and appends the live
 * events; signals go out only after COMMIT. BEGIN IMMEDIATE takes the write
 * lock before anything is read, so "find a free bed and hold it" cannot race
 * with another connection; partial unique indexes in the schema are the
 * backstop. The schema comes from the SQL files compiled in as GResources. */
#define G_LOG_DOMAIN "bb-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "bb-store.h"
#include "bb-store-private.h"
#include "bb-records-json.h"
#include "bb-server-resources.h"

#define SQL_RESOURCE_DIR       "/org/bedboard/server/sql/"
#define DEFAULT_HOLD_MINUTES   120
#define MAX_HOLD_MINUTES       (14 * 24 * 60)
#define DEFAULT_SESSION_TTL    (12 * 3600)
#define MAX_OCCUPANCY_POINTS   20000
#define MAX_TEXT               4000
#define MAX_SHORT_TEXT         300
/* Times outside 1970..2200 are input errors, and keep arithmetic on them
 * far from overflow. */
#define MAX_TIME               G_GINT64_CONSTANT (7258118400)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_reset)

struct _BbStore
{
  GObject      parent_instance;

  sqlite3     *db;
  char        *path;
  int          schema_version;

  gint64     (*now_func) (gpointer);
  gpointer     now_data;

  GHashTable  *stmts;           /* SQL text -> prepared sqlite3_stmt */
  gboolean     in_transaction;
  GPtrArray   *pending_events;  /* BbEvent, emitted after COMMIT */
  GArray      *pending_changed; /* gint64 hospital ids, emitted after COMMIT */
};

G_DEFINE_FINAL_TYPE (BbStore, bb_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (bb-store-error-quark, bb_store_error)

enum
{
  SIGNAL_EVENT,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- SQLite plumbing ---- */

static void
set_sql_error (BbStore     *self,
               GError     **error,
               const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);

  if ((code & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                 "%s: conflicts with the current records (%s)", what, sqlite3_errmsg (self->db));
  else
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED,
                 "%s: %s", what, sqlite3_errmsg (self->db));
}

static gboolean
exec_sql (BbStore     *self,
          const char  *sql,
          GError     **error)
{
  char *errmsg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED,
                   "%s: %s", sql, errmsg ? errmsg : sqlite3_errmsg (self->db));
      sqlite3_free (errmsg);
      return FALSE;
    }

  return TRUE;
}

/* Statements are prepared once per connection and reused; the caller holds
 * them with g_autoptr(sqlite3_stmt), which resets them (ending any read)
 * when it goes out of scope. */
static sqlite3_stmt *
prepare (BbStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *st = g_hash_table_lookup (self->stmts, sql);

  if (st == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        {
          g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED,
                       "preparing a query: %s", sqlite3_errmsg (self->db));
          return NULL;
        }
      g_hash_table_insert (self->stmts, (gpointer) sql, st);
    }

  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return st;
}

static void
bind_text (sqlite3_stmt *st,
           int           i,
           const char   *s)
{
  if (s == NULL)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_text (st, i, s, -1, SQLITE_TRANSIENT);
}

/* 0 means "none" for ids and times. */
static void
bind_id (sqlite3_stmt *st,
         int           i,
         gint64        v)
{
  if (v == 0)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_int64 (st, i, v);
}

/* Returns SQLITE_ROW or SQLITE_DONE, or -1 with error set. */
static int
step (BbStore       *self,
      sqlite3_stmt  *st,
      GError       **error)
{
  int rc = sqlite3_step (st);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  set_sql_error (self, error, "query failed");
  return -1;
}

static gboolean
step_done (BbStore       *self,
           sqlite3_stmt  *st,
           GError       **error)
{
  int rc = step (self, st, error);

  if (rc == SQLITE_ROW)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "unexpected row");
      return FALSE;
    }

  return rc == SQLITE_DONE;
}

static char *
col_text (sqlite3_stmt *st,
          int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (st, i));
}

static JsonObject *
col_object (sqlite3_stmt *st,
            int           i)
{
  const char *text = (const char *) sqlite3_column_text (st, i);
  g_autoptr(JsonNode) node = NULL;

  if (text != NULL)
    node = json_from_string (text, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));

  return json_object_new ();
}

static char **
col_tags (sqlite3_stmt *st,
          int           i)
{
  const char *text = (const char *) sqlite3_column_text (st, i);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  if (text != NULL)
    node = json_from_string (text, NULL);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *arr = json_node_get_array (node);

      for (guint k = 0; k < json_array_get_length (arr); k++)
        {
          const char *tag = json_array_get_string_element (arr, k);

          if (tag != NULL)
            g_strv_builder_add (builder, tag);
        }
    }

  return g_strv_builder_end (builder);
}

static char *
node_to_text (JsonNode *node)
{
  if (node == NULL)
    return NULL;

  return json_to_string (node, FALSE);
}

static char *
object_to_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  if (obj == NULL)
    return g_strdup ("{}");

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

static gboolean
tags_to_text (const char * const  *tags,
              char               **out,
              GError             **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *arr = json_array_new ();

  json_node_take_array (node, arr);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (tags[i][0] == '\0' || strlen (tags[i]) > 64 || !g_utf8_validate (tags[i], -1, NULL))
        {
          g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                       "tags: each tag must be a non-empty text of at most 64 bytes");
          return FALSE;
        }
      json_array_add_string_element (arr, tags[i]);
    }

  *out = json_to_string (node, FALSE);
  return TRUE;
}

static gboolean
check_text (const char  *field,
            const char  *value,
            gboolean     required,
            gsize        max_len,
            GError     **error)
{
  if (value == NULL || value[0] == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "%s: required", field);
      return FALSE;
    }
  if (strlen (value) > max_len)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                   "%s: longer than %" G_GSIZE_FORMAT " bytes", field, max_len);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "%s: not valid UTF-8", field);
      return FALSE;
    }

  return TRUE;
}

static const char *
bed_status_words (BbBedStatus status)
{
  switch (status)
    {
    case BB_BED_STATUS_UNOCCUPIED:   return "free (U)";
    case BB_BED_STATUS_OCCUPIED:     return "occupied (O)";
    case BB_BED_STATUS_HOUSEKEEPING: return "being cleaned (H)";
    case BB_BED_STATUS_CLOSED:       return "closed (C)";
    case BB_BED_STATUS_ISOLATED:     return "isolated (I)";
    case BB_BED_STATUS_CONTAMINATED: return "contaminated (K)";
    default:                         return "in an unknown status";
    }
}

/* ---- transactions and signals ---- */

static void
drop_pending (BbStore *self)
{
  g_ptr_array_set_size (self->pending_events, 0);
  g_array_set_size (self->pending_changed, 0);
}

static void
emit_pending (BbStore *self)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GArray) changed = NULL;

  /* Handlers may call back into the store and start new transactions. */
  events = g_steal_pointer (&self->pending_events);
  changed = g_steal_pointer (&self->pending_changed);
  self->pending_events = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_event_free);
  self->pending_changed = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_object_ref (self);
  for (guint i = 0; i < events->len; i++)
    g_signal_emit (self, signals[SIGNAL_EVENT], 0, g_ptr_array_index (events, i));
  for (guint i = 0; i < changed->len; i++)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, g_array_index (changed, gint64, i));
  g_object_unref (self);
}

static gboolean
begin (BbStore  *self,
       GError  **error)
{
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_transaction = TRUE;
  return TRUE;
}

/* Commits when ok (error untouched so far) or rolls back (error already set
 * by whatever failed). */
static gboolean
finish (BbStore  *self,
        gboolean  ok,
        GError  **error)
{
  g_return_val_if_fail (self->in_transaction, FALSE);

  self->in_transaction = FALSE;

  if (ok)
    {
      if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        {
          emit_pending (self);
          return TRUE;
        }
      set_sql_error (self, error, "commit failed");
    }

  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  drop_pending (self);
  return FALSE;
}

void
_bb_store_queue_changed (BbStore *self,
                         gint64   hospital_id)
{
  for (guint i = 0; i < self->pending_changed->len; i++)
    {
      if (g_array_index (self->pending_changed, gint64, i) == hospital_id)
        return;
    }

  g_array_append_val (self->pending_changed, hospital_id);
}

static gboolean
touch_hospital (BbStore  *self,
                gint64    hospital_id,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE hospitals SET updated_at = ?2 WHERE id = ?1", error);

  if (st == NULL)
    return FALSE;

  sqlite3_bind_int64 (st, 1, hospital_id);
  sqlite3_bind_int64 (st, 2, bb_store_now (self));
  if (!step_done (self, st, error))
    return FALSE;

  _bb_store_queue_changed (self, hospital_id);
  return TRUE;
}

static gboolean
audit (BbStore     *self,
       gint64       actor_id,
       const char  *action,
       const char  *entity,
       gint64       entity_id,
       JsonNode    *before,
       JsonNode    *after,
       GError     **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *before_text = node_to_text (before);
  g_autofree char *after_text = node_to_text (after);

  st = prepare (self,
                "INSERT INTO audit (actor, at, action, entity, entity_id, before, after) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (st == NULL)
    return FALSE;

  bind_id (st, 1, actor_id);
  sqlite3_bind_int64 (st, 2, bb_store_now (self));
  bind_text (st, 3, action);
  bind_text (st, 4, entity);
  sqlite3_bind_int64 (st, 5, entity_id);
  bind_text (st, 6, before_text);
  bind_text (st, 7, after_text);

  return step_done (self, st, error);
}

/* Appends a "bed" event with the bed's state as this transaction leaves it
 * and marks its hospital changed. */
static gboolean
queue_bed_event (BbStore  *self,
                 gint64    bed_id,
                 GError  **error)
{
  g_autoptr(BbEvent) ev = g_new0 (BbEvent, 1);

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "SELECT w.hospital, b.ward, b.status, "
                  "  EXISTS (SELECT 1 FROM bookings k WHERE k.bed = b.id AND k.status IN ('held', 'confirmed')) "
                  "FROM beds b JOIN wards w ON w.id = b.ward WHERE b.id = ?1", error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, bed_id);
    if (step (self, st, error) != SQLITE_ROW)
      {
        if (error && *error == NULL)
          g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND, "bed %" G_GINT64_FORMAT " not found", bed_id);
        return FALSE;
      }
    ev->type = g_strdup ("bed");
    ev->hospital_id = sqlite3_column_int64 (st, 0);
    ev->ward_id = sqlite3_column_int64 (st, 1);
    ev->bed_id = bed_id;
    bb_bed_status_from_string ((const char *) sqlite3_column_text (st, 2), &ev->status);
    ev->reserved = sqlite3_column_int (st, 3) != 0;
    ev->at = bb_store_now (self);
  }

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "INSERT INTO events (type, hospital, ward, bed, status, reserved, at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
    if (st == NULL)
      return FALSE;
    bind_text (st, 1, ev->type);
    sqlite3_bind_int64 (st, 2, ev->hospital_id);
    sqlite3_bind_int64 (st, 3, ev->ward_id);
    sqlite3_bind_int64 (st, 4, ev->bed_id);
    bind_text (st, 5, bb_bed_status_to_string (ev->status));
    sqlite3_bind_int (st, 6, ev->reserved);
    sqlite3_bind_int64 (st, 7, ev->at);
    if (!step_done (self, st, error))
      return FALSE;
    ev->seq = sqlite3_last_insert_rowid (self->db);
  }

  if (!touch_hospital (self, ev->hospital_id, error))
    return FALSE;

  g_ptr_array_add (self->pending_events, g_steal_pointer (&ev));
  return TRUE;
}

/* ---- loading records ---- */

#define HOSPITAL_SELECT \
  "SELECT h.id, h.name, h.address, h.latitude, h.longitude, h.phone, h.updated_at, " \
  "  COUNT (b.id), " \
  "  TOTAL (b.status = 'U' AND r.id IS NULL), " \
  "  TOTAL (b.status = 'O'), " \
  "  TOTAL (r.id IS NOT NULL), " \
  "  TOTAL (b.status IN ('H', 'K')), " \
  "  TOTAL (b.status IN ('C', 'I')) " \
  "FROM hospitals h " \
  "LEFT JOIN wards w ON w.hospital = h.id AND (?1 IS NULL OR w.kind = ?1) " \
  "LEFT JOIN beds b ON b.ward = w.id " \
  "LEFT JOIN bookings r ON r.bed = b.id AND r.status IN ('held', 'confirmed') " \
  "WHERE (?2 = 0 OR h.id = ?2) " \
  "GROUP BY h.id ORDER BY h.id"

#define WARD_SELECT \
  "SELECT w.id, w.hospital, w.name, w.kind, w.model, " \
  "  COUNT (b.id), " \
  "  TOTAL (b.status = 'U' AND r.id IS NULL), " \
  "  TOTAL (b.status = 'O'), " \
  "  TOTAL (r.id IS NOT NULL), " \
  "  TOTAL (b.status IN ('H', 'K')), " \
  "  TOTAL (b.status IN ('C', 'I')) " \
  "FROM wards w " \
  "LEFT JOIN beds b ON b.ward = w.id " \
  "LEFT JOIN bookings r ON r.bed = b.id AND r.status IN ('held', 'confirmed') " \
  "WHERE (?1 = 0 OR w.hospital = ?1) AND (?2 = 0 OR w.id = ?2) " \
  "GROUP BY w.id ORDER BY w.id"

#define BED_SELECT \
  "SELECT b.id, b.ward, b.label, b.status, b.tags, " \
  "  EXISTS (SELECT 1 FROM bookings k WHERE k.bed = b.id AND k.status IN ('held', 'confirmed')), " \
  "  a.id, a.admitted_at, a.features " \
  "FROM beds b JOIN wards w ON w.id = b.ward " \
  "LEFT JOIN admissions a ON a.bed = b.id AND a.discharged_at IS NULL "

#define BOOKING_SELECT \
  "SELECT id, hospital, ward, bed, start, status, expires_at, patient_ref, features, " \
  "  forecast_model, forecast_version, forecast_los_days, admission, created_by, created_at " \
  "FROM bookings "

#define ADMISSION_SELECT \
  "SELECT a.id, a.bed, b.ward, w.hospital, a.patient_ref, a.features, a.admitted_at, a.discharged_at " \
  "FROM admissions a JOIN beds b ON b.id = a.bed JOIN wards w ON w.id = b.ward "

#define ENQUIRY_SELECT \
  "SELECT id, hospital, user, name, contact, message, status, accepted_by, reply, replied_at, " \
  "  rating, created_at FROM enquiries "

#define USER_SELECT \
  "SELECT id, email, name, role, created_at FROM users "

static void
read_counts (sqlite3_stmt *st,
             int           first,
             BbBedCounts  *c)
{
  c->total = sqlite3_column_int (st, first);
  c->free = sqlite3_column_int (st, first + 1);
  c->occupied = sqlite3_column_int (st, first + 2);
  c->reserved = sqlite3_column_int (st, first + 3);
  c->cleaning = sqlite3_column_int (st, first + 4);
  c->closed = sqlite3_column_int (st, first + 5);
}

static BbHospital *
row_to_hospital (sqlite3_stmt *st)
{
  BbHospital *h = g_new0 (BbHospital, 1);

  h->id = sqlite3_column_int64 (st, 0);
  h->name = col_text (st, 1);
  h->address = col_text (st, 2);
  h->latitude = sqlite3_column_double (st, 3);
  h->longitude = sqlite3_column_double (st, 4);
  h->phone = col_text (st, 5);
  h->updated_at = sqlite3_column_int64 (st, 6);
  read_counts (st, 7, &h->beds);
  h->distance_km = -1;
  return h;
}

static BbWard *
row_to_ward (sqlite3_stmt *st)
{
  BbWard *w = g_new0 (BbWard, 1);

  w->id = sqlite3_column_int64 (st, 0);
  w->hospital_id = sqlite3_column_int64 (st, 1);
  w->name = col_text (st, 2);
  w->kind = col_text (st, 3);
  w->model = col_text (st, 4);
  read_counts (st, 5, &w->beds);
  return w;
}

static BbBed *
row_to_bed (sqlite3_stmt *st,
            gboolean      with_patient)
{
  BbBed *b = g_new0 (BbBed, 1);

  b->id = sqlite3_column_int64 (st, 0);
  b->ward_id = sqlite3_column_int64 (st, 1);
  b->label = col_text (st, 2);
  if (!bb_bed_status_from_string ((const char *) sqlite3_column_text (st, 3), &b->status))
    b->status = BB_BED_STATUS_CLOSED;
  b->tags = col_tags (st, 4);
  b->reserved = sqlite3_column_int (st, 5) != 0;
  if (with_patient && sqlite3_column_type (st, 6) != SQLITE_NULL)
    {
      b->admission_id = sqlite3_column_int64 (st, 6);
      b->admitted_at = sqlite3_column_int64 (st, 7);
      b->features = col_object (st, 8);
    }
  return b;
}

static gpointer
row_to_bed_public (sqlite3_stmt *st)
{
  return row_to_bed (st, FALSE);
}

static gpointer
row_to_bed_staff (sqlite3_stmt *st)
{
  return row_to_bed (st, TRUE);
}

static BbBooking *
row_to_booking (sqlite3_stmt *st)
{
  BbBooking *b = g_new0 (BbBooking, 1);

  b->id = sqlite3_column_int64 (st, 0);
  b->hospital_id = sqlite3_column_int64 (st, 1);
  b->ward_id = sqlite3_column_int64 (st, 2);
  b->bed_id = sqlite3_column_int64 (st, 3);
  b->start = sqlite3_column_int64 (st, 4);
  if (!bb_booking_status_from_string ((const char *) sqlite3_column_text (st, 5), &b->status))
    b->status = BB_BOOKING_CANCELLED;
  b->expires_at = sqlite3_column_int64 (st, 6);
  b->patient_ref = col_text (st, 7);
  b->features = col_object (st, 8);
  b->forecast_model = col_text (st, 9);
  b->forecast_version = col_text (st, 10);
  b->forecast_los_days = sqlite3_column_type (st, 11) == SQLITE_NULL ? -1 : sqlite3_column_double (st, 11);
  b->admission_id = sqlite3_column_int64 (st, 12);
  b->created_by = sqlite3_column_int64 (st, 13);
  b->created_at = sqlite3_column_int64 (st, 14);
  return b;
}

static BbAdmission *
row_to_admission (sqlite3_stmt *st)
{
  BbAdmission *a = g_new0 (BbAdmission, 1);

  a->id = sqlite3_column_int64 (st, 0);
  a->bed_id = sqlite3_column_int64 (st, 1);
  a->ward_id = sqlite3_column_int64 (st, 2);
  a->hospital_id = sqlite3_column_int64 (st, 3);
  a->patient_ref = col_text (st, 4);
  a->features = col_object (st, 5);
  a->admitted_at = sqlite3_column_int64 (st, 6);
  a->discharged_at = sqlite3_column_int64 (st, 7);
  return a;
}

static BbEnquiry *
row_to_enquiry (sqlite3_stmt *st)
{
  BbEnquiry *e = g_new0 (BbEnquiry, 1);

  e->id = sqlite3_column_int64 (st, 0);
  e->hospital_id = sqlite3_column_int64 (st, 1);
  e->user_id = sqlite3_column_int64 (st, 2);
  e->name = col_text (st, 3);
  e->contact = col_text (st, 4);
  e->message = col_text (st, 5);
  e->status = col_text (st, 6);
  e->accepted_by = sqlite3_column_int64 (st, 7);
  e->reply = col_text (st, 8);
  e->replied_at = sqlite3_column_int64 (st, 9);
  e->rating = sqlite3_column_int (st, 10);
  e->created_at = sqlite3_column_int64 (st, 11);
  return e;
}

static BbUser *
row_to_user (sqlite3_stmt *st)
{
  BbUser *u = g_new0 (BbUser, 1);

  u->id = sqlite3_column_int64 (st, 0);
  u->email = col_text (st, 1);
  u->name = col_text (st, 2);
  if (!bb_role_from_string ((const char *) sqlite3_column_text (st, 3), &u->role))
    u->role = BB_ROLE_NONE;
  u->created_at = sqlite3_column_int64 (st, 4);
  return u;
}

typedef gpointer (*RowFunc) (sqlite3_stmt *st);

/* Runs a prepared, bound query and collects one record per row. */
static GPtrArray *
collect (BbStore        *self,
         sqlite3_stmt   *st,
         RowFunc         row_func,
         GDestroyNotify  free_func,
         GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = step (self, st, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_func (st));

  if (rc < 0)
    return NULL;

  return g_steal_pointer (&rows);
}

/* Runs a query expected to return one row; NOT_FOUND names what was missing. */
static gpointer
fetch_one (BbStore        *self,
           sqlite3_stmt   *st,
           RowFunc         row_func,
           const char     *what,
           gint64          id,
           GError        **error)
{
  int rc = step (self, st, error);

  if (rc == SQLITE_ROW)
    return row_func (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND,
                 "%s %" G_GINT64_FORMAT " not found", what, id);
  return NULL;
}


/* Loads the one record a query with the id as ?1 selects, or NOT_FOUND
 * naming what was looked for. */
static gpointer
load_by_id (BbStore     *self,
            const char  *sql,
            RowFunc      row_func,
            const char  *what,
            gint64       id,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) st = prepare (self, sql, error);

  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, id);
  return fetch_one (self, st, row_func, what, id, error);
}

static BbBed *
load_bed (BbStore  *self,
          gint64    bed_id,
          gboolean  with_patient,
          GError  **error)
{
  return load_by_id (self, BED_SELECT "WHERE b.id = ?1",
                     with_patient ? row_to_bed_staff : row_to_bed_public, "bed", bed_id, error);
}

static BbBooking *
load_booking (BbStore  *self,
              gint64    booking_id,
              GError  **error)
{
  return load_by_id (self, BOOKING_SELECT "WHERE id = ?1",
                     (RowFunc) row_to_booking, "booking", booking_id, error);
}

static BbAdmission *
load_admission (BbStore  *self,
                gint64    admission_id,
                GError  **error)
{
  return load_by_id (self, ADMISSION_SELECT "WHERE a.id = ?1",
                     (RowFunc) row_to_admission, "admission", admission_id, error);
}

static BbEnquiry *
load_enquiry (BbStore  *self,
              gint64    enquiry_id,
              GError  **error)
{
  return load_by_id (self, ENQUIRY_SELECT "WHERE id = ?1",
                     (RowFunc) row_to_enquiry, "enquiry", enquiry_id, error);
}

static BbUser *
load_user (BbStore  *self,
           gint64    user_id,
           GError  **error)
{
  return load_by_id (self, USER_SELECT "WHERE id = ?1",
                     (RowFunc) row_to_user, "user", user_id, error);
}

static BbHospital *
load_hospital (BbStore  *self,
               gint64    hospital_id,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  if (hospital_id <= 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND,
                   "hospital %" G_GINT64_FORMAT " not found", hospital_id);
      return NULL;
    }

  st = prepare (self, HOSPITAL_SELECT, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_null (st, 1);
  sqlite3_bind_int64 (st, 2, hospital_id);
  return fetch_one (self, st, (RowFunc) row_to_hospital, "hospital", hospital_id, error);
}

static BbWard *
load_ward (BbStore  *self,
           gint64    ward_id,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  if (ward_id <= 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND,
                   "ward %" G_GINT64_FORMAT " not found", ward_id);
      return NULL;
    }

  st = prepare (self, WARD_SELECT, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, 0);
  sqlite3_bind_int64 (st, 2, ward_id);
  return fetch_one (self, st, (RowFunc) row_to_ward, "ward", ward_id, error);
}

static gboolean
hospital_exists (BbStore  *self,
                 gint64    hospital_id,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) st = prepare (self, "SELECT 1 FROM hospitals WHERE id = ?1", error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, hospital_id);
  rc = step (self, st, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND,
                 "hospital %" G_GINT64_FORMAT " not found", hospital_id);
  return rc == SQLITE_ROW;
}

/* The hospital a ward belongs to; NOT_FOUND when the ward does not exist or
 * (hospital_id != 0) belongs to another hospital. */
static gboolean
ward_location (BbStore  *self,
               gint64    ward_id,
               gint64    hospital_id,
               gint64   *out_hospital,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) st = prepare (self, "SELECT hospital FROM wards WHERE id = ?1", error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, ward_id);
  rc = step (self, st, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE || (hospital_id != 0 && sqlite3_column_int64 (st, 0) != hospital_id))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND,
                   "ward %" G_GINT64_FORMAT " not found in hospital %" G_GINT64_FORMAT,
                   ward_id, hospital_id);
      return FALSE;
    }
  if (out_hospital)
    *out_hospital = sqlite3_column_int64 (st, 0);
  return TRUE;
}

/* What a per-hospital list is scoped to exists: the ward (ward_id != 0) in
 * that hospital, else the hospital itself. */
static gboolean
hospital_or_ward_exists (BbStore  *self,
                         gint64    hospital_id,
                         gint64    ward_id,
                         GError  **error)
{
  if (ward_id != 0)
    return ward_location (self, ward_id, hospital_id, NULL, error);
  return hospital_exists (self, hospital_id, error);
}

static gboolean
bed_location (BbStore  *self,
              gint64    bed_id,
              gint64   *out_ward,
              gint64   *out_hospital,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  st = prepare (self, "SELECT b.ward, w.hospital FROM beds b JOIN wards w ON w.id = b.ward WHERE b.id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, bed_id);
  rc = step (self, st, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND, "bed %" G_GINT64_FORMAT " not found", bed_id);
  if (rc != SQLITE_ROW)
    return FALSE;
  if (out_ward)
    *out_ward = sqlite3_column_int64 (st, 0);
  if (out_hospital)
    *out_hospital = sqlite3_column_int64 (st, 1);
  return TRUE;
}

/* The booking holding a bed, 0 when none (or -1 on error). */
static gint64
bed_holder (BbStore  *self,
            gint64    bed_id,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  st = prepare (self, "SELECT id FROM bookings WHERE bed = ?1 AND status IN ('held', 'confirmed')", error);
  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (st, 1, bed_id);
  rc = step (self, st, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
}

/* ---- GObject ---- */

static void
bb_store_finalize (GObject *object)
{
  BbStore *self = (BbStore *) object;

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->pending_events, g_ptr_array_unref);
  g_clear_pointer (&self->pending_changed, g_array_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (bb_store_parent_class)->finalize (object);
}

static void
bb_store_class_init (BbStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bb_store_finalize;

  /**
   * BbStore::event:
   * @event: (type gpointer): the BbEvent, owned by the store for the
   *   duration of the emission
   *
   * Emitted after a commit, once per bed change, in seq order.
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  /**
   * BbStore::changed:
   * @hospital_id: the hospital whose records changed
   *
   * Emitted after a commit that changed what a hospital's public or staff
   * views show, so cached responses can be dropped.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

static void
finalize_stmt (gpointer st)
{
  sqlite3_finalize (st);
}

static void
bb_store_init (BbStore *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
  self->pending_events = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_event_free);
  self->pending_changed = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/* ---- errors ---- */

guint
bb_store_error_http_status (const GError *error)
{
  if (error == NULL || error->domain != BB_STORE_ERROR)
    return 500;

  switch ((BbStoreError) error->code)
    {
    case BB_STORE_ERROR_NOT_FOUND:   return 404;
    case BB_STORE_ERROR_INVALID:     return 400;
    case BB_STORE_ERROR_CONFLICT:    return 409;
    case BB_STORE_ERROR_NO_CAPACITY: return 409;
    case BB_STORE_ERROR_EXISTS:      return 409;
    case BB_STORE_ERROR_AUTH:        return 401;
    case BB_STORE_ERROR_FORBIDDEN:   return 403;
    case BB_STORE_ERROR_FAILED:
    default:                         return 500;
    }
}

const char *
bb_store_error_code_string (const GError *error)
{
  if (error == NULL || error->domain != BB_STORE_ERROR)
    return "internal";

  switch ((BbStoreError) error->code)
    {
    case BB_STORE_ERROR_NOT_FOUND:   return "not_found";
    case BB_STORE_ERROR_INVALID:     return "invalid";
    case BB_STORE_ERROR_CONFLICT:    return "conflict";
    case BB_STORE_ERROR_NO_CAPACITY: return "no_capacity";
    case BB_STORE_ERROR_EXISTS:      return "exists";
    case BB_STORE_ERROR_AUTH:        return "unauthorized";
    case BB_STORE_ERROR_FORBIDDEN:   return "forbidden";
    case BB_STORE_ERROR_FAILED:
    default:                         return "internal";
    }
}

/* ---- opening and migrations ---- */

static int
read_user_version (BbStore *self)
{
  sqlite3_stmt *st = NULL;
  int v = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  return v;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Applies each data/sql/NNNN-*.sql newer than PRAGMA user_version, each in
 * its own transaction together with the version bump. */
static gboolean
migrate (BbStore  *self,
         GError  **error)
{
  GResource *resource = bb_server_get_resource ();
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  int latest = 0;

  names = g_resource_enumerate_children (resource, SQL_RESOURCE_DIR, 0, error);
  if (names == NULL)
    return FALSE;

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".sql"))
      g_ptr_array_add (sorted, names[i]);
  g_ptr_array_sort (sorted, compare_names);

  for (guint i = 0; i < sorted->len; i++)
    {
      const char *name = g_ptr_array_index (sorted, i);
      int number = (int) g_ascii_strtoll (name, NULL, 10);
      g_autofree char *resource_path = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *bump = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gboolean ok;

      latest = MAX (latest, number);
      if (number <= 0)
        continue;

      if (!begin (self, error))
        return FALSE;

      /* Read inside the write lock: another process may have just migrated. */
      if (read_user_version (self) >= number)
        {
          if (!finish (self, TRUE, error))
            return FALSE;
          continue;
        }

      resource_path = g_strconcat (SQL_RESOURCE_DIR, name, NULL);
      bytes = g_resource_lookup_data (resource, resource_path, 0, error);
      ok = bytes != NULL;
      if (ok)
        {
          sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          bump = g_strdup_printf ("PRAGMA user_version = %d", number);
          ok = exec_sql (self, sql, error) && exec_sql (self, bump, error);
          if (!ok)
            g_prefix_error (error, "migration %s: ", name);
        }
      if (!finish (self, ok, error))
        return FALSE;
      g_debug ("applied migration %s", name);
    }

  self->schema_version = read_user_version (self);
  if (self->schema_version > latest)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED,
                   "the database has schema version %d, newer than this server knows (%d)",
                   self->schema_version, latest);
      return FALSE;
    }

  return TRUE;
}

BbStore *
bb_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(BbStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_str_equal (path, ":memory:"))
    {
      dir = g_path_get_dirname (path);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int errsv = errno;
          g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED,
                       "cannot create the folder %s: %s", dir, g_strerror (errsv));
          return NULL;
        }
    }

  self = g_object_new (BB_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "cannot open %s: %s",
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  /* Concurrent writers (other processes, tests' threads) wait for the lock. */
  sqlite3_busy_timeout (self->db, 30000);

  if (!exec_sql (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_sql (self, "PRAGMA synchronous = FULL", error) ||
      !exec_sql (self, "PRAGMA foreign_keys = ON", error) ||
      !exec_sql (self, "PRAGMA temp_store = MEMORY", error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  if (!migrate (self, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

int
bb_store_schema_version (BbStore *self)
{
  g_return_val_if_fail (BB_IS_STORE (self), -1);

  return self->schema_version;
}

gint64
bb_store_now (BbStore *self)
{
  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (self->now_func != NULL)
    return self->now_func (self->now_data);

  return g_get_real_time () / G_USEC_PER_SEC;
}

void
bb_store_set_clock (BbStore   *self,
                    gint64   (*now_func) (gpointer),
                    gpointer   user_data)
{
  g_return_if_fail (BB_IS_STORE (self));

  self->now_func = now_func;
  self->now_data = user_data;
}

gboolean
bb_store_integrity_check (BbStore  *self,
                          GError  **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3_stmt *st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
    {
      set_sql_error (self, error, "integrity check");
      return FALSE;
    }
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (st, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s; ", line);
    }
  sqlite3_finalize (st);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
    {
      set_sql_error (self, error, "foreign key check");
      return FALSE;
    }
  while (sqlite3_step (st) == SQLITE_ROW)
    g_string_append_printf (problems, "table %s row %lld refers to a missing %s; ",
                            sqlite3_column_text (st, 0), (long long) sqlite3_column_int64 (st, 1),
                            sqlite3_column_text (st, 2));
  sqlite3_finalize (st);

  if (problems->len > 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED,
                   "database integrity check failed: %s", problems->str);
      return FALSE;
    }

  return TRUE;
}

/* ---- private API for the demo network ---- */

sqlite3 *
_bb_store_get_db (BbStore *self)
{
  return self->db;
}

gboolean
_bb_store_begin (BbStore  *self,
                 GError  **error)
{
  return begin (self, error);
}

gboolean
_bb_store_finish (BbStore  *self,
                  gboolean  ok,
                  GError  **error)
{
  return finish (self, ok, error);
}

gboolean
_bb_store_set_demo_los (BbStore  *self,
                        gint64    admission_id,
                        double    los_days,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE admissions SET demo_los_days = ?2 WHERE id = ?1", error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, admission_id);
  sqlite3_bind_double (st, 2, los_days);
  return step_done (self, st, error);
}

/* ---- public reads ---- */

GPtrArray *
bb_store_list_hospitals (BbStore     *self,
                         const char  *kind,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (kind != NULL && !bb_ward_kind_is_valid (kind))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "kind: unknown ward kind “%s”", kind);
      return NULL;
    }

  st = prepare (self, HOSPITAL_SELECT, error);
  if (st == NULL)
    return NULL;
  bind_text (st, 1, kind);
  sqlite3_bind_int64 (st, 2, 0);
  return collect (self, st, (RowFunc) row_to_hospital, (GDestroyNotify) bb_hospital_free, error);
}

BbHospital *
bb_store_get_hospital (BbStore  *self,
                       gint64    hospital_id,
                       GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  return load_hospital (self, hospital_id, error);
}

GPtrArray *
bb_store_list_wards (BbStore  *self,
                     gint64    hospital_id,
                     GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!hospital_exists (self, hospital_id, error))
    return NULL;

  st = prepare (self, WARD_SELECT, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, hospital_id);
  sqlite3_bind_int64 (st, 2, 0);
  return collect (self, st, (RowFunc) row_to_ward, (GDestroyNotify) bb_ward_free, error);
}

BbWard *
bb_store_get_ward (BbStore  *self,
                   gint64    ward_id,
                   GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  return load_ward (self, ward_id, error);
}

BbWard *
bb_store_get_ward_row (BbStore  *self,
                       gint64    ward_id,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (ward_id <= 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NOT_FOUND,
                   "ward %" G_GINT64_FORMAT " not found", ward_id);
      return NULL;
    }

  /* The same columns as WARD_SELECT, so row_to_ward reads it. */
  st = prepare (self, "SELECT id, hospital, name, kind, model, 0, 0, 0, 0, 0, 0 FROM wards WHERE id = ?1",
                error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, ward_id);
  return fetch_one (self, st, (RowFunc) row_to_ward, "ward", ward_id, error);
}

GPtrArray *
bb_store_list_beds (BbStore   *self,
                    gint64     hospital_id,
                    gint64     ward_id,
                    gboolean   with_patients,
                    GError   **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!hospital_or_ward_exists (self, hospital_id, ward_id, error))
    return NULL;

  st = prepare (self,
                BED_SELECT "WHERE w.hospital = ?1 AND (?2 = 0 OR b.ward = ?2) ORDER BY b.ward, b.id",
                error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, hospital_id);
  sqlite3_bind_int64 (st, 2, ward_id);
  return collect (self, st, with_patients ? row_to_bed_staff : row_to_bed_public,
                  (GDestroyNotify) bb_bed_free, error);
}

void
bb_occupancy_series_free (BbOccupancySeries *series)
{
  if (series == NULL)
    return;

  g_clear_pointer (&series->points, g_array_unref);
  g_free (series);
}

JsonNode *
bb_occupancy_series_to_json (const BbOccupancySeries *series)
{
  JsonObject *obj;
  JsonArray *points;
  JsonNode *node;

  g_return_val_if_fail (series != NULL, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "ward", series->ward_id);
  points = json_array_new ();
  for (guint i = 0; i < series->points->len; i++)
    {
      const BbOccupancyPoint *p = &g_array_index (series->points, BbOccupancyPoint, i);
      JsonObject *po = json_object_new ();
      g_autofree char *t = bb_time_to_iso8601 (p->t);

      json_object_set_string_member (po, "t", t);
      json_object_set_int_member (po, "occupied", p->occupied);
      json_object_set_int_member (po, "capacity", p->capacity);
      json_array_add_object_element (points, po);
    }
  json_object_set_array_member (obj, "points", points);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

/* Index of the first sample t_i = from + i * step with t_i >= t. */
static gint64
first_sample_at_or_after (gint64 from,
                          gint64 step_seconds,
                          gint64 t)
{
  if (t <= from)
    return 0;

  return (t - from + step_seconds - 1) / step_seconds;
}

/* Adds +1 from `start` (inclusive) to `end` (exclusive, G_MAXINT64 = open)
 * to the difference array of n samples. */
static void
add_interval (gint64 *diff,
              gint64  n,
              gint64  from,
              gint64  step_seconds,
              gint64  start,
              gint64  end)
{
  gint64 i0 = first_sample_at_or_after (from, step_seconds, start);
  gint64 i1 = end == G_MAXINT64 ? n : first_sample_at_or_after (from, step_seconds, end);

  i1 = MIN (i1, n);
  if (i0 >= i1)
    return;

  diff[i0] += 1;
  diff[i1] -= 1;
}

GPtrArray *
bb_store_occupancy (BbStore  *self,
                    gint64    hospital_id,
                    gint64    ward_id,
                    gint64    from,
                    gint64    to,
                    gint64    step_seconds,
                    GError  **error)
{
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GHashTable) by_ward = NULL; /* ward id -> index into the diff tables */
  g_autoptr(GPtrArray) occ_diffs = NULL;
  g_autoptr(GPtrArray) cap_diffs = NULL;
  gint64 n;
  int rc;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (step_seconds <= 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "step: must be positive");
      return NULL;
    }
  if (from < 0 || from > MAX_TIME)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "from: not a time between 1970 and 2200");
      return NULL;
    }
  if (to < 0 || to > MAX_TIME)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "to: not a time between 1970 and 2200");
      return NULL;
    }
  if (to < from)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "to: earlier than from");
      return NULL;
    }
  n = (to - from) / step_seconds + 1;
  if (n > MAX_OCCUPANCY_POINTS)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                   "step: %" G_GINT64_FORMAT " points asked for, at most %d per series",
                   n, MAX_OCCUPANCY_POINTS);
      return NULL;
    }

  if (!hospital_or_ward_exists (self, hospital_id, ward_id, error))
    return NULL;

  series = g_ptr_array_new_with_free_func ((GDestroyNotify) bb_occupancy_series_free);
  by_ward = g_hash_table_new (g_int64_hash, g_int64_equal);
  occ_diffs = g_ptr_array_new_with_free_func (g_free);
  cap_diffs = g_ptr_array_new_with_free_func (g_free);

  /* Capacity: beds that existed at each sample. One sweep per query. */
  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "SELECT w.id, b.created_at FROM wards w LEFT JOIN beds b ON b.ward = w.id "
                  "WHERE w.hospital = ?1 AND (?2 = 0 OR w.id = ?2) ORDER BY w.id",
                  error);
    if (st == NULL)
      return NULL;
    sqlite3_bind_int64 (st, 1, hospital_id);
    sqlite3_bind_int64 (st, 2, ward_id);

    while ((rc = step (self, st, error)) == SQLITE_ROW)
      {
        gint64 wid = sqlite3_column_int64 (st, 0);
        gpointer idx;

        if (!g_hash_table_lookup_extended (by_ward, &wid, NULL, &idx))
          {
            BbOccupancySeries *s = g_new0 (BbOccupancySeries, 1);

            s->ward_id = wid;
            s->points = g_array_sized_new (FALSE, TRUE, sizeof (BbOccupancyPoint), n);
            g_ptr_array_add (series, s);
            g_ptr_array_add (occ_diffs, g_new0 (gint64, n + 1));
            g_ptr_array_add (cap_diffs, g_new0 (gint64, n + 1));
            idx = GUINT_TO_POINTER (series->len - 1);
            g_hash_table_insert (by_ward, &s->ward_id, idx);
          }
        if (sqlite3_column_type (st, 1) != SQLITE_NULL)
          add_interval (g_ptr_array_index (cap_diffs, GPOINTER_TO_UINT (idx)), n, from, step_seconds,
                        sqlite3_column_int64 (st, 1), G_MAXINT64);
      }
    if (rc < 0)
      return NULL;
  }

  /* Occupancy: each bed stay counts while from_at <= t < to_at. */
  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "SELECT s.ward, s.from_at, s.to_at FROM bed_stays s JOIN wards w ON w.id = s.ward "
                  "WHERE w.hospital = ?1 AND (?2 = 0 OR s.ward = ?2) "
                  "  AND s.from_at <= ?4 AND (s.to_at IS NULL OR s.to_at > ?3)",
                  error);
    if (st == NULL)
      return NULL;
    sqlite3_bind_int64 (st, 1, hospital_id);
    sqlite3_bind_int64 (st, 2, ward_id);
    sqlite3_bind_int64 (st, 3, from);
    sqlite3_bind_int64 (st, 4, to);

    while ((rc = step (self, st, error)) == SQLITE_ROW)
      {
        gint64 wid = sqlite3_column_int64 (st, 0);
        gpointer idx;

        if (!g_hash_table_lookup_extended (by_ward, &wid, NULL, &idx))
          continue;
        add_interval (g_ptr_array_index (occ_diffs, GPOINTER_TO_UINT (idx)), n, from, step_seconds,
                      sqlite3_column_int64 (st, 1),
                      sqlite3_column_type (st, 2) == SQLITE_NULL ? G_MAXINT64 : sqlite3_column_int64 (st, 2));
      }
    if (rc < 0)
      return NULL;
  }

  for (guint k = 0; k < series->len; k++)
    {
      BbOccupancySeries *s = g_ptr_array_index (series, k);
      const gint64 *occ = g_ptr_array_index (occ_diffs, k);
      const gint64 *cap = g_ptr_array_index (cap_diffs, k);
      gint64 o = 0, c = 0;

      for (gint64 i = 0; i < n; i++)
        {
          BbOccupancyPoint p;

          o += occ[i];
          c += cap[i];
          p.t = from + i * step_seconds;
          p.occupied = (guint) MAX (o, 0);
          p.capacity = (guint) MAX (c, 0);
          g_array_append_val (s->points, p);
        }
    }

  return g_steal_pointer (&series);
}

/* ---- accounts ---- */

static gboolean
hash_password (const char  *password,
               char         out[crypto_pwhash_STRBYTES],
               GError     **error)
{
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

  /* Tests create many users; the minimum limits keep them fast. */
  if (g_strcmp0 (g_getenv ("BEDBOARD_FAST_HASH"), "1") == 0)
    {
      ops = crypto_pwhash_OPSLIMIT_MIN;
      mem = crypto_pwhash_MEMLIMIT_MIN;
    }

  if (crypto_pwhash_str_alg (out, password, strlen (password), ops, mem,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "out of memory while hashing the password");
      return FALSE;
    }

  return TRUE;
}

char *
bb_store_hash_password (const char  *password,
                        GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  char *result;

  g_return_val_if_fail (password != NULL, NULL);

  if (!hash_password (password, hash, error))
    return NULL;
  result = g_strdup (hash);
  sodium_memzero (hash, sizeof hash);
  return result;
}

/* A hash of a random password, made once with the same limits as real
 * ones, so checking a password for an unknown e-mail costs what checking a
 * known one does. */
static gpointer
make_dummy_hash (gpointer data)
{
  guchar raw[16];
  g_autofree char *random_password = NULL;
  char *hash;

  randombytes_buf (raw, sizeof raw);
  random_password = g_base64_encode (raw, sizeof raw);
  hash = bb_store_hash_password (random_password, NULL);
  return hash != NULL ? hash : g_strdup ("");
}

gboolean
bb_store_verify_password (const char *password_hash,
                          const char *password)
{
  static GOnce dummy_once = G_ONCE_INIT;
  const char *dummy;

  g_return_val_if_fail (password != NULL, FALSE);

  if (password_hash != NULL && *password_hash != '\0')
    return crypto_pwhash_str_verify (password_hash, password, strlen (password)) == 0;

  dummy = g_once (&dummy_once, make_dummy_hash, NULL);
  if (*dummy != '\0' && crypto_pwhash_str_verify (dummy, password, strlen (password)) == 0)
    g_debug ("a password matched the dummy hash; still refused");
  return FALSE;
}

static gboolean
check_email (const char  *email,
             GError     **error)
{
  const char *at;

  if (!check_text ("email", email, TRUE, 254, error))
    return FALSE;

  at = strchr (email, '@');
  if (at == NULL || at == email || at[1] == '\0' || strchr (at + 1, '@') != NULL ||
      strpbrk (email, " \t\r\n") != NULL)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "email: not an e-mail address");
      return FALSE;
    }

  return TRUE;
}

gint64
bb_store_create_user (BbStore     *self,
                      gint64       actor_id,
                      const char  *email,
                      const char  *name,
                      BbRole       role,
                      const char  *password,
                      GError     **error)
{
  g_autofree char *hash = NULL;
  gint64 id;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!check_email (email, error) ||
      !check_text ("name", name, FALSE, MAX_SHORT_TEXT, error) ||
      !check_text ("password", password, TRUE, 1024, error))
    return 0;
  if (role != BB_ROLE_FAMILY && role != BB_ROLE_STAFF && role != BB_ROLE_ADMIN)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "role: must be family, staff or admin");
      return 0;
    }

  /* Hash outside the write lock: it takes tens of milliseconds on purpose. */
  hash = bb_store_hash_password (password, error);
  if (hash == NULL)
    return 0;
  id = bb_store_create_user_with_hash (self, actor_id, email, name, role, hash, error);
  sodium_memzero (hash, strlen (hash));
  return id;
}

gint64
bb_store_create_user_with_hash (BbStore     *self,
                                gint64       actor_id,
                                const char  *email,
                                const char  *name,
                                BbRole       role,
                                const char  *password_hash,
                                GError     **error)
{
  g_autoptr(BbUser) user = NULL;
  g_autoptr(JsonNode) after = NULL;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!check_email (email, error) ||
      !check_text ("name", name, FALSE, MAX_SHORT_TEXT, error) ||
      !check_text ("password_hash", password_hash, TRUE, crypto_pwhash_STRBYTES, error))
    return 0;
  if (role != BB_ROLE_FAMILY && role != BB_ROLE_STAFF && role != BB_ROLE_ADMIN)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "role: must be family, staff or admin");
      return 0;
    }

  if (!begin (self, error))
    return 0;

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "INSERT INTO users (email, name, role, password_hash, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)", error);
    ok = st != NULL;
    if (ok)
      {
        bind_text (st, 1, email);
        bind_text (st, 2, name ? name : "");
        bind_text (st, 3, bb_role_to_string (role));
        bind_text (st, 4, password_hash);
        sqlite3_bind_int64 (st, 5, bb_store_now (self));
        if (sqlite3_step (st) != SQLITE_DONE)
          {
            ok = FALSE;
            if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
              g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_EXISTS,
                           "email: %s is already registered", email);
            else
              set_sql_error (self, error, "creating the user");
          }
        else
          {
            id = sqlite3_last_insert_rowid (self->db);
          }
      }
  }

  ok = ok && (user = load_user (self, id, error)) != NULL;
  if (ok)
    after = bb_user_to_json (user);
  ok = ok && audit (self, actor_id, "create", "user", id, NULL, after, error);

  if (!finish (self, ok, error))
    return 0;

  return id;
}

GPtrArray *
bb_store_list_users (BbStore  *self,
                     GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  st = prepare (self, USER_SELECT "ORDER BY id", error);
  if (st == NULL)
    return NULL;
  return collect (self, st, (RowFunc) row_to_user, (GDestroyNotify) bb_user_free, error);
}

BbUser *
bb_store_get_user (BbStore  *self,
                   gint64    user_id,
                   GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  return load_user (self, user_id, error);
}

static gboolean
set_user_role_locked (BbStore  *self,
                      gint64    actor_id,
                      gint64    user_id,
                      BbRole    role,
                      GError  **error)
{
  g_autoptr(BbUser) before = NULL;
  g_autoptr(BbUser) after = NULL;
  g_autoptr(JsonNode) before_json = NULL;
  g_autoptr(JsonNode) after_json = NULL;

  if (!(before = load_user (self, user_id, error)))
    return FALSE;

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE users SET role = ?2 WHERE id = ?1", error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, user_id);
    bind_text (st, 2, bb_role_to_string (role));
    if (!step_done (self, st, error))
      return FALSE;
  }

  if (!(after = load_user (self, user_id, error)))
    return FALSE;

  before_json = bb_user_to_json (before);
  after_json = bb_user_to_json (after);
  return audit (self, actor_id, "set-role", "user", user_id, before_json, after_json, error);
}

gboolean
bb_store_set_user_role (BbStore  *self,
                        gint64    actor_id,
                        gint64    user_id,
                        BbRole    role,
                        GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (role != BB_ROLE_FAMILY && role != BB_ROLE_STAFF && role != BB_ROLE_ADMIN)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "role: must be family, staff or admin");
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;
  return finish (self, set_user_role_locked (self, actor_id, user_id, role, error), error);
}

/* Sessions live in real time even while the demo simulation runs the
 * hospital's clock faster: a login must not expire in minutes. */
static gint64
session_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
new_token (void)
{
  guchar raw[32];
  char *token;

  randombytes_buf (raw, sizeof raw);
  token = g_base64_encode (raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);

  /* base64url without padding: safe in headers and URLs as is. */
  for (char *p = token; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return token;
}

gboolean
bb_store_find_login (BbStore     *self,
                     const char  *email,
                     BbUser     **out_user,
                     char       **out_password_hash,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  g_return_val_if_fail (BB_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_user != NULL && out_password_hash != NULL, FALSE);

  *out_user = NULL;
  *out_password_hash = NULL;
  if (email == NULL || email[0] == '\0')
    return TRUE;

  st = prepare (self, "SELECT id, email, name, role, created_at, password_hash FROM users WHERE email = ?1", error);
  if (st == NULL)
    return FALSE;
  bind_text (st, 1, email);
  rc = step (self, st, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      *out_user = row_to_user (st);
      *out_password_hash = col_text (st, 5);
    }
  return TRUE;
}

char *
bb_store_login (BbStore     *self,
                const char  *email,
                const char  *password,
                gint64       ttl_seconds,
                BbUser     **out_user,
                gint64      *out_expires_at,
                GError     **error)
{
  g_autoptr(BbUser) user = NULL;
  g_autofree char *hash = NULL;
  char *token;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (email == NULL || password == NULL || email[0] == '\0' || password[0] == '\0')
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH, "wrong e-mail or password");
      return NULL;
    }
  if (!bb_store_find_login (self, email, &user, &hash, error))
    return NULL;
  /* An unknown e-mail is checked against a dummy hash: same time, same error. */
  if (!bb_store_verify_password (user != NULL ? hash : NULL, password) || user == NULL)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH, "wrong e-mail or password");
      return NULL;
    }

  token = bb_store_create_session (self, user->id, ttl_seconds, out_expires_at, error);
  if (token != NULL && out_user != NULL)
    *out_user = g_steal_pointer (&user);
  return token;
}

char *
bb_store_create_session (BbStore     *self,
                         gint64       user_id,
                         gint64       ttl_seconds,
                         gint64      *out_expires_at,
                         GError     **error)
{
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;
  gint64 now, expires_at;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (ttl_seconds <= 0)
    ttl_seconds = DEFAULT_SESSION_TTL;

  token = new_token ();
  digest = token_hash (token);
  now = session_now ();
  expires_at = now + ttl_seconds;

  if (!begin (self, error))
    return NULL;

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "DELETE FROM sessions WHERE expires_at <= ?1", error);

    ok = st != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (st, 1, now);
        ok = step_done (self, st, error);
      }
  }
  if (ok)
    {
      g_autoptr(sqlite3_stmt) st = NULL;

      st = prepare (self, "INSERT INTO sessions (token_hash, user, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                    error);
      ok = st != NULL;
      if (ok)
        {
          bind_text (st, 1, digest);
          sqlite3_bind_int64 (st, 2, user_id);
          sqlite3_bind_int64 (st, 3, now);
          sqlite3_bind_int64 (st, 4, expires_at);
          ok = step_done (self, st, error);
        }
    }

  if (!finish (self, ok, error))
    return NULL;

  if (out_expires_at)
    *out_expires_at = expires_at;

  return g_steal_pointer (&token);
}

BbUser *
bb_store_lookup_session (BbStore     *self,
                         const char  *token,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *digest = NULL;
  int rc;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (token == NULL || token[0] == '\0')
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH, "no session token");
      return NULL;
    }

  digest = token_hash (token);
  st = prepare (self,
                "SELECT u.id, u.email, u.name, u.role, u.created_at FROM sessions s "
                "JOIN users u ON u.id = s.user WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                error);
  if (st == NULL)
    return NULL;
  bind_text (st, 1, digest);
  sqlite3_bind_int64 (st, 2, session_now ());
  rc = step (self, st, error);
  if (rc == SQLITE_ROW)
    return row_to_user (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH, "the session is unknown or has expired");
  return NULL;
}

gboolean
bb_store_logout (BbStore     *self,
                 const char  *token,
                 GError     **error)
{
  g_autofree char *digest = NULL;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (token == NULL || token[0] == '\0')
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH, "no session token");
      return FALSE;
    }

  digest = token_hash (token);
  if (!begin (self, error))
    return FALSE;

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "DELETE FROM sessions WHERE token_hash = ?1", error);

    ok = st != NULL;
    if (ok)
      {
        bind_text (st, 1, digest);
        ok = step_done (self, st, error);
      }
    if (ok && sqlite3_changes (self->db) == 0)
      {
        g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_AUTH, "the session is unknown or has expired");
        ok = FALSE;
      }
  }

  return finish (self, ok, error);
}

/* ---- configuration ---- */

static gboolean
check_coordinates (double    latitude,
                   double    longitude,
                   GError  **error)
{
  if (!(latitude >= -90 && latitude <= 90))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "latitude: must be between -90 and 90");
      return FALSE;
    }
  if (!(longitude >= -180 && longitude <= 180))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "longitude: must be between -180 and 180");
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
hospital_json (BbStore  *self,
               gint64    hospital_id,
               GError  **error)
{
  g_autoptr(BbHospital) h = load_hospital (self, hospital_id, error);

  return h ? bb_hospital_to_json (h) : NULL;
}

static JsonNode *
bed_json (BbStore  *self,
          gint64    bed_id,
          GError  **error)
{
  g_autoptr(BbBed) b = load_bed (self, bed_id, FALSE, error);

  return b ? bb_bed_to_json (b, FALSE) : NULL;
}

static JsonNode *
booking_json (BbStore  *self,
              gint64    booking_id,
              GError  **error)
{
  g_autoptr(BbBooking) b = load_booking (self, booking_id, error);

  return b ? bb_booking_to_json (b) : NULL;
}

static JsonNode *
admission_json (BbStore  *self,
                gint64    admission_id,
                GError  **error)
{
  g_autoptr(BbAdmission) a = load_admission (self, admission_id, error);

  return a ? bb_admission_to_json (a) : NULL;
}

static JsonNode *
enquiry_json (BbStore  *self,
              gint64    enquiry_id,
              GError  **error)
{
  g_autoptr(BbEnquiry) e = load_enquiry (self, enquiry_id, error);

  return e ? bb_enquiry_to_json (e) : NULL;
}

gint64
bb_store_create_hospital (BbStore     *self,
                          gint64       actor_id,
                          const char  *name,
                          const char  *address,
                          double       latitude,
                          double       longitude,
                          const char  *phone,
                          GError     **error)
{
  g_autoptr(JsonNode) after = NULL;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!check_text ("name", name, TRUE, MAX_SHORT_TEXT, error) ||
      !check_text ("address", address, FALSE, MAX_SHORT_TEXT, error) ||
      !check_text ("phone", phone, FALSE, 64, error) ||
      !check_coordinates (latitude, longitude, error))
    return 0;

  if (!begin (self, error))
    return 0;

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "INSERT INTO hospitals (name, address, latitude, longitude, phone, created_at, updated_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)", error);
    ok = st != NULL;
    if (ok)
      {
        bind_text (st, 1, name);
        bind_text (st, 2, address ? address : "");
        sqlite3_bind_double (st, 3, latitude);
        sqlite3_bind_double (st, 4, longitude);
        bind_text (st, 5, phone ? phone : "");
        sqlite3_bind_int64 (st, 6, bb_store_now (self));
        ok = step_done (self, st, error);
        id = sqlite3_last_insert_rowid (self->db);
      }
  }

  ok = ok && (after = hospital_json (self, id, error)) != NULL;
  ok = ok && audit (self, actor_id, "create", "hospital", id, NULL, after, error);
  if (ok)
    _bb_store_queue_changed (self, id);

  if (!finish (self, ok, error))
    return 0;

  return id;
}

static gboolean
update_hospital_locked (BbStore       *self,
                        gint64         actor_id,
                        gint64         hospital_id,
                        const char    *name,
                        const char    *address,
                        const double  *latitude,
                        const double  *longitude,
                        const char    *phone,
                        GError       **error)
{
  g_autoptr(BbHospital) h = load_hospital (self, hospital_id, error);
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(sqlite3_stmt) st = NULL;

  if (h == NULL)
    return FALSE;
  before = bb_hospital_to_json (h);

  if (!check_coordinates (latitude ? *latitude : h->latitude,
                          longitude ? *longitude : h->longitude, error))
    return FALSE;

  st = prepare (self,
                "UPDATE hospitals SET name = ?2, address = ?3, latitude = ?4, longitude = ?5, phone = ?6, "
                "updated_at = ?7 WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, hospital_id);
  bind_text (st, 2, name ? name : h->name);
  bind_text (st, 3, address ? address : h->address);
  sqlite3_bind_double (st, 4, latitude ? *latitude : h->latitude);
  sqlite3_bind_double (st, 5, longitude ? *longitude : h->longitude);
  bind_text (st, 6, phone ? phone : h->phone);
  sqlite3_bind_int64 (st, 7, bb_store_now (self));
  if (!step_done (self, st, error))
    return FALSE;

  if (!(after = hospital_json (self, hospital_id, error)))
    return FALSE;

  _bb_store_queue_changed (self, hospital_id);
  return audit (self, actor_id, "update", "hospital", hospital_id, before, after, error);
}

gboolean
bb_store_update_hospital (BbStore       *self,
                          gint64         actor_id,
                          gint64         hospital_id,
                          const char    *name,
                          const char    *address,
                          const double  *latitude,
                          const double  *longitude,
                          const char    *phone,
                          GError       **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if ((name != NULL && !check_text ("name", name, TRUE, MAX_SHORT_TEXT, error)) ||
      !check_text ("address", address, FALSE, MAX_SHORT_TEXT, error) ||
      !check_text ("phone", phone, FALSE, 64, error))
    return FALSE;

  if (!begin (self, error))
    return FALSE;
  return finish (self,
                 update_hospital_locked (self, actor_id, hospital_id, name, address,
                                         latitude, longitude, phone, error),
                 error);
}

gint64
bb_store_create_ward (BbStore     *self,
                      gint64       actor_id,
                      gint64       hospital_id,
                      const char  *name,
                      const char  *kind,
                      GError     **error)
{
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(BbWard) ward = NULL;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!check_text ("name", name, TRUE, MAX_SHORT_TEXT, error))
    return 0;
  if (!bb_ward_kind_is_valid (kind))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                   "kind: unknown ward kind “%s”", kind ? kind : "");
      return 0;
    }

  if (!begin (self, error))
    return 0;

  ok = hospital_exists (self, hospital_id, error);
  if (ok)
    {
      g_autoptr(sqlite3_stmt) st = NULL;

      st = prepare (self,
                    "INSERT INTO wards (hospital, name, kind, model, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    error);
      ok = st != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (st, 1, hospital_id);
          bind_text (st, 2, name);
          bind_text (st, 3, kind);
          bind_text (st, 4, bb_ward_kind_model (kind));
          sqlite3_bind_int64 (st, 5, bb_store_now (self));
          ok = step_done (self, st, error);
          id = sqlite3_last_insert_rowid (self->db);
        }
    }

  ok = ok && (ward = load_ward (self, id, error)) != NULL;
  if (ok)
    after = bb_ward_to_json (ward);
  ok = ok && audit (self, actor_id, "create", "ward", id, NULL, after, error);
  ok = ok && touch_hospital (self, hospital_id, error);

  if (!finish (self, ok, error))
    return 0;

  return id;
}

gint64
bb_store_create_bed (BbStore             *self,
                     gint64               actor_id,
                     gint64               ward_id,
                     const char          *label,
                     const char * const  *tags,
                     GError             **error)
{
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *tags_text = NULL;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!check_text ("label", label, TRUE, 64, error) ||
      !tags_to_text (tags, &tags_text, error))
    return 0;

  if (!begin (self, error))
    return 0;

  ok = ward_location (self, ward_id, 0, NULL, error);
  if (ok)
    {
      g_autoptr(sqlite3_stmt) st = NULL;

      st = prepare (self,
                    "INSERT INTO beds (ward, label, status, tags, created_at, updated_at) "
                    "VALUES (?1, ?2, 'U', ?3, ?4, ?4)", error);
      ok = st != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (st, 1, ward_id);
          bind_text (st, 2, label);
          bind_text (st, 3, tags_text);
          sqlite3_bind_int64 (st, 4, bb_store_now (self));
          if (sqlite3_step (st) == SQLITE_DONE)
            {
              id = sqlite3_last_insert_rowid (self->db);
            }
          else
            {
              ok = FALSE;
              if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
                g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_EXISTS,
                             "label: the ward already has a bed “%s”", label);
              else
                set_sql_error (self, error, "creating the bed");
            }
        }
    }

  ok = ok && (after = bed_json (self, id, error)) != NULL;
  ok = ok && audit (self, actor_id, "create", "bed", id, NULL, after, error);
  ok = ok && queue_bed_event (self, id, error);

  if (!finish (self, ok, error))
    return 0;

  return id;
}

gboolean
bb_store_set_bed_tags (BbStore             *self,
                       gint64               actor_id,
                       gint64               bed_id,
                       const char * const  *tags,
                       GError             **error)
{
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *tags_text = NULL;
  gint64 hospital_id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (!tags_to_text (tags, &tags_text, error))
    return FALSE;

  if (!begin (self, error))
    return FALSE;

  ok = bed_location (self, bed_id, NULL, &hospital_id, error);
  ok = ok && (before = bed_json (self, bed_id, error)) != NULL;
  if (ok)
    {
      g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE beds SET tags = ?2, updated_at = ?3 WHERE id = ?1", error);

      ok = st != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (st, 1, bed_id);
          bind_text (st, 2, tags_text);
          sqlite3_bind_int64 (st, 3, bb_store_now (self));
          ok = step_done (self, st, error);
        }
    }
  ok = ok && (after = bed_json (self, bed_id, error)) != NULL;
  ok = ok && audit (self, actor_id, "set-tags", "bed", bed_id, before, after, error);
  ok = ok && touch_hospital (self, hospital_id, error);

  return finish (self, ok, error);
}

/* ---- bed flow ---- */

/* Moves a bed to a status with its audit entry and live event. The rules
 * are the caller's: staff moves check bb_bed_status_can_transition,
 * admissions and discharges move to O and H themselves. */
static gboolean
change_bed_status_locked (BbStore      *self,
                          gint64        actor_id,
                          gint64        bed_id,
                          BbBedStatus   status,
                          const char   *action,
                          GError      **error)
{
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;

  if (!(before = bed_json (self, bed_id, error)))
    return FALSE;

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE beds SET status = ?2, updated_at = ?3 WHERE id = ?1", error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, bed_id);
    bind_text (st, 2, bb_bed_status_to_string (status));
    sqlite3_bind_int64 (st, 3, bb_store_now (self));
    if (!step_done (self, st, error))
      return FALSE;
  }

  if (!(after = bed_json (self, bed_id, error)))
    return FALSE;

  return audit (self, actor_id, action, "bed", bed_id, before, after, error) &&
         queue_bed_event (self, bed_id, error);
}

static gboolean
set_bed_status_locked (BbStore      *self,
                       gint64        actor_id,
                       gint64        bed_id,
                       BbBedStatus   status,
                       GError      **error)
{
  g_autoptr(BbBed) bed = load_bed (self, bed_id, FALSE, error);
  const char *reason = NULL;
  gint64 holder;

  if (bed == NULL)
    return FALSE;

  if (!bb_bed_status_can_transition (bed->status, status, &reason))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "bed %s is %s and cannot become %s: %s", bed->label,
                   bed_status_words (bed->status), bed_status_words (status), reason);
      return FALSE;
    }

  holder = bed_holder (self, bed_id, error);
  if (holder < 0)
    return FALSE;
  if (holder > 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "bed %s is held by booking %" G_GINT64_FORMAT "; cancel or move the booking first",
                   bed->label, holder);
      return FALSE;
    }

  return change_bed_status_locked (self, actor_id, bed_id, status,
                                   status == BB_BED_STATUS_UNOCCUPIED &&
                                   bed->status == BB_BED_STATUS_HOUSEKEEPING ? "mark-clean" : "set-status",
                                   error);
}

gboolean
bb_store_set_bed_status (BbStore      *self,
                         gint64        actor_id,
                         gint64        bed_id,
                         BbBedStatus   status,
                         GError      **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (bb_bed_status_to_string (status) == NULL)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "status: must be one of U, O, H, C, I, K");
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;
  return finish (self, set_bed_status_locked (self, actor_id, bed_id, status, error), error);
}

GPtrArray *
bb_store_list_inpatients (BbStore  *self,
                          gint64    hospital_id,
                          gint64    ward_id,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!hospital_or_ward_exists (self, hospital_id, ward_id, error))
    return NULL;

  st = prepare (self,
                ADMISSION_SELECT
                "WHERE a.discharged_at IS NULL AND w.hospital = ?1 AND (?2 = 0 OR b.ward = ?2) "
                "ORDER BY b.ward, a.admitted_at, a.id",
                error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, hospital_id);
  sqlite3_bind_int64 (st, 2, ward_id);
  return collect (self, st, (RowFunc) row_to_admission, (GDestroyNotify) bb_admission_free, error);
}

GPtrArray *
bb_store_list_discharges (BbStore  *self,
                          gint64    hospital_id,
                          gint64    ward_id,
                          gint64    since,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!hospital_or_ward_exists (self, hospital_id, ward_id, error))
    return NULL;

  st = prepare (self,
                ADMISSION_SELECT
                "WHERE a.discharged_at IS NOT NULL AND a.discharged_at >= ?3 AND w.hospital = ?1 "
                "AND (?2 = 0 OR EXISTS (SELECT 1 FROM bed_stays s WHERE s.admission = a.id AND s.ward = ?2)) "
                "ORDER BY a.discharged_at, a.id",
                error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, hospital_id);
  sqlite3_bind_int64 (st, 2, ward_id);
  sqlite3_bind_int64 (st, 3, since);
  return collect (self, st, (RowFunc) row_to_admission, (GDestroyNotify) bb_admission_free, error);
}

BbAdmission *
bb_store_get_admission (BbStore  *self,
                        gint64    admission_id,
                        GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  return load_admission (self, admission_id, error);
}

static gboolean
bed_stay_row (sqlite3_stmt  *st,
              JsonObject    *obj)
{
  json_object_set_int_member (obj, "bed", sqlite3_column_int64 (st, 0));
  json_object_set_int_member (obj, "ward", sqlite3_column_int64 (st, 1));
  {
    g_autofree char *from = bb_time_to_iso8601 (sqlite3_column_int64 (st, 2));
    json_object_set_string_member (obj, "from", from);
  }
  if (sqlite3_column_type (st, 3) == SQLITE_NULL)
    json_object_set_null_member (obj, "to");
  else
    {
      g_autofree char *to = bb_time_to_iso8601 (sqlite3_column_int64 (st, 3));
      json_object_set_string_member (obj, "to", to);
    }
  return TRUE;
}

GPtrArray *
bb_store_get_bed_history (BbStore  *self,
                          gint64    admission_id,
                          GError  **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(BbAdmission) adm = NULL;
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!(adm = load_admission (self, admission_id, error)))
    return NULL;

  st = prepare (self, "SELECT bed, ward, from_at, to_at FROM bed_stays WHERE admission = ?1 ORDER BY from_at, id",
                error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, admission_id);
  while ((rc = step (self, st, error)) == SQLITE_ROW)
    {
      JsonObject *obj = json_object_new ();

      bed_stay_row (st, obj);
      g_ptr_array_add (rows, obj);
    }
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&rows);
}

/* Whether a bed can take a patient now: free (U) and held by nobody except
 * allowed_booking. */
static gboolean
check_bed_takes_patient (BbStore   *self,
                         BbBed     *bed,
                         gint64     allowed_booking,
                         GError   **error)
{
  gint64 holder;

  if (bed->status != BB_BED_STATUS_UNOCCUPIED)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "bed %s is %s, not free", bed->label, bed_status_words (bed->status));
      return FALSE;
    }

  holder = bed_holder (self, bed->id, error);
  if (holder < 0)
    return FALSE;
  if (holder > 0 && holder != allowed_booking)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "bed %s is held by booking %" G_GINT64_FORMAT, bed->label, holder);
      return FALSE;
    }

  return TRUE;
}

static gboolean
open_bed_stay (BbStore  *self,
               gint64    admission_id,
               gint64    bed_id,
               gint64    ward_id,
               gint64    at,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  st = prepare (self, "INSERT INTO bed_stays (admission, bed, ward, from_at) VALUES (?1, ?2, ?3, ?4)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, admission_id);
  sqlite3_bind_int64 (st, 2, bed_id);
  sqlite3_bind_int64 (st, 3, ward_id);
  sqlite3_bind_int64 (st, 4, at);
  return step_done (self, st, error);
}

static gboolean
close_bed_stay (BbStore  *self,
                gint64    admission_id,
                gint64    at,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  st = prepare (self, "UPDATE bed_stays SET to_at = ?2 WHERE admission = ?1 AND to_at IS NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, admission_id);
  sqlite3_bind_int64 (st, 2, at);
  return step_done (self, st, error);
}

/* Puts a patient in a bed that the caller has checked takes one. */
static gint64
admit_locked (BbStore     *self,
              gint64       actor_id,
              BbBed       *bed,
              const char  *patient_ref,
              JsonObject  *features,
              gint64       booking_id,
              GError     **error)
{
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *features_text = object_to_text (features);
  gint64 now = bb_store_now (self);
  gint64 id;

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "INSERT INTO admissions (bed, patient_ref, features, admitted_at, booking, created_by) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
    if (st == NULL)
      return 0;
    sqlite3_bind_int64 (st, 1, bed->id);
    bind_text (st, 2, patient_ref);
    bind_text (st, 3, features_text);
    sqlite3_bind_int64 (st, 4, now);
    bind_id (st, 5, booking_id);
    bind_id (st, 6, actor_id);
    if (!step_done (self, st, error))
      return 0;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if (!open_bed_stay (self, id, bed->id, bed->ward_id, now, error) ||
      !(after = admission_json (self, id, error)) ||
      !audit (self, actor_id, "admit", "admission", id, NULL, after, error) ||
      !change_bed_status_locked (self, actor_id, bed->id, BB_BED_STATUS_OCCUPIED, "admit", error))
    return 0;

  return id;
}

static gboolean
check_patient (const char  *patient_ref,
               JsonObject  *features,
               GError     **error)
{
  return check_text ("patient_ref", patient_ref, TRUE, MAX_SHORT_TEXT, error);
}

BbAdmission *
bb_store_admit_patient (BbStore     *self,
                        gint64       actor_id,
                        gint64       bed_id,
                        const char  *patient_ref,
                        JsonObject  *features,
                        GError     **error)
{
  g_autoptr(BbBed) bed = NULL;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!check_patient (patient_ref, features, error))
    return NULL;

  if (!begin (self, error))
    return NULL;

  ok = (bed = load_bed (self, bed_id, FALSE, error)) != NULL &&
       check_bed_takes_patient (self, bed, 0, error) &&
       (id = admit_locked (self, actor_id, bed, patient_ref, features, 0, error)) != 0;

  if (!finish (self, ok, error))
    return NULL;

  return load_admission (self, id, error);
}

static BbAdmission *
load_current_admission (BbStore  *self,
                        gint64    admission_id,
                        GError  **error)
{
  g_autoptr(BbAdmission) adm = load_admission (self, admission_id, error);

  if (adm == NULL)
    return NULL;

  if (adm->discharged_at != 0)
    {
      g_autofree char *when = bb_time_to_iso8601 (adm->discharged_at);

      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "admission %" G_GINT64_FORMAT " was already discharged at %s", admission_id, when);
      return NULL;
    }

  return g_steal_pointer (&adm);
}

static gboolean
discharge_locked (BbStore  *self,
                  gint64    actor_id,
                  gint64    admission_id,
                  GError  **error)
{
  g_autoptr(BbAdmission) adm = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  gint64 now;

  if (!(adm = load_current_admission (self, admission_id, error)))
    return FALSE;
  before = bb_admission_to_json (adm);
  /* A clock moved back (tests, the simulation) must not end a stay before it began. */
  now = MAX (bb_store_now (self), adm->admitted_at);

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE admissions SET discharged_at = ?2 WHERE id = ?1", error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, admission_id);
    sqlite3_bind_int64 (st, 2, now);
    if (!step_done (self, st, error))
      return FALSE;
  }

  return close_bed_stay (self, admission_id, now, error) &&
         (after = admission_json (self, admission_id, error)) != NULL &&
         audit (self, actor_id, "discharge", "admission", admission_id, before, after, error) &&
         change_bed_status_locked (self, actor_id, adm->bed_id, BB_BED_STATUS_HOUSEKEEPING, "discharge", error);
}

gboolean
bb_store_discharge (BbStore  *self,
                    gint64    actor_id,
                    gint64    admission_id,
                    GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  return finish (self, discharge_locked (self, actor_id, admission_id, error), error);
}

static gboolean
transfer_locked (BbStore  *self,
                 gint64    actor_id,
                 gint64    admission_id,
                 gint64    to_bed_id,
                 GError  **error)
{
  g_autoptr(BbAdmission) adm = NULL;
  g_autoptr(BbBed) to_bed = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  gint64 to_hospital = 0;
  gint64 now = bb_store_now (self);

  if (!(adm = load_current_admission (self, admission_id, error)))
    return FALSE;
  if (!(to_bed = load_bed (self, to_bed_id, FALSE, error)))
    return FALSE;
  if (!bed_location (self, to_bed_id, NULL, &to_hospital, error))
    return FALSE;

  if (to_bed_id == adm->bed_id)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "the patient is already in bed %s", to_bed->label);
      return FALSE;
    }
  if (to_hospital != adm->hospital_id)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "bed %s is in another hospital; discharge and book there instead", to_bed->label);
      return FALSE;
    }
  if (!check_bed_takes_patient (self, to_bed, 0, error))
    return FALSE;

  before = bb_admission_to_json (adm);

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE admissions SET bed = ?2 WHERE id = ?1", error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, admission_id);
    sqlite3_bind_int64 (st, 2, to_bed_id);
    if (!step_done (self, st, error))
      return FALSE;
  }

  return close_bed_stay (self, admission_id, now, error) &&
         open_bed_stay (self, admission_id, to_bed_id, to_bed->ward_id, now, error) &&
         (after = admission_json (self, admission_id, error)) != NULL &&
         audit (self, actor_id, "transfer", "admission", admission_id, before, after, error) &&
         change_bed_status_locked (self, actor_id, adm->bed_id, BB_BED_STATUS_HOUSEKEEPING, "transfer-out", error) &&
         change_bed_status_locked (self, actor_id, to_bed_id, BB_BED_STATUS_OCCUPIED, "transfer-in", error);
}

gboolean
bb_store_transfer (BbStore  *self,
                   gint64    actor_id,
                   gint64    admission_id,
                   gint64    to_bed_id,
                   GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  return finish (self, transfer_locked (self, actor_id, admission_id, to_bed_id, error), error);
}

/* ---- bookings ---- */

static gboolean
expire_holds_locked (BbStore  *self,
                     guint    *n_expired,
                     GError  **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  {
    g_autoptr(sqlite3_stmt) st = NULL;
    int rc;

    st = prepare (self,
                  "SELECT id FROM bookings WHERE status = 'held' AND expires_at IS NOT NULL AND expires_at <= ?1 "
                  "ORDER BY id", error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, bb_store_now (self));
    while ((rc = step (self, st, error)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (st, 0);
        g_array_append_val (ids, id);
      }
    if (rc < 0)
      return FALSE;
  }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(BbBooking) booking = NULL;
      g_autoptr(JsonNode) before = NULL;
      g_autoptr(JsonNode) after = NULL;

      if (!(booking = load_booking (self, id, error)))
        return FALSE;
      before = bb_booking_to_json (booking);

      {
        g_autoptr(sqlite3_stmt) st = NULL;

        st = prepare (self, "UPDATE bookings SET status = 'expired', updated_at = ?2 WHERE id = ?1", error);
        if (st == NULL)
          return FALSE;
        sqlite3_bind_int64 (st, 1, id);
        sqlite3_bind_int64 (st, 2, bb_store_now (self));
        if (!step_done (self, st, error))
          return FALSE;
      }

      if (!(after = booking_json (self, id, error)) ||
          !audit (self, 0, "expire", "booking", id, before, after, error))
        return FALSE;
      if (booking->bed_id != 0)
        {
          if (!queue_bed_event (self, booking->bed_id, error))
            return FALSE;
        }
      else if (!touch_hospital (self, booking->hospital_id, error))
        {
          return FALSE;
        }
    }

  if (n_expired)
    *n_expired = ids->len;
  return TRUE;
}

/* The first free, unheld bed of a ward (lowest id), 0 when none. One seek
 * on the partial index beds_free_unheld (beds.held is kept by triggers on
 * bookings, migration 0002); the NOT EXISTS re-checks the one candidate. */
static gint64
find_free_bed (BbStore  *self,
               gint64    ward_id,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  st = prepare (self,
                "SELECT b.id FROM beds b INDEXED BY beds_free_unheld "
                "WHERE b.ward = ?1 AND b.status = 'U' AND b.held = 0 "
                "  AND NOT EXISTS (SELECT 1 FROM bookings k WHERE k.bed = b.id AND k.status IN ('held', 'confirmed')) "
                "ORDER BY b.id LIMIT 1", error);
  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (st, 1, ward_id);
  rc = step (self, st, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
}

static gint64
create_booking_locked (BbStore     *self,
                       gint64       actor_id,
                       gint64       hospital_id,
                       gint64       ward_id,
                       gint64       start,
                       const char  *patient_ref,
                       JsonObject  *features,
                       guint        hold_minutes,
                       GError     **error)
{
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *features_text = object_to_text (features);
  gint64 now = bb_store_now (self);
  gint64 bed_id = 0;
  gint64 expires_at;
  gint64 id;

  if (!ward_location (self, ward_id, hospital_id, NULL, error))
    return 0;

  /* Stale holds give their beds back before we look for one. */
  if (!expire_holds_locked (self, NULL, error))
    return 0;

  if (start <= now)
    {
      start = now;
      bed_id = find_free_bed (self, ward_id, error);
      if (bed_id < 0)
        return 0;
      if (bed_id == 0)
        {
          g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NO_CAPACITY,
                       "no free bed in ward %" G_GINT64_FORMAT " right now", ward_id);
          return 0;
        }
    }
  expires_at = start + (gint64) hold_minutes * 60;

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self,
                  "INSERT INTO bookings (hospital, ward, bed, start, status, expires_at, patient_ref, features, "
                  "  created_by, created_at, updated_at) "
                  "VALUES (?1, ?2, ?3, ?4, 'held', ?5, ?6, ?7, ?8, ?9, ?9)", error);
    if (st == NULL)
      return 0;
    sqlite3_bind_int64 (st, 1, hospital_id);
    sqlite3_bind_int64 (st, 2, ward_id);
    bind_id (st, 3, bed_id);
    sqlite3_bind_int64 (st, 4, start);
    sqlite3_bind_int64 (st, 5, expires_at);
    bind_text (st, 6, patient_ref);
    bind_text (st, 7, features_text);
    bind_id (st, 8, actor_id);
    sqlite3_bind_int64 (st, 9, now);
    if (!step_done (self, st, error))
      return 0;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if (!(after = booking_json (self, id, error)) ||
      !audit (self, actor_id, "create", "booking", id, NULL, after, error))
    return 0;

  if (bed_id != 0)
    {
      if (!queue_bed_event (self, bed_id, error))
        return 0;
    }
  else if (!touch_hospital (self, hospital_id, error))
    {
      return 0;
    }

  return id;
}

BbBooking *
bb_store_create_booking (BbStore     *self,
                         gint64       actor_id,
                         gint64       hospital_id,
                         gint64       ward_id,
                         gint64       start,
                         const char  *patient_ref,
                         JsonObject  *features,
                         guint        hold_minutes,
                         GError     **error)
{
  gint64 id;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!check_patient (patient_ref, features, error))
    return NULL;
  if (hold_minutes == 0)
    hold_minutes = DEFAULT_HOLD_MINUTES;
  if (hold_minutes > MAX_HOLD_MINUTES)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                   "hold_minutes: at most %d", MAX_HOLD_MINUTES);
      return NULL;
    }
  if (start < 0 || start > MAX_TIME)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "start: not a time between 1970 and 2200");
      return NULL;
    }

  if (!begin (self, error))
    return NULL;

  id = create_booking_locked (self, actor_id, hospital_id, ward_id, start, patient_ref,
                              features, hold_minutes, error);
  if (!finish (self, id != 0, error))
    return NULL;

  return load_booking (self, id, error);
}

BbBooking *
bb_store_get_booking (BbStore  *self,
                      gint64    booking_id,
                      GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  return load_booking (self, booking_id, error);
}

GPtrArray *
bb_store_list_bookings (BbStore     *self,
                        gint64       hospital_id,
                        const char  *status,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  BbBookingStatus s;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (status != NULL && !bb_booking_status_from_string (status, &s))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                   "status: must be held, confirmed, admitted, cancelled or expired");
      return NULL;
    }
  if (hospital_id != 0 && !hospital_exists (self, hospital_id, error))
    return NULL;

  st = prepare (self,
                BOOKING_SELECT "WHERE (?1 = 0 OR hospital = ?1) AND (?2 IS NULL OR status = ?2) "
                "ORDER BY id DESC LIMIT 1000", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, hospital_id);
  bind_text (st, 2, status);
  return collect (self, st, (RowFunc) row_to_booking, (GDestroyNotify) bb_booking_free, error);
}

static BbBooking *
load_open_booking (BbStore     *self,
                   gint64       booking_id,
                   const char  *verb,
                   gboolean     held_only,
                   GError     **error)
{
  g_autoptr(BbBooking) booking = NULL;

  /* A hold whose time is up expires first, so the answer is the truth. */
  if (!expire_holds_locked (self, NULL, error))
    return NULL;
  if (!(booking = load_booking (self, booking_id, error)))
    return NULL;

  if (booking->status != BB_BOOKING_HELD &&
      (held_only || booking->status != BB_BOOKING_CONFIRMED))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "booking %" G_GINT64_FORMAT " is %s; only a %s booking can be %s",
                   booking_id, bb_booking_status_to_string (booking->status),
                   held_only ? "held" : "held or confirmed", verb);
      return NULL;
    }

  return g_steal_pointer (&booking);
}

static gboolean
confirm_booking_locked (BbStore     *self,
                        gint64       actor_id,
                        gint64       booking_id,
                        const char  *forecast_model,
                        const char  *forecast_version,
                        double       forecast_los_days,
                        GError     **error)
{
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;

  if (!(booking = load_open_booking (self, booking_id, "confirmed", TRUE, error)))
    return FALSE;
  before = bb_booking_to_json (booking);

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    /* A confirmed booking keeps its bed until admitted or cancelled. */
    st = prepare (self,
                  "UPDATE bookings SET status = 'confirmed', expires_at = NULL, forecast_model = ?2, "
                  "  forecast_version = ?3, forecast_los_days = ?4, updated_at = ?5 WHERE id = ?1", error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, booking_id);
    bind_text (st, 2, forecast_model);
    bind_text (st, 3, forecast_model ? forecast_version : NULL);
    if (forecast_model != NULL && forecast_los_days >= 0)
      sqlite3_bind_double (st, 4, forecast_los_days);
    else
      sqlite3_bind_null (st, 4);
    sqlite3_bind_int64 (st, 5, bb_store_now (self));
    if (!step_done (self, st, error))
      return FALSE;
  }

  return (after = booking_json (self, booking_id, error)) != NULL &&
         audit (self, actor_id, "confirm", "booking", booking_id, before, after, error) &&
         touch_hospital (self, booking->hospital_id, error);
}

BbBooking *
bb_store_confirm_booking (BbStore     *self,
                          gint64       actor_id,
                          gint64       booking_id,
                          const char  *forecast_model,
                          const char  *forecast_version,
                          double       forecast_los_days,
                          GError     **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!check_text ("forecast.model", forecast_model, FALSE, 64, error) ||
      !check_text ("forecast.version", forecast_version, FALSE, 64, error))
    return NULL;
  if (forecast_model != NULL && !(forecast_los_days >= 0 && forecast_los_days < 10000))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID,
                   "forecast.los_days: must be a number of days");
      return NULL;
    }

  if (!begin (self, error))
    return NULL;
  if (!finish (self,
               confirm_booking_locked (self, actor_id, booking_id, forecast_model, forecast_version,
                                       forecast_los_days, error),
               error))
    return NULL;

  return load_booking (self, booking_id, error);
}

static gboolean
cancel_booking_locked (BbStore  *self,
                       gint64    actor_id,
                       gint64    booking_id,
                       GError  **error)
{
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;

  if (!(booking = load_open_booking (self, booking_id, "cancelled", FALSE, error)))
    return FALSE;
  before = bb_booking_to_json (booking);

  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self, "UPDATE bookings SET status = 'cancelled', expires_at = NULL, updated_at = ?2 WHERE id = ?1",
                  error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, booking_id);
    sqlite3_bind_int64 (st, 2, bb_store_now (self));
    if (!step_done (self, st, error))
      return FALSE;
  }

  if (!(after = booking_json (self, booking_id, error)) ||
      !audit (self, actor_id, "cancel", "booking", booking_id, before, after, error))
    return FALSE;

  if (booking->bed_id != 0)
    return queue_bed_event (self, booking->bed_id, error);
  return touch_hospital (self, booking->hospital_id, error);
}

BbBooking *
bb_store_cancel_booking (BbStore  *self,
                         gint64    actor_id,
                         gint64    booking_id,
                         GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!begin (self, error))
    return NULL;
  if (!finish (self, cancel_booking_locked (self, actor_id, booking_id, error), error))
    return NULL;

  return load_booking (self, booking_id, error);
}

static gboolean
admit_booking_locked (BbStore  *self,
                      gint64    actor_id,
                      gint64    booking_id,
                      gint64    bed_id,
                      GError  **error)
{
  g_autoptr(BbBooking) booking = NULL;
  g_autoptr(BbBed) bed = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  gint64 bed_hospital = 0;
  gint64 admission_id;

  if (!(booking = load_open_booking (self, booking_id, "admitted", FALSE, error)))
    return FALSE;
  before = bb_booking_to_json (booking);

  if (bed_id == 0)
    bed_id = booking->bed_id;
  if (bed_id == 0)
    {
      bed_id = find_free_bed (self, booking->ward_id, error);
      if (bed_id < 0)
        return FALSE;
      if (bed_id == 0)
        {
          g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_NO_CAPACITY,
                       "no free bed in ward %" G_GINT64_FORMAT " right now", booking->ward_id);
          return FALSE;
        }
    }

  if (!(bed = load_bed (self, bed_id, FALSE, error)) ||
      !bed_location (self, bed_id, NULL, &bed_hospital, error))
    return FALSE;
  if (bed_hospital != booking->hospital_id)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "bed %s is not in the booking's hospital", bed->label);
      return FALSE;
    }
  if (!check_bed_takes_patient (self, bed, booking_id, error))
    return FALSE;

  /* The booking lets go of its hold before the patient takes the bed. */
  {
    g_autoptr(sqlite3_stmt) st = NULL;

    st = prepare (self, "UPDATE bookings SET status = 'admitted', expires_at = NULL, updated_at = ?2 WHERE id = ?1",
                  error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, booking_id);
    sqlite3_bind_int64 (st, 2, bb_store_now (self));
    if (!step_done (self, st, error))
      return FALSE;
  }

  admission_id = admit_locked (self, actor_id, bed, booking->patient_ref, booking->features, booking_id, error);
  if (admission_id == 0)
    return FALSE;

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, "UPDATE bookings SET admission = ?2, bed = ?3 WHERE id = ?1", error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, booking_id);
    sqlite3_bind_int64 (st, 2, admission_id);
    sqlite3_bind_int64 (st, 3, bed_id);
    if (!step_done (self, st, error))
      return FALSE;
  }

  if (!(after = booking_json (self, booking_id, error)) ||
      !audit (self, actor_id, "admit", "booking", booking_id, before, after, error))
    return FALSE;

  /* Admitted into another bed than the one held: the held one is free again. */
  if (booking->bed_id != 0 && booking->bed_id != bed_id)
    return queue_bed_event (self, booking->bed_id, error);

  return TRUE;
}

BbBooking *
bb_store_admit_booking (BbStore  *self,
                        gint64    actor_id,
                        gint64    booking_id,
                        gint64    bed_id,
                        GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!begin (self, error))
    return NULL;
  if (!finish (self, admit_booking_locked (self, actor_id, booking_id, bed_id, error), error))
    return NULL;

  return load_booking (self, booking_id, error);
}

guint
bb_store_expire_holds (BbStore  *self,
                       GError  **error)
{
  guint n = 0;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!begin (self, error))
    return 0;
  if (!finish (self, expire_holds_locked (self, &n, error), error))
    return 0;

  return n;
}

GPtrArray *
bb_store_list_ward_bookings (BbStore  *self,
                             gint64    ward_id,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (!ward_location (self, ward_id, 0, NULL, error))
    return NULL;

  /* Bookings that still need a bed: those holding one are already counted
   * as reserved beds. */
  st = prepare (self,
                BOOKING_SELECT "WHERE ward = ?1 AND status IN ('held', 'confirmed') AND bed IS NULL "
                "ORDER BY start, id", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, ward_id);
  return collect (self, st, (RowFunc) row_to_booking, (GDestroyNotify) bb_booking_free, error);
}

/* ---- enquiries ---- */

gint64
bb_store_create_enquiry (BbStore     *self,
                         gint64       user_id,
                         gint64       hospital_id,
                         const char  *name,
                         const char  *contact,
                         const char  *message,
                         GError     **error)
{
  g_autoptr(JsonNode) after = NULL;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  if (!check_text ("name", name, TRUE, MAX_SHORT_TEXT, error) ||
      !check_text ("contact", contact, FALSE, MAX_SHORT_TEXT, error) ||
      !check_text ("message", message, TRUE, MAX_TEXT, error))
    return 0;

  if (!begin (self, error))
    return 0;

  ok = hospital_exists (self, hospital_id, error);
  if (ok && user_id != 0)
    {
      g_autoptr(BbUser) user = load_user (self, user_id, error);
      ok = user != NULL;
    }
  if (ok)
    {
      g_autoptr(sqlite3_stmt) st = NULL;

      st = prepare (self,
                    "INSERT INTO enquiries (hospital, user, name, contact, message, status, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6)", error);
      ok = st != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (st, 1, hospital_id);
          bind_id (st, 2, user_id);
          bind_text (st, 3, name);
          bind_text (st, 4, contact ? contact : "");
          bind_text (st, 5, message);
          sqlite3_bind_int64 (st, 6, bb_store_now (self));
          ok = step_done (self, st, error);
          id = sqlite3_last_insert_rowid (self->db);
        }
    }

  ok = ok && (after = enquiry_json (self, id, error)) != NULL;
  ok = ok && audit (self, user_id, "create", "enquiry", id, NULL, after, error);

  if (!finish (self, ok, error))
    return 0;

  return id;
}

GPtrArray *
bb_store_list_enquiries (BbStore  *self,
                         gint64    hospital_id,
                         gint64    user_id,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  if (hospital_id != 0 && !hospital_exists (self, hospital_id, error))
    return NULL;

  st = prepare (self,
                ENQUIRY_SELECT "WHERE (?1 = 0 OR hospital = ?1) AND (?2 = 0 OR user = ?2) "
                "ORDER BY id DESC LIMIT 1000", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, hospital_id);
  sqlite3_bind_int64 (st, 2, user_id);
  return collect (self, st, (RowFunc) row_to_enquiry, (GDestroyNotify) bb_enquiry_free, error);
}

BbEnquiry *
bb_store_get_enquiry (BbStore  *self,
                      gint64    enquiry_id,
                      GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  return load_enquiry (self, enquiry_id, error);
}

/* Runs one UPDATE on an enquiry with its audit entry. The SQL uses any of
 * ?1 id, ?2 actor, ?3 text, ?4 number; binding a parameter it does not use
 * is harmless (SQLITE_RANGE, ignored). */
static gboolean
update_enquiry_locked (BbStore     *self,
                       gint64       actor_id,
                       gint64       enquiry_id,
                       const char  *action,
                       const char  *sql,
                       const char  *text,
                       gint64       number,
                       GError     **error)
{
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;

  if (!(before = enquiry_json (self, enquiry_id, error)))
    return FALSE;

  {
    g_autoptr(sqlite3_stmt) st = prepare (self, sql, error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (st, 1, enquiry_id);
    bind_id (st, 2, actor_id);
    bind_text (st, 3, text);
    sqlite3_bind_int64 (st, 4, number);
    if (!step_done (self, st, error))
      return FALSE;
  }

  return (after = enquiry_json (self, enquiry_id, error)) != NULL &&
         audit (self, actor_id, action, "enquiry", enquiry_id, before, after, error);
}

static gboolean
accept_enquiry_locked (BbStore  *self,
                       gint64    actor_id,
                       gint64    enquiry_id,
                       GError  **error)
{
  g_autoptr(BbEnquiry) e = load_enquiry (self, enquiry_id, error);

  if (e == NULL)
    return FALSE;
  if (!g_str_equal (e->status, "open"))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "enquiry %" G_GINT64_FORMAT " is already %s", enquiry_id, e->status);
      return FALSE;
    }

  return update_enquiry_locked (self, actor_id, enquiry_id, "accept",
                                "UPDATE enquiries SET status = 'accepted', accepted_by = ?2 WHERE id = ?1",
                                NULL, 0, error);
}

gboolean
bb_store_accept_enquiry (BbStore  *self,
                         gint64    actor_id,
                         gint64    enquiry_id,
                         GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  return finish (self, accept_enquiry_locked (self, actor_id, enquiry_id, error), error);
}

static gboolean
reply_enquiry_locked (BbStore     *self,
                      gint64       actor_id,
                      gint64       enquiry_id,
                      const char  *reply,
                      GError     **error)
{
  g_autoptr(BbEnquiry) e = load_enquiry (self, enquiry_id, error);

  if (e == NULL)
    return FALSE;
  if (g_str_equal (e->status, "answered"))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "enquiry %" G_GINT64_FORMAT " has already been answered", enquiry_id);
      return FALSE;
    }
  if (g_str_equal (e->status, "accepted") && e->accepted_by != actor_id)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "enquiry %" G_GINT64_FORMAT " was accepted by someone else (user %" G_GINT64_FORMAT ")",
                   enquiry_id, e->accepted_by);
      return FALSE;
    }

  /* Answering an open enquiry accepts it on the way. */
  return update_enquiry_locked (self, actor_id, enquiry_id, "reply",
                                "UPDATE enquiries SET status = 'answered', accepted_by = ?2, reply = ?3, "
                                "  replied_at = ?4 WHERE id = ?1",
                                reply, bb_store_now (self), error);
}

gboolean
bb_store_reply_enquiry (BbStore     *self,
                        gint64       actor_id,
                        gint64       enquiry_id,
                        const char  *reply,
                        GError     **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (!check_text ("reply", reply, TRUE, MAX_TEXT, error))
    return FALSE;

  if (!begin (self, error))
    return FALSE;
  return finish (self, reply_enquiry_locked (self, actor_id, enquiry_id, reply, error), error);
}

static gboolean
rate_enquiry_locked (BbStore  *self,
                     gint64    user_id,
                     gint64    enquiry_id,
                     int       rating,
                     GError  **error)
{
  g_autoptr(BbEnquiry) e = load_enquiry (self, enquiry_id, error);

  if (e == NULL)
    return FALSE;
  if (e->user_id == 0 || e->user_id != user_id)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FORBIDDEN,
                   "only the person who asked can rate the answer to enquiry %" G_GINT64_FORMAT, enquiry_id);
      return FALSE;
    }
  if (!g_str_equal (e->status, "answered"))
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "enquiry %" G_GINT64_FORMAT " has not been answered yet", enquiry_id);
      return FALSE;
    }
  if (e->rating != 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_CONFLICT,
                   "the answer to enquiry %" G_GINT64_FORMAT " has already been rated", enquiry_id);
      return FALSE;
    }

  return update_enquiry_locked (self, user_id, enquiry_id, "rate",
                                "UPDATE enquiries SET rating = ?4 WHERE id = ?1",
                                NULL, rating, error);
}

gboolean
bb_store_rate_enquiry (BbStore  *self,
                       gint64    user_id,
                       gint64    enquiry_id,
                       int       rating,
                       GError  **error)
{
  g_return_val_if_fail (BB_IS_STORE (self), FALSE);

  if (rating < 1 || rating > 5)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "rating: must be 1 to 5");
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;
  return finish (self, rate_enquiry_locked (self, user_id, enquiry_id, rating, error), error);
}

/* ---- live events ---- */

gint64
bb_store_last_event_seq (BbStore *self)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), 0);

  st = prepare (self, "SELECT IFNULL (MAX (seq), 0) FROM events", NULL);
  if (st == NULL || sqlite3_step (st) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (st, 0);
}

static gpointer
row_to_event (sqlite3_stmt *st)
{
  BbEvent *e = g_new0 (BbEvent, 1);

  e->seq = sqlite3_column_int64 (st, 0);
  e->type = col_text (st, 1);
  e->hospital_id = sqlite3_column_int64 (st, 2);
  e->ward_id = sqlite3_column_int64 (st, 3);
  e->bed_id = sqlite3_column_int64 (st, 4);
  if (sqlite3_column_type (st, 5) != SQLITE_NULL)
    bb_bed_status_from_string ((const char *) sqlite3_column_text (st, 5), &e->status);
  e->reserved = sqlite3_column_int (st, 6) != 0;
  e->at = sqlite3_column_int64 (st, 7);
  return e;
}

GPtrArray *
bb_store_list_events_since (BbStore  *self,
                            gint64    since,
                            guint     limit,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  st = prepare (self,
                "SELECT seq, type, hospital, ward, bed, status, reserved, at FROM events "
                "WHERE seq > ?1 ORDER BY seq LIMIT ?2", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, since);
  sqlite3_bind_int64 (st, 2, limit == 0 ? G_MAXINT64 : (gint64) limit);
  return collect (self, st, row_to_event, (GDestroyNotify) bb_event_free, error);
}

/* ---- audit ---- */

static void
set_json_text_member (JsonObject *obj,
                      const char *name,
                      const char *text)
{
  JsonNode *node = text ? json_from_string (text, NULL) : NULL;

  if (node != NULL)
    json_object_set_member (obj, name, node);
  else
    json_object_set_null_member (obj, name);
}

GPtrArray *
bb_store_list_audit (BbStore     *self,
                     const char  *entity,
                     gint64       entity_id,
                     guint        limit,
                     GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  g_return_val_if_fail (BB_IS_STORE (self), NULL);

  st = prepare (self,
                "SELECT id, actor, at, action, entity, entity_id, before, after FROM audit "
                "WHERE (?1 IS NULL OR entity = ?1) AND (?2 = 0 OR entity_id = ?2) "
                "ORDER BY id DESC LIMIT ?3", error);
  if (st == NULL)
    return NULL;
  bind_text (st, 1, entity);
  sqlite3_bind_int64 (st, 2, entity_id);
  sqlite3_bind_int64 (st, 3, limit == 0 ? G_MAXINT64 : (gint64) limit);

  while ((rc = step (self, st, error)) == SQLITE_ROW)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *at = bb_time_to_iso8601 (sqlite3_column_int64 (st, 2));

      json_object_set_int_member (obj, "id", sqlite3_column_int64 (st, 0));
      if (sqlite3_column_type (st, 1) == SQLITE_NULL)
        json_object_set_null_member (obj, "actor");
      else
        json_object_set_int_member (obj, "actor", sqlite3_column_int64 (st, 1));
      json_object_set_string_member (obj, "at", at);
      json_object_set_string_member (obj, "action", (const char *) sqlite3_column_text (st, 3));
      json_object_set_string_member (obj, "entity", (const char *) sqlite3_column_text (st, 4));
      json_object_set_int_member (obj, "entity_id", sqlite3_column_int64 (st, 5));
      set_json_text_member (obj, "before", (const char *) sqlite3_column_text (st, 6));
      set_json_text_member (obj, "after", (const char *) sqlite3_column_text (st, 7));
      g_ptr_array_add (rows, obj);
    }
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&rows);
}
