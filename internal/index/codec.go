package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"net/netip"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// The file layout. Integers are unsigned varints unless noted; strings
// are ids into the string table.
//
//	magic "CAIX", version (1 byte)
//	string table: count, then each as length + bytes
//	store: the identity of the store the sets came from ("" for the
//	       SQLite database of the file's own data directory); absent
//	       in version 3, whose files all came from that database
//	set count, then for each set:
//	  source: feed, tier, order, snapshot id, upstream id,
//	          upstream date (zig-zag unix ns, 0 = none), fetched (same)
//	  record count n
//	  prefixes: n entries of 17 bytes: the prefix length (IPv4: 0-32;
//	            IPv6: 64 + 0-128), then 16 address bytes (IPv4 in the
//	            first 4)
//	  offsets: n little-endian uint32, each record's start in the
//	           metadata block
//	  metadata block: its length, then per record: provider, partition,
//	            region, scope, country, subdivision, city, service count
//	            and ids, asn
//	crc32 (IEEE, 4 bytes little endian) of everything before it
//
// Fixed-size prefix entries let [Index.Scan] test every prefix without
// decoding any metadata, so a cold process answers one address in
// about a millisecond.
const (
	magic     = "CAIX"
	version   = 4
	entrySize = 17
	v6Base    = 64 // added to an IPv6 prefix length in an entry
)

var errCorrupt = errors.New("corrupt index file")

// encode serialises sets, compiled from the store identified by store.
func encode(sets []lpm.Set, store string) []byte {
	e := &encoder{ids: map[string]uint64{}}
	e.str(store)
	e.uint(uint64(len(sets)))
	for _, s := range sets {
		e.set(s)
	}
	out := append([]byte(magic), version)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = append(out, e.buf...)
	return binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out))
}

type encoder struct {
	buf  []byte
	ids  map[string]uint64
	strs []string
}

func (e *encoder) uint(v uint64)    { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) str(s string)     { e.uint(e.id(s)) }
func (e *encoder) time(t time.Time) { e.buf = binary.AppendVarint(e.buf, unixNano(t)) }

