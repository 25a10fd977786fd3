package lpm

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"

	"github.com/gaissmai/bart"
)

// Table is an immutable index over sets of records. Build it with
// [Build]; it is safe for concurrent lookups.
//
// It keeps one half per address family, built concurrently.
type Table struct {
	v4, v6            half
	records, prefixes int
}

// half indexes the prefixes of one address family.
type half struct {
	// tbl maps each distinct prefix to its chain in matches, held in the
	// table itself so that a lookup reads no other array first.
	tbl      bart.Table[chain]
	prefixes []netip.Prefix // in build order, for the parent stack (nil after Build)
	chains   []chain        // in build order, for the parents' chains (nil after Build)
	matches  []Match
}

// chain locates a prefix's matches: matches[start:end] is its whole
// chain (its own records, then its parent's chain), matches[start:own]
// its own records only.
type chain struct{ start, own, end uint32 }

// Build indexes sets. Sets are not modified; the table points into their
// records, which must stay unchanged while it is in use.
func Build(sets []Set) *Table {
	all, keys4, keys6 := flatten(sets)
	t := &Table{records: len(all)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t.v6.build(all, keys6)
	}()
	t.v4.build(all, keys4)
	wg.Wait()
	t.prefixes = len(t.v4.chains) + len(t.v6.chains)
	t.v4.prefixes, t.v4.chains, t.v6.prefixes, t.v6.chains = nil, nil, nil, nil
	return t
}

// build indexes the matches named by keys, all of one family.
func (h *half) build(all []Match, keys []key) {
	// Sort by address, shorter prefixes first, then report order: every
	// prefix then follows the prefixes that contain it, so one pass with
	// a stack of open prefixes finds each prefix's parent.
	sortKeys(keys)
	// Sized for the usual case (each prefix nested in about one other), so
	// that nothing is copied as it grows.
	h.matches = make([]Match, 0, 2*len(keys))
	h.chains = make([]chain, 0, len(keys))
	h.prefixes = make([]netip.Prefix, 0, len(keys))
	var stack []int // indexes into h.chains of the prefixes containing the current one
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j].addr == keys[i].addr && keys[j].bits == keys[i].bits {
			j++
		}
		pfx := netip.PrefixFrom(keys[i].addr, int(keys[i].bits))
		for len(stack) > 0 && !h.prefixes[stack[len(stack)-1]].Contains(pfx.Addr()) {
			stack = stack[:len(stack)-1]
		}
		parent := -1
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, h.add(pfx, all, keys[i:j], parent))
		i = j
	}
}

// key is a match reduced to what orders it, for a cache-friendly sort.
type key struct {
	addr  netip.Addr
	bits  int16
	tier  uint8
	order int32
	pos   int32 // index into the flattened matches: keeps set order
}

// sortKeys sorts keys by compareKeys. IPv4 keys usually fit in one
// uint64 (address, length, tier, feed order, position), and sorting
// integers is several times faster than calling a comparison function;
// anything else takes the general path.
func sortKeys(keys []key) {
	packed := make([]uint64, len(keys))
	for i, k := range keys {
		p, ok := pack4(k)
		if !ok {
			slices.SortFunc(keys, compareKeys)
			return
		}
		packed[i] = p
	}
	slices.Sort(packed)
	for i, p := range packed {
		keys[i] = unpack4(p)
	}
}

// The layout of a packed IPv4 key, from the top bit down.
const (
	posBits   = 19
	orderBits = 5
	tierBits  = 2
	lenBits   = 6
)

func pack4(k key) (uint64, bool) {
	if !k.addr.Is4() || k.pos >= 1<<posBits || k.order < 0 || k.order >= 1<<orderBits || k.tier >= 1<<tierBits {
		return 0, false
	}
	a := k.addr.As4()
	v := uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])
	v = v<<lenBits | uint64(k.bits)
	v = v<<tierBits | uint64(k.tier)
	v = v<<orderBits | uint64(k.order)
	return v<<posBits | uint64(k.pos), true
}

