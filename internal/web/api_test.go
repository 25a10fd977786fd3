package web

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

func TestIPAnswerChangesWithDate(t *testing.T) {
	s := newTestServer(t, true)
	ops := map[string]string{}
	for _, day := range []string{"2015-06-01", "2020-06-01"} {
		r := get(t, s, "/v1/ip/52.80.0.1?as_of="+day, http.StatusOK)
		var ans struct {
			AsOf    string `json:"as_of"`
			Matches []struct{ Region string }
			Whois   []struct {
				Answer struct {
					Operators []struct{ Operator string }
				}
			}
		}
		if err := json.Unmarshal([]byte(r.body), &ans); err != nil {
			t.Fatal(err)
		}
		if ans.AsOf != day || len(ans.Matches) != 1 || ans.Matches[0].Region != "cn-north-1" || len(ans.Whois) != 1 {
			t.Fatalf("as_of %s: unexpected answer %s", day, r.body)
		}
		for _, op := range ans.Whois[0].Answer.Operators {
			ops[day] += op.Operator
		}
	}
	if ops["2015-06-01"] != "org/aws-inc" || ops["2020-06-01"] != "org/sinnet" {
		t.Errorf("operators by date = %v, want org/aws-inc in 2015 and org/sinnet in 2020", ops)
	}
}

func TestProblems(t *testing.T) {
	s := newTestServer(t, true)
	for _, tc := range []struct {
		target string
		status int
		detail string
	}{
		{"/v1/ip/not-an-ip", 400, "not an IP address"},
		{"/v1/ip/52.80.0.1?as_of=2020-13-01", 400, "as-of date \"2020-13-01\""},
		{"/v1/ip/52.80.0.1?as_of=0000-01-01", 400, "before 1970"},
		{"/v1/ip/fe80::1%25eth0", 400, "IPv6 zone"},
		{"/v1/whois/no-such-thing", 404, "is no entity id, name, alias or region code"},
		{"/v1/entities/org/nope", 404, "no entity"},
		{"/v1/search", 400, "give a search text"},
		{"/v1/search?q=a&limit=1000", 400, "limit"},
		{"/v1/feeds?feed=nope", 404, "no feed"},
		{"/v1/nothing-here", 404, "no API resource"},
	} {
		r := get(t, s, tc.target, tc.status)
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: content type %q", tc.target, ct)
		}
		var p problem
		if err := json.Unmarshal([]byte(r.body), &p); err != nil {
			t.Fatalf("%s: %v", tc.target, err)
		}
		if p.Status != tc.status || !strings.Contains(p.Detail, tc.detail) || p.Title == "" {
			t.Errorf("%s: problem %+v, want status %d and detail containing %q", tc.target, p, tc.status, tc.detail)
		}
	}
}

func TestNoRangeData(t *testing.T) {
	s := newTestServer(t, false)
	r := get(t, s, "/v1/ip/52.80.0.1", http.StatusServiceUnavailable)
	wantContains(t, r.body, "cloudatlas update --from DIR")
	r = get(t, s, "/readyz", http.StatusOK)
	wantContains(t, r.body, `"ranges":false`)
	page := get(t, s, "/", http.StatusOK)
	wantContains(t, page.body, "Range data missing", "cloudatlas update --from DIR")
	get(t, s, "/v1/whois/cn-north-1", http.StatusOK)
}

