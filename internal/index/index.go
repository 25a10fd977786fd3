// Package index keeps the compiled lookup data: the current snapshot of
// every feed, read from the store and saved as one binary file
// (index.bin) in the data directory, so that a new process can start
// answering in milliseconds without querying the database row by row.
//
// The file is written to a temporary name and renamed into place, so a
// reader sees either the old or the new file; the old one is never
// removed first. An update, holding the data directory's lock
// (internal/dirlock), marks the file stale ([Invalidate]) before it
// changes the store and writes it afresh after ([Refresh]), so a file
// without the mark is current and a reader can use it without opening
// the database ([Read]). Its header lists the snapshot ids it holds;
// [Open] compiles the index from the store when the file is missing,
// marked, corrupt or holds other snapshots, and answers from memory when
// the file cannot be written (a read-only or full disk).
package index

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/mapped"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// File is the index file name inside the data directory.
const File = "index.bin"

// ErrEmpty reports that no feed has been loaded yet.
var ErrEmpty = errors.New("no range data loaded: run \"cloudatlas update\" to download the feeds, or \"cloudatlas update --from DIR\" to import them from a directory")

// Index is the current snapshot of every feed. Records are decoded
// lazily: [Index.Scan] decodes only the records that match, [Index.Sets]
// decodes everything once.
type Index struct {
	data []byte // the encoded file
	strs []string
	raw  []rawSet
	sets []lpm.Set // decoded, in feed precedence order; nil until needed
	note string    // see [Index.Note]
	// store identifies the store the index was compiled from; "" for
	// the SQLite database of the index file's own data directory.
	store string
}

// Open returns the index of the store in dir: the index file when it
// holds the current snapshots, else compiled from the store. A compiled
// index is saved for the next reader when no update is running and the
// directory can be written; when it cannot be saved, or the file was
// corrupt, [Index.Note] says so, and the index answers all the same.
func Open(ctx context.Context, db *store.DB, dir string) (*Index, error) {
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, err
	}
	tag, err := StoreTag(ctx, db, dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, File)
	old, rerr := readFile(path)
	if rerr == nil && old.store == tag && old.holds(cur) {
		if marked(path) {
			clearIfIdle(dir)
		}
		return old, nil
	}
	ix, err := compile(ctx, db, cur, tag)
	if err != nil {
		return nil, err
	}
	ix.note = ix.saveIfIdle(ctx, db, dir, cur)
	if ix.note == "" && errors.Is(rerr, errCorrupt) {
		ix.note = fmt.Sprintf("index: %s: %v; rebuilt from the store", path, errors.Unwrap(rerr))
	}
	return ix, nil
}

// Refresh brings the index file of dir up to date with the store and
// clears the mark [Invalidate] left. It is for the holder of the update
// lock. When the file cannot be written it returns the compiled index
// with a [*WriteError]: readers then answer from the store.
func Refresh(ctx context.Context, db *store.DB, dir string) (*Index, error) {
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, err
	}
	tag, err := StoreTag(ctx, db, dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, File)
	ix, rerr := readFile(path)
	if rerr != nil || ix.store != tag || !ix.holds(cur) {
		if ix, err = compile(ctx, db, cur, tag); err != nil {
			return nil, err
		}
		if err := ix.Write(path); err != nil {
			ix.note = err.Error() + "; answering from the store"
			return ix, err
		}
	}
	return ix, clearMark(path)
}

// Note describes, in one line for stderr or a log, why the index was not
// read from or saved to its file ("index: /data/index.bin: no space left
// on device (ENOSPC); answering from the store"); "" when all went well.
func (ix *Index) Note() string { return ix.note }

// saveIfIdle writes ix, compiled from the snapshots cur, to the index
// file of dir unless an update runs or the store moved on meanwhile. It
// returns a note when the file could not be written.
func (ix *Index) saveIfIdle(ctx context.Context, db *store.DB, dir string, cur []store.SnapshotInfo) string {
	path := filepath.Join(dir, File)
	l, err := dirlock.TryAcquire(dir)
	var busy *dirlock.BusyError
	switch {
	case errors.As(err, &busy):
		return fmt.Sprintf("index: %s: out of date while an update runs (%s); answering from the store", path, busy.Holder)
	case err != nil:
		return fmt.Sprintf("index: %s: %s; answering from the store", path, describe(err))
	}
	defer l.Release()
	now, err := db.Current(ctx)
	if err != nil || !sameIDs(now, cur) {
		return "" // an update finished meanwhile; the next reader saves its index
	}
	if err := ix.Write(path); err != nil {
		return err.Error() + "; answering from the store"
	}
	if err := clearMark(path); err != nil {
		return err.Error()
	}
	return ""
}

