-- A service's status set outside an incident (by the API or the desk), shown on its public page.
-- Changes made by incident updates are in update_service_changes, on the incident's timeline.
CREATE TABLE service_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  service_id  INTEGER NOT NULL REFERENCES services(id),
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX service_events_by_service ON service_events(service_id, at);
