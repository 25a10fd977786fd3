package web

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// Loader returns the range data the server answers from. The server
// calls it at start and whenever new data may have arrived; it knows
// nothing of where the data lives (the command line's serve reads a
// data directory's store and index).
type Loader func(ctx context.Context) (*RangeData, error)

// RangeData is the range data the server answers from, with its
// provenance. It is never modified after a Loader returns it.
type RangeData struct {
	// Ranges answers lookups; nil when no feed is loaded yet.
	Ranges            answer.Ranges
	Records, Prefixes int
	// Current is the snapshot in use per feed; History every snapshot
	// kept per feed, oldest first.
	Current []Snapshot
	History map[string][]Snapshot
	// Note, when set, is logged once: why the data came from a slower
	// path (an index file that could not be used or written).
	Note string
}

// Snapshot is one stored snapshot of a feed, without its records.
type Snapshot struct {
	ID           int64
	Feed         string
	UpstreamID   string
	UpstreamDate time.Time // zero when the feed has no date of its own
	SHA256       string
	Fetched      time.Time
	V4, V6       int
	Records      int
}

// lookupState is the range data in use, with when it was loaded. It is
// never modified after it is stored; [Server.Reload] replaces it whole.
type lookupState struct {
	*RangeData
	loaded time.Time
}

// ready reports whether addresses can be attributed.
func (st *lookupState) ready() bool { return st.Ranges != nil }

// Reload asks the loader for the range data and swaps it in. Requests in
// flight keep the data they started with. Without any range data the
// server keeps serving the atlas and reports the missing data.
func (s *Server) Reload(ctx context.Context) error {
	start := time.Now()
	d, err := s.cfg.Load(ctx)
	if err != nil {
		return fmt.Errorf("web: reload: %w", err)
	}
	if d == nil {
		d = &RangeData{}
	}
	s.state.Store(&lookupState{RangeData: d, loaded: s.now()})
	if d.Note != "" {
		s.log.Warn(d.Note)
	}
	s.log.Info("range data loaded", slog.Int("snapshots", len(d.Current)),
		slog.Int("records", d.Records), slog.Int("prefixes", d.Prefixes),
		slog.Duration("took", time.Since(start)))
	return nil
}

// Ready reports whether range data is loaded.
func (s *Server) Ready() bool { return s.state.Load().ready() }

// entityRef names an entity in API answers.
type entityRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
