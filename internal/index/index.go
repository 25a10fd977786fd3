// Package index keeps the compiled lookup data: the current snapshot of
// every feed, read from the store and saved as one binary file
// (index.bin) in the data directory, so that a new process can start
// answering in milliseconds without querying the database row by row.
//
// The file is written to a temporary name and renamed into place, so a
// reader sees either the old or the new file. Its header lists the
// snapshot ids it holds; [Open] rebuilds it from the store when they are
// not the store's current ones.
package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// File is the index file name inside the data directory.
const File = "index.bin"

// Index is the current snapshot of every feed, ready for lookups.
type Index struct {
	Sets []lpm.Set // in feed precedence order
}

// Open returns the index of the store in dir, from index.bin when it is
// current, else compiled from the store and saved.
func Open(ctx context.Context, db *store.DB, dir string) (*Index, error) {
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, File)
	if ix, err := Read(path); err == nil && ix.matches(cur) {
		return ix, nil
	}
	ix, err := Compile(ctx, db, cur)
	if err != nil {
		return nil, err
	}
	if err := ix.Write(path); err != nil {
		return nil, err
	}
	return ix, nil
}

// matches reports whether ix holds exactly the snapshots cur.
func (ix *Index) matches(cur []store.SnapshotInfo) bool {
	if len(cur) != len(ix.Sets) {
		return false
	}
	want := make([]int64, 0, len(cur))
	for _, c := range cur {
		want = append(want, c.ID)
	}
	got := make([]int64, 0, len(ix.Sets))
	for _, s := range ix.Sets {
		got = append(got, s.Source.SnapshotID)
	}
	slices.Sort(want)
	slices.Sort(got)
	return slices.Equal(want, got)
}

// Compile loads the snapshots cur from the store. Snapshots of feeds that
// cloudatlas no longer knows are skipped.
func Compile(ctx context.Context, db *store.DB, cur []store.SnapshotInfo) (*Index, error) {
	ix := &Index{}
	for order, f := range ranges.Feeds {
		i := slices.IndexFunc(cur, func(c store.SnapshotInfo) bool { return c.Feed == f.ID })
		if i < 0 {
			continue
		}
		s, err := db.Load(ctx, cur[i].ID)
		if err != nil {
			return nil, err
		}
		ix.Sets = append(ix.Sets, lpm.Set{
			Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: order, SnapshotID: cur[i].ID,
				UpstreamID: s.UpstreamID, UpstreamDate: s.UpstreamDate, Fetched: s.Fetched},
			Records: s.Records,
		})
	}
	return ix, nil
}

// ErrEmpty reports that no feed has been loaded yet.
var ErrEmpty = errors.New("no range data: run \"cloudatlas update\" (or \"cloudatlas update --from DIR\")")

// Write saves ix to path atomically.
func (ix *Index) Write(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".index-*.tmp")
	if err != nil {
		return fmt.Errorf("index: write: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(ix.encode()); err != nil {
		tmp.Close()
		return fmt.Errorf("index: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("index: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("index: write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("index: write: %w", err)
	}
	return nil
}

// Read loads an index file.
func Read(path string) (*Index, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	ix, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("index: %s: %w", path, err)
	}
	return ix, nil
}
