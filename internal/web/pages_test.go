package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
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
		{"/market", 200, []string{`class="chart-svg"`, "Alpha Research", "Beta Data", `id="foreign"`, "Ningxia"}},
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

// chainSection returns the part of a page from its chain to its
// sources, so that assertions do not see the facts list or the graph.
func chainSection(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<ol class="chain"`)
	if i < 0 {
		t.Fatalf("page has no chain:\n%s", body)
	}
	j := strings.Index(body[i:], "</ol>\n</section>")
	if j < 0 {
		j = len(body) - i
	}
	return body[i : i+j]
}

// TestChainReadsInWords checks the answer page's chain: each law once
// with every basis it reaches on, shares in words, "ultimate owner" only
// at the true top of a chain.
func TestChainReadsInWords(t *testing.T) {
	s := newTestServer(t, true)
	c := chainSection(t, get(t, s, "/ip/52.80.0.1?as_of=2020-06-01", http.StatusOK).body)
	if n := strings.Count(c, `href="/entity/law/cn-nil?`); n != 1 {
		t.Errorf("the National Intelligence Law is shown %d times, want once", n)
	}
	if n := strings.Count(c, `<a href="/entity/jurisdiction/cn?`); n != 1 {
		t.Errorf("China is shown %d times as a jurisdiction, want once", n)
	}
	wantContains(t, c, "in force since 2017-06-28", `>located there</a>`, `>incorporated there</a>`,
		"<strong>located there</strong>: <bdi>AWS China (Beijing) is located in China</bdi>",
		"<strong>incorporated there</strong>: <bdi>Beijing Sinnet Technology Co., Ltd. operates AWS China (Beijing)</bdi>",
		"owns 30%", "ultimate owner; owns 15-24% in effect", "owns 50-80% of")
	if n := strings.Count(c, "ultimate owner"); n != 1 {
		t.Errorf(`"ultimate owner" appears %d times, want once (the person at the top)`, n)
	}
	wantNotContains(t, c, "path(s)", "effective unknown", "unknown share", "reaches it as located there</span>")
	// Amazon.com, Inc. has no owner in the fixture but is neither a person,
	// a state body nor listed: not an ultimate owner.
	old := chainSection(t, get(t, s, "/ip/52.80.0.1?as_of=2015-06-01", http.StatusOK).body)
	wantContains(t, old, "Amazon.com, Inc.", "controlling; share not recorded; its own owners are not recorded",
		"Amazon.com, Inc. is the parent company of Amazon Web Services, Inc.", "controlled from there")
	wantNotContains(t, old, "ultimate owner")
}

// TestChainSlotsByKind: a company shows what it operates, its owners,
// people and reach, and no operator; a region shows its operator.
func TestChainSlotsByKind(t *testing.T) {
	s := newTestServer(t, true)
	org := chainSection(t, get(t, s, "/entity/org/sinnet?as_of=2020-06-01", http.StatusOK).body)
	wantContains(t, org, `data-step="operates"`, "What it operates", "AWS China (Beijing)", "region; operates it since 2016-09",
		`data-step="owners"`, `data-step="people"`, `data-step="reach"`)
	wantNotContains(t, org, `data-step="operator"`, "Operator", `data-step="subject"`)
	region := chainSection(t, get(t, s, "/entity/region/aws/cn-north-1?as_of=2020-06-01", http.StatusOK).body)
	wantContains(t, region, `data-step="subject"`, `data-step="operator"`, "operates AWS China (Beijing) since 2016-09")
	wantNotContains(t, region, `data-step="operates"`)
}

// TestChainNewAnswerFields shows a region before its launch, and after
// it its operator's technology licensor, a known gap and an unconfirmed
// stake.
func TestChainNewAnswerFields(t *testing.T) {
	s := newTestServer(t, true)
	before := chainSection(t, get(t, s, "/entity/region/aws/cn-northwest-1?as_of=2017-06-01", http.StatusOK).body)
	wantContains(t, before, "<strong>not yet launched</strong> (launches 2017-12-11)", `data-step="not-launched"`)
	wantNotContains(t, before, `data-step="operator"`, `data-step="reach"`)
	after := chainSection(t, get(t, s, "/entity/region/aws/cn-northwest-1?as_of=2022-06-01", http.StatusOK).body)
	wantContains(t, after, "launched 2017-12-11", "Runs technology licensed from", "Amazon Web Services, Inc.",
		"licenses its technology to Ningxia Western Cloud Data Technology Co., Ltd. since 2017-12",
		`data-step="gaps"`, "controlling shareholder not found in public sources as of 2026-11-30",
		"The operator&#39;s site names no controlling shareholder.",
		"owns 5%; its own owners are not recorded; unconfirmed",
		"(unconfirmed: newest evidence 2018-03-01)")
	wantNotContains(t, after, "not yet launched")
}

// TestMarketPage: a series over three periods or more is a chart, one
// over fewer a small table; captions say what is measured; a market's
// total size is drawn as one area on a US$ axis.
func TestMarketPage(t *testing.T) {
	s := newTestServer(t, true)
	body := get(t, s, "/market", http.StatusOK).body
	figure := func(id string) string {
		at := strings.Index(body, `id="chart-`+id+`"`)
		if at < 0 {
			t.Fatalf("no figure for series %s", id)
		}
		start := strings.LastIndex(body[:at], "<figure")
		return body[start : at+strings.Index(body[at:], "</figure>")]
	}
	gamma := figure("gamma-global-share")
	wantContains(t, gamma, `class="chart-svg"`, "<strong>Gamma Analytics</strong>: share of the global market, yearly, 2018 to 2021.",
		"Public cloud services.", "Figures as a table")
	alpha := figure("alpha-global-share")
	wantContains(t, alpha, `chart-table`, "Too few periods for a chart", "<th scope=\"col\">2020-Q2</th>", "<td>31%</td>")
	wantNotContains(t, alpha, "<svg ", "<td>33%</td>") // the restated figure, not the first
	size := figure("alpha-global-size")
	wantContains(t, size, "size of the whole global market, US$ billions, quarterly, 2020-Q1 to 2020-Q3",
		"<polygon ", ">$40bn</text>", "Whole market", "<td>$30.5bn</td>")
	wantNotContains(t, body, "market share</span>", ". market share")
}

