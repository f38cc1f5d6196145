-- Catalog and the shared stock (DESIGN.md §3). Quantities are BIGINT thousandths of the
-- product's unit, money BIGINT kopecks, times UTC milliseconds.
CREATE TABLE category (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES category (id),
    name       TEXT    NOT NULL
);
CREATE UNIQUE INDEX category_parent_name_key ON category (COALESCE(parent_id, 0), name);

CREATE TABLE product (
    id           INTEGER PRIMARY KEY,
    sku          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    name_search  TEXT    NOT NULL,
    category_id  INTEGER REFERENCES category (id),
    unit         TEXT    NOT NULL CHECK (unit IN ('pcs', 'kg', 'm', 'l', 'pack')),
    price        INTEGER NOT NULL CHECK (price >= 0),
    cost         INTEGER NOT NULL CHECK (cost >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX product_sku_key ON product (sku);
CREATE INDEX product_category_idx ON product (category_id);

CREATE TABLE product_barcode (
    barcode     TEXT    PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES product (id)
);
CREATE INDEX product_barcode_product_idx ON product_barcode (product_id);

-- Stored both ways: (a, b) and (b, a).
CREATE TABLE product_alternative (
    product_id      INTEGER NOT NULL REFERENCES product (id),
    alternative_id  INTEGER NOT NULL REFERENCES product (id),
    PRIMARY KEY (product_id, alternative_id),
    CHECK (product_id <> alternative_id)
);

CREATE TABLE stock_level (
    product_id   INTEGER NOT NULL REFERENCES product (id),
    location_id  INTEGER NOT NULL REFERENCES location (id),
    on_hand      INTEGER NOT NULL DEFAULT 0,
    reserved     INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (product_id, location_id),
    CHECK (reserved >= 0 AND reserved <= on_hand)
);
CREATE INDEX stock_level_location_idx ON stock_level (location_id);

-- A stock document: receipt, transfer, write-off, return or count.
CREATE TABLE stock_doc (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('receipt', 'transfer', 'write_off', 'return', 'count', 'sale')),
    status          TEXT    NOT NULL CHECK (status IN ('done', 'in_transit')),
    location_id     INTEGER NOT NULL REFERENCES location (id),
    to_location_id  INTEGER REFERENCES location (id),
    reason          TEXT    NOT NULL DEFAULT '',
    comment         TEXT    NOT NULL DEFAULT '',
    author_id       INTEGER NOT NULL REFERENCES employee (id),
    created_at      INTEGER NOT NULL,
    received_at     INTEGER,
    received_by     INTEGER REFERENCES employee (id)
);
CREATE INDEX stock_doc_created_idx ON stock_doc (created_at);

CREATE TABLE stock_doc_line (
    id          INTEGER PRIMARY KEY,
    doc_id      INTEGER NOT NULL REFERENCES stock_doc (id),
    product_id  INTEGER NOT NULL REFERENCES product (id),
    qty         INTEGER NOT NULL,
    counted     INTEGER
);
CREATE INDEX stock_doc_line_doc_idx ON stock_doc_line (doc_id);

CREATE TABLE reservation (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES product (id),
    location_id  INTEGER NOT NULL REFERENCES location (id),
    qty          INTEGER NOT NULL CHECK (qty > 0),
    order_id     INTEGER,
    client       TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL CHECK (status IN ('active', 'released', 'fulfilled', 'expired')),
    created_by   INTEGER NOT NULL REFERENCES employee (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    notified_at  INTEGER,
    closed_at    INTEGER
);
CREATE INDEX reservation_product_location_idx ON reservation (product_id, location_id, status);
CREATE INDEX reservation_expiry_idx ON reservation (status, expires_at);

-- The ledger: every change of on-hand stock. on_hand = SUM(qty) per product and location.
CREATE TABLE stock_move (
    id              INTEGER PRIMARY KEY,
    product_id      INTEGER NOT NULL REFERENCES product (id),
    location_id     INTEGER NOT NULL REFERENCES location (id),
    qty             INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('receipt', 'transfer_out', 'transfer_in', 'sale', 'write_off', 'return', 'adjustment')),
    doc_id          INTEGER REFERENCES stock_doc (id),
    reservation_id  INTEGER REFERENCES reservation (id),
    author_id       INTEGER NOT NULL REFERENCES employee (id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX stock_move_product_location_idx ON stock_move (product_id, location_id);
