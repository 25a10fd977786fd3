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

// The file layout, all integers as unsigned varints unless noted:
//
//	magic "CAIX" version(1 byte)
//	strings: count, then each as length + bytes
//	sets: count, then each:
//	  source: feed, tier, order, snapshot id, upstream id, upstream date
//	          (unix ns, 0 = none), fetched (unix ns)   -- strings as ids
//	  records: count, then each:
//	    family+bits (1 byte: bit 7 set for IPv6) and 4 or 16 address bytes,
//	    provider, partition, region, scope, country, subdivision, city,
//	    service count and ids, asn
//	crc32 (IEEE, 4 bytes little endian) of everything before it
const (
	magic   = "CAIX"
	version = 1
)

type encoder struct {
	buf  []byte
	ids  map[string]uint64
	strs []string
}

func (e *encoder) uint(v uint64)    { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) int(v int64)      { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) str(s string)     { e.uint(e.id(s)) }
func (e *encoder) time(t time.Time) { e.int(unixNano(t)) }

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

func (ix *Index) encode() []byte {
	e := &encoder{ids: map[string]uint64{}}
	e.uint(uint64(len(ix.Sets)))
	for _, s := range ix.Sets {
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
			e.record(&s.Records[i])
		}
	}
	body := e.buf
	out := append([]byte(magic), version)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = append(out, body...)
	return binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out))
}

func (e *encoder) record(r *ranges.Record) {
	a := r.Prefix.Addr()
	if a.Is4() {
		e.buf = append(e.buf, byte(r.Prefix.Bits()))
		b := a.As4()
		e.buf = append(e.buf, b[:]...)
	} else {
		e.buf = append(e.buf, 0x80|byte(r.Prefix.Bits()))
		b := a.As16()
		e.buf = append(e.buf, b[:]...)
	}
	for _, s := range [...]string{r.Provider, r.Partition, r.Region, r.Scope, r.Country, r.Subdivision, r.City} {
		e.str(s)
	}
	e.uint(uint64(len(r.Services)))
	for _, s := range r.Services {
		e.str(s)
	}
	e.uint(uint64(r.ASN))
}

var errCorrupt = errors.New("corrupt index file")

type decoder struct {
	b    []byte
	strs []string
	err  error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n > len(d.b) || n < 0 {
		d.err = errCorrupt
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	id := d.uint()
	if id >= uint64(len(d.strs)) {
		d.err = errCorrupt
		return ""
	}
	return d.strs[id]
}

func (d *decoder) time() time.Time {
	ns := d.int()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func decode(b []byte) (*Index, error) {
	if len(b) < len(magic)+1+4 || string(b[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: bad magic", errCorrupt)
	}
	if b[len(magic)] != version {
		return nil, fmt.Errorf("%w: version %d, want %d", errCorrupt, b[len(magic)], version)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	d := &decoder{b: body[len(magic)+1:]}
	d.readStrings()
	ix := &Index{}
	nsets := d.uint()
	for i := uint64(0); i < nsets && d.err == nil; i++ {
		ix.Sets = append(ix.Sets, d.set())
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	return ix, d.err
}

func (d *decoder) readStrings() {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return
	}
	d.strs = make([]string, n)
	for i := range d.strs {
		d.strs[i] = string(d.bytes(int(d.uint())))
	}
}

func (d *decoder) set() lpm.Set {
	src := &lpm.Source{Feed: d.str(), Tier: ranges.Tier(d.uint()), Order: int(d.uint()),
		SnapshotID: int64(d.uint()), UpstreamID: d.str(), UpstreamDate: d.time(), Fetched: d.time()}
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return lpm.Set{}
	}
	recs := make([]ranges.Record, n)
	for i := range recs {
		d.record(&recs[i])
	}
	return lpm.Set{Source: src, Records: recs}
}

func (d *decoder) record(r *ranges.Record) {
	fb := d.bytes(1)
	if d.err != nil {
		return
	}
	bits := int(fb[0] & 0x7f)
	var a netip.Addr
	if fb[0]&0x80 == 0 {
		if b := d.bytes(4); d.err == nil {
			a = netip.AddrFrom4([4]byte(b))
		}
	} else if b := d.bytes(16); d.err == nil {
		a = netip.AddrFrom16([16]byte(b))
	}
	if d.err != nil {
		return
	}
	if r.Prefix = netip.PrefixFrom(a, bits); !r.Prefix.IsValid() {
		d.err = errCorrupt
		return
	}
	r.Provider, r.Partition, r.Region, r.Scope = d.str(), d.str(), d.str(), d.str()
	r.Country, r.Subdivision, r.City = d.str(), d.str(), d.str()
	if ns := d.uint(); ns > 0 && ns <= uint64(len(d.b)) {
		r.Services = make([]string, ns)
		for i := range r.Services {
			r.Services[i] = d.str()
		}
	} else if ns > 0 {
		d.err = errCorrupt
	}
	r.ASN = uint32(d.uint())
}
