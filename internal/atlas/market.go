package atlas

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// MeasureShare is the measure of market-share series, in percent.
const MeasureShare = "share_pct"

// MeasureMarketSize is the measure of a series of the total size of a
// market in US$ billions; its points name no entity.
const MeasureMarketSize = "market_usd_bn"

// Lead is one "X leads the market" sentence: the provider with the
// largest share in the latest period of one firm's series about a
// market, in which the market's leader is measured too.
type Lead struct {
	Market  string  `json:"market"`
	Firm    string  `json:"firm"`
	Series  string  `json:"series"`
	Entity  string  `json:"entity"`
	Value   float64 `json:"value"`
	Period  string  `json:"period"`
	Vintage Date    `json:"vintage"`
	Source  Source  `json:"source"`
}

// Sentence renders the lead with names from name (for example
// [Atlas.DisplayName]): "Alibaba Cloud leads the china market with 36%
// in 2025-Q4, says Canalys".
func (l Lead) Sentence(name func(id string) string) string {
	return fmt.Sprintf("%s leads the %s market with %s%% in %s, says %s",
		name(l.Entity), l.Market, strconv.FormatFloat(l.Value, 'f', -1, 64), l.Period, l.Firm)
}

// Leads returns at most one lead per market and firm, latest period
// first. A market's leader is the provider that tops the most periods
// over all share series of that market; a series yields a lead only if
// it covers that leader (its covers list, else its points), and only
// for the latest period in which it gives the leader a figure. So a
// series that leaves the leader out (IDC's 2016 China figures, which
// have no Alibaba) never says who leads. Restated figures count at
// their latest vintage.
func (a *Atlas) Leads() []Lead {
	leaders := a.marketLeaders()
	best := map[[2]string]Lead{} // (market, firm) -> latest lead
	for _, s := range a.Series {
		leader, ok := leaders[s.Market]
		if s.Measure != MeasureShare || !ok || !slices.Contains(s.covered(), leader) {
			continue
		}
		l, ok := latestLead(s, leader)
		if !ok {
			continue
		}
		k := [2]string{s.Market, s.Firm}
		if prev, seen := best[k]; !seen || periodEnd(l.Period).After(periodEnd(prev.Period)) {
			best[k] = l
		}
	}
	out := make([]Lead, 0, len(best))
	for _, l := range best {
		out = append(out, l)
	}
	slices.SortFunc(out, func(x, y Lead) int {
		return cmp.Or(periodEnd(y.Period).Compare(periodEnd(x.Period)), cmp.Compare(x.Market, y.Market),
			cmp.Compare(x.Firm, y.Firm))
	})
	return out
}

// covered returns the series' covers list, or the entities of its
// points when it has none.
func (s *Series) covered() []string {
	if len(s.Covers) > 0 {
		return s.Covers
	}
	var out []string
	for _, p := range s.Points {
		if p.Entity != "" && !slices.Contains(out, p.Entity) {
			out = append(out, p.Entity)
		}
	}
	return out
}

// latestPoints returns, per period, the points of s at their latest
// vintage, one per entity.
func latestPoints(s *Series) map[string]map[string]Point {
	by := map[string]map[string]Point{}
	for _, p := range s.Points {
		if p.Entity == "" {
			continue
		}
		if by[p.Period] == nil {
			by[p.Period] = map[string]Point{}
		}
		if prev, ok := by[p.Period][p.Entity]; !ok || p.Vintage.Start().After(prev.Vintage.Start()) {
			by[p.Period][p.Entity] = p
		}
	}
	return by
}

// top returns the point with the largest value (ties: smallest id).
func top(points map[string]Point) Point {
	var best Point
	first := true
	for _, p := range points {
		if first || p.Value > best.Value || p.Value == best.Value && p.Entity < best.Entity {
			best, first = p, false
		}
	}
	return best
}

// latestLead returns the lead of the latest period of s that has a
// figure for leader.
func latestLead(s *Series, leader string) (Lead, bool) {
	var period string
	by := latestPoints(s)
	for p, points := range by {
		if _, ok := points[leader]; ok && (period == "" || periodEnd(p).After(periodEnd(period))) {
			period = p
		}
	}
	if period == "" {
		return Lead{}, false
	}
	t := top(by[period])
	return Lead{Market: s.Market, Firm: s.Firm, Series: s.ID, Entity: t.Entity, Value: t.Value,
		Period: period, Vintage: t.Vintage, Source: t.Source}, true
}

// marketLeaders returns, per market, the provider that tops the most
// (series, period) pairs of its share series.
func (a *Atlas) marketLeaders() map[string]string {
	wins := map[string]map[string]int{}
	for _, s := range a.Series {
		if s.Measure != MeasureShare {
			continue
		}
		if wins[s.Market] == nil {
			wins[s.Market] = map[string]int{}
		}
		for _, points := range latestPoints(s) {
			wins[s.Market][top(points).Entity]++
		}
	}
	out := map[string]string{}
	for market, w := range wins {
		best, n := "", -1
		for e, c := range w {
			if c > n || c == n && e < best {
				best, n = e, c
			}
		}
		out[market] = best
	}
	return out
}

// periodEnd returns the first instant after a period "YYYY" or "YYYY-Qn"
// (the zero time for a malformed one).
func periodEnd(p string) time.Time {
	if !periodRE.MatchString(p) {
		return time.Time{}
	}
	y, _ := strconv.Atoi(p[:4])
	if len(p) == 4 {
		return time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	q := int(p[6] - '0')
	return time.Date(y, time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC)
}