func sameIDs(a, b []store.SnapshotInfo) bool {
	return slices.EqualFunc(a, b, func(x, y store.SnapshotInfo) bool { return x.ID == y.ID })
}

// holds reports whether ix holds exactly the snapshots cur.
func (ix *Index) holds(cur []store.SnapshotInfo) bool {
	want := make([]int64, 0, len(cur))
	for _, c := range cur {
		if _, err := ranges.Lookup(c.Feed); err == nil {
			want = append(want, c.ID)
		}
	}
	got := make([]int64, 0, len(ix.raw))
	for _, s := range ix.raw {
		got = append(got, s.source.SnapshotID)
	}
	slices.Sort(want)
	slices.Sort(got)
	return slices.Equal(want, got)
}

// StoreTag returns how an index file in dir names the store db: "" for
// the SQLite database of dir itself (whose updates mark the file stale
// before they change it), else the store's identity ([store.DB.ID]), so
// that a file compiled from one store is never used with another.
func StoreTag(ctx context.Context, db *store.DB, dir string) (string, error) {
	if p := db.Path(); p != "" && filepath.Clean(p) == filepath.Join(filepath.Clean(dir), store.DBFile) {
		return "", nil
	}
	id, err := db.ID(ctx)
	if err != nil {
		return "", err
	}
	return "store " + id, nil
}

// Store returns the tag ([StoreTag]) of the store the index was
// compiled from.
func (ix *Index) Store() string { return ix.store }

// compile loads the snapshots cur from the store tagged tag. Snapshots of
// feeds that cloudatlas no longer knows are skipped.
func compile(ctx context.Context, db *store.DB, cur []store.SnapshotInfo, tag string) (*Index, error) {
	var sets []lpm.Set
	for order, f := range ranges.Feeds {
		i := slices.IndexFunc(cur, func(c store.SnapshotInfo) bool { return c.Feed == f.ID })
		if i < 0 {
			continue
		}
		s, err := db.Load(ctx, cur[i].ID)
		if err != nil {
			return nil, err
		}
		sets = append(sets, lpm.Set{
			Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: order, SnapshotID: cur[i].ID,
				UpstreamID: s.UpstreamID, UpstreamDate: s.UpstreamDate, Fetched: s.Fetched},
			Records: s.Records,
		})
	}
	return fromSets(sets, tag)
}

// FromSets returns an index over sets, as of the SQLite store of the
// data directory it is written to.
func FromSets(sets []lpm.Set) (*Index, error) { return fromSets(sets, "") }

func fromSets(sets []lpm.Set, tag string) (*Index, error) {
	data := encode(sets, tag)
	p, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return &Index{data: data, strs: p.strs, raw: p.sets, sets: sets, store: p.store}, nil
}

// Empty reports whether the index holds no feed.
func (ix *Index) Empty() bool { return len(ix.raw) == 0 }

