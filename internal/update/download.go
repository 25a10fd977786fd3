package update

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/fetch"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// download fetches the files of f, builds the snapshot and saves it.
func (u *Updater) download(ctx context.Context, f *ranges.Feed) Result {
	res := Result{Feed: f.ID}
	dl, err := u.fetch(ctx, f)
	if err != nil {
		return failed(res, err)
	}
	res.Source = strings.Join(dl.urls(), " ")
	if dl.unchanged {
		res.Status, res.Reason = Unchanged, "not modified upstream"
		return res
	}
	snap, err := f.Build(dl.inputs, u.now())
	if err != nil {
		return failed(res, err)
	}
	if snap.UpstreamDate.IsZero() {
		snap.UpstreamDate = dl.lastModified()
	}
	res = u.save(ctx, candidate{snap: snap, files: dl.urls()})
	if res.Status == Saved || res.Status == Unchanged {
		if err := u.keep(ctx, f, dl); err != nil {
			// The snapshot is safe in the store; the next run downloads
			// the files again instead of asking whether they changed.
			res.Warnings = append(res.Warnings, fmt.Sprintf("download not cached: %v", err))
		}
	}
	return res
}

// downloaded is the fetched files of one feed.
type downloaded struct {
	inputs    []ranges.Input
	results   []*fetch.Result
	names     []string // cache file names
	unchanged bool     // every file answered 304 Not Modified
}

func (dl *downloaded) urls() []string {
	out := make([]string, len(dl.inputs))
	for i, in := range dl.inputs {
		out[i] = in.Name
	}
	return out
}

// lastModified returns the newest Last-Modified date the server gave for
// the files, the best date of a feed that carries none; zero if none.
func (dl *downloaded) lastModified() time.Time {
	var newest time.Time
	for _, res := range dl.results {
		if t, err := http.ParseTime(res.Validators.LastModified); err == nil && t.After(newest) {
			newest = t.UTC()
		}
	}
	return newest
}

// fetch downloads every file of f, reusing the cached copy of a file
// that answered 304 Not Modified.
func (u *Updater) fetch(ctx context.Context, f *ranges.Feed) (*downloaded, error) {
	dl := &downloaded{unchanged: true}
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
func (u *Updater) get(ctx context.Context, url, cached string) (*fetch.Result, error) {
	etag, lm, err := u.Store.FetchState(ctx, url)
	if err != nil {
		return nil, err
	}
	prev := fetch.Validators{ETag: etag, LastModified: lm}
	body, cerr := os.ReadFile(cached)
	if cerr != nil {
		prev = fetch.Validators{}
	}
	res, err := u.client().Get(ctx, url, prev)
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
func (u *Updater) resolve(ctx context.Context, f *ranges.Feed, file ranges.File) (string, error) {
	if f.Resolve == nil {
		return file.URL, nil
	}
	page, err := u.client().Get(ctx, file.URL, fetch.Validators{})
	if err != nil {
		return "", err
	}
	url, err := f.Resolve(page.Body)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file.URL, err)
	}
	return url, nil
}

func (u *Updater) cacheDir(f *ranges.Feed) string {
	return filepath.Join(u.Dir, "raw", f.ID)
}

func cacheName(file ranges.File, url string) string {
	if base := path.Base(file.Glob); !strings.ContainsAny(base, "*?[") {
		return base
	}
	return path.Base(url)
}

// keep records the validators and caches the bodies of a download that
// was saved or found unchanged; a refused download is fetched again.
func (u *Updater) keep(ctx context.Context, f *ranges.Feed, dl *downloaded) error {
	dir := u.cacheDir(f)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, res := range dl.results {
		if err := os.WriteFile(filepath.Join(dir, dl.names[i]), dl.inputs[i].Data, 0o644); err != nil {
			return err
		}
		v := res.Validators
		if err := u.Store.SetFetchState(ctx, dl.inputs[i].Name, v.ETag, v.LastModified); err != nil {
			return err
		}
	}
	return nil
}
