-- Herald's first schema. Times are ISO-8601 UTC strings; statuses use PRODUCT.md's vocabulary.

CREATE TABLE service_groups (
  slug       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  position   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE services (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  group_slug  TEXT REFERENCES service_groups(slug),
  position    INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL DEFAULT 'operational'
              CHECK (status IN ('operational','degraded_performance','partial_outage','major_outage','under_maintenance')),
  source      TEXT NOT NULL DEFAULT 'api' CHECK (source IN ('catalogue','api')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  archived_at TEXT
);

-- The id is the incident's public number: INC-<id>, never reused (AUTOINCREMENT).
CREATE TABLE incidents (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  title          TEXT NOT NULL,
  severity       TEXT NOT NULL CHECK (severity IN ('P0','P1','P2','P3')),
  status         TEXT NOT NULL CHECK (status IN ('investigating','mitigating','monitoring','resolved')),
  impact         TEXT,
  commander      TEXT,
  started_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  resolved_at    TEXT,
  root_cause     TEXT,
  postmortem_url TEXT
);
CREATE INDEX incidents_by_status ON incidents(status, started_at);

CREATE TABLE incident_services (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  service_id  INTEGER NOT NULL REFERENCES services(id),
  PRIMARY KEY (incident_id, service_id)
);
CREATE INDEX incident_services_by_service ON incident_services(service_id);

CREATE TABLE incident_updates (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id    INTEGER NOT NULL REFERENCES incidents(id),
  status         TEXT NOT NULL CHECK (status IN ('investigating','mitigating','monitoring','resolved')),
  message        TEXT NOT NULL,
  eta            TEXT,
  next_update_by TEXT,
  notify         INTEGER NOT NULL DEFAULT 0,
  author         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  edited_at      TEXT
);
CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id, created_at);

CREATE TABLE update_service_changes (
  update_id   INTEGER NOT NULL REFERENCES incident_updates(id),
  service_id  INTEGER NOT NULL REFERENCES services(id),
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  PRIMARY KEY (update_id, service_id)
);

-- Tokens are stored as SHA-256 of the token: they carry 256 random bits, so a fast hash is enough.
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);

-- Every write, with who made it and the record before and after.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_ref TEXT NOT NULL,
  before     TEXT,
  after      TEXT
);
CREATE INDEX audit_log_by_entity ON audit_log(entity, entity_ref, at);
