package atlas

import (
	"fmt"
	"slices"
	"strings"
)

// GapKinds are the things a gap may say are missing. Whois renders a
// kind with spaces for underscores: "controlling shareholder not found
// in public sources as of 2026-12-01".
var GapKinds = []string{
	"owners", "shareholders", "controlling_shareholder", "actual_controller", "parent",
	"officers", "chair", "chief_executive", "legal_representative",
	"operator", "incorporation", "launch_date",
}

// entityExtras checks the fields that only some kinds carry and the
// entity's own sources.
func (c *checker) entityExtras(e *Entity) {
	if _, set := e.fields["launched"]; set && e.Kind != KindRegion {
		c.at(e.Pos, e.fields, "launched", "only regions have launched")
	} else if !e.Launched.IsZero() && len(e.Sources) == 0 {
		c.at(e.Pos, e.fields, "launched", "a launch date needs sources (add sources to the region)")
	}
	if _, set := e.fields["state"]; set && e.Kind != KindOrganisation {
		c.at(e.Pos, e.fields, "state", "only organisations can be state bodies")
	}
	for i, src := range e.Sources {
		c.source(src, fmt.Sprintf("sources[%d].", i))
	}
}

// confirmed checks that every confirmed date lies within the written
// bounds of its statement.
func (c *checker) confirmed(s *Statement) {
	for i, d := range s.Confirmed {
		f := fmt.Sprintf("confirmed[%d]", i)
		if len(s.Confirmed) == 1 {
			f = "confirmed"
		}
		switch {
		case !s.Bounds.From.IsZero() && d.End().Compare(s.Bounds.From.Start()) <= 0:
			c.at(s.Pos, s.fields, f, "confirmed %s is before from %s", d, s.Bounds.From)
		case !s.Bounds.To.IsZero() && !d.Start().Before(s.Bounds.To.End()):
			c.at(s.Pos, s.fields, f, "confirmed %s is after to %s", d, s.Bounds.To)
		}
	}
}

// gaps checks each known gap: a known subject, a known kind, the date
// of the search, and sane bounds.
func (c *checker) gaps() {
	for _, g := range c.a.Gaps {
		c.required(g.Pos, g.fields, map[string]string{"subject": g.Subject, "missing": g.Missing,
			"searched": g.Searched.String()})
		if g.Subject != "" {
			c.ref(g.Pos, g.fields, "subject", g.Subject)
		}
		if g.Missing != "" && !slices.Contains(GapKinds, g.Missing) {
			c.at(g.Pos, g.fields, "missing", "unknown gap %q (want one of %s)", g.Missing, strings.Join(GapKinds, ", "))
		}
		c.interval(g.Pos, g.fields, g.Period, "from", "to")
	}
}

// covers checks a series' covers list: providers only, and every point
// of the series about a provider it covers.
func (c *checker) covers(s *Series) {
	for i, id := range s.Covers {
		c.ref(s.Pos, s.fields, fmt.Sprintf("covers[%d]", i), id, KindProvider)
	}
	if len(s.Covers) == 0 {
		return
	}
	for i, p := range s.Points {
		if p.Entity != "" && !slices.Contains(s.Covers, p.Entity) {
			c.add(p.Pos, p.fields.line("entity", p.Pos), fmt.Sprintf("points[%d].entity", i),
				"%s is not in the series' covers list", p.Entity)
		}
	}
}

// licences checks licenses_technology_to statements: the licensee must
// operate a region, partition or data center at some time during the
// licence, and no one licenses to itself.
func (c *checker) licences() {
	for _, s := range c.a.Statements {
		if s.Predicate != "licenses_technology_to" || c.a.byID[s.Object] == nil {
			continue
		}
		if s.Subject == s.Object {
			c.at(s.Pos, s.fields, "object", "%s cannot license technology to itself", s.Subject)
			continue
		}
		operates := false
		for _, op := range c.a.bySubject[s.Object] {
			if op.Predicate == "operates" && op.Valid.Overlaps(s.Valid) {
				operates = true
				break
			}
		}
		if !operates {
			c.at(s.Pos, s.fields, "object", "the licensee %s operates nothing during the licence (%s); "+
				"licenses_technology_to links a technology owner to the operator that runs it", s.Object, spanText(s.Valid))
		}
	}
}
