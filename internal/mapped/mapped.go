// Package mapped reads files by mapping them into memory read-only, so
// that a new process can use a large file (the compiled index, the
// routing table) without copying it: the pages come straight from the
// page cache, and only those touched are read.
package mapped

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Read maps the file at path read-only and returns its bytes, which must
// never be written (a write faults). The mapping lives as long as the
// process; an empty file or a file system that cannot map is read
// instead. Errors name the path and satisfy os.IsNotExist as os.ReadFile's do.
func Read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size == 0 || !fi.Mode().IsRegular() || size != int64(int(size)) {
		return os.ReadFile(path)
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		if b, rerr := os.ReadFile(path); rerr == nil {
			return b, nil
		}
		return nil, fmt.Errorf("mapped: %s: %w", path, err)
	}
	return b, nil
}
