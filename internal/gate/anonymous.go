package gate

import (
	"net/netip"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
)

// maxAnonymous bounds the client addresses counted at once.
const maxAnonymous = 100_000

// anonymous counts requests without a token per client address, in
// this process only: an IPv4 address, or the /64 of an IPv6 address (one
// subscriber's network).
type anonymous struct {
	plan   access.Plan
	policy string
	mu     sync.Mutex
	day    int64 // unix seconds of the day counted
	count  map[netip.Addr]*anonCount
}

type anonCount struct {
	minute   int64 // unix seconds of the minute counted
	inMinute int64
	inDay    int64
}

func newAnonymous(p access.Plan) *anonymous {
	return &anonymous{plan: p, policy: p.Policy(), count: map[netip.Addr]*anonCount{}}
}

// clientKey returns the address a client is counted under: an IPv4
// address, or the /64 of an IPv6 address.
func clientKey(a netip.Addr) netip.Addr {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// take decides one request of the client at addr at now.
func (an *anonymous) take(addr netip.Addr, now time.Time) Verdict {
	v := Verdict{Plan: an.plan, Policy: an.policy}
	if an.plan.PerMinute == 0 && an.plan.PerDay == 0 {
		v.Decision = an.plan.Decide(access.Usage{}, now)
		return v
	}
	key := clientKey(addr)
	minute, day := access.Minute.Start(now).Unix(), access.Day.Start(now).Unix()
	an.mu.Lock()
	defer an.mu.Unlock()
	if an.day != day {
		an.day = day
		clear(an.count)
	}
	c := an.count[key]
	if c == nil {
		if len(an.count) >= maxAnonymous && !an.prune(minute) {
			// As many addresses as can be counted made requests this
			// minute: new ones wait for the next.
			v.Decision = access.Decision{Limit: an.plan.PerMinute, Span: access.Minute,
				Reset: minute + 60 - now.Unix(), RetryAfter: max(minute+60-now.Unix(), 1)}
			return v
		}
		c = &anonCount{minute: minute}
		an.count[key] = c
	}
	if c.minute != minute {
		c.minute, c.inMinute = minute, 0
	}
	v.Decision = an.plan.Decide(access.Usage{c.inMinute, c.inDay}, now)
	if v.Allowed {
		c.inMinute++
		c.inDay++
	}
	return v
}

// prune forgets the addresses without a request this minute (their day
// counts with them, in their favour), and reports whether it made room.
func (an *anonymous) prune(minute int64) bool {
	for k, c := range an.count {
		if c.minute != minute {
			delete(an.count, k)
		}
	}
	return len(an.count) < maxAnonymous
}
