package routing

import (
	"context"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/store"
)

// TestStoreRoundTrip saves a parsed table in the SQLite store, as update
// will, and opens it again from the stored bytes.
func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	asn, cc := goodFixture().tarballs(t)
	tbl, st, err := Parse(asn, cc, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.SaveRouting(ctx, &store.RoutingSnapshot{
		ASNVersion: asn.Version, ASNIntegrity: asn.Integrity, ASNSHA256: asn.SHA256,
		CountryVersion: cc.Version, CountryIntegrity: cc.Integrity, CountrySHA256: cc.SHA256,
		Fetched: time.Now(), Source: "test", V4: st.V4, V6: st.V6, Table: tbl.Bytes(),
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := db.CurrentRouting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Open(snap.Table)
	if err != nil {
		t.Fatal(err)
	}
	a := mustAddr("1.0.5.7")
	want, _ := tbl.Lookup(a)
	if got, ok := back.Lookup(a); !ok || got != want {
		t.Errorf("after the store: Lookup(%v) = %+v, %v; want %+v", a, got, ok, want)
	}
	if snap.ASNIntegrity != asn.Integrity || back.Meta().ASNVersion != snap.ASNVersion {
		t.Errorf("provenance: %+v, meta %+v", snap, back.Meta())
	}
}
