// Package dataset opens the range data of a data directory for lookups:
// the compiled index file when it is current, else the store. It is the
// one place where the command line and the server's loader meet the
// store and the index file; the join ([answer]) and the web server see
// only [answer.Ranges].
package dataset

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// OpenIndex returns the current range index of the store at p: the
// index file of p.Dir when it is current, else rebuilt from the store
// (then [index.Index.Note] may say why the file could not be used or
// saved; the caller shows it once). The file of a data directory with its
// own SQLite store is used without opening the store unless an update
// marked it stale; with another store (PostgreSQL), which other
// processes change, it is used only when it holds the store's current
// snapshots. With no feed loaded it fails with an error of kind
// [answer.Unavailable].
func OpenIndex(ctx context.Context, p store.Place) (*index.Index, error) {
	if p.Local() {
		if ix, err := index.Read(filepath.Join(p.Dir, index.File)); err == nil && !ix.Empty() && ix.Store() == "" {
			return ix, nil
		}
	}
	db, err := p.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ix, err := index.Open(ctx, db, p.Dir)
	if err != nil {
		return nil, err
	}
	if ix.Empty() {
		return nil, answer.Unavailablef(index.ErrEmpty, "%v", index.ErrEmpty)
	}
	return ix, nil
}

// Scanner returns ranges that answer address lookups by scanning ix,
// decoding only the records that match: for a few addresses from a cold
// process that is faster than building the table. Prefix lookups build
// the table on first use. Err reports a decoding failure.
func Scanner(ix *index.Index) *Scan { return &Scan{ix: ix} }

// Scan is the ranges of [Scanner].
type Scan struct {
	ix  *index.Index
	tbl *lpm.Table
	err error
}

// Lookup returns every range containing a, most specific first.
func (s *Scan) Lookup(a netip.Addr) []lpm.Match {
	ms, err := s.ix.Scan(a)
	s.fail(err)
	return ms
}

// Covering returns every range containing p: those containing its first
// address that are no longer than p.
func (s *Scan) Covering(p netip.Prefix) []lpm.Match {
	var out []lpm.Match
	for _, m := range s.Lookup(p.Addr()) {
		if m.Record.Prefix.Bits() <= p.Bits() {
			out = append(out, m)
		}
	}
	return out
}

// Within yields the ranges inside p, from the table built on first use.
func (s *Scan) Within(p netip.Prefix, yield func(lpm.Match) bool) {
	if s.tbl == nil && s.err == nil {
		tbl, err := s.ix.Table()
		s.fail(err)
		s.tbl = tbl
	}
	if s.tbl != nil {
		s.tbl.Within(p, yield)
	}
}

// Err returns the first error met while scanning.
func (s *Scan) Err() error { return s.err }

func (s *Scan) fail(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// Snapshots is the provenance of the loaded range data: the snapshot in
// use per feed, and every stored snapshot per feed, oldest first.
type Snapshots struct {
	Current []store.SnapshotInfo
	History map[string][]store.SnapshotInfo
}

// Loaded is everything a long-running server needs of a data dir.
type Loaded struct {
	Table *lpm.Table // nil when no feed is loaded
	Snapshots
	// Note says, in one line for a log, why the index file was not used
	// or saved ("... no space left on device (ENOSPC); answering from the
	// store"); "" when all went well.
	Note string
}

// Load opens the store at p and builds the lookup table of its current
// snapshots, with their history.
func Load(ctx context.Context, p store.Place) (*Loaded, error) {
	db, err := p.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := index.Open(ctx, db, p.Dir)
	if err != nil {
		return nil, err
	}
	l := &Loaded{Snapshots: Snapshots{Current: cur, History: map[string][]store.SnapshotInfo{}}, Note: ix.Note()}
	for _, c := range cur {
		if l.History[c.Feed], err = db.History(ctx, c.Feed); err != nil {
			return nil, err
		}
	}
	if ix.Empty() {
		return l, nil
	}
	if l.Table, err = ix.Table(); err != nil {
		return nil, err
	}
	return l, nil
}

// IsEmpty reports whether err says that no range data is loaded.
func IsEmpty(err error) bool { return errors.Is(err, index.ErrEmpty) }
