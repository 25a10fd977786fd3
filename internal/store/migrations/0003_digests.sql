-- What changed: the daily roundups and weekly reading lists, built once
-- and kept (docs/digests.md), the e-mail subscribers and the outbox that
-- sends each issue to each subscriber exactly once.
CREATE TABLE digests (
    list     TEXT    NOT NULL,            -- daily or weekly
    key      TEXT    NOT NULL,            -- 2026-08-22 or 2026-W34
    built_at TEXT    NOT NULL,
    quiet    INTEGER NOT NULL,            -- 1 when nothing changed
    body     BLOB    NOT NULL,            -- the digest as JSON
    PRIMARY KEY (list, key)
);

-- The entities each digest concerns, for the entity pages and feeds.
CREATE TABLE digest_entities (
    entity TEXT NOT NULL,
    list   TEXT NOT NULL,
    key    TEXT NOT NULL,
    PRIMARY KEY (entity, list, key),
    FOREIGN KEY (list, key) REFERENCES digests (list, key) ON DELETE CASCADE
);

-- One row per address and list. state: pending (waiting for the
-- confirmation link), confirmed, unsubscribed. nonce is bound into the
-- signed links; a new subscription after an unsubscribe gets a new one.
CREATE TABLE subscribers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL,     -- lower-cased, for uniqueness
    list            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    nonce           TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    confirm_sent_at TEXT    NOT NULL DEFAULT '',
    confirm_sends   INTEGER NOT NULL DEFAULT 0,
    confirmed_at    TEXT    NOT NULL DEFAULT '',
    unsubscribed_at TEXT    NOT NULL DEFAULT '',
    UNIQUE (email_key, list)
);

-- One row per issue whose recipients were fixed (queued).
CREATE TABLE sends (
    list       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    queued_at  TEXT    NOT NULL,
    recipients INTEGER NOT NULL,
    PRIMARY KEY (list, key)
);

-- One row per (issue, subscriber). state: queued, then sending (written
-- and committed before the SMTP transaction starts), then sent (written
-- after the server accepted the message), failed (a permanent refusal)
-- or skipped (unsubscribed meanwhile).
CREATE TABLE outbox (
    list          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    message_id    TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT    NOT NULL,
    response      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (list, key, subscriber_id)
);
