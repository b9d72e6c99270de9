-- Subscriptions beside email: a customer's own webhook, Slack, Teams or Discord target, with a
-- contact address that confirms it by double opt-in and hears if it is paused. And a choice of
-- events for every subscriber: incidents, maintenance or both (`all`), and for email "only
-- P0/P1" (major_only). Existing subscribers keep getting everything: channel 'email',
-- events 'all', major_only 0.
--
-- A subscriber may now have an email subscription and, with the same contact address, a Slack
-- one: the address is unique among email subscriptions only, a target among its channel's.
-- SQLite cannot drop a UNIQUE or change a CHECK in place, so the table is rebuilt. Foreign keys
-- are on (and cannot be turned off inside the migration's transaction): dropping `subscribers`
-- would delete every `subscriber_services` row through its ON DELETE CASCADE, so that table is
-- rebuilt beside it, pointing at the new one, before the old pair is dropped.
CREATE TABLE subscribers_new (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  channel            TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email','webhook','slack','teams','discord')),
  -- The email channel's address; for the other channels, the contact who confirms and is told of a pause.
  email              TEXT NOT NULL COLLATE NOCASE,
  -- Where the other channels post (an https URL; NULL for email).
  target             TEXT,
  -- The webhook channel's signing secret (HMAC-SHA256, as the admin's webhooks).
  hook_secret        TEXT,
  events             TEXT NOT NULL DEFAULT 'all' CHECK (events IN ('all','incidents','maintenance')),
  major_only         INTEGER NOT NULL DEFAULT 0,
  state              TEXT NOT NULL CHECK (state IN ('pending','confirmed','unsubscribed','suppressed','paused')),
  all_services       INTEGER NOT NULL DEFAULT 1,
  manage_nonce       TEXT NOT NULL,
  confirm_nonce      TEXT,
  confirm_expires_at TEXT,
  source             TEXT NOT NULL DEFAULT 'form' CHECK (source IN ('form','import')),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  confirmed_at       TEXT,
  unsubscribed_at    TEXT,
  suppressed_reason  TEXT,
  -- The first failed delivery to the target since its last success; a day of failures pauses it.
  failing_since      TEXT,
  paused_at          TEXT
);
INSERT INTO subscribers_new (id, email, state, all_services, manage_nonce, confirm_nonce, confirm_expires_at, source, created_at, updated_at,
                             confirmed_at, unsubscribed_at, suppressed_reason)
  SELECT id, email, state, all_services, manage_nonce, confirm_nonce, confirm_expires_at, source, created_at, updated_at,
         confirmed_at, unsubscribed_at, suppressed_reason FROM subscribers;

CREATE TABLE subscriber_services_new (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers_new(id) ON DELETE CASCADE,
  service_id    INTEGER NOT NULL REFERENCES services(id),
  PRIMARY KEY (subscriber_id, service_id)
);
INSERT INTO subscriber_services_new (subscriber_id, service_id) SELECT subscriber_id, service_id FROM subscriber_services;

DROP TABLE subscriber_services;
DROP TABLE subscribers;
-- Renaming rewrites subscriber_services_new's reference to the new name.
ALTER TABLE subscribers_new RENAME TO subscribers;
ALTER TABLE subscriber_services_new RENAME TO subscriber_services;

CREATE INDEX subscribers_by_state ON subscribers(state, created_at);
-- A notice's fan-out queues mail and posts in one statement each: by channel, then state.
CREATE INDEX subscribers_by_channel ON subscribers(channel, state);
CREATE UNIQUE INDEX subscribers_email_once ON subscribers(email) WHERE channel = 'email';
CREATE UNIQUE INDEX subscribers_target_once ON subscribers(channel, target) WHERE channel <> 'email';
CREATE INDEX subscriber_services_by_service ON subscriber_services(service_id, subscriber_id);

-- A subscriber's channel gets each update once, whichever process queues it.
CREATE UNIQUE INDEX outbox_channel_once ON outbox(update_id, subscriber_id)
  WHERE kind IN ('subscriber-webhook','subscriber-slack','subscriber-teams','subscriber-discord') AND update_id IS NOT NULL;
CREATE UNIQUE INDEX outbox_channel_maintenance_once ON outbox(maintenance_update_id, subscriber_id)
  WHERE kind IN ('subscriber-webhook','subscriber-slack','subscriber-teams','subscriber-discord') AND maintenance_update_id IS NOT NULL;
