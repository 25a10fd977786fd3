package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/web"
)

// parityServer serves the range data of dir over the fixture atlas, as
// "cloudatlas serve" would.
func parityServer(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	a, err := atlas.Load(os.DirFS(fixtureAtlas))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Load: RangeLoader(store.In(dir)), Atlas: a, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// bulk posts inputs to /v1/bulk with the query params and returns the body.
func bulk(t *testing.T, base, inputs string, params url.Values) string {
	t.Helper()
	resp, err := http.Post(base+"/v1/bulk?"+params.Encode(), "text/plain", strings.NewReader(inputs))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("bulk %v: status %d %v\n%s", params, resp.StatusCode, err, b)
	}
	return string(b)
}

// checkParity compares "lookup" and POST /v1/bulk on the same inputs,
// formats, fields and dates: the output must be byte for byte the same.
func checkParity(t *testing.T, dir, inputs string) {
	t.Helper()
	ts := parityServer(t, dir)
	for _, c := range []struct{ format, fields, asOf string }{
		{"csv", "", ""},
		{"jsonl", "", ""},
		{"csv", "all", "2015-06-01"},
		{"jsonl", "input,prefix,region,operator,operator_id", "2020-06-01"},
		{"csv", "input,region,operator", "2020-06-01"},
	} {
		args := []string{"lookup", "--data-dir", dir, "--format", c.format}
		params := url.Values{"format": {c.format}}
		if c.fields != "" {
			args = append(args, "--fields", c.fields)
			params.Set("fields", c.fields)
		}
		if c.asOf != "" {
			args = append(args, "--as-of", c.asOf)
			params.Set("as_of", c.asOf)
		}
		cli := runCmd(t, inputs, args...)
		if cli.code > 2 || (cli.code != 0 && cli.stdout == "") {
			t.Fatalf("%v: exit %d: %s", args, cli.code, cli.stderr)
		}
		api := bulk(t, ts.URL, inputs, params)
		if cli.stdout != api {
			t.Errorf("%v: lookup and /v1/bulk differ\n%s", args, firstDiff(cli.stdout, api))
		}
	}
}

// firstDiff describes the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  cli: %s\n  api: %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}

func TestLookupAndBulkGiveTheSameBytes(t *testing.T) {
	dir := loadedDir(t)
	checkParity(t, dir, "52.80.0.1\n3.0.5.9\n3.0.0.0/16\n198.51.100.1\n::ffff:47.74.0.1\n139.144.1.1\n=1+1\n# comment\n40.73.0.1\n")
}

// TestSharedLookupAndBulkGiveTheSameBytes draws 400 addresses from the
// real feeds (one inside every 240th range, and some misses) and checks
// that the command line and the API answer them byte for byte alike.
func TestSharedLookupAndBulkGiveTheSameBytes(t *testing.T) {
	src := sharedRanges(t)
	dir := t.TempDir()
	mustRun(t, "update", "--data-dir", dir, "--from", src)
	ix, err := dataset.OpenIndex(context.Background(), store.In(dir))
	if err != nil {
		t.Fatal(err)
	}
	sets, err := ix.Sets()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	for _, s := range sets {
		for i := 0; i < len(s.Records) && n < 380; i += 240 {
			b.WriteString(inside(s.Records[i].Prefix).String() + "\n")
			n++
		}
	}
	for i := range 20 {
		fmt.Fprintf(&b, "198.18.%d.1\n", i) // benchmarking space: in no feed
	}
	checkParity(t, dir, b.String())
}

// inside returns an address inside p, a little past its start.
func inside(p netip.Prefix) netip.Addr {
	a := p.Addr()
	for range 3 {
		if n := a.Next(); p.Contains(n) {
			a = n
		}
	}
	return a
}
