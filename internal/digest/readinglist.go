package digest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// ReadingList is the weekly issue: the readings published in an ISO
// week and the week's most important changes.
type ReadingList struct {
	Week string `json:"week"` // YYYY-Www
	From string `json:"from"` // Monday, YYYY-MM-DD
	To   string `json:"to"`   // Sunday
	// Readings are the readings published in the week (written with day
	// precision), oldest first.
	Readings []ReadingItem `json:"readings"`
	// Highlights are the week's most important changes, most important
	// first (at most [MaxHighlights]).
	Highlights []Highlight `json:"highlights"`
}

// MaxHighlights is how many changes a reading list names.
const MaxHighlights = 10

// Highlight is one change of a week, from the roundup of its day.
type Highlight struct {
	Date     string   `json:"date"`
	Kind     string   `json:"kind"`
	Sentence string   `json:"sentence"`
	Entities []string `json:"entities"`
	Score    int      `json:"score"`
}

// Quiet reports whether the week has neither readings nor changes.
func (l *ReadingList) Quiet() bool { return len(l.Readings) == 0 && len(l.Highlights) == 0 }

// Entities returns every entity id the list concerns, sorted.
func (l *ReadingList) Entities() []string {
	var ids []string
	for _, r := range l.Readings {
		for _, e := range r.Entities {
			ids = append(ids, e.ID)
		}
	}
	for _, h := range l.Highlights {
		ids = append(ids, h.Entities...)
	}
	return sortIDs(ids)
}

// BuildReadingList returns the reading list of week w. roundups are the
// roundups of the week's days (others are ignored); their changes are
// ranked by [Importance] and the first [MaxHighlights] kept.
func BuildReadingList(a *atlas.Atlas, w Week, roundups []*Roundup) *ReadingList {
	l := &ReadingList{Week: w.String(), From: dayString(w.Monday()), To: dayString(w.Monday().AddDate(0, 0, 6)),
		Highlights: []Highlight{}}
	l.Readings = readingsOn(a, func(d atlas.Date) bool { return d.Prec == atlas.PrecisionDay && w.Contains(d.Start()) })
	var hs []Highlight
	for _, r := range roundups {
		if r == nil || !w.Contains(r.Day()) {
			continue
		}
		for _, c := range r.Atlas {
			hs = append(hs, Highlight{Date: r.Date, Kind: c.Kind, Sentence: c.Sentence, Entities: c.Entities,
				Score: Importance(c.Kind, c.Predicate, 0)})
		}
		for _, c := range r.Ranges {
			size := c.Added + c.Removed + c.Changed + c.Moved + c.Prefixes
			hs = append(hs, Highlight{Date: r.Date, Kind: c.Kind, Sentence: c.Sentence, Entities: c.Entities,
				Score: Importance(c.Kind, "", size)})
		}
	}
	slices.SortStableFunc(hs, func(x, y Highlight) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Date, y.Date), cmp.Compare(x.Sentence, y.Sentence))
	})
	hs = slices.CompactFunc(hs, func(x, y Highlight) bool { return x.Date == y.Date && x.Sentence == y.Sentence })
	l.Highlights = append(l.Highlights, hs[:min(len(hs), MaxHighlights)]...)
	return l
}

// predicateWeight ranks the statements that begin or end: who operates
// and controls a cloud first.
var predicateWeight = map[string]int{
	"operates": 95, "controls": 90, "owns": 85, "subsidiary_of": 80, "joint_venture": 80,
	"sold_assets_to": 80, "licenses_technology_to": 75, "subject_to": 70, "officer": 60,
	"incorporated_in": 55, "located_in": 50, "partner_of": 50, "founded": 45, "holds_asn": 40,
}

// Importance scores a change for the weekly highlights: laws and who
// operates or controls a cloud first, then events, launches, new or
// vanished regions and market figures, then prefix changes by size
// (size counts the prefixes concerned).
func Importance(kind, predicate string, size int) int {
	switch kind {
	case KindLawInForce:
		return 100
	case KindLawEnds:
		return 92
	case KindEvent:
		return 88
	case KindBegins, KindEnds:
		return cmp.Or(predicateWeight[predicate], 45)
	case KindLaunch:
		return 72
	case KindRegionAppears, KindRegionVanishes:
		return 65
	case KindMarketFigure:
		return 58
	case KindFirstSnapshot:
		return 30
	case KindScopeAppears, KindScopeVanishes:
		return 25
	}
	// Prefix changes: 20 for one prefix, up to 60 for thousands.
	return 20 + min(40, int(6*math.Log2(1+float64(size))))
}

// AtlasDays indexes the days on which the atlas records a change: for
// each entity id, the days (YYYY-MM-DD, sorted) whose roundup names it
// among its atlas changes or readings; the key "" holds every such day.
func AtlasDays(a *atlas.Atlas) map[string][]string {
	days := map[time.Time]bool{}
	mark := func(d atlas.Date) {
		if d.Prec == atlas.PrecisionDay {
			days[d.Start()] = true
		}
	}
	for _, s := range a.Statements {
		mark(s.Bounds.From)
		mark(s.Bounds.To)
	}
	for _, e := range a.Entities {
		mark(e.InForce.From)
		mark(e.InForce.To)
		mark(e.Launched)
	}
	for _, s := range a.Series {
		for _, p := range s.Points {
			mark(p.Vintage)
		}
	}
	for _, r := range a.Readings {
		mark(r.Published)
	}
	out := map[string][]string{}
	for _, day := range sortedKeys(days, func(x, y time.Time) int { return x.Compare(y) }) {
		r := BuildRoundup(a, day, nil)
		if r.Quiet() {
			continue
		}
		out[""] = append(out[""], r.Date)
		for _, id := range r.Entities() {
			out[id] = append(out[id], r.Date)
		}
	}
	return out
}

// ReadingWeeks returns the weeks in which readings were published (with
// day precision), newest first.
func ReadingWeeks(a *atlas.Atlas) []Week {
	seen := map[Week]bool{}
	for _, r := range a.Readings {
		if r.Published.Prec == atlas.PrecisionDay {
			seen[WeekOf(r.Published.Start())] = true
		}
	}
	ws := sortedKeys(seen, func(x, y Week) int { return cmp.Or(cmp.Compare(y.Year, x.Year), cmp.Compare(y.Num, x.Num)) })
	return ws
}

// trimDot removes one final full stop.
func trimDot(s string) string { return strings.TrimSuffix(s, ".") }
