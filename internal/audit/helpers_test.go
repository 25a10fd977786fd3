package audit

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// testDay is the audits' as-of day, as the CLI tests' fixed clock gives it.
var testDay = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

// AtlasFS returns the fixture atlas the CLI tests use
// (internal/atlas/testdata/atlas) with the audit's EU additions
// (testdata/atlas-eu.yaml).
func atlasFS(tb testing.TB) fs.FS {
	tb.Helper()
	m := fstest.MapFS{}
	base := os.DirFS("../atlas/testdata/atlas")
	names, err := fs.Glob(base, "*.yaml")
	if err != nil || len(names) == 0 {
		tb.Fatalf("fixture atlas: %v (%d files)", err, len(names))
	}
	for _, n := range names {
		data, err := fs.ReadFile(base, n)
		if err != nil {
			tb.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: data}
	}
	data, err := os.ReadFile("testdata/atlas-eu.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	m["audit-eu.yaml"] = &fstest.MapFile{Data: data}
	return m
}

// fixtureAtlas loads the atlas of atlasFS and fails on any problem.
func fixtureAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	a, err := atlas.Load(atlasFS(tb))
	if err != nil {
		tb.Fatal(err)
	}
	if err := atlas.Check(a).Err(); err != nil {
		tb.Fatalf("fixture atlas has problems:\n%v", err)
	}
	return a
}

// fixtureRanges builds the lookup table of the CLI tests' fixture feeds
// (internal/cli/testdata/feeds), snapshot ids from 1 in feed order.
func fixtureRanges(tb testing.TB) answer.Ranges {
	tb.Helper()
	var sets []lpm.Set
	for i := range ranges.Feeds {
		f := &ranges.Feeds[i]
		snap, err := f.ReadDir("../cli/testdata/feeds", testDay)
		if errors.Is(err, ranges.ErrNoFiles) {
			continue
		}
		if err != nil {
			tb.Fatalf("feed %s: %v", f.ID, err)
		}
		sets = append(sets, lpm.Set{Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: i, SnapshotID: int64(len(sets) + 1),
			UpstreamID: snap.UpstreamID, UpstreamDate: snap.UpstreamDate, Fetched: snap.Fetched}, Records: snap.Records})
	}
	return lpm.Build(sets)
}

// readFile reads a test data file.
func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// policy parses and checks a policy file of testdata.
func policy(tb testing.TB, a *atlas.Atlas, name string) *Policy {
	tb.Helper()
	p, err := ParsePolicy(name, readFile(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Check(a); err != nil {
		tb.Fatal(err)
	}
	return p
}

// inventory parses inventory files of testdata.
func inventory(tb testing.TB, names ...string) ([]*Asset, []InventoryFile) {
	tb.Helper()
	var assets []*Asset
	var files []InventoryFile
	for _, n := range names {
		as, info, err := ParseInventory(n, readFile(tb, n))
		if err != nil {
			tb.Fatal(err)
		}
		assets, files = append(assets, as...), append(files, info)
	}
	return assets, files
}

// audit runs a policy over inventories as of day, passes included.
func runAudit(tb testing.TB, a *atlas.Atlas, p *Policy, day time.Time, names *answer.Names, files ...string) *Report {
	tb.Helper()
	assets, infos := inventory(tb, files...)
	env := Env{Join: answer.New(a), Ranges: fixtureRanges(tb), Names: names, Day: day, IncludePasses: true}
	return Evaluate(context.Background(), env, p, assets, infos)
}

// statuses maps "rule asset-input" to the finding's status.
func statuses(r *Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Findings {
		k := f.Rule.ID + " " + f.Asset.Input
		if f.Asset.Resource != "" {
			k = f.Rule.ID + " " + f.Asset.Resource + " " + f.Asset.Input
		}
		out[k] = f.Status
	}
	return out
}

func newJoin(a *atlas.Atlas) *answer.Joiner { return answer.New(a) }
