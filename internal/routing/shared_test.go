package routing

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// sharedDir returns the directory of the real packages, found as
// shared/data/asn beside the repository. Tests that need it are skipped
// when it is missing, unless CLOUDATLAS_REQUIRE_SHARED=1 makes its
// absence a failure.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "data", "asn")
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
		t.Fatal("../shared/data/asn not found and CLOUDATLAS_REQUIRE_SHARED=1")
	}
	t.Skip("../shared/data/asn not found")
	return ""
}

var shared struct {
	once  sync.Once
	table *Table
	stats Stats
	took  time.Duration
	err   error
}

// sharedTable parses the real packages once per test binary.
func sharedTable(t testing.TB) (*Table, Stats) {
	t.Helper()
	dir := sharedDir(t)
	shared.once.Do(func() {
		asn, cc, err := ImportDir(dir)
		if err != nil {
			shared.err = err
			return
		}
		start := time.Now()
		shared.table, shared.stats, shared.err = Parse(asn, cc, DefaultLimits)
		shared.took = time.Since(start)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.table, shared.stats
}

func TestSharedCounts(t *testing.T) {
	tbl, st := sharedTable(t)
	t.Logf("parse of both tarballs: %v", shared.took)
	want := []int{411961, 103197, 334373, 216295} // SOURCES.md and wc -l
	for i, f := range st.Files {
		t.Logf("%s %s: %d rows, %d nested, %d crossing", f.Tarball, f.Member, f.Rows, f.Nested, f.Crossing)
		if f.Rows != want[i] {
			t.Errorf("%s: %d rows, want %d", f.Member, f.Rows, want[i])
		}
	}
	v4, v6 := tbl.Len()
	t.Logf("intervals: %d IPv4, %d IPv6; without country: %d, %d; encoded %d bytes",
		v4, v6, st.NoCountry4, st.NoCountry6, len(tbl.Bytes()))
	if m := tbl.Meta(); m.ASNVersion != "2.3.2026061719" || m.CountryVersion != "2.3.2026061719" {
		t.Errorf("meta = %+v", m)
	}
}
