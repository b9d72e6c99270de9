-- Which database this is: a random id made with it, and made anew by `npm run restore`. The
-- snapshot records the id it was published from, so a start on another database (a deleted file
-- recreated empty, a restored backup) never serves pages published from the one before.
CREATE TABLE database_identity (
  only       INTEGER PRIMARY KEY CHECK (only = 1),
  id         TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO database_identity (only, id, created_at) VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
