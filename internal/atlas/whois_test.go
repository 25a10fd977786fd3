package atlas

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "update golden files")

func day(s string) time.Time {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d.Start()
}

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test -update to accept):\n%s", name, got)
	}
}

func TestWhoisGolden(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	tests := []struct {
		name string
		ask  func() (*Answer, error)
	}{
		{"region-cn-north-1-2015", func() (*Answer, error) { return a.WhoisRegion("aws", "cn-north-1", day("2015-06-01")) }},
		{"region-cn-north-1-2016-08", func() (*Answer, error) { return a.WhoisRegion("aws", "cn-north-1", day("2016-08-15")) }},
		{"region-cn-north-1-2020", func() (*Answer, error) { return a.WhoisRegion("aws", "cn-north-1", day("2020-06-01")) }},
		{"region-us-east-1-2020", func() (*Answer, error) { return a.WhoisRegion("aws", "us-east-1", day("2020-06-01")) }},
		{"region-cn-north-1-2026", func() (*Answer, error) { return a.WhoisRegion("aws", "cn-north-1", day("2026-06-01")) }},
		{"region-cn-northwest-1-2017", func() (*Answer, error) { return a.WhoisRegion("aws", "cn-northwest-1", day("2017-06-01")) }},
		{"region-cn-northwest-1-2020", func() (*Answer, error) { return a.WhoisRegion("aws", "cn-northwest-1", day("2020-06-01")) }},
		{"name-sinnet-zh-2020", func() (*Answer, error) { return a.Whois("光环新网", day("2020-06-01")) }},
		{"place-alibaba-asn-2020", func() (*Answer, error) {
			return a.WhoisPlace(Place{Provider: "alibaba", Partition: "alibaba"}, day("2020-06-01"))
		}},
		{"place-unknown-region-2020", func() (*Answer, error) {
			return a.WhoisPlace(Place{Provider: "aws", Partition: "aws", Region: "mars-east-1"}, day("2020-06-01"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := tt.ask()
			if err != nil {
				t.Fatal(err)
			}
			var txt bytes.Buffer
			if err := ans.WriteText(&txt); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt", txt.Bytes())
			js, err := json.MarshalIndent(ans, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".json", append(js, '\n'))
		})
	}
}

func TestWhoisErrors(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	for _, target := range []string{"no-such-thing", "person/founder", "jurisdiction/cn"} {
		if _, err := a.Whois(target, day("2020")); err == nil {
			t.Errorf("Whois(%q) succeeded, want an error", target)
		}
	}
	if _, err := a.WhoisPlace(Place{Provider: "nobody"}, day("2020")); err == nil {
		t.Error("WhoisPlace(nobody) succeeded, want an error")
	}
}

func TestDescribeAndHistoryGolden(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	for _, target := range []string{"Sinnet", "region/aws/cn-north-1"} {
		d, err := a.Describe(target)
		if err != nil {
			t.Fatal(err)
		}
		h, err := a.History(target)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.ReplaceAll(d.Entity.ID, "/", "_")
		var buf bytes.Buffer
		if err := d.WriteText(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, "entity-"+name+".txt", buf.Bytes())
		buf.Reset()
		if err := h.WriteText(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, "history-"+name+".txt", buf.Bytes())
	}
}

func TestSearch(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	tests := []struct {
		q    string
		want []string // "rank id"
	}{
		{"sinnet", []string{"exact org/sinnet"}},
		{"光环", []string{"prefix org/sinnet"}},
		{"AWS", []string{"exact partition/aws", "exact provider/aws", "prefix org/aws-inc", "prefix partition/aws-cn",
			"prefix region/aws/cn-north-1", "prefix region/aws/cn-northwest-1", "prefix region/aws/us-east-1"}},
		{"Beijing", []string{"prefix org/sinnet", "substring region/aws/cn-north-1"}},
		{"阿里", []string{"prefix provider/alibaba"}},
		{"nothing-like-this", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range a.Search(tt.q, 0) {
			got = append(got, m.Rank.String()+" "+m.Entity.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestResolveNames: ids and exact names first, then fragments; a
// provider wins over its own family; other ties are an AmbiguousError
// listing the choices, and misses are ErrNotFound.
func TestResolveNames(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	for q, want := range map[string]string{
		"org/sinnet":     "org/sinnet",
		"sinnet":         "org/sinnet",
		"cn-northwest-1": "region/aws/cn-northwest-1", // a region code
		"Western Cloud":  "org/nwcd",                  // a fragment of a name
		"Ningxia":        "org/nwcd",                  // prefix matches beat substring matches
		"AWS":            "provider/aws",              // provider/aws and partition/aws: the provider wins
	} {
		e, err := a.Find(q)
		if err != nil || e.ID != want {
			t.Errorf("Find(%q) = %v, %v; want %s", q, e, err, want)
		}
	}
	if _, err := a.Resolve("Western Cloud"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve(Western Cloud) error = %v, want ErrNotFound: Resolve takes no fragments", err)
	}
	_, err := a.Find("Example")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || len(amb.Choices) < 4 || !slices.ContainsFunc(amb.Choices, func(e *Entity) bool { return e.ID == "org/holder" }) {
		t.Errorf("Find(Example) error = %v, want an AmbiguousError listing org/holder among the choices", err)
	}
	b := loadYAML(t, `
entities:
  - {id: org/a1, kind: organisation, name: Acme Ltd}
  - {id: person/p1, kind: person, name: Acme Boss}
`)
	if _, err := b.Find("Acme"); !errors.As(err, &amb) {
		t.Errorf("Find(Acme) error = %v, want an AmbiguousError (an organisation and a person)", err)
	}
	if ans, err := b.Whois("Acme", day("2020")); err != nil || ans.Subject != "org/a1" {
		t.Errorf("Whois(Acme) = %v, %v; want org/a1, the one match whois answers for", ans, err)
	}
	if _, err := a.Whois("Chief", day("2020")); !errors.As(err, &amb) {
		t.Errorf("Whois(Chief) error = %v, want an AmbiguousError (two people)", err)
	}
	if _, err := a.Resolve("zzz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve(zzz) error = %v, want ErrNotFound", err)
	}
}

// TestUltimateOnlyAtTheTop: an organisation with nothing above it that
// is no person, state body or listed company is not an ultimate owner:
// its owners are unrecorded.
func TestUltimateOnlyAtTheTop(t *testing.T) {
	a := loadYAML(t, `
entities:
  - {id: org/op, kind: organisation, name: Op}
  - {id: org/seller, kind: organisation, name: Seller}
  - {id: org/listed, kind: organisation, name: Listed, ids: {ticker: "X:1"}}
  - {id: org/gov, kind: organisation, name: Government, state: true}
  - {id: person/p, kind: person, name: P}
statements:
  - {subject: org/seller, predicate: owns, object: org/op, share: 5, recorded: 2026, sources: [{url: "https://example.com/a", publisher: E, published: 2020}]}
  - {subject: org/listed, predicate: owns, object: org/op, share: 5, recorded: 2026, sources: [{url: "https://example.com/a", publisher: E, published: 2020}]}
  - {subject: org/gov, predicate: owns, object: org/op, share: 5, recorded: 2026, sources: [{url: "https://example.com/a", publisher: E, published: 2020}]}
  - {subject: person/p, predicate: owns, object: org/op, share: 5, recorded: 2026, sources: [{url: "https://example.com/a", publisher: E, published: 2020}]}
`)
	got := map[string]string{}
	for _, o := range a.Owners("org/op", day("2021")).Owners {
		got[o.ID] = fmt.Sprintf("ultimate=%v unrecorded=%v", o.Ultimate, o.OwnersUnrecorded)
	}
	want := map[string]string{
		"org/seller": "ultimate=false unrecorded=true",
		"org/listed": "ultimate=true unrecorded=false",
		"org/gov":    "ultimate=true unrecorded=false",
		"person/p":   "ultimate=true unrecorded=false",
	}
	if !maps.Equal(got, want) {
		t.Errorf("owners = %v, want %v", got, want)
	}
}

// TestConfirmedIsEvidenceNotBounds: a statement known only from an "as
// of" date holds from that date on (not before, and not only on that
// day), and is unconfirmed once its newest evidence is over StaleYears
// old.
func TestConfirmedIsEvidenceNotBounds(t *testing.T) {
	a := loadYAML(t, `
entities:
  - {id: org/op, kind: organisation, name: Op}
  - {id: person/p, kind: person, name: P}
statements:
  - {subject: person/p, predicate: officer, object: org/op, role: chair, confirmed: [2016-08-02, 2018-03],
     recorded: 2026, sources: [{url: "https://example.com/a", publisher: E, published: 2016-08-03}]}
`)
	for date, want := range map[string]string{"2016-08-01": "", "2016-08-02": "confirmed", "2019-06-01": "confirmed",
		"2021-03-31": "confirmed", "2021-04-01": "unconfirmed"} {
		fs := a.IncomingAt("org/op", "officer", day(date))
		got := ""
		if len(fs) == 1 {
			got = "confirmed"
			if fs[0].Statement.Unconfirmed(day(date)) {
				got = "unconfirmed"
			}
		}
		if got != want {
			t.Errorf("%s: chair %q, want %q", date, got, want)
		}
	}
}
