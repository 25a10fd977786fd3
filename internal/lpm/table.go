package lpm

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"
)

// Table is an immutable index over sets of records. Build it with
// [Build]; it is safe for concurrent lookups.
type Table struct {
	tbl     bart.Table[uint32] // distinct prefix -> index into spans
	spans   []span
	own     []span // the prefix's own matches only, for subnet queries
	matches []Match
	records int
}

type span struct{ start, end uint32 }

// Build indexes sets. Sets are not modified; the table points into their
// records, which must stay unchanged while it is in use.
func Build(sets []Set) *Table {
	all := flatten(sets)
	t := &Table{records: len(all)}
	groups := group(all)
	// Insert shorter prefixes first, so that the parent of each prefix is
	// already in the table (and its chain built) when the prefix arrives.
	slices.SortStableFunc(groups, func(a, b []Match) int {
		return cmp.Compare(a[0].Record.Prefix.Bits(), b[0].Record.Prefix.Bits())
	})
	t.matches = make([]Match, 0, len(all)*2)
	t.spans = make([]span, 0, len(groups))
	t.own = make([]span, 0, len(groups))
	for _, g := range groups {
		t.add(g)
	}
	return t
}

// add appends the chain of the prefix whose own matches are g.
func (t *Table) add(g []Match) {
	pfx := g[0].Record.Prefix
	start := uint32(len(t.matches))
	t.matches = append(t.matches, g...)
	own := span{start, uint32(len(t.matches))}
	if pfx.Bits() > 0 {
		parent := netip.PrefixFrom(pfx.Addr(), pfx.Bits()-1)
		if _, i, ok := t.tbl.LookupPrefixLPM(parent); ok {
			p := t.spans[i]
			t.matches = append(t.matches, t.matches[p.start:p.end]...)
		}
	}
	t.tbl.Insert(pfx, uint32(len(t.spans)))
	t.spans = append(t.spans, span{start, uint32(len(t.matches))})
	t.own = append(t.own, own)
}

// flatten lists every record of sets as a match.
func flatten(sets []Set) []Match {
	n := 0
	for _, s := range sets {
		n += len(s.Records)
	}
	all := make([]Match, 0, n)
	for _, s := range sets {
		for i := range s.Records {
			all = append(all, Match{Record: &s.Records[i], Source: s.Source})
		}
	}
	return all
}

// group sorts matches by prefix and then by report order, and returns one
// slice per distinct prefix.
func group(all []Match) [][]Match {
	slices.SortFunc(all, func(a, b Match) int {
		pa, pb := a.Record.Prefix, b.Record.Prefix
		if c := pa.Addr().Compare(pb.Addr()); c != 0 {
			return c
		}
		return compare(a, b)
	})
	var groups [][]Match
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].Record.Prefix == all[i].Record.Prefix {
			j++
		}
		groups = append(groups, all[i:j:j])
		i = j
	}
	return groups
}

// Lookup returns every match containing a, most specific first. The
// returned slice is shared: callers must not modify it. a must be
// normalized (see [Normalize]).
func (t *Table) Lookup(a netip.Addr) []Match {
	i, ok := t.tbl.Lookup(a)
	if !ok {
		return nil
	}
	s := t.spans[i]
	return t.matches[s.start:s.end:s.end]
}

// Covering returns every match whose prefix contains p (p itself
// included), most specific first. The returned slice is shared.
func (t *Table) Covering(p netip.Prefix) []Match {
	_, i, ok := t.tbl.LookupPrefixLPM(p.Masked())
	if !ok {
		return nil
	}
	s := t.spans[i]
	return t.matches[s.start:s.end:s.end]
}

// Within calls yield for the matches of every stored prefix strictly inside
// p, in address order, until yield returns false.
func (t *Table) Within(p netip.Prefix, yield func(Match) bool) {
	p = p.Masked()
	for q, i := range t.tbl.Subnets(p) {
		if q == p {
			continue
		}
		s := t.own[i]
		for _, m := range t.matches[s.start:s.end] {
			if !yield(m) {
				return
			}
		}
	}
}

// Len returns the number of records and of distinct prefixes indexed.
func (t *Table) Len() (records, prefixes int) {
	return t.records, len(t.spans)
}
