package web

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// chromiumPath returns Debian's chromium (or chromium-headless-shell),
// or "" when none is installed.
func chromiumPath() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-headless-shell"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, n := range []string{"chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// browserContext starts a headless chromium for the test, or skips the
// test when there is none (fails it when CLOUDATLAS_REQUIRE_BROWSER=1).
func browserContext(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		if os.Getenv("CLOUDATLAS_REQUIRE_BROWSER") == "1" {
			t.Fatal("no chromium binary found, and CLOUDATLAS_REQUIRE_BROWSER=1: apt-get install -y chromium")
		}
		t.Skip("no chromium binary found (apt-get install -y chromium to run the browser tests)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return bctx
}

// artifactDir is where screenshots go: $CLOUDATLAS_ARTIFACTS/browser, or
// a temp dir of the test.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if a := os.Getenv("CLOUDATLAS_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves a full-page PNG of the current page as name.png.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// must fails the test on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the first element matching a CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	must(t, "text of "+sel, err)
	return s
}

// TestBrowser drives the real pages in headless chromium: search an
// address, redraw the chain at another date, follow it to the operator,
// see the market charts, and upload a list on the bulk page and download
// it as CSV.
func TestBrowser(t *testing.T) {
	ctx := browserContext(t)
	s := newTestServer(t, true)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	shots := artifactDir(t)

	// Search an address from the home page.
	must(t, "open home", chromedp.Do(ctx, chromedp.Navigate(ts.URL)))
	screenshot(t, ctx, shots, "home")
	_, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "52.80.0.1\n"))
	must(t, "search", err)
	must(t, "wait for chain", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("ol.chain"))))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, "location", err)
	if !strings.Contains(loc, "/ip/52.80.0.1") {
		t.Fatalf("search led to %s, want the answer page of 52.80.0.1", loc)
	}
	if op := text(t, ctx, `li[data-step="operator"]`); !strings.Contains(op, "Beijing Sinnet") {
		t.Errorf("operator today = %q, want Beijing Sinnet", op)
	}
	screenshot(t, ctx, shots, "answer-today")

	// Change the as-of date: the chain is redrawn with the 2015 operator.
	must(t, "set date", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#as_of"), "2015-06-01")))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("form.asof button")))
	must(t, "redraw", err)
	if op := text(t, ctx, `li[data-step="operator"]`); !strings.Contains(op, "Amazon Web Services, Inc.") || strings.Contains(op, "Sinnet") {
		t.Errorf("operator in 2015 = %q, want Amazon Web Services, Inc.", op)
	}
	screenshot(t, ctx, shots, "answer-2015")

	// Follow the chain to the operator's page.
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`li[data-step="operator"] a.entity`)))
	must(t, "follow operator", err)
	if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "Amazon Web Services, Inc.") {
		t.Errorf("operator page h1 = %q", h1)
	}
	if day, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#as_of"))); err != nil || day != "2015-06-01" {
		t.Errorf("operator page as-of = %q (%v), want the chain's date 2015-06-01", day, err)
	}
	must(t, "graph", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("svg.graph-svg"))))
	screenshot(t, ctx, shots, "operator")

	// The market page draws one chart per firm.
	must(t, "open market", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/market")))
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("figure.chart polyline")].filter(p => p.getBBox().width > 0 || p.getBBox().height > 0).length`))
	must(t, "count drawn lines", err)
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart svg.chart-svg").length`))
	must(t, "count charts", err)
	if charts != 2 || drawn < 2 {
		t.Errorf("market page: %d charts with %d drawn lines, want 2 charts (one per firm) with lines", charts, drawn)
	}
	screenshot(t, ctx, shots, "market")

	// Upload a small list on the bulk page, see the table, download CSV.
	list := filepath.Join(t.TempDir(), "addresses.txt")
	must(t, "write list", os.WriteFile(list, []byte("52.80.0.1\n3.0.5.7\nnot-an-ip\n"), 0o644))
	must(t, "open bulk", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/bulk"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list})))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("#show")))
	must(t, "submit bulk", err)
	if tbl := text(t, ctx, "#results"); !strings.Contains(tbl, "52.80.0.0/16") || !strings.Contains(tbl, "3.0.5.0/24") || !strings.Contains(tbl, "not an IP address") {
		t.Errorf("bulk table lacks the expected rows:\n%s", tbl)
	}
	screenshot(t, ctx, shots, "bulk")
	downloads := t.TempDir()
	c := chromedp.FromContext(ctx)
	_, err = cdp.Call(ctx, c.Browser, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	must(t, "allow downloads", err)
	must(t, "download csv", chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#csv"))))
	csv := waitFile(t, filepath.Join(downloads, "cloudatlas-bulk.csv"))
	if !strings.HasPrefix(csv, "input,prefix,provider,") || !strings.Contains(csv, "52.80.0.1,52.80.0.0/16") || !strings.Contains(csv, `not-an-ip,,,,,,,,,,,0,"not an IP address, CIDR prefix or host name"`) {
		t.Errorf("downloaded CSV:\n%s", csv)
	}
}

// waitFile waits for a completed download and returns its content.
func waitFile(t *testing.T, path string) string {
	t.Helper()
	for range 100 {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	t.Fatalf("no download at %s (dir has %v)", path, entries)
	return ""
}
