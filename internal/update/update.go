// Package update brings the range feeds of a data directory up to date:
// it downloads each feed (or reads it from a directory laid out like
// ../shared/data/ranges, history/ folder included), checks the new
// snapshot against the current one with the guard (internal/guard) and
// saves it, then rewrites the index file. One update runs at a time per
// data directory (internal/dirlock). It prints nothing: [Updater.Run]
// returns one [Result] per feed (and per history file), and optional
// callbacks report progress as it goes.
package update

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/fetch"
	"github.com/cloudatlas/cloudatlas/internal/guard"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// Updater updates the feeds of one data directory. Store and Dir are
// required; the zero value of every other field has a use.
type Updater struct {
	Store *store.DB
	Dir   string // the data directory: lock, index file, download cache
	// From, when set, imports the feed files from this directory instead
	// of downloading them, after the older snapshots in its history/
	// folder (see [Updater.Run]).
	From string
	// Routing also updates the routing tier (internal/routing): from
	// RoutingFrom when set, else from the ip-location-db tarballs found
	// beside From (see [routingDirs]), else from the npm registry.
	Routing     bool
	RoutingFrom string
	// RegionCountry, when set, gives the country (ISO 3166-1 alpha-2) of
	// a provider's region code, "" when unknown: records of a region that
	// the feed leaves without a country get it before they are saved.
	RegionCountry func(provider, region string) string
	// Force accepts a snapshot the guard refuses (a file of a provider
	// that lists special-purpose space loses those prefixes).
	Force  bool
	Client *fetch.Client    // for downloads; nil: fetch.New(60 * time.Second)
	Now    func() time.Time // the clock; nil: time.Now
	Limits guard.Limits     // zero: guard.DefaultLimits
	// LockTimeout is how long to wait while another update holds the
	// data directory: 0 not at all, negative as long as the context lasts.
	LockTimeout time.Duration
	Events      Events

	marked bool // the index file is marked stale in this run
}

// Events are optional callbacks, called from Run's goroutine.
type Events struct {
	// LockWait is called once when another update holds the lock and Run
	// starts to wait for it.
	LockWait func(holder dirlock.Holder)
	// StoreWait is called once when another update, from another data
	// directory, is writing to the same shared (PostgreSQL) store and Run
	// starts to wait for it.
	StoreWait func()
	// Feed is called before feed i (from 0) of n is updated.
	Feed func(i, n int, feed string)
	// Result is called with each result as soon as it is known.
	Result func(Result)
}

// Report is what one run did.
type Report struct {
	Results []Result
	// Index is set when the index file could not be written: readers
	// answer from the store until it can be ([*index.WriteError]).
	Index error
	// Announce is set when the processes sharing a PostgreSQL store
	// could not be told of the new data (NOTIFY): they find it at their
	// next periodic check instead.
	Announce error
}

// Failed returns how many results are failures or refusals.
func (r Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Status == Failed || res.Status == Refused {
			n++
		}
	}
	return n
}

// Run updates feeds in turn and rewrites the index file, holding the
// data directory's lock throughout. With From set, each feed first takes
// the files of From/history/ that hold older snapshots of it, oldest
// first, then its current file. The error is for the run as a whole:
// the lock could not be taken, or the store could not be read.
func (u *Updater) Run(ctx context.Context, feeds []*ranges.Feed) (Report, error) {
	lock, err := dirlock.Acquire(ctx, u.Dir, u.LockTimeout, u.Events.LockWait)
	if err != nil {
		return Report{}, err // names the lock file and its holder
	}
	defer lock.Release()
	// Updates from other data directories on a shared store: one at a
	// time, for the same LockTimeout.
	unlock, err := u.Store.LockUpdates(ctx, u.LockTimeout, u.Events.StoreWait)
	if err != nil {
		return Report{}, err
	}
	defer unlock()
	var rep Report
	for i, f := range feeds {
		if u.Events.Feed != nil {
			u.Events.Feed(i, len(feeds), f.ID)
		}
		for _, res := range u.feed(ctx, f) {
			rep.Results = append(rep.Results, res)
			if u.Events.Result != nil {
				u.Events.Result(res)
			}
		}
	}
	if u.Routing {
		if u.Events.Feed != nil {
			u.Events.Feed(len(feeds), len(feeds)+1, RoutingFeed)
		}
		res := u.routing(ctx)
		rep.Results = append(rep.Results, res)
		if u.Events.Result != nil {
			u.Events.Result(res)
		}
	}
	if _, err := index.Refresh(context.WithoutCancel(ctx), u.Store, u.Dir); err != nil {
		var we *index.WriteError
		if !errors.As(err, &we) {
			return rep, fmt.Errorf("update: rebuild index: %w", err)
		}
		rep.Index = err
	}
	rep.Announce = u.Store.Announce(context.WithoutCancel(ctx))
	return rep, nil
}

// feed updates one feed and returns its results.
func (u *Updater) feed(ctx context.Context, f *ranges.Feed) []Result {
	if err := ctx.Err(); err != nil {
		return []Result{{Feed: f.ID, Status: Failed, Err: fmt.Errorf("interrupted before this feed: %w", err)}}
	}
	if u.From == "" {
		return []Result{u.download(ctx, f)}
	}
	return append(u.history(ctx, f), u.fromDir(ctx, f))
}

func (u *Updater) now() time.Time {
	if u.Now == nil {
		return time.Now().UTC()
	}
	return u.Now().UTC()
}

func (u *Updater) limits() guard.Limits {
	if u.Limits == (guard.Limits{}) {
		return guard.DefaultLimits
	}
	return u.Limits
}

func (u *Updater) client() *fetch.Client {
	if u.Client == nil {
		u.Client = fetch.New(60 * time.Second)
	}
	return u.Client
}
