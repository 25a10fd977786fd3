package routing

import (
	"encoding/binary"
	"fmt"
	"iter"
	"net/netip"
)

// Meta is the provenance a table carries: the versions of the two
// packages it was built from.
type Meta struct {
	ASNVersion     string // version of PackageASN
	CountryVersion string // version of PackageCountry
}

// Table is a routing table: sorted, non-overlapping IPv4 and IPv6
// intervals, each with its AS and country. It reads its encoding in place
// (see [Open]) and is safe for concurrent use.
type Table struct {
	buf    []byte
	meta   Meta
	v4, v6 family
	as     []byte // the AS table: rows of ASN, name offset, name length
	nAS    int
	strs   string // all string data, copied once so that holders are substrings
}

// family is the entry columns of one address family. Entry i covers the
// addresses from its first to the next entry's first, less one (the last
// entry: to the top of the space); a gap entry (AS index noAS) covers
// unrouted addresses.
type family struct {
	n           int    // entries
	routed      int    // entries that are not gaps
	width       int    // 4 or 16 bytes per address
	first, attr []byte // start addresses; AS index and country of each entry
	// s4 or s6 holds the first address of every sampleEvery4-th or
	// sampleEvery6-th entry, a
	// small array that stays in cache: a search goes through it to one
	// block of entries, touching few cache lines of the columns.
	s4 []uint32
	s6 []u128
}

// The block sizes of the sample indexes: one 64-byte cache line of
// starts for IPv4, two for IPv6 (when the encoding starts on a 64-byte
// boundary, as each column then does).
const (
	sampleEvery4 = 16
	sampleEvery6 = 8
)

// sample builds the family's sample index.
func (f *family) sample() {
	if f.width == 4 {
		f.s4 = make([]uint32, (f.n+sampleEvery4-1)/sampleEvery4)
		for j := range f.s4 {
			f.s4[j] = binary.BigEndian.Uint32(f.first[4*j*sampleEvery4:])
		}
		return
	}
	f.s6 = make([]u128, (f.n+sampleEvery6-1)/sampleEvery6)
	for j := range f.s6 {
		f.s6[j] = f.firstOf(j * sampleEvery6)
	}
}

// Open returns the table encoded in b, which it reads in place: b must
// not change while the table is in use. It verifies the checksum and the
// structure (sorted, non-overlapping intervals; indexes in range), so a
// corrupt b is refused with an error wrapping [ErrCorrupt] and lookups on
// an opened table cannot fail.
func Open(b []byte) (*Table, error) {
	h, err := readHeader(b)
	if err != nil {
		return nil, err
	}
	l := layoutOf(h)
	if l.total != int64(len(b)) {
		return nil, fmt.Errorf("%w: counts need %d bytes, have %d", ErrCorrupt, l.total, len(b))
	}
	col := func(c [2]int64) []byte { return b[c[0]:c[1]:c[1]] }
	t := &Table{
		buf: b,
		v4:  family{n: int(h.n4), routed: int(h.r4), width: 4, first: col(l.first4), attr: col(l.attr4)},
		v6:  family{n: int(h.n6), routed: int(h.r6), width: 16, first: col(l.first6), attr: col(l.attr6)},
		as:  col(l.as),
		nAS: int(h.nAS),
	}
	if err := t.check(h); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	t.strs = string(col(l.str))
	t.meta = Meta{ASNVersion: t.str(h.asnVer), CountryVersion: t.str(h.ccVer)}
	t.v4.sample()
	t.v6.sample()
	return t, nil
}

// Bytes returns the table's encoding.
func (t *Table) Bytes() []byte { return t.buf }

// Meta returns the package versions the table was built from.
func (t *Table) Meta() Meta { return t.meta }

// Len returns the number of routed IPv4 and IPv6 intervals.
func (t *Table) Len() (v4, v6 int) { return t.v4.routed, t.v6.routed }

// Lookup returns the route of the interval holding a. An IPv4-mapped IPv6
// address is looked up as IPv4. It reports false for an address in no
// routed interval: special-purpose, reserved or unrouted space.
func (t *Table) Lookup(a netip.Addr) (Route, bool) {
	if a.Is4In6() {
		a = a.Unmap()
	}
	switch {
	case a.Is4():
		b := a.As4()
		i, ok := t.v4.search4(binary.BigEndian.Uint32(b[:]))
		if ok {
			return t.route(&t.v4, i), true
		}
	case a.Is6():
		b := a.As16()
		i, ok := t.v6.search16(u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])})
		if ok {
			return t.route(&t.v6, i), true
		}
	}
	return Route{}, false
}

