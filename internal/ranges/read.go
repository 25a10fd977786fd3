package ranges

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/guard"
)

// Input is the content of one feed file and the name it came from.
type Input struct {
	Name string // file path or URL
	Data []byte
}

// ErrNoFiles reports that a directory holds no file of a feed.
var ErrNoFiles = errors.New("no files for this feed")

// Paths returns the files of f found under dir, in a stable order.
// It returns [ErrNoFiles] if there are none.
func (f *Feed) Paths(dir string) ([]string, error) {
	var paths []string
	for _, file := range f.Files {
		m, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(file.Glob)))
		if err != nil {
			return nil, fmt.Errorf("feed %s: glob %q: %w", f.ID, file.Glob, err)
		}
		slices.Sort(m)
		if len(m) > 0 && !f.Multi {
			m = m[len(m)-1:]
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("feed %s under %s: %w", f.ID, dir, ErrNoFiles)
	}
	return paths, nil
}

// ReadDir reads and parses the files of f under dir.
func (f *Feed) ReadDir(dir string, now time.Time) (*Snapshot, error) {
	paths, err := f.Paths(dir)
	if err != nil {
		return nil, err
	}
	inputs := make([]Input, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("feed %s: %w", f.ID, err)
		}
		inputs = append(inputs, Input{Name: p, Data: data})
	}
	return f.Build(inputs, now)
}

// Build parses inputs into one snapshot of f, merges records that differ
// only in service, and checks that the result is usable. The snapshot's
// upstream id and date come from the newest input that has them.
func (f *Feed) Build(inputs []Input, now time.Time) (*Snapshot, error) {
	h := sha256.New()
	s := &Snapshot{Feed: f.ID, Fetched: now}
	names := make([]string, 0, len(inputs))
	for _, in := range inputs {
		names = append(names, in.Name)
		h.Write(in.Data)
		p, err := f.Parse(in.Name, in.Data)
		if err != nil {
			return nil, fmt.Errorf("feed %s: %w", f.ID, err)
		}
		if len(p.Records) == 0 && !f.Multi {
			return nil, fmt.Errorf("feed %s: %s: no prefixes in file", f.ID, in.Name)
		}
		if p.UpstreamDate.After(s.UpstreamDate) {
			s.UpstreamDate = p.UpstreamDate
		}
		if p.UpstreamID != "" && (s.UpstreamID == "" || CompareIDs(p.UpstreamID, s.UpstreamID) > 0) {
			s.UpstreamID = p.UpstreamID
		}
		if f.Tier == TierOfficial {
			s.Special = append(s.Special, findSpecial(in.Name, p.Records)...)
		}
		s.Records = append(s.Records, p.Records...)
	}
	if len(s.Records) == 0 {
		return nil, fmt.Errorf("feed %s: %s: no prefixes in any file", f.ID, strings.Join(names, ", "))
	}
	for i := range s.Records {
		r := &s.Records[i]
		r.Prefix = r.Prefix.Masked()
		if r.Provider == "" {
			r.Provider = f.Provider
		}
		if r.Partition == "" {
			r.Partition = f.Partition
		}
	}
	if f.Tier != TierOfficial {
		// Third-party lists lose the prefixes no provider can hold, with a
		// warning: the derived Vultr list carries the documentation ranges.
		// A provider's own file that lists them is refused by the update
		// guard instead (see [Snapshot.Special]).
		s.Records, s.Warnings = dropSpecial(s.Records)
		if len(s.Records) == 0 {
			return nil, fmt.Errorf("feed %s: every prefix is in special-purpose address space", f.ID)
		}
	}
	s.Records = Merge(s.Records)
	s.SHA256 = hex.EncodeToString(h.Sum(nil))
	s.Source = strings.Join(names, " ")
	return s, nil
}

// CompareIDs compares two upstream ids: numerically when both are decimal
// numbers, else as strings (dates such as 2026-08-22 sort correctly).
func CompareIDs(a, b string) int { return guard.CompareIDs(a, b) }
