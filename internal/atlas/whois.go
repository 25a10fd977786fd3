package atlas

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Place is where a range feed puts an address: provider key, partition
// key and region code, any of which may be empty.
type Place struct {
	Provider  string `json:"provider"`
	Partition string `json:"partition"`
	Region    string `json:"region"`
}

// Whois answers for target at asOf: target is an entity id, a name,
// Chinese name, alias or region code, or a fragment of one, that names
// one entity (see [Atlas.Find]; among several matches the kinds whois
// answers for are preferred, and a provider over its own companies).
// The entity must be a region, partition, provider, data center,
// organisation or autonomous system. A miss is [ErrNotFound]; several matches an
// [*AmbiguousError].
func (a *Atlas) Whois(target string, asOf time.Time) (*Answer, error) {
	e, err := a.resolve(target, whoisKinds, true)
	if err != nil {
		return nil, err
	}
	return a.whois(target, e, asOf, nil)
}

// WhoisRegion answers for the region a feed names by provider key and
// region code. Without a region entity for them it falls back to the
// provider (see [Atlas.WhoisPlace]).
func (a *Atlas) WhoisRegion(provider, code string, asOf time.Time) (*Answer, error) {
	return a.WhoisPlace(Place{Provider: provider, Region: code}, asOf)
}

// WhoisPlace answers for a range match: the region entity of (provider,
// region) if there is one, else partition/<partition>, else
// provider/<provider>; the answer's notes say when it fell back.
func (a *Atlas) WhoisPlace(p Place, asOf time.Time) (*Answer, error) {
	query := p.Provider + " " + p.Region
	if p.Region == "" {
		query = p.Provider + " " + p.Partition
	}
	if e := a.Region(p.Provider, p.Region); e != nil && p.Region != "" {
		return a.whois(query, e, asOf, nil)
	}
	var notes []string
	if p.Region != "" {
		notes = append(notes, fmt.Sprintf("no region entity for %s region %q; showing its partition or provider", p.Provider, p.Region))
	}
	for _, id := range []string{"partition/" + p.Partition, "provider/" + p.Provider} {
		if e := a.byID[id]; e != nil {
			return a.whois(query, e, asOf, notes)
		}
	}
	return nil, fmt.Errorf("atlas: provider %q, partition %q, region %q: %w", p.Provider, p.Partition, p.Region, ErrNotFound)
}

// whoisKinds are the kinds whois can answer for.
var whoisKinds = []string{KindRegion, KindPartition, KindProvider, KindDatacenter, KindOrganisation, KindAS}

// HasWhois reports whether entities of kind have a whois answer (an
// operator or owners, people and reach); others only have their facts.
func HasWhois(kind string) bool { return slices.Contains(whoisKinds, kind) }

// whois builds the answer about e.
func (a *Atlas) whois(query string, e *Entity, t time.Time, notes []string) (*Answer, error) {
	if !slices.Contains(whoisKinds, e.Kind) {
		return nil, fmt.Errorf("atlas: whois %s: a %s has no operator or owners (try the entity command)", e.ID, e.Kind)
	}
	ans := &Answer{Query: query, AsOf: DateOf(t).String(), Subject: e.ID, Notes: notes,
		Operators: []OperatorAnswer{}, Licensors: []LicenseAnswer{}, Ownership: []*Ownership{},
		People: []PersonAnswer{}, Gaps: []GapAnswer{}}
	c := newCite(a, ans)
	c.entity(e.ID)
	a.launch(ans, c, e, t)
	a.place(ans, e, t)
	if ans.Launch != nil && !ans.Launch.Launched {
		// The region did not exist yet: no operator, owner or law to show.
		for _, k := range []string{ans.Region, ans.Partition, ans.Provider} {
			c.entity(k)
		}
		ans.fillEmpty()
		return ans, nil
	}
	orgs := a.operatorsOf(ans, c, e, t)
	a.licensors(ans, c, orgs, t)
	a.owners(ans, c, orgs, t)
	a.gapsOf(ans, c, orgs, t)
	ans.Location = a.located(e.ID, nil, t)
	ans.Jurisdictions = a.Exposures(e.ID, t)
	ans.Reach = a.Reach(e.ID, t)
	for _, x := range append(slices.Clone(ans.Location), ans.Jurisdictions...) {
		c.entity(x.Jurisdiction)
		c.steps(x.Path)
	}
	for _, r := range ans.Reach {
		c.entity(r.Law)
		c.steps(r.Path)
	}
	ans.fillEmpty()
	return ans, nil
}

