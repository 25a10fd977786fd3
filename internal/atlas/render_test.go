package atlas

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// wordsAnswer is a hand-built answer naming a few entities, for the
// wording tests.
func wordsAnswer() *Answer {
	return &Answer{
		Entities: map[string]EntityRef{
			"org/a":           {Kind: KindOrganisation, Name: "Alpha Ltd."},
			"org/b":           {Kind: KindOrganisation, Name: "Beta Ltd."},
			"person/p":        {Kind: KindPerson, Name: "Pat Doe"},
			"jurisdiction/ie": {Kind: KindJurisdiction, Name: "Ireland"},
			"jurisdiction/eu": {Kind: KindJurisdiction, Name: "European Union"},
			"region/x/r1":     {Kind: KindRegion, Name: "Region One"},
			"as/64500":        {Kind: KindAS, Name: "EXAMPLE-NET"},
		},
		Statements: map[string]StatementRef{
			"st-1": {Sources: []int{1, 2}},
			"st-2": {Sources: []int{3}},
		},
	}
}

func TestStepText(t *testing.T) {
	ans := wordsAnswer()
	for _, tt := range []struct {
		st   Step
		want string
	}{
		{Step{From: "org/a", Predicate: "owns", To: "org/b", Share: exact(30)}, "Alpha Ltd. owns 30% of Beta Ltd."},
		{Step{From: "org/a", Predicate: "owns", To: "org/b", Share: ShareRange{Min: 50, Max: 80, Known: true}}, "Alpha Ltd. owns 50-80% of Beta Ltd."},
		{Step{From: "org/a", Predicate: "owns", To: "org/b"}, "Alpha Ltd. owns a stake in Beta Ltd. (share not recorded)"},
		{Step{From: "person/p", Predicate: "controls", To: "org/a"}, "Pat Doe controls Alpha Ltd."},
		{Step{From: "org/b", Predicate: "subsidiary_of", To: "org/a"}, "Beta Ltd. is a subsidiary of Alpha Ltd."},
		{Step{From: "org/a", Predicate: "incorporated_in", To: "jurisdiction/ie"}, "Alpha Ltd. is incorporated in Ireland"},
		{Step{From: "region/x/r1", Predicate: "located_in", To: "jurisdiction/ie"}, "Region One is located in Ireland"},
		{Step{From: "jurisdiction/ie", Predicate: "located_in", To: "jurisdiction/eu"}, "Ireland is part of European Union"},
		{Step{From: "org/a", Predicate: "holds_asn", To: "as/64500"}, "Alpha Ltd. holds AS64500 EXAMPLE-NET"},
		{Step{From: "org/a", Predicate: "operates", To: "region/x/r1", Disputed: true}, "Alpha Ltd. operates Region One (disputed)"},
		{Step{From: "org/a", Predicate: "owns", To: "org/b", Share: exact(5), Unconfirmed: true, LastEvidence: "2019-04"},
			"Alpha Ltd. owns 5% of Beta Ltd. (unconfirmed: newest evidence 2019-04)"},
		{Step{From: "law/x", Predicate: "reaches", To: "jurisdiction/ie"}, ""},
		{Step{From: "org/unknown", Predicate: "joint_venture", To: "org/b"}, "org/unknown joint venture Beta Ltd."},
	} {
		if got := ans.StepText(tt.st); got != tt.want {
			t.Errorf("StepText(%s %s %s) = %q, want %q", tt.st.From, tt.st.Predicate, tt.st.To, got, tt.want)
		}
	}
}

