-- The comms lead's desk: users and sessions, roles on API tokens, sign-in
-- throttling, and the freshness watchdog's memory (overdue flags and every notice it sent).

-- Passwords are scrypt hashes ("scrypt$N$r$p$salt$hash"); the text never reaches the database.
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  email               TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name                TEXT,
  role                TEXT NOT NULL CHECK (role IN ('admin','comms','support')),
  password_hash       TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  disabled_at         TEXT
);

-- A session cookie carries 256 random bits; only its SHA-256 is stored. A password change
-- deletes every session of the user.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- Failed sign-ins, by account (lowercased email, known or not) and by client address.
CREATE TABLE sign_in_failures (
  scope TEXT NOT NULL CHECK (scope IN ('account','ip')),
  key   TEXT NOT NULL,
  at    TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures(scope, key, at);

-- A token carries a role; tokens made before roles existed keep the admin rights they had.
ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin','comms','support'));

-- An open incident whose next-update deadline passed: flagged once per deadline, with the
-- time the watchdog saw it. A new update moves the deadline and clears the flag.
CREATE TABLE freshness_flags (
  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
  due_at      TEXT NOT NULL,
  flagged_at  TEXT NOT NULL
);

-- Every reminder and escalation, once per (incident, deadline, kind, sequence): the unique key
-- is what stops a restart from repeating one.
CREATE TABLE freshness_notices (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  due_at      TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('reminder','escalation')),
  seq         INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (incident_id, due_at, kind, seq)
);

-- Each notice's deliveries (one per email address, one for the webhook): written pending in the
-- same transaction as the notice, so a crash before sending loses nothing; marked sent after.
CREATE TABLE freshness_deliveries (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id     INTEGER NOT NULL REFERENCES freshness_notices(id),
  channel       TEXT NOT NULL CHECK (channel IN ('email','webhook')),
  target        TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed','skipped')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  claimed_until TEXT,
  sent_at       TEXT,
  UNIQUE (notice_id, channel, target)
);
CREATE INDEX freshness_deliveries_pending ON freshness_deliveries(status);
