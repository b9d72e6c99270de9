-- Maintenance windows (PRODUCT.md): a planned window, its affected services, and a timeline of
-- updates like an incident's. The id is the public number: MNT-<id>, never reused.
-- started_at / completed_at are when it actually started and ended (by hand or by the
-- transitions job), which may differ from the planned scheduled_for / scheduled_until.
CREATE TABLE maintenances (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  title           TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('scheduled','in_progress','completed')),
  scheduled_for   TEXT NOT NULL,
  scheduled_until TEXT NOT NULL CHECK (scheduled_until > scheduled_for),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  started_at      TEXT,
  completed_at    TEXT
);
CREATE INDEX maintenances_by_status ON maintenances(status, scheduled_for);

CREATE TABLE maintenance_services (
  maintenance_id INTEGER NOT NULL REFERENCES maintenances(id),
  service_id     INTEGER NOT NULL REFERENCES services(id),
  PRIMARY KEY (maintenance_id, service_id)
);
CREATE INDEX maintenance_services_by_service ON maintenance_services(service_id);

CREATE TABLE maintenance_updates (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  maintenance_id INTEGER NOT NULL REFERENCES maintenances(id),
  status         TEXT NOT NULL CHECK (status IN ('scheduled','in_progress','completed')),
  message        TEXT NOT NULL,
  notify         INTEGER NOT NULL DEFAULT 0,
  author         TEXT NOT NULL,
  created_at     TEXT NOT NULL
);
CREATE INDEX maintenance_updates_by_maintenance ON maintenance_updates(maintenance_id, created_at);

-- Whether subscribers hear of this window (scheduled, started, completed): the default for
-- each of its updates, including those the transitions job posts.
ALTER TABLE maintenances ADD COLUMN notify INTEGER NOT NULL DEFAULT 1;

-- Subscribers hear of maintenance through the outbox too: kind 'maintenance' names a
-- maintenance update. SQLite cannot change a CHECK constraint in place, so the outbox is
-- rebuilt with the new kind and columns; every row and index is kept.
CREATE TABLE outbox_new (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                  TEXT NOT NULL CHECK (kind IN ('incident','confirm','welcome','webhook','slack','maintenance')),
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
  maintenance_update_id INTEGER REFERENCES maintenance_updates(id)
);
INSERT INTO outbox_new (id, kind, subscriber_id, webhook_id, incident_id, update_id, state, attempts, next_attempt_at,
                        lease_until, lease_owner, created_at, sent_at, last_error, service_event_id)
  SELECT id, kind, subscriber_id, webhook_id, incident_id, update_id, state, attempts, next_attempt_at,
         lease_until, lease_owner, created_at, sent_at, last_error, service_event_id FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('queued','retrying');
CREATE INDEX outbox_by_update ON outbox(update_id, state);
CREATE UNIQUE INDEX outbox_once ON outbox(update_id, subscriber_id) WHERE kind = 'incident';
CREATE UNIQUE INDEX outbox_maintenance_once ON outbox(maintenance_update_id, subscriber_id) WHERE kind = 'maintenance';
