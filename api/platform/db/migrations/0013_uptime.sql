-- The uptime bars read every service's status changes of the last 90 days by time
-- (api/db/uptime.ts): without this index that read would scan the whole history.
CREATE INDEX service_events_by_time ON service_events(at);