// fillEmpty replaces the answer's nil lists with empty ones, so that
// every JSON encoding of it has [] where a list is promised, never null.
func (ans *Answer) fillEmpty() {
	ans.Location = orEmpty(ans.Location)
	ans.Jurisdictions = orEmpty(ans.Jurisdictions)
	ans.Reach = orEmpty(ans.Reach)
	for _, o := range ans.Ownership {
		o.Owners = orEmpty(o.Owners)
	}
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// launch fills the launch date of a region and, before it, says that
// the region was not launched yet.
func (a *Atlas) launch(ans *Answer, c *cite, e *Entity, t time.Time) {
	if e.Kind != KindRegion || e.Launched.IsZero() {
		return
	}
	l := &LaunchAnswer{Date: e.Launched.String(), Launched: !t.Before(e.Launched.Start()), Sources: []int{}}
	for _, src := range e.Sources {
		l.Sources = append(l.Sources, c.source(src))
	}
	ans.Launch = l
	if !l.Launched {
		ans.Notes = append(ans.Notes, fmt.Sprintf("not yet launched (launches %s)", l.Date))
	}
}

// licensors fills the companies that license their technology to the
// operating organisations at t.
func (a *Atlas) licensors(ans *Answer, c *cite, orgs []string, t time.Time) {
	for _, org := range orgs {
		for _, f := range a.IncomingAt(org, "licenses_technology_to", t) {
			c.statement(f.Statement.ID)
			ans.Licensors = append(ans.Licensors, LicenseAnswer{Licensor: f.Statement.Subject, Licensee: org,
				Statement: f.Statement.ID, Disputed: f.Disputed})
		}
	}
}

// gapsOf fills the known gaps about the subject, the operating
// organisations and all their owners whose period covers t.
func (a *Atlas) gapsOf(ans *Answer, c *cite, orgs []string, t time.Time) {
	ids := append([]string{ans.Subject}, orgs...)
	for _, own := range ans.Ownership {
		for _, o := range own.Owners {
			ids = append(ids, o.ID)
		}
	}
	for _, g := range a.Gaps {
		if !slices.Contains(ids, g.Subject) || !g.Period.Contains(t) {
			continue
		}
		c.entity(g.Subject)
		ans.Gaps = append(ans.Gaps, GapAnswer{Subject: g.Subject, Missing: g.Missing, Searched: g.Searched.String(),
			Where: g.Where, Note: g.Note, Text: g.Text()})
	}
}

// Text returns the gap as a sentence: "controlling shareholder not
// found in public sources as of 2026-12-01".
func (g *Gap) Text() string {
	return fmt.Sprintf("%s not found in public sources as of %s", strings.ReplaceAll(g.Missing, "_", " "), g.Searched)
}

// place fills the region, partition and provider of the answer.
func (a *Atlas) place(ans *Answer, e *Entity, t time.Time) {
	switch e.Kind {
	case KindRegion:
		ans.Region = e.ID
		if p := a.byID[a.partitionOf(e, t)]; p != nil {
			ans.Partition = p.ID
		}
		ans.Provider = a.ProviderOf(e, t)
	case KindPartition:
		ans.Partition = e.ID
		ans.Provider = a.ProviderOf(e, t)
	case KindProvider:
		ans.Provider = e.ID
	}
	if a.byID[ans.Provider] == nil {
		ans.Provider = ""
	}
}

// operatorsOf fills the operators and returns the organisations whose
// owners and people the answer shows: the operators, or e itself when it
// is an organisation.
func (a *Atlas) operatorsOf(ans *Answer, c *cite, e *Entity, t time.Time) []string {
	for _, k := range []string{ans.Region, ans.Partition, ans.Provider} {
		c.entity(k)
	}
	if e.Kind == KindOrganisation {
		return []string{e.ID}
	}
	var orgs []string
	for _, f := range a.Operators(e.ID, t) {
		op := OperatorAnswer{Operator: operatorOf(f), Of: f.Statement.Object, Statement: f.Statement.ID,
			Disputed: f.Disputed, Competitors: c.competitors(f)}
		if f.Statement.Predicate == "brand_of" {
			op.Of = f.Statement.Subject
		}
		c.statement(f.Statement.ID)
		ans.Operators = append(ans.Operators, op)
		if !slices.Contains(orgs, op.Operator) {
			orgs = append(orgs, op.Operator)
		}
	}
	if len(ans.Operators) > 0 && ans.Operators[0].Of != e.ID {
		ans.Notes = append(ans.Notes, fmt.Sprintf("no operator recorded on %s at %s; using %s", e.ID, ans.AsOf, ans.Operators[0].Of))
	}
	return orgs
}

// competitors registers and returns the statement ids competing with f.
func (c *cite) competitors(f Fact) []string {
	var ids []string
	for _, s := range f.Competitors {
		c.statement(s.ID)
		ids = append(ids, s.ID)
	}
	return ids
}

// owners fills the ownership walks of orgs and the officers of orgs and
// of all their owners.
func (a *Atlas) owners(ans *Answer, c *cite, orgs []string, t time.Time) {
	people := slices.Clone(orgs)
	for _, org := range orgs {
		own := a.Owners(org, t)
		ans.Ownership = append(ans.Ownership, own)
		for _, o := range own.Owners {
			c.entity(o.ID)
			for _, p := range o.Paths {
				c.steps(p.Steps)
			}
			if !slices.Contains(people, o.ID) {
				people = append(people, o.ID)
			}
		}
	}
	for _, org := range people {
		for _, f := range a.IncomingAt(org, "officer", t) {
			s := f.Statement
			c.statement(s.ID)
			p := PersonAnswer{Person: s.Subject, Role: s.Role, Org: org,
				Statement: s.ID, Disputed: f.Disputed, Competitors: c.competitors(f)}
			if s.Unconfirmed(t) {
				p.Unconfirmed, p.LastEvidence = true, s.LastEvidence().String()
			}
			ans.People = append(ans.People, p)
		}
	}
}

// PlaceOperators returns the ids of the organisations that operate a
// range's place at t, with the fallback of [Atlas.WhoisPlace]: the
// region's operators, else its partition's, else its provider's. It does
// none of the rest of a whois answer, so it suits enriching many ranges.
func (a *Atlas) PlaceOperators(p Place, t time.Time) []string {
	ids := []string{"partition/" + p.Partition, "provider/" + p.Provider}
	if e := a.Region(p.Provider, p.Region); e != nil && p.Region != "" {
		ids = append([]string{e.ID}, ids...)
	}
	for _, id := range ids {
		if a.byID[id] == nil {
			continue
		}
		var out []string
		for _, f := range a.Operators(id, t) {
			if op := operatorOf(f); !slices.Contains(out, op) {
				out = append(out, op)
			}
		}
		return out
	}
	return nil
}
