package routing

import (
	"encoding/binary"
	"fmt"
)

// check verifies the structure of an opened table: the string table's
// offsets, the AS table's order and indexes, and each family's intervals
// (sorted, valid AS index and country, well-placed gaps).
// After it passes, no lookup can index out of range.
func (t *Table) check(nStr int, strData []byte) error {
	if err := checkStrings(t.strOff, nStr, len(strData)); err != nil {
		return err
	}
	be := binary.BigEndian
	for i := range t.nAS {
		asn := be.Uint32(t.asn[4*i:])
		if asn == 0 || (i > 0 && asn < be.Uint32(t.asn[4*i-4:])) {
			return fmt.Errorf("AS entry %d: ASN %d zero or out of order", i, asn)
		}
		if int(be.Uint32(t.name[4*i:])) >= nStr {
			return fmt.Errorf("AS entry %d: name index out of range", i)
		}
	}
	if err := t.v4.check(t.nAS); err != nil {
		return fmt.Errorf("IPv4 %w", err)
	}
	if err := t.v6.check(t.nAS); err != nil {
		return fmt.Errorf("IPv6 %w", err)
	}
	return nil
}

func checkStrings(off []byte, n, size int) error {
	be := binary.BigEndian
	if n < 2 {
		return fmt.Errorf("string table: %d strings, need at least the 2 versions", n)
	}
	prev := uint32(0)
	for i := range n + 1 {
		o := be.Uint32(off[4*i:])
		if (i == 0 && o != 0) || o < prev {
			return fmt.Errorf("string table: offset %d out of order", i)
		}
		prev = o
	}
	if int(prev) != size {
		return fmt.Errorf("string table: offsets end at %d, data is %d bytes", prev, size)
	}
	return nil
}

// check verifies a family's entries: first addresses strictly
// increasing and within the family's space, AS indexes in range, gaps
// with no country and never first or twice in a row, and as many routed
// entries as the header says.
func (f *family) check(nAS int) error {
	be := binary.BigEndian
	var prev u128
	routed, prevGap := 0, true
	for i := range f.n {
		first := f.firstOf(i)
		as := be.Uint32(f.as[4*i:])
		c0, c1 := f.cc[2*i], f.cc[2*i+1]
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
