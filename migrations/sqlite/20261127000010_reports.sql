-- Reports: aggregates kept up to date in the same transaction as the orders and
-- payments they sum (DESIGN.md §reports), saved constructor reports and dashboard pins.
-- Money in kopecks, quantities in thousandths. grain 0 = a day (bucket = days since
-- 1970-01-01 UTC), grain 1 = a month (bucket = year * 12 + month - 1): a period is read
-- as its whole months plus the days at its edges. shop_id 0 = not tied to a shop.

-- What a line cost the business when it was sold (the product's cost × qty), so margins
-- don't move when a product's cost changes later.
ALTER TABLE order_line ADD COLUMN cost INTEGER NOT NULL DEFAULT 0;
UPDATE order_line SET cost = (SELECT (p.cost * order_line.qty + 500) / 1000 FROM product p WHERE p.id = order_line.product_id);

-- Periods in the constructor and the orders list read orders by date.
CREATE INDEX orders_created_idx ON orders (created_at);

-- Sales of orders not cancelled, by the order's day, shop and manager.
CREATE TABLE agg_sales_shop (
    grain       INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    shop_id     INTEGER NOT NULL,
    manager_id  INTEGER NOT NULL,
    orders      INTEGER NOT NULL DEFAULT 0,
    lines       INTEGER NOT NULL DEFAULT 0,
    revenue     INTEGER NOT NULL DEFAULT 0,
    cost        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, shop_id, manager_id)
);

-- The same by product (categories are read through the product).
CREATE TABLE agg_sales_product (
    grain       INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    shop_id     INTEGER NOT NULL,
    product_id  INTEGER NOT NULL,
    lines       INTEGER NOT NULL DEFAULT 0,
    qty         INTEGER NOT NULL DEFAULT 0,
    revenue     INTEGER NOT NULL DEFAULT 0,
    cost        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, shop_id, product_id)
);

-- Payments made (not planned) by day, the order's shop, manager and process, fund and
-- direction. A payment without an order has shop, manager and process 0.
CREATE TABLE agg_pay (
    grain       INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    shop_id     INTEGER NOT NULL,
    manager_id  INTEGER NOT NULL,
    process_id  INTEGER NOT NULL,
    fund_id     INTEGER NOT NULL,
    direction   TEXT    NOT NULL,
    payments    INTEGER NOT NULL DEFAULT 0,
    amount      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, shop_id, manager_id, process_id, fund_id, direction)
);

-- Payments made by day, shop, client (0 = none) and the order's manager.
CREATE TABLE agg_pay_client (
    grain       INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    shop_id     INTEGER NOT NULL,
    client_id   INTEGER NOT NULL,
    manager_id  INTEGER NOT NULL,
    direction   TEXT    NOT NULL,
    payments    INTEGER NOT NULL DEFAULT 0,
    amount      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, shop_id, client_id, manager_id, direction)
);

-- Per client and shop, all time: what they owe for orders not cancelled, what those
-- cost, what they paid and got back, what is planned.
CREATE TABLE agg_client (
    client_id    INTEGER NOT NULL,
    shop_id      INTEGER NOT NULL,
    orders       INTEGER NOT NULL DEFAULT 0,
    obligations  INTEGER NOT NULL DEFAULT 0,
    cost         INTEGER NOT NULL DEFAULT 0,
    received     INTEGER NOT NULL DEFAULT 0,
    refunded     INTEGER NOT NULL DEFAULT 0,
    planned      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, shop_id)
);

-- Orders not cancelled and not fully paid: what is still due and since which day.
CREATE TABLE agg_due (
    order_id   INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL,
    shop_id    INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    due        INTEGER NOT NULL
);
CREATE INDEX agg_due_client_idx ON agg_due (client_id);

-- A constructor report: its definition (JSON), who made it and which roles see it
-- (comma separated role names; the owner always does).
CREATE TABLE report (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    spec        TEXT    NOT NULL,
    roles       TEXT    NOT NULL DEFAULT '',
    owner_id    INTEGER NOT NULL REFERENCES employee (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX report_name_key ON report (name);

-- Reports an employee pinned to their dashboard, in order.
CREATE TABLE report_pin (
    employee_id  INTEGER NOT NULL REFERENCES employee (id),
    report_id    INTEGER NOT NULL REFERENCES report (id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (employee_id, report_id)
);
