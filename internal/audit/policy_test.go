package audit

import (
	"strings"
	"testing"
)

func TestPolicyErrors(t *testing.T) {
	a := fixtureAtlas(t)
	for _, c := range []struct{ name, in, want string }{
		{"no version", "rules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\n", "p.yaml:1: version: missing: write version: 1"},
		{"version 2", "version: 2\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\n", `p.yaml:1: version: "2": this cloudatlas reads policy version 1`},
		{"syntax", "version: 1\nrules: [\n", "p.yaml:2: YAML syntax: did not find expected node content"},
		{"empty", "", "p.yaml: the policy is empty"},
		{"no rules", "version: 1\n", "p.yaml:1: rules: want a list of at least one rule"},
		{"unknown field", "version: 1\nrules:\n  - id: r\n    severity: high\n    deny: {jurisdiction: [US]}\n", "p.yaml:5: rules[0].deny.jurisdiction: unknown field (known: jurisdictions, laws, operators, region_launched_after)"},
		{"bad severity", "version: 1\nrules:\n  - id: r\n    severity: urgent\n    deny: {jurisdictions: [US]}\n", `p.yaml:4: rules[0].severity: severity "urgent": want one of info, low, medium, high, critical`},
		{"no condition", "version: 1\nrules:\n  - id: r\n    severity: high\n", "p.yaml:3: rules[0]: has no condition"},
		{"duplicate id", "version: 1\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\n  - {id: r, severity: low, deny: {jurisdictions: [CN]}}\n", `p.yaml:4: rules[1].id: "r" is the id of another rule`},
		{"bad id", "version: 1\nrules:\n  - {id: 'no spaces', severity: high, deny: {jurisdictions: [US]}}\n", `p.yaml:3: rules[0].id: "no spaces": want letters`},
		{"bad kind", "version: 1\nrules:\n  - id: r\n    severity: high\n    match:\n      kinds: [address, vm]\n    deny: {jurisdictions: [US]}\n", `p.yaml:6: rules[0].match.kinds[1]: "vm": want one of address, cidr, host, region`},
		{"not a list", "version: 1\nrules:\n  - id: r\n    severity: high\n    deny:\n      laws: law/us-cloud-act\n", "p.yaml:6: rules[0].deny.laws: want a list, e.g. [law/us-cloud-act]"},
		{"bad date", "version: 1\nrules:\n  - id: r\n    severity: high\n    deny: {region_launched_after: soon}\n", "p.yaml:5: rules[0].deny.region_launched_after: want a date"},
		{"bad on_unknown", "version: 1\non_unknown: maybe\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\n", `p.yaml:2: on_unknown: "maybe": want one of fail, warn, ignore`},
		{"bad region", "version: 1\nrules:\n  - id: r\n    severity: high\n    require:\n      regions: [eu-central-1]\n", `p.yaml:6: rules[0].require.regions[0]: "eu-central-1": want provider:region`},
		{"exception without expiry", "version: 1\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\nexceptions:\n  - rule: r\n    asset: '*'\n    reason: because\n", "p.yaml:5: exceptions[0].expires: missing"},
		{"exception of no rule", "version: 1\nrules:\n  - {id: r, severity: high, deny: {jurisdictions: [US]}}\nexceptions:\n  - {rule: s, asset: '*', reason: because, expires: 2027-01-01}\n", `p.yaml:5: exceptions[0].rule: "s" is no rule of this policy`},
		// Problems only the atlas can find.
		{"unknown law", "version: 1\nrules:\n  - id: r\n    severity: high\n    deny:\n      laws:\n        - law/us-cloud-act\n        - law/none\n", `p.yaml:8: rules[0].deny.laws[1]: "law/none" is no law of the atlas`},
		{"unknown jurisdiction", "version: 1\nrules:\n  - id: r\n    severity: high\n    require: {operator_controlled_from: [EU, XX]}\n", `p.yaml:5: rules[0].require.operator_controlled_from[1]: "XX" is no jurisdiction of the atlas`},
		{"unknown region", "version: 1\nrules:\n  - id: r\n    severity: high\n    require: {regions: ['aws:mars-1']}\n", `p.yaml:5: rules[0].require.regions[0]: "aws:mars-1" is no region of the atlas`},
		{"unknown operator", "version: 1\nrules:\n  - id: r\n    severity: high\n    deny: {operators: [org/nobody]}\n", `p.yaml:5: rules[0].deny.operators[0]: "org/nobody" is no organisation of the atlas`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy("p.yaml", []byte(c.in))
			if err == nil {
				err = p.Check(a)
			}
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestPolicyResolvesNames(t *testing.T) {
	a := fixtureAtlas(t)
	p, err := ParsePolicy("p.yaml", []byte("version: 1\nrules:\n  - id: r\n    severity: high\n    match: {providers: [GCP, aws]}\n    deny: {jurisdictions: [us, jurisdiction/cn], laws: [CLOUD Act], operators: [Sinnet]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(a); err != nil {
		t.Fatal(err)
	}
	r := p.Rules[0]
	if got := strings.Join(r.conditions(), "; "); got != "deny.jurisdictions: US, CN; deny.laws: law/us-cloud-act; deny.operators: org/sinnet" {
		t.Errorf("conditions: %s", got)
	}
	if strings.Join(r.Match.Providers, ",") != "google,aws" || r.OnUnknown != UnknownFail {
		t.Errorf("match %+v, on_unknown %s", r.Match, r.OnUnknown)
	}
}

func TestExplain(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	got := Explain(p, p.Rule("no-foreign-intelligence-law"), a)
	for _, w := range []string{
		"Rule no-foreign-intelligence-law (severity critical; an asset it cannot decide is a failure (exit 3))",
		"Nothing of ours is reachable by a foreign intelligence law.",
		"FISA Section 702 (law/us-fisa-702) reaches it",
		"National Intelligence Law (law/cn-nil) reaches it",
		`Exception (line 27): assets matching "3.0.5.*" are waived until 2025-12-31`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("explain lacks %q:\n%s", w, got)
		}
	}
	eu := Explain(p, p.Rule("eu-controlled-operators"), a)
	if !strings.Contains(eu, "an operator is controlled from outside EU") || !strings.Contains(eu, "member of one of them on the audit date") {
		t.Errorf("explain:\n%s", eu)
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(readFile(f, "testdata/policy.yaml"))
	f.Add([]byte("version: 1\nrules:\n  - {id: r, severity: high, match: {tags: {a: b}}, deny: {jurisdictions: [US], region_launched_after: 2020}}\n"))
	f.Add([]byte("version: 1\nrules: [{id: r, severity: low, require: {regions: ['aws:x']}}]\nexceptions: [{rule: r, asset: '*', reason: x, expires: 2030}]\n"))
	a := fixtureAtlas(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("f.yaml", data)
		if err != nil {
			es, ok := err.(Errors)
			if !ok || len(es) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			for _, e := range es {
				if e.File != "f.yaml" || e.Msg == "" {
					t.Fatalf("bad error %+v", e)
				}
			}
			return
		}
		if len(p.Rules) == 0 {
			t.Fatal("a policy without rules parsed")
		}
		_ = p.Check(a)
		for _, r := range p.Rules {
			_ = Explain(p, r, a)
		}
	})
}
