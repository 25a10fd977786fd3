package atlas

import (
	"bytes"
	"encoding/json"
	"flag"
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
