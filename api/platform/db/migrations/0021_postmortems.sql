-- The customer-facing postmortem, published on the incident's page (Statuspage's
-- postmortem_body, postmortem_published_at, postmortem_notified_subscribers). Markdown as typed,
-- rendered and sanitised once when published, like an update's message.
--   postmortem_draft        the desk's working copy: internal, never published; null when none
--   postmortem_body         the text customers read; null until first published
--   postmortem_published_at when it was first published
--   postmortem_notified_at  when its subscribers were notified of it (once at most)
ALTER TABLE incidents ADD COLUMN postmortem_draft TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_body TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_published_at TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_notified_at TEXT;
-- The feeds list the newest published postmortems beside the newest updates.
CREATE INDEX incidents_by_postmortem ON incidents(postmortem_published_at) WHERE postmortem_published_at IS NOT NULL;

-- A postmortem's notices go through the one outbox, one row per subscriber, webhook and Slack:
-- kinds 'postmortem' (mail), 'postmortem-webhook', 'postmortem-slack', each naming the incident.
-- Queued once per incident and recipient, whatever asks twice.
CREATE UNIQUE INDEX outbox_postmortem_once ON outbox(incident_id, subscriber_id) WHERE kind = 'postmortem';
CREATE UNIQUE INDEX outbox_postmortem_hook_once ON outbox(incident_id, webhook_id) WHERE kind = 'postmortem-webhook';
CREATE UNIQUE INDEX outbox_postmortem_slack_once ON outbox(incident_id) WHERE kind = 'postmortem-slack';
