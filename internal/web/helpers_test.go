package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing/routingtest"
)

// testNow is the fixed clock of the tests.
var testNow = time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)

// fixtureAtlas loads testdata/atlas and fails on any check problem.
func fixtureAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	a, err := atlas.Load(os.DirFS("testdata/atlas"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := atlas.Check(a).Err(); err != nil {
		tb.Fatalf("testdata/atlas has problems:\n%v", err)
	}
	return a
}

// fixtureRanges reads the feed files under from into range data, as a
// loader would return it (snapshot ids count from 1 in feed order).
func fixtureRanges(tb testing.TB, from string) *RangeData {
	tb.Helper()
	var sets []lpm.Set
	d := &RangeData{History: map[string][]Snapshot{}}
	for i := range ranges.Feeds {
		f := &ranges.Feeds[i]
		snap, err := f.ReadDir(from, testNow)
		if errors.Is(err, ranges.ErrNoFiles) {
			continue
		}
		if err != nil {
			tb.Fatalf("feed %s: %v", f.ID, err)
		}
		id := int64(len(sets) + 1)
		sets = append(sets, lpm.Set{Source: &lpm.Source{Feed: f.ID, Tier: f.Tier, Order: i, SnapshotID: id,
			UpstreamID: snap.UpstreamID, UpstreamDate: snap.UpstreamDate, Fetched: snap.Fetched}, Records: snap.Records})
		v4, v6 := snap.PrefixCount()
		s := Snapshot{ID: id, Feed: f.ID, UpstreamID: snap.UpstreamID, UpstreamDate: snap.UpstreamDate,
			SHA256: snap.SHA256, Fetched: snap.Fetched, V4: v4, V6: v6, Records: len(snap.Records)}
		d.Current = append(d.Current, s)
		d.History[f.ID] = []Snapshot{s}
	}
	tbl := lpm.Build(sets)
	d.Ranges = answer.WithRoutes(tbl, &answer.Routes{Table: routingtest.Example.Table(tb),
		Source: &lpm.Source{Feed: "routing", Tier: ranges.TierRouting, Order: len(ranges.Feeds), SnapshotID: 99, UpstreamID: "1.0.0"}})
	d.Records, d.Prefixes = tbl.Len()
	return d
}

// staticLoader returns a loader that always returns d.
func staticLoader(d *RangeData) Loader {
	return func(context.Context) (*RangeData, error) { return d, nil }
}

// newTestServer returns a server over the fixture atlas and, when
// withRanges, the fixture feeds, loaded.
func newTestServer(tb testing.TB, withRanges bool) *Server {
	tb.Helper()
	d := &RangeData{}
	if withRanges {
		d = fixtureRanges(tb, "testdata/feeds")
	}
	log := slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := New(Config{Load: staticLoader(d), Atlas: fixtureAtlas(tb), Logger: log, Now: func() time.Time { return testNow }})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// response is a recorded response.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request to s and records the response.
func do(tb testing.TB, s *Server, method, target, contentType, body string) response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.String()}
}

// get sends a GET and fails unless the status is want.
func get(tb testing.TB, s *Server, target string, want int) response {
	tb.Helper()
	r := do(tb, s, "GET", target, "", "")
	if r.status != want {
		tb.Fatalf("GET %s: status %d, want %d; body:\n%s", target, r.status, want, r.body)
	}
	return r
}

func wantContains(tb testing.TB, got string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			tb.Errorf("output lacks %q", w)
		}
	}
}

func wantNotContains(tb testing.TB, got string, bad ...string) {
	tb.Helper()
	for _, b := range bad {
		if strings.Contains(got, b) {
			tb.Errorf("output contains %q", b)
		}
	}
}
