-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0001-initial.sql: the first schema of the bedboard-server database.
-- Applied once by bb-store.c inside a transaction; PRAGMA user_version records it.
-- Times are Unix seconds (UTC). JSON columns hold compact JSON text.

CREATE TABLE hospitals (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL CHECK (length (name) > 0),
  address     TEXT    NOT NULL DEFAULT '',
  latitude    REAL    NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude   REAL    NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  phone       TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE wards (
  id          INTEGER PRIMARY KEY,
  hospital    INTEGER NOT NULL REFERENCES hospitals (id),
  name        TEXT    NOT NULL CHECK (length (name) > 0),
  kind        TEXT    NOT NULL,
  model       TEXT    NOT NULL CHECK (model IN ('icu-los', 'ward-los')),
  created_at  INTEGER NOT NULL
);
CREATE INDEX wards_by_hospital ON wards (hospital);

CREATE TABLE beds (
  id          INTEGER PRIMARY KEY,
  ward        INTEGER NOT NULL REFERENCES wards (id),
  label       TEXT    NOT NULL CHECK (length (label) > 0),
  -- HL7 v2 table 0116
  status      TEXT    NOT NULL DEFAULT 'U' CHECK (status IN ('U', 'O', 'H', 'C', 'I', 'K')),
  tags        TEXT    NOT NULL DEFAULT '[]',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (ward, label)
);
CREATE INDEX beds_by_status ON beds (ward, status);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  email          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  name           TEXT    NOT NULL DEFAULT '',
  role           TEXT    NOT NULL CHECK (role IN ('family', 'staff', 'admin')),
  password_hash  TEXT    NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  TEXT    PRIMARY KEY,   -- SHA-256 of the token; the token itself is never stored
  user        INTEGER NOT NULL REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE admissions (
  id             INTEGER PRIMARY KEY,
  bed            INTEGER NOT NULL REFERENCES beds (id),
  patient_ref    TEXT    NOT NULL,
  features       TEXT    NOT NULL DEFAULT '{}',
  admitted_at    INTEGER NOT NULL,
  discharged_at  INTEGER,             -- NULL while in hospital
  booking        INTEGER,
  created_by     INTEGER,
  -- Demo network only: the stay the simulation will give this patient.
  -- Hidden from every read of the API (no record or codec carries it).
  demo_los_days  REAL
);
-- Backstop for the "never occupied twice" rule.
CREATE UNIQUE INDEX admissions_one_per_bed ON admissions (bed) WHERE discharged_at IS NULL;
CREATE INDEX admissions_by_discharge ON admissions (discharged_at);

-- The bed history of each admission: one row per bed the patient lay in.
-- A transfer closes the current row and opens the next. Occupancy history
-- is reconstructed from these rows.
CREATE TABLE bed_stays (
  id          INTEGER PRIMARY KEY,
  admission   INTEGER NOT NULL REFERENCES admissions (id),
  bed         INTEGER NOT NULL REFERENCES beds (id),
  ward        INTEGER NOT NULL REFERENCES wards (id),
  from_at     INTEGER NOT NULL,
  to_at       INTEGER               -- NULL while the patient is in this bed
);
CREATE INDEX bed_stays_by_ward ON bed_stays (ward, from_at);
CREATE INDEX bed_stays_by_admission ON bed_stays (admission);
CREATE UNIQUE INDEX bed_stays_one_per_bed ON bed_stays (bed) WHERE to_at IS NULL;

CREATE TABLE bookings (
  id                 INTEGER PRIMARY KEY,
  hospital           INTEGER NOT NULL REFERENCES hospitals (id),
  ward               INTEGER NOT NULL REFERENCES wards (id),
  bed                INTEGER REFERENCES beds (id),
  start              INTEGER NOT NULL,
  status             TEXT    NOT NULL CHECK (status IN ('held', 'confirmed', 'admitted', 'cancelled', 'expired')),
  expires_at         INTEGER,
  patient_ref        TEXT    NOT NULL,
  features           TEXT    NOT NULL DEFAULT '{}',
  forecast_model     TEXT,
  forecast_version   TEXT,
  forecast_los_days  REAL,
  admission          INTEGER REFERENCES admissions (id),
  created_by         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
-- Backstop for the "never held twice" rule.
CREATE UNIQUE INDEX bookings_one_hold_per_bed ON bookings (bed) WHERE status IN ('held', 'confirmed');
CREATE INDEX bookings_by_status ON bookings (status, expires_at);
CREATE INDEX bookings_by_hospital ON bookings (hospital, id);
CREATE INDEX bookings_by_ward ON bookings (ward, status);

CREATE TABLE enquiries (
  id           INTEGER PRIMARY KEY,
  hospital     INTEGER NOT NULL REFERENCES hospitals (id),
  user         INTEGER REFERENCES users (id),
  name         TEXT    NOT NULL,
  contact      TEXT    NOT NULL DEFAULT '',
  message      TEXT    NOT NULL,
  status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'answered')),
  accepted_by  INTEGER REFERENCES users (id),
  reply        TEXT,
  replied_at   INTEGER,
  rating       INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
  created_at   INTEGER NOT NULL
);
CREATE INDEX enquiries_by_hospital ON enquiries (hospital, id);

CREATE TABLE audit (
  id         INTEGER PRIMARY KEY,
  actor      INTEGER,               -- NULL: the system (hold expiry, demo)
  at         INTEGER NOT NULL,
  action     TEXT    NOT NULL,
  entity     TEXT    NOT NULL,
  entity_id  INTEGER NOT NULL,
  before     TEXT,                  -- JSON, NULL on creation
  after      TEXT                   -- JSON, NULL on deletion
);
CREATE INDEX audit_by_entity ON audit (entity, entity_id);

-- AUTOINCREMENT: sequence numbers are never reused, so a client replaying
-- with ?since=SEQ never misses or repeats an event.
CREATE TABLE events (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  type      TEXT    NOT NULL,
  hospital  INTEGER,
  ward      INTEGER,
  bed       INTEGER,
  status    TEXT,
  reserved  INTEGER NOT NULL DEFAULT 0,
  at        INTEGER NOT NULL
);
