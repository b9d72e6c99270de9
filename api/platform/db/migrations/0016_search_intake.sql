-- Search: a full-text index (SQLite FTS5) of every incident and maintenance window, so that a
-- search reads a few index pages instead of scanning every title and update with LIKE.
-- Triggers keep it in step with whatever writes the tables (the commands, an import, a
-- restore), in the writer's own transaction: a search never sees an incident half-indexed.
--
-- One row per incident, its rowid the incident's id: the title; `body`, what its public page
-- shows in words (impact, root cause, every update); `internal`, what only the desk may search
-- (the commander). Drafts are indexed too and left out by the query (incidents.draft), so
-- releasing one needs no re-indexing. unicode61 folds case and, with remove_diacritics 2,
-- accents ("eleve" finds "élevé"); the prefix indexes keep short prefixes ("ch*") cheap.
CREATE VIRTUAL TABLE incident_search USING fts5(
  title, body, internal,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '1 2 3'
);

-- The same for maintenance windows: the title and every update of the timeline.
CREATE VIRTUAL TABLE maintenance_search USING fts5(
  title, body,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '1 2 3'
);

INSERT INTO incident_search (rowid, title, body, internal)
  SELECT i.id, i.title,
         coalesce(i.impact, '') || char(10) || coalesce(i.root_cause, '') || char(10) || coalesce((SELECT group_concat(u.message, char(10)) FROM incident_updates u WHERE u.incident_id = i.id), ''),
         coalesce(i.commander, '')
  FROM incidents i;

INSERT INTO maintenance_search (rowid, title, body)
  SELECT m.id, m.title, coalesce((SELECT group_concat(u.message, char(10)) FROM maintenance_updates u WHERE u.maintenance_id = m.id), '')
  FROM maintenances m;

-- An incident's row is written whole again whenever any of its words change: a few updates
-- per incident, so re-reading them costs less than keeping the pieces apart.
CREATE TRIGGER incident_search_insert AFTER INSERT ON incidents
BEGIN
  INSERT INTO incident_search (rowid, title, body, internal)
    VALUES (NEW.id, NEW.title, coalesce(NEW.impact, '') || char(10) || coalesce(NEW.root_cause, ''), coalesce(NEW.commander, ''));
END;

CREATE TRIGGER incident_search_update AFTER UPDATE OF title, impact, root_cause, commander ON incidents
BEGIN
  DELETE FROM incident_search WHERE rowid = NEW.id;
  INSERT INTO incident_search (rowid, title, body, internal)
    SELECT NEW.id, NEW.title,
           coalesce(NEW.impact, '') || char(10) || coalesce(NEW.root_cause, '') || char(10) || coalesce((SELECT group_concat(u.message, char(10)) FROM incident_updates u WHERE u.incident_id = NEW.id), ''),
           coalesce(NEW.commander, '');
END;

CREATE TRIGGER incident_search_delete AFTER DELETE ON incidents
BEGIN
  DELETE FROM incident_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER incident_search_update_insert AFTER INSERT ON incident_updates
BEGIN
  DELETE FROM incident_search WHERE rowid = NEW.incident_id;
  INSERT INTO incident_search (rowid, title, body, internal)
    SELECT i.id, i.title,
           coalesce(i.impact, '') || char(10) || coalesce(i.root_cause, '') || char(10) || coalesce((SELECT group_concat(u.message, char(10)) FROM incident_updates u WHERE u.incident_id = i.id), ''),
           coalesce(i.commander, '')
    FROM incidents i WHERE i.id = NEW.incident_id;
END;

CREATE TRIGGER incident_search_update_edit AFTER UPDATE OF message ON incident_updates
BEGIN
  DELETE FROM incident_search WHERE rowid = NEW.incident_id;
  INSERT INTO incident_search (rowid, title, body, internal)
    SELECT i.id, i.title,
           coalesce(i.impact, '') || char(10) || coalesce(i.root_cause, '') || char(10) || coalesce((SELECT group_concat(u.message, char(10)) FROM incident_updates u WHERE u.incident_id = i.id), ''),
           coalesce(i.commander, '')
    FROM incidents i WHERE i.id = NEW.incident_id;
END;

CREATE TRIGGER incident_search_update_delete AFTER DELETE ON incident_updates
BEGIN
  DELETE FROM incident_search WHERE rowid = OLD.incident_id;
  INSERT INTO incident_search (rowid, title, body, internal)
    SELECT i.id, i.title,
           coalesce(i.impact, '') || char(10) || coalesce(i.root_cause, '') || char(10) || coalesce((SELECT group_concat(u.message, char(10)) FROM incident_updates u WHERE u.incident_id = i.id), ''),
           coalesce(i.commander, '')
    FROM incidents i WHERE i.id = OLD.incident_id;
END;

CREATE TRIGGER maintenance_search_insert AFTER INSERT ON maintenances
BEGIN
  INSERT INTO maintenance_search (rowid, title, body) VALUES (NEW.id, NEW.title, '');
END;

CREATE TRIGGER maintenance_search_title AFTER UPDATE OF title ON maintenances
BEGIN
  DELETE FROM maintenance_search WHERE rowid = NEW.id;
  INSERT INTO maintenance_search (rowid, title, body)
    SELECT NEW.id, NEW.title, coalesce((SELECT group_concat(u.message, char(10)) FROM maintenance_updates u WHERE u.maintenance_id = NEW.id), '');
END;

CREATE TRIGGER maintenance_search_delete AFTER DELETE ON maintenances
BEGIN
  DELETE FROM maintenance_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER maintenance_search_update_insert AFTER INSERT ON maintenance_updates
BEGIN
  DELETE FROM maintenance_search WHERE rowid = NEW.maintenance_id;
  INSERT INTO maintenance_search (rowid, title, body)
    SELECT m.id, m.title, coalesce((SELECT group_concat(u.message, char(10)) FROM maintenance_updates u WHERE u.maintenance_id = m.id), '')
    FROM maintenances m WHERE m.id = NEW.maintenance_id;
END;

CREATE TRIGGER maintenance_search_update_edit AFTER UPDATE OF message ON maintenance_updates
BEGIN
  DELETE FROM maintenance_search WHERE rowid = NEW.maintenance_id;
  INSERT INTO maintenance_search (rowid, title, body)
    SELECT m.id, m.title, coalesce((SELECT group_concat(u.message, char(10)) FROM maintenance_updates u WHERE u.maintenance_id = m.id), '')
    FROM maintenances m WHERE m.id = NEW.maintenance_id;
END;

CREATE TRIGGER maintenance_search_update_delete AFTER DELETE ON maintenance_updates
BEGIN
  DELETE FROM maintenance_search WHERE rowid = OLD.maintenance_id;
  INSERT INTO maintenance_search (rowid, title, body)
    SELECT m.id, m.title, coalesce((SELECT group_concat(u.message, char(10)) FROM maintenance_updates u WHERE u.maintenance_id = m.id), '')
    FROM maintenances m WHERE m.id = OLD.maintenance_id;
END;

-- Alert intake: the PagerDuty events already taken, by PagerDuty's event id, so that a delivery
-- sent again (PagerDuty retries one it thinks failed) or a captured one replayed is taken once.
-- Rows older than the replay window are pruned as new ones arrive: an event that old is refused
-- by its `occurred_at` anyway.
CREATE TABLE intake_events (
  source      TEXT NOT NULL CHECK (source IN ('alertmanager','pagerduty')),
  event_id    TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (source, event_id)
);
CREATE INDEX intake_events_by_time ON intake_events(occurred_at);
