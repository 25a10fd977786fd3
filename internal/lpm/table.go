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
	tbl      bart.Table[uint32] // distinct prefix -> index into spans
	spans    []span
	own      []span // the prefix's own matches only, for subnet queries
	prefixes []netip.Prefix
	matches  []Match
	records  int
}

type span struct{ start, end uint32 }

// Build indexes sets. Sets are not modified; the table points into their
// records, which must stay unchanged while it is in use.
func Build(sets []Set) *Table {
	all, keys := flatten(sets)
	// Sort by address, shorter prefixes first, then report order: every
	// prefix then follows the prefixes that contain it, so one pass with
	// a stack of open prefixes finds each prefix's parent.
	slices.SortFunc(keys, compareKeys)
	t := &Table{records: len(all), matches: make([]Match, 0, 2*len(all))}
	var stack []int // indexes into t.spans of the prefixes containing the current one
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j].addr == keys[i].addr && keys[j].bits == keys[i].bits {
			j++
		}
		pfx := netip.PrefixFrom(keys[i].addr, int(keys[i].bits))
		for len(stack) > 0 && !t.prefixes[stack[len(stack)-1]].Contains(pfx.Addr()) {
			stack = stack[:len(stack)-1]
		}
		parent := -1
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, t.add(pfx, all, keys[i:j], parent))
		i = j
	}
	return t
}

// key is a match reduced to what orders it, for a cache-friendly sort.
type key struct {
	addr  netip.Addr
	bits  int16
	tier  uint8
	order int32
	pos   int32 // index into the flattened matches: keeps set order
}

func compareKeys(a, b key) int {
	return cmp.Or(
		a.addr.Compare(b.addr),
		cmp.Compare(a.bits, b.bits),
		cmp.Compare(a.tier, b.tier),
		cmp.Compare(a.order, b.order),
		cmp.Compare(a.pos, b.pos),
	)
}

// add appends the chain of prefix pfx, whose own matches are those of
// keys, after the chain of its parent (an index into t.spans, or -1), and
// returns the prefix's index.
func (t *Table) add(pfx netip.Prefix, all []Match, keys []key, parent int) int {
	start := uint32(len(t.matches))
	for _, k := range keys {
		t.matches = append(t.matches, all[k.pos])
	}
	own := span{start, uint32(len(t.matches))}
	if parent >= 0 {
		p := t.spans[parent]
		t.matches = append(t.matches, t.matches[p.start:p.end]...)
	}
	i := len(t.spans)
	t.tbl.Insert(pfx, uint32(i))
	t.spans = append(t.spans, span{start, uint32(len(t.matches))})
	t.own = append(t.own, own)
	t.prefixes = append(t.prefixes, pfx)
	return i
}

// flatten lists every record of sets as a match, with its sort key.
func flatten(sets []Set) ([]Match, []key) {
	n := 0
	for _, s := range sets {
		n += len(s.Records)
	}
	all := make([]Match, 0, n)
	keys := make([]key, 0, n)
	for _, s := range sets {
		for i := range s.Records {
			p := s.Records[i].Prefix
			keys = append(keys, key{addr: p.Addr(), bits: int16(p.Bits()), tier: uint8(s.Source.Tier),
				order: int32(s.Source.Order), pos: int32(len(all))})
			all = append(all, Match{Record: &s.Records[i], Source: s.Source})
		}
	}
	return all, keys
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
