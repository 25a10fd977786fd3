package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"

	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/web"
)

// RangeLoader returns the web server's loader of the range data of the
// store at p: the store's current snapshots, their history and the
// lookup table built from the index file of p.Dir (see [dataset.Load]).
func RangeLoader(p store.Place) web.Loader {
	dir := p.Dir
	return func(ctx context.Context) (*web.RangeData, error) {
		l, err := dataset.Load(ctx, p)
		if err != nil {
			return nil, err
		}
		d := &web.RangeData{Current: webSnapshots(l.Current), History: map[string][]web.Snapshot{}, Note: l.Note}
		for feed, h := range l.History {
			d.History[feed] = webSnapshots(h)
		}
		if l.Table != nil {
			rt, note, err := dataset.OpenRoutes(ctx, p)
			if err != nil {
				return nil, err
			}
			d.Ranges = answer.WithRoutes(l.Table, rt)
			d.Records, d.Prefixes = l.Table.Len()
			if note != "" {
				d.Note = strings.Trim(d.Note+"; "+note, "; ")
			}
		}
		d.At = pastRanges(p)
		d.Share = readShare(filepath.Join(dir, ShareFile))
		return d, nil
	}
}

// pastRanges returns the loader of the range data in force on a past
// day (see [dataset.RangesAt]).
func pastRanges(p store.Place) func(ctx context.Context, day time.Time) (*web.RangesAt, error) {
	return func(ctx context.Context, day time.Time) (*web.RangesAt, error) {
		at, err := dataset.RangesAt(ctx, p, day)
		if err != nil {
			return nil, err
		}
		out := &web.RangesAt{Key: at.Key, Notes: at.Notes, Current: at.Current}
		if at.Current {
			return out, nil
		}
		var feeds answer.Ranges = lpm.Build(nil)
		if at.Table != nil {
			feeds = at.Table
		}
		out.Ranges = answer.WithRoutes(feeds, at.Routes)
		return out, nil
	}
}

func webSnapshots(in []store.SnapshotInfo) []web.Snapshot {
	out := make([]web.Snapshot, len(in))
	for i, c := range in {
		out[i] = web.Snapshot{ID: c.ID, Feed: c.Feed, UpstreamID: c.UpstreamID, UpstreamDate: c.UpstreamDate,
			SHA256: c.SHA256, Fetched: c.Fetched, V4: c.V4, V6: c.V6, Records: c.Records}
	}
	return out
}

// readShare reads the measured hosting share "share --save" kept, or nil.
func readShare(path string) *web.HostingShare {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var hs web.HostingShare
	if json.Unmarshal(b, &hs) != nil || len(hs.Rows) == 0 {
		return nil
	}
	return &hs
}
