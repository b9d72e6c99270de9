-- What each entry on a maintenance window's timeline did (scheduled, started, extended, ended,
-- cancelled, or a plain update), so notices, feeds and Slack can say it: an extension keeps
-- the window's status, so the status alone cannot tell it from a plain update.
ALTER TABLE maintenance_updates ADD COLUMN event TEXT NOT NULL DEFAULT 'updated'
  CHECK (event IN ('scheduled','started','extended','ended','cancelled','updated'));

-- Entries written before this column: read from the status each one moved the window to.
UPDATE maintenance_updates SET event = (
  SELECT CASE
    WHEN x.prev IS NULL THEN 'scheduled'
    WHEN x.prev = x.status THEN 'updated'
    WHEN x.status = 'in_progress' THEN 'started'
    WHEN x.prev = 'in_progress' THEN 'ended'
    ELSE 'cancelled' END
  FROM (SELECT id, status, LAG(status) OVER (PARTITION BY maintenance_id ORDER BY created_at, id) AS prev FROM maintenance_updates) x
  WHERE x.id = maintenance_updates.id);
