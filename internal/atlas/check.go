package atlas

import (
	"fmt"
	"slices"
	"strings"
)

// Check validates the atlas and returns every problem found, sorted by
// file and line: schema problems found by [Load], then the rules of
// docs/atlas-data.md (references, sources, dates, shares, predicates,
// single-valued predicates, claim groups, region codes, series). An
// empty result means the atlas is valid.
func Check(a *Atlas) Problems {
	c := &checker{a: a}
	c.list = append(c.list, a.loadProblems...)
	c.entities()
	c.statements()
	c.singleValued()
	c.claims()
	c.series()
	c.readings()
	c.gaps()
	c.licences()
	sortProblems(c.list)
	return c.list
}

// checker accumulates problems over one atlas.
type checker struct {
	a *Atlas
	problems
}

// at records a problem on field f of a record written at pos.
func (c *checker) at(pos Pos, fl fieldLines, f, format string, args ...any) {
	c.add(pos, fl.line(f, pos), f, format, args...)
}

// ref checks that id names an entity, optionally of one of kinds.
func (c *checker) ref(pos Pos, fl fieldLines, f, id string, kinds ...string) {
	e := c.a.byID[id]
	switch {
	case id == "":
		c.at(pos, fl, f, "missing")
	case e == nil:
		c.at(pos, fl, f, "unknown entity %q", id)
	case len(kinds) > 0 && !slices.Contains(kinds, e.Kind):
		c.at(pos, fl, f, "%s is a %s, want %s", id, e.Kind, strings.Join(kinds, " or "))
	}
}

var reachBases = []string{"incorporated_in", "located_in", "controlled_from"}

func (c *checker) entities() {
	seen := make(map[string]*Entity)
	regions := make(map[regionKey]*Entity)
	for _, e := range c.a.Entities {
		c.entity(e)
		if first, dup := seen[e.ID]; dup && e.ID != "" {
			c.at(e.Pos, e.fields, "id", "duplicate id, first at %s:%d", first.Pos.File, first.Pos.Line)
		} else {
			seen[e.ID] = e
		}
		if e.Kind != KindRegion || e.Code == "" {
			continue
		}
		k := regionKey{e.Provider, e.Code}
		if first, dup := regions[k]; dup {
			c.at(e.Pos, e.fields, "code", "region (%s, %s) already defined by %s", e.Provider, e.Code, first.ID)
		} else {
			regions[k] = e
		}
	}
}

func (c *checker) entity(e *Entity) {
	c.required(e.Pos, e.fields, map[string]string{"id": e.ID, "kind": e.Kind, "name": e.Name})
	prefix, ok := kindPrefix[e.Kind]
	switch {
	case e.Kind == "":
	case !ok:
		c.at(e.Pos, e.fields, "kind", "unknown kind %q", e.Kind)
	case e.ID != "" && (!strings.HasPrefix(e.ID, prefix) || len(e.ID) == len(prefix)):
		c.at(e.Pos, e.fields, "id", "%s ids must start with %q", e.Kind, prefix)
	}
	switch e.Kind {
	case KindRegion:
		c.region(e)
	case KindLaw:
		c.law(e)
	case KindJurisdiction:
		c.required(e.Pos, e.fields, map[string]string{"country": e.Country})
	case KindAS:
		c.asNumber(e)
	}
	c.kindFields(e)
	c.entityExtras(e)
}

// kindFields reports fields that only another kind may carry.
func (c *checker) kindFields(e *Entity) {
	for _, f := range []string{"provider", "partition", "code"} {
		if _, set := e.fields[f]; set && e.Kind != KindRegion {
			c.at(e.Pos, e.fields, f, "only regions have %s", f)
		}
	}
	for _, f := range []string{"jurisdiction", "reach", "in_force_from", "in_force_to"} {
		if _, set := e.fields[f]; set && e.Kind != KindLaw {
			c.at(e.Pos, e.fields, f, "only laws have %s", f)
		}
	}
}

func (c *checker) region(e *Entity) {
	c.required(e.Pos, e.fields, map[string]string{"provider": e.Provider, "partition": e.Partition, "code": e.Code})
	if e.Provider == "" || e.Code == "" {
		return
	}
	if want := "region/" + e.Provider + "/" + e.Code; e.ID != want {
		c.at(e.Pos, e.fields, "id", "a region of provider %s with code %s must have id %q", e.Provider, e.Code, want)
	}
}

func (c *checker) law(e *Entity) {
	c.ref(e.Pos, e.fields, "jurisdiction", e.Jurisdiction, KindJurisdiction)
	// An empty list is allowed: a market-access rule (licensing, equity
	// caps) shapes who may operate but gives no government access.
	if _, set := e.fields["reach"]; !set {
		c.at(e.Pos, e.fields, "reach", "missing (write reach: [] for a law that grants no access)")
	}
	for _, b := range e.Reach {
		if !slices.Contains(reachBases, b) {
			c.at(e.Pos, e.fields, "reach", "unknown basis %q (want %s)", b, strings.Join(reachBases, ", "))
		}
	}
	c.interval(e.Pos, e.fields, e.InForce, "in_force_from", "in_force_to")
}

// required reports each listed field whose value is empty.
func (c *checker) required(pos Pos, fl fieldLines, fields map[string]string) {
	c.requiredIn(pos, fl, "", fields)
}

// requiredIn is required for a record nested under prefix.
func (c *checker) requiredIn(pos Pos, fl fieldLines, prefix string, fields map[string]string) {
	names := make([]string, 0, len(fields))
	for f, v := range fields {
		if v == "" {
			names = append(names, f)
		}
	}
	slices.Sort(names)
	for _, f := range names {
		c.add(pos, fl.line(f, pos), prefix+f, "missing")
	}
}

// interval reports a from bound after its to bound.
func (c *checker) interval(pos Pos, fl fieldLines, iv Interval, from, to string) {
	if !iv.From.IsZero() && !iv.To.IsZero() && iv.From.Start().After(iv.To.Start()) {
		c.at(pos, fl, from, "%s %s is after %s %s", from, iv.From, to, iv.To)
	}
}

func (c *checker) readings() {
	for _, r := range c.a.Readings {
		c.required(r.Pos, r.fields, map[string]string{"url": r.URL, "title": r.Title,
			"publisher": r.Publisher, "published": r.Published.String()})
		for i, id := range r.Entities {
			c.ref(r.Pos, r.fields, fmt.Sprintf("entities[%d]", i), id)
		}
	}
}

// CheckRegionCodes reports every region code that the range feeds use
// (used maps a provider key to its codes) and that no region entity
// defines. Problems are filed under "ranges/<provider>" with line 0.
func CheckRegionCodes(a *Atlas, used map[string][]string) Problems {
	var ps problems
	for provider, codes := range used {
		for _, code := range codes {
			if code == "" || a.Region(provider, code) != nil {
				continue
			}
			ps.add(Pos{File: "ranges/" + provider}, 0, "region",
				"no region entity for code %q of provider %s (want id region/%s/%s)", code, provider, provider, code)
		}
	}
	sortProblems(ps.list)
	return ps.list
}
