-- Subscribers and the outbox every notice goes through.

-- A subscriber's links (confirm, manage, unsubscribe) are HMACs of the subscriber's id and a
-- random nonce under Herald's secret: nothing stored here is enough to make a link. Clearing
-- or rotating a nonce revokes every link made from it.
CREATE TABLE subscribers (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  email              TEXT NOT NULL UNIQUE COLLATE NOCASE,
  state              TEXT NOT NULL CHECK (state IN ('pending','confirmed','unsubscribed','suppressed')),
  all_services       INTEGER NOT NULL DEFAULT 1,
  manage_nonce       TEXT NOT NULL,
  confirm_nonce      TEXT,
  confirm_expires_at TEXT,
  source             TEXT NOT NULL DEFAULT 'form' CHECK (source IN ('form','import')),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  confirmed_at       TEXT,
  unsubscribed_at    TEXT,
  suppressed_reason  TEXT
);
CREATE INDEX subscribers_by_state ON subscribers(state, created_at);

-- Which services a subscriber follows when not all of them (all_services = 0).
CREATE TABLE subscriber_services (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  service_id    INTEGER NOT NULL REFERENCES services(id),
  PRIMARY KEY (subscriber_id, service_id)
);
CREATE INDEX subscriber_services_by_service ON subscriber_services(service_id, subscriber_id);

-- Outgoing webhooks: Statuspage-shaped JSON signed with the secret (HMAC-SHA256).
CREATE TABLE webhooks (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  url        TEXT NOT NULL,
  secret     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  removed_at TEXT
);

-- One row per notice per recipient, written in the same transaction as the change it
-- announces. The sender claims due rows with a lease (lease_until) so several processes can
-- share the work; a row whose lease ran out (its process died) is claimed again.
-- kind: 'incident' (mail to subscriber_id about update_id), 'confirm' (double opt-in mail),
-- 'welcome' (already subscribed: the manage link), 'webhook' (webhook_id), 'slack'.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL CHECK (kind IN ('incident','confirm','welcome','webhook','slack')),
  subscriber_id   INTEGER,
  webhook_id      INTEGER,
  incident_id     INTEGER,
  update_id       INTEGER,
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','retrying','sent','failed','cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until     TEXT,
  lease_owner     TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('queued','retrying');
CREATE INDEX outbox_by_update ON outbox(update_id, state);
CREATE UNIQUE INDEX outbox_once ON outbox(update_id, subscriber_id) WHERE kind = 'incident';

-- Every delivery attempt and how it ended.
CREATE TABLE delivery_attempts (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  outbox_id INTEGER NOT NULL,
  at        TEXT NOT NULL,
  outcome   TEXT NOT NULL CHECK (outcome IN ('sent','retry','failed','cancelled')),
  detail    TEXT
);
CREATE INDEX delivery_attempts_by_outbox ON delivery_attempts(outbox_id);

-- Herald's own generated secrets (used when HERALD_SECRET is not set).
CREATE TABLE herald_secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at TEXT NOT NULL
);
