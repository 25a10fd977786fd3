package web

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// lookupState is the range data the server answers from. It is never
// modified after it is stored; [Server.Reload] replaces it whole.
type lookupState struct {
	table     *lpm.Table // nil when no range data is loaded
	snapshots []store.SnapshotInfo
	history   map[string][]store.SnapshotInfo // every stored snapshot by feed, oldest first
	records   int
	prefixes  int
	loaded    time.Time
}

// ready reports whether addresses can be attributed.
func (st *lookupState) ready() bool { return st.table != nil }

// Reload reads the current snapshots from the data directory, builds a
// new lookup table and swaps it in. Requests in flight keep the table
// they started with. Without any range data the server keeps serving
// the atlas and reports the missing data.
func (s *Server) Reload(ctx context.Context) error {
	start := time.Now()
	st, err := loadState(ctx, s.cfg.DataDir)
	if err != nil {
		return err
	}
	st.loaded = s.now()
	s.state.Store(st)
	s.log.Info("range data loaded", slog.Int("snapshots", len(st.snapshots)),
		slog.Int("records", st.records), slog.Int("prefixes", st.prefixes),
		slog.Duration("took", time.Since(start)))
	return nil
}

// Ready reports whether range data is loaded.
func (s *Server) Ready() bool { return s.state.Load().ready() }

// loadState opens the store in dir and builds the lookup table of its
// current snapshots.
func loadState(ctx context.Context, dir string) (*lookupState, error) {
	db, err := store.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("web: reload: %w", err)
	}
	defer db.Close()
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: reload: %w", err)
	}
	ix, err := index.Open(ctx, db, dir)
	if err != nil {
		return nil, fmt.Errorf("web: reload: %w", err)
	}
	st := &lookupState{snapshots: cur, history: map[string][]store.SnapshotInfo{}}
	for _, c := range cur {
		if st.history[c.Feed], err = db.History(ctx, c.Feed); err != nil {
			return nil, fmt.Errorf("web: reload: %w", err)
		}
	}
	if ix.Empty() {
		return st, nil
	}
	if st.table, err = ix.Table(); err != nil {
		return nil, fmt.Errorf("web: reload: %w", err)
	}
	st.records, st.prefixes = st.table.Len()
	return st, nil
}
