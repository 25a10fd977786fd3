package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Existing is what a snapshot file already holds.
type Existing struct {
	// Header is the file's header, nil when the file is empty.
	Header *Header
	// Done holds the ASCII names already written.
	Done map[string]bool
	// Size is the length of the complete lines; anything after it is a
	// line torn by a kill, to be cut off before appending.
	Size int64
}

// ReadExisting reads the snapshot at path to resume it. A missing file
// is an empty snapshot. A last line without its newline is torn (the
// process was killed while writing it): it is left out, and Size stops
// before it. Any other malformed line is an error naming the line.
func ReadExisting(path string) (Existing, error) {
	ex := Existing{Done: map[string]bool{}}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return ex, nil
	}
	if err != nil {
		return ex, err
	}
	defer f.Close()
	err = Scan(f, func(h *Header, rec *Record, end int64) error {
		if h != nil {
			ex.Header = h
		} else {
			ex.Done[rec.ASCII] = true
		}
		ex.Size = end
		return nil
	})
	if err != nil {
		return ex, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return ex, nil
}

// Scan reads a snapshot from r and calls fn for the header (rec nil) and
// for each record (h nil), with the offset just after the line. A torn
// last line (no final newline) is skipped. A malformed line, a header
// anywhere but on the first line, a second record for a name, or a
// record without a name is an error naming the line.
func Scan(r io.Reader, fn func(h *Header, rec *Record, end int64) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	seen := map[string]int{}
	var off int64
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if err == io.EOF {
			return nil // a torn last line (or none)
		}
		if err != nil {
			return err
		}
		off += int64(len(b))
		h, rec, perr := parseSnapshotLine(b, line)
		if perr == nil && rec != nil {
			if prev, dup := seen[rec.ASCII]; dup {
				perr = fmt.Errorf("%s was already written on line %d", rec.ASCII, prev)
			}
			seen[rec.ASCII] = line
		}
		if perr != nil {
			return fmt.Errorf("line %d: %w", line, perr)
		}
		if err := fn(h, rec, off); err != nil {
			return err
		}
	}
}

func parseSnapshotLine(b []byte, line int) (*Header, *Record, error) {
	if bytes.HasPrefix(b, []byte(`{"format"`)) {
		if line != 1 {
			return nil, nil, errors.New("a header after the first line")
		}
		var h Header
		if err := json.Unmarshal(b, &h); err != nil {
			return nil, nil, err
		}
		if h.Format != Format {
			return nil, nil, fmt.Errorf("format %q, want %q", h.Format, Format)
		}
		return &h, nil, nil
	}
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, nil, err
	}
	if rec.ASCII == "" {
		return nil, nil, errors.New(`a record without "ascii"`)
	}
	return nil, &rec, nil
}

// Read reads a whole snapshot: its header (nil if it has none) and its
// records in file order.
func Read(r io.Reader) (*Header, []Record, error) {
	var head *Header
	var recs []Record
	err := Scan(r, func(h *Header, rec *Record, _ int64) error {
		if h != nil {
			head = h
		} else {
			recs = append(recs, *rec)
		}
		return nil
	})
	return head, recs, err
}
