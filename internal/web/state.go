package web

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
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
	// Share is the latest measured hosting share of a population of
	// popular sites ("cloudatlas share --save"), shown on the market
	// page beside the analysts' series; nil when none was measured.
	Share *HostingShare
	// At, when set, returns the range data in force on a past day (the
	// snapshots in force then, with notes on the feeds that had none);
	// nil answers every day from Ranges.
	At func(ctx context.Context, day time.Time) (*RangesAt, error)
}

// RangesAt is the range data in force on a past day.
type RangesAt struct {
	// Current reports that the data in force then is the current data.
	Current bool
	Ranges  answer.Ranges // unless Current; empty when no feed had a snapshot in force
	Key     string        // names the snapshot set, for the cache
	Notes   []string
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

// maxPastTables bounds the tables of past days kept built.
const maxPastTables = 4

// pastTables caches the range data of past days by snapshot set.
type pastTables struct {
	mu    sync.Mutex
	gen   *lookupState // the data they were built for: a reload starts over
	byDay map[time.Time]*RangesAt
	order []time.Time
}

// rangesAt returns the range data to answer for day, and the notes that
// come with it: the current data for today and later days, else the
// data in force then (built once per day, a few days kept).
func (s *Server) rangesAt(ctx context.Context, day time.Time) (answer.Ranges, []string, error) {
	st := s.state.Load()
	if !st.ready() {
		return nil, nil, errNoRanges
	}
	if st.At == nil || !day.Before(answer.Day0(s.now())) {
		return st.Ranges, nil, nil
	}
	p := &s.past
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byDay == nil || p.gen != st {
		p.byDay, p.order, p.gen = map[time.Time]*RangesAt{}, nil, st
	}
	at := p.byDay[day]
	if at == nil {
		var err error
		if at, err = st.At(ctx, day); err != nil {
			return nil, nil, err
		}
		if len(p.order) == maxPastTables {
			delete(p.byDay, p.order[0])
			p.order = p.order[1:]
		}
		p.byDay[day] = at
		p.order = append(p.order, day)
	}
	if at.Current {
		return st.Ranges, at.Notes, nil
	}
	return at.Ranges, at.Notes, nil
}

// HostingShare is a measured hosting share: the share of a population of
// host names (popular sites) served by each provider, by the address
// their names resolve to. It is not a share of revenue.
type HostingShare struct {
	Population string     `json:"population_name"`
	Names      int        `json:"population"`
	Resolved   int        `json:"resolved"`
	AsOf       string     `json:"as_of"`
	From       time.Time  `json:"from"`
	Rule       string     `json:"rule"`
	Weighting  string     `json:"weighting"`
	Rows       []ShareRow `json:"rows"`
}

// ShareRow is one provider's measured share.
type ShareRow struct {
	Key           string  `json:"key"`
	Names         int     `json:"names"`
	Share         float64 `json:"share"`
	WeightedShare float64 `json:"weighted_share"`
}
