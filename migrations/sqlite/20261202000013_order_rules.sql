-- Order rules: what a move requires (guards, as JSON: {"paid":true,"no_transit":true,…})
-- and which fulfilment kinds it applies to (a comma list; empty = every kind).
ALTER TABLE stage_transition ADD COLUMN guards TEXT NOT NULL DEFAULT '{}';
ALTER TABLE stage_transition ADD COLUMN fulfilments TEXT NOT NULL DEFAULT '';

-- The transfer carrying a line's goods to where the order is fulfilled: while it is in
-- transit the line can't be sold; receiving it reserves the goods there for the order.
ALTER TABLE order_line ADD COLUMN transfer_id INTEGER REFERENCES stock_doc (id);
CREATE INDEX order_line_transfer_idx ON order_line (transfer_id);

-- The fund a payment goes to when none is chosen, by method (cash, card, bank).
CREATE TABLE fund_method (
    method   TEXT    PRIMARY KEY CHECK (method IN ('cash', 'card', 'bank')),
    fund_id  INTEGER NOT NULL REFERENCES fund (id)
);
INSERT INTO fund_method (method, fund_id) SELECT 'cash', id FROM fund WHERE name = 'Розничная выручка';
INSERT INTO fund_method (method, fund_id) SELECT 'card', id FROM fund WHERE name = 'Розничная выручка';
INSERT INTO fund_method (method, fund_id) SELECT 'bank', id FROM fund WHERE name = 'Безналичные поступления';

-- Local time: a zone for the company (IANA name) and one per location ('' = the
-- company's). Orders and payments keep their local day (days since 1970-01-01 on the
-- calendar of the selling shop, for payments without an order the company's): the
-- report aggregates are keyed by it. The app fills it from the zones after this
-- migration (marker 'local_days' in counter) and rebuilds the aggregates.
ALTER TABLE company ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Moscow';
ALTER TABLE location ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN local_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment ADD COLUMN local_day INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET local_day = (created_at + 10800000) / 86400000;
UPDATE payment SET local_day = (paid_at + 10800000) / 86400000;

-- A fund passes shares of what it receives on to other funds (share_bp in hundredths of
-- a percent: 1000 = 10 %). A payment received into it is split when recorded, exactly
-- (largest remainder); payment_part keeps what went on to each other fund, and payments
-- by fund sum those parts (the payment's own fund keeps the rest).
CREATE TABLE fund_split (
    fund_id     INTEGER NOT NULL REFERENCES fund (id),
    to_fund_id  INTEGER NOT NULL REFERENCES fund (id),
    share_bp    INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    PRIMARY KEY (fund_id, to_fund_id),
    CHECK (fund_id <> to_fund_id)
);
CREATE TABLE payment_part (
    payment_id  INTEGER NOT NULL REFERENCES payment (id),
    fund_id     INTEGER NOT NULL REFERENCES fund (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (payment_id, fund_id)
);
