// Package share computes the measured hosting share of a population of
// host names from a resolution snapshot: which provider, operator or
// jurisdiction serves how many of the names, counted plainly and
// weighted by rank. It does no I/O; the attribution of an address (the
// one join of ranges, places and atlas) is passed in.
//
// A name counts for what serves its first address: the first A record,
// else the first AAAA record, as the resolver ordered them. A site
// fronted by a CDN therefore counts for the CDN, not for the origin
// behind it.
package share

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/hostname"
	"github.com/cloudatlas/cloudatlas/internal/snapshot"
)

// Attribution is who serves an address.
type Attribution struct {
	// Provider is the provider key ("aws", "alibaba"); Operator the
	// legal entity that operates the place (an atlas id or a name).
	Provider string
	Operator string
	// Jurisdictions are the jurisdictions whose law reaches the place.
	Jurisdictions []string
}

// Attributor tells who serves an address; ok is false when nothing
// attributes it.
type Attributor func(netip.Addr) (a Attribution, ok bool)

// By is what the names are counted by.
type By string

// What names can be counted by.
const (
	ByProvider     By = "provider"
	ByOperator     By = "operator"
	ByJurisdiction By = "jurisdiction"
)

// Unattributed is the key of the names whose first address nothing
// attributes (or whose attribution lacks the field counted).
const Unattributed = "(unattributed)"

// Weighting describes the rank weighting: a name of rank r weighs 1/r
// (Zipf's law with exponent 1: the share of visits a site of rank r gets
// is taken as proportional to 1/r).
const Weighting = "1/rank (Zipf, exponent 1)"

// FirstAddressRule says which address of a name counts.
const FirstAddressRule = "a name counts for what serves its first address (first A record, else first AAAA); a CDN-fronted site counts for the CDN"

// Options choose what to count.
type Options struct {
	By By
	// Filter keeps the records to count (nil keeps all): see [Suffix] and
	// [List].
	Filter func(snapshot.Record) bool
}

// Row is the count for one key.
type Row struct {
	Key   string `json:"key"`
	Names int    `json:"names"`
	// Share is Names over the resolved names (0 to 1).
	Share float64 `json:"share"`
	// Weight is the sum of 1/rank of the key's ranked names;
	// WeightedShare is Weight over the weight of all resolved ranked
	// names.
	Weight        float64 `json:"weight"`
	WeightedShare float64 `json:"weighted_share"`
}

// Report is the measured share of one population.
type Report struct {
	By By `json:"by"`
	// Population is the number of names counted (after the filter);
	// Resolved of them have an address, Unresolved do not, by error kind
	// in UnresolvedByKind ("nxdomain", "timeout", ... or "no-address").
	Population       int            `json:"population"`
	Resolved         int            `json:"resolved"`
	Unresolved       int            `json:"unresolved"`
	UnresolvedByKind map[string]int `json:"unresolved_by_kind"`
	// Ranked is the number of resolved names that have a rank; only they
	// carry weight.
	Ranked    int    `json:"ranked"`
	Weighting string `json:"weighting"`
	Rule      string `json:"rule"`
	// MultiValued is true when a name may count for several keys (by
	// jurisdiction): shares then add up to more than 1.
	MultiValued bool `json:"multi_valued"`
	// Rows are ordered by names, then weight (both descending), then key.
	Rows []Row `json:"rows"`
	// From and To bound the times the names were resolved.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Compute counts recs by opt.By, attributing each resolved name's first
// address with attr.
func Compute(recs []snapshot.Record, attr Attributor, opt Options) Report {
	r := Report{By: opt.By, UnresolvedByKind: map[string]int{}, Weighting: Weighting, Rule: FirstAddressRule,
		MultiValued: opt.By == ByJurisdiction}
	rows := map[string]*Row{}
	total := 0.0
	for _, rec := range recs {
		if opt.Filter != nil && !opt.Filter(rec) {
			continue
		}
		r.count(rec)
		addr, ok := rec.First()
		if !ok {
			r.Unresolved++
			r.UnresolvedByKind[cmp.Or(rec.Error, "no-address")]++
			continue
		}
		r.Resolved++
		w := weight(rec.Rank)
		if w > 0 {
			r.Ranked++
			total += w
		}
		for _, key := range keys(attr, addr, opt.By) {
			row := rows[key]
			if row == nil {
				row = &Row{Key: key}
				rows[key] = row
			}
			row.Names++
			row.Weight += w
		}
	}
	r.Rows = finish(rows, r.Resolved, total)
	return r
}

// count widens the report's time span to rec's.
func (r *Report) count(rec snapshot.Record) {
	r.Population++
	if rec.Time.IsZero() {
		return
	}
	if r.From.IsZero() || rec.Time.Before(r.From) {
		r.From = rec.Time
	}
	if rec.Time.After(r.To) {
		r.To = rec.Time
	}
}

// weight is 1/rank, 0 without a rank.
func weight(rank int) float64 {
	if rank < 1 {
		return 0
	}
	return 1 / float64(rank)
}

// keys returns what an address counts for.
func keys(attr Attributor, addr netip.Addr, by By) []string {
	a, ok := attr(addr)
	if !ok {
		return []string{Unattributed}
	}
	var ks []string
	switch by {
	case ByOperator:
		ks = []string{a.Operator}
	case ByJurisdiction:
		ks = slices.Compact(slices.Sorted(slices.Values(a.Jurisdictions)))
	default:
		ks = []string{a.Provider}
	}
	ks = slices.DeleteFunc(ks, func(k string) bool { return k == "" })
	if len(ks) == 0 {
		return []string{Unattributed}
	}
	return ks
}

// finish computes the shares and orders the rows.
func finish(rows map[string]*Row, resolved int, total float64) []Row {
	out := make([]Row, 0, len(rows))
	for _, row := range rows {
		if resolved > 0 {
			row.Share = float64(row.Names) / float64(resolved)
		}
		if total > 0 {
			row.WeightedShare = row.Weight / total
		}
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.Names, a.Names), cmp.Compare(b.Weight, a.Weight), strings.Compare(a.Key, b.Key))
	})
	return out
}

// Suffix returns a filter keeping the names (ASCII) that end with one of
// the given top-level suffixes, e.g. Suffix("cn") keeps the .cn names.
func Suffix(suffixes ...string) func(snapshot.Record) bool {
	return func(rec snapshot.Record) bool {
		for _, s := range suffixes {
			s = strings.ToLower(strings.Trim(s, "."))
			if rec.ASCII == s || strings.HasSuffix(rec.ASCII, "."+s) {
				return true
			}
		}
		return false
	}
}

// ChinaTLDs are the top-level domains of China: cn, 中国 and 中國 (in
// ASCII), for Suffix(ChinaTLDs...).
var ChinaTLDs = []string{"cn", "xn--fiqs8s", "xn--fiqz9s"}

// List returns a filter keeping the names of a given list (in any case,
// Unicode or ASCII).
func List(names []string) func(snapshot.Record) bool {
	keep := map[string]bool{}
	for _, n := range names {
		if h, err := hostname.Parse(n); err == nil {
			keep[h.ASCII] = true
		}
	}
	return func(rec snapshot.Record) bool { return keep[rec.ASCII] }
}
