package atlas

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// file decodes the top level of one document.
func (d *decoder) decodeFile(root *yaml.Node, a *Atlas) {
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return
	}
	d.object(root, "", map[string]handler{
		"entities": func(v *yaml.Node) {
			d.seq(v, "entities", func(_ int, n *yaml.Node) { a.Entities = append(a.Entities, d.entity(n)) })
		},
		"statements": func(v *yaml.Node) {
			d.seq(v, "statements", func(_ int, n *yaml.Node) { a.Statements = append(a.Statements, d.statement(n)) })
		},
		"series": func(v *yaml.Node) {
			d.seq(v, "series", func(_ int, n *yaml.Node) { a.Series = append(a.Series, d.series(n)) })
		},
		"readings": func(v *yaml.Node) {
			d.seq(v, "readings", func(_ int, n *yaml.Node) { a.Readings = append(a.Readings, d.reading(n)) })
		},
		"gaps": func(v *yaml.Node) {
			d.seq(v, "gaps", func(_ int, n *yaml.Node) { a.Gaps = append(a.Gaps, d.gap(n)) })
		},
	})
}

func (d *decoder) entity(n *yaml.Node) *Entity {
	e := &Entity{Pos: d.pos(n)}
	e.fields = d.object(n, "", map[string]handler{
		"id":            d.str("id", &e.ID),
		"kind":          d.str("kind", &e.Kind),
		"name":          d.str("name", &e.Name),
		"name_zh":       d.str("name_zh", &e.NameZH),
		"aliases":       d.strs("aliases", &e.Aliases),
		"ids":           d.strMap("ids", &e.IDs),
		"country":       d.str("country", &e.Country),
		"note":          d.str("note", &e.Note),
		"provider":      d.str("provider", &e.Provider),
		"partition":     d.str("partition", &e.Partition),
		"code":          d.str("code", &e.Code),
		"jurisdiction":  d.str("jurisdiction", &e.Jurisdiction),
		"reach":         d.strs("reach", &e.Reach),
		"in_force_from": d.date("in_force_from", &e.InForce.From),
		"in_force_to":   d.date("in_force_to", &e.InForce.To),
		"launched":      d.date("launched", &e.Launched),
		"state":         d.boolean("state", &e.State),
		"sources":       d.sources(&e.Sources),
	})
	return e
}

// sources decodes a list of sources.
func (d *decoder) sources(dst *[]Source) handler {
	return func(v *yaml.Node) {
		d.seq(v, "sources", func(i int, item *yaml.Node) {
			*dst = append(*dst, d.source(item, fmt.Sprintf("sources[%d].", i)))
		})
	}
}

func (d *decoder) statement(n *yaml.Node) *Statement {
	s := &Statement{Pos: d.pos(n)}
	s.fields = d.object(n, "", map[string]handler{
		"subject":   d.str("subject", &s.Subject),
		"predicate": d.str("predicate", &s.Predicate),
		"object":    d.str("object", &s.Object),
		"from":      d.date("from", &s.Bounds.From),
		"to":        d.date("to", &s.Bounds.To),
		"confirmed": d.dates("confirmed", &s.Confirmed),
		"share":     d.number("share", &s.Share),
		"share_min": d.number("share_min", &s.ShareMin),
		"share_max": d.number("share_max", &s.ShareMax),
		"role":      d.str("role", &s.Role),
		"amount":    d.str("amount", &s.Amount),
		"claim":     d.str("claim", &s.Claim),
		"preferred": d.boolean("preferred", &s.Preferred),
		"why":       d.str("why", &s.Why),
		"note":      d.str("note", &s.Note),
		"recorded":  d.date("recorded", &s.Recorded),
		"sources":   d.sources(&s.Sources),
	})
	s.Valid = s.Bounds
	if s.Valid.From.IsZero() {
		s.Valid.From = earliest(s.Confirmed)
	}
	s.ID = statementID(s)
	return s
}

// earliest returns the date that starts first, or the zero Date.
func earliest(ds []Date) Date {
	var first Date
	for _, d := range ds {
		if first.IsZero() || d.Start().Before(first.Start()) {
			first = d
		}
	}
	return first
}

func (d *decoder) gap(n *yaml.Node) *Gap {
	g := &Gap{Pos: d.pos(n)}
	g.fields = d.object(n, "", map[string]handler{
		"subject":  d.str("subject", &g.Subject),
		"missing":  d.str("missing", &g.Missing),
		"from":     d.date("from", &g.Period.From),
		"to":       d.date("to", &g.Period.To),
		"searched": d.date("searched", &g.Searched),
		"where":    d.strs("where", &g.Where),
		"note":     d.str("note", &g.Note),
	})
	return g
}

func (d *decoder) source(n *yaml.Node, prefix string) Source {
	src := Source{Pos: d.pos(n)}
	src.fields = d.object(n, prefix, map[string]handler{
		"url":       d.str(prefix+"url", &src.URL),
		"publisher": d.str(prefix+"publisher", &src.Publisher),
		"published": d.date(prefix+"published", &src.Published),
	})
	return src
}

func (d *decoder) series(n *yaml.Node) *Series {
	s := &Series{Pos: d.pos(n)}
	s.fields = d.object(n, "", map[string]handler{
		"id":         d.str("id", &s.ID),
		"firm":       d.str("firm", &s.Firm),
		"market":     d.str("market", &s.Market),
		"measure":    d.str("measure", &s.Measure),
		"definition": d.str("definition", &s.Definition),
		"covers":     d.strs("covers", &s.Covers),
		"points": func(v *yaml.Node) {
			d.seq(v, "points", func(i int, item *yaml.Node) {
				s.Points = append(s.Points, d.point(item, fmt.Sprintf("points[%d].", i)))
			})
		},
	})
	return s
}

func (d *decoder) point(n *yaml.Node, prefix string) Point {
	p := Point{Pos: d.pos(n)}
	var value *float64
	p.fields = d.object(n, prefix, map[string]handler{
		"period":  d.str(prefix+"period", &p.Period),
		"entity":  d.str(prefix+"entity", &p.Entity),
		"value":   d.number(prefix+"value", &value),
		"vintage": d.date(prefix+"vintage", &p.Vintage),
		"source":  func(v *yaml.Node) { p.Source = d.source(v, prefix+"source.") },
	})
	if value != nil {
		p.Value = *value
	}
	return p
}

func (d *decoder) reading(n *yaml.Node) *Reading {
	r := &Reading{Pos: d.pos(n)}
	r.fields = d.object(n, "", map[string]handler{
		"url":       d.str("url", &r.URL),
		"title":     d.str("title", &r.Title),
		"publisher": d.str("publisher", &r.Publisher),
		"published": d.date("published", &r.Published),
		"note":      d.str("note", &r.Note),
		"entities":  d.strs("entities", &r.Entities),
	})
	return r
}
