package atlas

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCheckRules loads one fixture per rule from testdata/bad/<rule> and
// asserts the exact problems, with file, line and field.
func TestCheckRules(t *testing.T) {
	tests := map[string][]string{
		"asn-numbers": {
			"atlas.yaml:5: id: AS number 4200000000 is not a public ASN: AS 4200000000-4294967294 are for private use (RFC 6996)",
			"atlas.yaml:6: id: AS number 0 is not a public ASN: AS 0 is reserved (RFC 7607)",
			"atlas.yaml:7: id: AS number 23456 is not a public ASN: AS 23456 is AS_TRANS (RFC 6793)",
			"atlas.yaml:8: id: AS number 64496 is not a public ASN: AS 64496-64511 are for documentation (RFC 5398)",
			"atlas.yaml:9: id: AS number 65000 is not a public ASN: AS 64512-65534 are for private use (RFC 6996)",
			"atlas.yaml:10: id: AS number 65535 is not a public ASN: AS 65535 is reserved (RFC 7300)",
			"atlas.yaml:11: id: AS number 65551 is not a public ASN: AS 65536-65551 are for documentation (RFC 5398)",
			"atlas.yaml:12: id: AS number 4294967295 is not a public ASN: AS 4294967295 is reserved (RFC 7300)",
			"atlas.yaml:13: id: AS number \"4294967296\": outside 0..4294967295",
			"atlas.yaml:14: id: AS number \"AS13335\": want decimal digits only (as/20940, not as/AS20940)",
			"atlas.yaml:15: id: AS number \"013335\": no leading zeros",
			"atlas.yaml:16: id: as ids must start with \"as/\"",
			"atlas.yaml:24: predicate: holds_asn cannot link as to organisation (allowed: organisation -> as)",
			"atlas.yaml:28: sources: a statement needs at least one source",
		},
		"bad-date": {
			"atlas.yaml:9: from: bad date \"2016-13\" (want YYYY, YYYY-MM or YYYY-MM-DD)",
		},
		"bad-kind": {
			"atlas.yaml:6: kind: unknown kind \"company\"",
		},
		"claim-no-preferred": {
			"atlas.yaml:10: claim: claim group \"a-owns-b\" has no preferred statement",
		},
		"claim-two-preferred": {
			"atlas.yaml:20: preferred: claim group \"a-owns-b\" already has a preferred statement at atlas.yaml:6",
		},
		"claim-why": {
			"atlas.yaml:6: why: missing (the preferred statement of claim group \"a-owns-b\" says why)",
		},
		"confirmed-outside": {
			"atlas.yaml:10: confirmed[1]: confirmed 2017-12-31 is before from 2018",
		},
		"gap-fields": {
			"atlas.yaml:5: missing: unknown gap \"cousins\" (want one of owners, shareholders, controlling_shareholder, actual_controller, parent, officers, chair, chief_executive, legal_representative, operator, incorporation, launch_date)",
			"atlas.yaml:7: searched: missing",
			"atlas.yaml:7: subject: unknown entity \"org/nobody\"",
		},
		"launched-sources": {
			"atlas.yaml:8: launched: a launch date needs sources (add sources to the region)",
			"atlas.yaml:12: launched: only regions have launched",
		},
		"series-covers": {
			"atlas.yaml:11: covers[1]: org/c is a organisation, want provider",
			"atlas.yaml:14: points[0].entity: provider/b is not in the series' covers list",
		},
		"licence-operator": {
			"atlas.yaml:21: object: the licensee org/idle operates nothing during the licence (always); licenses_technology_to links a technology owner to the operator that runs it",
			"atlas.yaml:26: object: the licensee org/op operates nothing during the licence (..2015); licenses_technology_to links a technology owner to the operator that runs it",
		},
		"duplicate-id": {
			"atlas.yaml:5: id: duplicate id, first at atlas.yaml:2",
		},
		"duplicate-statement": {
			"atlas.yaml:11: subject: same statement as atlas.yaml:6",
		},
		"from-after-to": {
			"atlas.yaml:9: from: from 2017 is after to 2016-12-31",
		},
		"id-prefix": {
			"atlas.yaml:5: id: organisation ids must start with \"org/\"",
		},
		"law-jurisdiction": {
			"atlas.yaml:8: jurisdiction: unknown entity \"jurisdiction/xx\"",
		},
		"law-reach-basis": {
			"atlas.yaml:9: reach: unknown basis \"owned_by\" (want incorporated_in, located_in, controlled_from)",
		},
		"law-reach-missing": {
			"atlas.yaml:3: reach: missing (write reach: [] for a law that grants no access)",
		},
		"missing-field": {
			"atlas.yaml:5: name: missing",
		},
		"no-sources": {
			"atlas.yaml:6: sources: a statement needs at least one source",
		},
		"officer-role": {
			"atlas.yaml:7: role: missing (officer statements need a role)",
		},
		"predicate-kinds": {
			"atlas.yaml:7: predicate: owns cannot link jurisdiction to organisation (allowed: organisation/person -> organisation)",
		},
		"preferred-without-claim": {
			"atlas.yaml:9: preferred: only a statement in a claim group can be preferred",
		},
		"reading-entity": {
			"atlas.yaml:10: entities[1]: unknown entity \"org/nobody\"",
		},
		"recorded-missing": {
			"atlas.yaml:6: recorded: missing",
		},
		"region-fields": {
			"atlas.yaml:5: code: missing",
			"atlas.yaml:5: partition: missing",
		},
		"region-unique": {
			"atlas.yaml:6: id: a region of provider aws with code x-1 must have id \"region/aws/x-1\"",
			"atlas.yaml:11: code: region (aws, x-1) already defined by region/aws/x-1",
		},
		"series-duplicate-point": {
			"atlas.yaml:13: points[1].period: duplicate point (2020-Q1, org/a, vintage 2020-05), first at line 12",
		},
		"series-entity": {
			"atlas.yaml:13: points[0].entity: unknown entity \"provider/nobody\"",
		},
		"series-firm": {
			"atlas.yaml:7: id: series \"s\" already defined at atlas.yaml:6 (one firm per series)",
		},
		"series-measure": {
			"atlas.yaml:6: market: unknown market \"world\" (want one of [global china])",
		},
		"series-granularity": {
			"atlas.yaml:15: points[1].period: yearly period \"2020\" in a series of quarters (first at line 10): a chart would join them; give yearly figures a series of their own",
		},
		"series-period": {
			"atlas.yaml:12: points[0].period: bad period \"2020-Q5\" (want YYYY-Qn or YYYY)",
		},
		"share-min-max": {
			"atlas.yaml:9: share_min: share_min 60 is above share_max 40",
		},
		"share-predicate": {
			"atlas.yaml:9: share: only owns statements have a share",
		},
		"share-range": {
			"atlas.yaml:9: share: share 120 is outside 0..100",
		},
		"single-valued-overlap": {
			"atlas.yaml:15: object: incorporated_in of org/a is single-valued but atlas.yaml:7 says jurisdiction/cn over an overlapping period (..2016); make the periods disjoint or put both in one claim group",
		},
		"source-incomplete": {
			"atlas.yaml:11: sources[0].publisher: missing",
		},
		"unknown-field": {
			"atlas.yaml:8: colour: unknown field",
		},
		"unknown-object": {
			"atlas.yaml:8: object: unknown entity \"org/nobody\"",
		},
		"unknown-predicate": {
			"atlas.yaml:7: predicate: unknown predicate \"loves\"",
		},
		"unknown-subject": {
			"atlas.yaml:6: subject: unknown entity \"org/nobody\"",
		},
		"yaml-syntax": {
			"atlas.yaml:5: YAML syntax: did not find expected ',' or ']'",
		},
	}
	dirs, err := os.ReadDir(filepath.Join("testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, ok := tests[d.Name()]; !ok {
			t.Errorf("testdata/bad/%s has no expected problems in TestCheckRules", d.Name())
		}
	}
	for rule, want := range tests {
		t.Run(rule, func(t *testing.T) {
			a := mustLoad(t, filepath.Join("testdata", "bad", rule))
			var got []string
			for _, p := range Check(a) {
				got = append(got, p.String())
			}
			if !slices.Equal(got, want) {
				t.Errorf("Check problems:\n got: %q\nwant: %q", got, want)
			}
		})
	}
}

func TestProblemsError(t *testing.T) {
	ps := Problems{{File: "a.yaml", Line: 3, Field: "id", Message: "missing"}, {File: "b.yaml", Line: 1, Message: "bad"}}
	if got, want := ps.Error(), "a.yaml:3: id: missing\nb.yaml:1: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if Problems(nil).Err() != nil {
		t.Error("empty Problems.Err() != nil")
	}
}

func TestCheckRegionCodes(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	ps := CheckRegionCodes(a, map[string][]string{"aws": {"cn-north-1", "eu-west-9", ""}, "alibaba": {"cn-hangzhou"}})
	got := ps.Error()
	want := strings.Join([]string{
		`ranges/alibaba: region: no region entity for code "cn-hangzhou" of provider alibaba (want id region/alibaba/cn-hangzhou)`,
		`ranges/aws: region: no region entity for code "eu-west-9" of provider aws (want id region/aws/eu-west-9)`,
	}, "\n")
	if got != want {
		t.Errorf("CheckRegionCodes:\n got: %s\nwant: %s", got, want)
	}
}
