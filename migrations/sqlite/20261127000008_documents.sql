-- The company's requisites for documents (one row): legal name, tax numbers, bank.
CREATE TABLE company (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    name           TEXT    NOT NULL DEFAULT '',
    legal_address  TEXT    NOT NULL DEFAULT '',
    inn            TEXT    NOT NULL DEFAULT '',
    kpp            TEXT    NOT NULL DEFAULT '',
    ogrn           TEXT    NOT NULL DEFAULT '',
    bank           TEXT    NOT NULL DEFAULT '',
    bik            TEXT    NOT NULL DEFAULT '',
    account        TEXT    NOT NULL DEFAULT '',
    corr_account   TEXT    NOT NULL DEFAULT '',
    director       TEXT    NOT NULL DEFAULT '',
    accountant     TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    email          TEXT    NOT NULL DEFAULT '',
    updated_at     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO company (id) VALUES (1);
