-- IP telephony (SQLite).
-- Each employee may have a PBX extension (101): calls to it pop up on their screens.
ALTER TABLE employee ADD COLUMN extension TEXT NOT NULL DEFAULT '';
CREATE INDEX employee_extension_idx ON employee (extension);

-- Settings → Telephony: one row. Secrets are never sent back to the screens.
CREATE TABLE telephony_settings (
    id             BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    connector      TEXT   NOT NULL DEFAULT 'none' CHECK (connector IN ('none', 'ami', 'zadarma')),
    ami_host       TEXT   NOT NULL DEFAULT '',
    ami_port       BIGINT NOT NULL DEFAULT 5038,
    ami_user       TEXT   NOT NULL DEFAULT '',
    ami_secret     TEXT   NOT NULL DEFAULT '',
    ami_context    TEXT   NOT NULL DEFAULT 'from-internal',
    webhook_token  TEXT   NOT NULL DEFAULT '',
    zadarma_key    TEXT   NOT NULL DEFAULT '',
    zadarma_secret TEXT   NOT NULL DEFAULT '',
    updated_at     BIGINT NOT NULL DEFAULT 0
);
INSERT INTO telephony_settings (id) VALUES (1);

-- One row per call, by the PBX's id of it (prefixed with the connector): events that
-- come twice or out of order are merged into it.
CREATE TABLE phone_call (
    id             INTEGER PRIMARY KEY,
    call_key       TEXT   NOT NULL,
    direction      TEXT   NOT NULL CHECK (direction IN ('in', 'out')),
    phone          TEXT   NOT NULL DEFAULT '',
    client_id      BIGINT REFERENCES client (id),
    employee_id    BIGINT REFERENCES employee (id),
    shop_id        BIGINT REFERENCES location (id),
    extension      TEXT   NOT NULL DEFAULT '',
    order_id       BIGINT REFERENCES orders (id),
    started_at     BIGINT NOT NULL,
    answered_at    BIGINT,
    ended_at       BIGINT,
    duration       BIGINT NOT NULL DEFAULT 0,
    result         TEXT   NOT NULL DEFAULT 'ringing' CHECK (result IN ('ringing', 'answered', 'completed', 'missed')),
    recording_url  TEXT   NOT NULL DEFAULT '',
    -- The bell's "missed call", taken back if an answer turns up after the hangup.
    missed_note_id BIGINT,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX phone_call_key ON phone_call (call_key);
CREATE INDEX phone_call_client_idx ON phone_call (client_id, started_at);
CREATE INDEX phone_call_employee_idx ON phone_call (employee_id, started_at);
CREATE INDEX phone_call_started_idx ON phone_call (started_at);
CREATE INDEX phone_call_order_idx ON phone_call (order_id);
