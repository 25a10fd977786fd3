package routing

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// u128 is an address as an unsigned 128-bit number. An IPv4 address is
// held in the low 32 bits; the family is tracked by the caller.
type u128 struct{ hi, lo uint64 }

var maxU128 = u128{^uint64(0), ^uint64(0)}

// keyOf returns a's number. a must be IPv4 or IPv6 without a zone.
func keyOf(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

// addr returns k as an address of the family given by v6.
func (k u128) addr(v6 bool) netip.Addr {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(k.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	return netip.AddrFrom16(b)
}

func (k u128) cmp(o u128) int {
	switch {
	case k.hi < o.hi:
		return -1
	case k.hi > o.hi:
		return 1
	case k.lo < o.lo:
		return -1
	case k.lo > o.lo:
		return 1
	}
	return 0
}

func (k u128) less(o u128) bool { return k.hi < o.hi || (k.hi == o.hi && k.lo < o.lo) }

// next returns k+1, wrapping at the top.
func (k u128) next() u128 {
	lo, c := bits.Add64(k.lo, 1, 0)
	return u128{k.hi + c, lo}
}

// prev returns k-1, wrapping at zero.
func (k u128) prev() u128 {
	lo, b := bits.Sub64(k.lo, 1, 0)
	return u128{k.hi - b, lo}
}

// sub returns k-o, wrapping.
func (k u128) sub(o u128) u128 {
	lo, b := bits.Sub64(k.lo, o.lo, 0)
	return u128{k.hi - o.hi - b, lo}
}

// trailingZeros returns the number of trailing zero bits of k (128 for 0).
func (k u128) trailingZeros() int {
	if k.lo != 0 {
		return bits.TrailingZeros64(k.lo)
	}
	return 64 + bits.TrailingZeros64(k.hi)
}

// mask returns the number with the low n bits set (0 <= n <= 128).
func mask(n int) u128 {
	switch {
	case n >= 128:
		return maxU128
	case n >= 64:
		return u128{hi: 1<<(n-64) - 1, lo: ^uint64(0)}
	}
	return u128{lo: 1<<n - 1}
}

func (k u128) or(o u128) u128 { return u128{k.hi | o.hi, k.lo | o.lo} }

// block returns the CIDR block of the decomposition of [first, last]
// that contains a, where width is the address width in bits (32 or 128).
// The decomposition is the canonical one: from first upwards, each block
// is the largest aligned block that starts there and ends at or before
// last. a must lie in [first, last].
func block(first, last, a u128, width int) (start u128, bits int) {
	cur := first
	for {
		k := min(cur.trailingZeros(), width)
		for k > 0 && last.less(cur.or(mask(k))) {
			k--
		}
		end := cur.or(mask(k))
		if !end.less(a) {
			return cur, width - k
		}
		cur = end.next()
	}
}
