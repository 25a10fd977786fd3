package web

import (
	"net/http"
	"strings"
	"testing"
)

// hostile are the raw fragments of the fixture's hostile names that
// must never reach a page unescaped.
var hostile = []string{`<script>alert("pwned")</script>`, `<img src=x onerror=alert(1)>`, `& 'Quote' "Holdings"`}

func TestPagesEscapeHostileNames(t *testing.T) {
	s := newTestServer(t, true)
	for _, target := range []string{
		"/ip/52.80.0.1?as_of=2020-06-01",
		"/entity/org/hostile",
		"/entity/org/sinnet?as_of=2020-06-01",
		"/entity/person/rtl",
		"/market",
		"/search?q=Holdings",
		"/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
		"/ip/%3Cscript%3E",
		"/nope/%3Cscript%3Ealert(1)%3C/script%3E",
	} {
		r := do(t, s, "GET", target, "", "")
		if r.status >= 500 {
			t.Fatalf("GET %s: %d\n%s", target, r.status, r.body)
		}
		wantNotContains(t, r.body, hostile...)
		wantNotContains(t, r.body, "<script>alert(1)</script>")
		if strings.Contains(r.body, "pwned") && !strings.Contains(r.body, "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;") {
			t.Errorf("GET %s: the hostile name appears but not as escaped text", target)
		}
	}
	r := get(t, s, "/entity/org/hostile", http.StatusOK)
	wantContains(t, r.body, "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; &#39;Quote&#39; &#34;Holdings&#34;",
		"&lt;img src=x onerror=alert(1)&gt;")
	// A right-to-left override stays inside its own <bdi> so it cannot
	// reorder the text around it.
	r = get(t, s, "/ip/52.80.0.1?as_of=2020-06-01", http.StatusOK)
	wantContains(t, r.body, "<bdi>Evil \u202egnp.exe\u202c Person</bdi>")
}

func TestAnswerPageRedrawsChain(t *testing.T) {
	s := newTestServer(t, true)
	old := get(t, s, "/ip/52.80.0.1?as_of=2015-06-01", http.StatusOK).body
	now := get(t, s, "/ip/52.80.0.1?as_of=2020-06-01", http.StatusOK).body
	wantContains(t, old, "Amazon Web Services, Inc.", `value="2015-06-01"`, "Amazon.com, Inc.", "United States")
	wantContains(t, now, "Beijing Sinnet Technology", `value="2020-06-01"`, "National Intelligence Law", "chairman")
	wantNotContains(t, old, "Beijing Sinnet Technology")
}

func TestPagesRender(t *testing.T) {
	s := newTestServer(t, true)
	for _, tc := range []struct {
		target string
		status int
		want   []string
	}{
		{"/", 200, []string{"Who's behind the clouds?", `<label for="q">`, "Alpha Research"}},
		{"/market", 200, []string{`<svg viewBox="0 0 640 300"`, "Alpha Research", "Beta Data", `id="foreign"`, "Ningxia"}},
		{"/entity/region/aws/cn-north-1", 200, []string{"AWS China (Beijing)", "Timeline", "<svg"}},
		{"/entity/Sinnet", 303, nil},
		{"/search?q=52.80.0.1", 303, nil},
		{"/search?q=cn-north-1", 303, nil},
		{"/search?q=ning", 200, []string{"Ningxia Western Cloud"}},
		{"/bulk", 200, []string{`<textarea id="addresses"`, `type="file"`}},
		{"/ip/2600:1f00::1", 200, []string{"2600:1f00::/24"}},
		{"/ip/52.80.0.0/15", 200, []string{"52.80.0.0/16", "within"}},
		{"/ip/192.0.2.1", 200, []string{`id="no-match"`}},
		{"/ip/bogus", 400, []string{"not an IP address"}},
		{"/entity/org/none", 404, []string{"404"}},
		{"/nowhere", 404, []string{"no page at /nowhere"}},
	} {
		r := do(t, s, "GET", tc.target, "", "")
		if r.status != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.target, r.status, tc.status)
			continue
		}
		wantContains(t, r.body, tc.want...)
	}
}

func TestBulkPage(t *testing.T) {
	s := newTestServer(t, true)
	body := "--B\r\nContent-Disposition: form-data; name=\"addresses\"\r\n\r\n\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n52.80.0.1\nbogus\n3.0.5.7\n\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\n%s\r\n--B--\r\n"
	r := do(t, s, "POST", "/bulk", "multipart/form-data; boundary=B", strings.ReplaceAll(body, "%s", "html"))
	if r.status != 200 {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	wantContains(t, r.body, "3 results", "52.80.0.0/16", "3.0.5.0/24", "not an IP address", "Beijing Sinnet")
	r = do(t, s, "POST", "/bulk", "multipart/form-data; boundary=B", strings.ReplaceAll(body, "%s", "csv"))
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("csv: status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	wantContains(t, r.body, "input,prefix,provider,partition,services,region", "52.80.0.1,52.80.0.0/16,aws,aws-cn,EC2;AMAZON,cn-north-1")
}

func TestStaticAssets(t *testing.T) {
	s := newTestServer(t, false)
	u, err := s.assets.url("style.css")
	if err != nil {
		t.Fatal(err)
	}
	r := get(t, s, u, http.StatusOK)
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q", cc)
	}
	get(t, s, "/static/000000000000/style.css", http.StatusNotFound)
	home := get(t, s, "/", http.StatusOK)
	wantContains(t, home.body, u)
}

// TestRoutingTierPages: an address in no feed is answered by the AS that
// announces it, with the routing data's credit, and each AS has a page.
func TestRoutingTierPages(t *testing.T) {
	s := newTestServer(t, true)
	r := get(t, s, "/ip/23.0.1.2", http.StatusOK)
	wantContains(t, r.body, `Who announces it: <a href="/as/20940?as_of=2026-02-01">AS20940</a>`, "Example CDN, Inc.",
		"registered in US", `<a href="https://db-ip.com">`, "United States")
	wantNotContains(t, r.body, `id="no-match"`)
	r = get(t, s, "/ip/10.0.0.1", http.StatusOK)
	wantContains(t, r.body, `id="no-match"`)
	r = get(t, s, "/as/AS20940", http.StatusOK)
	wantContains(t, r.body, "AS20940 — <bdi>Example CDN, Inc.</bdi>", "1 IPv4 range (65536 addresses)", `href="/ip/23.0.0.0/16?as_of=2026-02-01"`,
		"records no holder of AS20940", `<a href="https://db-ip.com">`)
	get(t, s, "/as/64123", http.StatusOK)
	get(t, s, "/as/not-a-number", http.StatusBadRequest)
	j := get(t, s, "/v1/ip/81.0.3.4?as_of=2020-06-01", http.StatusOK)
	wantContains(t, j.body, `"routing":{"prefix":"81.0.0.0/16","asn":65552,"as_name":"Euro Net B.V.","country":"NL"`, `"credits":["Routing data:`)
}
