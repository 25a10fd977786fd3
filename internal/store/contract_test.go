package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store/pgtest"
)

// The store contract: what every store (SQLite, PostgreSQL) must do the
// same way. Each part gets a new, empty store from open.

func TestContractSQLite(t *testing.T) {
	contract(t, func(t *testing.T) *DB {
		db, err := Place{Dir: t.TempDir()}.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestContractPostgres(t *testing.T) {
	contract(t, func(t *testing.T) *DB {
		url := pgtest.URL(t)
		db, err := Place{Dir: t.TempDir(), URL: url}.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if !db.Postgres() {
			t.Fatalf("%s opened as SQLite", url)
		}
		return db
	})
}

func contract(t *testing.T, open func(t *testing.T) *DB) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, db *DB)
	}{
		{"snapshots", contractSnapshots},
		{"save-if", contractSaveIf},
		{"concurrent-save-if", contractConcurrentSaveIf},
		{"fetch-state", contractFetchState},
		{"routing", contractRouting},
		{"generation-identity", contractGeneration},
		{"digests", contractDigests},
		{"subscribers-outbox", contractSubscribersOutbox},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

func contractSnapshots(t *testing.T, db *DB) {
	ctx := context.Background()
	first := snapshot("aws", "1", 15, "52.80.0.0/16", "2400:7fc0::/32", "10.0.0.0/8", "1.0.0.0/24")
	first.Records[2].ASN = 4294967295 // the largest ASN fits
	first.Records[3].Services = nil
	id1, err := db.Save(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := db.Save(ctx, snapshot("aws", "2", 22, "52.80.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	id3, err := db.Save(ctx, snapshot("oracle", "x", 1, "129.80.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	if !(id1 < id2 && id2 < id3) {
		t.Errorf("ids %d, %d, %d: want increasing", id1, id2, id3)
	}
	cur, err := db.Current(ctx)
	if err != nil || len(cur) != 2 || cur[0].ID != id2 || cur[0].Feed != "aws" || cur[1].ID != id3 {
		t.Fatalf("current: %+v, %v", cur, err)
	}
	if cur[0].V4 != 1 || cur[0].V6 != 0 || cur[0].Records != 1 || cur[0].UpstreamID != "2" ||
		!cur[0].UpstreamDate.Equal(time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("current aws: %+v", cur[0])
	}
	hist, err := db.History(ctx, "aws")
	if err != nil || len(hist) != 2 || hist[0].ID != id1 || hist[1].ID != id2 || hist[0].V4 != 3 || hist[0].V6 != 1 {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	back, err := db.Load(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, first) {
		t.Errorf("load: records or provenance differ (order kept?)\n got %+v\nwant %+v", back, first)
	}
	if _, err := db.Load(ctx, id3+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("load of a missing snapshot: %v, want ErrNotFound", err)
	}
	// A snapshot larger than one statement's batch keeps its order.
	big := &ranges.Snapshot{Feed: "google", SHA256: "big", Fetched: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}
	for i := range 2500 {
		big.Records = append(big.Records, ranges.Record{Provider: "google", Partition: "gcp",
			Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(200 - i%100), byte(i / 256), byte(i), 0}), 24)})
	}
	id, err := db.Save(ctx, big)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := db.Load(ctx, id); err != nil || !reflect.DeepEqual(back.Records, big.Records) {
		t.Errorf("load of 2500 records: err %v, equal %v", err, err == nil && reflect.DeepEqual(back.Records, big.Records))
	}
}

func contractSaveIf(t *testing.T, db *DB) {
	ctx := context.Background()
	var gotCur, gotSame *SnapshotInfo
	record := func(cur, same *SnapshotInfo) error { gotCur, gotSame = cur, same; return nil }
	first := snapshot("aws", "1", 15, "52.80.0.0/16")
	id1, err := db.SaveIf(ctx, first, record)
	if err != nil || gotCur != nil || gotSame != nil {
		t.Fatalf("first save: %d %v %v %v", id1, err, gotCur, gotSame)
	}
	id2, err := db.SaveIf(ctx, snapshot("aws", "2", 16, "52.80.0.0/16"), record)
	if err != nil || gotCur == nil || gotCur.ID != id1 || gotSame != nil {
		t.Fatalf("second save: %d %v %+v %+v", id2, err, gotCur, gotSame)
	}
	refused := errors.New("no thanks")
	_, err = db.SaveIf(ctx, first, func(cur, same *SnapshotInfo) error {
		gotCur, gotSame = cur, same
		return refused
	})
	if err != refused {
		t.Fatalf("refusal: %v, want it returned as is", err)
	}
	if gotCur == nil || gotCur.ID != id2 || gotSame == nil || gotSame.ID != id1 {
		t.Errorf("refusal saw cur %+v same %+v", gotCur, gotSame)
	}
	if cur, _ := db.Current(ctx); len(cur) != 1 || cur[0].ID != id2 {
		t.Errorf("a refused snapshot was saved: %+v", cur)
	}
	if hist, _ := db.History(ctx, "aws"); len(hist) != 2 {
		t.Errorf("history after refusal: %d snapshots, want 2", len(hist))
	}
}

// contractConcurrentSaveIf: writers that each save only when the current
// snapshot is the one they saw never both succeed from the same one.
func contractConcurrentSaveIf(t *testing.T, db *DB) {
	ctx := context.Background()
	base, err := db.Save(ctx, snapshot("aws", "0", 1, "52.80.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	saved := 0
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.SaveIf(ctx, snapshot("aws", fmt.Sprint(i+1), 2, "52.80.0.0/16"), func(cur, _ *SnapshotInfo) error {
				if cur == nil || cur.ID != base {
					return errors.New("moved on")
				}
				return nil
			})
			if err == nil {
				mu.Lock()
				saved++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if saved != 1 {
		t.Errorf("%d writers saved over the same current snapshot, want 1", saved)
	}
}

func contractFetchState(t *testing.T, db *DB) {
	ctx := context.Background()
	const url = "https://ip-ranges.amazonaws.com/ip-ranges.json"
	if e, lm, err := db.FetchState(ctx, url); err != nil || e != "" || lm != "" {
		t.Fatalf("unknown url: %q %q %v", e, lm, err)
	}
	for _, v := range [][2]string{{`"a"`, "Mon, 01 Jan 2026 00:00:00 GMT"}, {`"b"`, ""}} {
		if err := db.SetFetchState(ctx, url, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
		if e, lm, err := db.FetchState(ctx, url); err != nil || e != v[0] || lm != v[1] {
			t.Errorf("fetch state: %q %q %v, want %q %q", e, lm, err, v[0], v[1])
		}
	}
}

func contractRouting(t *testing.T, db *DB) {
	ctx := context.Background()
	if _, err := db.CurrentRouting(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store: %v, want ErrNotFound", err)
	}
	if _, err := db.SaveRouting(ctx, routingSnapshot("1", nil)); err == nil {
		t.Error("saved a routing snapshot without a table")
	}
	table := bytes.Repeat([]byte{0, 1, 0xff, 0x80}, 5000)
	id1, err := db.SaveRouting(ctx, routingSnapshot("2.3.2026051719", table))
	if err != nil {
		t.Fatal(err)
	}
	id2, err := db.SaveRouting(ctx, routingSnapshot("2.3.2026061719", []byte{9}))
	if err != nil || id2 <= id1 {
		t.Fatalf("second routing snapshot: %d, %v", id2, err)
	}
	cur, err := db.CurrentRouting(ctx)
	if err != nil || cur.ID != id2 || !bytes.Equal(cur.Table, []byte{9}) {
		t.Fatalf("current routing: %+v, %v", cur, err)
	}
	old, err := db.LoadRouting(ctx, id1)
	want := routingSnapshot("2.3.2026051719", table)
	want.ID = id1
	if err != nil || !reflect.DeepEqual(old, want) {
		t.Errorf("load routing: %v\n got %+v\nwant %+v", err, old, want)
	}
	hist, err := db.RoutingHistory(ctx)
	if err != nil || len(hist) != 2 || hist[0].ID != id1 || hist[0].Table != nil || hist[1].ASNVersion != "2.3.2026061719" {
		t.Errorf("routing history: %+v, %v", hist, err)
	}
}

func contractGeneration(t *testing.T, db *DB) {
	ctx := context.Background()
	g0, err := db.Generation(ctx)
	if err != nil || g0 != (Generation{}) {
		t.Fatalf("empty store generation: %v, %v", g0, err)
	}
	id, _ := db.Save(ctx, snapshot("aws", "1", 1, "52.80.0.0/16"))
	rid, _ := db.SaveRouting(ctx, routingSnapshot("1", []byte{1}))
	g1, err := db.Generation(ctx)
	if err != nil || g1 != (Generation{Snapshots: id, Routing: rid}) || g1.String() != fmt.Sprintf("s%d.r%d", id, rid) {
		t.Errorf("generation: %v %q, %v; want snapshots %d routing %d", g1, g1, err, id, rid)
	}
	if err := db.Announce(ctx); err != nil {
		t.Errorf("announce: %v", err)
	}
	a, err := db.ID(ctx)
	if err != nil || len(a) != 32 {
		t.Fatalf("identity %q, %v: want 32 hex digits", a, err)
	}
	if b, _ := db.ID(ctx); b != a {
		t.Errorf("identity changed: %q then %q", a, b)
	}
}

func contractDigests(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 8, 23, 6, 0, 0, 0, time.UTC)
	first, err := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-22", BuiltAt: now, Body: []byte(`{"a":1}`),
		Entities: []string{"provider/aws", "org/amazon"}}, false)
	if err != nil || string(first.Body) != `{"a":1}` || first.Quiet || len(first.Entities) != 2 {
		t.Fatalf("save digest: %+v, %v", first, err)
	}
	kept, err := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-22", BuiltAt: now.Add(time.Hour), Body: []byte(`{"a":2}`)}, false)
	if err != nil || string(kept.Body) != `{"a":1}` || !kept.BuiltAt.Equal(now) {
		t.Errorf("a stored digest was replaced: %+v, %v", kept, err)
	}
	if _, err := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-23", BuiltAt: now, Quiet: true, Body: []byte(`{}`)}, false); err != nil {
		t.Fatal(err)
	}
	if q, err := db.Digest(ctx, "daily", "2026-08-23"); err != nil || !q.Quiet {
		t.Errorf("quiet digest: %+v, %v", q, err)
	}
	if keys, err := db.DigestKeys(ctx, "daily", 10); err != nil || len(keys) != 1 || keys[0].Key != "2026-08-22" {
		t.Errorf("digest keys (quiet ones left out): %+v, %v", keys, err)
	}
	if refs, err := db.DigestsAbout(ctx, "org/amazon"); err != nil || len(refs) != 1 || refs[0].List != "daily" {
		t.Errorf("digests about: %+v, %v", refs, err)
	}
	replaced, err := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-22", BuiltAt: now, Body: []byte(`{"a":3}`)}, true)
	if err != nil || string(replaced.Body) != `{"a":3}` || len(replaced.Entities) != 0 {
		t.Errorf("replace: %+v, %v", replaced, err)
	}
	if _, err := db.Digest(ctx, "weekly", "2026-W34"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing digest: %v, want ErrNotFound", err)
	}
}

func contractSubscribersOutbox(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 8, 23, 6, 0, 0, 0, time.UTC)
	a, err := db.Subscribe(ctx, "Ada@example.org", "ada@example.org", "daily", "n1", now)
	if err != nil || a.State != SubPending || a.Nonce != "n1" || a.ID == 0 {
		t.Fatalf("subscribe: %+v, %v", a, err)
	}
	if again, _ := db.Subscribe(ctx, "ada@example.org", "ada@example.org", "daily", "other", now); again.ID != a.ID || again.Nonce != "n1" {
		t.Errorf("a pending subscription changed on a second request: %+v", again)
	}
	b, _ := db.Subscribe(ctx, "ada@example.org", "ada@example.org", "weekly", "n2", now)
	if ok, err := db.ClaimConfirmSend(ctx, a.ID, "ada@example.org", now.Add(-time.Minute), now); !ok || err != nil {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, _ := db.ClaimConfirmSend(ctx, b.ID, "ada@example.org", now.Add(-time.Minute), now.Add(time.Second)); ok {
		t.Error("second claim within the window allowed")
	}
	if last, n, err := db.LastConfirmSent(ctx, "ada@example.org"); err != nil || n != 1 || !last.Equal(now) {
		t.Errorf("last confirmation: %v %d %v", last, n, err)
	}
	if err := db.ReleaseConfirmSend(ctx, a.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := db.LastConfirmSent(ctx, "ada@example.org"); n != 0 {
		t.Errorf("after release: %d sends, want 0", n)
	}
	if ok, _ := db.Confirm(ctx, "ada@example.org", "daily", "wrong", now); ok {
		t.Error("confirmed with a wrong nonce")
	}
	if ok, err := db.Confirm(ctx, "ada@example.org", "daily", "n1", now); !ok || err != nil {
		t.Fatalf("confirm: %v %v", ok, err)
	}
	if counts, err := db.SubscriberCounts(ctx, "daily"); err != nil || counts[SubConfirmed] != 1 || len(counts) != 1 {
		t.Errorf("counts: %v %v", counts, err)
	}
	queued, n, err := db.QueueIssue(ctx, "daily", "2026-08-22", now, func(id int64) string { return fmt.Sprintf("m%d", id) })
	if err != nil || !queued || n != 1 {
		t.Fatalf("queue: %v %d %v", queued, n, err)
	}
	if queued, _, err := db.QueueIssue(ctx, "daily", "2026-08-22", now, func(int64) string { return "x" }); queued || err != nil {
		t.Errorf("queued twice: %v %v", queued, err)
	}
	items, err := db.Unsent(ctx, "daily", "2026-08-22")
	if err != nil || len(items) != 1 || items[0].Subscriber.Email != "Ada@example.org" || items[0].MessageID != fmt.Sprintf("m%d", a.ID) {
		t.Fatalf("unsent: %+v, %v", items, err)
	}
	if err := db.MarkOutbox(ctx, "daily", "2026-08-22", a.ID, OutSending, "", now); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkOutbox(ctx, "daily", "2026-08-22", a.ID, OutSent, "250 ok", now); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkOutbox(ctx, "daily", "2026-08-22", a.ID+99, OutSent, "", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("mark of a missing row: %v, want ErrNotFound", err)
	}
	if counts, err := db.OutboxCounts(ctx, "daily", "2026-08-22"); err != nil || counts[OutSent] != 1 || len(counts) != 1 {
		t.Errorf("outbox counts: %v %v", counts, err)
	}
	if ok, _ := db.Unsubscribe(ctx, "ada@example.org", "daily", "n1", now); !ok {
		t.Error("unsubscribe failed")
	}
	again, err := db.Subscribe(ctx, "ada@example.org", "ada@example.org", "daily", "n4", now)
	if err != nil || again.State != SubPending || again.Nonce != "n4" || again.ID != a.ID {
		t.Errorf("resubscribe: %+v, %v", again, err)
	}
}
