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
// integers are big-endian; every column starts at a multiple of 8 bytes.
const (
	magic         = "CATROUTE"
	formatVersion = 1
	headerSize    = 64
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by every error [Open] returns for bytes that are
// not a well-formed routing table.
var ErrCorrupt = errors.New("routing: corrupt table")

// header is the fixed-size start of the encoding.
type header struct {
	version  uint32
	crc      uint32
	total    uint64
	n4, n6   uint32 // entries per family: routed intervals and the gaps after them
	nAS      uint32 // entries of the AS table
	nStr     uint32 // strings in the string table
	strBytes uint32 // bytes of string data
	r4, r6   uint32 // routed intervals per family
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
	be.PutUint32(b[24:], h.n4)
	be.PutUint32(b[28:], h.n6)
	be.PutUint32(b[32:], h.nAS)
	be.PutUint32(b[36:], h.nStr)
	be.PutUint32(b[40:], h.strBytes)
	be.PutUint32(b[44:], h.r4)
	be.PutUint32(b[48:], h.r6)
}

func readHeader(b []byte) (header, error) {
	if len(b) < headerSize || string(b[:8]) != magic {
		return header{}, fmt.Errorf("%w: no %q header", ErrCorrupt, magic)
	}
	be := binary.BigEndian
	h := header{
		version: be.Uint32(b[8:]), crc: be.Uint32(b[12:]), total: be.Uint64(b[16:]),
		n4: be.Uint32(b[24:]), n6: be.Uint32(b[28:]), nAS: be.Uint32(b[32:]),
		nStr: be.Uint32(b[36:]), strBytes: be.Uint32(b[40:]),
		r4: be.Uint32(b[44:]), r6: be.Uint32(b[48:]),
	}
	switch {
	case h.version != formatVersion:
		return h, fmt.Errorf("%w: format version %d, this build reads %d", ErrCorrupt, h.version, formatVersion)
	case h.total != uint64(len(b)):
		return h, fmt.Errorf("%w: header says %d bytes, have %d", ErrCorrupt, h.total, len(b))
	case crc32.Checksum(b[16:], castagnoli) != h.crc:
		return h, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	case be.Uint32(b[52:]) != 0 || be.Uint64(b[56:]) != 0:
		return h, fmt.Errorf("%w: reserved header bytes set", ErrCorrupt)
	}
	return h, nil
}

// layout is where each column lies, as [start, end) byte offsets.
type layout struct {
	first4, as4, cc4 [2]int64
	first6, as6, cc6 [2]int64
	asn, name        [2]int64
	strOff, strData  [2]int64
	total            int64
}

func layoutOf(h header) layout {
	var l layout
	off := int64(headerSize)
	col := func(n int64, width int64) [2]int64 {
		c := [2]int64{off, off + n*width}
		off = (c[1] + 7) &^ 7
		return c
	}
	n4, n6, nAS := int64(h.n4), int64(h.n6), int64(h.nAS)
	l.first4, l.as4, l.cc4 = col(n4, 4), col(n4, 4), col(n4, 2)
	l.first6, l.as6, l.cc6 = col(n6, 16), col(n6, 4), col(n6, 2)
	l.asn, l.name = col(nAS, 4), col(nAS, 4)
	l.strOff, l.strData = col(int64(h.nStr)+1, 4), col(int64(h.strBytes), 1)
	l.total = off
	return l
}

// encode lays out the table's intervals, AS table and strings; names
// are the holder names the intervals' holdings index.
func encode(meta Meta, v4, v6 []entry[routed], names []string) []byte {
	ases, strs := asTable(meta, v4, v6, names)
	index := make(map[holding]uint32, len(ases))
	for i, a := range ases {
		index[a.holding] = uint32(i)
	}
	var strBytes int
	for _, s := range strs {
		strBytes += len(s)
	}
	e4, e6 := withGaps(v4, top4, index), withGaps(v6, maxU128, index)
	h := header{version: formatVersion, n4: uint32(len(e4)), n6: uint32(len(e6)),
		nAS: uint32(len(ases)), nStr: uint32(len(strs)), strBytes: uint32(strBytes),
		r4: uint32(len(v4)), r6: uint32(len(v6))}
	l := layoutOf(h)
	b := make([]byte, l.total)
	putEntries(b, l.first4[0], l.as4[0], l.cc4[0], 4, e4)
	putEntries(b, l.first6[0], l.as6[0], l.cc6[0], 16, e6)
	be := binary.BigEndian
	for i, a := range ases {
		be.PutUint32(b[l.asn[0]+4*int64(i):], a.asn)
		be.PutUint32(b[l.name[0]+4*int64(i):], a.str)
	}
	off := 0
	for i, s := range strs {
		copy(b[l.strData[0]+int64(off):], s)
		off += len(s)
		be.PutUint32(b[l.strOff[0]+4*int64(i+1):], uint32(off))
	}
	h.total = uint64(l.total)
	h.crc = 0
	h.put(b)
	h.crc = crc32.Checksum(b[16:], castagnoli)
	h.put(b)
	return b
}

// asEntry is an entry of the AS table: an ASN and its holder's string.
type asEntry struct {
	holding
	str uint32 // index of the holder's name in the string table
}

// asTable returns the distinct (ASN, holder) pairs sorted by ASN, then
// holder, and the string table: the two package versions, then each
// distinct holder name once.
func asTable(meta Meta, v4, v6 []entry[routed], names []string) ([]asEntry, []string) {
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
	strs := []string{meta.ASNVersion, meta.CountryVersion}
	index := map[uint32]uint32{}
	for i := range ases {
		n, ok := index[ases[i].name]
		if !ok {
			n = uint32(len(strs))
			index[ases[i].name] = n
			strs = append(strs, names[ases[i].name])
		}
		ases[i].str = n
	}
	return ases, strs
}

// coded is an entry as encoded: where it starts, its AS index (noAS for
// a gap) and its country.
type coded struct {
	first   u128
	as      uint32
	country [2]byte
}

// withGaps returns the entries that encode the intervals es: each
// interval, followed by a gap entry where the next address is not the
// start of the next interval. top is the family's last address.
func withGaps(es []entry[routed], top u128, index map[holding]uint32) []coded {
	out := make([]coded, 0, len(es)+len(es)/4)
	for i, e := range es {
		out = append(out, coded{e.first, index[e.v.holding], e.v.country})
		if e.last != top && (i+1 == len(es) || es[i+1].first != e.last.next()) {
			out = append(out, coded{e.last.next(), noAS, [2]byte{}})
		}
	}
	return out
}

func putEntries(b []byte, first, as, cc int64, width int64, es []coded) {
	for i, e := range es {
		k := int64(i)
		putKey(b[first+width*k:], e.first, width)
		binary.BigEndian.PutUint32(b[as+4*k:], e.as)
		copy(b[cc+2*k:], e.country[:])
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
