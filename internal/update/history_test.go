package update

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// writeHistory lays out a history/ folder like ../shared/data/ranges/history.
func writeHistory(t *testing.T, from string) {
	t.Helper()
	h := filepath.Join(from, HistoryDir)
	// Written newest first, and named so that name order is not date
	// order: the import must go by the dates inside.
	writeAWSAs(t, h, "aws/ip-ranges.b-2026-08-15.json", version{id: 1786806425, date: time.Date(2026, 8, 15, 15, 7, 5, 0, time.UTC), prefixes: publicPrefixes(24)})
	writeAWSAs(t, h, "aws/ip-ranges.a-2025-08-22.json", version{id: 1755827900, date: time.Date(2025, 8, 22, 1, 58, 20, 0, time.UTC), prefixes: publicPrefixes(20)})
}

func writeAWSAs(t *testing.T, dir, rel string, v version) {
	t.Helper()
	tmp := t.TempDir()
	writeAWS(t, tmp, v)
	put(t, dir, rel, readFile(t, filepath.Join(tmp, "aws", "ip-ranges.json")))
}

// TestHistoryImportedOldestFirst: on a fresh data dir, --from imports the
// history folder oldest first, then the current file, so that a diff of
// the last two snapshots works at once; a second run stores nothing.
func TestHistoryImportedOldestFirst(t *testing.T) {
	ctx := context.Background()
	u := newUpdater(t)
	u.From = t.TempDir()
	writeHistory(t, u.From)
	writeAWS(t, u.From, version{id: 1787411825, date: day0, prefixes: publicPrefixes(25)})
	rep, err := u.Run(ctx, []*ranges.Feed{mustFeed(t, "aws")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Status.String()+" "+r.Snapshot.UpstreamID+" "+filepath.Base(r.Source))
	}
	want := []string{"saved 1755827900 ip-ranges.a-2025-08-22.json", "saved 1786806425 ip-ranges.b-2026-08-15.json", "saved 1787411825 ip-ranges.json"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || !rep.Results[0].History || rep.Results[2].History {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	hist, _ := u.Store.History(ctx, "aws")
	if len(hist) != 3 || hist[2].UpstreamID != "1787411825" || current(t, u.Store, "aws").UpstreamID != "1787411825" {
		t.Fatalf("history %+v", hist)
	}
	if si, ok := store.InForceAt(hist, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); !ok || si.UpstreamID != "1755827900" {
		t.Fatalf("in force on 2026-01-01: %+v %v", si, ok)
	}

	rep, _ = u.Run(ctx, []*ranges.Feed{mustFeed(t, "aws")})
	got = got[:0]
	for _, r := range rep.Results {
		got = append(got, r.Status.String()+": "+r.Reason)
	}
	want = []string{"skipped: already stored as snapshot 1", "skipped: already stored as snapshot 2", "unchanged: snapshot 3, same sha256"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("second run:\n%s", strings.Join(got, "\n"))
	}
}

// TestHistoryOlderThanCurrentIsSkipped: a history file that is not
// stored and is older than the current snapshot cannot become current,
// forced or not: it is skipped, saying why.
func TestHistoryOlderThanCurrentIsSkipped(t *testing.T) {
	u := newUpdater(t)
	first := importVersion(t, u, formats[0], version{id: 1787411825, date: day0, prefixes: publicPrefixes(25)})
	u.Force = true
	u.From = t.TempDir()
	writeHistory(t, u.From)
	rep, _ := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "aws")})
	r := rep.Results[0]
	if r.Status != Skipped || r.Reason != "dated 2025-08-22, not after the current snapshot 1 (2026-08-22): history is imported only before newer snapshots" {
		t.Fatalf("%+v", r)
	}
	if current(t, u.Store, "aws").ID != first.Snapshot.ID {
		t.Fatal("a history file became current")
	}
}

// TestUndatedHistoryIsDatedByItsName: GitHub's meta carries no date;
// its history files are dated by their names.
func TestUndatedHistoryIsDatedByItsName(t *testing.T) {
	u := newUpdater(t)
	u.From = t.TempDir()
	writeGitHub(t, u.From, version{prefixes: publicPrefixes(12)})
	h := filepath.Join(u.From, HistoryDir)
	// The feed's file is github/meta.json; its history files carry their
	// dates in their names, in either spelling.
	for name, n := range map[string]int{"github/meta.2025-03-01.json": 10, "github/meta-20241201.json": 9} {
		tmp := t.TempDir()
		writeGitHub(t, tmp, version{prefixes: publicPrefixes(n)})
		put(t, h, name, readFile(t, filepath.Join(tmp, "github", "meta.json")))
	}
	rep, _ := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "github")})
	var got []string
	for _, r := range rep.Results {
		got = append(got, fmt.Sprintf("%s %v %s %d", r.Status, r.History, day(r.Snapshot.UpstreamDate), r.Snapshot.V4+r.Snapshot.V6))
	}
	want := "saved true 2024-12-01 9\nsaved true 2025-03-01 10\nsaved false 0001-01-01 12"
	if strings.Join(got, "\n") != want {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// TestHistoryOfMultiFileFeedsIsNotImported says so instead.
func TestHistoryOfMultiFileFeedsIsNotImported(t *testing.T) {
	u := newUpdater(t)
	u.From = t.TempDir()
	writeCloudflare(t, u.From, version{prefixes: publicPrefixes(6)})
	writeCloudflare(t, filepath.Join(u.From, HistoryDir), version{prefixes: publicPrefixes(5)})
	rep, _ := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "cloudflare")})
	if len(rep.Results) != 2 || rep.Results[0].Status != Skipped ||
		!strings.HasPrefix(rep.Results[0].Reason, "history files of a feed made of several files are not imported: ") ||
		rep.Results[1].Status != Saved {
		t.Fatalf("%+v", rep.Results)
	}
}
