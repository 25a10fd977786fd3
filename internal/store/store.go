// Package store keeps range snapshots in an embedded SQLite database
// (modernc.org/sqlite, pure Go) under the data directory.
//
// Every imported snapshot is kept with its provenance; the current
// snapshot of a feed is its newest row. An import is one transaction, so a
// process killed midway leaves the previous snapshots in place.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DBFile is the database file name inside the data directory.
const DBFile = "cloudatlas.db"

// DB is an open store. It is safe for concurrent use.
type DB struct {
	sql  *sql.DB
	path string
}

// Open opens (creating if needed) the store in dir and brings its schema
// up to date.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(ON)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &DB{sql: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *DB) Close() error { return s.sql.Close() }

// Path returns the database file's path.
func (s *DB) Path() string { return s.path }

// migrate applies the embedded migrations not yet recorded, each in its
// own transaction.
func (s *DB) migrate(ctx context.Context) error {
	if _, err := s.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := s.apply(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *DB) apply(ctx context.Context, name string) error {
	base := filepath.Base(name)
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("store: migration %s: name must start with a number", base)
	}
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", base, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return fmt.Errorf("store: migration %s: %w", base, err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("store: migration %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, base); err != nil {
		return fmt.Errorf("store: migration %s: %w", base, err)
	}
	return tx.Commit()
}
