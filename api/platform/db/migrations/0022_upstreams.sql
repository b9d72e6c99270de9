-- Upstream providers (api/features/upstreams, docs/upstreams.md): for each service whose
-- status another company publishes, where Herald reads it and what it last read. One row per
-- service named with an `upstream` in content/services.json, kept in step with the file at start.
CREATE TABLE upstream_states (
  service_id      INTEGER PRIMARY KEY REFERENCES services(id),
  url             TEXT NOT NULL,
  component       TEXT NOT NULL,
  -- How the page names the provider: "Status from <provider>".
  provider        TEXT NOT NULL,
  follow_status   INTEGER NOT NULL DEFAULT 1,
  -- The component's status at the provider at the last good read; null before any.
  upstream_status TEXT CHECK (upstream_status IN ('operational','degraded_performance','partial_outage','major_outage','under_maintenance')),
  -- The provider's open incident naming the component, at the last good read (its title and link); null when none.
  incident_name   TEXT,
  incident_url    TEXT,
  -- 0 once the provider could not be read for several polls in a row (or never was): the page says "status unknown".
  known           INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  last_read_at    TEXT,
  checked_at      TEXT,
  unreadable_since TEXT,
  updated_at      TEXT NOT NULL
);

-- What readers see of a provider changes the service's pages and the JSON: publish it like a service change.
CREATE TRIGGER publish_upstream_insert AFTER INSERT ON upstream_states
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('service', NEW.service_id); END;
CREATE TRIGGER publish_upstream_update AFTER UPDATE ON upstream_states
WHEN OLD.known IS NOT NEW.known OR OLD.upstream_status IS NOT NEW.upstream_status OR OLD.provider IS NOT NEW.provider
  OR OLD.incident_name IS NOT NEW.incident_name OR OLD.incident_url IS NOT NEW.incident_url
  OR OLD.url IS NOT NEW.url OR OLD.follow_status IS NOT NEW.follow_status
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('service', NEW.service_id); END;
CREATE TRIGGER publish_upstream_delete AFTER DELETE ON upstream_states
BEGIN INSERT INTO publish_log (entity, entity_id) VALUES ('service', OLD.service_id); END;
