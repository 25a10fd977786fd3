package atlas

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"testing"
)

func TestParseASN(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"1", 1, true},
		{"20940", 20940, true},
		{"23455", 23455, true},
		{"23457", 23457, true},
		{"64495", 64495, true},
		{"65552", 65552, true},
		{"396982", 396982, true},
		{"4199999999", 4199999999, true},
		{"0", 0, false},
		{"23456", 0, false},
		{"64496", 0, false},
		{"64511", 0, false},
		{"64512", 0, false},
		{"65534", 0, false},
		{"65535", 0, false},
		{"65536", 0, false},
		{"65551", 0, false},
		{"4200000000", 0, false},
		{"4294967294", 0, false},
		{"4294967295", 0, false},
		{"4294967296", 0, false},
		{"", 0, false},
		{"AS20940", 0, false},
		{"020940", 0, false},
		{"+20940", 0, false},
		{"-1", 0, false},
		{"20940 ", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseASN(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseASN(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzParseASN checks that ParseASN never panics and that what it accepts
// is a public ASN that ASID writes back as the same text.
func FuzzParseASN(f *testing.F) {
	for _, s := range []string{"20940", "0", "23456", "4294967295", "4294967296", "0123", "AS1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseASN(s)
		if err != nil {
			return
		}
		if ASID(n) != "as/"+s {
			t.Errorf("ParseASN(%q) = %d, but ASID gives %q", s, n, ASID(n))
		}
		if PublicASN(n) != nil {
			t.Errorf("ParseASN(%q) accepted non-public %d", s, n)
		}
	})
}

func TestASHolders(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	tests := []struct {
		asn  uint32
		at   string
		want []string
	}{
		{20940, "2005-02-28", nil}, // before the registration
		{20940, "2005-03-01", []string{"org/example-cdn-intl"}},
		{20940, "2026-06-01", []string{"org/example-cdn-intl"}},
		{13335, "2002-12-31", nil},
		{13335, "2010-06-01", []string{"org/holder"}},
		{13335, "2015-12-31", []string{"org/holder"}},
		{13335, "2016-01-01", []string{"org/amazon"}},
		{65552, "2020-01-01", nil}, // an AS entity with no holder
		{7, "2020-01-01", nil},     // no AS entity at all
	}
	for _, tt := range tests {
		var got []string
		for _, f := range a.ASHolders(tt.asn, day(tt.at)) {
			if f.Statement.Predicate != "holds_asn" || f.Statement.Object != ASID(tt.asn) {
				t.Errorf("ASHolders(%d, %s) returned %+v", tt.asn, tt.at, f.Statement)
			}
			got = append(got, f.Statement.Subject)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ASHolders(%d, %s) = %q, want %q", tt.asn, tt.at, got, tt.want)
		}
	}
}

// TestWhoisASN checks the parts of an AS answer: the holder as operator
// of the AS, its parent as owner, the parent's officer, and the
// jurisdictions and laws reached through incorporation and control.
func TestWhoisASN(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	ans, err := a.WhoisASN(20940, day("2020-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if ans.Subject != "as/20940" || ans.Query != "AS20940" {
		t.Errorf("subject %q, query %q", ans.Subject, ans.Query)
	}
	if len(ans.Operators) != 1 || ans.Operators[0].Operator != "org/example-cdn-intl" || ans.Operators[0].Of != "as/20940" {
		t.Fatalf("operators = %+v, want org/example-cdn-intl of as/20940", ans.Operators)
	}
	if len(ans.Ownership) != 1 || len(ans.Ownership[0].Owners) != 1 || ans.Ownership[0].Owners[0].ID != "org/example-cdn" {
		t.Errorf("ownership = %+v, want org/example-cdn above the holder", ans.Ownership)
	}
	if len(ans.People) != 1 || ans.People[0].Person != "person/cdn-ceo" || ans.People[0].Org != "org/example-cdn" {
		t.Errorf("people = %+v, want the parent's chief executive", ans.People)
	}
	var exposures, laws []string
	for _, x := range ans.Jurisdictions {
		exposures = append(exposures, x.Jurisdiction+" "+x.Basis)
	}
	for _, r := range ans.Reach {
		laws = append(laws, r.Law+" "+r.Basis)
	}
	for _, want := range []string{"jurisdiction/nl incorporated_in", "jurisdiction/us controlled_from"} {
		if !slices.Contains(exposures, want) {
			t.Errorf("jurisdictions %q lack %q", exposures, want)
		}
	}
	if !slices.Contains(laws, "law/us-cloud-act controlled_from") {
		t.Errorf("reach %q lacks the CLOUD Act through the US parent", laws)
	}
	if e := ans.Entities["as/20940"]; e.Kind != KindAS || e.Name != "EXAMPLE-CDN-1" {
		t.Errorf("entity as/20940 = %+v", e)
	}
}

func TestWhoisASNNotFound(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	for _, tt := range []struct {
		asn uint32
		at  string
	}{{7, "2020-01-01"}, {65552, "2020-01-01"}, {20940, "2004-12-31"}} {
		if ans, err := a.WhoisASN(tt.asn, day(tt.at)); !errors.Is(err, ErrNotFound) {
			t.Errorf("WhoisASN(%d, %s) = %v, %v; want ErrNotFound", tt.asn, tt.at, ans, err)
		}
	}
}

func TestWhoisASNGolden(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	for _, tt := range []struct {
		asn uint32
		at  string
	}{{20940, "2020-06-01"}, {13335, "2010-06-01"}, {13335, "2020-06-01"}} {
		name := "asn-" + strconv.FormatUint(uint64(tt.asn), 10) + "-" + tt.at
		t.Run(name, func(t *testing.T) {
			ans, err := a.WhoisASN(tt.asn, day(tt.at))
			if err != nil {
				t.Fatal(err)
			}
			var txt bytes.Buffer
			if err := ans.WriteText(&txt); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".txt", txt.Bytes())
			js, err := json.MarshalIndent(ans, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".json", append(js, '\n'))
		})
	}
}

// TestWhoisResolvesAS checks that whois takes an AS by id or by alias.
func TestWhoisResolvesAS(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	for _, target := range []string{"as/20940", "AS20940", "EXAMPLE-CDN-1"} {
		ans, err := a.Whois(target, day("2020-06-01"))
		if err != nil {
			t.Errorf("Whois(%q): %v", target, err)
			continue
		}
		if ans.Subject != "as/20940" || len(ans.Operators) != 1 {
			t.Errorf("Whois(%q): subject %q, operators %+v", target, ans.Subject, ans.Operators)
		}
	}
}
