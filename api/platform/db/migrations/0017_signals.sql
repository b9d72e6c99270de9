-- Signals from monitoring (api/features/signals): what Prometheus measured, stored so that a
-- publish never waits for Prometheus and a restart does not fetch 90 days again.
--
-- signal_sources: the catalogue's `availability` and `metrics` expressions (content/services.json),
-- written at start. A service with an availability source has its uptime measured, not posted.
CREATE TABLE signal_sources (
  service_slug TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('availability','metric')),
  -- 0 for the availability; a metric's place in the service's `metrics` list.
  position     INTEGER NOT NULL,
  query        TEXT NOT NULL,
  title        TEXT NOT NULL DEFAULT '',
  unit         TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (service_slug, kind, position)
) WITHOUT ROWID;

-- signal_days: a service's availability averaged over one UTC day, for the expression `query`
-- (an edited expression is fetched anew). `samples`: points Prometheus evaluated with data (0:
-- no data that day). A day fetched after it ended (and settled) is `complete`, never fetched again.
CREATE TABLE signal_days (
  service_slug TEXT NOT NULL,
  day          TEXT NOT NULL,
  query        TEXT NOT NULL,
  availability REAL,
  samples      INTEGER NOT NULL,
  complete     INTEGER NOT NULL,
  fetched_at   TEXT NOT NULL,
  PRIMARY KEY (service_slug, day)
) WITHOUT ROWID;

-- signal_series: a metric chart's points for one span (24h, 7d, 30d), as JSON [[unix seconds, value], …],
-- as last fetched; `failing_since`: set while refreshing it fails (the chart says since when data is missing).
CREATE TABLE signal_series (
  service_slug  TEXT NOT NULL,
  position      INTEGER NOT NULL,
  span          TEXT NOT NULL,
  query         TEXT NOT NULL,
  start_at      TEXT NOT NULL,
  end_at        TEXT NOT NULL,
  step_seconds  INTEGER NOT NULL,
  points        TEXT NOT NULL,
  fetched_at    TEXT NOT NULL,
  failing_since TEXT,
  PRIMARY KEY (service_slug, position, span)
) WITHOUT ROWID;

-- What readers see changes with these: the service's page is published again (api/site/publisher.ts).
CREATE TRIGGER publish_signal_source_insert AFTER INSERT ON signal_sources
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = NEW.service_slug; END;
CREATE TRIGGER publish_signal_source_update AFTER UPDATE ON signal_sources
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = NEW.service_slug; END;
CREATE TRIGGER publish_signal_source_delete AFTER DELETE ON signal_sources
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = OLD.service_slug; END;
CREATE TRIGGER publish_signal_day_insert AFTER INSERT ON signal_days
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = NEW.service_slug; END;
CREATE TRIGGER publish_signal_day_update AFTER UPDATE ON signal_days
WHEN OLD.availability IS NOT NEW.availability OR OLD.samples IS NOT NEW.samples OR OLD.query IS NOT NEW.query
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = NEW.service_slug; END;
CREATE TRIGGER publish_signal_series_insert AFTER INSERT ON signal_series
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = NEW.service_slug; END;
CREATE TRIGGER publish_signal_series_update AFTER UPDATE ON signal_series
WHEN OLD.points IS NOT NEW.points OR OLD.failing_since IS NOT NEW.failing_since
BEGIN INSERT INTO publish_log (entity, entity_id) SELECT 'service', id FROM services WHERE slug = NEW.service_slug; END;
