package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrDiskFull and ErrReadOnly say why the file system refused a write.
// Errors of the store wrap them (errors.Is) when that is the cause.
var (
	ErrDiskFull = errors.New("the disk is full (ENOSPC)")
	ErrReadOnly = errors.New("read-only file system (EROFS)")
)

// lowSpace is the free space under which a failed write is blamed on a
// full disk: SQLite needs room for its journal, not only for the rows.
const lowSpace = 1 << 20

// SQLite's primary result codes that a file-system problem produces.
const (
	sqliteBusy     = 5
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// fail wraps err, from operation op on the store in dir, with the
// database's path and the file-system problem behind it, if any: SQLite
// itself says only "disk I/O error (4874)" when it cannot grow its
// shared-memory file on a full disk.
func fail(dir, op string, err error) error {
	if problem := fsProblem(dir, err); problem != nil {
		return fmt.Errorf("store: %s: %w: %s: %w", filepath.Join(dir, DBFile), problem, op, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// fsProblem returns ErrReadOnly or ErrDiskFull (with the free space) when
// err may come from the file system and the file system holding dir is
// read-only or (nearly) full; else nil.
func fsProblem(dir string, err error) error {
	if !fromFS(err) {
		return nil
	}
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return nil
	}
	if st.Flags&unix.ST_RDONLY != 0 {
		return ErrReadOnly
	}
	if free := st.Bavail * uint64(st.Bsize); free < lowSpace {
		return fmt.Errorf("%w, %d bytes free", ErrDiskFull, free)
	}
	return nil
}

// fromFS reports whether err is of a kind a file-system problem causes.
func fromFS(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case sqliteReadOnly, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return true
		}
		return false
	}
	var errno syscall.Errno
	return errors.As(err, &errno)
}

// fail wraps err, from operation op, with the store and, on SQLite, the
// file-system problem behind it (see the function fail).
func (db *DB) fail(op string, err error) error {
	if db.dialect == postgres {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return fail(filepath.Dir(db.path), op, err)
}
