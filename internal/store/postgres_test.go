package store

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/store/pgtest"
)

// TestPostgresConcurrentFirstOpen: processes starting at once on a new
// database all get a migrated store, and the migrations run once.
func TestPostgresConcurrentFirstOpen(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make([]string, 5)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Place{Dir: t.TempDir(), URL: url}.Open(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			ids[i], err = db.ID(ctx)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] || id == "" {
			t.Errorf("identities %q: want one, the same for all", ids)
		}
	}
	db, err := Place{URL: url}.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, want int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	names, _ := migrationNames()
	if want = len(names); n != want {
		t.Errorf("%d migrations recorded, want %d", n, want)
	}
}

// TestListenHearsAnnounce: a listener hears the generation an update
// announces.
func TestListenHearsAnnounce(t *testing.T) {
	url := pgtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := Place{URL: url}.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	heard := make(chan string, 10)
	go db.Listen(ctx, func(p string) { heard <- p }, func(err error) { t.Log(err) })
	id, _ := db.Save(ctx, snapshot("aws", "1", 1, "52.80.0.0/16"))
	// The listener may not have subscribed yet: announce until heard.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if err := db.Announce(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-heard:
			if p == "" {
				continue // listening now
			}
			if want := (Generation{Snapshots: id}).String(); p != want {
				t.Fatalf("heard %q, want %q", p, want)
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("no notification within 5s")
}

func TestBadStoreURL(t *testing.T) {
	for _, u := range []string{"mysql://x", "postgres:/x", "sqlite://x.db", "http://user:secret@host/db"} {
		_, err := Place{Dir: t.TempDir(), URL: u}.Open(context.Background())
		if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "store URL") {
			t.Errorf("%q: %v; want an error naming the URL without its password", u, err)
		}
	}
	if err := CheckURL("postgresql://u@h/db"); err != nil {
		t.Error(err)
	}
}

func TestSQLitePlace(t *testing.T) {
	dir := t.TempDir()
	p := Place{Dir: dir, URL: "sqlite:" + dir + "/other.db"}
	if p.Local() || p.Shared() || p.Exists() {
		t.Errorf("%v: local %v shared %v exists %v", p, p.Local(), p.Shared(), p.Exists())
	}
	db, err := p.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !p.Exists() || db.Path() != dir+"/other.db" {
		t.Errorf("after open: exists %v path %s", p.Exists(), db.Path())
	}
	if !In(dir).Local() || !(Place{Dir: dir, URL: "sqlite:"}).Local() {
		t.Error("the data directory's database is not local")
	}
}
