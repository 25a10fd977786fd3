package atlas

import (
	"slices"
	"time"
)

// StaleYears is how old the newest evidence of a stake or an office may
// be, before the date asked, for the atlas to still present it as
// current: older than that, whois marks it unconfirmed and check warns.
const StaleYears = 3

// stakePredicates are the statements that [StaleStakes] and the report
// call stakes.
var stakePredicates = []string{"owns", "controls"}

// decaying are the predicates whose open-ended statements go stale: a
// stake or an office read from one filing says nothing about ten years
// later.
var decaying = []string{"owns", "controls", "officer"}

// LastEvidence returns the newest date that shows s held: its from and
// to bounds, its confirmed dates and the publication dates of its
// sources. It is the zero Date when s has none.
func (s *Statement) LastEvidence() Date {
	var last Date
	later := func(d Date) {
		if !d.IsZero() && (last.IsZero() || d.End().After(last.End())) {
			last = d
		}
	}
	later(s.Bounds.From)
	later(s.Bounds.To)
	for _, d := range s.Confirmed {
		later(d)
	}
	for _, src := range s.Sources {
		later(src.Published)
	}
	return last
}

// Unconfirmed reports whether s, a stake or an office that holds at t,
// rests on evidence more than [StaleYears] older than t and has no to
// bound to vouch for it. Other predicates are never
// unconfirmed.
func (s *Statement) Unconfirmed(t time.Time) bool {
	if !slices.Contains(decaying, s.Predicate) {
		return false
	}
	if !s.Bounds.To.IsZero() {
		return false // the sources give its end, so they vouch for the time before
	}
	last := s.LastEvidence()
	return !last.IsZero() && !t.Before(last.End().AddDate(StaleYears, 0, 0))
}

// StaleStakes returns a problem for each stake (owns, controls) that
// holds at t but is unconfirmed then (see [Statement.Unconfirmed]):
// close it with to, or add a confirmed date from a newer source.
func StaleStakes(a *Atlas, t time.Time) Problems {
	var ps problems
	for _, p := range stakePredicates {
		for _, f := range a.At(Filter{Predicate: p}, t) {
			s := f.Statement
			if !s.Unconfirmed(t) {
				continue
			}
			ps.add(s.Pos, s.fields.line("subject", s.Pos), p,
				"%s %s %s: newest evidence %s is more than %d years before %s; close it with to or add a confirmed date",
				s.Subject, p, s.Object, s.LastEvidence(), StaleYears, DateOf(t))
		}
	}
	sortProblems(ps.list)
	return ps.list
}
