-- Support tickets (Jira, Linear, Zendesk, …) linked to an incident. Internal only: never in the
-- snapshot, feeds or public JSON.
CREATE TABLE incident_tickets (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  system TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  url TEXT NOT NULL,
  linked_by TEXT NOT NULL,
  linked_at TEXT NOT NULL,
  UNIQUE (incident_id, system, ticket_id)
);
CREATE INDEX incident_tickets_by_incident ON incident_tickets (incident_id);
