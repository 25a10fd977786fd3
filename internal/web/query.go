package web

import (
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
)

// query is one parsed address or CIDR input.
type query struct {
	input  string
	addr   netip.Addr
	prefix netip.Prefix // valid only for CIDR input
}

// isPrefix reports whether q is a CIDR query.
func (q query) isPrefix() bool { return q.prefix.IsValid() }

// parseQuery parses an IP address or CIDR prefix, tolerating spaces,
// IPv6 zones and IPv4-mapped forms. A full-length prefix is an address.
func parseQuery(s string) (query, bool) {
	s = strings.TrimSpace(s)
	q := query{input: s}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return q, false
		}
		q.addr = lpm.Normalize(a)
		return q, true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return q, false
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() && bits >= 96 {
		a, bits = a.Unmap(), bits-96
	}
	q.addr = a
	if bits < a.BitLen() {
		q.prefix = netip.PrefixFrom(a, bits).Masked()
	}
	return q, true
}

// found is one match of a query: the range contains the query, or (for
// a CIDR query) lies within it.
type found struct {
	lpm.Match
	within bool
}

// maxWithin bounds how many ranges inside a CIDR query are listed.
const maxWithin = 1000

// resolve returns the matches of q in tbl, most specific first; for a
// prefix, those containing it and then up to maxWithin inside it.
func resolve(tbl *lpm.Table, q query, buf []found) []found {
	buf = buf[:0]
	if !q.isPrefix() {
		for _, m := range tbl.Lookup(q.addr) {
			buf = append(buf, found{Match: m})
		}
		return buf
	}
	for _, m := range tbl.Covering(q.prefix) {
		buf = append(buf, found{Match: m})
	}
	n := 0
	tbl.Within(q.prefix, func(m lpm.Match) bool {
		buf = append(buf, found{Match: m, within: true})
		n++
		return n < maxWithin
	})
	return buf
}

// asOf reads the as_of query parameter: YYYY-MM-DD (or YYYY, YYYY-MM,
// meaning the start of that period); absent means today.
func (s *Server) asOf(r *http.Request) (time.Time, error) {
	return s.parseAsOf(r.URL.Query().Get("as_of"))
}

// parseAsOf parses an as_of value; "" means today.
func (s *Server) parseAsOf(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return atlas.DateOf(s.now()).Start(), nil
	}
	d, err := atlas.ParseDate(v)
	if err != nil {
		return time.Time{}, errorf(http.StatusBadRequest, "as_of: %v", err)
	}
	return d.Start(), nil
}
