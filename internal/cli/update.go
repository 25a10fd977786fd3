package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/cloudatlas/cloudatlas/internal/fetch"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// maxShrink is the largest loss of prefixes an update accepts without
// --force: a feed that suddenly lost more is more likely broken than real.
const maxShrink = 0.20

func runUpdate(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("update", "")
	from := fs.String("from", "", "import feed files from this `directory` (laid out like shared/data/ranges) instead of downloading")
	only := fs.String("feed", "", "comma-separated feed `ids` to update (default all)")
	force := fs.Bool("force", false, "accept a feed whose upstream id went backwards or that lost more than 20% of its prefixes")
	timeout := fs.Duration("timeout", 60*time.Second, "per-request `timeout`")
	retries := fs.Int("retries", 3, "retries after a failed download")
	mirror := fs.String("mirror", "", "fetch every upstream URL from this mirror `URL` instead (https://host/path -> URL/host/path)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	feeds, err := pickFeeds(*only)
	if err != nil {
		return err
	}
	db, dir, err := e.openStore(ctx, *dirFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	client := fetch.New(*timeout)
	client.Retries, client.Mirror = *retries, *mirror
	u := &updater{e: e, db: db, dir: dir, from: *from, force: *force, client: client, now: e.Now().UTC()}
	if f, ok := e.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		u.progress = e.Stderr
	}
	failed := u.all(ctx, feeds)
	if _, err := index.Open(ctx, db, dir); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	if failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d of %d feeds failed; their previous snapshots stay in use", failed, len(feeds))}
	}
	return nil
}

