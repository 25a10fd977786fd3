package update

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/guard"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

var day0 = time.Date(2026, 8, 22, 15, 17, 5, 0, time.UTC)

// newUpdater returns an updater over a fresh data dir.
func newUpdater(t *testing.T) *Updater {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Updater{Store: db, Dir: dir, Now: func() time.Time { return day0.Add(time.Hour) }}
}

// importVersion writes v of format f into a fresh directory and imports it.
func importVersion(t *testing.T, u *Updater, f format, v version) Result {
	t.Helper()
	u.From = t.TempDir()
	f.write(t, u.From, v)
	feed, err := ranges.Lookup(f.feed)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := u.Run(context.Background(), []*ranges.Feed{feed})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 {
		t.Fatalf("%d results: %+v", len(rep.Results), rep.Results)
	}
	return rep.Results[0]
}

func current(t *testing.T, db *store.DB, feed string) store.SnapshotInfo {
	t.Helper()
	cur, err := db.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cur, func(c store.SnapshotInfo) bool { return c.Feed == feed })
	if i < 0 {
		t.Fatalf("no current snapshot of %s", feed)
	}
	return cur[i]
}

// TestGuardForEveryFormat runs each refusal on every official feed
// format: the guard trusts content, not labels, whatever the format.
func TestGuardForEveryFormat(t *testing.T) {
	base := publicPrefixes(30)
	for _, f := range formats {
		t.Run(f.feed, func(t *testing.T) {
			u := newUpdater(t)
			first := importVersion(t, u, f, version{id: 100, date: day0, prefixes: base})
			if first.Status != Saved {
				t.Fatalf("first import: %+v", first)
			}
			next := version{id: 101, date: day0.AddDate(0, 0, 7)}
			cases := []struct {
				name   string
				v      version
				reason guard.Reason
				skip   bool
			}{
				{"special-purpose", with(next, append(slices.Clone(base), "100.64.0.0/10")), guard.SpecialPurpose, false},
				{"grew", with(next, publicPrefixes(60)), guard.Grew, false},
				{"shrank", with(next, base[:15]), guard.Shrank, false},
				{"same id, new content", version{id: 100, date: day0, prefixes: base[1:]}, guard.ChangedSameID, !f.hasID},
				{"older date", version{id: 101, date: day0.AddDate(-7, 0, 0), prefixes: base[1:]}, guard.DateBackwards, !f.dated},
			}
			for _, c := range cases {
				if c.skip {
					continue
				}
				res := importVersion(t, u, f, c.v)
				if res.Status != Refused || res.Refusal == nil {
					t.Fatalf("%s: %+v", c.name, res)
				}
				// Oracle's version marker is its date: an older date is an
				// older id first.
				if res.Refusal.Reason != c.reason && !(c.reason == guard.DateBackwards && res.Refusal.Reason == guard.IDBackwards) {
					t.Fatalf("%s: refused for %s: %v", c.name, res.Refusal.Reason, res.Err)
				}
				if !strings.Contains(res.Err.Error(), u.From) {
					t.Fatalf("%s: the refusal does not name the file: %v", c.name, res.Err)
				}
				if cur := current(t, u.Store, f.feed); cur.ID != first.Snapshot.ID {
					t.Fatalf("%s: the refused snapshot became current: %+v", c.name, cur)
				}
			}
			// Forced, a provider file with special-purpose space is taken
			// without those prefixes.
			u.Force = true
			res := importVersion(t, u, f, with(next, append(slices.Clone(base), "100.64.0.0/10")))
			if res.Status != Saved || len(res.Warnings) != 1 ||
				res.Warnings[0] != "dropped 100.64.0.0/10: inside shared address space (RFC 6598), not a cloud range" {
				t.Fatalf("forced: %+v", res)
			}
			if res.Snapshot.V4+res.Snapshot.V6 != first.Snapshot.V4+first.Snapshot.V6 {
				t.Fatalf("forced: the special prefix was kept: %+v", res.Snapshot)
			}
		})
	}
}

func with(v version, prefixes []string) version {
	v.prefixes = prefixes
	return v
}

