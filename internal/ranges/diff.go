package ranges

import (
	"net/netip"
	"slices"
)

// Changes is the difference between two snapshots of a feed.
type Changes struct {
	Added   []Record // records of prefixes only the new snapshot lists
	Removed []Record // records of prefixes only the old snapshot lists
	Moved   []Move   // prefixes both list, placed differently
}

// Move is a prefix that both snapshots list with a different placement:
// another region, scope, service set, provider, partition, location or
// ASN.
type Move struct {
	Prefix   netip.Prefix
	From, To Record
}

// Empty reports whether there are no changes.
func (c *Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Moved) == 0
}

// Diff compares two snapshots of a feed prefix by prefix. A prefix may
// have several records in one snapshot (one per region, say); it has
// moved when the set of its placements, that is its records without the
// prefix, differs between the snapshots. Each placement that only one
// side has becomes one [Move], paired with a changed placement of the
// other side in order; when one side has more changed placements than
// the other, the extra ones are paired with the other side's first
// record (a prefix that left one of two regions moves from that region
// into the one it kept). Everything is ordered by prefix, then placement,
// so equal inputs give equal output. Either snapshot may be nil.
func Diff(old, new *Snapshot) Changes {
	before, after := byPrefix(old), byPrefix(new)
	var c Changes
	for _, p := range sortedPrefixes(before, after) {
		o, n := before[p], after[p]
		switch {
		case len(o) == 0:
			c.Added = append(c.Added, n...)
		case len(n) == 0:
			c.Removed = append(c.Removed, o...)
		default:
			c.Moved = append(c.Moved, moves(p, o, n)...)
		}
	}
	return c
}

// byPrefix groups the records of s by prefix, each group sorted and
// without duplicate placements.
func byPrefix(s *Snapshot) map[netip.Prefix][]Record {
	m := make(map[netip.Prefix][]Record)
	if s == nil {
		return m
	}
	for _, r := range s.Records {
		r.Prefix = r.Prefix.Masked()
		r.Services = slices.Clone(r.Services)
		sortServices(r.Services)
		m[r.Prefix] = append(m[r.Prefix], r)
	}
	for p, rs := range m {
		slices.SortFunc(rs, comparePlacement)
		m[p] = slices.CompactFunc(rs, func(a, b Record) bool { return comparePlacement(a, b) == 0 })
	}
	return m
}

// sortedPrefixes returns the prefixes of a and b, in address order.
func sortedPrefixes(a, b map[netip.Prefix][]Record) []netip.Prefix {
	ps := make([]netip.Prefix, 0, len(a)+len(b))
	for p := range a {
		ps = append(ps, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, comparePrefix)
	return ps
}

// moves pairs the placements that only old or only new has.
func moves(p netip.Prefix, old, new []Record) []Move {
	from := onlyIn(old, new)
	to := onlyIn(new, old)
	var ms []Move
	for i := 0; i < max(len(from), len(to)); i++ {
		f, t := old[0], new[0]
		if i < len(from) {
			f = from[i]
		}
		if i < len(to) {
			t = to[i]
		}
		ms = append(ms, Move{Prefix: p, From: f, To: t})
	}
	return ms
}

// onlyIn returns the records of a whose placement b lacks; both are sorted.
func onlyIn(a, b []Record) []Record {
	var out []Record
	for _, r := range a {
		if _, found := slices.BinarySearchFunc(b, r, comparePlacement); !found {
			out = append(out, r)
		}
	}
	return out
}

// comparePlacement orders records of one prefix by every field but the
// prefix, services included.
func comparePlacement(a, b Record) int {
	return CompareRecords(&a, &b)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}
