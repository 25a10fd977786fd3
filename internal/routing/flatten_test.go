package routing

import (
	"math/rand/v2"
	"testing"
)

// randomRows returns n sorted rows over the addresses 0..size-1, nested,
// crossing and repeating at random, with values 1..4.
func randomRows(rng *rand.Rand, n, size int) []entry[int] {
	rows := make([]entry[int], n)
	for i := range rows {
		a, b := rng.IntN(size), rng.IntN(size)
		if b < a {
			a, b = b, a
		}
		rows[i] = entry[int]{span{u128{lo: uint64(a)}, u128{lo: uint64(b)}}, 1 + rng.IntN(4)}
	}
	return sortedCopy(rows, func(x, y entry[int]) int { return x.first.cmp(y.first) })
}

// TestFlattenMatchesBruteForce compares flatten with the rule applied
// address by address: the narrowest row holding the address wins, the
// later row on a tie.
func TestFlattenMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const size = 64
	for range 2000 {
		rows := randomRows(rng, 1+rng.IntN(8), size)
		got := flatten(rows)
		for i := 1; i < len(got); i++ {
			if !got[i-1].last.less(got[i].first) {
				t.Fatalf("rows %v: result overlaps: %v", rows, got)
			}
			if got[i-1].last.next() == got[i].first && got[i-1].v == got[i].v {
				t.Fatalf("rows %v: touching equal entries not merged: %v", rows, got)
			}
		}
		vals := expand(got, size)
		for a := range size {
			want, width := 0, size+1
			for _, r := range rows {
				if r.first.lo <= uint64(a) && uint64(a) <= r.last.lo && int(r.last.lo-r.first.lo) <= width {
					want, width = r.v, int(r.last.lo-r.first.lo)
				}
			}
			gotv := 0
			if vals[a] != nil {
				gotv = *vals[a]
			}
			if gotv != want {
				t.Fatalf("rows %v: address %d = %d, want %d (flattened %v)", rows, a, gotv, want, got)
			}
		}
	}
}

func TestFlattenAtTheTop(t *testing.T) {
	rows := []entry[int]{
		{span{u128{}, maxU128}, 1},
		{span{maxU128.prev(), maxU128}, 2},
	}
	got := flatten(rows)
	want := []entry[int]{{span{u128{}, maxU128.prev().prev()}, 1}, {span{maxU128.prev(), maxU128}, 2}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("flatten = %v, want %v", got, want)
	}
}

// TestIntersectMatchesBruteForce checks that every routed address keeps
// its holding and gets the country covering it, that unrouted addresses
// stay out, and that pieces split only where the country changes.
func TestIntersectMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const size = 64
	for range 2000 {
		asns := toHolding(flatten(randomRows(rng, rng.IntN(6), size)))
		ccs := toCountry(flatten(randomRows(rng, rng.IntN(6), size)))
		got := intersect(asns, ccs)
		av, cv, gv := expand(asns, size), expand(ccs, size), expand(got, size)
		for a := range size {
			switch {
			case av[a] == nil && gv[a] != nil:
				t.Fatalf("address %d unrouted but in the result", a)
			case av[a] == nil:
			case gv[a] == nil || gv[a].holding != *av[a]:
				t.Fatalf("address %d: holding lost", a)
			case cv[a] == nil && gv[a].country != [2]byte{}:
				t.Fatalf("address %d: country %q from nowhere", a, gv[a].country)
			case cv[a] != nil && gv[a].country != *cv[a]:
				t.Fatalf("address %d: country %q, want %q", a, gv[a].country, *cv[a])
			}
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].last.next() == got[i].first && got[i-1].v == got[i].v {
				t.Fatalf("touching equal pieces not merged: %v", got)
			}
		}
	}
}

func toHolding(es []entry[int]) []entry[holding] {
	out := make([]entry[holding], len(es))
	for i, e := range es {
		out[i] = entry[holding]{e.span, holding{asn: uint32(e.v), name: uint32(e.v)}}
	}
	return mergeSame(out)
}

func toCountry(es []entry[int]) []entry[[2]byte] {
	out := make([]entry[[2]byte], len(es))
	for i, e := range es {
		out[i] = entry[[2]byte]{e.span, [2]byte{'A', 'A' + byte(e.v%2)}}
	}
	return mergeSame(out)
}

func mergeSame[V comparable](es []entry[V]) []entry[V] {
	var out []entry[V]
	for _, e := range es {
		out = appendMerged(out, e)
	}
	return out
}

