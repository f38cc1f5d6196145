-- Clients (buyers) and their phones. Phones are digits with the country code; the same
-- phone may sit on several cards (a family), which the form flags but allows.
CREATE TABLE client (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    name_search  TEXT    NOT NULL,
    email        TEXT    NOT NULL DEFAULT '',
    notes        TEXT    NOT NULL DEFAULT '',
    consent      INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    created_by   INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX client_name_idx ON client (name_search);

CREATE TABLE client_phone (
    client_id  INTEGER NOT NULL REFERENCES client (id),
    phone      TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (client_id, phone)
);
CREATE INDEX client_phone_phone_idx ON client_phone (phone);
