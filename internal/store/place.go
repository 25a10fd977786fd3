package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Place says where a process finds its store. URL names a PostgreSQL
// database (postgres://... or postgresql://...) or an SQLite file
// (sqlite:PATH); empty, or "sqlite:" alone, means the SQLite database in
// Dir (cloudatlas.db), as before stores could be shared. Dir is the
// process's own data directory in every case: its compiled index and
// routing file go there.
type Place struct {
	Dir string
	URL string
}

// In returns the place of the SQLite store in the data directory dir.
func In(dir string) Place { return Place{Dir: dir} }

// The URL forms a store accepts.
const (
	schemePostgres   = "postgres://"
	schemePostgresQL = "postgresql://"
	schemeSQLite     = "sqlite:"
)

// CheckURL returns an error naming url when it is not a store URL:
// postgres://..., postgresql://..., sqlite:PATH, or empty.
func CheckURL(url string) error {
	_, _, err := parseURL(url)
	return err
}

// parseURL returns the dialect of a store URL and, for SQLite, the
// database path ("" for the data directory's).
func parseURL(url string) (dialect, string, error) {
	switch {
	case url == "":
		return sqlite, "", nil
	case strings.HasPrefix(url, schemePostgres), strings.HasPrefix(url, schemePostgresQL):
		return postgres, "", nil
	case strings.HasPrefix(url, schemeSQLite):
		path := strings.TrimPrefix(url, schemeSQLite)
		if strings.HasPrefix(path, "//") {
			return 0, "", fmt.Errorf("store URL %q: write sqlite:PATH (sqlite:/abs/file.db or sqlite:rel/file.db), not sqlite://", url)
		}
		return sqlite, path, nil
	}
	return 0, "", fmt.Errorf("store URL %q: want postgres://USER@HOST:PORT/DB?sslmode=..., postgresql://..., sqlite:PATH, or empty for the data directory's SQLite database", redact(url))
}

// redact hides a password in a URL for messages.
func redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return url
	}
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return url
}

// sqlitePath returns the SQLite database file of p; "" for PostgreSQL.
func (p Place) sqlitePath() string {
	d, path, err := parseURL(p.URL)
	if err != nil || d != sqlite {
		return ""
	}
	if path == "" {
		return filepath.Join(p.Dir, DBFile)
	}
	return path
}

// Open opens (creating and migrating if needed) the store of p, and
// creates the data directory if missing.
func (p Place) Open(ctx context.Context) (*DB, error) {
	d, path, err := parseURL(p.URL)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if d == postgres {
		// The data directory holds this process's index and lock, as it
		// holds the SQLite database otherwise.
		if p.Dir != "" {
			if err := os.MkdirAll(p.Dir, 0o755); err != nil {
				return nil, fmt.Errorf("store: create data dir: %w", err)
			}
		}
		return openPostgres(ctx, p.URL)
	}
	if path == "" {
		return Open(ctx, p.Dir)
	}
	return openSQLite(ctx, path)
}

// Exists reports whether p holds a store, without creating one: an
// SQLite file that exists, or any PostgreSQL database (whose tables the
// first open creates; the database itself is its administrator's).
func (p Place) Exists() bool {
	if p.Shared() {
		return true
	}
	return exists(p.sqlitePath())
}

// Shared reports whether the store is a PostgreSQL database, which other
// processes with other data directories may change: the data directory's
// index file is then checked against the store's generation before use.
func (p Place) Shared() bool {
	d, _, err := parseURL(p.URL)
	return err == nil && d == postgres
}

// Local reports whether the store is the SQLite database in Dir, so that
// Dir's index file, which updates mark stale before they change the
// store, can be trusted without opening the store.
func (p Place) Local() bool {
	d, path, err := parseURL(p.URL)
	if err != nil || d != sqlite {
		return false
	}
	return path == "" || filepath.Clean(path) == filepath.Join(filepath.Clean(p.Dir), DBFile)
}

// String names the store for messages, without a password.
func (p Place) String() string {
	if p.Shared() {
		return redact(p.URL)
	}
	return p.sqlitePath()
}
