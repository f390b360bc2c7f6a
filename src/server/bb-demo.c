/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-demo.c: the demo network and its simulation clock.
 *
 * Populating writes the whole network and its 30-day history in one
 * transaction: each bed runs as a renewal process (free gap, stay, one to
 * two hours of cleaning) whose free gaps are sized for about 80% occupancy,
 * with stays drawn from BbDemoPatients. Each admission keeps its true length
 * of stay in a demo-only column that no record or codec reads, so the API
 * never shows it; the simulation discharges by it. */
#define G_LOG_DOMAIN "bb-demo"

#include "config.h"

#include <math.h>
#include <string.h>

#include <sodium.h>

#include "bb-demo.h"
#include "bb-demo-patients.h"
#include "bb-store-private.h"

#define DAY                  (24 * 3600)
#define HISTORY_DAYS         30
#define TARGET_OCCUPANCY     0.80
#define CLEAN_MIN_SECONDS    3600
#define CLEAN_RANGE_SECONDS  3600
#define MAX_SLICE_SECONDS    600.0
#define STEP_DOWN_SHARE      0.2

typedef struct
{
  const char *name;
  const char *kind;
  const char *code;   /* bed label prefix */
  guint       beds;
} WardSpec;

typedef struct
{
  const char *name;
  const char *address;
  double      latitude;
  double      longitude;
  const char *phone;
  WardSpec    wards[8];
} HospitalSpec;

/* A made-up network in New York's Capital District (where the SPARCS stays
 * come from). Phone numbers use the 555-01xx range reserved for fiction. */
static const HospitalSpec network[] = {
  { "Albany Riverside Medical Center", "43 New Scotland Avenue, Albany, NY 12208",
    42.6531, -73.7762, "+1 518-555-0142",
    { { "Medical Intensive Care", "icu", "MICU", 20 },
      { "Coronary Care Unit", "ccu", "CCU", 12 },
      { "General Medicine 4 East", "general", "4E", 40 },
      { "General Medicine 4 West", "general", "4W", 38 },
      { "Surgical Ward 5", "surgical", "S5", 36 },
      { "Cardiology Ward", "cardiac", "CAR", 30 },
      { NULL } } },
  { "Hudson Valley General Hospital", "45 Reade Place, Poughkeepsie, NY 12601",
    41.6943, -73.9215, "+1 845-555-0117",
    { { "Intensive Care Unit", "icu", "ICU", 14 },
      { "Medical Ward 2", "general", "M2", 36 },
      { "Surgical Ward 3", "surgical", "S3", 30 },
      { "Maternity Unit", "maternity", "MAT", 24 },
      { "Children's Ward", "pediatric", "PED", 20 },
      { NULL } } },
  { "Saratoga Springs Community Hospital", "211 Church Street, Saratoga Springs, NY 12866",
    43.0856, -73.8032, "+1 518-555-0186",
    { { "Intensive Care", "icu", "ICU", 8 },
      { "Medical Ward", "general", "MED", 30 },
      { "Surgical Ward", "surgical", "SUR", 20 },
      { "Birthing Center", "maternity", "BC", 16 },
      { NULL } } },
  { "Capital District Children's Hospital", "2215 Burdett Avenue, Troy, NY 12180",
    42.7284, -73.6781, "+1 518-555-0193",
    { { "Pediatric Intensive Care", "picu", "PICU", 10 },
      { "Neonatal Intensive Care", "nicu", "NICU", 12 },
      { "Pediatric Medical Ward", "pediatric", "PM", 32 },
      { "Pediatric Cardiac Unit", "cardiac", "PC", 14 },
      { NULL } } },
};

static const struct
{
  const char *email;
  const char *name;
  BbRole      role;
} demo_users[] = {
  { "admin@demo.bedboard",  "Demo Administrator", BB_ROLE_ADMIN },
  { "staff@demo.bedboard",  "Demo Bed Manager",   BB_ROLE_STAFF },
  { "family@demo.bedboard", "Demo Family Member", BB_ROLE_FAMILY },
};

struct _BbDemoSimulation
{
  BbStore      *store;
  double        speed;
  GRand        *rand;
  double        sim_now;
  gint64        last_real_us;
  GSource      *source;
  GArray       *wards;      /* SimWard */
  GArray       *pending;    /* PendingAdmission */
  GPtrArray    *pools[2];   /* SimPatient per model: 0 icu-los, 1 ward-los */
  gboolean      in_step;
};

typedef struct
{
  gint64   ward_id;
  gint64   hospital_id;
  int      model;          /* 0 icu-los, 1 ward-los */
  double   arrivals_per_s; /* simulated */
  double   demand;         /* factor on arrivals_per_s, see update_demand() */
} SimWard;

typedef struct
{
  gint64   booking_id;
  gint64   due;
  double   los_days;
  gboolean cancel;
} PendingAdmission;

typedef struct
{
  char   *features;  /* JSON text */
  double  los_days;
} SimPatient;

