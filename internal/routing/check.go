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
// or twice in a row, and as many routed entries as the header says.
func (f *family) check(nAS int) error {
	var prev u128
	routed, prevGap := 0, true
	for i := range f.n {
		first, as := f.firstOf(i), f.asOf(i)
		c0, c1 := f.attr[attrSize*i+4], f.attr[attrSize*i+5]
		gap := as == noAS
		switch {
		case i > 0 && !prev.less(first):
			return fmt.Errorf("entry %d: starts at or before entry %d", i, i-1)
		case gap && prevGap:
			return fmt.Errorf("entry %d: a gap after a gap or at the start", i)
		case gap && (c0 != 0 || c1 != 0):
			return fmt.Errorf("entry %d: a gap with a country", i)
		case !gap && int(as) >= nAS:
			return fmt.Errorf("entry %d: AS index out of range", i)
		case (c0 != 0 || c1 != 0) && (!upper(c0) || !upper(c1)):
			return fmt.Errorf("entry %d: country %q", i, []byte{c0, c1})
		}
		if !gap {
			routed++
		}
		prev, prevGap = first, gap
	}
	if routed != f.routed {
		return fmt.Errorf("%d routed intervals, the header says %d", routed, f.routed)
	}
	return nil
}
