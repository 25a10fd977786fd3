package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies is the set of reverse proxies (load balancers) the server
// trusts to say, in X-Forwarded-For, which client they forward. Per-client
// limits (the anonymous allowance, host-name resolutions) count by the
// address [Proxies.Client] returns. The zero value trusts no proxy.
type Proxies []netip.Prefix

// ParseProxies parses a comma-separated list of addresses and CIDR
// prefixes, as the --trusted-proxies flag takes it.
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			ps = append(ps, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or CIDR prefix", f)
		}
		ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return ps, nil
}

func (ps Proxies) trusts(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the address of the client behind r: the peer address,
// or, when the peer is a trusted proxy, the right-most address of
// X-Forwarded-For that is not itself a trusted proxy (the left-hand
// entries are whatever the client chose to send, so they are not
// believed). It returns the zero Addr when the peer address cannot be
// parsed (a test's fake request).
func (ps Proxies) Client(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || len(ps) == 0 || !ps.trusts(peer) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		list := strings.Split(hops[i], ",")
		for j := len(list) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(list[j]))
			if err != nil {
				return client // a garbled hop: stop at the last one believed
			}
			client = a.Unmap()
			if !ps.trusts(client) {
				return client
			}
		}
	}
	return client
}

// peerAddr parses the host part of an http.Request's RemoteAddr.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// clientOf returns the client address of r as text (see [Proxies.Client]),
// or RemoteAddr as it is when that cannot be parsed.
func (s *Server) clientOf(r *http.Request) string {
	if a := s.cfg.Proxies.Client(r); a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}
