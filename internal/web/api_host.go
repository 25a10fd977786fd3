package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// Limits on resolving host names for clients. A client (an IP address)
// may have resolveRate names resolved a second, in bursts of
// resolveBurst; a bulk request may carry at most maxBulkNames names. The
// server asks only A, AAAA and the CNAME chain of valid host names
// outside the special-use domains, so it cannot be used as a resolver
// for arbitrary queries.
const (
	resolveRate  = 5
	resolveBurst = 50
	maxBulkNames = 100
	maxClients   = 10000
)

// clientLimits rate-limits resolutions per client.
type clientLimits struct {
	mu      sync.Mutex
	m       map[string]*rate.Limiter
	proxies Proxies
}

func newClientLimits(ps Proxies) *clientLimits {
	return &clientLimits{m: map[string]*rate.Limiter{}, proxies: ps}
}

// allow takes n resolutions from the client's allowance, or reports how
// long to wait.
func (c *clientLimits) allow(r *http.Request, n int) (time.Duration, bool) {
	host := r.RemoteAddr
	if a := c.proxies.Client(r); a.IsValid() {
		host = a.String()
	}
	c.mu.Lock()
	l := c.m[host]
	if l == nil {
		if len(c.m) >= maxClients {
			clear(c.m)
		}
		l = rate.NewLimiter(resolveRate, resolveBurst)
		c.m[host] = l
	}
	c.mu.Unlock()
	if n > resolveBurst {
		return 0, false
	}
	rv := l.ReserveN(time.Now(), n)
	if d := rv.Delay(); d > 0 {
		rv.Cancel()
		return d, false
	}
	return 0, true
}

// specialUse are domains the server never resolves for a client: names
// of the resolver's own network (RFC 6761, 6762, 7686, 8375; ICANN's
// .internal) and reverse lookups.
var specialUse = []string{"localhost", "local", "internal", "home.arpa", "onion", "invalid", "arpa", "lan", "corp", "intranet"}

// resolvable checks that a name may be resolved for a client.
func resolvable(name string) error {
	for _, d := range specialUse {
		if name == d || strings.HasSuffix(name, "."+d) {
			return errorf(http.StatusBadRequest, "%q is in the special-use domain .%s: the server does not resolve it", name, d)
		}
	}
	return nil
}

// namesFor returns the Names to answer a request's n host names with:
// with a resolver only within the client's allowance (else a 429).
func (s *Server) namesFor(r *http.Request, names []string) (*answer.Names, error) {
	if s.names.Resolver == nil || len(names) == 0 {
		return s.names, nil
	}
	for _, n := range names {
		if err := resolvable(n); err != nil {
			return nil, err
		}
	}
	if d, ok := s.limits.allow(r, len(names)); !ok {
		e := errorf(http.StatusTooManyRequests, "too many host names resolved for this client: %d a second at most, in bursts of %d", resolveRate, resolveBurst)
		e.RetryAfter = max(1, int(d.Seconds()+0.5))
		return nil, e
	}
	return s.names, nil
}

// handleHost answers GET /v1/host/{name}: the name's CNAME chain and
// addresses (when the server resolves names), the evidence of its names,
// and the join's answer for each address, as of as_of.
func (s *Server) handleHost(w http.ResponseWriter, r *http.Request) error {
	hr, err := s.host(r)
	if err != nil {
		return err
	}
	return writeJSON(w, hr)
}

// host answers the host name of a request's path.
func (s *Server) host(r *http.Request) (*answer.HostResult, error) {
	q, err := answer.ParseInput(r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	if !q.IsName() {
		return nil, errorf(http.StatusBadRequest, "%q is an address: ask /v1/ip/%s", q.Input, q.Input)
	}
	day, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	ranges, _, err := s.rangesAt(r.Context(), day)
	if err != nil {
		return nil, err
	}
	names, err := s.namesFor(r, []string{q.Name})
	if err != nil {
		return nil, err
	}
	return s.join.AnswerHost(r.Context(), ranges, names, q.Name, day), nil
}
