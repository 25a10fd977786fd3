package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"slices"
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
	return db.SaveIf(ctx, s, nil)
}

// Accept decides, inside the transaction that saves a snapshot, whether
// it may be saved. cur is the feed's current snapshot and same the newest
// stored snapshot of the feed with the same SHA256; each is nil when
// there is none. An error cancels the save and is returned unwrapped.
type Accept func(cur, same *SnapshotInfo) error

// SaveIf stores s as the newest snapshot of its feed if accept (when not
// nil) agrees, and returns its id. The check and the save are one write
// transaction: no other writer can slip a snapshot in between.
func (db *DB) SaveIf(ctx context.Context, s *ranges.Snapshot, accept Accept) (int64, error) {
	op := "save " + s.Feed
	tx, err := db.sql.BeginTx(ctx, nil) // immediate: takes the write lock now
	if err != nil {
		return 0, db.fail(op, err)
	}
	defer tx.Rollback()
	if err := db.dialect.exclusive(ctx, tx, "snapshots"); err != nil {
		return 0, db.fail(op, err)
	}
	if accept != nil {
		cur, same, err := db.neighbours(ctx, tx, s)
		if err != nil {
			return 0, db.fail(op, err)
		}
		if err := accept(cur, same); err != nil {
			return 0, err
		}
	}
	id, err := db.insertSnapshot(ctx, tx, s)
	if err != nil {
		return 0, db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, db.fail(op+": commit", err)
	}
	return id, nil
}

// neighbours returns, within tx, the current snapshot of s's feed and
// the newest one with the same content, or nil.
func (db *DB) neighbours(ctx context.Context, tx *sql.Tx, s *ranges.Snapshot) (cur, same *SnapshotInfo, err error) {
	first := func(infos []SnapshotInfo, err error) (*SnapshotInfo, error) {
		if err != nil || len(infos) == 0 {
			return nil, err
		}
		return &infos[0], nil
	}
	cur, err = first(infos(ctx, tx, `SELECT `+infoCols+` FROM snapshots WHERE feed = $1 ORDER BY id DESC LIMIT 1`, s.Feed))
	if err != nil {
		return nil, nil, err
	}
	same, err = first(infos(ctx, tx, `SELECT `+infoCols+` FROM snapshots WHERE feed = $1 AND sha256 = $2
		ORDER BY id DESC LIMIT 1`, s.Feed, s.SHA256))
	return cur, same, err
}

func (db *DB) insertSnapshot(ctx context.Context, tx *sql.Tx, s *ranges.Snapshot) (int64, error) {
	v4, v6 := s.PrefixCount()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO snapshots
		(feed, upstream_id, upstream_date, sha256, fetched_at, source, v4, v6, records)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		s.Feed, s.UpstreamID, formatTime(s.UpstreamDate), s.SHA256, formatTime(s.Fetched),
		s.Source, v4, v6, len(s.Records)).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, db.insertRecords(ctx, tx, id, s.Records)
}

// recordCols are the columns of a record row, in the order
// [DB.insertRecords] passes them.
const recordCols = 12

// insertRecords saves recs as the records of snapshot id: one prepared
// row at a time on SQLite, where a statement costs no round trip, and
// many rows per statement on PostgreSQL, where each costs one.
func (db *DB) insertRecords(ctx context.Context, tx *sql.Tx, id int64, recs []ranges.Record) error {
	rows := 1
	if db.dialect == postgres {
		rows = 1000 // 12,000 parameters, within PostgreSQL's 65,535
	}
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, rows*recordCols)
	for start := 0; start < len(recs); start += rows {
		batch := recs[start:min(start+rows, len(recs))]
		if stmt == nil || len(batch) != rows {
			if stmt != nil {
				stmt.Close()
			}
			var err error
			if stmt, err = tx.PrepareContext(ctx, insertRecordsSQL(len(batch))); err != nil {
				return err
			}
		}
		args = args[:0]
		for i, r := range batch {
			args = append(args, id, start+i, r.Prefix.String(), r.Provider, r.Partition,
				strings.Join(r.Services, "\t"), r.Region, r.Scope, r.Country, r.Subdivision, r.City, r.ASN)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("records %s to %s: %w", batch[0].Prefix, batch[len(batch)-1].Prefix, err)
		}
	}
	return nil
}

// insertRecordsSQL is the statement that inserts n records.
func insertRecordsSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO records (snapshot_id, seq, prefix, provider, partition, services, region, scope,
		country, subdivision, city, asn) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range recordCols {
			if c > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", i*recordCols+c+1)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Current returns the current snapshot of every feed that has one, ordered
// by feed id: the one saved last (an update never saves a snapshot older
// than the current one unless forced to).
func (db *DB) Current(ctx context.Context) ([]SnapshotInfo, error) {
	return infos(ctx, db.sql, `SELECT `+infoCols+` FROM snapshots
		WHERE id IN (SELECT max(id) FROM snapshots GROUP BY feed) ORDER BY feed`)
}

// History returns every snapshot of feed in the order they came into
// force: by [SnapshotInfo.InForceFrom], then by id.
func (db *DB) History(ctx context.Context, feed string) ([]SnapshotInfo, error) {
	hist, err := infos(ctx, db.sql, `SELECT `+infoCols+` FROM snapshots WHERE feed = $1 ORDER BY id`, feed)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(hist, func(a, b SnapshotInfo) int {
		return cmp.Or(a.InForceFrom().Compare(b.InForceFrom()), cmp.Compare(a.ID, b.ID))
	})
	return hist, nil
}

// InForceFrom is the date from which a snapshot describes its feed: the
// feed's own date (in the file, else the server's Last-Modified, else for
// a history file the date in its name), else when it was fetched.
func (si SnapshotInfo) InForceFrom() time.Time {
	if !si.UpstreamDate.IsZero() {
		return si.UpstreamDate
	}
	return si.Fetched
}

// InForceAt returns the snapshot of hist (as [DB.History] orders it) in
// force at t: the last one in force from t or earlier. It returns false
// when t is before the first snapshot.
func InForceAt(hist []SnapshotInfo, t time.Time) (SnapshotInfo, bool) {
	i, _ := slices.BinarySearchFunc(hist, t, func(si SnapshotInfo, t time.Time) int {
		if si.InForceFrom().After(t) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return SnapshotInfo{}, false
	}
	return hist[i-1], true
}

// Info returns one snapshot's provenance.
func (db *DB) Info(ctx context.Context, id int64) (SnapshotInfo, error) {
	got, err := infos(ctx, db.sql, `SELECT `+infoCols+` FROM snapshots WHERE id = $1`, id)
	if err != nil {
		return SnapshotInfo{}, err
	}
	if len(got) == 0 {
		return SnapshotInfo{}, fmt.Errorf("store: snapshot %d: %w", id, ErrNotFound)
	}
	return got[0], nil
}

const infoCols = `id, feed, upstream_id, upstream_date, sha256, fetched_at, source, v4, v6, records`

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func infos(ctx context.Context, q querier, query string, args ...any) ([]SnapshotInfo, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
		scope, country, subdivision, city, asn FROM records WHERE snapshot_id = $1 ORDER BY `+db.dialect.recordOrder(), id)
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
