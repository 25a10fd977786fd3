package routing

import (
	"encoding/binary"
	"fmt"
)

// check verifies the structure of an opened table: the AS table's order
// and string ranges, the versions' string ranges, and each family's
// entries. After it passes, no lookup can index out of range.
func (t *Table) check(h header) error {
	size := uint64(h.strBytes)
	inStrings := func(off, n uint32) bool { return uint64(off)+uint64(n) <= size }
	if !inStrings(h.asnVer[0], h.asnVer[1]) || !inStrings(h.ccVer[0], h.ccVer[1]) {
		return fmt.Errorf("version string out of range")
	}
	be := binary.BigEndian
	var prev uint32
	for i := range t.nAS {
		row := t.as[asSize*i:]
		asn := be.Uint32(row)
		if asn == 0 || asn < prev {
			return fmt.Errorf("AS entry %d: ASN %d zero or out of order", i, asn)
		}
		if !inStrings(be.Uint32(row[4:]), be.Uint32(row[8:])) {
			return fmt.Errorf("AS entry %d: name out of range", i)
		}
		prev = asn
	}
	if err := t.v4.check(t.nAS); err != nil {
		return fmt.Errorf("IPv4 %w", err)
	}
	if err := t.v6.check(t.nAS); err != nil {
		return fmt.Errorf("IPv6 %w", err)
	}
	return nil
}

// check verifies a family's entries: first addresses strictly
// increasing, AS indexes in range, gaps with no country and never first
// or twice in a row, and as many routed entries as the header says. The
// loop only tests; explain says what is wrong.
func (f *family) check(nAS int) error {
	if i, ok := f.ordered(); !ok {
		return f.explain(i, nAS)
	}
	routed, prevGap := 0, true
	attr := f.attr[:attrSize*f.n]
	for i := 0; len(attr) >= attrSize; i++ {
		as := binary.BigEndian.Uint32(attr)
		c0, c1 := attr[4], attr[5]
		attr = attr[attrSize:]
		gap, noCountry := as == noAS, c0|c1 == 0
		countryOK := noCountry || (c0-'A' < 26 && c1-'A' < 26)
		if !countryOK || (gap && (prevGap || !noCountry)) || (!gap && int(as) >= nAS) {
			return f.explain(i, nAS)
		}
		if !gap {
			routed++
		}
		prevGap = gap
	}
	if routed != f.routed {
		return fmt.Errorf("%d routed intervals, the header says %d", routed, f.routed)
	}
	return nil
}

// ordered reports whether the entries' first addresses strictly
// increase, or the first entry where they do not.
func (f *family) ordered() (int, bool) {
	be := binary.BigEndian
	if f.width == 4 {
		first := f.first[:4*f.n]
		for i := 4; i+4 <= len(first); i += 4 {
			if be.Uint32(first[i:]) <= be.Uint32(first[i-4:]) {
				return i / 4, false
			}
		}
		return 0, true
	}
	first := f.first[:16*f.n]
	for i := 16; i+16 <= len(first); i += 16 {
		ph, pl := be.Uint64(first[i-16:]), be.Uint64(first[i-8:])
		h, l := be.Uint64(first[i:]), be.Uint64(first[i+8:])
		if h < ph || (h == ph && l <= pl) {
			return i / 16, false
		}
	}
	return 0, true
}

// explain describes what is wrong with entry i, which check refused.
func (f *family) explain(i, nAS int) error {
	as := f.asOf(i)
	c0, c1 := f.attr[attrSize*i+4], f.attr[attrSize*i+5]
	gap := as == noAS
	switch {
	case i > 0 && !f.firstOf(i-1).less(f.firstOf(i)):
		return fmt.Errorf("entry %d: starts at or before entry %d", i, i-1)
	case gap && (i == 0 || f.asOf(i-1) == noAS):
		return fmt.Errorf("entry %d: a gap after a gap or at the start", i)
	case gap && c0|c1 != 0:
		return fmt.Errorf("entry %d: a gap with a country", i)
	case !gap && int(as) >= nAS:
		return fmt.Errorf("entry %d: AS index out of range", i)
	}
	return fmt.Errorf("entry %d: country %q", i, []byte{c0, c1})
}
