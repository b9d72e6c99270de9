-- The maintenance calendar, reminders and recurring windows (docs/calendar.md).

-- RFC 5545 SEQUENCE: bumped each time what a calendar shows of a window changes (its times,
-- its title, a cancellation), so calendar clients replace their copy of the event.
ALTER TABLE maintenances ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
-- The reminders asked for this window, in minutes before its start ("1440,60"; '' for none);
-- NULL: MAINTENANCE_REMINDERS as it was when the window was scheduled.
ALTER TABLE maintenances ADD COLUMN reminders TEXT;

-- A recurring window: the rule each occurrence is made from. Each occurrence is a window of
-- its own (its own MNT-n and page), created ahead by the maintenance job.
CREATE TABLE maintenance_series (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  title            TEXT NOT NULL,
  message          TEXT NOT NULL,
  frequency        TEXT NOT NULL CHECK (frequency IN ('weekly','monthly')),
  every            INTEGER NOT NULL DEFAULT 1 CHECK (every >= 1),
  first_start      TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes >= 1),
  until            TEXT,
  count            INTEGER CHECK (count >= 1),
  reminders        TEXT,
  notify           INTEGER NOT NULL DEFAULT 1,
  author           TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  cancelled_at     TEXT
);
CREATE TABLE maintenance_series_services (
  series_id  INTEGER NOT NULL REFERENCES maintenance_series(id),
  service_id INTEGER NOT NULL REFERENCES services(id),
  PRIMARY KEY (series_id, service_id)
);
ALTER TABLE maintenances ADD COLUMN series_id INTEGER REFERENCES maintenance_series(id);
ALTER TABLE maintenances ADD COLUMN series_index INTEGER;
-- Two processes creating the same occurrence: the second insert is refused, not a duplicate.
CREATE UNIQUE INDEX maintenances_occurrence_once ON maintenances(series_id, series_index) WHERE series_id IS NOT NULL;

-- Reminders before a window starts, each due at its own time; one that was already due when
-- the window was scheduled (or moved) is never created. `update_id` is the timeline entry that
-- announced it: claimed in the write that posts it, so a reminder goes out once however many
-- Herald processes run the job.
CREATE TABLE maintenance_reminders (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  maintenance_id INTEGER NOT NULL REFERENCES maintenances(id),
  minutes_before INTEGER NOT NULL CHECK (minutes_before >= 1),
  due_at         TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','skipped')),
  update_id      INTEGER REFERENCES maintenance_updates(id),
  UNIQUE (maintenance_id, minutes_before, due_at)
);
CREATE INDEX maintenance_reminders_due ON maintenance_reminders(due_at) WHERE state = 'pending';

-- A reminder and a move of the window are timeline entries too (every channel hears of them
-- as of any other entry). The `event` column's CHECK cannot be widened in place, and the table
-- cannot be rebuilt while the outbox refers to it, so such an entry is stored as 'updated' with
-- what it was here; the store reads `event_detail` as the entry's event.
ALTER TABLE maintenance_updates ADD COLUMN event_detail TEXT CHECK (event_detail IN ('reminder','rescheduled'));
