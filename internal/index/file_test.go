package index

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/testfs"
)

// storeDir returns a data dir whose store holds one AWS snapshot per
// prefix list given, saved in order, and its open store.
func storeDir(t *testing.T, dir string, snaps ...[]string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for i, prefixes := range snaps {
		saveAWS(t, db, i+1, prefixes...)
	}
	return db
}

func saveAWS(t *testing.T, db *store.DB, n int, prefixes ...string) int64 {
	t.Helper()
	s := &ranges.Snapshot{Feed: "aws", UpstreamID: string(rune('0' + n)), SHA256: strings.Join(prefixes, ","),
		Fetched: time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)}
	for _, p := range prefixes {
		s.Records = append(s.Records, ranges.Record{Prefix: netip.MustParsePrefix(p), Provider: "aws", Partition: "aws", Region: "us-east-1"})
	}
	id, err := db.Save(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func hits(t *testing.T, ix *Index, addr string) int {
	t.Helper()
	m, err := ix.Scan(netip.MustParseAddr(addr))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// fullFile is a temporary file on a full disk: every write fails with
// ENOSPC. It writes to /dev/full but reports a name in the index's
// directory, so that the cleanup never touches /dev/full.
type fullFile struct {
	*os.File
	name string
}

func (f fullFile) Name() string { return f.name }

func withFullDisk(t *testing.T) {
	t.Helper()
	orig := createTemp
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skipf("no /dev/full: %v", err)
		}
		return fullFile{f, filepath.Join(dir, ".index-full.tmp")}, nil
	}
	t.Cleanup(func() { createTemp = orig })
}

// TestFailedWriteKeepsTheOldFile reproduces issue 13 item 5: an update on
// a full disk used to delete index.bin and then fail to write it; now a
// failed write leaves the old file whole, and the error says what and
// where.
func TestFailedWriteKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, File)
	old, _ := FromSets(fixtureSets())
	if err := old.Write(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	withFullDisk(t)
	ix, _ := FromSets(fixtureSets()[:1])
	err := ix.Write(path)
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) ||
		err.Error() != "index: "+path+": no space left on device (ENOSPC)" {
		t.Fatalf("write on a full disk: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("a failed write changed the old index file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".index-*")); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestReaderAnswersFromTheStoreWhenTheFileCannotBeWritten: with the
// index unwritable, Open compiles it from the store, answers, and says so.
func TestReaderAnswersFromTheStoreWhenTheFileCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	withFullDisk(t)
	ix, err := Open(context.Background(), db, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "index: " + filepath.Join(dir, File) + ": no space left on device (ENOSPC); answering from the store"
	if ix.Note() != want || hits(t, ix, "52.80.0.1") != 1 {
		t.Fatalf("note %q (want %q), hits %d", ix.Note(), want, hits(t, ix, "52.80.0.1"))
	}
}

func TestInvalidateKeepsTheFileAndReadersGoToTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	path := filepath.Join(dir, File)
	if _, err := Refresh(ctx, db, dir); err != nil {
		t.Fatal(err)
	}
	if err := Invalidate(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Invalidate removed the file: %v", err)
	}
	if _, err := Read(path); !errors.Is(err, ErrStale) {
		t.Fatalf("Read of a marked file: %v", err)
	}
	// The store moves on: Open compiles the new snapshot, saves it and
	// clears the mark.
	saveAWS(t, db, 2, "52.80.0.0/16", "3.5.140.0/22")
	ix, err := Open(ctx, db, dir)
	if err != nil || ix.Note() != "" || hits(t, ix, "3.5.140.1") != 1 {
		t.Fatalf("open: %v note %q", err, ix.Note())
	}
	back, err := Read(path)
	if err != nil || hits(t, back, "3.5.140.1") != 1 {
		t.Fatalf("the rebuilt file: %v", err)
	}
}

// TestMarkFromAnInterruptedUpdateIsCleared: an update killed after it
// marked the file but before it saved anything leaves a file that still
// matches the store; the first reader clears the mark.
func TestMarkFromAnInterruptedUpdateIsCleared(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	Refresh(ctx, db, dir)
	Invalidate(dir)
	if _, err := Open(ctx, db, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(filepath.Join(dir, File)); err != nil {
		t.Fatalf("the mark should be gone: %v", err)
	}
}

func TestReaderDuringAnUpdateLeavesTheFileAlone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	Refresh(ctx, db, dir)
	l, err := dirlock.TryAcquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	Invalidate(dir)
	saveAWS(t, db, 2, "52.80.0.0/16", "3.5.140.0/22")
	ix, err := Open(ctx, db, dir)
	if err != nil || hits(t, ix, "3.5.140.1") != 1 {
		t.Fatalf("open: %v", err)
	}
	if !strings.Contains(ix.Note(), "out of date while an update runs (pid ") {
		t.Fatalf("note: %q", ix.Note())
	}
	if _, err := Read(filepath.Join(dir, File)); !errors.Is(err, ErrStale) {
		t.Fatalf("a reader wrote the file or cleared the mark under a running update: %v", err)
	}
}

func TestCorruptFileIsRebuiltAndSaid(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	path := filepath.Join(dir, File)
	if err := os.WriteFile(path, []byte("CAIX\x03garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, db, dir)
	if err != nil || hits(t, ix, "52.80.0.1") != 1 {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ix.Note(), "index: "+path+": corrupt index file") || !strings.HasSuffix(ix.Note(), "; rebuilt from the store") {
		t.Fatalf("note: %q", ix.Note())
	}
	if _, err := Read(path); err != nil {
		t.Fatalf("not rebuilt: %v", err)
	}
}

// TestReadOnlyDataDir: the data dir is a read-only mount whose index is
// stale. Readers answer from the store and say why the file stays stale.
func TestReadOnlyDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	Refresh(ctx, db, dir)
	Invalidate(dir)
	saveAWS(t, db, 2, "52.80.0.0/16", "3.5.140.0/22")
	db.Close()
	ro := testfs.ReadOnly(t, dir)
	rodb, err := store.Open(ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	defer rodb.Close()
	ix, err := Open(ctx, rodb, ro)
	if err != nil || hits(t, ix, "3.5.140.1") != 1 {
		t.Fatalf("open: %v", err)
	}
	if want := "index: " + filepath.Join(ro, File) + ": read-only file system (EROFS); answering from the store"; ix.Note() != want {
		t.Fatalf("note %q, want %q", ix.Note(), want)
	}
}

// TestFullTmpfs runs the reader on a real full file system.
func TestFullTmpfs(t *testing.T) {
	ctx := context.Background()
	dir := testfs.Tmpfs(t, 512<<10)
	db := storeDir(t, dir, []string{"52.80.0.0/16"})
	l, err := dirlock.TryAcquire(dir) // creates the lock file while there is room
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	testfs.Fill(t, dir)
	ix, err := Open(ctx, db, dir)
	if err != nil || hits(t, ix, "52.80.0.1") != 1 {
		t.Fatalf("open: %v", err)
	}
	if want := "index: " + filepath.Join(dir, File) + ": no space left on device (ENOSPC); answering from the store"; ix.Note() != want {
		t.Fatalf("note %q, want %q", ix.Note(), want)
	}
	_, err = Refresh(ctx, db, dir)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("refresh on a full disk: %v", err)
	}
}
