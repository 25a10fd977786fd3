package web

import (
	"context"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/gate"
)

// realServer returns a server over the embedded atlas and the shared
// range snapshots beside the repository, or skips.
func realServer(b testing.TB) *Server { return realServerWith(b, nil) }

// realServerWith is realServer with a gate (nil: none).
func realServerWith(b testing.TB, g *gate.Gate) *Server {
	b.Helper()
	ranges, err := filepath.Abs("../../../shared/data/ranges")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(ranges, "aws", "ip-ranges.json")); err != nil {
		if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
			b.Fatalf("../shared/data/ranges is required (CLOUDATLAS_REQUIRE_SHARED=1): %v", err)
		}
		b.Skip("../shared/data/ranges not found beside the repository")
	}
	d := fixtureRanges(b, ranges)
	sub, err := fs.Sub(data.Atlas, "atlas")
	if err != nil {
		b.Fatal(err)
	}
	a, err := atlas.Load(sub)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Load: staticLoader(d), Atlas: a, Now: func() time.Time { return testNow }, Access: g})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAnswerPage renders the answer page of AWS Beijing from the
// router down, with the real atlas and ranges (target: under 20 ms).
func BenchmarkAnswerPage(b *testing.B) {
	s := realServer(b)
	h := s.Handler()
	for _, day := range []string{"2015-06-01", "2020-06-01"} {
		b.Run(day, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/ip/52.80.0.1?as_of="+day, nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
	// Cold: a new date each time, so the whois answer is not cached.
	b.Run("uncached", func(b *testing.B) {
		d := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		for b.Loop() {
			d = d.AddDate(0, 0, 1)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/ip/52.80.0.1?as_of="+d.Format(time.DateOnly), nil))
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
}

// BenchmarkIPAPI answers GET /v1/ip/{ip} from the router down.
func BenchmarkIPAPI(b *testing.B) {
	s := realServer(b)
	h := s.Handler()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/ip/52.80.0.1", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// TestRealAtlasPages renders every page over the embedded atlas and the
// shared ranges, and checks the Beijing operator change on the answer
// page.
func TestRealAtlasPages(t *testing.T) {
	if testing.Short() {
		t.Skip("imports every shared feed")
	}
	s := realServer(t)
	for _, target := range []string{"/", "/market", "/bulk", "/entity/region/aws/cn-north-1", "/entity/org/beijing-sinnet",
		"/search?q=vianet", "/ip/47.88.0.1", "/ip/2600:1f00::1", "/v1/regions", "/v1/providers", "/v1/market"} {
		get(t, s, target, 200)
	}
	old := get(t, s, "/ip/52.80.0.1?as_of=2015-06-01", 200).body
	now := get(t, s, "/ip/52.80.0.1?as_of=2020-06-01", 200).body
	wantContains(t, now, "Beijing Sinnet")
	wantNotContains(t, old, "Beijing Sinnet Technology Co., Ltd.</bdi></a>")
}
