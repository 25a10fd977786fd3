package update

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// fuzzSnapshot builds a snapshot of feed from fuzzed parts: an upstream
// id, a date, n prefixes starting at the n0-th, and optionally one in
// special-purpose space. The content hash follows the content.
func fuzzSnapshot(feed string, id uint16, date int32, n0, n uint8, special bool) *ranges.Snapshot {
	s := &ranges.Snapshot{Feed: feed, UpstreamDate: time.Unix(int64(date)*3600, 0).UTC(), Fetched: day0}
	if id > 0 {
		s.UpstreamID = fmt.Sprint(id)
	}
	for i := range int(n%64) + 1 {
		k := int(n0) + i
		s.Records = append(s.Records, ranges.Record{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{52, byte(k), 0, 0}), 16),
			Provider: "aws", Partition: "aws"})
	}
	if special {
		r := ranges.Record{Prefix: netip.MustParsePrefix("100.64.0.0/10"), Provider: "aws", Partition: "aws"}
		s.Records = append(s.Records, r)
		s.Special = findingsOf(r.Prefix)
	}
	s.SHA256 = fmt.Sprintf("%d/%d/%d/%d/%d/%v", id, date, n0, n%64, len(s.Records), special)
	s.Source = feed + ".json"
	return s
}

// FuzzGuard saves random pairs of snapshots of one feed, the second
// through the guard, on a real store: no panic, and the current
// snapshot changes exactly when the second is saved; a refused or
// unchanged one never becomes current.
func FuzzGuard(f *testing.F) {
	f.Add(uint16(5), int32(100), uint8(0), uint8(10), false, uint16(4), int32(100), uint8(0), uint8(10), false, false)
	f.Add(uint16(5), int32(100), uint8(0), uint8(10), false, uint16(5), int32(90), uint8(1), uint8(10), false, false)
	f.Add(uint16(5), int32(100), uint8(0), uint8(10), false, uint16(6), int32(110), uint8(0), uint8(40), true, false)
	f.Add(uint16(0), int32(0), uint8(3), uint8(3), true, uint16(0), int32(0), uint8(3), uint8(1), false, true)
	dir := f.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		f.Fatal(err)
	}
	var feeds atomic.Int64
	f.Fuzz(func(t *testing.T, id1 uint16, d1 int32, a1, n1 uint8, s1 bool, id2 uint16, d2 int32, a2, n2 uint8, s2, force bool) {
		ctx := context.Background()
		feed := fmt.Sprintf("fz%d", feeds.Add(1))
		u := &Updater{Store: db, Dir: dir, Force: true}
		first := u.save(ctx, candidate{snap: fuzzSnapshot(feed, id1, d1, a1, n1, s1), files: []string{"a"}})
		if first.Status != Saved {
			t.Fatalf("forced first snapshot: %+v", first)
		}
		u.Force = force
		second := u.save(ctx, candidate{snap: fuzzSnapshot(feed, id2, d2, a2, n2, s2), files: []string{"b"}})
		cur := current(t, db, feed)
		switch second.Status {
		case Saved:
			if cur.ID != second.Snapshot.ID {
				t.Fatalf("saved snapshot %d is not current (%d)", second.Snapshot.ID, cur.ID)
			}
		case Refused, Unchanged:
			if cur.ID != first.Snapshot.ID {
				t.Fatalf("%s, yet the current snapshot changed to %d", second.Status, cur.ID)
			}
			if second.Status == Refused && (force || second.Refusal == nil) {
				t.Fatalf("refused with force %v: %+v", force, second)
			}
		default:
			t.Fatalf("unexpected result %+v", second)
		}
	})
}
