package routing

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// testLimits accepts the small synthetic fixtures.
var testLimits = Limits{
	MinASN4: 1, MinASN6: 1, MinCountry4: 1, MinCountry6: 1,
	MaxCrossingShare: 0.5, MaxMember: 1 << 20, MaxUnpacked: 4 << 20,
}

// tarMember is one file of a synthetic tarball.
type tarMember struct {
	name, body string
	typ        byte // tar type flag; 0 means a regular file
}

// tgz packs members as npm does: gzip over tar, under package/.
func tgz(t testing.TB, members []tarMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range members {
		typ := m.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: typ}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(m.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func manifest(pkg, version string) tarMember {
	return tarMember{name: "package/package.json", body: fmt.Sprintf(`{"name":%q,"version":%q,"license":"CC-BY-4.0"}`, pkg, version)}
}

// fixture is the CSV text of the four members of a synthetic import.
type fixture struct {
	asn4, asn6, cc4, cc6 string
}

// goodFixture is a small import with known answers: nested and crossing
// country rows, unrouted country rows and a routed range with no country.
func goodFixture() fixture {
	return fixture{
		asn4: lines(
			`1.0.0.0,1.0.0.255,64500,"Example, Inc."`,
			`1.0.4.0,1.0.7.255,64501,Second Net`,
			`1.0.8.0,1.0.8.255,64500,"Example, Inc."`,
			`8.8.8.0,8.8.8.255,64502,"Third ""Quoted"" Ltd"`,
			`192.88.99.0,192.88.99.255,64503,Relay`,
		),
		asn6: lines(
			`2001:db9::,2001:db9:ffff:ffff:ffff:ffff:ffff:ffff,64500,"Example, Inc."`,
			`2400::,2400::ffff,64504,Tiny Six`,
		),
		cc4: lines(
			`1.0.0.0,1.0.0.255,AU`,
			`1.0.1.0,1.0.3.255,CN`,
			`1.0.4.0,1.0.7.255,AU`,
			`1.0.5.0,1.0.5.255,NZ`,
			`1.0.5.128,1.0.5.129,FJ`,
			`1.0.8.0,1.0.8.255,AU`,
			`192.88.99.0,192.88.99.255,US`,
		),
		cc6: lines(
			`2001:db9::,2001:db9:ffff:ffff:ffff:ffff:ffff:ffff,DE`,
			`2001:db9:1::,2001:db9:1::ffff,FR`,
		),
	}
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// tarballs packs f as the two packages, version 1.2.3.
func (f fixture) tarballs(t testing.TB) (asn, country *Tarball) {
	t.Helper()
	a := tgz(t, []tarMember{manifest(PackageASN, "1.2.3"),
		{name: memberASN4, body: f.asn4}, {name: memberASN6, body: f.asn6},
		{name: "package/DBIP-LICENSE", body: "licence text"}})
	c := tgz(t, []tarMember{manifest(PackageCountry, "1.2.3"),
		{name: memberCountry4, body: f.cc4}, {name: memberCountry6, body: f.cc6}})
	return NewTarball(PackageASN, "1.2.3", "asn-1.2.3.tgz", a),
		NewTarball(PackageCountry, "1.2.3", "country-1.2.3.tgz", c)
}

func mustParse(t testing.TB, f fixture) *Table {
	t.Helper()
	asn, cc := f.tarballs(t)
	tbl, _, err := Parse(asn, cc, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// checkTable checks what every table must satisfy: each family's
// intervals are sorted and disjoint, each is found by looking up its
// first and last address, and everything around them is not.
func checkTable(t *testing.T, tbl *Table) {
	t.Helper()
	var prev Route
	n := 0
	for r := range tbl.All() {
		n++
		if r.Last.Less(r.First) {
			t.Fatalf("interval %v-%v: first after last", r.First, r.Last)
		}
		if prev.First.IsValid() && prev.First.Is4() == r.First.Is4() && !prev.Last.Less(r.First) {
			t.Fatalf("interval %v-%v overlaps or precedes %v-%v", r.First, r.Last, prev.First, prev.Last)
		}
		for _, a := range []netip.Addr{r.First, r.Last} {
			got, ok := tbl.Lookup(a)
			if !ok || got != r {
				t.Fatalf("Lookup(%v) = %+v, %v; want %+v", a, got, ok, r)
			}
		}
		if prev.First.IsValid() && prev.First.Is4() == r.First.Is4() && prev.Last.Next() != r.First {
			if got, ok := tbl.Lookup(r.First.Prev()); ok {
				t.Fatalf("Lookup(%v) in a gap = %+v", r.First.Prev(), got)
			}
		}
		prev = r
	}
	v4, v6 := tbl.Len()
	if n != v4+v6 {
		t.Fatalf("All yielded %d routes, Len says %d+%d", n, v4, v6)
	}
}

// expand lists the value of every address of entries over a small space.
func expand[V comparable](es []entry[V], size int) []*V {
	out := make([]*V, size)
	for i := range es {
		for a := es[i].first.lo; a <= es[i].last.lo; a++ {
			out[a] = &es[i].v
		}
	}
	return out
}

func sortedCopy[S ~[]E, E any](s S, cmp func(a, b E) int) S {
	c := slices.Clone(s)
	slices.SortStableFunc(c, cmp)
	return c
}

func gzipWriter(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
