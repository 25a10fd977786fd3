package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/fetch"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/update"
)

func runUpdate(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("update", "")
	from := fs.String("from", "", "import feed files from this `directory` (laid out like shared/data/ranges; older snapshots under its history/ folder first) instead of downloading")
	only := fs.String("feed", "", "comma-separated feed `ids` to update (default all, and the routing tier: id routing)")
	routingFrom := fs.String("routing-from", "", "import the routing tier's ip-location-db tarballs from this `directory` (default: --from, its asn/ folder or an asn/ folder beside it; without --from, the npm registry)")
	force := fs.Bool("force", false, "accept a feed the guard refuses: an upstream id or date that went backwards, new content under the same id, more than 20% of prefixes lost or 50% gained, special-purpose space in a provider's file (those prefixes are dropped)")
	timeout := fs.Duration("timeout", 60*time.Second, "per-request `timeout`")
	retries := fs.Int("retries", 3, "retries after a failed download")
	mirror := fs.String("mirror", "", "fetch every upstream URL from this mirror `URL` instead (https://host/path -> URL/host/path)")
	lockTimeout := fs.Duration("lock-timeout", 5*time.Minute, "how long to wait while another update of the data directory, or of the shared store, runs (0: do not wait)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	feeds, withRouting, err := pickFeeds(*only)
	if err != nil {
		return err
	}
	db, dir, err := e.openStore(ctx, *dirFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	client := fetch.New(*timeout)
	client.Retries, client.Mirror = *retries, *mirror
	a, err := e.loadAtlas("")
	if err != nil {
		return err
	}
	u := &update.Updater{Store: db, Dir: dir, From: *from, Force: *force, Client: client, Now: e.Now,
		Routing: withRouting, RoutingFrom: *routingFrom, RegionCountry: regionCountry(a),
		LockTimeout: *lockTimeout, Events: updatePrinter(e, *from, *lockTimeout)}
	rep, err := u.Run(ctx, feeds)
	var busy *dirlock.BusyError
	var storeBusy *store.UpdateBusyError
	if errors.As(err, &busy) || errors.As(err, &storeBusy) {
		return fmt.Errorf("%w (see --lock-timeout)", err)
	}
	if err != nil {
		return err
	}
	if rep.Announce != nil {
		fmt.Fprintf(e.Stderr, "update: %v; servers sharing the store load the new data at their next check (--reload-every)\n", rep.Announce)
	}
	if rep.Index != nil {
		fmt.Fprintf(e.Stderr, "update: %v; readers answer from the store until it can be written\n", rep.Index)
	}
	if n := rep.Failed(); n > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d of %d feeds failed; their previous snapshots stay in use", n, len(rep.Results))}
	}
	if rep.Index != nil {
		return &exitError{code: 1}
	}
	return nil
}

// updatePrinter prints an update's progress: a line per result (stdout,
// or stderr for failures and refusals) and, on a terminal, a progress
// line that each result replaces.
func updatePrinter(e *Env, from string, lockTimeout time.Duration) update.Events {
	var progress io.Writer
	if f, ok := e.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		progress = e.Stderr
	}
	clear := func() {
		if progress != nil {
			fmt.Fprint(progress, "\r\033[K")
		}
	}
	return update.Events{
		LockWait: func(h dirlock.Holder) {
			fmt.Fprintf(e.Stderr, "update: waiting for another update of this data directory (%s) to finish, for up to %s (--lock-timeout)\n", h, lockTimeout)
		},
		StoreWait: func() {
			fmt.Fprintf(e.Stderr, "update: waiting for another update of the shared store (from another data directory) to finish, for up to %s (--lock-timeout)\n", lockTimeout)
		},
		Feed: func(i, n int, feed string) {
			if progress != nil {
				fmt.Fprintf(progress, "\r\033[K[%d/%d] %s ...", i+1, n, feed)
			}
		},
		Result: func(r update.Result) {
			clear()
			for _, w := range r.Warnings {
				fmt.Fprintf(e.Stderr, "%-16s warning: %s\n", r.Feed, w)
			}
			switch r.Status {
			case update.Failed:
				fmt.Fprintf(e.Stderr, "%-16s FAILED: %v\n", r.Feed, r.Err)
			case update.Refused:
				fmt.Fprintf(e.Stderr, "%-16s REFUSED: %v\n", r.Feed, r.Err)
			default:
				fmt.Fprintf(e.Stdout, "%-16s %s\n", r.Feed, describeResult(r, from))
			}
		},
	}
}

// describeResult says what happened to a feed that was saved, unchanged
// or skipped.
func describeResult(r update.Result, from string) string {
	var msg string
	switch r.Status {
	case update.Saved:
		s := r.Snapshot
		msg = fmt.Sprintf("saved snapshot %d: %d IPv4 + %d IPv6 prefixes", s.ID, s.V4, s.V6)
		if r.Feed == update.RoutingFeed {
			msg = fmt.Sprintf("saved routing snapshot %d: %d IPv4 + %d IPv6 routed ranges", s.ID, s.V4, s.V6)
		}
		if s.UpstreamID != "" {
			msg += ", upstream " + s.UpstreamID
		}
		if !s.UpstreamDate.IsZero() {
			msg += " of " + s.UpstreamDate.Format("2006-01-02")
		}
	case update.Unchanged:
		msg = "unchanged (" + r.Reason + ")"
	default:
		msg = r.Status.String() + ": " + r.Reason
	}
	if r.History {
		msg += " (" + relTo(from, r.Source) + ")"
	}
	return msg
}

// relTo returns path relative to dir when it lies inside it.
func relTo(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// pickFeeds returns the feeds named in a comma-separated list, or all,
// and whether the routing tier (id routing) is among them.
func pickFeeds(list string) ([]*ranges.Feed, bool, error) {
	var out []*ranges.Feed
	if list == "" {
		for i := range ranges.Feeds {
			out = append(out, &ranges.Feeds[i])
		}
		return out, true, nil
	}
	routing := false
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == update.RoutingFeed {
			routing = true
			continue
		}
		f, err := ranges.Lookup(id)
		if err != nil {
			return nil, false, fmt.Errorf("%w: %v", errUsage, err)
		}
		out = append(out, f)
	}
	return out, routing, nil
}

// regionCountry returns the atlas's country of a provider's region code.
func regionCountry(a *atlas.Atlas) func(provider, region string) string {
	return func(provider, region string) string {
		if e := a.Region(provider, region); e != nil {
			return e.Country
		}
		return ""
	}
}
