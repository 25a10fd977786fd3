-- The store's identity (key 'id': a random id made when the store was
-- created), which a data directory's index file records so that it is
-- never used with another store (docs/store.md).
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The position of each record in its snapshot. PostgreSQL has no rowid
-- to keep the order in which records were saved; SQLite keeps reading
-- them by rowid, which the rows saved before this column came also have.
ALTER TABLE records ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
