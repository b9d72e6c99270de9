-- One delivery queue. Freshness reminders and escalations, overdue-postmortem notices and
-- escalation levels become kinds of outbox row, claimed, retried and counted like every other
-- notice. The outbox no longer lists its kinds (each feature registers the kinds it delivers);
-- each row says how it goes out (channel) and, for a notice kept in a feature's own table
-- (freshness_notices, plan_notices), which notice (notice_id) and to whom (target). SQLite
-- cannot drop a CHECK constraint in place, so the outbox is rebuilt; every row and index is kept.
CREATE TABLE outbox_new (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                  TEXT NOT NULL,
  channel               TEXT NOT NULL CHECK (channel IN ('mail','webhook','slack','pagerduty')),
  subscriber_id         INTEGER,
  webhook_id            INTEGER,
  incident_id           INTEGER,
  update_id             INTEGER,
  state                 TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','retrying','sent','failed','cancelled')),
  attempts              INTEGER NOT NULL DEFAULT 0,
  next_attempt_at       TEXT NOT NULL,
  lease_until           TEXT,
  lease_owner           TEXT,
  created_at            TEXT NOT NULL,
  sent_at               TEXT,
  last_error            TEXT,
  service_event_id      INTEGER REFERENCES service_events(id),
  maintenance_id        INTEGER REFERENCES maintenances(id),
  maintenance_update_id INTEGER REFERENCES maintenance_updates(id),
  notice_id             INTEGER,
  target                TEXT
);
INSERT INTO outbox_new (id, kind, channel, subscriber_id, webhook_id, incident_id, update_id, state, attempts, next_attempt_at,
                        lease_until, lease_owner, created_at, sent_at, last_error, service_event_id, maintenance_id, maintenance_update_id)
  SELECT id, kind, CASE WHEN kind IN ('webhook','slack') THEN kind ELSE 'mail' END, subscriber_id, webhook_id, incident_id, update_id,
         state, attempts, next_attempt_at, lease_until, lease_owner, created_at, sent_at, last_error, service_event_id, maintenance_id,
         maintenance_update_id FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('queued','retrying');
CREATE INDEX outbox_by_update ON outbox(update_id, state);
CREATE UNIQUE INDEX outbox_once ON outbox(update_id, subscriber_id) WHERE kind = 'incident';
CREATE UNIQUE INDEX outbox_maintenance_once ON outbox(maintenance_update_id, subscriber_id) WHERE kind = 'maintenance';
-- A notice goes to each of its targets once, as the old delivery tables' unique keys said.
CREATE UNIQUE INDEX outbox_notice_once ON outbox(kind, notice_id, channel, target) WHERE notice_id IS NOT NULL;

-- The deliveries of freshness and plan notices come over with their history: pending ones are
-- due at once (from when their notice was recorded, so they are due on any clock that follows
-- it), those sent, failed or skipped keep how they ended. A lease held by a process of the old
-- version is dropped: at least once, as the outbox always delivers.
INSERT INTO outbox (kind, channel, notice_id, target, state, attempts, next_attempt_at, created_at, sent_at, last_error)
  SELECT 'freshness-' || n.kind, CASE d.channel WHEN 'email' THEN 'mail' ELSE d.channel END, d.notice_id, d.target,
         CASE d.status WHEN 'pending' THEN CASE WHEN d.attempts > 0 THEN 'retrying' ELSE 'queued' END
                       WHEN 'skipped' THEN 'cancelled' ELSE d.status END,
         d.attempts, n.created_at, n.created_at, d.sent_at, d.last_error
  FROM freshness_deliveries d JOIN freshness_notices n ON n.id = d.notice_id ORDER BY d.id;
INSERT INTO outbox (kind, channel, notice_id, target, state, attempts, next_attempt_at, created_at, sent_at, last_error)
  SELECT 'plan-' || n.kind, CASE d.channel WHEN 'email' THEN 'mail' ELSE d.channel END, d.notice_id, d.target,
         CASE d.status WHEN 'pending' THEN CASE WHEN d.attempts > 0 THEN 'retrying' ELSE 'queued' END
                       WHEN 'skipped' THEN 'cancelled' ELSE d.status END,
         d.attempts, n.created_at, n.created_at, d.sent_at, d.last_error
  FROM plan_deliveries d JOIN plan_notices n ON n.id = d.notice_id ORDER BY d.id;
DROP TABLE freshness_deliveries;
DROP TABLE plan_deliveries;

-- A channel that cannot deliver at all (the mail relay refuses Herald's credentials or sender,
-- or cannot be reached): since when, and the last error. One row per failing channel, deleted
-- when it delivers again; GET /healthz/delivery is red while a row is here.
CREATE TABLE delivery_outages (
  channel         TEXT PRIMARY KEY,
  since           TEXT NOT NULL,
  last_failure_at TEXT NOT NULL,
  last_error      TEXT NOT NULL,
  failures        INTEGER NOT NULL
);
