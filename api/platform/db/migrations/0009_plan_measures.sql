-- The plan's success criteria measured (the incident response plan's success criteria):
-- detected_at is when the problem was first seen (the alert's start, or the declaration time
-- when declared by hand), acknowledged_at when the on-call engineer acknowledged it: MTTA is
-- the gap between them, MTTR the gap from detected_at to resolved_at. Internal fields: never
-- published. postmortem_completed_at records when the P0/P1 postmortem was finished.
ALTER TABLE incidents ADD COLUMN detected_at TEXT;
ALTER TABLE incidents ADD COLUMN acknowledged_at TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_completed_at TEXT;
-- Incidents from before this migration were detected when they were declared.
UPDATE incidents SET detected_at = started_at WHERE detected_at IS NULL;

-- Postmortem action items: internal, listed on the desk, never in the public snapshot.
CREATE TABLE incident_action_items (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id  INTEGER NOT NULL REFERENCES incidents(id),
  title        TEXT NOT NULL,
  owner        TEXT NOT NULL,
  due_at       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX incident_action_items_by_incident ON incident_action_items(incident_id, id);

-- Notices the plan owes besides the update cadence (an overdue postmortem; escalation levels),
-- recorded before they are sent as the freshness notices are: the unique key makes a second
-- claim (another process, a restart) a no-op, and each delivery is leased, then marked sent.
CREATE TABLE plan_notices (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  kind        TEXT NOT NULL CHECK (kind IN ('postmortem','escalation')),
  level       INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  UNIQUE (incident_id, kind, level)
);

CREATE TABLE plan_deliveries (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id     INTEGER NOT NULL REFERENCES plan_notices(id),
  channel       TEXT NOT NULL CHECK (channel IN ('email','webhook','pagerduty')),
  target        TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed','skipped')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  claimed_until TEXT,
  sent_at       TEXT,
  UNIQUE (notice_id, channel, target)
);
CREATE INDEX plan_deliveries_pending ON plan_deliveries(status);