func TestBulk(t *testing.T) {
	s := newTestServer(t, true)
	r := do(t, s, "POST", "/v1/bulk?as_of=2020-01-01", "application/json", `["52.80.0.1","bogus","3.0.5.7","10.0.0.1"]`)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var resp struct {
		AsOf    string `json:"as_of"`
		Count   int
		Results []struct {
			Input   string
			Error   string
			Matches []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(r.body), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Count != 4 || resp.AsOf != "2020-01-01" || resp.Results[1].Error == "" || len(resp.Results[2].Matches) != 2 || len(resp.Results[3].Matches) != 0 {
		t.Errorf("unexpected bulk answer: %s", r.body)
	}
	r = do(t, s, "POST", "/v1/bulk?as_of=2020-01-01&fields=input,operator_id", "application/json", `["52.80.0.1"]`)
	if !strings.Contains(r.body, `"results":[{"input":"52.80.0.1","matches":[{"operator_id":["org/sinnet"]}]}]`) {
		t.Errorf("52.80.0.1 operators, want org/sinnet: %s", r.body)
	}
	csv := do(t, s, "POST", "/v1/bulk?format=csv", "text/plain", "# comment\n52.80.0.1\n\n=1+1\n")
	if csv.status != 200 || !strings.HasPrefix(csv.body, "input,prefix,") || !strings.Contains(csv.body, "'=1+1") {
		t.Errorf("csv: %d\n%s", csv.status, csv.body)
	}
	big := strings.Repeat("1.2.3.4\n", maxBulkItems+1)
	if r := do(t, s, "POST", "/v1/bulk", "text/plain", big); r.status != 413 {
		t.Errorf("%d addresses: status %d, want 413", maxBulkItems+1, r.status)
	}
	huge := strings.Repeat("x", maxBulkBody+1)
	if r := do(t, s, "POST", "/v1/bulk", "text/plain", huge); r.status != 413 {
		t.Errorf("body over 1 MiB: status %d, want 413", r.status)
	}
	if r := do(t, s, "POST", "/v1/bulk", "application/json", `{"not":"an array"}`); r.status != 400 {
		t.Errorf("bad JSON: status %d, want 400", r.status)
	}
}

func TestMetrics(t *testing.T) {
	s := newTestServer(t, true)
	get(t, s, "/v1/ip/52.80.0.1", 200)
	get(t, s, "/v1/ip/bogus", 400)
	r := get(t, s, "/metrics", 200)
	wantContains(t, r.body,
		`cloudatlas_http_requests_total{code="200",method="GET",route="GET /v1/ip/{ip...}"} 1`,
		`cloudatlas_http_requests_total{code="400",method="GET",route="GET /v1/ip/{ip...}"} 1`,
		`cloudatlas_http_request_duration_seconds_count{route="GET /v1/ip/{ip...}"} 2`,
		"cloudatlas_ranges_loaded 1")
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q, want the text exposition format", ct)
	}
	// The body parses as the exposition format, with the names, types and
	// buckets the dashboards expect.
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, r.body)
	}
	want := map[string]dto.MetricType{
		"cloudatlas_http_requests_total":           dto.MetricType_COUNTER,
		"cloudatlas_http_request_duration_seconds": dto.MetricType_HISTOGRAM,
		"cloudatlas_ranges_loaded":                 dto.MetricType_GAUGE,
		"cloudatlas_ranges_records":                dto.MetricType_GAUGE,
		"cloudatlas_ranges_prefixes":               dto.MetricType_GAUGE,
		"cloudatlas_ranges_snapshots":              dto.MetricType_GAUGE,
		"cloudatlas_atlas_entities":                dto.MetricType_GAUGE,
		"cloudatlas_atlas_statements":              dto.MetricType_GAUGE,
		"cloudatlas_atlas_series_points":           dto.MetricType_GAUGE,
	}
	for name, typ := range want {
		f := fams[name]
		switch {
		case f == nil:
			t.Errorf("no metric %s", name)
		case f.GetType() != typ:
			t.Errorf("%s is a %v, want a %v", name, f.GetType(), typ)
		case f.GetHelp() == "":
			t.Errorf("%s has no help text", name)
		}
	}
	for _, m := range fams["cloudatlas_http_request_duration_seconds"].GetMetric() {
		var bounds []float64
		for _, b := range m.GetHistogram().GetBucket() {
			bounds = append(bounds, b.GetUpperBound())
		}
		if !slices.Equal(bounds, append(slices.Clone(durationBuckets), math.Inf(1))) {
			t.Fatalf("the latency histogram's buckets are %v, want %v and +Inf", bounds, durationBuckets)
		}
	}
	if v := fams["cloudatlas_ranges_records"].GetMetric()[0].GetGauge().GetValue(); v != float64(s.state.Load().Records) || v == 0 {
		t.Errorf("cloudatlas_ranges_records = %v, want %d", v, s.state.Load().Records)
	}
	// Two servers in one process keep their own counts.
	other := newTestServer(t, false)
	wantNotContains(t, get(t, other, "/metrics", 200).body, `cloudatlas_http_requests_total{code="400",method="GET",route="GET /v1/ip/{ip...}"}`)
}

