-- Document templates (typst markup with minijinja placeholders), documents generated
-- from them for orders (numbered per kind and year, frozen as PDF), and files attached
-- to orders, documents and clients (the bytes live in the file store; a thumbnail of
-- an image is kept here). Every download is written to download_log.
CREATE TABLE doc_template (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('invoice', 'contract', 'waybill', 'receipt')),
    lang        TEXT    NOT NULL CHECK (lang IN ('ru', 'en')),
    name        TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_by  INTEGER REFERENCES employee (id),
    updated_at  INTEGER NOT NULL
);

CREATE TABLE document (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    shop_id      INTEGER NOT NULL REFERENCES location (id),
    template_id  INTEGER REFERENCES doc_template (id),
    kind         TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    number       TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    pdf          BLOB    NOT NULL,
    pages        INTEGER NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL,
    UNIQUE (kind, year, seq)
);
CREATE INDEX document_order_idx ON document (order_id);

CREATE TABLE stored_file (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT    NOT NULL CHECK (owner_kind IN ('order', 'document', 'client')),
    owner_id     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    mime         TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    storage_key  TEXT    NOT NULL UNIQUE,
    thumb        BLOB,
    uploaded_by  INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX stored_file_owner_idx ON stored_file (owner_kind, owner_id);

CREATE TABLE download_log (
    id           INTEGER PRIMARY KEY,
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    what         TEXT    NOT NULL CHECK (what IN ('document', 'file')),
    item_id      INTEGER NOT NULL,
    at           INTEGER NOT NULL
);
