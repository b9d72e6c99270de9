-- Webhooks hear of a service's status set outside an incident too (Statuspage's component
-- updates): such an outbox row names the service event instead of an incident update.
ALTER TABLE outbox ADD COLUMN service_event_id INTEGER REFERENCES service_events(id);
