package store

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/access"
	"github.com/cloudatlas/cloudatlas/internal/store/pgtest"
)

// token returns a token made of the random bytes head followed by
// fill, so that tests can make tokens that share a prefix.
func token(t *testing.T, head []byte, fill byte) access.Token {
	t.Helper()
	b := append(bytes.Clone(head), bytes.Repeat([]byte{fill}, 32-len(head))...)
	tok, err := access.NewToken(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// The access tables and queries on both stores: SQLite always,
// PostgreSQL when the server is there (required in CI).

func TestAccessSQLite(t *testing.T) {
	dir := t.TempDir()
	testAccess(t, func(t *testing.T) *DB { return openAt(t, Place{Dir: dir}) })
}

func TestAccessPostgres(t *testing.T) {
	place := Place{Dir: t.TempDir(), URL: pgtest.URL(t)}
	testAccess(t, func(t *testing.T) *DB { return openAt(t, place) })
}

func openAt(t *testing.T, p Place) *DB {
	t.Helper()
	db, err := p.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testAccess runs the access tests; open opens the same store anew
// each time (another handle, as another process would).
func testAccess(t *testing.T, open func(t *testing.T) *DB) {
	t.Run("orgs-and-tokens", func(t *testing.T) { testOrgsAndTokens(t, open(t)) })
	t.Run("usage-shared", func(t *testing.T) { testUsageShared(t, open(t), open(t)) })
}

func testOrgsAndTokens(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	org, created, err := db.EnsureOrg(ctx, "acme", "group", false, now)
	if err != nil || !created || org.ID == 0 || org.Plan != "group" || !org.Created.Equal(now) {
		t.Fatalf("EnsureOrg: %+v %v %v", org, created, err)
	}
	again, created, err := db.EnsureOrg(ctx, "acme", "group", false, now.Add(time.Hour))
	if err != nil || created || again.ID != org.ID || !again.Created.Equal(now) {
		t.Errorf("EnsureOrg again: %+v %v %v", again, created, err)
	}
	if _, _, err := db.EnsureOrg(ctx, "acme", "student", false, now); !errors.Is(err, ErrPlanDiffers) {
		t.Errorf("another plan without setPlan: %v", err)
	}
	if o, _, err := db.EnsureOrg(ctx, "acme", "institution", true, now); err != nil || o.Plan != "institution" {
		t.Errorf("setPlan: %+v %v", o, err)
	}

	// Two tokens sharing their first five bytes share their prefix.
	a, b := token(t, []byte{1, 2, 3, 4, 5}, 1), token(t, []byte{1, 2, 3, 4, 5}, 2)
	if a.Prefix() != b.Prefix() {
		t.Fatalf("prefixes %s %s", a.Prefix(), b.Prefix())
	}
	ida, err := db.AddToken(ctx, org.ID, a, now)
	if err != nil {
		t.Fatal(err)
	}
	idb, _ := db.AddToken(ctx, org.ID, b, now)
	if _, err := db.AddToken(ctx, org.ID, a, now); err == nil {
		t.Error("the same token stored twice")
	}
	c, err := db.Credential(ctx, a.Hash())
	if err != nil || c.TokenID != ida || c.OrgID != org.ID || c.Org != "acme" || c.Plan != "institution" || c.Revoked {
		t.Errorf("Credential: %+v %v", c, err)
	}
	if _, err := db.Credential(ctx, token(t, nil, 9).Hash()); !errors.Is(err, access.ErrUnknownToken) {
		t.Errorf("unknown token: %v", err)
	}
	if err := db.TouchTokens(ctx, []int64{ida}, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevokeToken(ctx, a.Prefix(), now); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("revoke by a shared prefix: %v", err)
	}
	if _, err := db.RevokeToken(ctx, "ca_nothing", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	r, err := db.RevokeToken(ctx, a.Secret(), now.Add(2*time.Minute))
	if err != nil || r.ID != ida || !r.Revoked.Equal(now.Add(2*time.Minute)) {
		t.Errorf("revoke by value: %+v %v", r, err)
	}
	r2, err := db.RevokeToken(ctx, "1", now.Add(time.Hour))
	if err != nil || !r2.Revoked.Equal(r.Revoked) {
		t.Errorf("revoke again by id: %+v %v (first revocation %v)", r2, err, r.Revoked)
	}
	if c, _ := db.Credential(ctx, a.Hash()); !c.Revoked {
		t.Error("revoked token not reported revoked")
	}
	list, err := db.Tokens(ctx)
	if err != nil || len(list) != 2 || list[0].ID != ida || list[1].ID != idb {
		t.Fatalf("Tokens: %+v %v", list, err)
	}
	if !list[0].LastUsed.Equal(now.Add(time.Minute)) || !list[1].LastUsed.IsZero() || !list[1].Revoked.IsZero() ||
		list[0].Prefix != a.Prefix() || list[0].Plan != "institution" {
		t.Errorf("Tokens: %+v", list)
	}
}

// testUsageShared adds counts through two handles of one store at once.
func testUsageShared(t *testing.T, db1, db2 *DB) {
	ctx := context.Background()
	now := time.Date(2026, 2, 1, 12, 0, 30, 0, time.UTC)
	org, _, err := db1.EnsureOrg(ctx, "acme-usage", "group", false, now)
	if err != nil {
		t.Fatal(err)
	}
	minute := access.Count{OrgID: org.ID, Span: access.Minute, Start: access.Minute.Start(now)}
	day := access.Count{OrgID: org.ID, Span: access.Day, Start: access.Day.Start(now)}
	// Two stores on one file add at once; every addition counts.
	var wg sync.WaitGroup
	for _, db := range []*DB{db1, db2} {
		wg.Go(func() {
			for range 50 {
				m, d := minute, day
				m.N, d.N = 2, 3
				if _, err := db.AddUsage(ctx, []access.Count{m, d}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	totals, err := db2.AddUsage(ctx, []access.Count{minute, day})
	if err != nil || totals[0] != 200 || totals[1] != 300 {
		t.Fatalf("totals %v %v, want 200 and 300", totals, err)
	}
	m := minute
	m.N = 1
	if totals, _ := db1.AddUsage(ctx, []access.Count{m}); totals[0] != 201 {
		t.Errorf("after adding 1: %v", totals)
	}
	other := access.Count{OrgID: org.ID, Span: access.Minute, Start: minute.Start.Add(time.Minute)}
	if totals, _ := db1.AddUsage(ctx, []access.Count{other}); totals[0] != 0 {
		t.Errorf("a window without requests: %v", totals)
	}
	if err := db1.PruneUsage(ctx, minute.Start.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if totals, _ := db1.AddUsage(ctx, []access.Count{minute, day}); totals[0] != 0 || totals[1] != 300 {
		t.Errorf("after pruning the minute: %v, want the day kept", totals)
	}
	if u, err := db2.DayUsage(ctx, now); err != nil || u["acme-usage"] != 300 {
		t.Errorf("DayUsage: %v %v", u, err)
	}
}
