-- Chat: the company-wide chat (kind 'general', everyone is in it) and private chats with
-- chosen members; messages with replies, edits, deletion marks and attachments.
-- Comments: a feed on any record (order, task or project, client) with followers.
CREATE TABLE chat (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('general', 'private')),
    title            TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES employee (id),
    created_at       INTEGER NOT NULL,
    last_message_at  INTEGER
);

-- Members of private chats; for the general chat a row only keeps the read mark.
CREATE TABLE chat_member (
    chat_id       INTEGER NOT NULL REFERENCES chat (id),
    employee_id   INTEGER NOT NULL REFERENCES employee (id),
    last_read_id  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_id, employee_id)
);
CREATE INDEX chat_member_employee_idx ON chat_member (employee_id);

CREATE TABLE attachment (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    mime         TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB    NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE message (
    id             INTEGER PRIMARY KEY,
    chat_id        INTEGER NOT NULL REFERENCES chat (id),
    author_id      INTEGER NOT NULL REFERENCES employee (id),
    body           TEXT    NOT NULL,
    -- Lower-cased body for search (folded in Rust: SQLite's lower() is ASCII-only).
    body_fold      TEXT    NOT NULL,
    reply_to_id    INTEGER REFERENCES message (id),
    attachment_id  INTEGER REFERENCES attachment (id),
    created_at     INTEGER NOT NULL,
    edited_at      INTEGER,
    deleted_at     INTEGER
);
CREATE INDEX message_chat_idx ON message (chat_id, id);

CREATE TABLE comment (
    id             INTEGER PRIMARY KEY,
    record_kind    TEXT    NOT NULL CHECK (record_kind IN ('order', 'task', 'client')),
    record_id      INTEGER NOT NULL,
    author_id      INTEGER NOT NULL REFERENCES employee (id),
    body           TEXT    NOT NULL,
    attachment_id  INTEGER REFERENCES attachment (id),
    created_at     INTEGER NOT NULL,
    edited_at      INTEGER,
    deleted_at     INTEGER
);
CREATE INDEX comment_record_idx ON comment (record_kind, record_id, id);

-- Who hears of new comments on a record: its commenters and those mentioned there.
CREATE TABLE record_follower (
    record_kind  TEXT    NOT NULL,
    record_id    INTEGER NOT NULL,
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    PRIMARY KEY (record_kind, record_id, employee_id)
);

ALTER TABLE employee ADD COLUMN last_seen_at INTEGER;

INSERT INTO chat (kind, title, created_at) VALUES ('general', '', 0);

-- A file is attached to one message or comment at most (checked, and enforced here).
CREATE UNIQUE INDEX message_attachment_idx ON message (attachment_id) WHERE attachment_id IS NOT NULL;
CREATE UNIQUE INDEX comment_attachment_idx ON comment (attachment_id) WHERE attachment_id IS NOT NULL;
