-- Alert intake: monitoring alerts (Alertmanager, PagerDuty) open draft incidents that nobody
-- outside sees until a comms lead publishes them with a first message written by a person.

-- A token may carry the intake role (post alerts, nothing else). SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt with the same columns and rows.
CREATE TABLE api_tokens_new (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT,
  role         TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin','comms','support','intake'))
);
INSERT INTO api_tokens_new (id, name, token_hash, created_at, last_used_at, revoked_at, role)
  SELECT id, name, token_hash, created_at, last_used_at, revoked_at, role FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;

-- A draft is an incident no reader sees: not on a page, in a feed, the JSON, search, history,
-- a subscriber notice or a webhook; the watchdog, escalations and the plan report skip it.
-- Publishing clears the flag (once: an incident never goes back to being a draft).
ALTER TABLE incidents ADD COLUMN draft INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1));
CREATE INDEX incidents_drafts ON incidents(draft, id) WHERE draft = 1;

-- One row per alert group (Alertmanager's groupKey, PagerDuty's incident id) naming the
-- incident its alerts attach to. The unique key is what makes two concurrent posts of one
-- group open one draft: the second claim finds the first's row.
CREATE TABLE alert_groups (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  source      TEXT NOT NULL CHECK (source IN ('alertmanager','pagerduty')),
  group_key   TEXT NOT NULL,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (source, group_key)
);

-- What each alert said, as an internal timeline on the incident (firing, resolved,
-- acknowledged): never published, shown on the desk and in the admin API.
CREATE TABLE incident_alerts (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  source      TEXT NOT NULL CHECK (source IN ('alertmanager','pagerduty')),
  status      TEXT NOT NULL CHECK (status IN ('firing','resolved','acknowledged')),
  summary     TEXT NOT NULL,
  link        TEXT,
  received_at TEXT NOT NULL
);
CREATE INDEX incident_alerts_by_incident ON incident_alerts(incident_id, id);

-- history_months counts the incidents readers can see: a draft is counted when it is
-- published (its start is then the publication), not when an alert opens it.
DROP TRIGGER history_month_incident;
DROP TRIGGER history_month_service_insert;
DROP TRIGGER history_month_service_delete;

CREATE TRIGGER history_month_incident AFTER INSERT ON incidents WHEN NEW.draft = 0
BEGIN
  INSERT OR IGNORE INTO history_months (service_id, month, incidents) VALUES (0, substr(NEW.started_at, 1, 7), 0);
  UPDATE history_months SET incidents = incidents + 1 WHERE service_id = 0 AND month = substr(NEW.started_at, 1, 7);
END;
CREATE TRIGGER history_month_service_insert AFTER INSERT ON incident_services
WHEN (SELECT draft FROM incidents WHERE id = NEW.incident_id) = 0
BEGIN
  INSERT OR IGNORE INTO history_months (service_id, month, incidents)
    VALUES (NEW.service_id, (SELECT substr(started_at, 1, 7) FROM incidents WHERE id = NEW.incident_id), 0);
  UPDATE history_months SET incidents = incidents + 1
    WHERE service_id = NEW.service_id AND month = (SELECT substr(started_at, 1, 7) FROM incidents WHERE id = NEW.incident_id);
END;
CREATE TRIGGER history_month_service_delete AFTER DELETE ON incident_services
WHEN (SELECT draft FROM incidents WHERE id = OLD.incident_id) = 0
BEGIN
  UPDATE history_months SET incidents = incidents - 1
    WHERE service_id = OLD.service_id AND month = (SELECT substr(started_at, 1, 7) FROM incidents WHERE id = OLD.incident_id);
END;
-- Publication: the incident and the services it names at that moment are counted in the
-- month it is published in.
CREATE TRIGGER history_month_publish AFTER UPDATE OF draft ON incidents WHEN OLD.draft = 1 AND NEW.draft = 0
BEGIN
  INSERT OR IGNORE INTO history_months (service_id, month, incidents) VALUES (0, substr(NEW.started_at, 1, 7), 0);
  UPDATE history_months SET incidents = incidents + 1 WHERE service_id = 0 AND month = substr(NEW.started_at, 1, 7);
  INSERT OR IGNORE INTO history_months (service_id, month, incidents)
    SELECT service_id, substr(NEW.started_at, 1, 7), 0 FROM incident_services WHERE incident_id = NEW.id;
  UPDATE history_months SET incidents = incidents + 1
    WHERE month = substr(NEW.started_at, 1, 7) AND service_id IN (SELECT service_id FROM incident_services WHERE incident_id = NEW.id);
END;
