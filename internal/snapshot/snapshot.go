// Package snapshot holds resolution snapshots of a population of host
// names: the JSON Lines format (docs/snapshots.md), reading a list of
// names (one per line, or CSV rank,name), reading an existing snapshot
// to resume it, and [Run], which resolves the names not yet written and
// appends one record per name in input order.
package snapshot

import (
	"net/netip"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
)

// Format is the value of the header's "format" field.
const Format = "cloudatlas-resolve/1"

// Header is the first line of a snapshot.
type Header struct {
	Format string `json:"format"`
	// Population names where the names came from (the input file's base
	// name, or "-" for standard input).
	Population string `json:"population"`
	// Started is when the snapshot was begun (UTC); a resumed snapshot
	// keeps its first header.
	Started time.Time `json:"started"`
	// Resolvers are the resolvers asked when the snapshot was begun.
	Resolvers []string `json:"resolvers"`
}

// Record is one line of a snapshot: what the DNS said about one name.
type Record struct {
	// Name is the name as read; ASCII its IDNA form (the key: a snapshot
	// holds each ASCII name once).
	Name  string `json:"name"`
	ASCII string `json:"ascii"`
	// Rank is the name's rank in the population, 0 when it has none.
	Rank int `json:"rank,omitempty"`
	// Chain is every CNAME target in order (the last one holds the
	// addresses); empty when the name has no CNAME.
	Chain []string `json:"chain"`
	// A and AAAA are the addresses of the final name, as the server
	// ordered them.
	A    []netip.Addr `json:"a"`
	AAAA []netip.Addr `json:"aaaa"`
	// Rcode is the response code of the last answer, "" when none came.
	Rcode string `json:"rcode,omitempty"`
	// Error is the kind of failure (a [dns.Kind]: "nxdomain", "timeout",
	// "cname-loop"...), "" on success; Detail is the full message.
	Error  string `json:"error,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Resolver is the resolver that answered (HOST:PORT).
	Resolver string `json:"resolver,omitempty"`
	// Time is when the answer came (UTC); MS is how long the resolution
	// took, in milliseconds.
	Time time.Time `json:"time"`
	MS   float64   `json:"ms"`
}

// First returns the first address of the record: the first A record,
// else the first AAAA record.
func (r Record) First() (netip.Addr, bool) {
	if len(r.A) > 0 {
		return r.A[0], true
	}
	if len(r.AAAA) > 0 {
		return r.AAAA[0], true
	}
	return netip.Addr{}, false
}

// Names returns the name (ASCII) followed by its CNAME chain.
func (r Record) Names() []string {
	return append([]string{r.ASCII}, r.Chain...)
}

// FromResult builds the record of one resolution.
func FromResult(in Input, res dns.Result, err error, at time.Time) Record {
	rec := Record{
		Name:     in.Name,
		ASCII:    in.ASCII,
		Rank:     in.Rank,
		Chain:    []string{},
		A:        nonNil(res.A),
		AAAA:     nonNil(res.AAAA),
		Rcode:    res.Rcode,
		Resolver: res.Server,
		Time:     at.UTC(),
		MS:       float64(res.Elapsed.Microseconds()) / 1000,
	}
	for _, h := range res.Chain {
		rec.Chain = append(rec.Chain, h.Target)
	}
	if err != nil {
		rec.Error = string(dns.KindOf(err))
		if rec.Error == "" {
			rec.Error = "error"
		}
		rec.Detail = err.Error()
	}
	return rec
}

func nonNil(a []netip.Addr) []netip.Addr {
	if a == nil {
		return []netip.Addr{}
	}
	return a
}
