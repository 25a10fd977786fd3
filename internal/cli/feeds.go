package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

func runFeeds(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("feeds", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, _, err := e.openStore(ctx, *dirFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	cur, err := db.Current(ctx)
	if err != nil {
		return err
	}
	now := e.Now()
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tTIER\tSNAPSHOT\tUPSTREAM\tUPSTREAM DATE\tFETCHED\tIPV4\tIPV6\tSTATUS")
	for i := range ranges.Feeds {
		f := &ranges.Feeds[i]
		j := slices.IndexFunc(cur, func(c store.SnapshotInfo) bool { return c.Feed == f.ID })
		if j < 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\tnot loaded: run cloudatlas update\n", f.ID, f.Tier)
			continue
		}
		c := cur[j]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%s\n", f.ID, f.Tier, c.ID, dash(c.UpstreamID),
			day(c.UpstreamDate), day(c.Fetched), c.V4, c.V6, staleness(f, c, now))
	}
	if err := routingLine(ctx, tw, db, now); err != nil {
		return err
	}
	return tw.Flush()
}

// routingStale is how old the routing data may get: a new version is
// published about monthly.
const routingStale = 45 * 24 * time.Hour

// routingLine lists the routing tier's current snapshot; its counts are
// routed intervals.
func routingLine(ctx context.Context, w io.Writer, db *store.DB, now time.Time) error {
	cur, err := db.CurrentRouting(ctx)
	if errors.Is(err, store.ErrNotFound) {
		_, err = fmt.Fprintf(w, "routing	%s	-	-	-	-	-	-	not loaded: run cloudatlas update\n", ranges.TierRouting)
		return err
	}
	if err != nil {
		return err
	}
	date, _ := routing.VersionDate(cur.ASNVersion)
	status := "ok"
	if age := now.Sub(date); !date.IsZero() && age > routingStale {
		status = fmt.Sprintf("STALE: data version %d days old (max %d)", int(age.Hours()/24), int(routingStale.Hours()/24))
	}
	_, err = fmt.Fprintf(w, "routing	%s	%d	%s	%s	%s	%d	%d	%s\n", ranges.TierRouting, cur.ID, cur.ASNVersion,
		day(date), day(cur.Fetched), cur.V4, cur.V6, status)
	return err
}

// staleness says "ok", or how stale a snapshot is. A snapshot with no
// date of its own (a file imported with --from, from a feed that carries
// none) can only be judged by when it was loaded, which says nothing of
// the file's age: it is reported as undated.
func staleness(f *ranges.Feed, c store.SnapshotInfo, now time.Time) string {
	if c.UpstreamDate.IsZero() {
		return fmt.Sprintf("undated: the file carries no date; loaded %s", day(c.Fetched))
	}
	age := now.Sub(c.UpstreamDate)
	if f.MaxAge == 0 || age <= f.MaxAge {
		return "ok"
	}
	return fmt.Sprintf("STALE: upstream date %d days ago (max %d)", int(age.Hours()/24), int(f.MaxAge.Hours()/24))
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
