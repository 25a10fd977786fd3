package answer

import (
	"net/netip"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// Ranges is the range data a query is looked up in: the lookup table of
// every loaded feed ([lpm.Table]), or a scan of the index file for a few
// addresses from a cold process.
type Ranges interface {
	// Lookup returns every range containing a, most specific first.
	Lookup(a netip.Addr) []lpm.Match
	// Covering returns every range containing p, most specific first.
	Covering(p netip.Prefix) []lpm.Match
	// Within yields the ranges inside p until yield returns false.
	Within(p netip.Prefix, yield func(lpm.Match) bool)
}

// Found is one match of a query: the range contains the query, or (for a
// CIDR query) lies within it.
type Found struct {
	lpm.Match
	Within bool
}

// Find appends to buf[:0] every match of q in r: for an address, the
// ranges that contain it, most specific first; for a prefix, those that
// contain it and then at most limit of those inside it (no bound when
// limit is 0).
//
// When r has a routing tier ([WithRoutes]), a routed query gets one more
// match, always the last: the AS that announces it (tier routing).
func Find(r Ranges, q Query, limit int, buf []Found) []Found {
	buf = appendFind(r, q, limit, buf[:0])
	if _, ok := r.(*routed); ok {
		buf, _ = appendRoute(r, q, buf, new(ranges.Record))
	}
	return buf
}

// appendFind appends the feed matches of q to dst.
func appendFind(r Ranges, q Query, limit int, dst []Found) []Found {
	if q.IsPrefix() {
		return findPrefix(r, q.Prefix, limit, dst)
	}
	for _, m := range r.Lookup(q.Addr) {
		dst = append(dst, Found{Match: m})
	}
	return dst
}

// findPrefix is Find for a CIDR query. It is a function of its own
// because its closure moves buf to the heap, which an address lookup
// (the common case) must not pay for.
func findPrefix(r Ranges, p netip.Prefix, limit int, buf []Found) []Found {
	for _, m := range r.Covering(p) {
		buf = append(buf, Found{Match: m})
	}
	n := 0
	r.Within(p, func(m lpm.Match) bool {
		buf = append(buf, Found{Match: m, Within: true})
		n++
		return limit == 0 || n < limit
	})
	return buf
}
