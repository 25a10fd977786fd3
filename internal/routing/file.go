package routing

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/mapped"
)

// FileName is the routing file's name in a data directory: the encoded
// table of the current routing snapshot, written after each import.
const FileName = "routing.bin"

// fileMagic starts a routing file: a data directory's copy of its
// current routing table, which a new process reads without the store.
const fileMagic = "cloudatlas routing table\n"

// Stored is a routing table with the store snapshot it came from.
type Stored struct {
	Table    *Table
	Snapshot int64     // the store's id of the routing snapshot
	Fetched  time.Time // when the tarballs were read or downloaded
	// Store names the store the snapshot is from, as the index file does
	// (index.StoreTag): "" for the SQLite database of the file's data
	// directory, else "store " and the store's identity.
	Store string
}

// storeLine starts the optional header line that names the store.
const storeLine = "store "

// WriteFile writes s to path through a synced temporary file in the same
// directory, renamed into place: a reader sees the old file or the new
// one, never a part.
func WriteFile(path string, s Stored) error {
	head := fmt.Sprintf("%s%d\n%s\n", fileMagic, s.Snapshot, s.Fetched.UTC().Format(time.RFC3339Nano))
	if s.Store != "" {
		if !strings.HasPrefix(s.Store, storeLine) || strings.Contains(s.Store, "\n") {
			return fmt.Errorf("routing: %s: store tag %q: want %q and an id", path, s.Store, storeLine)
		}
		head += s.Store + "\n"
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return fmt.Errorf("routing: %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(head)
	if err == nil {
		_, err = tmp.Write(s.Table.Bytes())
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("routing: %s: %w", path, err)
	}
	return nil
}

// ReadFile reads a file [WriteFile] wrote, checking the table as [Open]
// does. A missing file is an error satisfying os.IsNotExist.
func ReadFile(path string) (Stored, error) {
	b, err := mapped.Read(path)
	if err != nil {
		return Stored{}, err
	}
	rest, ok := bytes.CutPrefix(b, []byte(fileMagic))
	if !ok {
		return Stored{}, fmt.Errorf("routing: %s: not a routing file: %w", path, ErrCorrupt)
	}
	var s Stored
	for i, parse := range []func(string) error{
		func(v string) (err error) { s.Snapshot, err = strconv.ParseInt(v, 10, 64); return err },
		func(v string) (err error) { s.Fetched, err = time.Parse(time.RFC3339Nano, v); return err },
	} {
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok || len(line) > 64 {
			return Stored{}, fmt.Errorf("routing: %s: header line %d: %w", path, i+2, ErrCorrupt)
		}
		if err := parse(string(line)); err != nil {
			return Stored{}, fmt.Errorf("routing: %s: header line %d: %v: %w", path, i+2, err, ErrCorrupt)
		}
		rest = after
	}
	if bytes.HasPrefix(rest, []byte(storeLine)) {
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok || len(line) > 128 {
			return Stored{}, fmt.Errorf("routing: %s: header line 4: %w", path, ErrCorrupt)
		}
		s.Store, rest = string(line), after
	}
	if s.Table, err = Open(rest); err != nil {
		return Stored{}, fmt.Errorf("routing: %s: %w", path, err)
	}
	return s, nil
}
