-- Login attempts counted atomically: one row per key ("login:<login>@<address>" and
-- "address:<address>"), bumped by one conditional upsert before a password is checked,
-- so parallel guesses can't pass the limit. Replaces login_failure (count-then-insert).
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_start);
DROP TABLE login_failure;
