package atlas

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PredicateRegisteredIn is the step of a path that the routing data
// supplies, not a statement of the atlas: an autonomous system announces
// a range that the registries place in a country.
const PredicateRegisteredIn = "announces_range_registered_in"

// WhoisRoute answers for an address that the atlas knows only through the
// routing tier: the autonomous system asn announces its range, holder is
// the AS holder's name in the routing data, and country (ISO 3166-1
// alpha-2, possibly "") is where the registries place the range.
//
// When the atlas records a holder of the AS, the answer is that of
// [Atlas.WhoisASN] (the holders as operators, their owners, people,
// homes and controllers). In any case the range's country joins the
// location, as a located_in exposure whose first step comes from the
// routing data (predicate [PredicateRegisteredIn], no statement), and the
// laws of that jurisdiction (and of the unions it belongs to) that reach
// what is located there join the reach. With no holder in the atlas, a
// note names the holder as the routing data gives it.
func (a *Atlas) WhoisRoute(asn uint32, holder, country string, asOf time.Time) (*Answer, error) {
	if asn == 0 {
		return nil, fmt.Errorf("atlas: no AS number: %w", ErrNotFound)
	}
	id := ASID(asn)
	ans, err := a.WhoisASN(asn, asOf)
	if err != nil {
		ans = &Answer{Query: fmt.Sprintf("AS%d", asn), AsOf: DateOf(asOf).String(), Subject: id,
			Operators: []OperatorAnswer{}, Ownership: []*Ownership{}, People: []PersonAnswer{}}
		newCite(a, ans)
		ans.Entities[id] = EntityRef{Kind: KindAS, Name: cmpOr(holder, id)}
		ans.Notes = append(ans.Notes, fmt.Sprintf("AS%d is held by %s according to the routing data; the atlas records no holder of it (no owners, people or home jurisdictions to follow)",
			asn, cmpOr(holder, "an unnamed holder")))
	} else if e := ans.Entities[id]; e.Name == "" || e.Name == id {
		ans.Entities[id] = EntityRef{Kind: KindAS, Name: holder}
	}
	a.addRangeCountry(ans, id, country, asOf)
	ans.fillEmpty()
	return ans, nil
}

// addRangeCountry adds the routed range's registered country to the
// location, jurisdictions and reach of ans.
func (a *Atlas) addRangeCountry(ans *Answer, id, country string, t time.Time) {
	if len(country) != 2 {
		ans.Notes = append(ans.Notes, "the routing data gives no country for this range")
		return
	}
	jid := "jurisdiction/" + strings.ToLower(country)
	if a.byID[jid] == nil {
		ans.Notes = append(ans.Notes, fmt.Sprintf("the range is registered in %s, a country the atlas has no jurisdiction for", country))
		return
	}
	loc := a.unions([]Exposure{{Jurisdiction: jid, Basis: BasisLocatedIn,
		Path: []Step{{From: id, Predicate: PredicateRegisteredIn, To: jid}}}}, t)
	c := &cite{a: a, ans: ans, byURL: map[string]int{}}
	for _, s := range ans.Sources {
		c.byURL[s.URL] = s.N
	}
	for _, x := range loc {
		c.entity(x.Jurisdiction)
		c.steps(x.Path)
	}
	ans.Location = dedupeExposures(append(loc, ans.Location...))
	ans.Jurisdictions = dedupeExposures(append(slices.Clone(loc), ans.Jurisdictions...))
	for _, r := range a.reachOf(loc, t) {
		c.entity(r.Law)
		c.steps(r.Path)
		if !slices.ContainsFunc(ans.Reach, func(o Reach) bool { return o.Law == r.Law && o.Basis == r.Basis }) {
			ans.Reach = append(ans.Reach, r)
		}
	}
	slices.SortStableFunc(ans.Reach, func(x, y Reach) int { return strings.Compare(x.Law, y.Law) })
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// JurisdictionCode returns the short code of a jurisdiction: its ISO
// 3166-1 alpha-2 country code, else its id's slug in upper case ("EU").
func (a *Atlas) JurisdictionCode(id string) string {
	if e := a.byID[id]; e != nil && e.Country != "" {
		return e.Country
	}
	return strings.ToUpper(slug(id))
}