func TestOwnerText(t *testing.T) {
	one := []Path{{}}
	two := []Path{{}, {}}
	for _, tt := range []struct {
		name string
		o    Owner
		want string
	}{
		{"direct known", Owner{Depth: 1, Share: exact(30), Paths: one}, "owns 30%"},
		{"indirect known", Owner{Depth: 2, Share: exact(15), Paths: one}, "owns 15% in effect"},
		{"two paths", Owner{Depth: 1, Share: ShareRange{Min: 25, Max: 34, Known: true}, Paths: two, Ultimate: true},
			"ultimate owner; owns 25-34% in effect, through 2 paths"},
		{"unknown", Owner{Depth: 1, UnknownPaths: 1, Paths: one, Controlling: true}, "controlling; share not recorded"},
		{"unknown indirect", Owner{Depth: 3, UnknownPaths: 1, Paths: one, Ultimate: true},
			"ultimate owner, indirect; effective share not recorded"},
		{"whole, and a parallel statement", Owner{Depth: 1, Share: exact(100), UnknownPaths: 1, Paths: two}, "owns 100%"},
		{"lower bound", Owner{Depth: 1, Share: exact(30), UnknownPaths: 2, Paths: []Path{{}, {}, {}}},
			"owns at least 30% in effect; the share on 2 other paths is not recorded"},
		{"not a top", Owner{Depth: 1, UnknownPaths: 1, Paths: one, OwnersUnrecorded: true, Unconfirmed: true},
			"share not recorded; its own owners are not recorded; unconfirmed"},
	} {
		if got := OwnerText(&tt.o); got != tt.want {
			t.Errorf("%s: OwnerText = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestOwnerPathsReadTopDown(t *testing.T) {
	ans := wordsAnswer()
	ans.Statements["st-3"] = StatementRef{Sources: []int{2, 4}}
	o := &Owner{ID: "person/p", Paths: []Path{
		{Steps: []Step{
			{From: "org/a", Predicate: "owns", To: "org/b", Share: exact(30), Statement: "st-1"},
			{From: "person/p", Predicate: "controls", To: "org/a", Statement: "st-2"},
		}},
		// A parallel statement between the same two entities joins the
		// same line.
		{Steps: []Step{
			{From: "org/b", Predicate: "subsidiary_of", To: "org/a", Statement: "st-3"},
			{From: "person/p", Predicate: "controls", To: "org/a", Statement: "st-2"},
		}},
		{Steps: []Step{{From: "person/p", Predicate: "owns", To: "org/b", Statement: "st-4",
			Unconfirmed: true, LastEvidence: "2015"}}},
	}}
	got := ans.OwnerPaths(o)
	want := []string{
		"Pat Doe controls Alpha Ltd. [3]; Alpha Ltd. owns 30% of and is the parent company of Beta Ltd. [1,2,4]",
		"Pat Doe owns a stake (share not recorded) in Beta Ltd. (unconfirmed: newest evidence 2015)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("OwnerPaths =\n%q\nwant\n%q", got, want)
	}
	steps := o.Paths[0].Steps
	if got, want := ans.ChainText(steps), "Alpha Ltd. owns 30% of Beta Ltd. [1,2]; Pat Doe controls Alpha Ltd. [3]"; got != want {
		t.Errorf("ChainText = %q, want %q", got, want)
	}
}

func TestInForceText(t *testing.T) {
	for span, want := range map[string]string{
		"2018-03-23..":     "in force since 2018-03-23",
		"2008..2012-12-31": "in force from 2008 to 2012-12-31",
		"..2020":           "in force until 2020",
		"":                 "",
	} {
		if got := InForceText(span); got != want {
			t.Errorf("InForceText(%q) = %q, want %q", span, got, want)
		}
	}
}

// TestWhoisTextOneEntryPerLaw checks on the fixture that each law and
// each jurisdiction appears once, with all its bases, and that no jargon
// of the old rendering is left.
func TestWhoisTextOneEntryPerLaw(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	ans, err := a.WhoisRegion("aws", "us-east-1", day("2020-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ans.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, once := range []string{"CLOUD Act (law/us-cloud-act)", "FISA Section 702 (law/us-fisa-702)", "  United States (jurisdiction/us)\n"} {
		if n := strings.Count(out, once); n != 1 {
			t.Errorf("%q appears %d times, want once:\n%s", once, n, out)
		}
	}
	for _, want := range []string{"incorporated there: ", "controlled from there: ", "located there: ", "in force since 2018-03-23",
		"ultimate owner, controlling; share not recorded"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, jargon := range []string{"path(s)", "effective unknown", "-owns", "basis located_in", "UNCONFIRMED"} {
		if strings.Contains(out, jargon) {
			t.Errorf("output still says %q:\n%s", jargon, out)
		}
	}
}
