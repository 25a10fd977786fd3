package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingRE = regexp.MustCompile(`serving (http://\S+/)`)

// TestServe starts "cloudatlas serve" on a free port over imported
// fixture feeds, asks it an address, and stops it as SIGINT would.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "update", "--data-dir", dir, "--from", "../web/testdata/feeds")
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir, "--bootstrap-timeout", "0")
	base := s.base
	body := httpGet(t, base+"v1/ip/52.80.0.1")
	if !strings.Contains(body, `"region":"cn-north-1"`) {
		t.Errorf("/v1/ip/52.80.0.1: %s", body)
	}
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve returned %v after cancel", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	if !strings.Contains(s.errb.String(), "shutting down") {
		t.Errorf("log lacks the shutdown line:\n%s", s.errb.String())
	}
}

// TestServeWithoutRanges serves the atlas with a notice when no range
// data is loaded and no download is allowed.
func TestServeWithoutRanges(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--bootstrap-timeout", "0")
	base := s.base
	if !strings.Contains(s.out.String(), "cloudatlas update --from DIR") {
		t.Errorf("stdout lacks the how-to-load notice:\n%s", s.out.String())
	}
	if body := httpGet(t, base); !strings.Contains(body, "Range data missing") {
		t.Errorf("home page lacks the notice")
	}
	s.cancel()
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
}

// TestServePicksUpUpdates starts with no range data, runs an update in
// the same data dir, and expects the server to answer from it without a
// restart.
func TestServePicksUpUpdates(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", dir, "--bootstrap-timeout", "0", "--reload-every", "20ms", "--anonymous-rpm", "0")
	base := s.base
	if resp, err := http.Get(base + "v1/ip/52.80.0.1"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("before the update: %v %v", resp, err)
	}
	mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds")
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "v1/ip/52.80.0.1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not pick up the update: still %d\n%s", resp.StatusCode, s.errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.cancel()
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
}

func TestServeUsage(t *testing.T) {
	e := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Now: time.Now}
	for _, args := range [][]string{{"--log", "xml", "--data-dir", t.TempDir()}, {"extra"}} {
		if err := runServe(context.Background(), e, args); !errors.Is(err, errUsage) {
			t.Errorf("serve %v: %v, want a usage error", args, err)
		}
	}
}

// served is a "cloudatlas serve" running in the test process.
type served struct {
	base      string // http://127.0.0.1:port/
	out, errb *lockedBuffer
	cancel    context.CancelFunc // stops it as SIGINT would
	done      chan error         // what runServe returned
}

// startServe runs serve with args and waits until it listens.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &served{out: &lockedBuffer{}, errb: &lockedBuffer{}, cancel: cancel, done: make(chan error, 1)}
	e := &Env{Stdin: strings.NewReader(""), Stdout: s.out, Stderr: s.errb,
		Getenv: func(string) string { return "" }, Now: time.Now}
	go func() { s.done <- runServe(ctx, e, args) }()
	s.base = waitServing(t, s.out, s.done)
	return s
}

// waitServing waits for the "serving" line and returns the base URL.
func waitServing(t *testing.T, out *lockedBuffer, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start; stdout:\n%s", out.String())
	return ""
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, b)
	}
	return string(b)
}
