package atlas

import "time"

// Filter selects statements. Empty fields match anything.
type Filter struct {
	Subject, Predicate, Object string
}

// Match reports whether s passes the filter.
func (f Filter) Match(s *Statement) bool {
	return (f.Subject == "" || f.Subject == s.Subject) &&
		(f.Predicate == "" || f.Predicate == s.Predicate) &&
		(f.Object == "" || f.Object == s.Object)
}

// Fact is a statement that holds at an instant, with the competing
// claims of its claim group that hold then too.
type Fact struct {
	Statement *Statement `json:"statement"`
	// Disputed is set when the statement is not the preferred member of
	// its claim group and the preferred member does not settle the
	// question at that instant (it does not hold then, or it falls
	// outside the filter).
	Disputed bool `json:"disputed,omitempty"`
	// Competitors are the other members of the claim group that hold at
	// the same instant.
	Competitors []*Statement `json:"competitors,omitempty"`
}

// At returns the statements that pass f and hold at t, in file order,
// resolving claim groups: when the preferred member of a group passes f
// and holds at t, the other members that hold are listed as its
// competitors instead of as facts of their own; otherwise the first
// member (in file order) that passes f and holds is a disputed fact with
// the others as its competitors. A claim group thus yields at most one
// fact, so rival claims are never added up (two owns claims about the
// same stake are one stake).
func (a *Atlas) At(f Filter, t time.Time) []Fact {
	var out []Fact
	for _, s := range a.candidates(f) {
		if !f.Match(s) || !s.Valid.Contains(t) {
			continue
		}
		if fact, ok := resolve(s, f, t, a.byClaim[s.Claim]); ok {
			out = append(out, fact)
		}
	}
	return out
}

// StatementsAt returns the facts about subject with predicate at t.
func (a *Atlas) StatementsAt(subject, predicate string, t time.Time) []Fact {
	return a.At(Filter{Subject: subject, Predicate: predicate}, t)
}

// IncomingAt returns the facts with predicate whose object is object at t.
func (a *Atlas) IncomingAt(object, predicate string, t time.Time) []Fact {
	return a.At(Filter{Predicate: predicate, Object: object}, t)
}

// candidates returns the smallest indexed list that can hold every
// statement passing f.
func (a *Atlas) candidates(f Filter) []*Statement {
	switch {
	case f.Subject != "" && f.Object != "":
		if len(a.bySubject[f.Subject]) <= len(a.byObject[f.Object]) {
			return a.bySubject[f.Subject]
		}
		return a.byObject[f.Object]
	case f.Subject != "":
		return a.bySubject[f.Subject]
	case f.Object != "":
		return a.byObject[f.Object]
	}
	return a.Statements
}

// resolve turns s, which passes f and holds at t, into a fact, given the
// members of its claim group. ok is false when s is a competitor of the
// preferred member, which is reported instead.
func resolve(s *Statement, f Filter, t time.Time, group []*Statement) (Fact, bool) {
	if s.Claim == "" {
		return Fact{Statement: s}, true
	}
	var preferred *Statement
	var others []*Statement
	for _, m := range group {
		if m.Preferred && preferred == nil {
			preferred = m
		}
		if m != s && m.Valid.Contains(t) {
			others = append(others, m)
		}
	}
	if s == preferred {
		return Fact{Statement: s, Competitors: others}, true
	}
	if preferred != nil && preferred.Valid.Contains(t) && f.Match(preferred) {
		return Fact{}, false
	}
	for _, m := range group {
		if m != s && f.Match(m) && m.Valid.Contains(t) {
			return Fact{}, false // an earlier member speaks for the group
		}
		if m == s {
			break
		}
	}
	return Fact{Statement: s, Disputed: true, Competitors: others}, true
}
