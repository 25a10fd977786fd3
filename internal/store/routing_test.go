package store

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func routingSnapshot(version string, table []byte) *RoutingSnapshot {
	return &RoutingSnapshot{
		ASNVersion: version, ASNIntegrity: "sha512-a" + version, ASNSHA256: "aa" + version,
		CountryVersion: version, CountryIntegrity: "sha512-c" + version, CountrySHA256: "cc" + version,
		Fetched: time.Date(2026, 12, 2, 4, 5, 6, 0, time.UTC), Source: "https://registry.npmjs.org",
		V4: 564701, V6: 238604, Table: table,
	}
}

func TestRoutingSnapshots(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CurrentRouting(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store: err = %v, want ErrNotFound", err)
	}
	if h, err := db.RoutingHistory(ctx); err != nil || len(h) != 0 {
		t.Fatalf("empty history: %v, %v", h, err)
	}
	if _, err := db.SaveRouting(ctx, routingSnapshot("2.3.1", nil)); err == nil {
		t.Fatal("saved a snapshot with no table")
	}
	old := routingSnapshot("2.3.2026051719", bytes.Repeat([]byte{0, 1, 0xff}, 1000))
	id1, err := db.SaveRouting(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	cur := routingSnapshot("2.3.2026061719", []byte("CATROUTE\x00table"))
	id2, err := db.SaveRouting(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	old.ID, cur.ID = id1, id2
	got, err := db.CurrentRouting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cur) {
		t.Errorf("current:\n got %+v\nwant %+v", got, cur)
	}
	db.Close()

	// Every version is kept, across a reopen.
	db, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	back, err := db.LoadRouting(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, old) {
		t.Errorf("load %d:\n got %+v\nwant %+v", id1, back, old)
	}
	hist, err := db.RoutingHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].ID != id1 || hist[1].ID != id2 || hist[0].Table != nil ||
		hist[1].ASNVersion != "2.3.2026061719" || hist[1].CountrySHA256 != "cc2.3.2026061719" {
		t.Errorf("history: %+v", hist)
	}
	if _, err := db.LoadRouting(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing snapshot: err = %v", err)
	}
}
