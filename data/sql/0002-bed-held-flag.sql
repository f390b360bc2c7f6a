-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0002-bed-held-flag.sql: beds.held is 1 while a held or confirmed booking holds the bed. Triggers on
-- bookings keep it, so finding "the first free, unheld bed of a ward" is one
-- seek on beds_free_unheld instead of a hold lookup for every free bed before
-- it (the k-th hold in a ward used to cost k lookups). The unique index
-- bookings_one_hold_per_bed stays the backstop.
ALTER TABLE beds ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

UPDATE beds SET held = EXISTS (SELECT 1 FROM bookings k
                               WHERE k.bed = beds.id AND k.status IN ('held', 'confirmed'));

CREATE INDEX beds_free_unheld ON beds (ward, id) WHERE status = 'U' AND held = 0;

CREATE TRIGGER bookings_hold_on_insert AFTER INSERT ON bookings
  WHEN NEW.bed IS NOT NULL AND NEW.status IN ('held', 'confirmed')
BEGIN
  UPDATE beds SET held = 1 WHERE id = NEW.bed;
END;

CREATE TRIGGER bookings_hold_on_update AFTER UPDATE OF bed, status ON bookings
BEGIN
  UPDATE beds SET held = EXISTS (SELECT 1 FROM bookings k
                                 WHERE k.bed = beds.id AND k.status IN ('held', 'confirmed'))
    WHERE id IN (OLD.bed, NEW.bed);
END;

CREATE TRIGGER bookings_hold_on_delete AFTER DELETE ON bookings
  WHEN OLD.bed IS NOT NULL
BEGIN
  UPDATE beds SET held = EXISTS (SELECT 1 FROM bookings k
                                 WHERE k.bed = beds.id AND k.status IN ('held', 'confirmed'))
    WHERE id = OLD.bed;
END;