// TestIssue13Item2 is the reproduction of issue 13 item 2 on the AWS
// file: each tampered file is refused, naming the file, and
// 52.80.0.1 keeps its answer.
func TestIssue13Item2(t *testing.T) {
	ctx := context.Background()
	f := formats[0]
	base := append([]string{"52.80.0.0/16"}, publicPrefixes(40)[2:]...)
	u := newUpdater(t)
	first := importVersion(t, u, f, version{id: 1787411825, date: day0, prefixes: base})
	if first.Status != Saved {
		t.Fatal(first)
	}
	tampered := []struct {
		name   string
		v      version
		reason guard.Reason
	}{
		{"52.80.0.0/16 deleted under the same syncToken",
			version{id: 1787411825, date: day0, prefixes: base[1:]}, guard.ChangedSameID},
		{"same syncToken, createDate from 2019",
			version{id: 1787411825, date: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), prefixes: base}, guard.ChangedSameID},
		{"newer syncToken, createDate from 2019",
			version{id: 1787411826, date: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), prefixes: base}, guard.DateBackwards},
		{"ten times larger, carrying 100.64.0.0/10",
			version{id: 1787411826, date: day0.Add(time.Hour), prefixes: append(publicPrefixes(400), "100.64.0.0/10")}, guard.SpecialPurpose},
		{"ten times larger",
			version{id: 1787411826, date: day0.Add(time.Hour), prefixes: publicPrefixes(400)}, guard.Grew},
	}
	for _, c := range tampered {
		res := importVersion(t, u, f, c.v)
		if res.Status != Refused || res.Refusal.Reason != c.reason {
			t.Fatalf("%s: %+v", c.name, res)
		}
		t.Logf("%s: %v", c.name, res.Err)
	}
	// A made-up region under the same syncToken.
	u.From = t.TempDir()
	writeAWS(t, u.From, version{id: 1787411825, date: day0, prefixes: base})
	replaceIn(t, u.From+"/aws/ip-ranges.json", `"region": "us-east-1"`, `"region": "us-made-up-1"`)
	rep, _ := u.Run(ctx, []*ranges.Feed{mustFeed(t, "aws")})
	if r := rep.Results[0]; r.Status != Refused || r.Refusal.Reason != guard.ChangedSameID {
		t.Fatalf("made-up region: %+v", r)
	}
	ix, err := index.Open(ctx, u.Store, u.Dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ix.Scan(mustAddr("52.80.0.1"))
	if err != nil || len(m) != 1 || m[0].Source.SnapshotID != first.Snapshot.ID || m[0].Record.Region != "us-east-1" {
		t.Fatalf("52.80.0.1 after the refusals: %+v %v", m, err)
	}
}

func mustFeed(t *testing.T, id string) *ranges.Feed {
	t.Helper()
	f, err := ranges.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestThirdPartyListsDropSpecialPrefixes: a derived list keeps today's
// behaviour: the prefixes are dropped with a warning, the rest saved.
func TestThirdPartyListsDropSpecialPrefixes(t *testing.T) {
	u := newUpdater(t)
	u.From = t.TempDir()
	put(t, u.From, "derived/lord-alfred/vultr/ipv4.txt", []byte("45.32.0.0/16\n192.168.0.0/16\n"))
	put(t, u.From, "derived/lord-alfred/vultr/ipv6.txt", []byte("2001:19f0::/32\n"))
	rep, err := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "vultr")})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[0]
	if r.Status != Saved || r.Snapshot.V4 != 1 || r.Snapshot.V6 != 1 ||
		!slices.Equal(r.Warnings, []string{"dropped 192.168.0.0/16: inside private-use space (RFC 1918), not a cloud range"}) {
		t.Fatalf("%+v", r)
	}
}

// TestUnchangedAndRefusedKeepCurrent: the same file twice is unchanged;
// a refused one leaves the failure count and the current snapshot.
func TestUnchangedAndRefusedKeepCurrent(t *testing.T) {
	u := newUpdater(t)
	v := version{id: 5, date: day0, prefixes: publicPrefixes(10)}
	first := importVersion(t, u, formats[0], v)
	again := importVersion(t, u, formats[0], v)
	if again.Status != Unchanged || again.Reason != "snapshot 1, same sha256" || again.Snapshot.ID != first.Snapshot.ID {
		t.Fatalf("again: %+v", again)
	}
	u.From = t.TempDir()
	writeAWS(t, u.From, version{id: 4, date: day0, prefixes: publicPrefixes(10)})
	rep, _ := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "aws")})
	if rep.Failed() != 1 || !errors.As(rep.Results[0].Err, new(*guard.Refusal)) {
		t.Fatalf("older id: %+v", rep)
	}
}
