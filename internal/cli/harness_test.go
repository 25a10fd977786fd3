package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// result is what one command run printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// runCmd runs the command line args with stdin as input and a fixed clock.
func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC) },
		Atlas:  os.DirFS(fixtureAtlas),
	}
	code := Run(context.Background(), args, e)
	return result{out.String(), errb.String(), code}
}

// mustRun runs args and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	r := runCmd(t, "", args...)
	if r.code != 0 {
		t.Fatalf("cloudatlas %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// loadedDir returns a data dir with the synthetic fixture feeds imported.
func loadedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds")
	return dir
}

// sharedRanges returns ../shared/data/ranges beside the repository, or
// skips the test (fails it when CLOUDATLAS_REQUIRE_SHARED=1).
func sharedRanges(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("../../../shared/data/ranges")
	if err == nil {
		if _, err = os.Stat(filepath.Join(dir, "aws", "ip-ranges.json")); err == nil {
			return dir
		}
	}
	if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
		t.Fatalf("../shared/data/ranges is required (CLOUDATLAS_REQUIRE_SHARED=1) but missing: %v", err)
	}
	t.Skip("../shared/data/ranges not found beside the repository")
	return ""
}

func wantContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q; got:\n%s", w, got)
		}
	}
}
