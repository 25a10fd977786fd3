package access

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
)

func TestEmbeddedPlans(t *testing.T) {
	ps, err := ParsePlans("data/plans.yaml", data.Plans)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ps.Names(), ","); got != "student,individual,group,institution" {
		t.Errorf("plans %s", got)
	}
	for _, p := range append(ps.All(), ps.Anonymous) {
		if p.PerMinute <= 0 || p.PerDay < p.PerMinute || p.BulkInputs < 1 {
			t.Errorf("plan %s: implausible limits %+v", p.Name, p)
		}
	}
	if ps.Anonymous.PerMinute >= ps.All()[0].PerMinute {
		t.Errorf("the anonymous allowance %d/min is not below the smallest plan's", ps.Anonymous.PerMinute)
	}
	_, err = ps.Lookup("gold")
	if !errors.Is(err, ErrUnknownPlan) || !strings.Contains(err.Error(), "student, individual, group, institution") {
		t.Errorf("Lookup(gold) = %v, want an error listing the plans", err)
	}
	if p, err := ps.Lookup("group"); err != nil || !p.Exports || p.PerMinute != 600 {
		t.Errorf("Lookup(group) = %+v, %v", p, err)
	}
}

func TestParsePlansRefuses(t *testing.T) {
	const anon = "anonymous: {requests_per_minute: 1, requests_per_day: 1, bulk_inputs: 1, email_digests: false, exports: false}\n"
	const ok = "  - {name: a, requests_per_minute: 1, requests_per_day: 0, bulk_inputs: 5, email_digests: true, exports: false}\n"
	if _, err := ParsePlans("p.yaml", []byte(anon+"plans:\n"+ok)); err != nil {
		t.Fatalf("a valid file: %v", err)
	}
	for _, tc := range []struct{ body, want string }{
		{"plans:\n" + ok, "no anonymous allowance"},
		{anon, "no plans"},
		{anon + "plans:\n" + ok + ok, `plan "a" is defined twice`},
		{anon + "plans:\n  - {name: b, requests_per_minute: 1}\n", "plan b: missing requests_per_day, bulk_inputs, email_digests, exports"},
		{anon + "plans:\n  - {name: B, requests_per_minute: 1}\n", `name "B"`},
		{anon + "plans:\n" + strings.Replace(ok, "per_minute: 1", "per_minute: -1", 1), "want 0 (unlimited) or more"},
		{anon + "plans:\n" + strings.Replace(ok, "bulk_inputs: 5", "bulk_inputs: 0", 1), "bulk_inputs 0"},
		{anon + "plans:\n" + strings.Replace(ok, "exports", "export", 1), "field export not found"},
		{anon + "plans: [", "p.yaml"},
	} {
		_, err := ParsePlans("p.yaml", []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "p.yaml") {
			t.Errorf("%q: error %v, want one naming p.yaml and containing %q", tc.body, err, tc.want)
		}
	}
}

