package routing

import (
	"path/filepath"
	"testing"
	"time"
)

// TestFileNamesItsStore: a routing file keeps the store it came from, and
// one from the data directory's own store has none.
func TestFileNamesItsStore(t *testing.T) {
	tbl, err := Open(encode(Meta{"1", "2"}, nil, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2026, 12, 2, 4, 5, 6, 0, time.UTC)
	for _, tag := range []string{"", "store 0123456789abcdef0123456789abcdef"} {
		path := filepath.Join(t.TempDir(), FileName)
		if err := WriteFile(path, Stored{Table: tbl, Snapshot: 7, Fetched: fetched, Store: tag}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(path)
		if err != nil || got.Store != tag || got.Snapshot != 7 || !got.Fetched.Equal(fetched) || got.Table.Meta().ASNVersion != "1" {
			t.Errorf("tag %q: read back %+v, %v", tag, got, err)
		}
	}
	for _, bad := range []string{"abc", "store a\nb"} {
		if err := WriteFile(filepath.Join(t.TempDir(), FileName), Stored{Table: tbl, Store: bad}); err == nil {
			t.Errorf("store tag %q written", bad)
		}
	}
}
