-- Several app instances on one database (SQLite has one instance; the same tables keep one code path).

-- Report constructor runs: started on one instance, polled and cancelled through any.
-- The instance that started a run computes it and writes its progress here; `beat_at`
-- is its last sign of life (a run whose instance died is reported as failed).
CREATE TABLE report_run (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES employee (id),
    state       TEXT   NOT NULL DEFAULT 'running'
                CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
    done        BIGINT NOT NULL DEFAULT 0,
    slices      BIGINT NOT NULL DEFAULT 0,
    -- JSON: the finished table, or the error.
    result      TEXT   NOT NULL DEFAULT '',
    beat_at     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    ended_at    BIGINT
);
CREATE INDEX report_run_ended_idx ON report_run (ended_at);

-- Who is online, chain-wide: each instance lists the people with a socket open on it
-- and beats every few seconds; an instance that stops beating no longer counts.
CREATE TABLE live_instance (
    id       TEXT   NOT NULL PRIMARY KEY,
    seen_at  BIGINT NOT NULL
);
CREATE TABLE live_presence (
    instance_id  TEXT   NOT NULL REFERENCES live_instance (id) ON DELETE CASCADE,
    employee_id  BIGINT NOT NULL REFERENCES employee (id),
    PRIMARY KEY (instance_id, employee_id)
);

-- The chat flood limit counts a sender's recent posts in the database (every instance
-- sees the same count).
CREATE INDEX message_author_idx ON message (author_id, created_at);
CREATE INDEX comment_author_idx ON comment (author_id, created_at);
