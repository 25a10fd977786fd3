package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

func runDiff(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("diff", "FEED")
	from := fs.String("from", "", "old side: snapshot `id`, a date (the last snapshot fetched by then) or a feed file (default: the snapshot before --to)")
	to := fs.String("to", "", "new side: snapshot `id`, a date or a feed file (default: the current snapshot)")
	summary := fs.Bool("summary", false, "print only the counts")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one feed, e.g. cloudatlas diff aws", errUsage)
	}
	f, err := ranges.Lookup(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	d := &differ{e: e, feed: f}
	if needsStore(*from) || needsStore(*to) {
		if d.db, _, err = e.openStore(ctx, *dirFlag); err != nil {
			return err
		}
		defer d.db.Close()
	}
	newSnap, newID, err := d.side(ctx, *to, 0)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	oldSnap, _, err := d.side(ctx, *from, newID)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	c := ranges.Diff(oldSnap, newSnap)
	return writeDiff(e.Stdout, f.ID, oldSnap, newSnap, &c, *summary)
}

// needsStore reports whether a side spec refers to stored snapshots.
func needsStore(spec string) bool {
	if spec == "" {
		return true
	}
	_, err := os.Stat(spec)
	return err != nil
}

type differ struct {
	e    *Env
	feed *ranges.Feed
	db   *store.DB
}

// side loads one side of the diff. An empty spec means the current
// snapshot, or, when before is set, the snapshot preceding id before.
func (d *differ) side(ctx context.Context, spec string, before int64) (*ranges.Snapshot, int64, error) {
	if spec != "" {
		if _, err := os.Stat(spec); err == nil {
			return d.file(spec)
		}
	}
	hist, err := d.db.History(ctx, d.feed.ID)
	if err != nil {
		return nil, 0, err
	}
	id, err := pickSnapshot(hist, spec, before)
	if err != nil {
		return nil, 0, err
	}
	s, err := d.db.Load(ctx, id)
	return s, id, err
}

func (d *differ) file(path string) (*ranges.Snapshot, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	s, err := d.feed.Build([]ranges.Input{{Name: path, Data: data}}, d.e.Now())
	return s, 0, err
}

// pickSnapshot chooses a snapshot id from a feed's history by id or date.
func pickSnapshot(hist []store.SnapshotInfo, spec string, before int64) (int64, error) {
	if len(hist) == 0 {
		return 0, errors.New("feed has no snapshots: run cloudatlas update")
	}
	if spec == "" {
		if before == 0 {
			return hist[len(hist)-1].ID, nil
		}
		for i := len(hist) - 1; i >= 0; i-- {
			if hist[i].ID < before {
				return hist[i].ID, nil
			}
		}
		return 0, fmt.Errorf("no snapshot before %d: give --from", before)
	}
	if id, err := strconv.ParseInt(spec, 10, 64); err == nil {
		for _, h := range hist {
			if h.ID == id {
				return id, nil
			}
		}
		return 0, fmt.Errorf("snapshot %d is not a snapshot of this feed", id)
	}
	t, err := time.Parse("2006-01-02", spec)
	if err != nil {
		return 0, fmt.Errorf("%q is not a snapshot id, a date (YYYY-MM-DD) or an existing file", spec)
	}
	end := t.AddDate(0, 0, 1)
	for i := len(hist) - 1; i >= 0; i-- {
		when := hist[i].UpstreamDate
		if when.IsZero() {
			when = hist[i].Fetched
		}
		if when.Before(end) {
			return hist[i].ID, nil
		}
	}
	return 0, fmt.Errorf("no snapshot dated on or before %s", spec)
}

func writeDiff(out io.Writer, feed string, old, new *ranges.Snapshot, c *ranges.Changes, summary bool) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "%s: %s -> %s\n", feed, label(old), label(new))
	fmt.Fprintf(w, "%d added, %d removed, %d moved\n", len(c.Added), len(c.Removed), len(c.Moved))
	if !summary {
		for _, r := range c.Added {
			fmt.Fprintf(w, "+ %-20s %s\n", r.Prefix, placement(r))
		}
		for _, r := range c.Removed {
			fmt.Fprintf(w, "- %-20s %s\n", r.Prefix, placement(r))
		}
		for _, m := range c.Moved {
			fmt.Fprintf(w, "~ %-20s %s -> %s\n", m.Prefix, placement(m.From), placement(m.To))
		}
	}
	return w.Flush()
}

func label(s *ranges.Snapshot) string {
	id := s.UpstreamID
	if id == "" {
		id = s.SHA256[:12]
	}
	if !s.UpstreamDate.IsZero() {
		return fmt.Sprintf("%s (%s)", id, s.UpstreamDate.Format("2006-01-02"))
	}
	return id
}

// placement describes a record without its prefix.
func placement(r ranges.Record) string {
	var parts []string
	if r.Partition != "" && r.Partition != r.Provider {
		parts = append(parts, r.Partition)
	}
	if r.Region != "" {
		parts = append(parts, "region="+r.Region)
	}
	if r.Scope != "" && r.Scope != r.Region {
		parts = append(parts, "scope="+r.Scope)
	}
	if len(r.Services) > 0 {
		parts = append(parts, "services="+strings.Join(r.Services, ","))
	}
	if loc := location(r.Country, r.Subdivision, r.City); loc != "" {
		parts = append(parts, "in "+loc)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}
