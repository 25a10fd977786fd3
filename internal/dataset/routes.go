package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// OpenRoutes returns the routing tier of the store at p: the routing
// file ([routing.FileName]) of p.Dir that update writes after each
// import, else the current routing snapshot of the store (then note says
// why the file was not used). With a store other than the data
// directory's own SQLite database, the file is used only when it holds
// the store's current routing snapshot, and is rewritten when it does
// not. It returns nil, with no error, when no routing data has been
// imported.
func OpenRoutes(ctx context.Context, p store.Place) (rt *answer.Routes, note string, err error) {
	path := filepath.Join(p.Dir, routing.FileName)
	s, ferr := routing.ReadFile(path)
	if ferr == nil && p.Local() && s.Store == "" {
		return routes(s), "", nil
	}
	if !p.Exists() {
		return nil, "", nil
	}
	db, err := p.Open(ctx)
	if err != nil {
		return nil, "", err
	}
	defer db.Close()
	if !p.Local() {
		return sharedRoutes(ctx, db, p.Dir, s, ferr)
	}
	cur, err := db.CurrentRouting(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	tbl, err := routing.Open(cur.Table)
	if err != nil {
		return nil, "", fmt.Errorf("dataset: routing snapshot %d: %w", cur.ID, err)
	}
	switch {
	case ferr == nil:
		note = fmt.Sprintf("routing: %s: from another store (%s); read the routing table from the store", path, s.Store)
	case !errors.Is(ferr, fs.ErrNotExist):
		note = fmt.Sprintf("%v; read the routing table from the store", ferr)
	}
	return routes(routing.Stored{Table: tbl, Snapshot: cur.ID, Fetched: cur.Fetched}), note, nil
}

// sharedRoutes returns the routing tier of a store that other processes
// change: the routing file f (read with error ferr) when it holds the
// store's current routing snapshot, else that snapshot, which it saves
// as the data directory's routing file for the next reader.
func sharedRoutes(ctx context.Context, db *store.DB, dir string, f routing.Stored, ferr error) (*answer.Routes, string, error) {
	gen, err := db.Generation(ctx)
	if err != nil {
		return nil, "", err
	}
	tag, err := index.StoreTag(ctx, db, dir)
	if err != nil {
		return nil, "", err
	}
	if gen.Routing == 0 {
		return nil, "", nil
	}
	if ferr == nil && f.Store == tag && f.Snapshot == gen.Routing {
		return routes(f), "", nil
	}
	cur, err := db.LoadRouting(ctx, gen.Routing)
	if err != nil {
		return nil, "", err
	}
	tbl, err := routing.Open(cur.Table)
	if err != nil {
		return nil, "", fmt.Errorf("dataset: routing snapshot %d: %w", cur.ID, err)
	}
	s := routing.Stored{Table: tbl, Snapshot: cur.ID, Fetched: cur.Fetched, Store: tag}
	note := ""
	if err := routing.WriteFile(filepath.Join(dir, routing.FileName), s); err != nil {
		note = fmt.Sprintf("%v; read the routing table from the store", err)
	}
	return routes(s), note, nil
}

// routes describes a stored routing table as the join's routing tier.
func routes(s routing.Stored) *answer.Routes {
	m := s.Table.Meta()
	src := &lpm.Source{Feed: "routing", Tier: ranges.TierRouting, Order: len(ranges.Feeds),
		SnapshotID: s.Snapshot, UpstreamID: m.ASNVersion, Fetched: s.Fetched}
	if d, ok := routing.VersionDate(m.ASNVersion); ok {
		src.UpstreamDate = d
	}
	return &answer.Routes{Table: s.Table, Source: src}
}
