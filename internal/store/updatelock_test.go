package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/store/pgtest"
)

// TestUpdateLockPostgres: two processes' handles on one PostgreSQL store
// take the update lock one after the other: the second is refused, waits
// as long as it is told, and gets the lock once the first releases it.
func TestUpdateLockPostgres(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	open := func() *DB {
		db, err := Place{Dir: t.TempDir(), URL: url}.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	release, err := a.LockUpdates(ctx, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var busy *UpdateBusyError
	if _, err := b.LockUpdates(ctx, 0, nil); !errors.As(err, &busy) || busy.Waited != 0 {
		t.Fatalf("second lock without waiting: %v, want an UpdateBusyError", err)
	}
	waits := 0
	start := time.Now()
	if _, err := b.LockUpdates(ctx, 300*time.Millisecond, func() { waits++ }); !errors.As(err, &busy) {
		t.Fatalf("second lock waiting 300ms: %v, want an UpdateBusyError", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond || busy.Waited < 300*time.Millisecond || waits != 1 {
		t.Errorf("waited %s (error says %s), waiting called %d times; want >= 300ms and once", waited, busy.Waited, waits)
	}
	got := make(chan error, 1)
	go func() {
		rel, err := b.LockUpdates(ctx, -1, nil)
		if err == nil {
			rel()
		}
		got <- err
	}()
	time.Sleep(2 * updateLockPoll)
	release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("lock after release: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting update did not get the lock within 5 s of its release")
	}

}

// TestUpdateLockSQLite: on the embedded store the lock is the data
// directory's, so LockUpdates grants it at once, to every handle.
func TestUpdateLockSQLite(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 2 {
		if _, err := db.LockUpdates(context.Background(), 0, nil); err != nil {
			t.Fatal(err)
		}
	}
}
