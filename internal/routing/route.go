package routing

import "net/netip"

// Route is the routing answer for an address: the interval that holds it,
// the autonomous system announcing it and the interval's registered
// country.
type Route struct {
	First, Last netip.Addr // the interval, inclusive
	ASN         uint32
	Holder      string // the AS holder's name as the data gives it
	Country     string // ISO 3166-1 alpha-2, or "" when the country file has none
}

// Contains reports whether a lies in the route's interval.
func (r Route) Contains(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	return r.First.IsValid() && a.BitLen() == r.First.BitLen() &&
		r.First.Compare(a) <= 0 && a.Compare(r.Last) <= 0
}

// Prefix returns the CIDR block that holds a among the blocks the
// interval decomposes into (the fewest aligned blocks covering it, from
// its first address up): the prefix to show for a. It returns the zero
// Prefix when a is not in the interval.
func (r Route) Prefix(a netip.Addr) netip.Prefix {
	if !r.Contains(a) {
		return netip.Prefix{}
	}
	a = a.Unmap().WithZone("")
	start, bits := block(keyOf(r.First), keyOf(r.Last), keyOf(a), r.First.BitLen())
	return netip.PrefixFrom(start.addr(r.First.Is6()), bits)
}

// Prefixes returns the interval's CIDR decomposition, in address order.
func (r Route) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	first, last := keyOf(r.First), keyOf(r.Last)
	for cur := first; ; {
		start, bits := block(first, last, cur, r.First.BitLen())
		out = append(out, netip.PrefixFrom(start.addr(r.First.Is6()), bits))
		end := start.or(mask(r.First.BitLen() - bits))
		if end == last {
			return out
		}
		cur = end.next()
	}
}
