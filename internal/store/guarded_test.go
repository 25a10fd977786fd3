package store

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/testfs"
)

func TestSaveIfSeesCurrentAndSameContentInsideTheTransaction(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var gotCur, gotSame *SnapshotInfo
	record := func(cur, same *SnapshotInfo) error { gotCur, gotSame = cur, same; return nil }
	first := snapshot("aws", "1", 15, "52.80.0.0/16")
	id1, err := db.SaveIf(ctx, first, record)
	if err != nil || gotCur != nil || gotSame != nil {
		t.Fatalf("first save: id %d err %v cur %v same %v", id1, err, gotCur, gotSame)
	}
	id2, err := db.SaveIf(ctx, snapshot("aws", "2", 16, "52.80.0.0/16"), record)
	if err != nil || gotCur == nil || gotCur.ID != id1 || gotSame != nil {
		t.Fatalf("second save: id %d err %v cur %+v same %+v", id2, err, gotCur, gotSame)
	}
	// The content of snapshot 1 again: accept sees both neighbours and
	// its refusal is returned as is, with nothing saved.
	refused := errors.New("no thanks")
	_, err = db.SaveIf(ctx, first, func(cur, same *SnapshotInfo) error {
		gotCur, gotSame = cur, same
		return refused
	})
	if err != refused || gotCur.ID != id2 || gotSame == nil || gotSame.ID != id1 {
		t.Fatalf("refused save: err %v cur %+v same %+v", err, gotCur, gotSame)
	}
	if hist, _ := db.History(ctx, "aws"); len(hist) != 2 {
		t.Fatalf("a refused save stored something: %+v", hist)
	}
}

// TestHistoryIsInForceOrder: a snapshot forced in after a newer one is
// current (saved last), but History orders by the date each came into
// force, which is what "ranges as of a date" needs.
func TestHistoryIsInForceOrder(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	newer := snapshot("aws", "2", 22, "52.80.0.0/16")
	older := snapshot("aws", "1", 15, "52.80.0.0/16")
	undated := snapshot("aws", "", 1, "52.80.0.0/16")
	undated.UpstreamDate, undated.Fetched = time.Time{}, time.Date(2026, 8, 18, 0, 0, 0, 0, time.UTC)
	idNew, _ := db.Save(ctx, newer)
	idOld, _ := db.Save(ctx, older)
	idUndated, _ := db.Save(ctx, undated)
	hist, err := db.History(ctx, "aws")
	if err != nil || len(hist) != 3 || hist[0].ID != idOld || hist[1].ID != idUndated || hist[2].ID != idNew {
		t.Fatalf("history order: %+v %v", hist, err)
	}
	cur, _ := db.Current(ctx)
	if cur[0].ID != idUndated {
		t.Fatalf("current is the last saved: %+v", cur)
	}
	at := func(day int) int64 {
		si, ok := InForceAt(hist, time.Date(2026, 8, day, 12, 0, 0, 0, time.UTC))
		if !ok {
			return 0
		}
		return si.ID
	}
	if at(14) != 0 || at(15) != idOld || at(17) != idOld || at(18) != idUndated || at(21) != idUndated || at(22) != idNew || at(30) != idNew {
		t.Fatalf("in force: 14:%d 15:%d 17:%d 18:%d 21:%d 22:%d 30:%d", at(14), at(15), at(17), at(18), at(21), at(22), at(30))
	}
}

// TestReadOnlyDataDir opens a store on a read-only mount: it answers.
func TestReadOnlyDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Save(ctx, snapshot("aws", "1", 15, "52.80.0.0/16")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro := testfs.ReadOnly(t, dir)
	db, err = Open(ctx, ro)
	if err != nil {
		t.Fatalf("read-only store: %v", err)
	}
	defer db.Close()
	cur, err := db.Current(ctx)
	if err != nil || len(cur) != 1 {
		t.Fatalf("current: %+v %v", cur, err)
	}
	_, err = db.Save(ctx, snapshot("aws", "2", 16, "52.80.0.0/16"))
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), filepath.Join(ro, DBFile)+": read-only file system (EROFS): save aws") {
		t.Fatalf("save on a read-only store: %v", err)
	}
}

// TestFullDiskSaysSo reproduces issue 13 item 5 for the store: with 0
// bytes free, opening a new store used to fail with "store: migrate:
// disk I/O error (4874)"; now the error names the path and says the disk
// is full. A save that fills the disk says the same.
func TestFullDiskSaysSo(t *testing.T) {
	ctx := context.Background()
	dir := testfs.Tmpfs(t, 256<<10)
	filler := testfs.Fill(t, dir)
	_, err := Open(ctx, filepath.Join(dir, "data"))
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "the disk is full (ENOSPC), 0 bytes free") {
		t.Fatalf("open on a full disk: %v", err)
	}
	if !strings.Contains(err.Error(), filepath.Join(dir, "data")) {
		t.Fatalf("the error does not name the path: %v", err)
	}
	os.Remove(filler)

	db, err := Open(ctx, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	big := snapshot("aws", "1", 15)
	for i := range 20000 {
		big.Records = append(big.Records, snapshot("aws", "1", 15, prefixN(i)).Records...)
	}
	_, err = db.Save(ctx, big)
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), filepath.Join(dir, "data", DBFile)+": the disk is full (ENOSPC)") {
		t.Fatalf("save on a full disk: %v", err)
	}
	if cur, err := db.Current(ctx); err != nil || len(cur) != 0 {
		t.Fatalf("a failed save left a snapshot: %+v %v", cur, err)
	}
}

// prefixN returns the n-th /24 in 1.0.0.0/8 (ordinary public space).
func prefixN(n int) string {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{1, byte(n >> 8), byte(n), 0}), 24).String()
}
