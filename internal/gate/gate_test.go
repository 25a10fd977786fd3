package gate

import (
	"context"
	"crypto/rand"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/access"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/store/pgtest"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testPlans(t *testing.T) *access.Plans {
	t.Helper()
	ps, err := access.ParsePlans("data/plans.yaml", data.Plans)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// newToken stores a new token of org (created with plan) in db.
func newToken(t *testing.T, db *store.DB, org, plan string) access.Token {
	return newTokenTB(t, db, org, plan)
}

func newTokenTB(t testing.TB, db *store.DB, org, plan string) access.Token {
	t.Helper()
	ctx := context.Background()
	o, _, err := db.EnsureOrg(ctx, org, plan, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := access.NewToken(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddToken(ctx, o.ID, tok, time.Now()); err != nil {
		t.Fatal(err)
	}
	return tok
}

func openBenchStore(b *testing.B) (*store.DB, error) {
	db, err := store.Open(context.Background(), b.TempDir())
	if err == nil {
		b.Cleanup(func() { db.Close() })
	}
	return db, err
}

func openStore(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newGate(t *testing.T, db *store.DB, c *clock, anon access.Plan) *Gate {
	t.Helper()
	g, err := New(Config{Store: db, Plans: testPlans(t), Anonymous: anon, Now: c.now, TokenTTL: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestQuotaPerMinute(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, t.TempDir())
	c := &clock{t: time.Date(2026, 2, 1, 12, 0, 10, 0, time.UTC)}
	g := newGate(t, db, c, access.Plan{})
	tok := newToken(t, db, "uni", "student") // 60 a minute
	auth := "Bearer " + tok.Secret()
	for i := range 60 {
		v, err := g.Admit(ctx, auth)
		if err != nil || !v.Allowed || v.Org != "uni" || v.Plan.Name != "student" || v.Remaining != int64(59-i) || v.Limit != 60 {
			t.Fatalf("request %d: %+v %v", i+1, v, err)
		}
	}
	v, err := g.Admit(ctx, "bearer  "+tok.Secret())
	if err != nil || v.Allowed || v.RetryAfter != 50 || v.Span != access.Minute {
		t.Fatalf("request 61: %+v %v, want refused for 50 s", v, err)
	}
	g.Flush(ctx)
	if u, _ := db.DayUsage(ctx, c.now()); u["uni"] != 60 {
		t.Errorf("stored day usage %v, want 60", u)
	}
	c.add(50 * time.Second)
	if v, _ := g.Admit(ctx, auth); !v.Allowed || v.Remaining != 59 {
		t.Errorf("next minute: %+v", v)
	}
	// The day count goes on from the store in a new process.
	g.Flush(ctx)
	g2 := newGate(t, db, c, access.Plan{})
	v, _ = g2.Admit(ctx, auth)
	if !v.Allowed || v.Remaining != 58 {
		t.Errorf("a new gate: %+v, want the minute's count read from the store", v)
	}
	g2.Flush(ctx)
	if u, _ := db.DayUsage(ctx, c.now()); u["uni"] != 62 {
		t.Errorf("stored day usage %v, want 62", u)
	}
}

func TestQuotaSharedByGates(t *testing.T) {
	dir := t.TempDir()
	testQuotaShared(t, openStore(t, dir), openStore(t, dir))
}

// TestQuotaSharedByGatesPostgres: the same with PostgreSQL as the store,
// as replicas on several machines use it.
func TestQuotaSharedByGatesPostgres(t *testing.T) {
	place := store.Place{Dir: t.TempDir(), URL: pgtest.URL(t)}
	open := func() *store.DB {
		db, err := place.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	testQuotaShared(t, open(), open())
}

// testQuotaShared runs two gates, each on its own handle of one store.
func testQuotaShared(t *testing.T, db1, db2 *store.DB) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	a, b := newGate(t, db1, c, access.Plan{}), newGate(t, db2, c, access.Plan{})
	tok := newToken(t, db1, "uni", "student")
	auth := "Bearer " + tok.Secret()
	take := func(g *Gate, n int) (admitted int) {
		for range n {
			if v, err := g.Admit(ctx, auth); err != nil {
				t.Fatal(err)
			} else if v.Allowed {
				admitted++
			}
		}
		return admitted
	}
	if n := take(a, 40); n != 40 {
		t.Fatalf("gate a admitted %d of 40", n)
	}
	// Before a sync, b does not know of a's requests: this is the lag.
	if n := take(b, 10); n != 10 {
		t.Fatalf("gate b admitted %d of 10", n)
	}
	a.Flush(ctx)
	b.Flush(ctx)
	a.Flush(ctx) // a reads b's 10
	// 50 of 60 are used, wherever they were admitted.
	if n := take(a, 6); n != 6 {
		t.Errorf("gate a admitted %d of 6", n)
	}
	a.Flush(ctx)
	b.Flush(ctx)
	if n := take(b, 10); n != 4 {
		t.Errorf("after syncing, gate b admitted %d of 10, want the 4 left", n)
	}
	a.Flush(ctx)
	b.Flush(ctx)
	a.Flush(ctx)
	if v, _ := a.Admit(ctx, auth); v.Allowed || v.Remaining != 0 {
		t.Errorf("after the limit: %+v", v)
	}
	if u, _ := db1.DayUsage(ctx, c.now()); u["uni"] != 60 {
		t.Errorf("stored usage %v, want 60", u)
	}
}

func TestTokenRefusals(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, t.TempDir())
	c := &clock{t: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	g := newGate(t, db, c, access.Plan{Name: "anonymous", PerMinute: 3})
	tok := newToken(t, db, "acme", "group")
	other, _ := access.NewToken(rand.Reader)
	for _, tc := range []struct {
		auth string
		want error
	}{
		{"Basic dXNlcjpwYXNz", ErrNotBearer},
		{"Bearer", ErrNotBearer},
		{"Bearer ca_short", access.ErrMalformedToken},
		{"Bearer " + other.Secret(), access.ErrUnknownToken},
	} {
		_, err := g.Admit(ctx, tc.auth)
		if !errors.Is(err, tc.want) || !Refused(err) {
			t.Errorf("%q: %v, want %v", tc.auth, err, tc.want)
		}
	}
	if _, err := g.Admit(ctx, ""); err != ErrNoToken || Refused(err) {
		t.Errorf("no header: %v, want ErrNoToken", err)
	}
	// Revocation applies once the cached check expires.
	auth := "Bearer " + tok.Secret()
	if _, err := g.Admit(ctx, auth); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevokeToken(ctx, tok.Prefix(), c.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Admit(ctx, auth); err != nil {
		t.Errorf("within the TTL: %v", err)
	}
	c.add(2 * time.Second)
	if _, err := g.Admit(ctx, auth); !errors.Is(err, access.ErrRevokedToken) {
		t.Errorf("after the TTL: %v, want revoked", err)
	}
	// A plan the server does not know.
	if _, _, err := db.EnsureOrg(ctx, "odd", "platinum", false, c.now()); err != nil {
		t.Fatal(err)
	}
	odd := newToken(t, db, "odd", "platinum")
	if _, err := g.Admit(ctx, "Bearer "+odd.Secret()); !errors.Is(err, ErrNoPlan) {
		t.Errorf("unknown plan: %v", err)
	}
}

func TestAnonymousPerAddress(t *testing.T) {
	c := &clock{t: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	g := newGate(t, openStore(t, t.TempDir()), c, access.Plan{Name: "anonymous", PerMinute: 2, PerDay: 3})
	admit := func(addr string) bool { return g.AdmitAnonymous(netip.MustParseAddr(addr)).Allowed }
	for _, addr := range []string{"192.0.2.1", "192.0.2.2", "2001:db8:1:2::1"} {
		if !admit(addr) || !admit(addr) || admit(addr) {
			t.Errorf("%s: want two requests a minute", addr)
		}
	}
	// One /64 is one client; the mapped form of an IPv4 address is that address.
	if admit("2001:db8:1:2:ffff::9") || admit("::ffff:192.0.2.1") {
		t.Error("the same client under another spelling was admitted")
	}
	if !admit("2001:db8:1:3::1") {
		t.Error("another /64 was refused")
	}
	c.add(time.Minute)
	if !admit("192.0.2.1") || admit("192.0.2.1") {
		t.Error("the day's third request, then the day limit")
	}
	c.add(24 * time.Hour)
	if !admit("192.0.2.1") {
		t.Error("a new day")
	}
	unlimited := newGate(t, openStore(t, t.TempDir()), c, access.Plan{Name: "anonymous"})
	for range 1000 {
		if v := unlimited.AdmitAnonymous(netip.Addr{}); !v.Allowed || v.Limit != 0 {
			t.Fatalf("unlimited anonymous: %+v", v)
		}
	}
}

// TestRunFlushes runs the gate's sync loop with the real clock and
// expects a second gate to see the first's counts within two intervals.
func TestRunFlushes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	db1, db2 := openStore(t, dir), openStore(t, dir)
	plans := testPlans(t)
	a, _ := New(Config{Store: db1, Plans: plans, Sync: 20 * time.Millisecond})
	b, _ := New(Config{Store: db2, Plans: plans, Sync: 20 * time.Millisecond})
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	go b.Run(ctx)
	tok := newToken(t, db1, "uni", "student")
	auth := "Bearer " + tok.Secret()
	if _, err := b.Admit(ctx, auth); err != nil { // b knows the org
		t.Fatal(err)
	}
	for range 5 {
		a.Admit(ctx, auth)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		time.Sleep(50 * time.Millisecond)
		u, err := db2.DayUsage(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		b.mu.Lock()
		m := b.meters[1]
		b.mu.Unlock()
		m.mu.Lock()
		shared := m.win[access.Day].shared
		m.mu.Unlock()
		// a's five and b's one reached the store, and b read them back.
		if u["uni"] == 6 && shared == 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b did not see a's requests: stored %v, b knows %d", u, shared)
		}
	}
	cancel()
	<-done
}
