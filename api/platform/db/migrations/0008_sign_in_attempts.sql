-- Sign-in attempts are counted before the password is checked, not after it failed: a burst
-- of parallel guesses used to be checked in full before the first failure was written.
-- One row per attempt that was let through to a password check (failed, or still running);
-- a successful sign-in removes its pair's rows. `at` is when the check runs, which for an
-- account being slowed down lies in the future: the next attempt queues behind it.
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_attempts (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  address TEXT NOT NULL,
  at      TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_by_account ON sign_in_attempts(account, at);
CREATE INDEX sign_in_attempts_by_address ON sign_in_attempts(address, at);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts(at);
