package routing

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"net/netip"
	"testing"
)

func TestOpenRoundTrip(t *testing.T) {
	tbl := mustParse(t, goodFixture())
	b := bytes.Clone(tbl.Bytes())
	again, err := Open(b)
	if err != nil {
		t.Fatal(err)
	}
	if again.Meta() != tbl.Meta() {
		t.Errorf("Meta = %+v, want %+v", again.Meta(), tbl.Meta())
	}
	var want, got []Route
	for r := range tbl.All() {
		want = append(want, r)
	}
	for r := range again.All() {
		got = append(got, r)
	}
	if len(got) != len(want) {
		t.Fatalf("%d routes after Open, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("route %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(b)%8 != 0 {
		t.Errorf("encoding is %d bytes, not a multiple of 8", len(b))
	}
}

func TestEncodingIsDeterministic(t *testing.T) {
	a, b := mustParse(t, goodFixture()), mustParse(t, goodFixture())
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two parses of the same tarballs encode differently")
	}
}

// TestOpenRefusesEveryByteFlip flips each byte in turn: the checksum, or
// the header checks, must catch every one.
func TestOpenRefusesEveryByteFlip(t *testing.T) {
	b := mustParse(t, goodFixture()).Bytes()
	for i := range b {
		if _, err := Open(flip(b, i)); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d flipped: err = %v", i, err)
		}
	}
	for _, n := range []int{0, 8, headerSize - 1, headerSize, len(b) - 1} {
		if _, err := Open(b[:n]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("cut to %d bytes: err = %v", n, err)
		}
	}
	if _, err := Open(append(bytes.Clone(b), 0)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("one byte added: err = %v", err)
	}
}

// resum recomputes the checksum, so that a test reaches the structural
// checks behind it.
func resum(b []byte) []byte {
	binary.BigEndian.PutUint32(b[12:], crc32.Checksum(b[16:], castagnoli))
	return b
}

// TestOpenRefusesBadStructure corrupts the structure behind a valid
// checksum, as a bug or a forger would.
func TestOpenRefusesBadStructure(t *testing.T) {
	tbl := mustParse(t, goodFixture())
	b := tbl.Bytes()
	h, _ := readHeader(b)
	l := layoutOf(h)
	be := binary.BigEndian
	tests := []struct {
		name string
		edit func(b []byte)
	}{
		{"format version", func(b []byte) { be.PutUint32(b[8:], 2) }},
		{"IPv4 count", func(b []byte) { be.PutUint32(b[24:], h.n4+1) }},
		{"routed count", func(b []byte) { be.PutUint32(b[32:], h.r4+1) }},
		{"reserved header bytes", func(b []byte) { b[70] = 1 }},
		{"version out of range", func(b []byte) { be.PutUint32(b[48:], h.strBytes) }},
		{"unsorted IPv4", func(b []byte) { be.PutUint32(b[l.first4[0]+4:], 0x01000000) }},
		{"IPv6 overlap", func(b []byte) { copy(b[l.first6[0]+16:], b[l.first6[0]:l.first6[0]+16]) }},
		{"gap first", func(b []byte) { be.PutUint32(b[l.attr4[0]:], noAS); b[l.attr4[0]+4], b[l.attr4[0]+5] = 0, 0 }},
		{"gap after gap", func(b []byte) { be.PutUint32(b[l.attr4[0]+12:], noAS); b[l.attr4[0]+16], b[l.attr4[0]+17] = 0, 0 }},
		{"gap with a country", func(b []byte) { b[l.attr4[0]+10], b[l.attr4[0]+11] = 'A', 'U' }},
		{"AS index", func(b []byte) { be.PutUint32(b[l.attr4[0]:], h.nAS) }},
		{"country", func(b []byte) { b[l.attr4[0]+4] = 'a' }},
		{"half a country", func(b []byte) { b[l.attr4[0]+4] = 0 }},
		{"ASN zero", func(b []byte) { be.PutUint32(b[l.as[0]:], 0) }},
		{"ASN order", func(b []byte) { be.PutUint32(b[l.as[0]:], 1<<31) }},
		{"name out of range", func(b []byte) { be.PutUint32(b[l.as[0]+8:], h.strBytes+1) }},
		{"name offset overflow", func(b []byte) { be.PutUint32(b[l.as[0]+4:], 1<<32-1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bytes.Clone(b)
			tt.edit(c)
			if _, err := Open(resum(c)); !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestEmptyTable(t *testing.T) {
	tbl, err := Open(encode(Meta{"1", "2"}, nil, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tbl.Lookup(netip.MustParseAddr("1.1.1.1")); ok {
		t.Error("empty table found a route")
	}
	if _, ok := tbl.Lookup(netip.Addr{}); ok {
		t.Error("zero address found a route")
	}
}

// TestEncodeTopOfSpace checks intervals that end at the last address of
// their family, where no gap entry follows.
func TestEncodeTopOfSpace(t *testing.T) {
	h := holding{asn: 64500, name: 0}
	v4 := []entry[routed]{
		{span{u128{lo: 5}, u128{lo: 9}}, routed{h, [2]byte{'N', 'L'}}},
		{span{u128{lo: 20}, u128{lo: 1<<32 - 1}}, routed{h, [2]byte{}}},
	}
	v6 := []entry[routed]{{span{u128{}, maxU128}, routed{holding: h}}}
	tbl, err := Open(encode(Meta{"1", "2"}, v4, v6, []string{"Top"}))
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, tbl)
	tests := []struct {
		addr, first, last string
		ok                bool
	}{
		{"0.0.0.4", "", "", false},
		{"0.0.0.7", "0.0.0.5", "0.0.0.9", true},
		{"0.0.0.10", "", "", false},
		{"255.255.255.255", "0.0.0.20", "255.255.255.255", true},
		{"ffff::", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
	}
	for _, tt := range tests {
		r, ok := tbl.Lookup(mustAddr(tt.addr))
		if ok != tt.ok || (ok && (r.First != mustAddr(tt.first) || r.Last != mustAddr(tt.last) || r.Holder != "Top")) {
			t.Errorf("Lookup(%s) = %+v, %v", tt.addr, r, ok)
		}
	}
	if v4, v6 := tbl.Len(); v4 != 2 || v6 != 1 {
		t.Errorf("Len() = %d, %d", v4, v6)
	}
}
