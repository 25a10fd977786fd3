package atlas

import "fmt"

// singleKey returns, for a single-valued statement, the key under which
// it must be the only true statement at any time, the field that varies
// and its value. ok is false for other statements.
func (a *Atlas) singleKey(s *Statement) (key, field, value string, ok bool) {
	switch s.Predicate {
	case "operates":
		if o := a.byID[s.Object]; o != nil && (o.Kind == KindRegion || o.Kind == KindPartition) {
			return "operates\x00" + s.Object, "subject", s.Subject, true
		}
	case "incorporated_in":
		return "incorporated_in\x00" + s.Subject, "object", s.Object, true
	case "located_in":
		kind := ""
		if o := a.byID[s.Object]; o != nil {
			kind = o.Kind
		}
		return "located_in\x00" + s.Subject + "\x00" + kind, "object", s.Object, true
	case "officer":
		return "officer\x00" + s.Object + "\x00" + s.Role, "subject", s.Subject, true
	}
	return "", "", "", false
}

// singleValued reports overlapping statements of a single-valued
// predicate that name different values and share no claim group.
func (c *checker) singleValued() {
	groups := make(map[string][]*Statement)
	for _, s := range c.a.Statements {
		if k, _, _, ok := c.a.singleKey(s); ok {
			groups[k] = append(groups[k], s)
		}
	}
	for _, ss := range groups {
		for j, s := range ss {
			for _, prev := range ss[:j] {
				if c.conflict(prev, s) {
					break
				}
			}
		}
	}
}

// conflict reports s if it contradicts the earlier statement prev, and
// says whether it did.
func (c *checker) conflict(prev, s *Statement) bool {
	_, field, v1, _ := c.a.singleKey(prev)
	_, _, v2, _ := c.a.singleKey(s)
	if v1 == v2 || !prev.Valid.Overlaps(s.Valid) || (s.Claim != "" && s.Claim == prev.Claim) {
		return false
	}
	c.at(s.Pos, s.fields, field, "%s is single-valued but %s:%d says %s over an overlapping period (%s); "+
		"make the periods disjoint or put both in one claim group",
		describeSingle(s), prev.Pos.File, prev.Pos.Line, v1, spanText(prev.Valid))
	return true
}

func describeSingle(s *Statement) string {
	switch s.Predicate {
	case "operates":
		return "the operator of " + s.Object
	case "officer":
		return fmt.Sprintf("the %s of %s", s.Role, s.Object)
	}
	return s.Predicate + " of " + s.Subject
}

func spanText(iv Interval) string {
	if iv.From.IsZero() && iv.To.IsZero() {
		return "always"
	}
	return iv.String()
}

// claims checks that every claim group has exactly one preferred
// statement and that it says why.
func (c *checker) claims() {
	for claim, ss := range c.a.byClaim {
		var preferred *Statement
		for _, s := range ss {
			if !s.Preferred {
				continue
			}
			if preferred != nil {
				c.at(s.Pos, s.fields, "preferred", "claim group %q already has a preferred statement at %s:%d",
					claim, preferred.Pos.File, preferred.Pos.Line)
				continue
			}
			preferred = s
			if s.Why == "" {
				c.at(s.Pos, s.fields, "why", "missing (the preferred statement of claim group %q says why)", claim)
			}
		}
		if preferred == nil {
			c.at(ss[0].Pos, ss[0].fields, "claim", "claim group %q has no preferred statement", claim)
		}
	}
}
