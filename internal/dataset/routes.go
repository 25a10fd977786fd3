package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// OpenRoutes returns the routing tier of the data dir: the routing file
// ([routing.FileName]) that update writes after each import, else the
// current routing snapshot of the store (then note says why the file was
// not used). It returns nil, with no error, when no routing data has
// been imported.
func OpenRoutes(ctx context.Context, dir string) (rt *answer.Routes, note string, err error) {
	path := filepath.Join(dir, routing.FileName)
	s, ferr := routing.ReadFile(path)
	if ferr == nil {
		return routes(s), "", nil
	}
	if !store.Exists(dir) {
		return nil, "", nil
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		return nil, "", err
	}
	defer db.Close()
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
	if !errors.Is(ferr, fs.ErrNotExist) {
		note = fmt.Sprintf("%v; read the routing table from the store", ferr)
	}
	return routes(routing.Stored{Table: tbl, Snapshot: cur.ID, Fetched: cur.Fetched}), note, nil
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
