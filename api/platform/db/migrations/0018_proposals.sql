-- Status proposals: what monitoring says a service's status should be (an alert firing or
-- resolving, later a Prometheus availability signal), waiting for a person to apply or dismiss
-- it. One row per signal and service: the same alert firing again updates its row, so the
-- desk shows one proposal per alert and service however often the alert is re-sent.
--
-- `origin` is who proposes ('alertmanager', 'pagerduty', 'availability', …) and `origin_key`
-- their own id of the signal (an Alertmanager fingerprint, a PagerDuty incident id). `signal`
-- is whether it still fires; `status` the status proposed; `state` what became of it: open
-- (waiting), applied (by a person, or automatically for a service with "autoStatus"),
-- dismissed (by a person; it stays so while the signal fires), closed (the signal resolved
-- with nothing left to do).
CREATE TABLE status_proposals (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  origin      TEXT NOT NULL,
  origin_key  TEXT NOT NULL,
  service_id  INTEGER NOT NULL REFERENCES services(id),
  signal      TEXT NOT NULL CHECK (signal IN ('firing', 'resolved')),
  status      TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('open', 'applied', 'dismissed', 'closed')),
  source      TEXT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  link        TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  decided_at  TEXT,
  decided_by  TEXT,
  UNIQUE (origin, origin_key, service_id)
);
CREATE INDEX status_proposals_by_state ON status_proposals(state, updated_at);
CREATE INDEX status_proposals_by_service ON status_proposals(service_id, signal, state);

-- "autoStatus": true in content/services.json: proposals for the service are applied at once
-- (its status only, never words). Synced from the catalogue at start.
ALTER TABLE services ADD COLUMN auto_status INTEGER NOT NULL DEFAULT 0;

-- A status change applied automatically from a signal, so the service's public timeline can say so.
ALTER TABLE service_events ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0;
