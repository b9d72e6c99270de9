-- Incremental publishing across processes.
--
-- publish_log: every write transaction that changes what readers see appends what it touched,
-- from triggers, so no command can forget it and every process on the database (or a CLI)
-- bumps the same sequence. A process polls max(seq) and republishes what changed since the
-- last seq it published. Rows are pruned once every process has long seen them.
CREATE TABLE publish_log (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  entity     TEXT NOT NULL CHECK (entity IN ('incident','maintenance','service')),
  entity_id  INTEGER NOT NULL,
  -- For an incident row written by incident_services: a service it gained or lost.
  service_id INTEGER
);

CREATE TRIGGER publish_incident_insert AFTER INSERT ON incidents
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('incident', NEW.id); END;
CREATE TRIGGER publish_incident_update AFTER UPDATE ON incidents
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('incident', NEW.id); END;
CREATE TRIGGER publish_incident_update_edit AFTER UPDATE ON incident_updates
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('incident', NEW.incident_id); END;
CREATE TRIGGER publish_incident_service_insert AFTER INSERT ON incident_services
BEGIN INSERT INTO publish_log (entity, entity_id, service_id) VALUES ('incident', NEW.incident_id, NEW.service_id); END;
CREATE TRIGGER publish_incident_service_delete AFTER DELETE ON incident_services
BEGIN INSERT INTO publish_log (entity, entity_id, service_id) VALUES ('incident', OLD.incident_id, OLD.service_id); END;

CREATE TRIGGER publish_service_insert AFTER INSERT ON services
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('service', NEW.id); END;
-- The catalogue is synced at every start; only a change readers could see is logged.
CREATE TRIGGER publish_service_update AFTER UPDATE ON services
WHEN OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description OR OLD.group_slug IS NOT NEW.group_slug
  OR OLD.position IS NOT NEW.position OR OLD.status IS NOT NEW.status OR OLD.archived_at IS NOT NEW.archived_at
  OR OLD.updated_at IS NOT NEW.updated_at
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('service', NEW.id); END;

CREATE TRIGGER publish_maintenance_insert AFTER INSERT ON maintenances
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('maintenance', NEW.id); END;
CREATE TRIGGER publish_maintenance_update AFTER UPDATE ON maintenances
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('maintenance', NEW.id); END;
CREATE TRIGGER publish_maintenance_service_insert AFTER INSERT ON maintenance_services
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('maintenance', NEW.maintenance_id); END;

-- history_months: how many incidents started in each month, for the whole site (service_id 0)
-- and per service, so the history pages list their months and page through them without
-- counting the whole history on every publish. Kept by triggers; incidents are never deleted
-- and their start never moves.
CREATE TABLE history_months (
  service_id INTEGER NOT NULL,
  month      TEXT NOT NULL,
  incidents  INTEGER NOT NULL,
  PRIMARY KEY (service_id, month)
) WITHOUT ROWID;
INSERT INTO history_months (service_id, month, incidents)
  SELECT 0, substr(started_at, 1, 7), count(*) FROM incidents GROUP BY 2;
INSERT INTO history_months (service_id, month, incidents)
  SELECT x.service_id, substr(i.started_at, 1, 7), count(*) FROM incident_services x JOIN incidents i ON i.id = x.incident_id GROUP BY 1, 2;

CREATE TRIGGER history_month_incident AFTER INSERT ON incidents
BEGIN
  INSERT OR IGNORE INTO history_months (service_id, month, incidents) VALUES (0, substr(NEW.started_at, 1, 7), 0);
  UPDATE history_months SET incidents = incidents + 1 WHERE service_id = 0 AND month = substr(NEW.started_at, 1, 7);
END;
CREATE TRIGGER history_month_service_insert AFTER INSERT ON incident_services
BEGIN
  INSERT OR IGNORE INTO history_months (service_id, month, incidents)
    VALUES (NEW.service_id, (SELECT substr(started_at, 1, 7) FROM incidents WHERE id = NEW.incident_id), 0);
  UPDATE history_months SET incidents = incidents + 1
    WHERE service_id = NEW.service_id AND month = (SELECT substr(started_at, 1, 7) FROM incidents WHERE id = NEW.incident_id);
END;
CREATE TRIGGER history_month_service_delete AFTER DELETE ON incident_services
BEGIN
  UPDATE history_months SET incidents = incidents - 1
    WHERE service_id = OLD.service_id AND month = (SELECT substr(started_at, 1, 7) FROM incidents WHERE id = OLD.incident_id);
END;

-- What the bounded publish queries read: the newest incidents, the recently resolved, the
-- newest updates, a month's incidents, the last change.
CREATE INDEX incidents_by_start ON incidents(started_at, id);
CREATE INDEX incidents_by_resolution ON incidents(resolved_at);
CREATE INDEX incidents_by_change ON incidents(updated_at);
CREATE INDEX incident_updates_by_time ON incident_updates(created_at, id);
