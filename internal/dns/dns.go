// Package dns resolves host names to their CNAME chain and addresses. Its
// [Resolver] interface is what the rest of cloudatlas uses; [Client]
// implements it over github.com/miekg/dns, asking a recursive resolver
// (from /etc/resolv.conf or given as HOST:PORT) for A and AAAA records,
// walking the whole CNAME chain with a depth limit and loop detection,
// with per-query timeouts, retries, TCP fallback on truncation and a
// shared rate limit. [Batch] resolves many names with bounded
// concurrency. Every failure is an [*Error] that names the name; none
// stops a batch.
package dns

import (
	"context"
	"net/netip"
	"time"
)

// Resolver resolves one host name. Implementations must be safe for
// concurrent use.
type Resolver interface {
	// Resolve returns what the DNS says about name. On failure the error
	// is an [*Error] and the Result still holds what was learnt before
	// the failure (the name, the chain so far, the server, the time).
	Resolve(ctx context.Context, name string) (Result, error)
}

// Hop is one CNAME record of a chain: Name is an alias of Target.
type Hop struct {
	Name   string
	Target string
}

// Result is the answer for one name.
type Result struct {
	// Name is the name as asked; ASCII is its lower-case IDNA (Punycode)
	// form without a final dot, empty when Name is not a valid host name.
	Name  string
	ASCII string
	// Chain is the CNAME chain from ASCII, in order; the last Target is
	// the name that holds the addresses.
	Chain []Hop
	// A and AAAA are the addresses of the final name, in the order the
	// server gave them.
	A, AAAA []netip.Addr
	// Rcode is the response code of the last answer ("NOERROR",
	// "NXDOMAIN", "SERVFAIL", "REFUSED"...); empty when no answer came.
	Rcode string
	// Server is the resolver (HOST:PORT) that gave the last answer, or
	// the last one tried.
	Server string
	// Elapsed is the time the whole resolution took.
	Elapsed time.Duration
}

// Final returns the name that holds the addresses: the last CNAME target,
// or ASCII when there is no chain.
func (r Result) Final() string {
	if len(r.Chain) == 0 {
		return r.ASCII
	}
	return r.Chain[len(r.Chain)-1].Target
}

// Names returns ASCII followed by every CNAME target, in chain order.
func (r Result) Names() []string {
	if r.ASCII == "" {
		return nil
	}
	names := []string{r.ASCII}
	for _, h := range r.Chain {
		names = append(names, h.Target)
	}
	return names
}

// First returns the first address of the name: the first A record, else
// the first AAAA record.
func (r Result) First() (netip.Addr, bool) {
	if len(r.A) > 0 {
		return r.A[0], true
	}
	if len(r.AAAA) > 0 {
		return r.AAAA[0], true
	}
	return netip.Addr{}, false
}