func (e *encoder) id(s string) uint64 {
	if id, ok := e.ids[s]; ok {
		return id
	}
	id := uint64(len(e.strs))
	e.ids[s] = id
	e.strs = append(e.strs, s)
	return id
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func (e *encoder) set(s lpm.Set) {
	src := s.Source
	e.str(src.Feed)
	e.uint(uint64(src.Tier))
	e.uint(uint64(src.Order))
	e.uint(uint64(src.SnapshotID))
	e.str(src.UpstreamID)
	e.time(src.UpstreamDate)
	e.time(src.Fetched)
	e.uint(uint64(len(s.Records)))
	for i := range s.Records {
		e.buf = appendEntry(e.buf, s.Records[i].Prefix)
	}
	meta := &encoder{ids: e.ids, strs: e.strs}
	offsets := make([]byte, 0, 4*len(s.Records))
	for i := range s.Records {
		offsets = binary.LittleEndian.AppendUint32(offsets, uint32(len(meta.buf)))
		meta.record(&s.Records[i])
	}
	e.strs = meta.strs
	e.buf = append(e.buf, offsets...)
	e.uint(uint64(len(meta.buf)))
	e.buf = append(e.buf, meta.buf...)
}

func appendEntry(dst []byte, p netip.Prefix) []byte {
	flag := byte(p.Bits())
	if p.Addr().Is6() {
		flag += v6Base
	}
	a := p.Addr().As16()
	if p.Addr().Is4() {
		a4 := p.Addr().As4()
		a = [16]byte{}
		copy(a[:], a4[:])
	}
	dst = append(dst, flag)
	return append(dst, a[:]...)
}

func (e *encoder) record(r *ranges.Record) {
	for _, s := range [...]string{r.Provider, r.Partition, r.Region, r.Scope, r.Country, r.Subdivision, r.City} {
		e.str(s)
	}
	e.uint(uint64(len(r.Services)))
	for _, s := range r.Services {
		e.str(s)
	}
	e.uint(uint64(r.ASN))
}

// rawSet is one set of a file, with its blocks still encoded.
type rawSet struct {
	source  *lpm.Source
	n       int
	entries []byte
	offsets []byte
	block   []byte // the metadata block
}

// parsed is an index file split into sets.
type parsed struct {
	strs  []string
	sets  []rawSet
	store string
}

// parse checks the frame of an index file and splits it into sets
// without decoding any record.
func parse(b []byte) (parsed, error) {
	if len(b) < len(magic)+1+4 || string(b[:len(magic)]) != magic {
		return parsed{}, fmt.Errorf("%w: bad magic", errCorrupt)
	}
	v := b[len(magic)]
	if v != version && v != 3 {
		return parsed{}, fmt.Errorf("%w: version %d, want %d", errCorrupt, v, version)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return parsed{}, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	d := &decoder{b: body[len(magic)+1:]}
	d.readStrings()
	var p parsed
	if v >= 4 {
		p.store = d.str()
	}
	nsets := d.uint()
	var sets []rawSet
	for i := uint64(0); i < nsets && d.err == nil; i++ {
		sets = append(sets, d.rawSet())
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	p.strs, p.sets = d.strs, sets
	return p, d.err
}

type decoder struct {
	b    []byte
	strs []string
	err  error
}

func (d *decoder) fail() { d.err = errCorrupt; d.b = nil }

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	id := d.uint()
	if id >= uint64(len(d.strs)) {
		d.fail()
		return ""
	}
	return d.strs[id]
}

func (d *decoder) time() time.Time {
	if d.err != nil {
		return time.Time{}
	}
	ns, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return time.Time{}
	}
	d.b = d.b[n:]
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func (d *decoder) readStrings() {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return
	}
	d.strs = make([]string, n)
	for i := range d.strs {
		d.strs[i] = string(d.bytes(d.uint()))
	}
}

func (d *decoder) rawSet() rawSet {
	src := &lpm.Source{Feed: d.str(), Tier: ranges.Tier(d.uint()), Order: int(d.uint()),
		SnapshotID: int64(d.uint()), UpstreamID: d.str(), UpstreamDate: d.time(), Fetched: d.time()}
	n := d.uint()
	if n > uint64(len(d.b))/entrySize {
		d.fail()
		return rawSet{}
	}
	rs := rawSet{source: src, n: int(n), entries: d.bytes(n * entrySize), offsets: d.bytes(4 * n)}
	rs.block = d.bytes(d.uint())
	return rs
}

// prefix decodes entry i.
func (rs *rawSet) prefix(i int) (netip.Prefix, error) {
	e := rs.entries[i*entrySize : (i+1)*entrySize]
	bits, is6 := entryBits(e[0])
	var a netip.Addr
	if !is6 {
		a = netip.AddrFrom4([4]byte(e[1:5]))
	} else {
		a = netip.AddrFrom16([16]byte(e[1:17]))
	}
	p := netip.PrefixFrom(a, bits)
	if !p.IsValid() {
		return p, errCorrupt
	}
	return p, nil
}

// entryBits decodes the length byte of an entry. An impossible value
// yields a length that makes the prefix invalid.
func entryBits(b byte) (bits int, is6 bool) {
	if b >= v6Base {
		return int(b - v6Base), true
	}
	return int(b), false
}

// record decodes record i into r. Services are appended to *pool when
// pool is not nil, so that decoding a whole set allocates a few large
// arrays rather than one slice per record.
func (rs *rawSet) record(strs []string, i int, r *ranges.Record, pool *[]string) error {
	var err error
	if r.Prefix, err = rs.prefix(i); err != nil {
		return err
	}
	return rs.meta(strs, i, r, pool)
}

// meta decodes every field of record i but its prefix into r.
func (rs *rawSet) meta(strs []string, i int, r *ranges.Record, pool *[]string) error {
	off := binary.LittleEndian.Uint32(rs.offsets[i*4:])
	if uint64(off) > uint64(len(rs.block)) {
		return errCorrupt
	}
	d := &decoder{b: rs.block[off:], strs: strs}
	r.Provider, r.Partition, r.Region, r.Scope = d.str(), d.str(), d.str(), d.str()
	r.Country, r.Subdivision, r.City = d.str(), d.str(), d.str()
	if ns := d.uint(); ns > 0 && ns <= uint64(len(d.b)) {
		var buf []string
		if pool == nil {
			buf = make([]string, 0, ns)
		} else {
			buf = *pool
		}
		start := len(buf)
		for range ns {
			buf = append(buf, d.str())
		}
		r.Services = buf[start:len(buf):len(buf)]
		if pool != nil {
			*pool = buf
		}
	} else if ns > 0 {
		d.fail()
	}
	r.ASN = uint32(d.uint())
	return d.err
}