// TestAmbiguousIs409WithChoices: an ambiguous name is one typed error
// in the domain; the API answers 409 and lists the choices.
func TestAmbiguousIs409WithChoices(t *testing.T) {
	s := newTestServer(t, false)
	_, err := s.join.ResolveEntity("us-east-1", "")
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	amb := &answer.Error{Kind: answer.Ambiguous, Msg: `region code "x" is used by several providers; name one`,
		Choices: []answer.Choice{{ID: "region/aws/x", Kind: "region", Name: "AWS X", Provider: "aws"},
			{ID: "region/alibaba/x", Kind: "region", Name: "Alibaba X", Provider: "alibaba"}}}
	rec := httptest.NewRecorder()
	s.writeProblem(rec, httptest.NewRequest("GET", "/v1/whois/x", nil), amb)
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusConflict || p.Status != 409 || len(p.Choices) != 2 || p.Choices[1].Provider != "alibaba" {
		t.Errorf("status %d, problem %+v", rec.Code, p)
	}
}

// TestWrongMethods: a method a route does not serve is 405 with Allow,
// not 404; an oversized urlencoded bulk form is 413; a long bad path is
// echoed at most once, clipped.
func TestWrongMethods(t *testing.T) {
	s := newTestServer(t, true)
	for _, c := range []struct{ method, path, allow string }{
		{"PUT", "/v1/ip/52.80.0.1", "GET, HEAD"},
		{"DELETE", "/v1/bulk", "POST"},
		{"GET", "/v1/bulk", "POST"},
		{"POST", "/v1/ip/52.80.0.1", "GET, HEAD"},
		{"DELETE", "/bulk", "GET, HEAD, POST"},
	} {
		r := do(t, s, c.method, c.path, "", "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != c.allow {
			t.Errorf("%s %s: status %d, Allow %q; want 405 and %q", c.method, c.path, r.status, r.header.Get("Allow"), c.allow)
		}
	}
	if r := do(t, s, "PUT", "/v1/nothing", "", ""); r.status != http.StatusNotFound {
		t.Errorf("PUT /v1/nothing: %d, want 404", r.status)
	}
	form := "addresses=" + strings.Repeat("1", maxBulkBody+100<<10)
	if r := do(t, s, "POST", "/bulk", "application/x-www-form-urlencoded", form); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d, want 413", r.status)
	}
	long := "/v1/ip/" + strings.Repeat("x", 60<<10)
	r := do(t, s, "GET", long, "", "")
	if r.status != 400 || len(r.body) > 2000 {
		t.Errorf("long bad path: status %d, %d bytes of problem", r.status, len(r.body))
	}
}

// TestBulkBudgetIsPerRequest reproduces issue 13's first finding: 1,000
// lines of ::/0 and 0.0.0.0/0 (10 KB) must not build a reply of hundreds
// of megabytes; the request as a whole is over its budget, a 413 that
// names the limit.
func TestBulkBudgetIsPerRequest(t *testing.T) {
	s := newTestServer(t, true)
	body := strings.Repeat("::/0\n0.0.0.0/0\n", 500)
	r := do(t, s, "POST", "/v1/bulk?format=csv&fields=all&all=1", "text/plain", body)
	if r.status == 200 && len(r.body) > maxBulkBytes {
		t.Fatalf("reply of %d bytes", len(r.body))
	}
	if r.status != 200 && r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	// The fixture holds few ranges: lower the budget of matches to reach
	// it; it must bind the whole request, whatever its lines.
	s.bulkMatches = 1000
	many := strings.Repeat("0.0.0.0/0\n", 500)
	r = do(t, s, "POST", "/v1/bulk?format=jsonl", "text/plain", many)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "matches") {
		t.Errorf("10,000 lines of 0.0.0.0/0: status %d: %.300s", r.status, r.body)
	}
}
