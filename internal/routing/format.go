package routing

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
)

// The binary encoding of a routing table (see docs/routing.md). All
// integers are big-endian; every column starts at a multiple of 64 bytes
// (a cache line) from the start.
const (
	magic         = "CATROUTE"
	formatVersion = 1
	headerSize    = 80
	attrSize      = 6  // an entry's AS index (4 bytes) and country (2)
	asSize        = 12 // an AS entry: ASN, name offset, name length
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by every error [Open] returns for bytes that are
// not a well-formed routing table.
var ErrCorrupt = errors.New("routing: corrupt table")

// header is the fixed-size start of the encoding.
type header struct {
	version  uint32
	crc      uint32 // CRC-32C of every byte after the first 16
	total    uint64 // bytes in all
	n4, n6   uint32 // entries per family: routed intervals and the gaps after them
	r4, r6   uint32 // routed intervals per family
	nAS      uint32 // entries of the AS table
	strBytes uint32 // bytes of string data
	asnVer   [2]uint32
	ccVer    [2]uint32 // offset and length of the two versions in the string data
}

// top4 is the last IPv4 address as a number.
var top4 = u128{lo: 1<<32 - 1}

// noAS is the AS index of a gap entry: the addresses from its first up to
// the next entry's are not routed.
const noAS = ^uint32(0)

func (h *header) put(b []byte) {
	copy(b, magic)
	be := binary.BigEndian
	be.PutUint32(b[8:], h.version)
	be.PutUint32(b[12:], h.crc)
	be.PutUint64(b[16:], h.total)
	for i, v := range []uint32{h.n4, h.n6, h.r4, h.r6, h.nAS, h.strBytes, h.asnVer[0], h.asnVer[1], h.ccVer[0], h.ccVer[1]} {
		be.PutUint32(b[24+4*i:], v)
	}
}

func readHeader(b []byte) (header, error) {
	if len(b) < headerSize || string(b[:8]) != magic {
		return header{}, fmt.Errorf("%w: no %q header", ErrCorrupt, magic)
	}
	be := binary.BigEndian
	u := func(i int) uint32 { return be.Uint32(b[24+4*i:]) }
	h := header{
		version: be.Uint32(b[8:]), crc: be.Uint32(b[12:]), total: be.Uint64(b[16:]),
		n4: u(0), n6: u(1), r4: u(2), r6: u(3), nAS: u(4), strBytes: u(5),
		asnVer: [2]uint32{u(6), u(7)}, ccVer: [2]uint32{u(8), u(9)},
	}
	switch {
	case h.version != formatVersion:
		return h, fmt.Errorf("%w: format version %d, this build reads %d", ErrCorrupt, h.version, formatVersion)
	case h.total != uint64(len(b)):
		return h, fmt.Errorf("%w: header says %d bytes, have %d", ErrCorrupt, h.total, len(b))
	case crc32.Checksum(b[16:], castagnoli) != h.crc:
		return h, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	case be.Uint64(b[64:]) != 0 || be.Uint64(b[72:]) != 0:
		return h, fmt.Errorf("%w: reserved header bytes set", ErrCorrupt)
	}
	return h, nil
}

// layout is where each column lies, as [start, end) byte offsets.
type layout struct {
	first4, attr4 [2]int64
	first6, attr6 [2]int64
	as, str       [2]int64
	total         int64
}

func layoutOf(h header) layout {
	var l layout
	off := int64(headerSize)
	col := func(n int64, width int64) [2]int64 {
		c := [2]int64{off, off + n*width}
		off = (c[1] + 63) &^ 63
		return c
	}
	n4, n6 := int64(h.n4), int64(h.n6)
	l.first4, l.attr4 = col(n4, 4), col(n4, attrSize)
	l.first6, l.attr6 = col(n6, 16), col(n6, attrSize)
	l.as, l.str = col(int64(h.nAS), asSize), col(int64(h.strBytes), 1)
	l.total = off
	return l
}

// encode lays out the table's intervals, AS table and strings; names
// are the holder names the intervals' holdings index.
func encode(meta Meta, v4, v6 []entry[routed], names []string) []byte {
	ases := asTable(v4, v6, names)
	index := make(map[holding]uint32, len(ases))
	for i, a := range ases {
		index[a.holding] = uint32(i)
	}
	strs := newStrings()
	asnVer, ccVer := strs.add(meta.ASNVersion), strs.add(meta.CountryVersion)
	for i := range ases {
		ases[i].str = strs.add(names[ases[i].name])
	}
	h := header{version: formatVersion, n4: uint32(entriesOf(v4, top4)), n6: uint32(entriesOf(v6, maxU128)),
		r4: uint32(len(v4)), r6: uint32(len(v6)), nAS: uint32(len(ases)),
		strBytes: uint32(len(strs.data)), asnVer: asnVer, ccVer: ccVer}
	l := layoutOf(h)
	b := make([]byte, l.total)
	putEntries(b, l.first4[0], l.attr4[0], 4, v4, top4, index)
	putEntries(b, l.first6[0], l.attr6[0], 16, v6, maxU128, index)
	be := binary.BigEndian
	for i, a := range ases {
		row := b[l.as[0]+asSize*int64(i):]
		be.PutUint32(row, a.asn)
		be.PutUint32(row[4:], a.str[0])
		be.PutUint32(row[8:], a.str[1])
	}
	copy(b[l.str[0]:], strs.data)
	h.total = uint64(l.total)
	h.put(b)
	h.crc = crc32.Checksum(b[16:], castagnoli)
	h.put(b)
	return b
}

// stringData is the string data being built: each distinct string once.
type stringData struct {
	data []byte
	at   map[string][2]uint32
}

func newStrings() *stringData { return &stringData{at: map[string][2]uint32{}} }

// add returns the offset and length of s, appending it if new.
func (sd *stringData) add(s string) [2]uint32 {
	if r, ok := sd.at[s]; ok {
		return r
	}
	r := [2]uint32{uint32(len(sd.data)), uint32(len(s))}
	sd.data = append(sd.data, s...)
	sd.at[s] = r
	return r
}

// asEntry is an entry of the AS table.
type asEntry struct {
	holding
	str [2]uint32 // offset and length of the holder's name in the string data
}

// asTable returns the distinct (ASN, holder) pairs of the intervals,
// sorted by ASN, then holder.
func asTable(v4, v6 []entry[routed], names []string) []asEntry {
	seen := map[holding]bool{}
	var ases []asEntry
	for _, fam := range [][]entry[routed]{v4, v6} {
		for _, e := range fam {
			if !seen[e.v.holding] {
				seen[e.v.holding] = true
				ases = append(ases, asEntry{holding: e.v.holding})
			}
		}
	}
	slices.SortFunc(ases, func(a, b asEntry) int {
		return cmp.Or(cmp.Compare(a.asn, b.asn), cmp.Compare(names[a.name], names[b.name]))
	})
	return ases
}

// entriesOf returns how many entries encode the intervals es: each
// interval, and a gap entry after it unless the next interval starts
// right after it or it ends at top, the family's last address.
func entriesOf(es []entry[routed], top u128) int {
	n := len(es)
	for i := range es {
		if gapAfter(es, i, top) {
			n++
		}
	}
	return n
}

func gapAfter(es []entry[routed], i int, top u128) bool {
	e := es[i]
	return e.last != top && (i+1 == len(es) || es[i+1].first != e.last.next())
}

// putEntries writes the entries encoding es into the columns at first
// and attr.
func putEntries(b []byte, first, attr int64, width int64, es []entry[routed], top u128, index map[holding]uint32) {
	k := int64(0)
	put := func(at u128, as uint32, country [2]byte) {
		putKey(b[first+width*k:], at, width)
		a := b[attr+attrSize*k:]
		binary.BigEndian.PutUint32(a, as)
		a[4], a[5] = country[0], country[1]
		k++
	}
	for i, e := range es {
		put(e.first, index[e.v.holding], e.v.country)
		if gapAfter(es, i, top) {
			put(e.last.next(), noAS, [2]byte{})
		}
	}
}

func putKey(b []byte, k u128, width int64) {
	if width == 4 {
		binary.BigEndian.PutUint32(b, uint32(k.lo))
		return
	}
	binary.BigEndian.PutUint64(b, k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
}
