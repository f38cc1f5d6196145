-- Idempotency keys: a client (the tablet's offline queue, the online shop) sends one key
-- with each request that creates (a reservation, an order, a payment); the first request
-- claims it in the same transaction as the record, so a replay finds the claim and gets
-- the record already made instead of a second one. Keys are per author; the request's
-- hash tells a replay from a reuse of the key for something else.
CREATE TABLE idempotency (
    author_id    BIGINT NOT NULL REFERENCES employee (id),
    idem_key     TEXT   NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('reservation', 'order', 'payment')),
    request_hash TEXT   NOT NULL,
    record_id    BIGINT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (author_id, idem_key)
);
CREATE INDEX idempotency_created_idx ON idempotency (created_at);
