package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/query"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// openStore opens the store of the data dir named by a --data-dir flag
// value (see [Env.dataDir]) and returns it with the dir.
func (e *Env) openStore(ctx context.Context, dirFlag string) (*store.DB, string, error) {
	dir, err := e.dataDir(dirFlag)
	if err != nil {
		return nil, "", err
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		return nil, "", err
	}
	return db, dir, nil
}

// openIndex returns the current range index of the data dir: the index
// file when there is one (see [index.Invalidate]), else rebuilt from the
// store. It fails with [index.ErrEmpty] when no feed has been loaded.
func openIndex(ctx context.Context, dir string) (*index.Index, error) {
	if ix, err := index.Read(filepath.Join(dir, index.File)); err == nil && !ix.Empty() {
		return ix, nil
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ix, err := index.Open(ctx, db, dir)
	if err != nil {
		return nil, err
	}
	if ix.Empty() {
		return nil, index.ErrEmpty
	}
	return ix, nil
}

// buildTable decodes every record of ix and indexes them.
func buildTable(ix *index.Index) (*lpm.Table, error) {
	return ix.Table()
}

// resolveAddress returns the distinct placements (provider, partition,
// region) among the range matches of an address or CIDR argument, each
// with its most specific prefix, most specific first.
func resolveAddress(ctx context.Context, e *Env, dataDir, arg string) ([]RegionRef, error) {
	q, err := query.Parse(arg)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", errUsage, arg, err)
	}
	ix, err := openIndex(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	find, err := finder(ix, []query.Query{q})
	if err != nil {
		return nil, err
	}
	matches, err := find(q)
	if err != nil {
		return nil, err
	}
	var refs []RegionRef
	seen := map[RegionRef]bool{}
	for _, m := range matches {
		r := m.Record
		key := RegionRef{Provider: r.Provider, Partition: r.Partition, Region: r.Region}
		if seen[key] {
			continue
		}
		seen[key] = true
		key.Prefix, key.Feed = r.Prefix.String(), m.Source.Feed
		refs = append(refs, key)
	}
	return refs, nil
}
