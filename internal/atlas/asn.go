package atlas

import (
	"fmt"
	"time"
)

// ASHolders returns the holds_asn facts in force at t for the
// autonomous system asn: the organisations that hold its registration,
// with claim groups resolved as [Atlas.At] does. It is nil when the atlas
// has no holder for asn at t.
func (a *Atlas) ASHolders(asn uint32, t time.Time) []Fact {
	return a.IncomingAt(ASID(asn), "holds_asn", t)
}

// WhoisASN answers for the autonomous system asn at asOf as
// [Atlas.WhoisPlace] answers for a region: its holders are the answer's
// operators (Of is "as/<asn>"), followed by their owners, their people and
// officers, and the jurisdictions and laws that reach them. It fails with
// [ErrNotFound] when the atlas records no holder of asn at asOf.
func (a *Atlas) WhoisASN(asn uint32, asOf time.Time) (*Answer, error) {
	id := ASID(asn)
	e := a.byID[id]
	if e == nil || len(a.ASHolders(asn, asOf)) == 0 {
		return nil, fmt.Errorf("atlas: AS%d: no holder recorded on %s: %w", asn, DateOf(asOf), ErrNotFound)
	}
	return a.whois(fmt.Sprintf("AS%d", asn), e, asOf, nil)
}
