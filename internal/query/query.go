// Package query parses what users ask about (an IP address or a CIDR
// prefix) and resolves it against the lookup table. The command line and
// the web server share it, so an input means the same thing everywhere.
package query

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
)

// Query is one parsed input.
type Query struct {
	Addr   netip.Addr   // the address, or the first address of Prefix
	Prefix netip.Prefix // valid only for CIDR input
}

// ErrBad describes an input that is neither an address nor a prefix.
var ErrBad = errors.New("not an IP address or CIDR prefix")

// Parse parses an IP address or CIDR prefix, tolerating surrounding
// spaces, IPv6 zones and IPv4-mapped IPv6 forms. A prefix with host bits
// set is masked; a full-length prefix (/32, /128) is an address. A
// prefix that mixes IPv4-mapped and other IPv6 space is rejected.
func Parse(s string) (Query, error) {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return Query{}, ErrBad
		}
		return Query{Addr: lpm.Normalize(a)}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return Query{}, ErrBad
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() {
		if bits < 96 {
			return Query{}, ErrBad
		}
		a, bits = a.Unmap(), bits-96
	}
	p = netip.PrefixFrom(a, bits).Masked()
	if bits == a.BitLen() {
		return Query{Addr: a}, nil
	}
	return Query{Addr: p.Addr(), Prefix: p}, nil
}

// IsPrefix reports whether q is a CIDR query.
func (q Query) IsPrefix() bool { return q.Prefix.IsValid() }

// Found is one match of a query: the range contains the query, or (for a
// CIDR query) lies within it.
type Found struct {
	lpm.Match
	Within bool
}

// Resolve appends to buf[:0] every match of q in tbl: for an address, the
// ranges that contain it, most specific first; for a prefix, those that
// contain it and then at most limit of those inside it (no bound when
// limit is 0).
func Resolve(tbl *lpm.Table, q Query, limit int, buf []Found) []Found {
	buf = buf[:0]
	if !q.IsPrefix() {
		for _, m := range tbl.Lookup(q.Addr) {
			buf = append(buf, Found{Match: m})
		}
		return buf
	}
	for _, m := range tbl.Covering(q.Prefix) {
		buf = append(buf, Found{Match: m})
	}
	n := 0
	tbl.Within(q.Prefix, func(m lpm.Match) bool {
		buf = append(buf, Found{Match: m, Within: true})
		n++
		return limit == 0 || n < limit
	})
	return buf
}
