package index

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cloudatlas/cloudatlas/internal/dirlock"
)

// staleSuffix names the mark beside the index file ("index.bin.stale")
// that says the file may no longer match the store.
const staleSuffix = ".stale"

// ErrStale reports an index file marked stale by an update that is
// running or was interrupted; the store holds the truth.
var ErrStale = errors.New("marked stale by an update (running, or interrupted); answering from the store")

// WriteError is a failure to write the index file: the index is then
// answered from the store until the file can be written.
type WriteError struct {
	Path string // the index file
	Err  error
}

// Error names the file and the cause in words and by errno, e.g.
// "index: /data/index.bin: no space left on device (ENOSPC)".
func (e *WriteError) Error() string { return fmt.Sprintf("index: %s: %s", e.Path, describe(e.Err)) }

func (e *WriteError) Unwrap() error { return e.Err }

// describe says what a file-system error is, with its errno name when it
// has one: "read-only file system (EROFS)".
func describe(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("%s (%s)", errno.Error(), unix.ErrnoName(errno))
	}
	return err.Error()
}

// Invalidate marks the index file of dir stale. An update calls it, under
// the update lock, before it changes the store, so that readers never
// trust a file the store has moved past, even if the update is killed
// before it writes the new file. The old file stays in place: readers
// that hold the store can still use it while it matches.
func Invalidate(dir string) error {
	path := filepath.Join(dir, File)
	mark := path + staleSuffix
	f, err := os.OpenFile(mark, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return &WriteError{Path: mark, Err: err}
	}
	err = f.Close()
	// An empty mark needs no room on the disk; its modification time
	// moves on with every update, which is what [Stamp] watches.
	if now := time.Now(); err == nil {
		err = os.Chtimes(mark, now, now)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return &WriteError{Path: mark, Err: err}
	}
	return nil
}

// Stamp returns a token that changes whenever the index file of dir is
// rewritten or marked stale: a server polls it to learn that an update
// ran, even one that could not write the file.
func Stamp(dir string) string {
	path := filepath.Join(dir, File)
	stamp := func(p string) string {
		fi, err := os.Stat(p)
		if err != nil {
			return "-"
		}
		return fmt.Sprintf("%d/%d", fi.ModTime().UnixNano(), fi.Size())
	}
	return stamp(path) + " " + stamp(path+staleSuffix)
}

// marked reports whether the index file at path is marked stale.
func marked(path string) bool {
	_, err := os.Lstat(path + staleSuffix)
	return err == nil
}

// clearMark removes the stale mark of the index file at path.
func clearMark(path string) error {
	err := os.Remove(path + staleSuffix)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return &WriteError{Path: path + staleSuffix, Err: err}
	}
	return nil
}

// clearIfIdle clears the stale mark of dir's index, which a reader found
// to match the store, unless an update runs.
func clearIfIdle(dir string) {
	l, err := dirlock.TryAcquire(dir)
	if err != nil {
		return
	}
	defer l.Release()
	clearMark(filepath.Join(dir, File))
}

// tempFile is the part of *os.File that Write uses; tests replace
// createTemp to make writes fail the way a full disk does.
type tempFile interface {
	io.Writer
	Name() string
	Chmod(os.FileMode) error
	Sync() error
	Close() error
}

var createTemp = func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// Write saves ix to path: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory, so
// a reader sees the old file or the new one, whole, and a crash loses
// neither. The old file is never removed first. A failure is a
// [*WriteError] naming path.
func (ix *Index) Write(path string) error {
	if err := ix.write(path); err != nil {
		return &WriteError{Path: path, Err: err}
	}
	return nil
}

func (ix *Index) write(path string) error {
	tmp, err := createTemp(filepath.Dir(path), ".index-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(ix.data)
	for _, step := range []func() error{func() error { return tmp.Chmod(0o644) }, tmp.Sync} {
		if err == nil {
			err = step()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes the entries of dir (a rename, a new or removed file)
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
