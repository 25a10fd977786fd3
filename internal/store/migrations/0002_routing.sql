-- Routing snapshots: one row per import of the two ip-location-db npm
-- packages (ASN and country), kept forever. The current snapshot is the
-- newest row. encoded is the routing table in the format of
-- internal/routing (docs/routing.md), as the index embeds it.
CREATE TABLE routing_snapshots (
    id                INTEGER PRIMARY KEY,
    asn_version       TEXT    NOT NULL,
    asn_integrity     TEXT    NOT NULL,
    asn_sha256        TEXT    NOT NULL,
    country_version   TEXT    NOT NULL,
    country_integrity TEXT    NOT NULL,
    country_sha256    TEXT    NOT NULL,
    fetched_at        TEXT    NOT NULL,
    source            TEXT    NOT NULL DEFAULT '',
    v4                INTEGER NOT NULL,
    v6                INTEGER NOT NULL,
    encoded           BLOB    NOT NULL
);
