package ranges

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBuildMerges(t *testing.T) {
	now := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		feed, file string
		want       []Record
	}{
		{"aws", "aws.json", []Record{
			{Prefix: pfx("192.0.2.0/24"), Provider: "aws", Partition: "aws", Services: []string{"EC2", "AMAZON"}, Region: "us-east-1", Scope: "us-east-1"},
			{Prefix: pfx("198.51.100.0/25"), Provider: "aws", Partition: "aws-cn", Services: []string{"AMAZON"}, Region: "cn-north-1", Scope: "cn-north-1"},
			{Prefix: pfx("2001:db8:1::/48"), Provider: "aws", Partition: "aws-us-gov", Services: []string{"AMAZON"}, Region: "us-gov-west-1", Scope: "us-gov-west-1"},
		}},
		// AzureCloud.chinanorth2 and Storage.ChinaNorth2 fold into one
		// regional record; the region-less Storage tag folds into it too.
		{"azure-china", "ServiceTags_China_20260720.json", []Record{
			{Prefix: pfx("192.0.2.0/24"), Provider: "azure", Partition: "azure-china", Services: []string{"AzureStorage", "AzureCloud"}, Region: "chinanorth2"},
			{Prefix: pfx("198.51.100.16/28"), Provider: "azure", Partition: "azure-china", Services: []string{"AzureStorage"}},
			{Prefix: pfx("203.0.113.0/26"), Provider: "azure", Partition: "azure-china", Services: []string{"AzureFrontDoor"}},
			{Prefix: pfx("2001:db8:7940::/48"), Provider: "azure", Partition: "azure-china", Services: []string{"AzureCloud"}, Region: "chinanorth2"},
		}},
		{"github", "github-meta.json", []Record{
			{Prefix: pfx("192.0.2.0/24"), Provider: "github", Partition: "github", Services: []string{"hooks", "web"}},
			{Prefix: pfx("198.51.100.153/32"), Provider: "github", Partition: "github", Services: []string{"web"}},
			{Prefix: pfx("203.0.113.0/24"), Provider: "github", Partition: "github", Services: []string{"actions"}},
			{Prefix: pfx("2001:db8:3::/48"), Provider: "github", Partition: "github", Services: []string{"hooks"}},
		}},
		// Disposable lists repeat prefixes at several lengths; both stay.
		{"china-asn-lists", "disposable-alibaba.json", []Record{
			{Prefix: pfx("47.74.0.0/15"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "AS45102 AS134963"},
			{Prefix: pfx("47.74.0.0/16"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "AS45102 AS134963"},
			{Prefix: pfx("2401:b180::/32"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "AS45102 AS134963"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.feed, func(t *testing.T) {
			f, err := Lookup(tt.feed)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Build([]Input{{Name: tt.file, Data: readFixture(t, tt.file)}}, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Records, tt.want) {
				t.Errorf("got  %+v\nwant %+v", s.Records, tt.want)
			}
		})
	}
}

func TestMergeKeepsDistinctPlacements(t *testing.T) {
	in := []Record{
		{Prefix: pfx("192.0.2.0/24"), Provider: "oracle", Region: "b", Services: []string{"OCI"}},
		{Prefix: pfx("192.0.2.0/24"), Provider: "oracle", Region: "a", Services: []string{"OCI"}},
		{Prefix: pfx("192.0.2.0/24"), Provider: "oracle", Region: "a", Services: []string{"OSN", "OCI"}},
	}
	want := []Record{
		{Prefix: pfx("192.0.2.0/24"), Provider: "oracle", Region: "a", Services: []string{"OCI", "OSN"}},
		{Prefix: pfx("192.0.2.0/24"), Provider: "oracle", Region: "b", Services: []string{"OCI"}},
	}
	if got := Merge(in); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestMultiFeedSkipsMissingFiles lays out two of the eleven ipverse files
// and checks that the china-asn feed reads those and ignores the rest.
func TestMultiFeedSkipsMissingFiles(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "china-asn", "ipverse")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"AS45102.aggregated.json", "AS132591.aggregated.json"} {
		if err := os.WriteFile(filepath.Join(sub, n), readFixture(t, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := Lookup("china-asn")
	s, err := f.ReadDir(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if v4, v6 := s.PrefixCount(); v4 != 2 || v6 != 1 {
		t.Errorf("PrefixCount = %d/%d, want 2/1", v4, v6)
	}
	if _, err := f.ReadDir(t.TempDir(), time.Now()); !errors.Is(err, ErrNoFiles) {
		t.Errorf("empty dir: err = %v, want ErrNoFiles", err)
	}
}

// TestMultiFeedFiles checks that every file of a Multi feed has its own
// exact path and upstream URL, so that "update" can fetch each one.
func TestMultiFeedFiles(t *testing.T) {
	for _, id := range []string{"china-asn", "china-asn-lists", "china-isp"} {
		f, _ := Lookup(id)
		if len(f.Files) < 4 {
			t.Errorf("%s: %d files, want one per list", id, len(f.Files))
		}
		seen := map[string]bool{}
		for _, file := range f.Files {
			if strings.ContainsAny(file.Glob, "*?[") || file.URL == "" || seen[file.URL] {
				t.Errorf("%s: file %+v: want an exact path and a distinct URL", id, file)
			}
			seen[file.URL] = true
		}
	}
	f, _ := Lookup("china-asn")
	want := File{Glob: "china-asn/ipverse/AS45102.aggregated.json", URL: "https://raw.githubusercontent.com/ipverse/asn-ip/master/as/45102/aggregated.json"}
	if f.Files[0] != want {
		t.Errorf("first ipverse file = %+v, want %+v", f.Files[0], want)
	}
}

func TestResolveAzure(t *testing.T) {
	got, err := ResolveAzure(readFixture(t, "azure-details.html"))
	if err != nil {
		t.Fatal(err)
	}
	want := "https://download.microsoft.com/download/9/D/0/9D03B7E2-4B80-4BF3-9B91-DA8C7D3EE9F9/ServiceTags_China_20260720.json"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := ResolveAzure([]byte(`<html><a href="https://www.microsoft.com/download">x</a></html>`)); err == nil {
		t.Error("page without a link: no error")
	}
}