/* ---- populate ---- */

static gboolean
sql_error (sqlite3     *db,
           GError     **error,
           const char  *what)
{
  g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "demo network: %s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    {
      sql_error (db, error, "preparing");
      return NULL;
    }

  return st;
}

static gboolean
run (sqlite3       *db,
     sqlite3_stmt  *st,
     GError       **error)
{
  gboolean ok = sqlite3_step (st) == SQLITE_DONE;

  if (!ok)
    sql_error (db, error, "writing");
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return ok;
}

static double
exponential (GRand  *rand,
             double  mean)
{
  return -mean * log (1.0 - g_rand_double (rand));
}

static char *
patient_ref (GRand *rand)
{
  return g_strdup_printf ("DEMO-%08X", g_rand_int (rand));
}

static char *
object_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

static const char *
bed_tags_json (const WardSpec *ward,
               guint           i,
               GRand          *rand)
{
  gboolean icu = g_str_equal (bb_ward_kind_model (ward->kind), "icu-los");

  if (icu)
    return i % 4 == 0 ? "[\"oxygen\",\"ventilator\",\"monitor\",\"isolation\"]"
                      : "[\"oxygen\",\"ventilator\",\"monitor\"]";
  if (i % 10 == 0)
    return "[\"oxygen\",\"isolation\"]";
  if (g_rand_double (rand) < 0.4)
    return "[\"oxygen\"]";
  return "[]";
}

typedef struct
{
  sqlite3_stmt *admission;
  sqlite3_stmt *stay;
  sqlite3_stmt *bed_status;
  guint         n_admissions;
  guint         n_current;
} HistoryWriter;

