-- Foundation: organisation (locations, employees), sessions, API tokens, login throttling.
-- Times are UTC milliseconds since the Unix epoch; flags are 0/1 integers; coordinates are
-- integer micro-degrees (exact, portable through sqlx::Any).
CREATE TABLE location (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('shop', 'warehouse')),
    city        TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    lat_micro   INTEGER NOT NULL CHECK (lat_micro BETWEEN -90000000 AND 90000000),
    lon_micro   INTEGER NOT NULL CHECK (lon_micro BETWEEN -180000000 AND 180000000),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX location_name_key ON location (name);

CREATE TABLE employee (
    id               INTEGER PRIMARY KEY,
    login            TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('admin', 'director', 'accountant', 'manager', 'storekeeper')),
    home_location_id INTEGER REFERENCES location (id),
    password_hash    TEXT    NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX employee_login_key ON employee (login);

CREATE TABLE session (
    token_hash   TEXT    PRIMARY KEY,
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX session_employee_idx ON session (employee_id);

CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL,
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    created_by   INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX api_token_hash_key ON api_token (token_hash);

CREATE TABLE login_failure (
    id     INTEGER PRIMARY KEY,
    login  TEXT    NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX login_failure_login_at_idx ON login_failure (login, failed_at);