// pickFeeds returns the feeds named in a comma-separated list, or all.
func pickFeeds(list string) ([]*ranges.Feed, error) {
	var out []*ranges.Feed
	if list == "" {
		for i := range ranges.Feeds {
			out = append(out, &ranges.Feeds[i])
		}
		return out, nil
	}
	for _, id := range strings.Split(list, ",") {
		f, err := ranges.Lookup(strings.TrimSpace(id))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// updater runs one update.
type updater struct {
	e        *Env
	db       *store.DB
	dir      string
	from     string
	force    bool
	client   *fetch.Client
	now      time.Time
	progress io.Writer // a terminal, or nil
}

// all updates each feed in turn, reporting one line per feed, and
// returns how many failed.
func (u *updater) all(ctx context.Context, feeds []*ranges.Feed) int {
	failed := 0
	for i, f := range feeds {
		if ctx.Err() != nil {
			fmt.Fprintf(u.e.Stderr, "update: interrupted before %s\n", f.ID)
			return failed + len(feeds) - i
		}
		if u.progress != nil {
			fmt.Fprintf(u.progress, "\r\033[K[%d/%d] %s ...", i+1, len(feeds), f.ID)
		}
		msg, err := u.feed(ctx, f)
		if u.progress != nil {
			fmt.Fprint(u.progress, "\r\033[K")
		}
		if err != nil {
			failed++
			fmt.Fprintf(u.e.Stderr, "%-16s FAILED: %v\n", f.ID, err)
			continue
		}
		fmt.Fprintf(u.e.Stdout, "%-16s %s\n", f.ID, msg)
	}
	return failed
}

// feed updates one feed and describes the outcome.
func (u *updater) feed(ctx context.Context, f *ranges.Feed) (string, error) {
	var snap *ranges.Snapshot
	var dl *download
	var err error
	if u.from != "" {
		snap, err = f.ReadDir(u.from, u.now)
		if errors.Is(err, ranges.ErrNoFiles) {
			return "skipped: no files under " + u.from, nil
		}
	} else {
		dl, err = u.download(ctx, f)
		if err == nil && dl.unchanged {
			return "unchanged (not modified upstream)", nil
		}
		if err == nil {
			snap, err = f.Build(dl.inputs, u.now)
		}
		if err == nil && snap.UpstreamDate.IsZero() {
			snap.UpstreamDate = dl.lastModified()
		}
	}
	if err != nil {
		return "", err
	}
	for _, w := range snap.Warnings {
		fmt.Fprintf(u.e.Stderr, "%-16s warning: %s\n", f.ID, w)
	}
	msg, err := u.save(ctx, f, snap)
	if err != nil || dl == nil {
		return msg, err
	}
	return msg, u.keep(ctx, f, dl)
}

// save stores snap unless it equals the current snapshot or fails the
// guards.
func (u *updater) save(ctx context.Context, f *ranges.Feed, snap *ranges.Snapshot) (string, error) {
	hist, err := u.db.History(ctx, f.ID)
	if err != nil {
		return "", err
	}
	v4, v6 := snap.PrefixCount()
	if len(hist) > 0 {
		cur := hist[len(hist)-1]
		if cur.SHA256 == snap.SHA256 {
			return fmt.Sprintf("unchanged (snapshot %d, same sha256)", cur.ID), nil
		}
		if err := u.guard(cur, snap, v4+v6); err != nil {
			return "", err
		}
	}
	if err := index.Invalidate(u.dir); err != nil {
		return "", err
	}
	id, err := u.db.Save(ctx, snap)
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("saved snapshot %d: %d IPv4 + %d IPv6 prefixes", id, v4, v6)
	if snap.UpstreamID != "" {
		msg += ", upstream " + snap.UpstreamID
	}
	if !snap.UpstreamDate.IsZero() {
		msg += " of " + snap.UpstreamDate.Format("2006-01-02")
	}
	return msg, nil
}

// guard refuses a snapshot whose upstream id went backwards or that lost
// too many prefixes, unless --force.
func (u *updater) guard(cur store.SnapshotInfo, snap *ranges.Snapshot, n int) error {
	if u.force {
		return nil
	}
	if cur.UpstreamID != "" && snap.UpstreamID != "" && ranges.CompareIDs(snap.UpstreamID, cur.UpstreamID) < 0 {
		return fmt.Errorf("upstream id went backwards (%s, current snapshot %d has %s): refusing; use --force to accept",
			snap.UpstreamID, cur.ID, cur.UpstreamID)
	}
	if old := cur.V4 + cur.V6; float64(n) < float64(old)*(1-maxShrink) {
		return fmt.Errorf("only %d prefixes, down from %d in snapshot %d (more than %.0f%% lost): refusing; use --force to accept",
			n, old, cur.ID, maxShrink*100)
	}
	return nil
}

// download is the fetched files of one feed.
type download struct {
	inputs    []ranges.Input
	results   []*fetch.Result
	names     []string // cache file names
	unchanged bool     // every file answered 304 Not Modified
}

// lastModified returns the newest Last-Modified date the server gave for
// the files, the best date of a feed that carries none; zero if none.
func (dl *download) lastModified() time.Time {
	var newest time.Time
	for _, res := range dl.results {
		if t, err := http.ParseTime(res.Validators.LastModified); err == nil && t.After(newest) {
			newest = t.UTC()
		}
	}
	return newest
}

// download fetches every file of f, reusing the cached copy of a file
// that answered 304 Not Modified.
func (u *updater) download(ctx context.Context, f *ranges.Feed) (*download, error) {
	dl := &download{unchanged: true}
	for _, file := range f.Files {
		url, err := u.resolve(ctx, f, file)
		if err != nil {
			return nil, err
		}
		name := cacheName(file, url)
		res, err := u.get(ctx, url, filepath.Join(u.cacheDir(f), name))
		if err != nil {
			return nil, err
		}
		dl.unchanged = dl.unchanged && res.NotModified
		dl.inputs = append(dl.inputs, ranges.Input{Name: url, Data: res.Body})
		dl.results = append(dl.results, res)
		dl.names = append(dl.names, name)
	}
	return dl, nil
}

// get fetches url conditionally; on 304 it returns the cached body, and
// when the cache is missing it fetches again unconditionally.
func (u *updater) get(ctx context.Context, url, cached string) (*fetch.Result, error) {
	etag, lm, err := u.db.FetchState(ctx, url)
	if err != nil {
		return nil, err
	}
	prev := fetch.Validators{ETag: etag, LastModified: lm}
	body, cerr := os.ReadFile(cached)
	if cerr != nil {
		prev = fetch.Validators{}
	}
	res, err := u.client.Get(ctx, url, prev)
	if err != nil {
		return nil, err
	}
	if res.NotModified {
		res.Body = body
	}
	return res, nil
}

// resolve returns the URL of the data file, following a download page
// for feeds whose file name changes (Azure).
func (u *updater) resolve(ctx context.Context, f *ranges.Feed, file ranges.File) (string, error) {
	if f.Resolve == nil {
		return file.URL, nil
	}
	page, err := u.client.Get(ctx, file.URL, fetch.Validators{})
	if err != nil {
		return "", err
	}
	url, err := f.Resolve(page.Body)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file.URL, err)
	}
	return url, nil
}

func (u *updater) cacheDir(f *ranges.Feed) string {
	return filepath.Join(u.dir, "raw", f.ID)
}

func cacheName(file ranges.File, url string) string {
	if base := path.Base(file.Glob); !strings.ContainsAny(base, "*?[") {
		return base
	}
	return path.Base(url)
}

// keep records the validators and caches the bodies of a saved download.
func (u *updater) keep(ctx context.Context, f *ranges.Feed, dl *download) error {
	dir := u.cacheDir(f)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, res := range dl.results {
		if err := os.WriteFile(filepath.Join(dir, dl.names[i]), dl.inputs[i].Data, 0o644); err != nil {
			return err
		}
		v := res.Validators
		if err := u.db.SetFetchState(ctx, dl.inputs[i].Name, v.ETag, v.LastModified); err != nil {
			return err
		}
	}
	return nil
}
