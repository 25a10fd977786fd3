package answer

import (
	"net/netip"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing"
)

// Routes is the routing tier below the feeds: for every routed address,
// the AS that announces it, its holder and the range's registered
// country. Source names the snapshot (feed "routing", tier routing).
type Routes struct {
	Table  *routing.Table
	Source *lpm.Source
}

// routed is range data with the routing tier below it.
type routed struct {
	Ranges
	routes *Routes
}

// WithRoutes returns the range data r with the routing tier rt below it:
// every lookup of an address gets, after its feed matches, one match of
// tier routing when the address is routed. A nil rt returns r.
func WithRoutes(r Ranges, rt *Routes) Ranges {
	if rt == nil || rt.Table == nil {
		return r
	}
	return &routed{Ranges: r, routes: rt}
}

// Unwrap returns the feeds' range data under a routing tier, or r.
func Unwrap(r Ranges) Ranges {
	if x, ok := r.(*routed); ok {
		return x.Ranges
	}
	return r
}

// RoutesOf returns the routing tier of r, or nil.
func RoutesOf(r Ranges) *Routes {
	if x, ok := r.(*routed); ok {
		return x.routes
	}
	return nil
}

// appendRoute appends the routing match of q to dst, filling rec, when r
// has a routing tier and routes q: for an address, the route that holds
// it; for a prefix, the route that holds all of it.
func appendRoute(r Ranges, q Query, dst []Found, rec *ranges.Record) ([]Found, bool) {
	x, ok := r.(*routed)
	if !ok {
		return dst, false
	}
	rt, ok := x.routes.Table.Lookup(q.Addr)
	if !ok {
		return dst, false
	}
	p := rt.Prefix(q.Addr)
	if q.IsPrefix() {
		if !rt.Contains(q.Prefix.Addr()) || !rt.Contains(lastAddr(q.Prefix)) {
			return dst, false
		}
		if p.Bits() > q.Prefix.Bits() {
			p = q.Prefix
		}
	}
	*rec = ranges.Record{Prefix: p, ASN: rt.ASN, Holder: rt.Holder, Country: rt.Country}
	return append(dst, Found{Match: lpm.Match{Record: rec, Source: x.routes.Source, ID: lpm.NoID}}), true
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.AsSlice()
	bits := p.Bits()
	for i := range b {
		if n := bits - 8*i; n < 8 {
			if n < 0 {
				n = 0
			}
			b[i] |= byte(0xff >> n)
		}
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}
