-- Tasks and projects: records that run through a process of their kind, assigned to an
-- employee, optionally due, and linked to a client and/or an order.
CREATE TABLE task (
    id           INTEGER PRIMARY KEY,
    process_id   INTEGER NOT NULL REFERENCES process (id),
    stage_id     INTEGER NOT NULL REFERENCES stage (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('task', 'project')),
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    assignee_id  INTEGER REFERENCES employee (id),
    due_at       INTEGER,
    client_id    INTEGER REFERENCES client (id),
    order_id     INTEGER REFERENCES orders (id),
    created_by   INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    closed_at    INTEGER
);
CREATE INDEX task_kind_idx ON task (kind, stage_id);
CREATE INDEX task_assignee_idx ON task (assignee_id);
CREATE INDEX task_client_idx ON task (client_id);
CREATE INDEX task_order_idx ON task (order_id);
