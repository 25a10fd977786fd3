package dnstest

import (
	"fmt"
	"net"
	"strings"
	"time"

	mdns "github.com/miekg/dns"
)

// zone holds a zone's records by owner name (canonical form).
type zone struct {
	origin string
	soa    *mdns.SOA
	names  map[string][]mdns.RR
	// exists holds every owner name and every name between an owner and
	// the apex (empty non-terminals), which exist without records.
	exists map[string]bool
}

// parseZone parses z's master-file text.
func parseZone(z Zone) (*zone, error) {
	origin := canonical(z.Origin)
	out := &zone{origin: origin, names: map[string][]mdns.RR{}, exists: map[string]bool{origin: true}}
	text := "$TTL 300\n" + z.Records
	zp := mdns.NewZoneParser(strings.NewReader(text), mdns.Fqdn(origin), origin)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		owner := canonical(rr.Header().Name)
		if owner != origin && !strings.HasSuffix(owner, "."+origin) {
			return nil, fmt.Errorf("dnstest: zone %s: record %s is outside the zone", origin, owner)
		}
		out.names[owner] = append(out.names[owner], rr)
		for n := owner; n != origin; n = parent(n) {
			out.exists[n] = true
		}
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("dnstest: zone %s: %w", origin, err)
	}
	out.soa = &mdns.SOA{
		Hdr: mdns.RR_Header{Name: mdns.Fqdn(origin), Rrtype: mdns.TypeSOA, Class: mdns.ClassINET, Ttl: 300},
		Ns:  "ns." + mdns.Fqdn(origin), Mbox: "hostmaster." + mdns.Fqdn(origin),
		Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, Minttl: 300,
	}
	return out, nil
}

func parent(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// serve answers one query.
func (s *Server) serve(w mdns.ResponseWriter, req *mdns.Msg) {
	m := new(mdns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = mdns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := canonical(q.Name)
	s.count(name, w)
	if d, ok := s.slow[name]; ok {
		select {
		case <-time.After(d):
		case <-s.done:
			return
		}
	}
	switch {
	case s.servFail[name]:
		m.Rcode = mdns.RcodeServerFailure
	case s.refused[name]:
		m.Rcode = mdns.RcodeRefused
	default:
		s.answer(m, name, q.Qtype)
	}
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		m.Truncate(bufferSize(req))
	}
	w.WriteMsg(m)
}

// bufferSize is the UDP answer size the client accepts.
func bufferSize(req *mdns.Msg) int {
	if opt := req.IsEdns0(); opt != nil {
		return int(opt.UDPSize())
	}
	return mdns.MinMsgSize
}

func (s *Server) count(name string, w mdns.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries[name]++
	s.total++
	if _, tcp := w.RemoteAddr().(*net.TCPAddr); tcp {
		s.tcpN++
	}
}

// answer fills m for name and qtype from the zone that holds name,
// chasing CNAMEs within that zone.
func (s *Server) answer(m *mdns.Msg, name string, qtype uint16) {
	z := s.zoneOf(name)
	if z == nil {
		m.Rcode = mdns.RcodeRefused
		m.Authoritative = false
		return
	}
	seen := map[string]bool{}
	for !seen[name] {
		seen[name] = true
		rrs, ok := z.lookup(name)
		if !ok {
			m.Rcode = mdns.RcodeNameError
			m.Ns = []mdns.RR{z.soa}
			return
		}
		if cname := firstOfType(rrs, mdns.TypeCNAME); cname != nil && qtype != mdns.TypeCNAME {
			m.Answer = append(m.Answer, cname)
			target := canonical(cname.(*mdns.CNAME).Target)
			if s.zoneOf(target) != z {
				return
			}
			name = target
			continue
		}
		for _, rr := range rrs {
			if rr.Header().Rrtype == qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		if len(m.Answer) == 0 {
			m.Ns = []mdns.RR{z.soa}
		}
		return
	}
}

// zoneOf returns the zone with the longest origin that contains name.
func (s *Server) zoneOf(name string) *zone {
	var best *zone
	for _, z := range s.zones {
		if name == z.origin || strings.HasSuffix(name, "."+z.origin) {
			if best == nil || len(z.origin) > len(best.origin) {
				best = z
			}
		}
	}
	return best
}

// lookup returns the records of name, synthesised from the wildcard of
// its closest encloser when name itself does not exist (RFC 4592); ok is
// false when the name does not exist.
func (z *zone) lookup(name string) ([]mdns.RR, bool) {
	if z.exists[name] {
		return z.names[name], true
	}
	encloser := parent(name)
	for !z.exists[encloser] {
		encloser = parent(encloser)
	}
	wild, ok := z.names["*."+encloser]
	if !ok {
		return nil, false
	}
	out := make([]mdns.RR, len(wild))
	for i, rr := range wild {
		out[i] = mdns.Copy(rr)
		out[i].Header().Name = mdns.Fqdn(name)
	}
	return out, true
}

func firstOfType(rrs []mdns.RR, t uint16) mdns.RR {
	for _, rr := range rrs {
		if rr.Header().Rrtype == t {
			return rr
		}
	}
	return nil
}
