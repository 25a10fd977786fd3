// Package dirlock keeps to one writer per data directory: an update
// holds an advisory lock (flock) on <dir>/update.lock for as long as it
// changes the store or the index file. The file records who holds the
// lock, so that a second writer can say whom it waits for. The kernel
// releases the lock when the holder exits, however it exits.
package dirlock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// File is the lock file's name inside the data directory. It is never
// removed: removing a flock file races with a writer that opened it.
const File = "update.lock"

// pollEvery is how often a waiting writer tries the lock again.
const pollEvery = 50 * time.Millisecond

// Holder is who holds a lock, as recorded in the lock file.
type Holder struct {
	PID     int       // 0 when not recorded
	Started time.Time // zero when not recorded
}

// String describes the holder, e.g. "pid 4242, started 2026-08-22 15:17:05 UTC".
func (h Holder) String() string {
	if h.PID == 0 {
		return "a process that did not record itself"
	}
	if h.Started.IsZero() {
		return fmt.Sprintf("pid %d", h.PID)
	}
	return fmt.Sprintf("pid %d, started %s", h.PID, h.Started.UTC().Format("2006-01-02 15:04:05 MST"))
}

// BusyError reports that another writer holds the lock.
type BusyError struct {
	Path   string        // the lock file
	Holder Holder        // who holds it
	Waited time.Duration // how long the caller waited; 0 when it did not
}

func (e *BusyError) Error() string {
	msg := fmt.Sprintf("%s: another update holds the lock (%s)", e.Path, e.Holder)
	if e.Waited > 0 {
		msg += fmt.Sprintf("; gave up after waiting %s", e.Waited.Round(time.Millisecond))
	}
	return msg
}

// Lock is a held lock.
type Lock struct{ f *os.File }

// TryAcquire takes the lock of dir if it is free. When another writer
// holds it, the error is a [*BusyError].
func TryAcquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, File)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &fileError{path, err}
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &BusyError{Path: path, Holder: readHolder(path)}
		}
		return nil, &fileError{path, err}
	}
	// Record the holder; a failure to record (a full disk) does not
	// weaken the lock, it only makes a waiter's message vaguer.
	rec := fmt.Sprintf("pid %d\nstarted %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if _, err := f.WriteAt([]byte(rec), 0); err == nil {
		f.Truncate(int64(len(rec)))
	}
	return &Lock{f: f}, nil
}

// Acquire takes the lock of dir, waiting up to timeout while another
// writer holds it (0: not at all; negative: as long as ctx lasts). It
// calls waiting once, with the holder, when it starts to wait. After the
// timeout the error is a [*BusyError].
func Acquire(ctx context.Context, dir string, timeout time.Duration, waiting func(Holder)) (*Lock, error) {
	start := time.Now()
	l, err := TryAcquire(dir)
	var busy *BusyError
	if !errors.As(err, &busy) || timeout == 0 {
		return l, err
	}
	if waiting != nil {
		waiting(busy.Holder)
	}
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock: %s: %w", busy.Path, ctx.Err())
		case <-t.C:
		}
		l, err = TryAcquire(dir)
		if !errors.As(err, &busy) {
			return l, err
		}
		if waited := time.Since(start); timeout > 0 && waited >= timeout {
			busy.Waited = waited
			return nil, busy
		}
	}
}

// Held reports whether another writer holds the lock of dir, and who.
// It is false when the lock cannot be taken for another reason (a
// read-only directory, where no update can run either).
func Held(dir string) (Holder, bool) {
	l, err := TryAcquire(dir)
	var busy *BusyError
	if errors.As(err, &busy) {
		return busy.Holder, true
	}
	l.Release()
	return Holder{}, false
}

// Release releases the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// fileError is a failure to open or lock the lock file.
type fileError struct {
	path string
	err  error
}

// Error says what the failure is, with its errno name: "lock:
// /data/update.lock: read-only file system (EROFS)".
func (e *fileError) Error() string {
	var errno syscall.Errno
	if errors.As(e.err, &errno) {
		return fmt.Sprintf("lock: %s: %s (%s)", e.path, errno.Error(), unix.ErrnoName(errno))
	}
	return fmt.Sprintf("lock: %s: %v", e.path, e.err)
}

func (e *fileError) Unwrap() error { return e.err }

// readHolder reads who holds the lock from the lock file.
func readHolder(path string) Holder {
	var h Holder
	b, err := os.ReadFile(path)
	if err != nil {
		return h
	}
	for _, line := range strings.Split(string(b), "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "pid":
			h.PID, _ = strconv.Atoi(val)
		case "started":
			h.Started, _ = time.Parse(time.RFC3339, val)
		}
	}
	return h
}
