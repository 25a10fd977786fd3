package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// upstream is a fake set of upstream hosts served through --mirror: the
// path is /<host>/<path>, as fetch.Client rewrites it.
type upstream struct {
	mu       sync.Mutex
	files    map[string]string // path -> body
	etags    map[string]string
	hits     map[string]int
	cond     map[string]int // requests that carried If-None-Match
	failNext map[string]int // answer 500 this many times first
}

func newUpstream() *upstream {
	return &upstream{files: map[string]string{}, etags: map[string]string{}, hits: map[string]int{},
		cond: map[string]int{}, failNext: map[string]int{}}
}

func (u *upstream) set(path, body string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.files[path] = body
	u.etags[path] = fmt.Sprintf(`"v%d"`, len(body)+len(u.etags)*1000)
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	p := r.URL.Path
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	u.hits[p]++
	if u.failNext[p] > 0 {
		u.failNext[p]--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	body, ok := u.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		u.cond[p]++
		if inm == u.etags[p] {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("ETag", u.etags[p])
	w.Header().Set("Last-Modified", "Tue, 20 Jan 2026 08:00:00 GMT")
	fmt.Fprint(w, body)
}

func readFixture(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const awsPath = "/ip-ranges.amazonaws.com/ip-ranges.json"

func TestUpdateDownloadsConditionallyAndGuards(t *testing.T) {
	up := newUpstream()
	srv := httptest.NewServer(up)
	defer srv.Close()
	dir := t.TempDir()
	update := func(extra ...string) result {
		args := append([]string{"update", "--data-dir", dir, "--mirror", srv.URL, "--feed", "aws", "--retries", "2"}, extra...)
		return runCmd(t, "", args...)
	}
	v1 := readFixture(t, "testdata/feeds/aws/ip-ranges.json")
	up.set(awsPath, v1)
	up.failNext[awsPath] = 1 // one transient failure is retried
	if r := update(); r.code != 0 || !strings.Contains(r.stdout, "aws              saved snapshot 1: 4 IPv4 + 1 IPv6 prefixes, upstream 1700000000 of 2026-01-02") {
		t.Fatalf("first update: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := update(); r.code != 0 || !strings.Contains(r.stdout, "unchanged (not modified upstream)") || up.cond[awsPath] != 1 {
		t.Fatalf("second update should be a conditional 304: exit %d cond=%d\n%s%s", r.code, up.cond[awsPath], r.stdout, r.stderr)
	}

	// A truncated download is rejected and the old snapshot stays in use.
	up.set(awsPath, v1[:len(v1)/2])
	r := update()
	if r.code != 1 || !strings.Contains(r.stderr, "aws              FAILED: feed aws: ") || !strings.Contains(r.stderr, "invalid JSON") {
		t.Fatalf("truncated feed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if out := mustRun(t, "ip", "--data-dir", dir, "52.80.0.1"); !strings.Contains(out, "snapshot 1, upstream 1700000000") {
		t.Fatalf("old snapshot must stay in use:\n%s", out)
	}

	// An older syncToken is refused unless forced.
	older := strings.Replace(v1, "1700000000", "1600000000", 1)
	older = strings.Replace(older, `"region": "us-east-1", "service": "S3"`, `"region": "us-east-2", "service": "S3"`, 1)
	up.set(awsPath, older)
	if r := update(); r.code != 1 || !strings.Contains(r.stderr, "upstream id went backwards (1600000000, current snapshot 1 has 1700000000)") {
		t.Fatalf("backwards: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := update("--force"); r.code != 0 || !strings.Contains(r.stdout, "saved snapshot 2") {
		t.Fatalf("forced: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A feed that lost most of its prefixes is refused.
	shrunk := `{"syncToken": "1800000000", "createDate": "2026-02-01-00-00-00", "prefixes": [
		{"ip_prefix": "52.80.0.0/16", "region": "cn-north-1", "service": "AMAZON", "network_border_group": "cn-north-1"}],
		"ipv6_prefixes": []}`
	up.set(awsPath, shrunk)
	if r := update(); r.code != 1 || !strings.Contains(r.stderr, "only 1 prefixes, down from 5 in snapshot 2") {
		t.Fatalf("shrink: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := update("--force"); r.code != 0 || !strings.Contains(r.stdout, "saved snapshot 3") {
		t.Fatalf("forced shrink: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := mustRun(t, "diff", "aws", "--data-dir", dir, "--from", "1", "--to", "3", "--summary")
	wantContains(t, out, "0 added, 4 removed, 1 moved")
}

func TestUpdateAzureFollowsDownloadPage(t *testing.T) {
	up := newUpstream()
	srv := httptest.NewServer(up)
	defer srv.Close()
	up.set("/www.microsoft.com/en-us/download/details.aspx?id=57062",
		`<html><a href="https://download.microsoft.com/download/9/D/0/ABC/ServiceTags_China_20260105.json">click here</a></html>`)
	up.set("/download.microsoft.com/download/9/D/0/ABC/ServiceTags_China_20260105.json",
		readFixture(t, "testdata/feeds/azure/ServiceTags_China_20260105.json"))
	dir := t.TempDir()
	r := runCmd(t, "", "update", "--data-dir", dir, "--mirror", srv.URL, "--feed", "azure-china")
	if r.code != 0 || !strings.Contains(r.stdout, "azure-china      saved snapshot 1: 1 IPv4 + 1 IPv6 prefixes, upstream 12 of 2026-01-05") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(dir + "/raw/azure-china/ServiceTags_China_20260105.json"); err != nil {
		t.Fatalf("the downloaded file should be cached: %v", err)
	}
	out := mustRun(t, "ip", "--data-dir", dir, "40.73.0.1")
	wantContains(t, out, "azure (azure-china)  region chinanorth2")
}

func TestUpdateDatesUndatedFeedsByLastModified(t *testing.T) {
	up := newUpstream()
	srv := httptest.NewServer(up)
	defer srv.Close()
	up.set("/www.cloudflare.com/ips-v4", "104.16.0.0/13\n")
	up.set("/www.cloudflare.com/ips-v6", "2606:4700::/32\n")
	dir := t.TempDir()
	r := runCmd(t, "", "update", "--data-dir", dir, "--mirror", srv.URL, "--feed", "cloudflare")
	if r.code != 0 || !strings.Contains(r.stdout, "saved snapshot 1: 1 IPv4 + 1 IPv6 prefixes of 2026-01-20") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := mustRun(t, "feeds", "--data-dir", dir)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "cloudflare ") && (!strings.Contains(line, " 2026-01-20 ") || !strings.HasSuffix(line, " ok")) {
			t.Fatalf("cloudflare should be dated by Last-Modified and fresh (12 days, max 56): %q", line)
		}
	}
}

func TestUpdateMissingUpstreamFails(t *testing.T) {
	srv := httptest.NewServer(newUpstream())
	defer srv.Close()
	r := runCmd(t, "", "update", "--data-dir", t.TempDir(), "--mirror", srv.URL, "--feed", "cloudflare", "--retries", "0")
	if r.code != 1 || !strings.Contains(r.stderr, "cloudflare       FAILED: fetch "+srv.URL+"/www.cloudflare.com/ips-v4: HTTP 404 Not Found") ||
		!strings.Contains(r.stderr, "1 of 1 feeds failed; their previous snapshots stay in use") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
