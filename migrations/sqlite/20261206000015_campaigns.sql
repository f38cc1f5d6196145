-- Email campaigns (SQLite).
-- Settings → Mail: one row. An empty smtp_url means VITRINA_SMTP_URL (or none). The
-- secret signs unsubscribe links (made on first use). window_second/window_count are the
-- rate limit's counter, shared by every instance.
CREATE TABLE mail_settings (
    id               BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    smtp_url         TEXT   NOT NULL DEFAULT '',
    mail_from        TEXT   NOT NULL DEFAULT '',
    rate_per_minute  BIGINT NOT NULL DEFAULT 6000,
    connections      BIGINT NOT NULL DEFAULT 10,
    bounce_token     TEXT   NOT NULL DEFAULT '',
    secret           TEXT   NOT NULL DEFAULT '',
    window_second    BIGINT NOT NULL DEFAULT 0,
    window_count     BIGINT NOT NULL DEFAULT 0,
    updated_at       BIGINT NOT NULL DEFAULT 0
);
INSERT INTO mail_settings (id) VALUES (1);

-- Segments saved by name: a filter (JSON), evaluated live.
CREATE TABLE segment (
    id          INTEGER PRIMARY KEY,
    name        TEXT   NOT NULL,
    filter      TEXT   NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES employee (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX segment_name_key ON segment (name);

CREATE TABLE mail_template (
    id          INTEGER PRIMARY KEY,
    name        TEXT   NOT NULL,
    subject     TEXT   NOT NULL,
    body_text   TEXT   NOT NULL,
    body_html   TEXT   NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL REFERENCES employee (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX mail_template_name_key ON mail_template (name);

-- A campaign keeps its own copy of the content and of the filter; the filter is evaluated
-- once, when it starts, into one campaign_recipient row per client.
CREATE TABLE campaign (
    id            INTEGER PRIMARY KEY,
    name          TEXT   NOT NULL,
    segment       TEXT   NOT NULL,
    template_id   BIGINT REFERENCES mail_template (id),
    subject       TEXT   NOT NULL,
    body_text     TEXT   NOT NULL,
    body_html     TEXT   NOT NULL DEFAULT '',
    sender        TEXT   NOT NULL DEFAULT '',
    status        TEXT   NOT NULL CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'finished', 'cancelled')),
    scheduled_at  BIGINT,
    started_at    BIGINT,
    finished_at   BIGINT,
    created_by    BIGINT NOT NULL REFERENCES employee (id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX campaign_status_idx ON campaign (status);

-- The queue: a sender claims a 'queued' row by a conditional update (FOR UPDATE SKIP
-- LOCKED on PostgreSQL), holds it as 'sending' under a lease while the SMTP server takes
-- the message, then records the outcome. A lease that ran out (the sender died) is not
-- sent again: its outcome is unknown, so it is marked failed, never doubled.
CREATE TABLE campaign_recipient (
    id           INTEGER PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaign (id),
    client_id    BIGINT NOT NULL REFERENCES client (id),
    email        TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'unsubscribed', 'cancelled')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    next_at      BIGINT NOT NULL DEFAULT 0,
    lease_until  BIGINT,
    sent_at      BIGINT,
    reply        TEXT   NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX campaign_recipient_key ON campaign_recipient (campaign_id, client_id);
CREATE INDEX campaign_recipient_queue_idx ON campaign_recipient (status, id);
CREATE INDEX campaign_recipient_client_idx ON campaign_recipient (client_id);
CREATE INDEX campaign_recipient_email_idx ON campaign_recipient (email);

-- What the client's card says of their mail.
ALTER TABLE client ADD COLUMN email_invalid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE client ADD COLUMN email_invalid_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN unsubscribed_at BIGINT;
ALTER TABLE client ADD COLUMN unsubscribed_campaign_id BIGINT;
