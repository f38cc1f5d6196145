-- Personal notifications (the bell): one row per recipient. `kind` is checked by the
-- application (new kinds arrive with chat and orders without a table rebuild).
CREATE TABLE notification (
    id           INTEGER PRIMARY KEY,
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    kind         TEXT    NOT NULL,
    subject      TEXT    NOT NULL DEFAULT '',
    detail       TEXT    NOT NULL DEFAULT '',
    link         TEXT    NOT NULL DEFAULT '',
    due_at       INTEGER,
    created_at   INTEGER NOT NULL,
    read_at      INTEGER
);
CREATE INDEX notification_employee_idx ON notification (employee_id, id);
CREATE INDEX notification_unread_idx ON notification (employee_id, read_at);
-- Holds still to warn about, found without scanning closed reservations.
CREATE INDEX reservation_notify_idx ON reservation (status, notified_at, expires_at);
