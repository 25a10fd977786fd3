package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// ErrNotFound reports that a snapshot does not exist.
var ErrNotFound = errors.New("not found")

// SnapshotInfo is a snapshot's provenance without its records.
type SnapshotInfo struct {
	ID           int64
	Feed         string
	UpstreamID   string
	UpstreamDate time.Time
	SHA256       string
	Fetched      time.Time
	Source       string
	V4, V6       int
	Records      int
}

const timeLayout = time.RFC3339Nano

// Save stores s as the newest snapshot of its feed, in one transaction,
// and returns its id.
func (db *DB) Save(ctx context.Context, s *ranges.Snapshot) (int64, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: save %s: %w", s.Feed, err)
	}
	defer tx.Rollback()
	v4, v6 := s.PrefixCount()
	res, err := tx.ExecContext(ctx, `INSERT INTO snapshots
		(feed, upstream_id, upstream_date, sha256, fetched_at, source, v4, v6, records)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.Feed, s.UpstreamID, formatTime(s.UpstreamDate), s.SHA256, formatTime(s.Fetched),
		s.Source, v4, v6, len(s.Records))
	if err != nil {
		return 0, fmt.Errorf("store: save %s: %w", s.Feed, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: save %s: %w", s.Feed, err)
	}
	if err := insertRecords(ctx, tx, id, s.Records); err != nil {
		return 0, fmt.Errorf("store: save %s: %w", s.Feed, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: save %s: commit: %w", s.Feed, err)
	}
	return id, nil
}

func insertRecords(ctx context.Context, tx *sql.Tx, id int64, recs []ranges.Record) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO records
		(snapshot_id, prefix, provider, partition, services, region, scope, country, subdivision, city, asn)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range recs {
		if _, err := stmt.ExecContext(ctx, id, r.Prefix.String(), r.Provider, r.Partition,
			strings.Join(r.Services, "\t"), r.Region, r.Scope, r.Country, r.Subdivision, r.City, r.ASN); err != nil {
			return fmt.Errorf("record %s: %w", r.Prefix, err)
		}
	}
	return nil
}

// Current returns the newest snapshot of every feed that has one, ordered
// by feed id.
func (db *DB) Current(ctx context.Context) ([]SnapshotInfo, error) {
	return db.infos(ctx, `SELECT `+infoCols+` FROM snapshots
		WHERE id IN (SELECT max(id) FROM snapshots GROUP BY feed) ORDER BY feed`)
}

// History returns every snapshot of feed, oldest first.
func (db *DB) History(ctx context.Context, feed string) ([]SnapshotInfo, error) {
	return db.infos(ctx, `SELECT `+infoCols+` FROM snapshots WHERE feed = $1 ORDER BY id`, feed)
}

// Info returns one snapshot's provenance.
func (db *DB) Info(ctx context.Context, id int64) (SnapshotInfo, error) {
	infos, err := db.infos(ctx, `SELECT `+infoCols+` FROM snapshots WHERE id = $1`, id)
	if err != nil {
		return SnapshotInfo{}, err
	}
	if len(infos) == 0 {
		return SnapshotInfo{}, fmt.Errorf("store: snapshot %d: %w", id, ErrNotFound)
	}
	return infos[0], nil
}

const infoCols = `id, feed, upstream_id, upstream_date, sha256, fetched_at, source, v4, v6, records`

func (db *DB) infos(ctx context.Context, query string, args ...any) ([]SnapshotInfo, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list snapshots: %w", err)
	}
	defer rows.Close()
	var out []SnapshotInfo
	for rows.Next() {
		var si SnapshotInfo
		var up, fetched string
		if err := rows.Scan(&si.ID, &si.Feed, &si.UpstreamID, &up, &si.SHA256, &fetched,
			&si.Source, &si.V4, &si.V6, &si.Records); err != nil {
			return nil, fmt.Errorf("store: list snapshots: %w", err)
		}
		si.UpstreamDate, _ = time.Parse(timeLayout, up) // empty means unknown
		si.Fetched, _ = time.Parse(timeLayout, fetched)
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list snapshots: %w", err)
	}
	return out, nil
}

// Load returns a snapshot with its records.
func (db *DB) Load(ctx context.Context, id int64) (*ranges.Snapshot, error) {
	si, err := db.Info(ctx, id)
	if err != nil {
		return nil, err
	}
	s := &ranges.Snapshot{Feed: si.Feed, UpstreamID: si.UpstreamID, UpstreamDate: si.UpstreamDate,
		SHA256: si.SHA256, Fetched: si.Fetched, Source: si.Source}
	s.Records, err = db.records(ctx, id, si.Records)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot %d: %w", id, err)
	}
	return s, nil
}

func (db *DB) records(ctx context.Context, id int64, n int) ([]ranges.Record, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT prefix, provider, partition, services, region,
		scope, country, subdivision, city, asn FROM records WHERE snapshot_id = $1 ORDER BY rowid`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]ranges.Record, 0, n)
	for rows.Next() {
		var r ranges.Record
		var pfx, services string
		if err := rows.Scan(&pfx, &r.Provider, &r.Partition, &services, &r.Region, &r.Scope,
			&r.Country, &r.Subdivision, &r.City, &r.ASN); err != nil {
			return nil, err
		}
		if r.Prefix, err = netip.ParsePrefix(pfx); err != nil {
			return nil, fmt.Errorf("corrupt prefix %q: %w", pfx, err)
		}
		if services != "" {
			r.Services = strings.Split(services, "\t")
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FetchState returns the HTTP validators saved for url.
func (db *DB) FetchState(ctx context.Context, url string) (etag, lastModified string, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT etag, last_modified FROM fetch_state WHERE url = $1`, url).
		Scan(&etag, &lastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("store: fetch state %s: %w", url, err)
	}
	return etag, lastModified, nil
}

// SetFetchState saves the HTTP validators of a successful download.
func (db *DB) SetFetchState(ctx context.Context, url, etag, lastModified string) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO fetch_state (url, etag, last_modified) VALUES ($1, $2, $3)
		ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified`,
		url, etag, lastModified)
	if err != nil {
		return fmt.Errorf("store: save fetch state %s: %w", url, err)
	}
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
