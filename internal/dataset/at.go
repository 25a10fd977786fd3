package dataset

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// At is the range data in force on one day: for each feed, the snapshot
// in force then (store.InForceAt: the last one whose own date is that
// day or earlier), and the routing snapshot whose data is that old.
type At struct {
	// Current reports that the data in force is the current data: the
	// caller can answer from the index file instead of Table.
	Current bool
	Table   *lpm.Table // the feeds in force; nil when Current, or when none is
	Routes  *answer.Routes
	// Snapshots are the snapshot ids in force, by feed; Key names the
	// set, for caches.
	Snapshots map[string]int64
	Key       string
	// Notes say which feeds (and the routing tier) had no snapshot in
	// force on the day: the answer is missing them, and says so.
	Notes []string
}

// RangesAt returns the range data of the store at p in force on day (the
// whole day counts: a snapshot dated that day is in force).
func RangesAt(ctx context.Context, p store.Place, day time.Time) (*At, error) {
	db, err := p.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	end := day.Add(24*time.Hour - time.Nanosecond)
	cur, err := db.Current(ctx)
	if err != nil {
		return nil, err
	}
	at := &At{Current: true, Snapshots: map[string]int64{}}
	var sets []lpm.Set
	var missing []string
	for order, f := range ranges.Feeds {
		i := slices.IndexFunc(cur, func(c store.SnapshotInfo) bool { return c.Feed == f.ID })
		if i < 0 {
			continue
		}
		hist, err := db.History(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		si, ok := store.InForceAt(hist, end)
		if !ok {
			at.Current = false
			missing = append(missing, fmt.Sprintf("%s (first %s)", f.ID, answer.Day(hist[0].InForceFrom())))
			continue
		}
		at.Snapshots[f.ID] = si.ID
		if si.ID != cur[i].ID {
			at.Current = false
		}
		snap, err := db.Load(ctx, si.ID)
		if err != nil {
			return nil, err
		}
		sets = append(sets, lpm.Set{Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: order, SnapshotID: si.ID,
			UpstreamID: snap.UpstreamID, UpstreamDate: snap.UpstreamDate, Fetched: snap.Fetched}, Records: snap.Records})
	}
	if len(missing) > 0 {
		at.Notes = append(at.Notes, fmt.Sprintf("no snapshot was in force on %s for %d feed(s), whose ranges this answer lacks: %s "+
			"(a feed without a date of its own is dated by its import)", answer.Day(day), len(missing), strings.Join(missing, ", ")))
	}
	if err := routesAt(ctx, db, end, at); err != nil {
		return nil, err
	}
	at.Key = keyOf(at.Snapshots)
	if !at.Current && len(sets) > 0 {
		at.Table = lpm.Build(sets)
	}
	return at, nil
}

// routesAt finds the routing snapshot in force at t: the newest whose
// data (the date in its version) is t or older.
func routesAt(ctx context.Context, db *store.DB, t time.Time, at *At) error {
	hist, err := db.RoutingHistory(ctx)
	if err != nil || len(hist) == 0 {
		return err
	}
	var pick *store.RoutingSnapshot
	for i := range hist {
		d, ok := routing.VersionDate(hist[i].ASNVersion)
		if !ok {
			d = hist[i].Fetched
		}
		if !d.After(t) && (pick == nil || hist[i].ID > pick.ID) {
			pick = &hist[i]
		}
	}
	if pick == nil {
		at.Current = false
		at.Notes = append(at.Notes, fmt.Sprintf("the routing tier has no data as old as %s (its first is version %s)",
			answer.Day(t), hist[0].ASNVersion))
		return nil
	}
	at.Snapshots["routing"] = pick.ID
	if pick.ID != hist[len(hist)-1].ID {
		at.Current = false
	}
	full, err := db.LoadRouting(ctx, pick.ID)
	if err != nil {
		return err
	}
	tbl, err := routing.Open(full.Table)
	if err != nil {
		return fmt.Errorf("dataset: routing snapshot %d: %w", pick.ID, err)
	}
	at.Routes = routes(routing.Stored{Table: tbl, Snapshot: full.ID, Fetched: full.Fetched})
	return nil
}

// keyOf names a set of snapshot ids.
func keyOf(ids map[string]int64) string {
	keys := make([]string, 0, len(ids))
	for f, id := range ids {
		keys = append(keys, f+"="+strconv.FormatInt(id, 10))
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}
