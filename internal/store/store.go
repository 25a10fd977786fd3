// Package store keeps range snapshots, routing snapshots, digests and
// subscribers in a database: an embedded SQLite database
// (modernc.org/sqlite, pure Go) under the data directory by default, or a
// PostgreSQL database (pgx) that several processes share (docs/store.md).
//
// Every imported snapshot is kept with its provenance; the current
// snapshot of a feed is its newest row. An import is one transaction, so a
// process killed midway leaves the previous snapshots in place.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DBFile is the database file name inside the data directory.
const DBFile = "cloudatlas.db"

// DB is an open store. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	path    string // the SQLite file; "" for PostgreSQL
	dialect dialect
	url     string // the PostgreSQL URL; "" for SQLite
}

// Open opens (creating if needed) the store in dir and brings its schema
// up to date. When dir cannot be written (a read-only mount, a full disk)
// and the database exists, it opens it read-only: readers can still
// answer, and a write fails saying why.
func Open(ctx context.Context, dir string) (*DB, error) {
	return openSQLite(ctx, filepath.Join(dir, DBFile))
}

// openSQLite opens (creating if needed) the SQLite database at path.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fail(filepath.Dir(dir), "create data dir", err)
	}
	// Writes take the write lock when they begin (_txlock=immediate), so
	// that a transaction that reads and then writes never fails halfway
	// on another writer's lock: it waits for it (busy_timeout) instead.
	s, err := open(ctx, path, "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=foreign_keys(ON)&_pragma=synchronous(NORMAL)&_txlock=immediate", true)
	if err == nil {
		return s, nil
	}
	if !exists(path) || (unix.Access(dir, unix.W_OK) == nil && fsProblem(dir, err) == nil) {
		return nil, fail(dir, "open "+path, err)
	}
	// The directory cannot be written (a read-only mount), or the disk is
	// full and SQLite cannot create or grow the WAL index beside the
	// database. Read it as it is: a reader answers, a writer fails on its
	// first write with the reason.
	var rerr error
	for _, params := range []string{"mode=ro&_pragma=busy_timeout(10000)", "mode=ro&immutable=1"} {
		var ro *DB
		if ro, rerr = open(ctx, path, params, false); rerr == nil {
			return ro, nil
		}
		if errors.Is(rerr, errOldSchema) {
			return nil, rerr
		}
	}
	return nil, fail(dir, "open "+path, err)
}

// open opens the database at path with the DSN parameters params and
// checks or applies the migrations.
func open(ctx context.Context, path, params string, writable bool) (*DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &DB{sql: db, path: path, dialect: sqlite}
	if writable {
		err = s.migrateWhenFree(ctx)
	} else {
		err = s.checkSchema(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Close closes the database.
func (s *DB) Close() error { return s.sql.Close() }

// Path returns the database file's path; "" for a PostgreSQL store.
func (s *DB) Path() string { return s.path }

// Postgres reports whether the store is a PostgreSQL database.
func (s *DB) Postgres() bool { return s.dialect == postgres }

// migrateWhenFree migrates, trying again while another process holds the
// database: when several processes open a new data dir at once, SQLite
// answers "database is locked" at once, without waiting, to the ones that
// arrive while the first switches the file to WAL mode.
func (s *DB) migrateWhenFree(ctx context.Context) error {
	start := time.Now()
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := s.migrate(ctx)
		if !isBusy(err) || time.Since(start) > busyTimeout {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// busyTimeout is how long a statement waits for another writer (SQLite's
// busy_timeout).
const busyTimeout = 10 * time.Second

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == sqliteBusy
}

// migrate applies the embedded migrations not yet recorded, each in its
// own transaction.
func (s *DB) migrate(ctx context.Context) error {
	// In a transaction that takes the write lock first, so that processes
	// opening a new data dir at once wait for each other.
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if err := createMigrationsTable(ctx, tx, s.dialect); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.apply(ctx, tx, name) }); err != nil {
			return err
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return ensureID(ctx, tx) })
}

// createMigrationsTable creates the table that records the migrations
// applied.
func createMigrationsTable(ctx context.Context, tx *sql.Tx, d dialect) error {
	_, err := tx.ExecContext(ctx, d.rewrite(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL)`))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrationNames returns the embedded migrations in the order to apply.
func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

// inTx runs f in a transaction, committing when it returns nil.
func (s *DB) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

var errOldSchema = errors.New("read-only, and its schema predates this cloudatlas")

// checkSchema verifies that a database opened read-only has every
// migration applied, since it cannot apply them.
func (s *DB) checkSchema(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	var n int
	if err := s.sql.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("store: %s (read-only): %w", s.path, err)
	}
	if n < len(names) {
		return fmt.Errorf("store: %s: %w (%d of %d migrations applied): run an update where it can be written",
			s.path, errOldSchema, n, len(names))
	}
	return nil
}

// apply applies the migration name within tx unless it is recorded as
// applied.
func (s *DB) apply(ctx context.Context, tx *sql.Tx, name string) error {
	base := filepath.Base(name)
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("migration %s: name must start with a number", base)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, s.dialect.rewrite(string(body))); err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, base); err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	return nil
}
