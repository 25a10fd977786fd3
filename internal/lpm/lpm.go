// Package lpm answers "which ranges contain this address?" over every
// loaded feed at once.
//
// A [Table] holds one bart routing table keyed by distinct prefix. For each
// stored prefix it precomputes the chain of all matches that an address in
// it has: the prefix's own records, then those of the next shorter stored
// prefix that contains it, and so on. A lookup is therefore one
// longest-prefix match plus a slice of a shared array: all matches, most
// specific first, with no allocation.
//
// Within one prefix length, matches are ordered by tier (official before
// ASN-derived before classification before derived), then by feed
// precedence (the order of ranges.Feeds), then by record order.
package lpm

import (
	"cmp"
	"net/netip"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// Source is the provenance of a set of records: one snapshot of one feed.
type Source struct {
	Feed         string
	Tier         ranges.Tier
	Order        int // feed precedence; lower is reported first
	SnapshotID   int64
	UpstreamID   string
	UpstreamDate time.Time
	Fetched      time.Time
}

// Set is the records of one snapshot with their source.
type Set struct {
	Source  *Source
	Records []ranges.Record
	// Prefixes, when set, holds the prefix of each record, and [Build]
	// reads prefixes from it instead of from Records: the caller may then
	// fill in Records while the table is built, as long as it is done
	// before the first lookup.
	Prefixes []netip.Prefix
}

// Match is one range that contains the queried address.
type Match struct {
	Record *ranges.Record
	Source *Source
	// ID numbers the record within its table, densely from 0, so that
	// callers can keep per-record data in a slice instead of a map. It
	// is [NoID] for matches that no table numbered ([Scan], routing).
	ID uint32
}

// NoID is the ID of a match that no table numbered: per-record data must
// not be kept for it.
const NoID = ^uint32(0)

// compare orders matches: longer prefix first, then better tier, then feed
// precedence. Records of one set keep their order (sorts using it are
// stable).
func compare(a, b Match) int {
	return cmp.Or(
		cmp.Compare(b.Record.Prefix.Bits(), a.Record.Prefix.Bits()),
		cmp.Compare(a.Source.Tier, b.Source.Tier),
		cmp.Compare(a.Source.Order, b.Source.Order),
	)
}

// Normalize returns a with IPv4-mapped IPv6 addresses unmapped and any
// zone removed, the form every lookup expects.
func Normalize(a netip.Addr) netip.Addr {
	return a.Unmap().WithZone("")
}
