package digest

import (
	"cmp"
	"slices"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// Roundup is what changed on one day.
type Roundup struct {
	// Date is the day, YYYY-MM-DD.
	Date string `json:"date"`
	// Feeds are the snapshot pairs compared, one per feed whose
	// snapshot in force changed on the day.
	Feeds []FeedChange `json:"feeds"`
	// Ranges are the range changes, one sentence per provider,
	// partition and region (or scope).
	Ranges []RangeChange `json:"ranges"`
	// Atlas are the atlas facts dated on the day.
	Atlas []AtlasChange `json:"atlas"`
	// Readings are the readings published on the day.
	Readings []ReadingItem `json:"readings"`
}

// Quiet reports whether nothing changed on the day.
func (r *Roundup) Quiet() bool {
	return len(r.Ranges) == 0 && len(r.Atlas) == 0 && len(r.Readings) == 0 && len(r.Feeds) == 0
}

// Day returns the roundup's day (UTC midnight).
func (r *Roundup) Day() time.Time {
	t, _ := ParseDay(r.Date)
	return t
}

// Entities returns every entity id the roundup concerns, sorted.
func (r *Roundup) Entities() []string {
	var ids []string
	for _, c := range r.Ranges {
		ids = append(ids, c.Entities...)
	}
	for _, c := range r.Atlas {
		ids = append(ids, c.Entities...)
	}
	for _, c := range r.Readings {
		for _, e := range c.Entities {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Concerns reports whether the roundup says something about entity id.
func (r *Roundup) Concerns(id string) bool {
	_, found := slices.BinarySearch(r.Entities(), id)
	return found
}

// Snapshot is one side of a feed's comparison: a stored snapshot with
// the records it lists.
type Snapshot struct {
	ID       int64
	Snapshot *ranges.Snapshot
}

// FeedInput is one feed whose snapshot in force changed on the day:
// Old was in force at the end of the day before (nil when the feed had
// none), New at the end of the day.
type FeedInput struct {
	Feed     string
	Old, New *Snapshot
}

// FeedChange names the snapshots a roundup compared for one feed.
type FeedChange struct {
	Feed string `json:"feed"`
	// From is the snapshot in force the day before; zero when the feed
	// had none (its first snapshot came into force on the day).
	From SnapshotRef `json:"from,omitzero"`
	To   SnapshotRef `json:"to"`
	// Added, Removed and Moved count the prefix records that changed.
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Moved   int `json:"moved"`
}

// SnapshotRef identifies a stored snapshot and the upstream version it
// holds.
type SnapshotRef struct {
	ID           int64  `json:"id"`
	UpstreamID   string `json:"upstream_id,omitempty"`
	UpstreamDate string `json:"upstream_date,omitempty"`
	Prefixes     int    `json:"prefixes"`
}

// BuildRoundup returns the roundup of day (any instant of it): the
// range changes of feeds, the atlas changes dated that day and the
// readings published on it. The output is sorted so that equal inputs
// give equal roundups.
func BuildRoundup(a *atlas.Atlas, day time.Time, feeds []FeedInput) *Roundup {
	day = DayOf(day)
	r := &Roundup{Date: dayString(day), Feeds: []FeedChange{}, Ranges: []RangeChange{},
		Atlas: []AtlasChange{}, Readings: []ReadingItem{}}
	feeds = slices.Clone(feeds)
	slices.SortFunc(feeds, func(x, y FeedInput) int { return cmp.Compare(x.Feed, y.Feed) })
	for _, f := range feeds {
		fc, rcs := feedChanges(a, f)
		r.Feeds = append(r.Feeds, fc)
		r.Ranges = append(r.Ranges, rcs...)
	}
	r.Atlas = atlasChanges(a, day)
	r.Readings = readingsOn(a, func(d atlas.Date) bool { return d.Prec == atlas.PrecisionDay && d.Start().Equal(day) })
	return r
}

func snapshotRef(s *Snapshot) SnapshotRef {
	if s == nil || s.Snapshot == nil {
		return SnapshotRef{}
	}
	ref := SnapshotRef{ID: s.ID, UpstreamID: s.Snapshot.UpstreamID, Prefixes: len(s.Snapshot.Records)}
	if !s.Snapshot.UpstreamDate.IsZero() {
		ref.UpstreamDate = dayString(s.Snapshot.UpstreamDate)
	}
	return ref
}
