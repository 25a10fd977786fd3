package update

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/fetch"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// HistoryDir is the folder of From that holds older snapshots, laid out
// like From itself with one file per snapshot (aws/ip-ranges.2025-08-22.json).
const HistoryDir = "history"

// fromDir imports the current files of f from u.From.
func (u *Updater) fromDir(ctx context.Context, f *ranges.Feed) Result {
	paths, err := f.Paths(u.From)
	if errors.Is(err, ranges.ErrNoFiles) {
		return Result{Feed: f.ID, Status: Skipped, Reason: "no files under " + u.From}
	}
	if err != nil {
		return failed(Result{Feed: f.ID}, err)
	}
	snap, err := u.build(f, paths)
	if err != nil {
		return failed(Result{Feed: f.ID, Source: strings.Join(paths, " ")}, err)
	}
	return u.save(ctx, candidate{snap: snap, files: paths})
}

// build reads the files at paths, inside u.From, into a snapshot of f.
func (u *Updater) build(f *ranges.Feed, paths []string) (*ranges.Snapshot, error) {
	inputs := make([]ranges.Input, 0, len(paths))
	for _, p := range paths {
		data, err := readInside(u.From, p)
		if err != nil {
			return nil, fmt.Errorf("feed %s: %w", f.ID, err)
		}
		inputs = append(inputs, ranges.Input{Name: p, Data: data})
	}
	return f.Build(inputs, u.now())
}

// readInside reads path, which must be a regular file inside root once
// symbolic links are followed, of at most [fetch.MaxSize] bytes: the
// same bound as a download. Errors name the file.
func readInside(root, path string) ([]byte, error) {
	if err := checkInside(root, path); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return nil, err
	}
	fi, err := r.Stat(rel) // follows links inside root only; does not open a FIFO
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkFile(path, fi); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the file have become a FIFO meanwhile, opening it
	// does not wait for a writer.
	file, err := r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer file.Close()
	if fi, err = file.Stat(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkFile(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(file, fetch.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > fetch.MaxSize {
		return nil, tooLarge(path, int64(len(data)))
	}
	return data, nil
}

// checkInside refuses a path that leads out of root through a symbolic
// link, naming where it leads.
func checkInside(root, path string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if rel, err := filepath.Rel(realRoot, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s: a symbolic link to %s, outside %s: only files inside the directory are read", path, target, root)
	}
	return nil
}

// checkFile refuses anything but a regular file of at most fetch.MaxSize.
func checkFile(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file (%s): only regular files are read", path, kind(fi.Mode()))
	}
	if fi.Size() > fetch.MaxSize {
		return tooLarge(path, fi.Size())
	}
	return nil
}

func tooLarge(path string, size int64) error {
	return fmt.Errorf("%s: %d bytes or more, over the %d MB limit of a feed file", path, size, fetch.MaxSize>>20)
}

// kind names a file type in words.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "type " + m.Type().String()
}

// history imports the files of f under From/history, each one older
// snapshot, in the order of their dates.
func (u *Updater) history(ctx context.Context, f *ranges.Feed) []Result {
	dir := filepath.Join(u.From, HistoryDir)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil
	}
	paths, err := historyPaths(f, dir)
	if err != nil || len(paths) == 0 {
		return nil
	}
	if f.Multi || len(f.Files) > 1 {
		return []Result{{Feed: f.ID, History: true, Status: Skipped, Source: strings.Join(paths, " "),
			Reason: "history files of a feed made of several files are not imported: " + strings.Join(paths, ", ")}}
	}
	dated, results := u.dateHistory(f, paths)
	for _, h := range dated {
		if err := ctx.Err(); err != nil {
			return append(results, failed(Result{Feed: f.ID, History: true, Source: h.path}, err))
		}
		snap, err := u.build(f, []string{h.path})
		if err != nil {
			results = append(results, failed(Result{Feed: f.ID, History: true, Source: h.path}, err))
			continue
		}
		snap.UpstreamDate = h.date
		results = append(results, u.save(ctx, candidate{snap: snap, files: []string{h.path}, history: true}))
	}
	return results
}

// historyPaths lists every file of dir that matches one of f's globs,
// widened to dated names (see [historyGlob]).
func historyPaths(f *ranges.Feed, dir string) ([]string, error) {
	var out []string
	for _, file := range f.Files {
		m, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(historyGlob(file.Glob))))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	slices.Sort(out)
	return out, nil
}

// historyGlob widens a feed's glob to the dated names of history files:
// "github/meta.json" also matches "github/meta.2025-03-01.json". A glob
// with a wildcard already ("aws/ip-ranges*.json") stays as it is.
func historyGlob(glob string) string {
	dir, base := path.Split(glob)
	if strings.ContainsAny(base, "*?[") {
		return glob
	}
	ext := path.Ext(base)
	return dir + strings.TrimSuffix(base, ext) + "*" + ext
}

// datedPath is a history file and the date of the snapshot it holds.
type datedPath struct {
	path string
	date time.Time
}

// dateHistory dates each history file (the date inside it, else the date
// in its name, else its modification time) and sorts them oldest first.
// Files that cannot be read or parsed become failed results.
func (u *Updater) dateHistory(f *ranges.Feed, paths []string) ([]datedPath, []Result) {
	var dated []datedPath
	var failures []Result
	for _, p := range paths {
		snap, err := u.build(f, []string{p}) // parsed twice: only one file's records are held at a time
		if err != nil {
			failures = append(failures, failed(Result{Feed: f.ID, History: true, Source: p}, err))
			continue
		}
		date := snap.UpstreamDate
		if date.IsZero() {
			date = nameDate(p)
		}
		if date.IsZero() {
			if fi, err := os.Stat(p); err == nil {
				date = fi.ModTime().UTC()
			}
		}
		dated = append(dated, datedPath{p, date})
	}
	slices.SortStableFunc(dated, func(a, b datedPath) int { return a.date.Compare(b.date) })
	return dated, failures
}

var nameDateRE = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})-?([01][0-9])-?([0-3][0-9])(?:[^0-9]|$)`)

// nameDate returns the date in a file's name (2025-08-22 or 20250822), or
// zero.
func nameDate(path string) time.Time {
	m := nameDateRE.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return time.Time{}
	}
	t, err := time.Parse("20060102", m[1]+m[2]+m[3])
	if err != nil {
		return time.Time{}
	}
	return t
}