// TestHomeLeads: the "who leads" sentences come from atlas.Leads, one
// per market and firm, latest period first.
func TestHomeLeads(t *testing.T) {
	s := newTestServer(t, true)
	body := get(t, s, "/", http.StatusOK).body
	var got []string
	for _, line := range strings.Split(body, "<li>") {
		if i := strings.Index(line, "</strong> leads the "); i >= 0 {
			got = append(got, stripTags(line[i:]))
		}
	}
	want := []string{
		" leads the global market with 36% in 2021, says Gamma Analytics.",
		" leads the China market with 7% in 2020, says Beta Data.",
		" leads the global market with 31% in 2020-Q2, says Alpha Research.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("leads:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// stripTags removes markup from a fragment and cuts it at its end tag.
func stripTags(s string) string {
	if i := strings.Index(s, "</li>"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestAPIPage: the API reference is rendered on the server from the
// OpenAPI document, links the raw JSON, and is what the header's API
// link opens.
func TestAPIPage(t *testing.T) {
	s := newTestServer(t, false)
	body := get(t, s, "/api", http.StatusOK).body
	doc, err := buildAPIPage(openAPIYAML)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Operations) < 10 || len(doc.Schemas) < 5 {
		t.Fatalf("the page lists %d operations and %d schemas", len(doc.Operations), len(doc.Schemas))
	}
	for _, op := range doc.Operations {
		wantContains(t, body, `<span class="method">`+op.Method+`</span> <code>`+op.Path+`</code>`)
	}
	for _, sc := range doc.Schemas {
		wantContains(t, body, `<h3 id="schema-`+sc.Name+`">`)
	}
	wantContains(t, body, `<a href="/v1/openapi.json">OpenAPI document</a>`, `<a href="/api" aria-current="page">API</a>`,
		`<code>as_of</code>`, `<a href="#schema-IPAnswer">IPAnswer</a>`, "array of", "one of json, jsonl, csv")
	wantNotContains(t, body, "<script")
	// Every page's header links the reference, not the raw JSON.
	wantContains(t, get(t, s, "/", http.StatusOK).body, `<a href="/api">API</a>`)
	// The first operation keeps the document's order.
	if doc.Operations[0].Path != "/v1/ip/{ip}" {
		t.Errorf("first operation %s, want /v1/ip/{ip} as in openapi.yaml", doc.Operations[0].Path)
	}
}

// TestChainFoldsLongerPaths: an owner reached on several paths shows the
// shortest, the others folded away.
func TestChainFoldsLongerPaths(t *testing.T) {
	ans := &atlas.Answer{Subject: "org/op", AsOf: "2020-01-01",
		Entities: map[string]atlas.EntityRef{"org/op": {Kind: "organisation", Name: "Op"},
			"org/mid": {Kind: "organisation", Name: "Mid"}, "person/top": {Kind: "person", Name: "Top"}},
		Statements: map[string]atlas.StatementRef{"s1": {Sources: []int{1}}, "s2": {Sources: []int{2}}, "s3": {Sources: []int{3}}},
		Ownership: []*atlas.Ownership{{Of: "org/op", Owners: []*atlas.Owner{{ID: "person/top", Depth: 1, Ultimate: true,
			Paths: []atlas.Path{
				{Steps: []atlas.Step{{From: "org/mid", Predicate: "controls", To: "org/op", Statement: "s1"},
					{From: "person/top", Predicate: "controls", To: "org/mid", Statement: "s2"}}},
				{Steps: []atlas.Step{{From: "person/top", Predicate: "controls", To: "org/op", Statement: "s3"}}},
			}}}}}}
	c := newChain("t", atlas.Place{}, ans)
	o := c.Ownership[0].Owners[0]
	if got := o.FirstPath(); len(got) != 1 || got[0].Text != "Top controls Op" {
		t.Errorf("first path %+v, want the direct one", got)
	}
	if more := o.MorePaths(); len(more) != 1 || len(more[0]) != 2 {
		t.Errorf("more paths %+v, want the path through Mid", more)
	}
}

// TestMeasuredShareOnMarketPage: a measured hosting share the loader
// gives is drawn on the market page, labelled as not revenue.
func TestMeasuredShareOnMarketPage(t *testing.T) {
	d := fixtureRanges(t, "testdata/feeds")
	d.Share = &HostingShare{Population: "tranco_top_100k.csv", Names: 1000, Resolved: 980, AsOf: "2026-12-01",
		Rule: "a name counts for its first address", Weighting: "1/rank",
		Rows: []ShareRow{{Key: "aws", Names: 300, Share: 0.306}, {Key: "cloudflare", Names: 200, Share: 0.204}}}
	s, err := New(Config{Load: staticLoader(d), Atlas: fixtureAtlas(t), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := get(t, s, "/market", http.StatusOK)
	wantContains(t, r.body, "Measured hosting share of popular sites", "Not a share of revenue", "of 1000 popular sites",
		"tranco_top_100k.csv", ">30.6%<", "cloudflare")
}
