package atlas

import (
	"fmt"
	"slices"
	"strings"
)

// kinds lists entity kinds allowed at one end of a predicate.
type kinds []string

// ends is one allowed (subject kinds, object kinds) pair of a predicate.
type ends struct{ subject, object kinds }

var (
	org      = kinds{KindOrganisation}
	orgOrPer = kinds{KindOrganisation, KindPerson}
)

// predicates lists, for each predicate, the kinds it may link.
var predicates = map[string][]ends{
	"operates":               {{org, kinds{KindPartition, KindRegion, KindDatacenter}}},
	"owns":                   {{orgOrPer, org}},
	"controls":               {{kinds{KindOrganisation, KindPerson, KindJurisdiction}, org}},
	"subsidiary_of":          {{org, org}},
	"joint_venture":          {{org, org}},
	"officer":                {{kinds{KindPerson}, org}},
	"founded":                {{orgOrPer, org}},
	"located_in":             {{kinds{KindOrganisation, KindRegion, KindDatacenter, KindJurisdiction}, kinds{KindJurisdiction}}, {kinds{KindDatacenter}, kinds{KindRegion}}},
	"incorporated_in":        {{org, kinds{KindJurisdiction}}},
	"partner_of":             {{org, org}},
	"sold_assets_to":         {{org, org}},
	"licenses_technology_to": {{org, org}},
	"subject_to":             {{kinds{KindOrganisation, KindRegion}, kinds{KindLaw, KindEvent}}},
	"brand_of":               {{kinds{KindProvider}, org}},
	"partition_of":           {{kinds{KindPartition}, kinds{KindProvider}}},
	"region_of":              {{kinds{KindRegion}, kinds{KindPartition}}},
	"holds_asn":              {{org, kinds{KindAS}}},
}

func (c *checker) statements() {
	seen := make(map[string]*Statement)
	for _, s := range c.a.Statements {
		c.statement(s)
		if first, dup := seen[s.ID]; dup {
			c.at(s.Pos, s.fields, "subject", "same statement as %s:%d", first.Pos.File, first.Pos.Line)
		} else {
			seen[s.ID] = s
		}
	}
}

func (c *checker) statement(s *Statement) {
	c.required(s.Pos, s.fields, map[string]string{"subject": s.Subject, "predicate": s.Predicate,
		"object": s.Object, "recorded": s.Recorded.String()})
	c.interval(s.Pos, s.fields, s.Bounds, "from", "to")
	c.confirmed(s)
	c.predicate(s)
	c.shares(s)
	c.sources(s)
	if s.Claim == "" {
		if s.Preferred {
			c.at(s.Pos, s.fields, "preferred", "only a statement in a claim group can be preferred")
		}
		if s.Why != "" {
			c.at(s.Pos, s.fields, "why", "only the preferred statement of a claim group has a why")
		}
	}
}

// predicate checks that the predicate is known and links allowed kinds.
func (c *checker) predicate(s *Statement) {
	if s.Subject != "" && c.a.byID[s.Subject] == nil {
		c.at(s.Pos, s.fields, "subject", "unknown entity %q", s.Subject)
	}
	if s.Object != "" && c.a.byID[s.Object] == nil {
		c.at(s.Pos, s.fields, "object", "unknown entity %q", s.Object)
	}
	allowed, ok := predicates[s.Predicate]
	if !ok {
		if s.Predicate != "" {
			c.at(s.Pos, s.fields, "predicate", "unknown predicate %q", s.Predicate)
		}
		return
	}
	subj, obj := c.a.byID[s.Subject], c.a.byID[s.Object]
	if subj == nil || obj == nil {
		return
	}
	for _, e := range allowed {
		if slices.Contains(e.subject, subj.Kind) && slices.Contains(e.object, obj.Kind) {
			return
		}
	}
	c.at(s.Pos, s.fields, "predicate", "%s cannot link %s to %s (allowed: %s)",
		s.Predicate, subj.Kind, obj.Kind, describeEnds(allowed))
}

func describeEnds(es []ends) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = strings.Join(e.subject, "/") + " -> " + strings.Join(e.object, "/")
	}
	return strings.Join(parts, ", ")
}

// shares checks share fields: owns only, 0..100, min <= max, and role
// on officer statements.
func (c *checker) shares(s *Statement) {
	for _, f := range []struct {
		name string
		v    *float64
	}{{"share", s.Share}, {"share_min", s.ShareMin}, {"share_max", s.ShareMax}} {
		switch {
		case f.v == nil:
		case s.Predicate != "owns":
			c.at(s.Pos, s.fields, f.name, "only owns statements have a share")
		case *f.v < 0 || *f.v > 100:
			c.at(s.Pos, s.fields, f.name, "share %g is outside 0..100", *f.v)
		}
	}
	if s.Share != nil && (s.ShareMin != nil || s.ShareMax != nil) {
		c.at(s.Pos, s.fields, "share", "give either share or share_min/share_max, not both")
	}
	if s.ShareMin != nil && s.ShareMax != nil && *s.ShareMin > *s.ShareMax {
		c.at(s.Pos, s.fields, "share_min", "share_min %g is above share_max %g", *s.ShareMin, *s.ShareMax)
	}
	if s.Predicate == "officer" && s.Role == "" {
		c.at(s.Pos, s.fields, "role", "missing (officer statements need a role)")
	}
	if s.Role != "" && s.Predicate != "officer" {
		c.at(s.Pos, s.fields, "role", "only officer statements have a role")
	}
}

// sources checks that there is at least one source and each is complete.
func (c *checker) sources(s *Statement) {
	if len(s.Sources) == 0 {
		c.at(s.Pos, s.fields, "sources", "a statement needs at least one source")
	}
	for i, src := range s.Sources {
		c.source(src, fmt.Sprintf("sources[%d].", i))
	}
}

// source checks that a source has url, publisher and published.
func (c *checker) source(src Source, prefix string) {
	for _, f := range []struct{ name, v string }{
		{"url", src.URL}, {"publisher", src.Publisher}, {"published", src.Published.String()},
	} {
		if f.v == "" {
			c.add(src.Pos, src.Pos.Line, prefix+f.name, "missing")
		}
	}
	if src.URL != "" && !strings.HasPrefix(src.URL, "https://") && !strings.HasPrefix(src.URL, "http://") {
		c.add(src.Pos, src.fields.line("url", src.Pos), prefix+"url", "want an http(s) URL, got %q", src.URL)
	}
}
