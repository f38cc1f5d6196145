-- Business processes, orders and their lines, order history, funds and payments
-- (DESIGN.md §1: orders, payments). Money in kopecks, quantities in thousandths.

-- Counters for numbers unique across the chain ("order:2026" → 1, 2, 3…).
CREATE TABLE counter (
    name   TEXT    PRIMARY KEY,
    value  INTEGER NOT NULL
);

-- A workflow an admin designs: for orders, tasks or projects.
CREATE TABLE process (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('order', 'task', 'project')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX process_name_key ON process (name);

CREATE TABLE stage (
    id          INTEGER PRIMARY KEY,
    process_id  INTEGER NOT NULL REFERENCES process (id),
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    color       TEXT    NOT NULL DEFAULT '#8a8f98',
    kind        TEXT    NOT NULL CHECK (kind IN ('open', 'done', 'cancelled'))
);
CREATE UNIQUE INDEX stage_process_name_key ON stage (process_id, name);

-- An allowed move and the roles that may make it (comma separated role names).
CREATE TABLE stage_transition (
    from_stage_id  INTEGER NOT NULL REFERENCES stage (id),
    to_stage_id    INTEGER NOT NULL REFERENCES stage (id),
    roles          TEXT    NOT NULL,
    PRIMARY KEY (from_stage_id, to_stage_id)
);

-- What runs, in order, when a record enters a stage: reserve_all, release_all, fulfil,
-- create_transfer, notify (param: "manager", "role:accountant" or "employee:12").
CREATE TABLE stage_action (
    id        INTEGER PRIMARY KEY,
    stage_id  INTEGER NOT NULL REFERENCES stage (id),
    position  INTEGER NOT NULL,
    action    TEXT    NOT NULL,
    param     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX stage_action_stage_idx ON stage_action (stage_id, position);

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY,
    number              TEXT    NOT NULL,
    process_id          INTEGER NOT NULL REFERENCES process (id),
    stage_id            INTEGER NOT NULL REFERENCES stage (id),
    client_id           INTEGER REFERENCES client (id),
    manager_id          INTEGER NOT NULL REFERENCES employee (id),
    shop_id             INTEGER NOT NULL REFERENCES location (id),
    fulfilment          TEXT    NOT NULL CHECK (fulfilment IN ('pickup', 'pickup_other', 'delivery')),
    pickup_location_id  INTEGER REFERENCES location (id),
    delivery_address    TEXT    NOT NULL DEFAULT '',
    comment             TEXT    NOT NULL DEFAULT '',
    total               INTEGER NOT NULL CHECK (total >= 0),
    created_by          INTEGER NOT NULL REFERENCES employee (id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    closed_at           INTEGER
);
CREATE UNIQUE INDEX orders_number_key ON orders (number);
CREATE INDEX orders_shop_idx ON orders (shop_id, created_at);
CREATE INDEX orders_client_idx ON orders (client_id);
CREATE INDEX orders_stage_idx ON orders (stage_id);

-- A line: a product sourced from a location, with its reservation while it holds goods.
CREATE TABLE order_line (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    position        INTEGER NOT NULL,
    product_id      INTEGER NOT NULL REFERENCES product (id),
    location_id     INTEGER NOT NULL REFERENCES location (id),
    qty             INTEGER NOT NULL CHECK (qty > 0),
    price           INTEGER NOT NULL CHECK (price >= 0),
    discount        INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    reservation_id  INTEGER REFERENCES reservation (id)
);
CREATE INDEX order_line_order_idx ON order_line (order_id, position);

-- Append-only history of an order: who did what, when.
CREATE TABLE order_event (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    at          INTEGER NOT NULL,
    author_id   INTEGER REFERENCES employee (id),
    kind        TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX order_event_order_idx ON order_event (order_id, id);

-- Cash-flow categories.
CREATE TABLE fund (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX fund_name_key ON fund (name);

CREATE TABLE payment (
    id          INTEGER PRIMARY KEY,
    direction   TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    method      TEXT    NOT NULL CHECK (method IN ('cash', 'card', 'bank')),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    planned     INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
    paid_at     INTEGER NOT NULL,
    fund_id     INTEGER NOT NULL REFERENCES fund (id),
    order_id    INTEGER REFERENCES orders (id),
    client_id   INTEGER REFERENCES client (id),
    author_id   INTEGER NOT NULL REFERENCES employee (id),
    comment     TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX payment_order_idx ON payment (order_id);
CREATE INDEX payment_client_idx ON payment (client_id);
CREATE INDEX payment_paid_idx ON payment (paid_at);

-- Shops a manager may work with beyond their home shop (an admin widens access).
CREATE TABLE employee_shop (
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    location_id  INTEGER NOT NULL REFERENCES location (id),
    PRIMARY KEY (employee_id, location_id)
);
