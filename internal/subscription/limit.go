package subscription

import (
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter throttles each client (an IP address; IPv6 by /64) with a
// token bucket: burst requests at once, then one per every. It keeps at
// most max clients; when full it forgets those idle for longer than
// idle, and refuses newcomers while it stays full.
type Limiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	max     int
	idle    time.Duration
	clients map[string]*client
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter returns a limiter of burst requests, then one per every,
// per client.
func NewLimiter(burst int, every time.Duration) *Limiter {
	return &Limiter{every: every, burst: burst, max: 10000, idle: time.Duration(burst) * every,
		clients: map[string]*client{}}
}

// Allow reports whether client (a remote address, "ip" or "ip:port")
// may make a request at now, and counts it.
func (l *Limiter) Allow(remote string, now time.Time) bool {
	key := ClientKey(remote)
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clients[key]
	if c == nil {
		if len(l.clients) >= l.max {
			l.forget(now)
			if len(l.clients) >= l.max {
				return false
			}
		}
		c = &client{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.clients[key] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

// forget drops the clients idle for longer than l.idle.
func (l *Limiter) forget(now time.Time) {
	for k, c := range l.clients {
		if now.Sub(c.seen) > l.idle {
			delete(l.clients, k)
		}
	}
}

// ClientKey returns the key a remote address is throttled under: the
// IPv4 address, or the /64 of an IPv6 address (one host's usual share).
// An address that does not parse is its own key.
func ClientKey(remote string) string {
	ap, err := netip.ParseAddrPort(remote)
	var a netip.Addr
	if err == nil {
		a = ap.Addr()
	} else if a, err = netip.ParseAddr(remote); err != nil {
		return remote
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