static gboolean
write_stay (sqlite3        *db,
            HistoryWriter  *w,
            gint64          bed_id,
            gint64          ward_id,
            GRand          *rand,
            gint64          admitted_at,
            gint64          discharged_at, /* 0: still in hospital */
            JsonObject     *features,
            double          los_days,
            GError        **error)
{
  g_autofree char *ref = patient_ref (rand);
  g_autofree char *text = object_text (features);
  gint64 admission_id;

  sqlite3_bind_int64 (w->admission, 1, bed_id);
  sqlite3_bind_text (w->admission, 2, ref, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (w->admission, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (w->admission, 4, admitted_at);
  if (discharged_at != 0)
    sqlite3_bind_int64 (w->admission, 5, discharged_at);
  else
    sqlite3_bind_null (w->admission, 5);
  sqlite3_bind_double (w->admission, 6, los_days);
  if (!run (db, w->admission, error))
    return FALSE;
  admission_id = sqlite3_last_insert_rowid (db);

  sqlite3_bind_int64 (w->stay, 1, admission_id);
  sqlite3_bind_int64 (w->stay, 2, bed_id);
  sqlite3_bind_int64 (w->stay, 3, ward_id);
  sqlite3_bind_int64 (w->stay, 4, admitted_at);
  if (discharged_at != 0)
    sqlite3_bind_int64 (w->stay, 5, discharged_at);
  else
    sqlite3_bind_null (w->stay, 5);
  if (!run (db, w->stay, error))
    return FALSE;

  w->n_admissions++;
  if (discharged_at == 0)
    w->n_current++;
  return TRUE;
}

/* One bed's life from before the history window until now: free gaps,
 * stays and cleaning, ending in the bed's current status. */
static gboolean
write_bed_history (sqlite3        *db,
                   HistoryWriter  *w,
                   gint64          bed_id,
                   gint64          ward_id,
                   BbDemoPatients *patients,
                   GRand          *rand,
                   gint64          now,
                   GError        **error)
{
  double mean_los = bb_demo_patients_mean_los (patients) * DAY;
  double clean_mean = CLEAN_MIN_SECONDS + CLEAN_RANGE_SECONDS / 2.0;
  /* Renewal process: occupancy = stay / (stay + cleaning + gap). */
  double mean_gap = MAX (600.0, mean_los / TARGET_OCCUPANCY - mean_los - clean_mean);
  gint64 history_start = now - HISTORY_DAYS * DAY;
  gint64 t = history_start - (gint64) g_rand_double_range (rand, 0, 3 * mean_los + DAY);
  BbBedStatus status = BB_BED_STATUS_UNOCCUPIED;
  gint64 status_since = history_start;

  for (;;)
    {
      g_autoptr(JsonObject) features = NULL;
      double los_days;
      gint64 discharge, clean;

      t += (gint64) exponential (rand, mean_gap);
      if (t >= now)
        break;

      bb_demo_patients_sample (patients, rand, &features, &los_days);
      discharge = t + (gint64) (los_days * DAY);

      if (discharge >= now)
        {
          if (!write_stay (db, w, bed_id, ward_id, rand, t, 0, features, los_days, error))
            return FALSE;
          status = BB_BED_STATUS_OCCUPIED;
          status_since = t;
          break;
        }

      if (discharge > history_start &&
          !write_stay (db, w, bed_id, ward_id, rand, t, discharge, features, los_days, error))
        return FALSE;

      clean = CLEAN_MIN_SECONDS + g_rand_int_range (rand, 0, CLEAN_RANGE_SECONDS);
      if (discharge + clean >= now)
        {
          status = BB_BED_STATUS_HOUSEKEEPING;
          status_since = discharge;
          break;
        }
      t = discharge + clean;
      status_since = t;
    }

  /* A few free beds are out of service, as in any real hospital. */
  if (status == BB_BED_STATUS_UNOCCUPIED)
    {
      double u = g_rand_double (rand);

      if (u < 0.01)
        status = BB_BED_STATUS_CONTAMINATED;
      else if (u < 0.03)
        status = BB_BED_STATUS_CLOSED;
    }

  sqlite3_bind_int64 (w->bed_status, 1, bed_id);
  sqlite3_bind_text (w->bed_status, 2, bb_bed_status_to_string (status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (w->bed_status, 3, MIN (status_since, now));
  if (!run (db, w->bed_status, error))
    return FALSE;

  return TRUE;
}

static gboolean
store_has_hospitals (BbStore  *store,
                     gboolean *out,
                     GError  **error)
{
  g_autoptr(GPtrArray) hospitals = bb_store_list_hospitals (store, NULL, error);

  if (hospitals == NULL)
    return FALSE;

  *out = hospitals->len > 0;
  return TRUE;
}

static gboolean
hash_password (const char  *password,
               char         out[crypto_pwhash_STRBYTES],
               GError     **error)
{
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

  if (g_strcmp0 (g_getenv ("BEDBOARD_FAST_HASH"), "1") == 0)
    {
      ops = crypto_pwhash_OPSLIMIT_MIN;
      mem = crypto_pwhash_MEMLIMIT_MIN;
    }

  if (sodium_init () < 0 ||
      crypto_pwhash_str_alg (out, password, strlen (password), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_FAILED, "demo network: cannot hash the password");
      return FALSE;
    }

  return TRUE;
}

static gboolean
populate_locked (BbStore         *store,
                 BbDemoPatients  *icu,
                 BbDemoPatients  *ward,
                 char             hashes[][crypto_pwhash_STRBYTES],
                 GRand           *rand,
                 GArray          *hospital_ids,
                 GError         **error)
{
  sqlite3 *db = _bb_store_get_db (store);
  gint64 now = bb_store_now (store);
  gint64 created = now - (HISTORY_DAYS + 1) * DAY;
  g_autoptr(sqlite3_stmt) hospital_st = NULL;
  g_autoptr(sqlite3_stmt) ward_st = NULL;
  g_autoptr(sqlite3_stmt) bed_st = NULL;
  g_autoptr(sqlite3_stmt) user_st = NULL;
  g_autoptr(sqlite3_stmt) audit_st = NULL;
  g_autoptr(sqlite3_stmt) admission_st = NULL;
  g_autoptr(sqlite3_stmt) stay_st = NULL;
  g_autoptr(sqlite3_stmt) bed_status_st = NULL;
  HistoryWriter w = { 0 };
  guint n_wards = 0, n_beds = 0;
  g_autofree char *summary = NULL;

  if (!(hospital_st = prepare (db, "INSERT INTO hospitals (name, address, latitude, longitude, phone, "
                                   "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error)) ||
      !(ward_st = prepare (db, "INSERT INTO wards (hospital, name, kind, model, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)", error)) ||
      !(bed_st = prepare (db, "INSERT INTO beds (ward, label, status, tags, created_at, updated_at) "
                              "VALUES (?1, ?2, 'U', ?3, ?4, ?4)", error)) ||
      !(user_st = prepare (db, "INSERT INTO users (email, name, role, password_hash, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)", error)) ||
      !(audit_st = prepare (db, "INSERT INTO audit (actor, at, action, entity, entity_id, before, after) "
                                "VALUES (NULL, ?1, 'demo-populate', 'store', 0, NULL, ?2)", error)) ||
      !(admission_st = prepare (db, "INSERT INTO admissions (bed, patient_ref, features, admitted_at, "
                                    "discharged_at, demo_los_days) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)) ||
      !(stay_st = prepare (db, "INSERT INTO bed_stays (admission, bed, ward, from_at, to_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)", error)) ||
      !(bed_status_st = prepare (db, "UPDATE beds SET status = ?2, updated_at = ?3 WHERE id = ?1", error)))
    return FALSE;

  w.admission = admission_st;
  w.stay = stay_st;
  w.bed_status = bed_status_st;

  for (guint h = 0; h < G_N_ELEMENTS (network); h++)
    {
      const HospitalSpec *hs = &network[h];
      gint64 hospital_id;

      sqlite3_bind_text (hospital_st, 1, hs->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (hospital_st, 2, hs->address, -1, SQLITE_STATIC);
      sqlite3_bind_double (hospital_st, 3, hs->latitude);
      sqlite3_bind_double (hospital_st, 4, hs->longitude);
      sqlite3_bind_text (hospital_st, 5, hs->phone, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (hospital_st, 6, created);
      sqlite3_bind_int64 (hospital_st, 7, now);
      if (!run (db, hospital_st, error))
        return FALSE;
      hospital_id = sqlite3_last_insert_rowid (db);
      g_array_append_val (hospital_ids, hospital_id);

      for (guint k = 0; hs->wards[k].name != NULL; k++)
        {
          const WardSpec *ws = &hs->wards[k];
          const char *model = bb_ward_kind_model (ws->kind);
          BbDemoPatients *patients = g_str_equal (model, "icu-los") ? icu : ward;
          gint64 ward_id;

          sqlite3_bind_int64 (ward_st, 1, hospital_id);
          sqlite3_bind_text (ward_st, 2, ws->name, -1, SQLITE_STATIC);
          sqlite3_bind_text (ward_st, 3, ws->kind, -1, SQLITE_STATIC);
          sqlite3_bind_text (ward_st, 4, model, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (ward_st, 5, created);
          if (!run (db, ward_st, error))
            return FALSE;
          ward_id = sqlite3_last_insert_rowid (db);
          n_wards++;

          for (guint i = 1; i <= ws->beds; i++)
            {
              g_autofree char *label = g_strdup_printf ("%s-%02u", ws->code, i);
              gint64 bed_id;

              sqlite3_bind_int64 (bed_st, 1, ward_id);
              sqlite3_bind_text (bed_st, 2, label, -1, SQLITE_TRANSIENT);
              sqlite3_bind_text (bed_st, 3, bed_tags_json (ws, i, rand), -1, SQLITE_STATIC);
              sqlite3_bind_int64 (bed_st, 4, created);
              if (!run (db, bed_st, error))
                return FALSE;
              bed_id = sqlite3_last_insert_rowid (db);
              n_beds++;

              if (!write_bed_history (db, &w, bed_id, ward_id, patients, rand, now, error))
                return FALSE;
            }
        }
    }

  for (guint u = 0; u < G_N_ELEMENTS (demo_users); u++)
    {
      sqlite3_bind_text (user_st, 1, demo_users[u].email, -1, SQLITE_STATIC);
      sqlite3_bind_text (user_st, 2, demo_users[u].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (user_st, 3, bb_role_to_string (demo_users[u].role), -1, SQLITE_STATIC);
      sqlite3_bind_text (user_st, 4, hashes[u], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (user_st, 5, now);
      if (!run (db, user_st, error))
        return FALSE;
    }

  summary = g_strdup_printf ("{\"hospitals\":%u,\"wards\":%u,\"beds\":%u,\"admissions\":%u,"
                             "\"current_admissions\":%u}",
                             (guint) G_N_ELEMENTS (network), n_wards, n_beds, w.n_admissions, w.n_current);
  sqlite3_bind_int64 (audit_st, 1, now);
  sqlite3_bind_text (audit_st, 2, summary, -1, SQLITE_TRANSIENT);
  if (!run (db, audit_st, error))
    return FALSE;

  for (guint i = 0; i < hospital_ids->len; i++)
    _bb_store_queue_changed (store, g_array_index (hospital_ids, gint64, i));

  g_message ("Demo network: %u hospitals, %u wards, %u beds, %u admissions over %d days, %u in hospital now",
             (guint) G_N_ELEMENTS (network), n_wards, n_beds, w.n_admissions, HISTORY_DAYS, w.n_current);
  return TRUE;
}

/* A few things for the demo logins to look at: an answered and an open
 * enquiry from the family account, a held and a future booking. Failures
 * here (no free bed, say) leave the network as it is. */
static void
add_demo_activity (BbStore *store,
                   GRand   *rand,
                   gint64   hospital_id)
{
  g_autoptr(GPtrArray) users = bb_store_list_users (store, NULL);
  g_autoptr(GPtrArray) wards = bb_store_list_wards (store, hospital_id, NULL);
  gint64 staff = 0, family = 0;
  gint64 enquiry;

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      BbUser *u = g_ptr_array_index (users, i);

      if (u->role == BB_ROLE_STAFF)
        staff = u->id;
      else if (u->role == BB_ROLE_FAMILY)
        family = u->id;
    }

  enquiry = bb_store_create_enquiry (store, family, hospital_id, "Demo Family Member", "family@demo.bedboard",
                                     "My father is due for a hip replacement next week. "
                                     "Will there be a surgical bed, and how long do patients usually stay?",
                                     NULL);
  if (enquiry != 0)
    bb_store_reply_enquiry (store, staff, enquiry,
                            "Yes, a bed is booked for him. Most patients after this operation "
                            "go home after two to four days.", NULL);
  bb_store_create_enquiry (store, family, hospital_id, "Demo Family Member", "family@demo.bedboard",
                           "Can I stay overnight with my daughter on the children's ward?", NULL);

  for (guint i = 0; wards != NULL && i < wards->len; i++)
    {
      BbWard *w = g_ptr_array_index (wards, i);
      g_autoptr(BbBooking) held = NULL;
      g_autoptr(BbBooking) future = NULL;
      g_autofree char *ref1 = patient_ref (rand);
      g_autofree char *ref2 = patient_ref (rand);

      if (!g_str_equal (w->kind, "surgical"))
        continue;

      held = bb_store_create_booking (store, staff, hospital_id, w->id, 0, ref1, NULL, 0, NULL);
      future = bb_store_create_booking (store, staff, hospital_id, w->id, bb_store_now (store) + 2 * DAY,
                                        ref2, NULL, 0, NULL);
      if (future != NULL)
        {
          g_autoptr(BbBooking) confirmed = NULL;

          confirmed = bb_store_confirm_booking (store, staff, future->id, NULL, NULL, -1, NULL);
        }
      break;
    }
}

gboolean
bb_demo_populate (BbStore     *store,
                  const char  *models_dir,
                  const char  *shared_data_dir,
                  const char  *password,
                  guint32      seed,
                  GError     **error)
{
  g_autoptr(GRand) rand = NULL;
  g_autoptr(BbDemoPatients) icu = NULL;
  g_autoptr(BbDemoPatients) ward = NULL;
  g_autoptr(GArray) hospital_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  char hashes[G_N_ELEMENTS (demo_users)][crypto_pwhash_STRBYTES];
  gboolean has_hospitals = FALSE;
  gboolean ok;

  g_return_val_if_fail (BB_IS_STORE (store), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!store_has_hospitals (store, &has_hospitals, error))
    return FALSE;
  if (has_hospitals)
    return TRUE;

  if (password[0] == '\0')
    {
      g_set_error (error, BB_STORE_ERROR, BB_STORE_ERROR_INVALID, "demo network: the password is empty");
      return FALSE;
    }

  rand = g_rand_new_with_seed (seed);
  if (!(icu = bb_demo_patients_load ("icu-los", models_dir, shared_data_dir, rand, error)) ||
      !(ward = bb_demo_patients_load ("ward-los", models_dir, shared_data_dir, rand, error)))
    return FALSE;
  g_message ("Demo patients: ICU wards from %s; other wards from %s",
             bb_demo_patients_describe (icu), bb_demo_patients_describe (ward));

  /* Hashed before taking the write lock: each takes a while on purpose. */
  for (guint u = 0; u < G_N_ELEMENTS (demo_users); u++)
    if (!hash_password (password, hashes[u], error))
      return FALSE;

  if (!_bb_store_begin (store, error))
    return FALSE;
  ok = populate_locked (store, icu, ward, hashes, rand, hospital_ids, error);
  sodium_memzero (hashes, sizeof hashes);
  if (!_bb_store_finish (store, ok, error))
    return FALSE;

  add_demo_activity (store, rand, g_array_index (hospital_ids, gint64, 0));
  return TRUE;
}

/* ---- simulation ---- */

static gint64
sim_clock (gpointer data)
{
  BbDemoSimulation *sim = data;

  return (gint64) sim->sim_now;
}

static void
sim_patient_free (gpointer data)
{
  SimPatient *p = data;

  g_free (p->features);
  g_free (p);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) st = prepare (db, sql, NULL);

  if (st == NULL || sqlite3_step (st) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (st, 0);
}

/* Arrivals are resampled from the stays already in the database, so the
 * simulation needs neither the data sets nor the cards. */
static void
load_pools (BbDemoSimulation *sim)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(sqlite3_stmt) st = NULL;

  sim->pools[0] = g_ptr_array_new_with_free_func (sim_patient_free);
  sim->pools[1] = g_ptr_array_new_with_free_func (sim_patient_free);

  st = prepare (db,
                "SELECT w.model, a.features, a.demo_los_days FROM admissions a "
                "JOIN bed_stays s ON s.admission = a.id AND s.from_at = a.admitted_at "
                "JOIN wards w ON w.id = s.ward "
                "WHERE a.demo_los_days IS NOT NULL ORDER BY a.id DESC LIMIT 20000", NULL);
  while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    {
      SimPatient *p = g_new0 (SimPatient, 1);
      int model = g_strcmp0 ((const char *) sqlite3_column_text (st, 0), "icu-los") == 0 ? 0 : 1;

      p->features = g_strdup ((const char *) sqlite3_column_text (st, 1));
      p->los_days = sqlite3_column_double (st, 2);
      g_ptr_array_add (sim->pools[model], p);
    }
}

static double
pool_mean_los (GPtrArray *pool,
               double     fallback)
{
  double sum = 0;

  if (pool->len == 0)
    return fallback;
  for (guint i = 0; i < pool->len; i++)
    sum += ((SimPatient *) g_ptr_array_index (pool, i))->los_days;
  return sum / pool->len;
}

static void
load_wards (BbDemoSimulation *sim)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(sqlite3_stmt) st = NULL;
  double mean_los[2];

  mean_los[0] = pool_mean_los (sim->pools[0], 2.5);
  mean_los[1] = pool_mean_los (sim->pools[1], 4.0);

  sim->wards = g_array_new (FALSE, TRUE, sizeof (SimWard));
  st = prepare (db,
                "SELECT w.id, w.hospital, w.model, COUNT (b.id) FROM wards w "
                "LEFT JOIN beds b ON b.ward = w.id GROUP BY w.id ORDER BY w.id", NULL);
  while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    {
      SimWard w = { 0 };
      double capacity = sqlite3_column_int (st, 3);

      w.ward_id = sqlite3_column_int64 (st, 0);
      w.hospital_id = sqlite3_column_int64 (st, 1);
      w.model = g_strcmp0 ((const char *) sqlite3_column_text (st, 2), "icu-los") == 0 ? 0 : 1;
      /* Little's law: occupied = arrival rate x mean stay. */
      w.arrivals_per_s = TARGET_OCCUPANCY * capacity / (mean_los[w.model] * DAY);
      w.demand = 1.0;
      g_array_append_val (sim->wards, w);
    }
}

static guint
poisson (GRand  *rand,
         double  mean)
{
  if (mean <= 0)
    return 0;

  if (mean > 30)
    {
      double u1 = MAX (g_rand_double (rand), 1e-12);
      double z = sqrt (-2 * log (u1)) * cos (2 * G_PI * g_rand_double (rand));

      return (guint) MAX (0.0, round (mean + sqrt (mean) * z));
    }

  {
    double limit = exp (-mean), p = 1;
    guint k = 0;

    do
      {
        k++;
        p *= g_rand_double (rand);
      }
    while (p > limit);

    return k - 1;
  }
}

static const SimPatient *
draw_patient (BbDemoSimulation *sim,
              int               model)
{
  GPtrArray *pool = sim->pools[model];

  if (pool->len == 0)
    pool = sim->pools[1 - model];
  if (pool->len == 0)
    return NULL;

  return g_ptr_array_index (pool, g_rand_int_range (sim->rand, 0, (gint32) pool->len));
}

static GArray *
query_ids (sqlite3    *db,
           const char *sql,
           gint64      param)
{
  g_autoptr(sqlite3_stmt) st = prepare (db, sql, NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (st == NULL)
    return ids;
  sqlite3_bind_int64 (st, 1, param);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      g_array_append_val (ids, id);
    }
  return ids;
}

static void
log_failure (const char *what,
             GError     *error)
{
  if (error != NULL)
    g_debug ("simulation: %s: %s", what, error->message);
}

/* Staff may admit patients by hand; the simulation gives them a stay too. */
static void
give_stays_to_new_admissions (BbDemoSimulation *sim)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(GArray) ids = NULL;

  ids = query_ids (db, "SELECT id FROM admissions WHERE discharged_at IS NULL AND demo_los_days IS NULL", 0);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(BbAdmission) adm = bb_store_get_admission (sim->store, id, NULL);
      g_autoptr(BbWard) ward = adm ? bb_store_get_ward (sim->store, adm->ward_id, NULL) : NULL;
      const SimPatient *p = draw_patient (sim, ward && g_strcmp0 (ward->model, "icu-los") == 0 ? 0 : 1);
      g_autoptr(GError) error = NULL;

      if (!_bb_store_set_demo_los (sim->store, id, p ? p->los_days : 3.0, &error))
        log_failure ("setting a stay", error);
    }
}

/* Some intensive care patients go on to a ward bed of the same hospital
 * rather than home; their stay goes on with a ward stay's length. */
static gboolean
step_down (BbDemoSimulation *sim,
           gint64            admission_id)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(BbAdmission) adm = bb_store_get_admission (sim->store, admission_id, NULL);
  g_autoptr(BbWard) ward = adm ? bb_store_get_ward (sim->store, adm->ward_id, NULL) : NULL;
  g_autoptr(GArray) beds = NULL;
  g_autoptr(GError) error = NULL;
  const SimPatient *p;
  double so_far;

  if (ward == NULL || g_strcmp0 (ward->model, "icu-los") != 0 ||
      g_rand_double (sim->rand) >= STEP_DOWN_SHARE)
    return FALSE;

  beds = query_ids (db,
                    "SELECT b.id FROM beds b JOIN wards w ON w.id = b.ward "
                    "WHERE w.hospital = ?1 AND w.model = 'ward-los' AND w.kind <> 'maternity' "
                    "  AND b.status = 'U' AND NOT EXISTS (SELECT 1 FROM bookings k "
                    "    WHERE k.bed = b.id AND k.status IN ('held', 'confirmed')) "
                    "ORDER BY b.id", adm->hospital_id);
  if (beds->len == 0)
    return FALSE;

  if (!bb_store_transfer (sim->store, 0, admission_id,
                          g_array_index (beds, gint64, g_rand_int_range (sim->rand, 0, (gint32) beds->len)),
                          &error))
    {
      log_failure ("step-down transfer", error);
      return FALSE;
    }

  p = draw_patient (sim, 1);
  so_far = (sim->sim_now - adm->admitted_at) / DAY;
  if (!_bb_store_set_demo_los (sim->store, admission_id, so_far + (p ? p->los_days : 3.0), &error))
    log_failure ("setting a stay", error);

  return TRUE;
}

static void
discharge_due (BbDemoSimulation *sim)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(GArray) ids = NULL;

  ids = query_ids (db,
                   "SELECT id FROM admissions WHERE discharged_at IS NULL AND demo_los_days IS NOT NULL "
                   "AND admitted_at + demo_los_days * 86400 <= ?1 ORDER BY id",
                   (gint64) sim->sim_now);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 id = g_array_index (ids, gint64, i);

      if (step_down (sim, id))
        continue;
      if (!bb_store_discharge (sim->store, 0, id, &error))
        log_failure ("discharge", error);
    }
}

static void
clean_due (BbDemoSimulation *sim)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  {
    g_autoptr(sqlite3_stmt) st = prepare (db, "SELECT id, updated_at FROM beds WHERE status = 'H'", NULL);

    while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (st, 0);
        gint64 since = sqlite3_column_int64 (st, 1);
        /* Each bed's cleaning takes its own 1-2 hours, the same on every run. */
        guint32 h = (guint32) ((guint64) (id * 2654435761u) ^ (guint64) since);
        gint64 takes = CLEAN_MIN_SECONDS + h % CLEAN_RANGE_SECONDS;

        if (since + takes <= (gint64) sim->sim_now)
          g_array_append_val (ids, id);
      }
  }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!bb_store_set_bed_status (sim->store, 0, g_array_index (ids, gint64, i),
                                    BB_BED_STATUS_UNOCCUPIED, &error))
        log_failure ("cleaning", error);
    }
}

static void
admit_due (BbDemoSimulation *sim)
{
  for (guint i = 0; i < sim->pending->len;)
    {
      PendingAdmission *p = &g_array_index (sim->pending, PendingAdmission, i);
      g_autoptr(BbBooking) booking = NULL;
      g_autoptr(GError) error = NULL;

      if (p->due > (gint64) sim->sim_now)
        {
          i++;
          continue;
        }

      if (p->cancel)
        {
          booking = bb_store_cancel_booking (sim->store, 0, p->booking_id, &error);
          if (booking == NULL)
            log_failure ("cancel", error);
        }
      else
        {
          booking = bb_store_admit_booking (sim->store, 0, p->booking_id, 0, &error);
          if (booking == NULL)
            log_failure ("admit", error);
          else if (!_bb_store_set_demo_los (sim->store, booking->admission_id, p->los_days, &error))
            log_failure ("setting a stay", error);
        }

      g_array_remove_index_fast (sim->pending, i);
    }
}

/* Little's law alone undershoots: small wards turn patients away when
 * full, some bookings are cancelled and held beds wait for their patient.
 * Nudge each ward's arrivals towards the target occupancy instead. */
static void
update_demand (BbDemoSimulation *sim)
{
  sqlite3 *db = _bb_store_get_db (sim->store);
  g_autoptr(sqlite3_stmt) st = NULL;

  st = prepare (db, "SELECT ward, COUNT (*), TOTAL (status = 'O') FROM beds GROUP BY ward", NULL);
  while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    {
      gint64 ward_id = sqlite3_column_int64 (st, 0);
      double total = sqlite3_column_double (st, 1);
      double occupied = sqlite3_column_double (st, 2);

      for (guint i = 0; i < sim->wards->len; i++)
        {
          SimWard *w = &g_array_index (sim->wards, SimWard, i);

          if (w->ward_id == ward_id && total > 0)
            w->demand = CLAMP (1 + 5 * (TARGET_OCCUPANCY - occupied / total) / TARGET_OCCUPANCY, 0.2, 4.0);
        }
    }
}

static void
arrive (BbDemoSimulation *sim,
        double            sim_seconds)
{
  update_demand (sim);

  for (guint i = 0; i < sim->wards->len; i++)
    {
      const SimWard *w = &g_array_index (sim->wards, SimWard, i);
      guint n = poisson (sim->rand, w->arrivals_per_s * w->demand * sim_seconds);

      for (guint k = 0; k < n; k++)
        {
          const SimPatient *p = draw_patient (sim, w->model);
          g_autoptr(JsonNode) features = NULL;
          g_autoptr(BbBooking) booking = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *ref = patient_ref (sim->rand);
          PendingAdmission pending = { 0 };

          if (p == NULL)
            return;
          features = json_from_string (p->features, NULL);

          booking = bb_store_create_booking (sim->store, 0, w->hospital_id, w->ward_id, 0, ref,
                                             features && JSON_NODE_HOLDS_OBJECT (features)
                                               ? json_node_get_object (features) : NULL,
                                             0, &error);
          if (booking == NULL)
            {
              /* No free bed: the patient goes elsewhere. */
              log_failure ("booking", error);
              continue;
            }

          if (g_rand_double (sim->rand) < 0.6)
            {
              g_autoptr(BbBooking) confirmed = bb_store_confirm_booking (sim->store, 0, booking->id,
                                                                         NULL, NULL, -1, NULL);
            }

          pending.booking_id = booking->id;
          pending.due = (gint64) sim->sim_now + g_rand_int_range (sim->rand, 15 * 60, 3 * 3600);
          pending.los_days = p->los_days;
          pending.cancel = g_rand_double (sim->rand) < 0.05;
          g_array_append_val (sim->pending, pending);
        }
    }
}

static void
step_once (BbDemoSimulation *sim,
           double            sim_seconds)
{
  g_autoptr(GError) error = NULL;

  sim->sim_now += sim_seconds;

  admit_due (sim);
  if (bb_store_expire_holds (sim->store, &error) == 0)
    log_failure ("expiring holds", error);
  give_stays_to_new_admissions (sim);
  discharge_due (sim);
  clean_due (sim);
  arrive (sim, sim_seconds);
}

void
bb_demo_simulation_step (BbDemoSimulation *sim,
                         double            real_seconds)
{
  double remaining;

  g_return_if_fail (sim != NULL);

  if (sim->in_step || real_seconds <= 0)
    return;
  sim->in_step = TRUE;

  /* Long steps (a fast clock, a stalled main loop) are cut into simulated
   * ten-minute slices so that admissions happen before their holds expire
   * and beds are cleaned in time for the next arrival. */
  remaining = real_seconds * sim->speed;
  while (remaining > 0)
    {
      double slice = MIN (remaining, MAX_SLICE_SECONDS);

      step_once (sim, slice);
      remaining -= slice;
    }

  sim->in_step = FALSE;
}

static gboolean
on_tick_cb (gpointer data)
{
  BbDemoSimulation *sim = data;
  gint64 now_us = g_get_monotonic_time ();
  double elapsed = (now_us - sim->last_real_us) / (double) G_USEC_PER_SEC;

  sim->last_real_us = now_us;
  bb_demo_simulation_step (sim, elapsed);
  return G_SOURCE_CONTINUE;
}

BbDemoSimulation *
bb_demo_simulation_start (BbStore *store,
                          double   speed,
                          guint32  seed)
{
  BbDemoSimulation *sim;
  sqlite3 *db;
  gint64 latest;

  g_return_val_if_fail (BB_IS_STORE (store), NULL);
  g_return_val_if_fail (speed > 0, NULL);

  sim = g_new0 (BbDemoSimulation, 1);
  sim->store = g_object_ref (store);
  sim->speed = speed;
  sim->rand = g_rand_new_with_seed (seed);
  sim->pending = g_array_new (FALSE, TRUE, sizeof (PendingAdmission));

  /* Carry on from the latest moment already recorded, so restarting a
   * simulation that ran ahead of the wall clock never goes back in time. */
  db = _bb_store_get_db (store);
  latest = query_int (db,
                      "SELECT MAX (IFNULL ((SELECT MAX (admitted_at) FROM admissions), 0), "
                      "  IFNULL ((SELECT MAX (discharged_at) FROM admissions), 0), "
                      "  IFNULL ((SELECT MAX (updated_at) FROM beds), 0), "
                      "  IFNULL ((SELECT MAX (at) FROM events), 0))");
  sim->sim_now = (double) MAX (bb_store_now (store), latest);
  bb_store_set_clock (store, sim_clock, sim);

  load_pools (sim);
  load_wards (sim);

  sim->last_real_us = g_get_monotonic_time ();
  sim->source = g_timeout_source_new (1000);
  g_source_set_callback (sim->source, on_tick_cb, sim, NULL);
  g_source_set_name (sim->source, "[bedboard] demo simulation");
  g_source_attach (sim->source, g_main_context_get_thread_default ());

  g_message ("Simulation: %.0f simulated seconds per second, %u wards", speed, sim->wards->len);
  return sim;
}

gint64
bb_demo_simulation_now (BbDemoSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0);

  return (gint64) sim->sim_now;
}

void
bb_demo_simulation_stop (BbDemoSimulation *sim)
{
  if (sim == NULL)
    return;

  if (sim->source != NULL)
    {
      g_source_destroy (sim->source);
      g_source_unref (sim->source);
    }
  /* Back to the wall clock. */
  bb_store_set_clock (sim->store, NULL, NULL);
  g_clear_object (&sim->store);
  g_clear_pointer (&sim->rand, g_rand_free);
  g_clear_pointer (&sim->wards, g_array_unref);
  g_clear_pointer (&sim->pending, g_array_unref);
  g_clear_pointer (&sim->pools[0], g_ptr_array_unref);
  g_clear_pointer (&sim->pools[1], g_ptr_array_unref);
  g_free (sim);
}