func TestTokens(t *testing.T) {
	seen := map[Token]bool{}
	for range 100 {
		tok, err := NewToken(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != TokenLen || seen[tok] {
			t.Fatalf("token %d characters long, or repeated", len(tok))
		}
		seen[tok] = true
		back, err := ParseToken(tok.Secret())
		if err != nil || back != tok {
			t.Fatalf("ParseToken(NewToken()) = %v", err)
		}
		if len(tok.Hash()) != 64 || tok.Hash() == back.Hash()+"x" || strings.Contains(tok.String(), tok.Secret()[PrefixLen:]) {
			t.Fatalf("hash %q or String %q", tok.Hash(), tok.String())
		}
		// Every change of one character is refused.
		s := []byte(tok.Secret())
		for i := len(TokenPrefix); i < len(s); i += 7 {
			old := s[i]
			s[i] = "ab"[btoi(old == 'a')]
			if _, err := ParseToken(string(s)); err == nil {
				t.Fatalf("token changed at %d accepted", i)
			}
			s[i] = old
		}
	}
	// The same bytes make the same token and hash.
	fixed := bytes.Repeat([]byte{7}, tokenRandom)
	a, _ := NewToken(bytes.NewReader(fixed))
	b, _ := NewToken(bytes.NewReader(fixed))
	if a != b || a.Hash() != b.Hash() || a.Prefix() != "ca_a4dqobyh" {
		t.Errorf("tokens of the same bytes: %s %s (prefix %s)", a, b, a.Prefix())
	}
	if _, err := NewToken(bytes.NewReader(fixed[:10])); err == nil {
		t.Error("NewToken with too few random bytes succeeded")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestParseTokenErrors(t *testing.T) {
	good, _ := NewToken(rand.Reader)
	for _, tc := range []struct{ in, want string }{
		{"", `starts with "ca_"`},
		{"Bearer " + good.Secret(), `starts with "ca_"`},
		{good.Secret()[:40], "has 61 characters, this one 40"},
		{good.Secret() + "a", "this one 62"},
		{strings.ToUpper(good.Secret()[:3]) + good.Secret()[3:], `starts with "ca_"`},
		{"ca_" + strings.Repeat("1", 58), "only the letters a-z and the digits 2-7"},
		{"ca_" + strings.Repeat("a", 58), "checksum"},
	} {
		_, err := ParseToken(tc.in)
		if !errors.Is(err, ErrMalformedToken) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseToken(%q) = %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && len(tc.in) > 10 && strings.Contains(err.Error(), tc.in) {
			t.Errorf("the error repeats the token: %v", err)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	good, _ := NewToken(bytes.NewReader(bytes.Repeat([]byte{1}, tokenRandom)))
	for _, s := range []string{good.Secret(), "", "ca_", "ca_" + strings.Repeat("a", 58), good.Secret()[:60] + "b", "ca_\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedToken) || tok != "" {
				t.Fatalf("error %v (token %q)", err, tok)
			}
			return
		}
		// A token has one spelling, and its hash and prefix are stable.
		if string(tok) != s || len(tok.Prefix()) != PrefixLen || len(tok.Hash()) != 64 {
			t.Fatalf("accepted %q as %q", s, tok)
		}
		if again, err := ParseToken(tok.Secret()); err != nil || again != tok {
			t.Fatalf("not idempotent: %v", err)
		}
	})
}

func TestSpans(t *testing.T) {
	at := time.Date(2026, 2, 1, 23, 59, 30, 500, time.FixedZone("CET", 3600))
	if got := Minute.Start(at); !got.Equal(time.Date(2026, 2, 1, 22, 59, 0, 0, time.UTC)) {
		t.Errorf("minute start %v", got)
	}
	if got := Day.Start(at); !got.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("day start %v", got)
	}
	for _, s := range Spans {
		if back, err := ParseSpan(s.String()); err != nil || back != s {
			t.Errorf("ParseSpan(%s) = %v %v", s, back, err)
		}
	}
	if _, err := ParseSpan("hour"); err == nil || !strings.Contains(err.Error(), "want minute or day") {
		t.Errorf("ParseSpan(hour) = %v", err)
	}
}

func TestDecide(t *testing.T) {
	p := Plan{Name: "p", PerMinute: 10, PerDay: 100}
	now := time.Date(2026, 2, 1, 12, 0, 45, 0, time.UTC) // 15 s left in the minute
	for _, tc := range []struct {
		used Usage
		want Decision
	}{
		{Usage{0, 0}, Decision{Allowed: true, Limit: 10, Remaining: 9, Reset: 15, Span: Minute}},
		{Usage{9, 9}, Decision{Allowed: true, Limit: 10, Remaining: 0, Reset: 15, Span: Minute}},
		{Usage{10, 10}, Decision{Limit: 10, Reset: 15, Span: Minute, RetryAfter: 15}},
		// The day window is nearer to its limit than the minute.
		{Usage{2, 95}, Decision{Allowed: true, Limit: 100, Remaining: 4, Reset: 43155, Span: Day}},
		{Usage{2, 100}, Decision{Limit: 100, Reset: 43155, Span: Day, RetryAfter: 43155}},
		// Both exhausted: retry when the day starts anew.
		{Usage{10, 100}, Decision{Limit: 100, Reset: 43155, Span: Day, RetryAfter: 43155}},
	} {
		if got := p.Decide(tc.used, now); got != tc.want {
			t.Errorf("Decide(%v) = %+v, want %+v", tc.used, got, tc.want)
		}
	}
	unlimited := Plan{Name: "u"}
	if got := unlimited.Decide(Usage{1e9, 1e9}, now); !got.Allowed || got.Limit != 0 {
		t.Errorf("unlimited plan: %+v", got)
	}
	if got := (Plan{PerMinute: 1}).Decide(Usage{1, 0}, time.Date(2026, 2, 1, 12, 0, 59, 999, time.UTC)); got.RetryAfter != 1 {
		t.Errorf("RetryAfter at the end of a minute: %+v", got)
	}
	if got := p.Policy(); got != "10;w=60, 100;w=86400" {
		t.Errorf("Policy = %q", got)
	}
	if got := (Plan{PerDay: 5}).Policy(); got != "5;w=86400" {
		t.Errorf("Policy = %q", got)
	}
}
