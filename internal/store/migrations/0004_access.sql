-- Access to the JSON API (docs/access.md): organisations with a plan
-- (a name of data/plans.yaml), their API tokens (only a SHA-256 of each
-- is kept, with a short non-secret prefix for listings) and the request
-- counts of each organisation per quota window, shared by every serve
-- process on the store.
CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    plan       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    prefix       TEXT    NOT NULL,
    sha256       TEXT    NOT NULL UNIQUE,  -- hex SHA-256 of the whole token
    created_at   TEXT    NOT NULL,
    last_used_at TEXT    NOT NULL DEFAULT '',
    revoked_at   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX tokens_prefix ON tokens (prefix);

-- span: minute or day; starts_at: the window's start (RFC 3339, UTC).
-- Minute rows are pruned after an hour; day rows are kept as usage history.
CREATE TABLE quota_counts (
    org_id    INTEGER NOT NULL REFERENCES orgs (id),
    span      TEXT    NOT NULL,
    starts_at TEXT    NOT NULL,
    requests  INTEGER NOT NULL,
    PRIMARY KEY (org_id, span, starts_at)
);
