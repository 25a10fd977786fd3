package guard

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func v(id string, day, prefixes int, sha string) Version {
	return Version{File: "aws/ip-ranges.json", ID: id, Files: 1, SHA256: sha, Prefixes: prefixes,
		Date: time.Date(2026, 8, day, 0, 0, 0, 0, time.UTC)}
}

func TestSuccessor(t *testing.T) {
	cur := v("1787411825", 22, 1000, "aaaa")
	cur.Snapshot = 3
	tests := []struct {
		name   string
		next   Version
		reason Reason
		msg    string
	}{
		{"newer", v("1787411826", 23, 1010, "bbbb"), "", ""},
		{"id backwards", v("1700000000", 23, 1000, "bbbb"), IDBackwards,
			"aws/ip-ranges.json: upstream id went backwards (1700000000, current snapshot 3 has 1787411825): refusing; use --force to accept"},
		{"same id, new content", v("1787411825", 22, 1000, "bbbbbbbbbbbbbbbbbbbb"), ChangedSameID,
			"content changed under the same upstream id 1787411825 (sha256 bbbbbbbbbbbb, current snapshot 3 has aaaa)"},
		{"date backwards", v("1787411826", 1, 1000, "bbbb"), DateBackwards,
			"upstream date went backwards (2026-08-01, current snapshot 3 is of 2026-08-22)"},
		{"shrank", v("1787411826", 23, 799, "bbbb"), Shrank, "only 799 prefixes, down from 1000 in snapshot 3 (more than 20% lost)"},
		{"shrank to the bound", v("1787411826", 23, 800, "bbbb"), "", ""},
		{"grew", v("1787411826", 23, 1501, "bbbb"), Grew, "1501 prefixes, up from 1000 in snapshot 3 (more than 50% growth)"},
		{"grew to the bound", v("1787411826", 23, 1500, "bbbb"), "", ""},
		{"no ids, no dates", Version{File: "x", SHA256: "c", Prefixes: 1000}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Successor(cur, tt.next, DefaultLimits)
			if tt.reason == "" {
				if r != nil {
					t.Fatalf("refused: %v", r)
				}
				return
			}
			if r == nil || r.Reason != tt.reason || !strings.Contains(r.Error(), tt.msg) {
				t.Fatalf("got %v, want %s: %q", r, tt.reason, tt.msg)
			}
			var err error = r
			var target *Refusal
			if !errors.As(err, &target) {
				t.Fatal("a refusal is not an error of type *Refusal")
			}
		})
	}
}

// TestChangedSameIDIgnoresMultiFileVersions: the id of a multi-file
// version is its newest file's, which need not change when another file
// does.
func TestChangedSameIDIgnoresMultiFileVersions(t *testing.T) {
	cur, next := v("2025-07-04", 22, 100, "aaaa"), v("2025-07-04", 22, 100, "bbbb")
	next.Files = 4
	if r := Successor(cur, next, DefaultLimits); r != nil {
		t.Fatalf("refused: %v", r)
	}
}

func TestCompareIDs(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"0010", "9", 1}, {"1787411825", "1787411825", 0},
		{"2026-08-22", "2026-08-15", 1}, {"abc", "abd", -1},
	} {
		if got := CompareIDs(c.a, c.b); got != c.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// FuzzSuccessor checks the guard on arbitrary pairs of versions: it never
// panics, a version never refuses itself, and every refusal names the
// file and one of the documented reasons.
func FuzzSuccessor(f *testing.F) {
	f.Add("1787411825", int64(1755827900), 7905, "aaaa", "1787411826", int64(1755827999), 8000, "bbbb", uint8(1))
	f.Add("", int64(0), 0, "", "", int64(0), 0, "", uint8(0))
	f.Add("0010", int64(-5), 5, "x", "9", int64(7), 2, "y", uint8(3))
	f.Fuzz(func(t *testing.T, id1 string, d1 int64, n1 int, sha1, id2 string, d2 int64, n2 int, sha2 string, files uint8) {
		cur := Version{File: "cur.json", Snapshot: 1, ID: id1, Files: 1, Date: time.Unix(d1, 0), SHA256: sha1, Prefixes: n1}
		next := Version{File: "next.json", ID: id2, Files: int(files), Date: time.Unix(d2, 0), SHA256: sha2, Prefixes: n2}
		if r := Successor(cur, cur, DefaultLimits); r != nil && cur.Prefixes >= 0 {
			t.Fatalf("a version refuses itself: %v", r)
		}
		r := Successor(cur, next, DefaultLimits)
		if r == nil {
			return
		}
		switch r.Reason {
		case IDBackwards, ChangedSameID, DateBackwards, Shrank, Grew:
		default:
			t.Fatalf("unknown reason %q", r.Reason)
		}
		if !strings.HasPrefix(r.Error(), "next.json: ") {
			t.Fatalf("refusal does not name the file: %v", r)
		}
	})
}