func TestBlock(t *testing.T) {
	tests := []struct {
		first, last, a string
		want           string
	}{
		{"1.0.128.0", "1.0.196.255", "1.0.128.0", "1.0.128.0/18"},
		{"1.0.128.0", "1.0.196.255", "1.0.191.255", "1.0.128.0/18"},
		{"1.0.128.0", "1.0.196.255", "1.0.193.5", "1.0.192.0/22"},
		{"1.0.128.0", "1.0.196.255", "1.0.196.255", "1.0.196.0/24"},
		{"0.0.0.0", "255.255.255.255", "8.8.8.8", "0.0.0.0/0"},
		{"8.8.8.8", "8.8.8.8", "8.8.8.8", "8.8.8.8/32"},
		{"1.2.3.5", "1.2.3.10", "1.2.3.9", "1.2.3.8/31"},
		{"2001:db9:1::1:0", "2001:db9:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9:8000::1", "2001:db9:8000::/33"},
		{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001::", "::/0"},
		{"2400::", "2400::ffff", "2400::7", "2400::/112"},
	}
	for _, tt := range tests {
		r := Route{First: mustAddr(tt.first), Last: mustAddr(tt.last)}
		if got := r.Prefix(mustAddr(tt.a)).String(); got != tt.want {
			t.Errorf("Route %s-%s .Prefix(%s) = %s, want %s", tt.first, tt.last, tt.a, got, tt.want)
		}
	}
	r := Route{First: mustAddr("1.0.128.0"), Last: mustAddr("1.0.196.255")}
	if p := r.Prefix(mustAddr("1.0.197.0")); p.IsValid() {
		t.Errorf("Prefix outside the interval = %v", p)
	}
	if p := r.Prefix(mustAddr("::ffff:1.0.130.1")); p.String() != "1.0.128.0/18" {
		t.Errorf("Prefix of an IPv4-mapped address = %v", p)
	}
}

// TestPrefixesCoverTheInterval checks the decomposition on random
// intervals: aligned blocks, in order, touching, covering exactly, the
// fewest (no two neighbours merge into one block), and Prefix agreeing.
func TestPrefixesCoverTheInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 3000 {
		v6 := rng.IntN(2) == 0
		var a, b u128
		if v6 {
			a, b = u128{rng.Uint64(), rng.Uint64()}, u128{rng.Uint64(), rng.Uint64()}
			if rng.IntN(2) == 0 {
				b = u128{a.hi, a.lo + uint64(rng.IntN(1000))}
			}
		} else {
			a, b = u128{lo: uint64(rng.Uint32())}, u128{lo: uint64(rng.Uint32())}
		}
		if b.less(a) {
			a, b = b, a
		}
		r := Route{First: a.addr(v6), Last: b.addr(v6)}
		ps := r.Prefixes()
		cur := a
		for i, p := range ps {
			if p.Masked() != p || keyOf(p.Addr()) != cur {
				t.Fatalf("%v-%v: block %d %v does not start at %v", r.First, r.Last, i, p, cur.addr(v6))
			}
			_, end := bounds(p)
			if i > 0 && ps[i-1].Bits() == p.Bits() {
				// Two equal blocks make one when the first is aligned to their sum.
				if prev, _ := bounds(ps[i-1]); prev.trailingZeros() > r.First.BitLen()-p.Bits() {
					t.Fatalf("%v-%v: blocks %v and %v should be one", r.First, r.Last, ps[i-1], p)
				}
			}
			mid := cur
			if got := r.Prefix(mid.addr(v6)); got != p {
				t.Fatalf("%v-%v: Prefix(%v) = %v, want %v", r.First, r.Last, mid.addr(v6), got, p)
			}
			cur = end.next()
		}
		if cur.prev() != b {
			t.Fatalf("%v-%v: blocks end at %v", r.First, r.Last, cur.prev().addr(v6))
		}
	}
}

func TestSpecialUse(t *testing.T) {
	tests := []struct {
		first, last string
		special     bool
	}{
		{"8.8.8.0", "8.8.8.255", false},
		{"9.255.255.0", "10.0.0.0", true},
		{"192.0.0.9", "192.0.0.10", false}, // PCP and TURN anycast
		{"192.0.0.8", "192.0.0.9", true},
		{"192.31.196.0", "192.31.196.255", false}, // AS112
		{"192.88.99.0", "192.88.99.255", false},   // 6to4 relay anycast, deprecated but routed
		{"223.255.255.0", "224.0.0.0", true},
		{"255.255.255.255", "255.255.255.255", true},
		{"2001::", "2001::ffff:ffff:ffff:ffff:ffff:ffff", false}, // Teredo
		{"2001:4:112::", "2001:4:112:ffff:ffff:ffff:ffff:ffff", false},
		{"2001:1::1", "2001:1::3", false},
		{"2001:1::1", "2001:1::4", true},
		{"2001:20::", "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff", false}, // ORCHIDv2 and DRIP
		{"2001:20::", "2001:40::", true},
		{"2002::", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false}, // 6to4
		{"2001:200::", "2001:200::ff", false},
		{"2001:db8::", "2001:db8::", true},
		{"3fff::", "3fff::1", true},
		{"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2000::", true},
		{"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::", true},
		{"fc00::", "fc00::1", true},
		{"64:ff9b::1", "64:ff9b::1", true},
	}
	for _, tt := range tests {
		f, l := mustAddr(tt.first), mustAddr(tt.last)
		got := specialUse(keyOf(f), keyOf(l), f.Is6())
		if (got != "") != tt.special {
			t.Errorf("specialUse(%s-%s) = %q, want special %v", tt.first, tt.last, got, tt.special)
		}
	}
}
