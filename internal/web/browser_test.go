package web

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axePath is axe-core's browser build, vendored from the npm registry
// (see testdata/axe/README.md); the tests never fetch it.
const axePath = "testdata/axe/axe.min.js"

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
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
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
		chromedp.Flag("hide-scrollbars", true),
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

// eval evaluates a JavaScript expression on the page.
func eval[T any](t *testing.T, ctx context.Context, what, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	must(t, what, err)
	return v
}

// axeViolation is one failed axe-core rule with the elements that fail.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct{ Target, HTML, Summary string }
}

// axe runs axe-core (every rule it runs by default: WCAG 2.x A and AA and
// its best practices) on the current page and fails the test on any
// violation. It returns the number of violations.
func axe(t *testing.T, ctx context.Context, src, page string) int {
	t.Helper()
	if ok := eval[bool](t, ctx, "load axe-core", src+"\n;typeof axe === 'object'"); !ok {
		t.Fatal("axe-core did not load")
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160), summary: n.failureSummary || ""}))})))`,
		chromedp.EvalAwaitPromise))
	must(t, "run axe-core on "+page, err)
	for _, v := range vs {
		var b strings.Builder
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "\n      ... and %d more", len(v.Nodes)-5)
				break
			}
			fmt.Fprintf(&b, "\n      %s: %s\n        %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "; "))
		}
		t.Errorf("%s: axe-core rule %s (%s): %s%s", page, v.ID, v.Impact, v.Help, b.String())
	}
	return len(vs)
}

// visit opens a page, runs axe-core on it and saves its screenshot.
func visit(t *testing.T, ctx context.Context, base, path, name, axeSrc, shots string) {
	t.Helper()
	must(t, "open "+path, chromedp.Do(ctx, chromedp.Navigate(base+path)))
	check(t, ctx, name, axeSrc, shots)
}

// check runs axe-core on the current page and saves its screenshot.
func check(t *testing.T, ctx context.Context, name, axeSrc, shots string) {
	t.Helper()
	screenshot(t, ctx, shots, name)
	axe(t, ctx, axeSrc, name)
}

// TestBrowser drives every page in headless chromium, runs axe-core on
// each and fails on any violation, keeps a screenshot of each, and checks
// what axe cannot: keyboard focus order and the focus ring's contrast,
// the drawn geometry of the graph and the charts with real fonts, and
// the bulk table's layout. Along the way it searches an address, redraws
// the chain at another date, follows it to the operator, and uploads a
// list on the bulk page and downloads it as CSV.
func TestBrowser(t *testing.T) {
	ctx := browserContext(t)
	src, err := os.ReadFile(axePath)
	must(t, "read axe-core", err)
	axeSrc := string(src)
	s := newTestServer(t, true)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	shots := artifactDir(t)

	// Home: nothing has focus on load, so the first Tab reaches the skip
	// link; the focus ring stands out from what is around it.
	visit(t, ctx, ts.URL, "/", "home", axeSrc, shots)
	if got := eval[string](t, ctx, "active element", `document.activeElement.tagName`); got != "BODY" {
		t.Errorf("on load the focus is on %s, want none (an autofocus skips the skip link)", got)
	}
	must(t, "tab", chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
	if got := eval[string](t, ctx, "focused", `document.activeElement.className + " " + document.activeElement.textContent`); got != "skip Skip to content" {
		t.Errorf("the first Tab reaches %q, want the skip link", got)
	}
	focusContrast(t, ctx, "the skip link")
	must(t, "tab", chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
	focusContrast(t, ctx, "the first header link")

	// Search an address from the home page.
	_, err = chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "52.80.0.1\n"))
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
	check(t, ctx, "answer-today", axeSrc, shots)

	// Change the as-of date: the chain is redrawn with the 2015 operator.
	must(t, "set date", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#as_of"), "2015-06-01")))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("form.asof button")))
	must(t, "redraw", err)
	if op := text(t, ctx, `li[data-step="operator"]`); !strings.Contains(op, "Amazon Web Services, Inc.") || strings.Contains(op, "Sinnet") {
		t.Errorf("operator in 2015 = %q, want Amazon Web Services, Inc.", op)
	}
	check(t, ctx, "answer-2015", axeSrc, shots)

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
	check(t, ctx, "entity-operator-2015", axeSrc, shots)

	// A company's page: what it operates, its owners; the graph drawn
	// with real fonts.
	visit(t, ctx, ts.URL, "/entity/org/sinnet?as_of=2020-06-01", "entity-company", axeSrc, shots)
	graphGeometry(t, ctx)
	// A region with a licensor, a known gap and an old stake; and before
	// its launch.
	visit(t, ctx, ts.URL, "/entity/region/aws/cn-northwest-1?as_of=2022-06-01", "entity-region", axeSrc, shots)
	visit(t, ctx, ts.URL, "/entity/region/aws/cn-northwest-1?as_of=2017-06-01", "entity-region-before-launch", axeSrc, shots)

	// The market page: charts from three periods, tables below that; the
	// period labels of each chart do not overlap as drawn.
	visit(t, ctx, ts.URL, "/market", "market", axeSrc, shots)
	charts := eval[int](t, ctx, "count charts", `document.querySelectorAll("figure.chart svg.chart-svg").length`)
	tables := eval[int](t, ctx, "count tables", `document.querySelectorAll("figure.chart-table table").length`)
	drawn := eval[int](t, ctx, "count drawn lines", `[...document.querySelectorAll("figure.chart polyline, figure.chart polygon")].filter(p => p.getBBox().width > 0).length`)
	if charts != 2 || tables != 2 || drawn < 2 {
		t.Errorf("market page: %d charts with %d drawn lines and %d tables, want 2 charts and 2 tables", charts, drawn, tables)
	}
	if bad := eval[string](t, ctx, "x labels", `[...document.querySelectorAll("svg.chart-svg")].map(svg => {
			const bs = [...svg.querySelectorAll("text.xtick")].map(t => t.getBBox()).sort((a, b) => a.x - b.x);
			const vb = svg.viewBox.baseVal;
			return bs.filter((b, i) => b.x < 0 || b.x + b.width > vb.width || (i > 0 && b.x < bs[i-1].x + bs[i-1].width + 2)).length;
		}).join(",")`); strings.Trim(bad, "0,") != "" {
		t.Errorf("x-axis labels overlap or run out of a chart (per chart: %s)", bad)
	}

	// An address only the routing tier answers, and an AS's page; a
	// host name (this server resolves none); the digests.
	visit(t, ctx, ts.URL, "/ip/23.0.1.2", "answer-routing", axeSrc, shots)
	visit(t, ctx, ts.URL, "/as/20940", "as", axeSrc, shots)
	visit(t, ctx, ts.URL, "/host/www.example.com", "host", axeSrc, shots)
	visit(t, ctx, ts.URL, "/roundup", "roundups", axeSrc, shots)
	visit(t, ctx, ts.URL, "/reading-list", "reading-lists", axeSrc, shots)

	// The search page and the error page.
	visit(t, ctx, ts.URL, "/search?q=ning", "search", axeSrc, shots)
	visit(t, ctx, ts.URL, "/nowhere", "error", axeSrc, shots)
	// The API reference.
	visit(t, ctx, ts.URL, "/api", "api", axeSrc, shots)
	if n := eval[int](t, ctx, "scripts", `document.scripts.length`); n != 0 {
		t.Errorf("the API page has %d scripts, want none", n)
	}

	// Upload a small list on the bulk page, see the table, download CSV.
	list := filepath.Join(t.TempDir(), "addresses.txt")
	must(t, "write list", os.WriteFile(list, []byte("52.80.0.1\n3.0.5.7\nnot-an-ip\n2600:1f00::1\n52.80.0.0/15\n"), 0o644))
	visit(t, ctx, ts.URL, "/bulk", "bulk-form", axeSrc, shots)
	placeholderFits(t, ctx)
	must(t, "upload", chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list})))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("#show")))
	must(t, "submit bulk", err)
	if tbl := text(t, ctx, "#results"); !strings.Contains(tbl, "52.80.0.0/16") || !strings.Contains(tbl, "3.0.5.0/24") || !strings.Contains(tbl, "not an IP address") {
		t.Errorf("bulk table lacks the expected rows:\n%s", tbl)
	}
	check(t, ctx, "bulk", axeSrc, shots)
	bulkTableScrolls(t, ctx, shots)

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

// focusContrast checks that the focused element's outline contrasts 3:1
// with the background behind it (WCAG 1.4.11).
func focusContrast(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	got := eval[[]string](t, ctx, "focus style", `(() => {
		const el = document.activeElement, st = getComputedStyle(el);
		let bg = "rgba(0, 0, 0, 0)";
		for (let p = el.parentElement; p; p = p.parentElement) {
			const c = getComputedStyle(p).backgroundColor;
			if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { bg = c; break; }
		}
		if (bg === "rgba(0, 0, 0, 0)") bg = "rgb(255, 255, 255)";
		return [st.outlineStyle, st.outlineWidth, st.outlineColor, bg];
	})()`)
	if got[0] == "none" || got[1] == "0px" {
		t.Errorf("%s shows no focus ring (outline %s %s)", what, got[0], got[1])
		return
	}
	if r := contrast(t, got[2], got[3]); r < 3 {
		t.Errorf("%s: focus ring %s on %s has contrast %.2f:1, want at least 3:1", what, got[2], got[3], r)
	}
}

// contrast returns the WCAG contrast ratio of two CSS rgb() colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(t *testing.T, rgb string) float64 {
	t.Helper()
	inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(rgb, "rgba("), "rgb("), ")")
	parts := strings.Split(inner, ",")
	if len(parts) < 3 {
		t.Fatalf("colour %q is not rgb()", rgb)
	}
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		if err != nil {
			t.Fatalf("colour %q: %v", rgb, err)
		}
		v /= 255
		if v <= 0.03928 {
			c[i] = v / 12.92
		} else {
			c[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

// graphGeometry checks the drawn graph with the browser's fonts: every
// edge starts on the bottom side of a box and ends on the top side of
// another, and every name fits inside its box.
func graphGeometry(t *testing.T, ctx context.Context) {
	t.Helper()
	problems := eval[[]string](t, ctx, "graph geometry", `(() => {
		const svg = document.querySelector("svg.graph-svg"), out = [];
		if (!svg) return ["no graph"];
		const boxes = [...svg.querySelectorAll("rect")].map(r => ({x: r.x.baseVal.value, y: r.y.baseVal.value,
			w: r.width.baseVal.value, h: r.height.baseVal.value, g: r.parentNode}));
		const on = (p, y) => boxes.some(b => Math.abs(p.y - y(b)) < 0.2 && p.x >= b.x - 0.2 && p.x <= b.x + b.w + 0.2);
		for (const pl of svg.querySelectorAll("polyline")) {
			const pts = [...pl.points];
			if (!on(pts[0], b => b.y + b.h)) out.push("edge starts off a box: " + pl.getAttribute("points"));
			if (!on(pts[pts.length - 1], b => b.y)) out.push("edge ends off a box: " + pl.getAttribute("points"));
		}
		for (const b of boxes) for (const t of b.g.querySelectorAll("text")) {
			const bb = t.getBBox();
			if (bb.x + bb.width > b.x + b.w || bb.y + bb.height > b.y + b.h + 1) out.push("text overflows its box: " + t.textContent);
		}
		return out;
	})()`)
	for _, p := range problems {
		t.Error(p)
	}
}

// placeholderFits checks that the header search shows its whole
// placeholder.
func placeholderFits(t *testing.T, ctx context.Context) {
	t.Helper()
	room := eval[float64](t, ctx, "placeholder", `(() => {
		const el = document.querySelector("#q-top"), st = getComputedStyle(el);
		const c = document.createElement("canvas").getContext("2d");
		c.font = st.font;
		return el.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - c.measureText(el.placeholder).width;
	})()`)
	if room < 0 {
		t.Errorf("the header search cuts its placeholder (%.0f px short)", -room)
	}
}

// bulkTableScrolls narrows the window until the results table is wider
// than its box, scrolls it sideways, and checks that the input column
// stays where it was.
func bulkTableScrolls(t *testing.T, ctx context.Context, shots string) {
	t.Helper()
	must(t, "narrow the window", chromedp.Do(ctx, chromedp.EmulateViewport(700, 900)))
	defer chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
	got := eval[[]float64](t, ctx, "scroll the table", `(() => {
		const box = document.querySelector(".bulk-results"), cell = box.querySelector("tbody td");
		const before = cell.getBoundingClientRect().left;
		box.scrollLeft = 400;
		return [box.scrollWidth - box.clientWidth, box.scrollLeft, before, cell.getBoundingClientRect().left,
			box.getBoundingClientRect().right, document.documentElement.scrollWidth];
	})()`)
	overflow, scrolled, before, after, boxRight, pageW := got[0], got[1], got[2], got[3], got[4], got[5]
	if overflow <= 0 || scrolled <= 0 {
		t.Errorf("at 700 px the results table does not scroll inside its box (overflow %.0f, scrolled %.0f)", overflow, scrolled)
	}
	if math.Abs(after-before) > 0.5 {
		t.Errorf("the input column moved from %.0f to %.0f when the table scrolled", before, after)
	}
	if boxRight > 700 || pageW > 700 {
		t.Errorf("the table runs off the page: its box ends at %.0f, the page is %.0f wide, the window 700", boxRight, pageW)
	}
	screenshot(t, ctx, shots, "bulk-narrow-scrolled")
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
