package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing/routingtest"
)

// TestExampleRulesOverList runs the three example rules over the
// text list as of 2026-02-01 and checks every finding.
func TestExampleRulesOverList(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	rep := runAudit(t, a, p, testDay, nil, "testdata/inventory.txt")
	want := map[string]string{
		"no-foreign-intelligence-law 3.0.5.1":          StatusFail, // its exception expired at the end of 2025
		"no-foreign-intelligence-law 52.80.0.1":        StatusFail,
		"no-foreign-intelligence-law aws:eu-central-1": StatusFail,
		"no-foreign-intelligence-law eucloud:fra1":     StatusPass,
		"no-foreign-intelligence-law eucloud:lon1":     StatusPass,
		"no-foreign-intelligence-law 139.144.0.5":      StatusUnknown,
		"eu-controlled-operators 3.0.5.1":              StatusFail,
		"eu-controlled-operators 52.80.0.1":            StatusFail,
		"eu-controlled-operators aws:eu-central-1":     StatusWaived,
		"eu-controlled-operators eucloud:fra1":         StatusPass,
		"eu-controlled-operators eucloud:lon1":         StatusFail, // the UK left the EU on 2020-01-31
		"eu-controlled-operators 139.144.0.5":          StatusUnknown,
		"approved-regions 3.0.5.1":                     StatusFail,
		"approved-regions 52.80.0.1":                   StatusFail,
		"approved-regions aws:eu-central-1":            StatusPass,
		"approved-regions eucloud:fra1":                StatusPass,
		"approved-regions eucloud:lon1":                StatusFail,
		"approved-regions 139.144.0.5":                 StatusUnknown,
	}
	checkStatuses(t, rep, want)
	s := rep.Summary
	if s.Fail != 9 || s.Pass != 5 || s.Unknown != 3 || s.Waived != 1 || rep.Assets != 6 {
		t.Errorf("summary %+v, assets %d", s.Counts, rep.Assets)
	}
	for _, c := range []struct {
		failOn Severity
		code   int
	}{{SeverityCritical, ExitViolation}, {SeverityHigh, ExitViolation}, {SeverityInfo, ExitViolation}} {
		if got := rep.Outcome(c.failOn); got.Code != c.code {
			t.Errorf("fail-on %s: %+v, want exit %d", c.failOn, got, c.code)
		}
	}
	f := find(t, rep, "no-foreign-intelligence-law", "3.0.5.1")
	if len(f.Expired) != 1 || !strings.Contains(f.Message(), "expired 2025-12-31 and no longer applies") {
		t.Errorf("expired exception not reported: %q", f.Message())
	}
	if !strings.Contains(f.Message(), "FISA Section 702 (law/us-fisa-702, US) by incorporated_in, controlled_from") {
		t.Errorf("message: %q", f.Message())
	}
	w := find(t, rep, "eu-controlled-operators", "aws:eu-central-1")
	if w.Waiver == nil || !strings.Contains(w.Message(), "waived until 2026-09-30 (Migration to Example EU Cloud") {
		t.Errorf("waiver: %q", w.Message())
	}
	lon := find(t, rep, "eu-controlled-operators", "eucloud:lon1")
	if !strings.Contains(lon.Message(), "controlled from GB, not from EU") {
		t.Errorf("lon1: %q", lon.Message())
	}
}

// TestMembershipOverTime checks that EU membership is taken as of the
// audit's day: a British operator was controlled from the EU in 2019.
func TestMembershipOverTime(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	rep := runAudit(t, a, p, time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC), nil, "testdata/inventory.txt")
	f := find(t, rep, "eu-controlled-operators", "eucloud:lon1")
	if f.Status != StatusPass {
		t.Fatalf("lon1 in 2019: %s: %s", f.Status, f.Message())
	}
	ev := f.Verdicts[0].Evidence
	if len(ev) != 1 || ev[0].Jurisdiction != "GB" || !ev[0].Holds || ev[0].Path[len(ev[0].Path)-1].To != "jurisdiction/eu" {
		t.Errorf("evidence %+v", ev)
	}
	// In 2019 the 3.0.5.* exception had not expired yet.
	if f := find(t, rep, "no-foreign-intelligence-law", "3.0.5.1"); f.Status != StatusWaived || len(f.Expired) != 0 {
		t.Errorf("3.0.5.1 in 2019: %s, expired %v", f.Status, f.Expired)
	}
}

