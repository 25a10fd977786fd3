package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Digest is a stored daily roundup or weekly reading list.
type Digest struct {
	List    string // "daily" or "weekly"
	Key     string // "2026-08-22" or "2026-W34"
	BuiltAt time.Time
	Quiet   bool   // nothing changed
	Body    []byte // the digest as JSON
	// Entities are the entity ids it concerns.
	Entities []string
}

// SaveDigest stores d unless a digest with its list and key is stored
// already, and returns the stored one: a digest is built once and then
// kept as it was, so that its page, feed entry and mail stay the same.
// With replace, d replaces the stored one.
func (db *DB) SaveDigest(ctx context.Context, d Digest, replace bool) (Digest, error) {
	op := "save digest " + d.List + "/" + d.Key
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return Digest{}, fmt.Errorf("store: %s: %w", op, err)
	}
	defer tx.Rollback()
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM digests WHERE list = $1 AND key = $2`, d.List, d.Key); err != nil {
			return Digest{}, fmt.Errorf("store: %s: %w", op, err)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO digests (list, key, built_at, quiet, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (list, key) DO NOTHING`, d.List, d.Key, formatTime(d.BuiltAt), boolInt(d.Quiet), d.Body)
	if err != nil {
		return Digest{}, fmt.Errorf("store: %s: %w", op, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		for _, e := range d.Entities {
			if _, err := tx.ExecContext(ctx, `INSERT INTO digest_entities (entity, list, key) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, e, d.List, d.Key); err != nil {
				return Digest{}, fmt.Errorf("store: %s: %w", op, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return Digest{}, fmt.Errorf("store: %s: commit: %w", op, err)
	}
	return db.Digest(ctx, d.List, d.Key)
}

// boolInt is b as the INTEGER 0 or 1 that both databases store.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Digest returns the stored digest of list and key, or an error
// wrapping [ErrNotFound].
func (db *DB) Digest(ctx context.Context, list, key string) (Digest, error) {
	d := Digest{List: list, Key: key}
	var built string
	err := db.sql.QueryRowContext(ctx, `SELECT built_at, quiet, body FROM digests WHERE list = $1 AND key = $2`,
		list, key).Scan(&built, &d.Quiet, &d.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return Digest{}, fmt.Errorf("store: digest %s/%s: %w", list, key, ErrNotFound)
	}
	if err != nil {
		return Digest{}, fmt.Errorf("store: digest %s/%s: %w", list, key, err)
	}
	d.BuiltAt, _ = time.Parse(timeLayout, built)
	rows, err := db.sql.QueryContext(ctx, `SELECT entity FROM digest_entities WHERE list = $1 AND key = $2 ORDER BY entity`, list, key)
	if err != nil {
		return Digest{}, fmt.Errorf("store: digest %s/%s: %w", list, key, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return Digest{}, fmt.Errorf("store: digest %s/%s: %w", list, key, err)
		}
		d.Entities = append(d.Entities, e)
	}
	return d, rows.Err()
}

// DigestRef names a stored digest.
type DigestRef struct {
	List, Key string
	BuiltAt   time.Time
}

// DigestsAbout returns the stored digests that concern entity, newest
// key first.
func (db *DB) DigestsAbout(ctx context.Context, entity string) ([]DigestRef, error) {
	return db.digestRefs(ctx, `SELECT d.list, d.key, d.built_at FROM digest_entities e
		JOIN digests d ON d.list = e.list AND d.key = e.key WHERE e.entity = $1 ORDER BY d.key DESC, d.list`, entity)
}

// DigestKeys returns the stored digests of list that are not quiet,
// newest key first, at most limit.
func (db *DB) DigestKeys(ctx context.Context, list string, limit int) ([]DigestRef, error) {
	return db.digestRefs(ctx, `SELECT list, key, built_at FROM digests WHERE list = $1 AND quiet = 0
		ORDER BY key DESC LIMIT $2`, list, limit)
}

func (db *DB) digestRefs(ctx context.Context, query string, args ...any) ([]DigestRef, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list digests: %w", err)
	}
	defer rows.Close()
	var out []DigestRef
	for rows.Next() {
		var r DigestRef
		var built string
		if err := rows.Scan(&r.List, &r.Key, &built); err != nil {
			return nil, fmt.Errorf("store: list digests: %w", err)
		}
		r.BuiltAt, _ = time.Parse(timeLayout, built)
		out = append(out, r)
	}
	return out, rows.Err()
}
