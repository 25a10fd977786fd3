package update

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// checkNoRace checks the two invariants issue 13 item 4 found broken: the
// current AWS snapshot has the newest upstream id, and no content is
// stored twice.
func checkNoRace(t *testing.T, db *store.DB, round int, wantID string) {
	t.Helper()
	hist, err := db.History(context.Background(), "aws")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int64{}
	for _, h := range hist {
		if prev, dup := seen[h.SHA256]; dup {
			t.Fatalf("round %d: snapshots %d and %d hold the same content", round, prev, h.ID)
		}
		seen[h.SHA256] = h.ID
	}
	if cur := current(t, db, "aws"); cur.UpstreamID != wantID {
		t.Fatalf("round %d: current upstream id %s, want %s (history %+v)", round, cur.UpstreamID, wantID, hist)
	}
}

// TestTwoUpdatesAtOnce reproduces issue 13 item 4: two updates of one
// data directory, each with its own store connection, one importing an
// older syncToken and one a newer, and two importing the same file. In 8
// rounds an older syncToken became current twice and identical
// snapshots were stored twice; now neither happens.
func TestTwoUpdatesAtOnce(t *testing.T) {
	older, newer := t.TempDir(), t.TempDir()
	writeAWS(t, older, version{id: 1, date: day0, prefixes: publicPrefixes(20)})
	writeAWS(t, newer, version{id: 2, date: day0.Add(time.Hour), prefixes: publicPrefixes(21)})
	for round := range 8 {
		dir := t.TempDir()
		froms := []string{older, newer, newer, older}
		var wg sync.WaitGroup
		for _, from := range froms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(context.Background(), dir)
				if err != nil {
					t.Error(err)
					return
				}
				defer db.Close()
				u := &Updater{Store: db, Dir: dir, From: from, LockTimeout: 30 * time.Second}
				if _, err := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "aws")}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		db, err := store.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		checkNoRace(t, db, round, "2")
		db.Close()
	}
}

// TestGuardRecheckedInsideTheTransaction: even without the lock (an
// older cloudatlas, another tool), the guard runs inside the saving
// transaction, so racing saves keep the invariants.
func TestGuardRecheckedInsideTheTransaction(t *testing.T) {
	mk := func(id int) *ranges.Snapshot {
		dir := t.TempDir()
		writeAWS(t, dir, version{id: id, date: day0.Add(time.Duration(id) * time.Hour), prefixes: publicPrefixes(20 + id)})
		s, err := mustFeed(t, "aws").Build([]ranges.Input{{Name: "aws.json", Data: readFile(t, dir+"/aws/ip-ranges.json")}}, day0)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	older, newer := mk(1), mk(2)
	for round := range 8 {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for _, s := range []*ranges.Snapshot{older, newer, newer, older, newer} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(context.Background(), dir)
				if err != nil {
					t.Error(err)
					return
				}
				defer db.Close()
				u := &Updater{Store: db, Dir: dir}
				snap := *s
				if res := u.save(context.Background(), candidate{snap: &snap, files: []string{"aws.json"}}); res.Status == Failed {
					t.Error(res.Err)
				}
			}()
		}
		wg.Wait()
		db, err := store.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		checkNoRace(t, db, round, "2")
		db.Close()
	}
}

// TestSecondUpdateWaitsAndSaysWho: while another update holds the data
// directory, Run waits (saying who holds it), or gives up after the lock
// timeout with the holder's pid and start time.
func TestSecondUpdateWaitsAndSaysWho(t *testing.T) {
	u := newUpdater(t)
	u.From = t.TempDir()
	writeAWS(t, u.From, version{id: 1, date: day0, prefixes: publicPrefixes(10)})
	held, err := dirlock.TryAcquire(u.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var waitedFor []dirlock.Holder
	u.Events.LockWait = func(h dirlock.Holder) { waitedFor = append(waitedFor, h) }
	u.LockTimeout = 200 * time.Millisecond
	_, err = u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "aws")})
	var busy *dirlock.BusyError
	if !errors.As(err, &busy) || len(waitedFor) != 1 || !strings.Contains(err.Error(), "another update holds the lock (pid ") ||
		!strings.Contains(err.Error(), "gave up after waiting") {
		t.Fatalf("timed out: %v (waited for %v)", err, waitedFor)
	}
	if cur, _ := u.Store.Current(context.Background()); len(cur) != 0 {
		t.Fatal("an update that did not get the lock saved a snapshot")
	}
	go func() {
		time.Sleep(150 * time.Millisecond)
		held.Release()
	}()
	u.LockTimeout = 10 * time.Second
	rep, err := u.Run(context.Background(), []*ranges.Feed{mustFeed(t, "aws")})
	if err != nil || rep.Results[0].Status != Saved || len(waitedFor) != 2 {
		t.Fatalf("after the holder let go: %v %+v", err, rep)
	}
}