// TestVerdictsShared checks that a rule is judged once per place: the
// findings of assets in one place share their verdict.
func TestVerdictsShared(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	assets, infos := inventory(t, "testdata/inventory.txt")
	more, _, err := ParseInventory("more.txt", []byte("3.0.5.2\n3.0.5.3\n3.1.0.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay}, p, append(assets, more...), infos)
	byAsset := map[string]*Finding{}
	for _, f := range rep.Findings {
		if f.Rule.ID == "approved-regions" {
			byAsset[f.Asset.Input] = f
		}
	}
	x, y, z := byAsset["3.0.5.1"], byAsset["3.0.5.2"], byAsset["3.1.0.1"]
	if x == nil || y == nil || z == nil || x.Verdicts[0] != y.Verdicts[0] || x.Verdicts[0] != z.Verdicts[0] {
		t.Fatalf("verdicts not shared: %v %v %v", x, y, z)
	}
	if x.Resolution.Matches[0].Prefix.String() != "3.0.5.0/24" || z.Resolution.Matches[0].Prefix.String() != "3.0.0.0/15" {
		t.Errorf("matches: %+v / %+v", x.Resolution.Matches, z.Resolution.Matches)
	}
	if x.Fingerprint() == y.Fingerprint() || len(x.Fingerprint()) != 32 {
		t.Errorf("fingerprints %q %q", x.Fingerprint(), y.Fingerprint())
	}
}

// TestFingerprintStable checks that a finding's fingerprint depends on
// its rule and asset, not on the line or the day.
func TestFingerprintStable(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	one, _, _ := ParseInventory("x.txt", []byte("3.0.5.1\n"))
	two, _, _ := ParseInventory("x.txt", []byte("# moved\n\n3.0.5.1\n"))
	r1 := Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay}, p, one, nil)
	r2 := Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay.AddDate(0, 1, 0)}, p, two, nil)
	if r1.Findings[0].Fingerprint() != r2.Findings[0].Fingerprint() || r1.Findings[0].Asset.Line == r2.Findings[0].Asset.Line {
		t.Errorf("fingerprint changed with the line or day: %s %s", r1.Findings[0].Fingerprint(), r2.Findings[0].Fingerprint())
	}
}