// search4 returns the routed entry holding the IPv4 address x.
func (f *family) search4(x uint32) (int, bool) {
	lo, hi := 0, len(f.s4)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if f.s4[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0, false
	}
	lo, hi = (lo-1)*sampleEvery4, min(lo*sampleEvery4, f.n)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if binary.BigEndian.Uint32(f.first[4*m:]) <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return f.routedAt(lo - 1)
}

// search16 returns the routed entry holding the IPv6 address x.
func (f *family) search16(x u128) (int, bool) {
	lo, hi := 0, len(f.s6)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !x.less(f.s6[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0, false
	}
	lo, hi = (lo-1)*sampleEvery6, min(lo*sampleEvery6, f.n)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		fh, fl := key16(f.first, m)
		if fh < x.hi || (fh == x.hi && fl <= x.lo) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return f.routedAt(lo - 1)
}

// routedAt reports whether entry i exists and is not a gap.
func (f *family) routedAt(i int) (int, bool) {
	if i < 0 || f.asOf(i) == noAS {
		return 0, false
	}
	return i, true
}

func key16(col []byte, i int) (hi, lo uint64) {
	b := col[16*i : 16*i+16]
	return binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])
}

// firstOf returns the first address of entry i as a number.
func (f *family) firstOf(i int) u128 {
	if f.width == 4 {
		return u128{lo: uint64(binary.BigEndian.Uint32(f.first[4*i:]))}
	}
	h, l := key16(f.first, i)
	return u128{h, l}
}

// lastOf returns the last address of entry i: the next entry's first,
// less one, or the top of the space.
func (f *family) lastOf(i int) u128 {
	if i+1 < f.n {
		return f.firstOf(i + 1).prev()
	}
	if f.width == 4 {
		return top4
	}
	return maxU128
}

// asOf returns entry i's AS index.
func (f *family) asOf(i int) uint32 { return binary.BigEndian.Uint32(f.attr[attrSize*i:]) }

func (t *Table) route(f *family, i int) Route {
	a := f.attr[attrSize*i : attrSize*i+attrSize]
	row := t.as[asSize*int(binary.BigEndian.Uint32(a)):]
	row = row[:asSize]
	be := binary.BigEndian
	return Route{
		First:   f.firstOf(i).addr(f.width == 16),
		Last:    f.lastOf(i).addr(f.width == 16),
		ASN:     be.Uint32(row),
		Holder:  t.str([2]uint32{be.Uint32(row[4:]), be.Uint32(row[8:])}),
		Country: countryString(a[4], a[5]),
	}
}

// str returns the string at offset and length r of the string data, as a
// substring of t.strs.
func (t *Table) str(r [2]uint32) string {
	return t.strs[r[0] : uint64(r[0])+uint64(r[1])]
}

// Holder returns the holder's name of the AS asn, and whether any
// interval of the table is announced by it.
func (t *Table) Holder(asn uint32) (string, bool) {
	be := binary.BigEndian
	lo, hi := 0, t.nAS
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if be.Uint32(t.as[asSize*m:]) < asn {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == t.nAS || be.Uint32(t.as[asSize*lo:]) != asn {
		return "", false
	}
	row := t.as[asSize*lo:]
	return t.str([2]uint32{be.Uint32(row[4:]), be.Uint32(row[8:])}), true
}

// All yields every interval's route, IPv4 first, each family in address
// order.
func (t *Table) All() iter.Seq[Route] {
	return func(yield func(Route) bool) {
		for _, f := range []*family{&t.v4, &t.v6} {
			for i := range f.n {
				if _, ok := f.routedAt(i); ok && !yield(t.route(f, i)) {
					return
				}
			}
		}
	}
}

// countries holds every two-letter code, so that a route's country is a
// substring and a lookup allocates nothing.
var countries = func() string {
	b := make([]byte, 0, 26*26*2)
	for c0 := byte('A'); c0 <= 'Z'; c0++ {
		for c1 := byte('A'); c1 <= 'Z'; c1++ {
			b = append(b, c0, c1)
		}
	}
	return string(b)
}()

func countryString(c0, c1 byte) string {
	if c0 == 0 {
		return ""
	}
	i := 2 * (int(c0-'A')*26 + int(c1-'A'))
	return countries[i : i+2]
}
