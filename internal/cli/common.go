package cli

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// openStore opens the store (--store, $CLOUDATLAS_STORE, else the SQLite
// database of the data dir named by a --data-dir flag value; see
// [Env.place]) and returns it with the data dir. Every command that
// opens the store comes through here or [Env.place].
func (e *Env) openStore(ctx context.Context, dirFlag string) (*store.DB, string, error) {
	p, err := e.place(dirFlag)
	if err != nil {
		return nil, "", err
	}
	db, err := p.Open(ctx)
	if err != nil {
		return nil, "", err
	}
	return db, p.Dir, nil
}

// openIndex returns the current range index of the store and data dir
// (see [Env.place] and [dataset.OpenIndex]).
func (e *Env) openIndex(ctx context.Context, dirFlag string) (*index.Index, error) {
	p, err := e.place(dirFlag)
	if err != nil {
		return nil, err
	}
	ix, err := dataset.OpenIndex(ctx, p)
	if err != nil {
		return nil, err
	}
	if n := ix.Note(); n != "" {
		fmt.Fprintln(e.Stderr, "cloudatlas:", n)
	}
	return ix, nil
}

// rangeData is the range data of a data dir as a command reads it: the
// index of the feeds (or, as of a past day, the table of the snapshots
// in force then) and the routing tier below them (nil when none).
type rangeData struct {
	ix     *index.Index // the current feeds; nil when table is set
	table  *lpm.Table   // the feeds in force on a past day
	routes *answer.Routes
	// feeds and records count what a lookup searches, for messages.
	feeds, records int
}

// openRanges opens the range data of the data dir named by a --data-dir
// flag value as of day: the current data, unless day is before today
// and other snapshots were in force then. It shows the notes once: why
// an index file was not used, and which feeds had no snapshot in force.
func (e *Env) openRanges(ctx context.Context, dirFlag string, day time.Time) (*rangeData, error) {
	p, err := e.place(dirFlag)
	if err != nil {
		return nil, err
	}
	if day = e.rangesDay(day); day.Before(answer.Day0(e.Now())) {
		at, err := dataset.RangesAt(ctx, p, day)
		if err != nil {
			return nil, err
		}
		for _, n := range at.Notes {
			fmt.Fprintln(e.Stderr, "cloudatlas:", n)
		}
		if !at.Current {
			d := &rangeData{table: at.Table, routes: at.Routes}
			if at.Table != nil {
				d.records, _ = at.Table.Len()
			}
			d.feeds = len(at.Snapshots)
			if at.Routes != nil {
				d.feeds--
			}
			return d, nil
		}
	}
	ix, err := e.openIndex(ctx, dirFlag)
	if err != nil {
		return nil, err
	}
	rt, note, err := dataset.OpenRoutes(ctx, p)
	if err != nil {
		return nil, err
	}
	if note != "" {
		fmt.Fprintln(e.Stderr, "cloudatlas:", note)
	}
	return &rangeData{ix: ix, routes: rt, feeds: ix.Feeds(), records: ix.Records()}, nil
}

// ranges returns what to answer queries from: a few addresses by
// scanning the index, which decodes only what matches; more, or any
// CIDR, from the lookup table; either with the routing tier below.
func (d *rangeData) ranges(queries []answer.Query) (answer.Ranges, error) {
	if d.ix == nil {
		var r answer.Ranges = emptyRanges{}
		if d.table != nil {
			r = d.table
		}
		return answer.WithRoutes(r, d.routes), nil
	}
	r, err := rangesFor(d.ix, queries)
	if err != nil {
		return nil, err
	}
	return answer.WithRoutes(r, d.routes), nil
}

// table returns the lookup table of all the feeds.
func (d *rangeData) lookupTable() (*lpm.Table, func(), error) {
	if d.ix == nil {
		if d.table == nil {
			return lpm.Build(nil), func() {}, nil
		}
		return d.table, func() {}, nil
	}
	return lookupTable(d.ix)
}

// emptyRanges is range data with no feed.
type emptyRanges struct{}

func (emptyRanges) Lookup(netip.Addr) []lpm.Match             { return nil }
func (emptyRanges) Covering(netip.Prefix) []lpm.Match         { return nil }
func (emptyRanges) Within(netip.Prefix, func(lpm.Match) bool) {}

// loadAtlas loads the atlas under dirFlag (--atlas-dir), else the Env's
// atlas, else the embedded one.
func (e *Env) loadAtlas(dirFlag string) (*atlas.Atlas, error) {
	if dirFlag == "" && e.Atlas != nil {
		return atlas.Load(e.Atlas)
	}
	a, _, err := openAtlas(dirFlag)
	return a, err
}

// maxReported caps the bad-line messages printed; the summary counts all.
const maxReported = 1000

// stream runs the join over every input of in (see [answer.Joiner.Stream])
// to stdout, reports bad inputs on stderr as FILE:LINE: "text": why, and
// returns the exit status of the run (see [inputStatus]).
func (e *Env) stream(ctx context.Context, r answer.Ranges, j *answer.Joiner, in io.Reader, opt answer.Options) error {
	reported := 0
	opt.Bad = func(line int, text string, err error) {
		if reported++; reported <= maxReported {
			fmt.Fprintf(e.Stderr, "%s:%d: %q: %v\n", opt.Name, line, text, err)
		}
	}
	sum, err := j.Stream(ctx, r, in, e.Stdout, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", opt.Name, err)
	}
	if sum.Routed > 0 {
		fmt.Fprintln(e.Stderr, "cloudatlas:", answer.RoutingCredit)
	}
	if s, ok := answer.Unwrap(r).(*dataset.Scan); ok && s.Err() != nil {
		return s.Err()
	}
	return inputStatus(opt.Name, sum.Inputs, sum.Bad, sum.Unmatched)
}

// openInput opens the named file, or stdin for "" and "-".
func openInput(e *Env, name string) (io.ReadCloser, string, error) {
	if name == "" || name == "-" {
		return io.NopCloser(e.Stdin), "stdin", nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, "", err
	}
	return f, name, nil
}

// clipText shortens an argument for an error message.
func clipText(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:80] + "..."
}
