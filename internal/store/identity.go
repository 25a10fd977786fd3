package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// ensureID gives the store its identity if it has none yet: a random id
// made once, kept in store_meta.
func ensureID(ctx context.Context, tx *sql.Tx) error {
	b := make([]byte, 16)
	rand.Read(b)
	if _, err := tx.ExecContext(ctx, `INSERT INTO store_meta (key, value) VALUES ('id', $1)
		ON CONFLICT (key) DO NOTHING`, hex.EncodeToString(b)); err != nil {
		return fmt.Errorf("store identity: %w", err)
	}
	return nil
}

// ID returns the store's identity: a random id made when the store was
// created, the same for every process that opens it. A data directory's
// index file records it, so that a file compiled from one store is never
// used with another. It is "" for an SQLite store opened read-only
// before it got one.
func (db *DB) ID(ctx context.Context) (string, error) {
	var id string
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM store_meta WHERE key = 'id'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: identity: %w", err)
	}
	return id, nil
}