func TestOtherConditions(t *testing.T) {
	a := fixtureAtlas(t)
	p, err := ParsePolicy("p.yaml", []byte(`version: 1
rules:
  - id: new-regions
    severity: low
    deny: {region_launched_after: 2018-01-01}
  - id: no-us-no-aws
    severity: high
    deny: {jurisdictions: [US], operators: [org/aws-inc]}
  - id: eu-located
    severity: medium
    match: {kinds: [region]}
    require: {located_in: [EU]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(a); err != nil {
		t.Fatal(err)
	}
	rep := runAudit(t, a, p, testDay, nil, "testdata/inventory.txt")
	checkStatuses(t, rep, map[string]string{
		"new-regions aws:eu-central-1":  StatusPass,
		"new-regions eucloud:fra1":      StatusFail,
		"new-regions eucloud:lon1":      StatusPass,
		"new-regions 3.0.5.1":           StatusUnknown, // us-east-1 has no launch date
		"new-regions 52.80.0.1":         StatusUnknown, // nor cn-north-1
		"new-regions 139.144.0.5":       StatusUnknown,
		"no-us-no-aws 3.0.5.1":          StatusFail,
		"no-us-no-aws 52.80.0.1":        StatusPass,
		"no-us-no-aws eucloud:fra1":     StatusPass,
		"no-us-no-aws eucloud:lon1":     StatusPass,
		"no-us-no-aws aws:eu-central-1": StatusFail,
		"no-us-no-aws 139.144.0.5":      StatusUnknown,
		"eu-located aws:eu-central-1":   StatusPass,
		"eu-located eucloud:fra1":       StatusPass,
		"eu-located eucloud:lon1":       StatusFail,
	})
	f := find(t, rep, "no-us-no-aws", "3.0.5.1")
	var conds []string
	for _, e := range f.Verdicts[0].Evidence {
		conds = append(conds, e.Condition+":"+e.ID)
	}
	if !slices.Contains(conds, "deny.operators:org/aws-inc") || !slices.Contains(conds, "deny.jurisdictions:jurisdiction/us") {
		t.Errorf("evidence %v", conds)
	}
	if len(f.Verdicts[0].Sources) == 0 {
		t.Error("no sources")
	}
}

func TestNothingChecked(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	empty := Evaluate(t.Context(), Env{Join: newJoin(a), Day: testDay}, p, nil, nil)
	if o := empty.Outcome(SeverityHigh); o.Code != ExitError || o.Result != "nothing-checked" {
		t.Errorf("empty inventory: %+v", o)
	}
	only, err := ParsePolicy("p.yaml", []byte("version: 1\nrules:\n  - {id: tagged, severity: high, match: {tags: {env: prod}}, deny: {jurisdictions: [US]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	assets, _, _ := ParseInventory("x.txt", []byte("3.0.5.1\n"))
	none := Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay}, only, assets, nil)
	if o := none.Outcome(SeverityHigh); o.Code != ExitError || !strings.Contains(o.Reason, "no rule matched") {
		t.Errorf("no rule matched: %+v", o)
	}
	unknown, _, _ := ParseInventory("x.txt", []byte("192.0.2.1\n"))
	warn, _ := ParsePolicy("p.yaml", []byte("version: 1\non_unknown: warn\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\n"))
	rep := Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay}, warn, unknown, nil)
	if o := rep.Outcome(SeverityHigh); o.Code != ExitUnresolved || o.Result != "nothing-checked" {
		t.Errorf("all unknown under warn: %+v", o)
	}
	fail, _ := ParsePolicy("p.yaml", []byte("version: 1\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\n  - {id: s, severity: high, match: {kinds: [region]}, deny: {jurisdictions: [CN]}}\n"))
	mixed, _, _ := ParseInventory("x.txt", []byte("192.0.2.1\neucloud:fra1\n"))
	rep = Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay}, fail, mixed, nil)
	if o := rep.Outcome(SeverityHigh); o.Code != ExitUnresolved || o.Result != "unresolved" {
		t.Errorf("unknown under fail: %+v", o)
	}
	if o := rep.Outcome(SeverityCritical); o.Code != ExitClean {
		t.Errorf("unknown below --fail-on: %+v", o)
	}
	noRanges := Evaluate(t.Context(), Env{Join: newJoin(a), Day: testDay}, fail, mixed, nil)
	if f := noRanges.Findings[0]; f.Status != StatusUnknown || !strings.Contains(f.Message(), "no range data is loaded") {
		t.Errorf("without range data: %s %q", f.Status, f.Message())
	}
}

func TestMatchPattern(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"3.0.5.*", "3.0.5.1", true}, {"3.0.5.*", "3.0.6.1", false}, {"aws_instance.*", "aws_instance.web", true},
		{"module.*.aws_eip.nat[?]", "module.net.aws_eip.nat[0]", true}, {"*", "x", true}, {"*", "", false},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {"exact", "exact", true}, {"exact", "exactly", false},
	} {
		if got := matchPattern(c.pattern, c.s); got != c.want {
			t.Errorf("matchPattern(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}

func checkStatuses(t *testing.T, rep *Report, want map[string]string) {
	t.Helper()
	got := statuses(rep)
	for k, w := range want {
		if got[k] != w {
			f := findKey(rep, k)
			msg := ""
			if f != nil {
				msg = f.Message()
			}
			t.Errorf("%s: %q, want %q (%s)", k, got[k], w, msg)
		}
	}
	var extra []string
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k+"="+got[k])
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("unexpected findings: %s", strings.Join(extra, ", "))
	}
}

func findKey(rep *Report, key string) *Finding {
	for _, f := range rep.Findings {
		if f.Rule.ID+" "+f.Asset.Input == key || f.Rule.ID+" "+f.Asset.Resource+" "+f.Asset.Input == key {
			return f
		}
	}
	return nil
}

func find(t *testing.T, rep *Report, rule, input string) *Finding {
	t.Helper()
	f := findKey(rep, rule+" "+input)
	if f == nil {
		t.Fatalf("no finding of %s for %s", rule, input)
	}
	return f
}

// TestResolveAddrMatchesJoin checks that the workers' path for addresses
// places them exactly as the join's answer does, routing tier included.
func TestResolveAddrMatchesJoin(t *testing.T) {
	a := fixtureAtlas(t)
	r := answer.WithRoutes(fixtureRanges(t), &answer.Routes{Table: routingtest.Example.Table(t),
		Source: &lpm.Source{Feed: "routing", Tier: ranges.TierRouting, SnapshotID: 99, UpstreamID: "1.0.0"}})
	p := policy(t, a, "testdata/policy.yaml")
	e := &engine{env: Env{Join: newJoin(a), Ranges: r, Day: testDay}, a: a, p: p, places: map[placeID]*Place{}, verdicts: map[verdictKey]*Verdict{}}
	w := &worker{e: e, snaps: map[int64]Snapshot{}, seen: map[rowKey][]*Verdict{}, counts: make([]Counts, len(p.Rules))}
	inputs := "3.0.5.1\n52.80.0.1\n3.0.0.0/14\n139.144.0.5\n23.0.0.1\n45.0.0.1\n81.0.0.1\n2a00::1\n192.0.2.1\n2600:1f00::1\n"
	assets, _, err := ParseInventory("x.txt", []byte(inputs))
	if err != nil {
		t.Fatal(err)
	}
	for _, as := range assets {
		got, want := w.resolveAddr(as), e.resolve(t.Context(), as, map[int64]Snapshot{})
		if fmt.Sprint(placeKeys(got), got.Matches, got.Error) != fmt.Sprint(placeKeys(want), want.Matches, want.Error) {
			t.Errorf("%s: %v %v %q, the join gives %v %v %q", as.Input, placeKeys(got), got.Matches, got.Error, placeKeys(want), want.Matches, want.Error)
		}
	}
	if got := placeKeys(w.resolveAddr(assets[4])); len(got) != 1 || got[0] != "AS20940/US" {
		t.Errorf("routed address: %v", got)
	}
}

func placeKeys(r *Resolution) []string {
	var out []string
	for _, p := range r.Places {
		out = append(out, p.Key)
	}
	return out
}
