package export

import (
	"net/netip"
	"sort"
)

// spans is the routed intervals of one address family, in address order
// and not overlapping, as the routing table holds them.
type spans struct {
	first, last []netip.Addr
}

func (s *spans) add(first, last netip.Addr) {
	s.first = append(s.first, first)
	s.last = append(s.last, last)
}

// split calls yield for the pieces of the inclusive range lo..hi, in
// address order: each run of addresses that one routed interval holds
// (routed) and each run between them (not routed). It stops at the
// first error yield returns.
func (s *spans) split(lo, hi netip.Addr, yield func(lo, hi netip.Addr, routed bool) error) error {
	i := sort.Search(len(s.last), func(i int) bool { return s.last[i].Compare(lo) >= 0 })
	cur := lo
	for ; i < len(s.first) && s.first[i].Compare(hi) <= 0; i++ {
		if s.first[i].Compare(cur) > 0 {
			if err := yield(cur, s.first[i].Prev(), false); err != nil {
				return err
			}
			cur = s.first[i]
		}
		end := s.last[i]
		if end.Compare(hi) >= 0 {
			return yield(cur, hi, true)
		}
		if err := yield(cur, end, true); err != nil {
			return err
		}
		cur = end.Next()
	}
	return yield(cur, hi, false)
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
