package ranges

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// readShared builds a snapshot of feed id from one file of the shared
// directory.
func readShared(t *testing.T, id, rel string) *Snapshot {
	t.Helper()
	f, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(sharedDir(t), filepath.FromSlash(rel))
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Build([]Input{{Name: name, Data: data}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSharedHistoryDiff compares older snapshots in history/ with the
// current files, asserting the figures of these fixed snapshots: distinct
// prefixes added, removed and moved. SOURCES.md's "+68 prefixes" for AWS
// counts (prefix, service) entries: 24 new prefixes plus 41 prefixes
// that gained IOT_CORE, 68 entries in all, which the test checks too.
func TestSharedHistoryDiff(t *testing.T) {
	tests := []struct {
		feed, old, new        string
		added, removed, moved int
		entries               int // change in (prefix, placement, service) entries; -1 to skip
	}{
		{"aws", "history/aws/ip-ranges.2026-08-15.json", "aws/ip-ranges.json", 24, 0, 41, 68},
		{"google-cloud", "history/google/cloud.2025-01-25.json", "google/cloud.json", 45, 14, 0, 31},
		{"azure-public", "history/azure/ServiceTags_Public_20250728.json", "azure/ServiceTags_Public_20251028.json", 1860, 399, 318, -1},
	}
	for _, tt := range tests {
		t.Run(tt.feed, func(t *testing.T) {
			old, new := readShared(t, tt.feed, tt.old), readShared(t, tt.feed, tt.new)
			c := Diff(old, new)
			added, removed, moved := prefixes(c.Added), prefixes(c.Removed), movedPrefixes(c.Moved)
			ov4, ov6 := old.PrefixCount()
			nv4, nv6 := new.PrefixCount()
			t.Logf("%s %d/%d -> %s %d/%d prefixes: +%d -%d, %d moved (%d moves), entries %+d",
				tt.old, ov4, ov6, tt.new, nv4, nv6, added, removed, moved, len(c.Moved), entries(new)-entries(old))
			logSome(t, c)
			if got, want := added-removed, nv4+nv6-ov4-ov6; got != want {
				t.Errorf("added-removed = %d, want the change in prefix count %d", got, want)
			}
			if added != tt.added || removed != tt.removed || moved != tt.moved {
				t.Errorf("+%d -%d ~%d, want +%d -%d ~%d", added, removed, moved, tt.added, tt.removed, tt.moved)
			}
			if d := entries(new) - entries(old); tt.entries >= 0 && d != tt.entries {
				t.Errorf("entries changed by %d, want %d", d, tt.entries)
			}
		})
	}
}

// entries counts the (prefix, placement, service) entries of s.
func entries(s *Snapshot) int {
	n := 0
	for _, r := range s.Records {
		n += max(1, len(r.Services))
	}
	return n
}

// prefixes counts the distinct prefixes of recs.
func prefixes(recs []Record) int {
	s := Snapshot{Records: recs}
	v4, v6 := s.PrefixCount()
	return v4 + v6
}

// movedPrefixes counts the distinct prefixes of ms.
func movedPrefixes(ms []Move) int {
	n := 0
	for i := range ms {
		if i == 0 || ms[i].Prefix != ms[i-1].Prefix {
			n++
		}
	}
	return n
}

// logSome logs the first few changes of each kind.
func logSome(t *testing.T, c Changes) {
	t.Helper()
	for _, r := range c.Added[:min(3, len(c.Added))] {
		t.Logf("  + %s %s %s %v", r.Prefix, r.Region, r.Scope, r.Services)
	}
	for _, r := range c.Removed[:min(3, len(c.Removed))] {
		t.Logf("  - %s %s %s %v", r.Prefix, r.Region, r.Scope, r.Services)
	}
	for _, m := range c.Moved[:min(3, len(c.Moved))] {
		t.Logf("  ~ %s %s %v -> %s %v", m.Prefix, m.From.Region, m.From.Services, m.To.Region, m.To.Services)
	}
}
