-- Range snapshots: one row per imported feed version, kept forever.
CREATE TABLE snapshots (
    id            INTEGER PRIMARY KEY,
    feed          TEXT    NOT NULL,
    upstream_id   TEXT    NOT NULL DEFAULT '',
    upstream_date TEXT    NOT NULL DEFAULT '',
    sha256        TEXT    NOT NULL,
    fetched_at    TEXT    NOT NULL,
    source        TEXT    NOT NULL DEFAULT '',
    v4            INTEGER NOT NULL,
    v6            INTEGER NOT NULL,
    records       INTEGER NOT NULL
);
CREATE INDEX snapshots_feed ON snapshots (feed, id);

-- One row per record of a snapshot, as ranges.Record.
CREATE TABLE records (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    prefix      TEXT    NOT NULL,
    provider    TEXT    NOT NULL,
    partition   TEXT    NOT NULL,
    services    TEXT    NOT NULL DEFAULT '',
    region      TEXT    NOT NULL DEFAULT '',
    scope       TEXT    NOT NULL DEFAULT '',
    country     TEXT    NOT NULL DEFAULT '',
    subdivision TEXT    NOT NULL DEFAULT '',
    city        TEXT    NOT NULL DEFAULT '',
    asn         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX records_snapshot ON records (snapshot_id);

-- HTTP validators of the last successful download of each upstream URL.
CREATE TABLE fetch_state (
    url           TEXT PRIMARY KEY,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT ''
);
