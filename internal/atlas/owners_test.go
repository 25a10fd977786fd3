package atlas

import (
	"go/build"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// loadYAML loads an atlas from one in-memory file.
func loadYAML(t *testing.T, src string) *Atlas {
	t.Helper()
	a, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const ownersYAML = `
entities:
  - {id: org/op, kind: organisation, name: Operator}
  - {id: org/mid, kind: organisation, name: Mid}
  - {id: org/top, kind: organisation, name: Top}
  - {id: org/x, kind: organisation, name: X}
  - {id: org/y, kind: organisation, name: Y}
  - {id: person/p, kind: person, name: P}
statements:
  - {subject: org/mid, predicate: owns, object: org/op, share: 60, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: org/top, predicate: owns, object: org/mid, share_min: 50, share_max: 100, recorded: 2026, sources: [{url: https://e.com/2, publisher: E, published: 2020}]}
  - {subject: org/top, predicate: owns, object: org/op, share: 10, recorded: 2026, sources: [{url: https://e.com/3, publisher: E, published: 2020}]}
  - {subject: person/p, predicate: owns, object: org/top, recorded: 2026, sources: [{url: https://e.com/4, publisher: E, published: 2020}]}
  - {subject: org/x, predicate: owns, object: org/op, share: 20, to: 2019, recorded: 2026, sources: [{url: https://e.com/5, publisher: E, published: 2020}]}
  - {subject: org/y, predicate: owns, object: org/x, share: 50, recorded: 2026, sources: [{url: https://e.com/6, publisher: E, published: 2020}]}
  - {subject: org/x, predicate: owns, object: org/y, share: 50, recorded: 2026, sources: [{url: https://e.com/7, publisher: E, published: 2020}]}
  - {subject: person/p, predicate: officer, object: org/top, role: chair, recorded: 2026, sources: [{url: https://e.com/8, publisher: E, published: 2020}]}
`

func TestOwners(t *testing.T) {
	a := loadYAML(t, ownersYAML)
	if err := Check(a).Err(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	own := a.Owners("org/op", day("2020-01-01"))
	for _, o := range own.Owners {
		got[o.ID] = o.Share.String()
		if o.UnknownPaths > 0 {
			got[o.ID] += " +unknown"
		}
	}
	want := map[string]string{
		"org/mid":  "60%",
		"org/top":  "40-70%",           // 60% x 50..100% + 10%
		"person/p": "unknown +unknown", // no share on p -> top: never zero
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("owner %s share = %q, want %q", id, got[id], w)
		}
	}
	if len(own.Owners) != len(want) || len(own.Cycles) != 0 {
		t.Errorf("owners = %v, cycles %v", got, own.Cycles)
	}
	if o := own.Owners[len(own.Owners)-1]; o.ID != "person/p" || !o.Ultimate || o.Depth != 2 {
		t.Errorf("last owner = %+v, want person/p ultimate at depth 2", o)
	}
}

func TestOwnersCycle(t *testing.T) {
	a := loadYAML(t, ownersYAML)
	own := a.Owners("org/op", day("2018-06-01"))
	if len(own.Cycles) == 0 {
		t.Fatal("no cycle reported")
	}
	for _, c := range own.Cycles {
		if c[0] != c[len(c)-1] {
			t.Errorf("cycle %v does not close", c)
		}
	}
	i := slices.IndexFunc(own.Owners, func(o *Owner) bool { return o.ID == "org/y" })
	if i < 0 || own.Owners[i].Share.String() != "10%" {
		t.Errorf("org/y should own 10%% of org/op through org/x: %+v", own.Owners)
	}
}

// TestImports enforces that the domain core does no I/O of its own.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		for _, banned := range []string{"net/http", "database/sql", "os/exec", "net"} {
			if imp == banned || strings.HasPrefix(imp, banned+"/") {
				t.Errorf("package atlas imports %s", imp)
			}
		}
	}
}

// TestOwnersReportsEachCycleOnce: a cycle above two owners is met once
// through each, and entered at different ids; it is reported once.
func TestOwnersReportsEachCycleOnce(t *testing.T) {
	a := loadYAML(t, `
entities:
  - {id: org/op, kind: organisation, name: Op}
  - {id: org/a, kind: organisation, name: A}
  - {id: org/b, kind: organisation, name: B}
  - {id: org/x, kind: organisation, name: X}
  - {id: org/y, kind: organisation, name: Y}
statements:
  - {subject: org/a, predicate: owns, object: org/op, share: 50, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: org/b, predicate: owns, object: org/op, share: 50, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: org/x, predicate: owns, object: org/a, share: 100, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: org/y, predicate: owns, object: org/b, share: 100, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: org/y, predicate: owns, object: org/x, share: 50, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
  - {subject: org/x, predicate: owns, object: org/y, share: 50, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2020}]}
`)
	own := a.Owners("org/op", day("2020-01-01"))
	if len(own.Cycles) != 1 || len(own.Cycles[0]) != 3 {
		t.Errorf("cycles = %v, want the one cycle org/x -> org/y -> org/x", own.Cycles)
	}
	got := map[string]string{}
	for _, o := range own.Owners {
		got[o.ID] = o.Share.String()
	}
	// x: 50% through a, plus 50% x 50% through y and b; y likewise.
	if got["org/x"] != "75%" || got["org/y"] != "75%" {
		t.Errorf("shares = %v, want org/x and org/y at 75%%", got)
	}
}

// TestOwnersDoesNotAddRivalClaims: three sources disagree on one stake
// and the preferred one has lapsed by the date asked; the walk must count
// the stake once, from the first rival claim, not the sum of the rivals.
func TestOwnersDoesNotAddRivalClaims(t *testing.T) {
	a := loadYAML(t, `
entities:
  - {id: org/op, kind: organisation, name: Operator}
  - {id: org/top, kind: organisation, name: Top}
statements:
  - {subject: org/top, predicate: owns, object: org/op, share: 40, to: 2019, claim: stake, preferred: true, why: filing, recorded: 2026, sources: [{url: https://e.com/1, publisher: E, published: 2019}]}
  - {subject: org/top, predicate: owns, object: org/op, share: 45, claim: stake, recorded: 2026, sources: [{url: https://e.com/2, publisher: E, published: 2021}]}
  - {subject: org/top, predicate: owns, object: org/op, share: 50, claim: stake, recorded: 2026, sources: [{url: https://e.com/3, publisher: E, published: 2021}]}
`)
	facts := a.StatementsAt("org/top", "owns", time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(facts) != 1 || !facts[0].Disputed || len(facts[0].Competitors) != 1 {
		t.Fatalf("want one disputed fact with one competitor, got %+v", facts)
	}
	o := a.Owners("org/op", time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(o.Owners) != 1 || o.Owners[0].Share.Min != 45 || o.Owners[0].Share.Max != 45 {
		t.Fatalf("owners: %+v", o.Owners)
	}
}