func unpack4(v uint64) key {
	var k key
	k.pos = int32(v & (1<<posBits - 1))
	v >>= posBits
	k.order = int32(v & (1<<orderBits - 1))
	v >>= orderBits
	k.tier = uint8(v & (1<<tierBits - 1))
	v >>= tierBits
	k.bits = int16(v & (1<<lenBits - 1))
	v >>= lenBits
	k.addr = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	return k
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
// keys, after the chain of its parent (an index into h.chains, or -1),
// and returns the prefix's index.
func (h *half) add(pfx netip.Prefix, all []Match, keys []key, parent int) int {
	c := chain{start: uint32(len(h.matches))}
	for _, k := range keys {
		h.matches = append(h.matches, all[k.pos])
	}
	c.own = uint32(len(h.matches))
	if parent >= 0 {
		p := h.chains[parent]
		h.matches = append(h.matches, h.matches[p.start:p.end]...)
	}
	c.end = uint32(len(h.matches))
	h.tbl.Insert(pfx, c)
	h.chains = append(h.chains, c)
	h.prefixes = append(h.prefixes, pfx)
	return len(h.chains) - 1
}

// flatten lists every record of sets as a match, with its sort key in the
// key list of its family.
func flatten(sets []Set) (all []Match, keys4, keys6 []key) {
	n := 0
	for _, s := range sets {
		n += len(s.Records)
	}
	all = make([]Match, 0, n)
	n4 := 0
	for _, s := range sets {
		for i := range s.Records {
			// Prefixes, when set, is to be read instead: Records may
			// still be being filled in (see [Set]).
			if s.Prefixes != nil && s.Prefixes[i].Addr().Is4() || s.Prefixes == nil && s.Records[i].Prefix.Addr().Is4() {
				n4++
			}
		}
	}
	keys4, keys6 = make([]key, 0, n4), make([]key, 0, n-n4)
	for _, s := range sets {
		for i := range s.Records {
			var p netip.Prefix
			if s.Prefixes != nil {
				p = s.Prefixes[i]
			} else {
				p = s.Records[i].Prefix
			}
			k := key{addr: p.Addr(), bits: int16(p.Bits()), tier: uint8(s.Source.Tier),
				order: int32(s.Source.Order), pos: int32(len(all))}
			if p.Addr().Is4() {
				keys4 = append(keys4, k)
			} else {
				keys6 = append(keys6, k)
			}
			all = append(all, Match{Record: &s.Records[i], Source: s.Source, ID: uint32(len(all))})
		}
	}
	return all, keys4, keys6
}

func (t *Table) half(a netip.Addr) *half {
	if a.Is4() {
		return &t.v4
	}
	return &t.v6
}

// Lookup returns every match containing a, most specific first. The
// returned slice is shared: callers must not modify it. a must be
// normalized (see [Normalize]).
func (t *Table) Lookup(a netip.Addr) []Match {
	h := t.half(a)
	c, ok := h.tbl.Lookup(a)
	if !ok {
		return nil
	}
	return h.matches[c.start:c.end:c.end]
}

// Covering returns every match whose prefix contains p (p itself
// included), most specific first. The returned slice is shared.
func (t *Table) Covering(p netip.Prefix) []Match {
	h := t.half(p.Addr())
	_, c, ok := h.tbl.LookupPrefixLPM(p.Masked())
	if !ok {
		return nil
	}
	return h.matches[c.start:c.end:c.end]
}

// Within calls yield for the matches of every stored prefix strictly inside
// p, in address order, until yield returns false.
func (t *Table) Within(p netip.Prefix, yield func(Match) bool) {
	p = p.Masked()
	h := t.half(p.Addr())
	for q, c := range h.tbl.Subnets(p) {
		if q == p {
			continue
		}
		for _, m := range h.matches[c.start:c.own] {
			if !yield(m) {
				return
			}
		}
	}
}

// Len returns the number of records and of distinct prefixes indexed.
func (t *Table) Len() (records, prefixes int) {
	return t.records, t.prefixes
}