// Sets returns every set, decoding the records on first use, one set per
// core at a time.
func (ix *Index) Sets() ([]lpm.Set, error) {
	if ix.sets != nil || len(ix.raw) == 0 {
		return ix.sets, nil
	}
	sets := make([]lpm.Set, len(ix.raw))
	errs := make([]error, len(ix.raw))
	next := make(chan int, len(ix.raw))
	for i := range ix.raw {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ix.raw)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sets[i], errs[i] = ix.decodeSet(&ix.raw[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	ix.sets = sets
	return sets, nil
}

// Table decodes every set and builds the lookup table over them. It
// decodes the prefixes into a compact array first, then the records on
// another goroutine while the table is built from those prefixes: on a
// cold start the two share the cores.
func (ix *Index) Table() (*lpm.Table, error) {
	if ix.sets != nil || len(ix.raw) == 0 {
		return lpm.Build(ix.sets), nil
	}
	sets := make([]lpm.Set, len(ix.raw))
	for i := range ix.raw {
		rs := &ix.raw[i]
		prefixes := make([]netip.Prefix, rs.n)
		for j := range prefixes {
			p, err := rs.prefix(j)
			if err != nil {
				return nil, fmt.Errorf("index: set %s record %d: %w", rs.source.Feed, j, err)
			}
			prefixes[j] = p
		}
		sets[i] = lpm.Set{Source: rs.source, Records: make([]ranges.Record, rs.n), Prefixes: prefixes}
	}
	done := make(chan error, 1)
	go func() { done <- ix.decodeRecords(sets) }()
	t := lpm.Build(sets)
	if err := <-done; err != nil {
		return nil, err
	}
	for i := range sets {
		sets[i].Prefixes = nil
	}
	ix.sets = sets
	return t, nil
}

// decodeRecords fills in the records of sets, whose prefixes are known.
func (ix *Index) decodeRecords(sets []lpm.Set) error {
	for i := range ix.raw {
		rs := &ix.raw[i]
		pool := make([]string, 0, rs.n*2)
		recs := sets[i].Records
		for j := range recs {
			recs[j].Prefix = sets[i].Prefixes[j]
			if err := rs.meta(ix.strs, j, &recs[j], &pool); err != nil {
				return fmt.Errorf("index: set %s record %d: %w", rs.source.Feed, j, err)
			}
		}
	}
	return nil
}

func (ix *Index) decodeSet(rs *rawSet) (lpm.Set, error) {
	recs := make([]ranges.Record, rs.n)
	pool := make([]string, 0, rs.n*2)
	for j := range recs {
		if err := rs.record(ix.strs, j, &recs[j], &pool); err != nil {
			return lpm.Set{}, fmt.Errorf("index: set %s record %d: %w", rs.source.Feed, j, err)
		}
	}
	return lpm.Set{Source: rs.source, Records: recs}, nil
}

// Feeds returns the number of feeds in the index.
func (ix *Index) Feeds() int { return len(ix.raw) }

// Records returns the number of records in the index.
func (ix *Index) Records() int {
	n := 0
	for _, rs := range ix.raw {
		n += rs.n
	}
	return n
}

// Scan returns every record containing a, in [lpm.Table.Lookup] order,
// decoding only the records that match.
func (ix *Index) Scan(a netip.Addr) ([]lpm.Match, error) {
	var hits []lpm.Set
	for i := range ix.raw {
		rs := &ix.raw[i]
		var recs []ranges.Record
		for j := 0; j < rs.n; j++ {
			if !entryContains(rs.entries[j*entrySize:(j+1)*entrySize], a) {
				continue
			}
			var r ranges.Record
			if err := rs.record(ix.strs, j, &r, nil); err != nil {
				return nil, fmt.Errorf("index: set %s record %d: %w", rs.source.Feed, j, err)
			}
			recs = append(recs, r)
		}
		if recs != nil {
			hits = append(hits, lpm.Set{Source: rs.source, Records: recs})
		}
	}
	return lpm.Scan(hits, a), nil
}

// entryContains reports whether the encoded prefix e contains a.
func entryContains(e []byte, a netip.Addr) bool {
	bits, is6 := entryBits(e[0])
	if is6 != a.Is6() || bits > 8*len(e[1:]) {
		return false
	}
	var ab [16]byte
	if is6 {
		ab = a.As16()
	} else {
		a4 := a.As4()
		copy(ab[:], a4[:])
	}
	full := bits / 8
	if string(e[1:1+full]) != string(ab[:full]) {
		return false
	}
	if rem := bits % 8; rem != 0 {
		mask := byte(0xff << (8 - rem))
		return e[1+full]&mask == ab[full]&mask
	}
	return true
}

// Read loads an index file, checking its frame but decoding no record.
// It refuses a file that an update has marked stale ([ErrStale]).
func Read(path string) (*Index, error) {
	if marked(path) {
		return nil, fmt.Errorf("index: %s: %w", path, ErrStale)
	}
	return readFile(path)
}

func readFile(path string) (*Index, error) {
	b, err := mapped.Read(path)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	p, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("index: %s: %w", path, err)
	}
	return &Index{data: b, strs: p.strs, raw: p.sets, store: p.store}, nil
}
