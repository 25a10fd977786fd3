package atlas

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// naiveAt is the reference for [Atlas.At]: a scan of every statement,
// with claim groups found by scanning again.
func naiveAt(a *Atlas, f Filter, t time.Time) []Fact {
	var out []Fact
	for _, s := range a.Statements {
		if !f.Match(s) || !s.Valid.Contains(t) {
			continue
		}
		var group []*Statement
		for _, m := range a.Statements {
			if s.Claim != "" && m.Claim == s.Claim {
				group = append(group, m)
			}
		}
		if fact, ok := resolve(s, f, t, group); ok {
			out = append(out, fact)
		}
	}
	return out
}

// naiveContains is the reference for Interval.Contains, on dates as
// strings: t's day must fall within the written bounds, compared at each
// bound's own precision.
func naiveContains(iv Interval, t time.Time) bool {
	day := t.UTC().Format(time.DateOnly)
	if from := iv.From.String(); from != "" && day[:len(from)] < from {
		return false
	}
	if to := iv.To.String(); to != "" && day[:len(to)] > to {
		return false
	}
	return true
}

// randomDate returns a date of random precision between 2000 and 2029.
func randomDate(r *rand.Rand) Date {
	d := Date{Year: 2000 + r.IntN(30), Prec: Precision(1 + r.IntN(3))}
	if d.Prec >= PrecisionMonth {
		d.Month = time.Month(1 + r.IntN(12))
	}
	if d.Prec == PrecisionDay {
		d.Day = 1 + r.IntN(28)
	}
	return d
}

func randomTime(r *rand.Rand) time.Time {
	return time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(32 * 365 * 24 * time.Hour))))
}

// generated builds a random atlas with competing claims.
func generated(r *rand.Rand, n int) *Atlas {
	a := &Atlas{}
	preds := []string{"operates", "owns", "officer", "located_in"}
	for i := range n {
		s := &Statement{
			Subject:   fmt.Sprintf("org/s%d", r.IntN(8)),
			Predicate: preds[r.IntN(len(preds))],
			Object:    fmt.Sprintf("org/o%d", r.IntN(8)),
			ID:        fmt.Sprintf("st-%d", i),
		}
		if r.IntN(3) > 0 {
			s.Valid.From = randomDate(r)
		}
		if r.IntN(3) > 0 {
			s.Valid.To = randomDate(r)
		}
		if r.IntN(3) == 0 {
			s.Claim = fmt.Sprintf("c%d", r.IntN(10))
			s.Preferred = r.IntN(3) == 0
		}
		a.Statements = append(a.Statements, s)
	}
	a.index()
	return a
}

func sameFacts(x, y []Fact) bool {
	return slices.EqualFunc(x, y, func(p, q Fact) bool {
		return p.Statement == q.Statement && p.Disputed == q.Disputed && slices.Equal(p.Competitors, q.Competitors)
	})
}

// replay compares At with the naive scan for random filters and times.
func replay(t *testing.T, a *Atlas, r *rand.Rand, rounds int) {
	t.Helper()
	if len(a.Statements) == 0 {
		t.Fatal("no statements to replay")
	}
	for range rounds {
		s := a.Statements[r.IntN(len(a.Statements))]
		f := Filter{Predicate: s.Predicate}
		switch r.IntN(4) {
		case 0:
			f.Subject = s.Subject
		case 1:
			f.Object = s.Object
		case 2:
			f.Subject, f.Object = s.Subject, s.Object
		default:
			f.Predicate = ""
			f.Subject = s.Subject
		}
		at := randomTime(r)
		if got, want := a.At(f, at), naiveAt(a, f, at); !sameFacts(got, want) {
			t.Fatalf("At(%+v, %s) = %d facts, naive replay %d", f, at, len(got), len(want))
		}
		if got, want := s.Valid.Contains(at), naiveContains(s.Valid, at); got != want {
			t.Fatalf("%v.Contains(%s) = %v, want %v", s.Valid, at, got, want)
		}
	}
}

func TestAtMatchesNaiveReplayGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	replay(t, generated(r, 400), r, 5000)
}

func TestAtMatchesNaiveReplayFixture(t *testing.T) {
	replay(t, mustLoad(t, "testdata/atlas"), rand.New(rand.NewPCG(1, 2)), 2000)
}

func TestAtClaims(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	f := Filter{Predicate: "operates", Object: "region/aws/cn-north-1"}
	tests := []struct {
		at                  string
		op                  string
		disputed            bool
		competitors, nFacts int
	}{
		{"2015-06-01", "org/aws-inc", false, 0, 1},
		{"2016-07-31", "org/sinnet", true, 0, 1},  // only the non-preferred claim holds
		{"2016-09-01", "org/sinnet", false, 1, 1}, // preferred wins, the other competes
	}
	for _, tt := range tests {
		facts := a.At(f, day(tt.at))
		if len(facts) != tt.nFacts {
			t.Fatalf("At %s: %d facts, want %d", tt.at, len(facts), tt.nFacts)
		}
		got := facts[0]
		if got.Statement.Subject != tt.op || got.Disputed != tt.disputed || len(got.Competitors) != tt.competitors {
			t.Errorf("At %s = %s disputed=%v competitors=%d, want %s %v %d", tt.at,
				got.Statement.Subject, got.Disputed, len(got.Competitors), tt.op, tt.disputed, tt.competitors)
		}
	}
	if facts := a.At(f, day("2016-08-31")); len(facts) != 1 || !facts[0].Disputed {
		t.Errorf("the last day of a month-precision gap should still be disputed: %+v", facts)
	}
}
