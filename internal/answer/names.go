package answer

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/hostname"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// Names is how the join answers host names: each is resolved with
// Resolver (its CNAME chain, then A and AAAA) and every name of the
// chain is matched against the suffix table. Without a resolver, names
// are answered from themselves alone (the suffix evidence, no address).
type Names struct {
	Resolver dns.Resolver  // nil: do not resolve (offline)
	Suffixes *suffix.Table // nil: no name evidence
	// Concurrency bounds the names resolved at once (0: dns.DefaultConcurrency).
	Concurrency int
}

// ParseInput parses what a user asks about: an IP address or CIDR
// prefix (see [Parse]), else a host name, which must have a dot (a
// single label is a typo more often than a name): its Query has Name
// set to the lower-case ASCII form and no address. Errors are of kind
// [Invalid] and name the input.
func ParseInput(s string) (Query, error) {
	q, err := Parse(s)
	if err == nil || err != errNotAddress {
		return q, err
	}
	if looksNumeric(q.Input) {
		return q, errNotAddress // a mistyped address, not a name
	}
	if !strings.Contains(strings.TrimSuffix(q.Input, "."), ".") {
		return q, errNotInput
	}
	n, herr := hostname.Parse(q.Input)
	if herr != nil {
		return q, &Error{Kind: Invalid, Msg: "not an IP address, CIDR prefix or host name: " + herr.(*hostname.Error).Reason}
	}
	q.Name = n.ASCII
	return q, nil
}

// looksNumeric reports whether s is made of digits, dots, colons and
// slashes only: a mistyped address or prefix.
func looksNumeric(s string) bool {
	return strings.Trim(s, "0123456789.:/") == ""
}

// errNotInput is the error of an input that is neither an address, a
// prefix nor a host name.
var errNotInput = &Error{Kind: Invalid, Msg: "not an IP address, CIDR prefix or host name"}

// IsName reports whether q is a host name.
func (q Query) IsName() bool { return q.Name != "" }

// Host is what the DNS and the suffix table say about one host name.
type Host struct {
	Name       string     // lower-case ASCII
	Resolution dns.Result // zero when not resolved
	Err        error      // why resolution failed (a *dns.Error), or nil
	Resolved   bool       // a resolver was asked
	Evidence   []suffix.Evidence
}

// Addresses returns the name's addresses: A records, then AAAA.
func (h *Host) Addresses() []netip.Addr {
	return append(append([]netip.Addr(nil), h.Resolution.A...), h.Resolution.AAAA...)
}

// First returns the address a name is attributed by: its first A
// record, else its first AAAA record.
func (h *Host) First() (netip.Addr, bool) { return h.Resolution.First() }

// CNAMEs returns the targets of the CNAME chain, in order.
func (h *Host) CNAMEs() []string {
	out := make([]string, 0, len(h.Resolution.Chain))
	for _, hop := range h.Resolution.Chain {
		out = append(out, hop.Target)
	}
	return out
}

// resolve answers one name.
func (n *Names) resolve(ctx context.Context, name string) *Host {
	h := &Host{Name: name}
	names := []string{name}
	if n != nil && n.Resolver != nil {
		h.Resolved = true
		h.Resolution, h.Err = n.Resolver.Resolve(ctx, name)
		if rn := h.Resolution.Names(); len(rn) > 0 {
			names = rn
		}
	}
	if n != nil && n.Suffixes != nil {
		h.Evidence = n.Suffixes.Chain(names)
	}
	return h
}

// resolveAll answers every name of hosts (by index) at once, at most
// Concurrency at a time.
func (n *Names) resolveAll(ctx context.Context, names []string) []*Host {
	out := make([]*Host, len(names))
	limit := dns.DefaultConcurrency
	if n != nil && n.Concurrency > 0 {
		limit = n.Concurrency
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = n.resolve(ctx, name)
		}()
	}
	wg.Wait()
	return out
}

// ResolveHost answers one host name: its resolution and name evidence.
func (n *Names) ResolveHost(ctx context.Context, name string) *Host { return n.resolve(ctx, name) }

// MaxHostAddresses bounds the addresses of one host name that an answer
// explains (a name can have a hundred).
const MaxHostAddresses = 8

// HostResult is the whole answer for a host name as of one day: what
// the DNS and the suffix table say, then the join's answer for each of
// its addresses (A records first, at most [MaxHostAddresses]).
type HostResult struct {
	*Host
	AsOf    time.Time
	Results []*Result
}

// AnswerHost answers a host name: it resolves it with names and joins
// each address as [Joiner.Answer] does.
func (j *Joiner) AnswerHost(ctx context.Context, r Ranges, names *Names, name string, day time.Time) *HostResult {
	h := names.resolve(ctx, name)
	res := &HostResult{Host: h, AsOf: day, Results: []*Result{}}
	for i, a := range h.Addresses() {
		if i == MaxHostAddresses {
			break
		}
		res.Results = append(res.Results, j.Answer(r, Query{Input: a.String(), Addr: a}, day, 0))
	}
	return res
}

// hostJSON is a [HostResult] as the API (/v1/host) and "host --json"
// give it.
type hostJSON struct {
	Name      string            `json:"name"`
	AsOf      string            `json:"as_of"`
	Resolved  bool              `json:"resolved"`
	Chain     []string          `json:"cnames"`
	A         []string          `json:"a"`
	AAAA      []string          `json:"aaaa"`
	Rcode     string            `json:"rcode,omitempty"`
	Error     string            `json:"error,omitempty"`
	Resolver  string            `json:"resolver,omitempty"`
	Evidence  []suffix.Evidence `json:"evidence"`
	Addresses []*Result         `json:"addresses"`
}

// MarshalJSON encodes the host answer in its documented shape.
func (hr *HostResult) MarshalJSON() ([]byte, error) {
	h := hr.Host
	out := hostJSON{Name: h.Name, AsOf: Day(hr.AsOf), Resolved: h.Resolved, Chain: h.CNAMEs(),
		A: addrStrings(h.Resolution.A), AAAA: addrStrings(h.Resolution.AAAA), Rcode: h.Resolution.Rcode,
		Resolver: h.Resolution.Server, Evidence: orEmpty(h.Evidence), Addresses: hr.Results}
	if h.Err != nil {
		out.Error = h.Err.Error()
	}
	return marshal(out)
}
