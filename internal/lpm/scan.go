package lpm

import (
	"net/netip"
	"slices"
)

// Scan returns every record of sets that contains a, in the same order as
// [Table.Lookup], by checking each record in turn. It is the reference
// model the table is tested against, and the fastest answer for a few
// addresses from a cold start, when building a table would cost more than
// the lookups it saves.
func Scan(sets []Set, a netip.Addr) []Match {
	var out []Match
	for _, s := range sets {
		for i := range s.Records {
			if s.Records[i].Prefix.Contains(a) {
				out = append(out, Match{Record: &s.Records[i], Source: s.Source, ID: NoID})
			}
		}
	}
	slices.SortStableFunc(out, compare)
	return out
}
