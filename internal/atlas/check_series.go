package atlas

import (
	"fmt"
	"regexp"
	"slices"
)

var (
	periodRE = regexp.MustCompile(`^\d{4}(-Q[1-4])?$`)
	markets  = []string{"global", "china"}
	measures = []string{MeasureShare, "revenue_usd_bn", "revenue_cny_bn", MeasureMarketSize}
)

// series checks each market series: required fields, known market and
// measure, one firm per series id, well-formed periods, known entities
// and no duplicate (period, entity, vintage).
func (c *checker) series() {
	firms := make(map[string]*Series)
	for _, s := range c.a.Series {
		c.required(s.Pos, s.fields, map[string]string{"id": s.ID, "firm": s.Firm,
			"market": s.Market, "measure": s.Measure, "definition": s.Definition})
		c.enum(s.Pos, s.fields, "market", s.Market, markets)
		c.enum(s.Pos, s.fields, "measure", s.Measure, measures)
		if first, dup := firms[s.ID]; dup && s.ID != "" {
			c.at(s.Pos, s.fields, "id", "series %q already defined at %s:%d (one firm per series)", s.ID, first.Pos.File, first.Pos.Line)
		} else {
			firms[s.ID] = s
		}
		c.points(s)
		c.covers(s)
	}
}

func (c *checker) enum(pos Pos, fl fieldLines, f, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		c.at(pos, fl, f, "unknown %s %q (want one of %v)", f, v, allowed)
	}
}

func (c *checker) points(s *Series) {
	type key struct{ period, entity, vintage string }
	seen := make(map[key]Point)
	var first *Point // the first well-formed period, which sets the granularity
	for i, p := range s.Points {
		prefix := fmt.Sprintf("points[%d].", i)
		required := map[string]string{"period": p.Period, "vintage": p.Vintage.String()}
		if s.Measure == MeasureMarketSize {
			if p.Entity != "" {
				c.add(p.Pos, p.fields.line("entity", p.Pos), prefix+"entity", "a market-size point is about the whole market and names no entity")
			}
		} else {
			required["entity"] = p.Entity
		}
		c.requiredIn(p.Pos, p.fields, prefix, required)
		if _, set := p.fields["value"]; !set {
			c.add(p.Pos, p.Pos.Line, prefix+"value", "missing")
		}
		if p.Period != "" && !periodRE.MatchString(p.Period) {
			c.add(p.Pos, p.fields.line("period", p.Pos), prefix+"period", "bad period %q (want YYYY-Qn or YYYY)", p.Period)
		} else if p.Period != "" && first == nil {
			first = &s.Points[i]
		} else if p.Period != "" && quarterly(p.Period) != quarterly(first.Period) {
			c.add(p.Pos, p.fields.line("period", p.Pos), prefix+"period",
				"%s period %q in a series of %s (first at line %d): a chart would join them; give %s figures a series of their own",
				granularity(p.Period), p.Period, plural(first.Period), first.Pos.Line, granularity(p.Period))
		}
		if p.Entity != "" && c.a.byID[p.Entity] == nil {
			c.add(p.Pos, p.fields.line("entity", p.Pos), prefix+"entity", "unknown entity %q", p.Entity)
		}
		if _, set := p.fields["source"]; !set {
			c.add(p.Pos, p.Pos.Line, prefix+"source", "missing")
		} else {
			c.source(p.Source, prefix+"source.")
		}
		k := key{p.Period, p.Entity, p.Vintage.String()}
		if first, dup := seen[k]; dup {
			c.add(p.Pos, p.Pos.Line, prefix+"period", "duplicate point (%s, %s, vintage %s), first at line %d",
				p.Period, p.Entity, p.Vintage, first.Pos.Line)
		} else {
			seen[k] = p
		}
	}
}

func quarterly(period string) bool { return len(period) > 4 }

func granularity(period string) string {
	if quarterly(period) {
		return "quarterly"
	}
	return "yearly"
}

func plural(period string) string {
	if quarterly(period) {
		return "quarters"
	}
	return "years"
}
