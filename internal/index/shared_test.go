package index

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// TestSharedRoundTrip writes every real feed to an index file and reads
// it back: the records must come back exactly, whatever their prefix
// lengths (an IPv6 /128 once decoded as /0).
func TestSharedRoundTrip(t *testing.T) {
	dir, _ := filepath.Abs("../../../shared/data/ranges")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
			t.Fatalf("../shared/data/ranges is required (CLOUDATLAS_REQUIRE_SHARED=1): %v", err)
		}
		t.Skip("../shared/data/ranges not found beside the repository")
	}
	var sets []lpm.Set
	for i, f := range ranges.Feeds {
		s, err := f.ReadDir(dir, time.Unix(1e9, 0).UTC())
		if errors.Is(err, ranges.ErrNoFiles) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, lpm.Set{Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: i, SnapshotID: int64(i + 1),
			UpstreamID: s.UpstreamID, UpstreamDate: s.UpstreamDate, Fetched: s.Fetched}, Records: s.Records})
	}
	ix, err := FromSets(sets)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Read(writeTemp(t, ix))
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Sets()
	if err != nil {
		t.Fatal(err)
	}
	for i := range sets {
		if !reflect.DeepEqual(got[i].Source, sets[i].Source) {
			t.Errorf("%s: source %+v, want %+v", sets[i].Source.Feed, got[i].Source, sets[i].Source)
		}
		for j := range sets[i].Records {
			w, g := sets[i].Records[j], got[i].Records[j]
			if len(w.Services) == 0 {
				w.Services = nil
			}
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%s record %d: got %+v, want %+v", sets[i].Source.Feed, j, g, w)
			}
		}
	}
}
