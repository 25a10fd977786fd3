package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// apiCase is one request checked against the OpenAPI document and, when
// golden is set, against testdata/golden/<golden>.json.
type apiCase struct {
	method, target, contentType, body string
	spec                              string            // the OpenAPI path template
	params                            map[string]string // its path parameters
	status                            int
	golden                            string
}

var apiCases = []apiCase{
	{method: "GET", target: "/v1/ip/52.80.0.1?as_of=2020-06-01", spec: "/v1/ip/{ip}", params: map[string]string{"ip": "52.80.0.1"}, status: 200, golden: "ip-beijing-2020"},
	{method: "GET", target: "/v1/ip/52.80.0.1?as_of=2015-06-01", spec: "/v1/ip/{ip}", params: map[string]string{"ip": "52.80.0.1"}, status: 200, golden: "ip-beijing-2015"},
	{method: "GET", target: "/v1/ip/3.0.5.7", spec: "/v1/ip/{ip}", params: map[string]string{"ip": "3.0.5.7"}, status: 200, golden: "ip-us-east-1"},
	{method: "GET", target: "/v1/ip/192.0.2.1", spec: "/v1/ip/{ip}", params: map[string]string{"ip": "192.0.2.1"}, status: 200, golden: "ip-no-match"},
	{method: "GET", target: "/v1/ip/nope", spec: "/v1/ip/{ip}", params: map[string]string{"ip": "nope"}, status: 400, golden: "ip-bad"},
	{method: "POST", target: "/v1/bulk?as_of=2020-06-01", contentType: "application/json", body: `["52.80.0.1","2600:1f00::1","bogus"]`, spec: "/v1/bulk", status: 200, golden: "bulk"},
	{method: "POST", target: "/v1/bulk?format=csv", contentType: "text/plain", body: "52.80.0.1\n", spec: "/v1/bulk", status: 200},
	{method: "POST", target: "/v1/bulk?format=jsonl", contentType: "text/plain", body: "52.80.0.1\n", spec: "/v1/bulk", status: 200},
	{method: "GET", target: "/v1/host/x.s3.eu-central-1.amazonaws.com", spec: "/v1/host/{name}", params: map[string]string{"name": "x.s3.eu-central-1.amazonaws.com"}, status: 200},
	{method: "GET", target: "/v1/whois/cn-north-1?as_of=2020-06-01", spec: "/v1/whois/{target}", params: map[string]string{"target": "cn-north-1"}, status: 200, golden: "whois-cn-north-1"},
	{method: "GET", target: "/v1/whois/org/sinnet", spec: "/v1/whois/{target}", params: map[string]string{"target": "org/sinnet"}, status: 200},
	{method: "GET", target: "/v1/whois/jurisdiction/cn", spec: "/v1/whois/{target}", params: map[string]string{"target": "jurisdiction/cn"}, status: 400},
	{method: "GET", target: "/v1/entities/org/sinnet", spec: "/v1/entities/{id}", params: map[string]string{"id": "org/sinnet"}, status: 200, golden: "entity-sinnet"},
	{method: "GET", target: "/v1/entities/none", spec: "/v1/entities/{id}", params: map[string]string{"id": "none"}, status: 404},
	{method: "GET", target: "/v1/search?q=aws", spec: "/v1/search", status: 200, golden: "search-aws"},
	{method: "GET", target: "/v1/regions?as_of=2020-06-01", spec: "/v1/regions", status: 200, golden: "regions"},
	{method: "GET", target: "/v1/providers", spec: "/v1/providers", status: 200, golden: "providers"},
	{method: "GET", target: "/v1/market", spec: "/v1/market", status: 200, golden: "market"},
	{method: "GET", target: "/v1/feeds", spec: "/v1/feeds", status: 200},
	{method: "GET", target: "/v1/feeds?feed=aws", spec: "/v1/feeds", status: 200},
	{method: "GET", target: "/v1/openapi.json", spec: "/v1/openapi.json", status: 200},
	{method: "GET", target: "/healthz", spec: "/healthz", status: 200},
	{method: "GET", target: "/readyz", spec: "/readyz", status: 200},
	{method: "GET", target: "/metrics", spec: "/metrics", status: 200},
}

func init() {
	text := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	openapi3filter.RegisterBodyDecoder("text/csv", text)
	openapi3filter.RegisterBodyDecoder("application/jsonl", text)
}

// loadSpec parses and validates the served OpenAPI document.
func loadSpec(t *testing.T, s *Server) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(s.openapi)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

// TestAPIMatchesOpenAPI sends every case, validates the request and the
// real response against the OpenAPI document, and compares the body with
// its golden file. Run with -update to rewrite the goldens.
func TestAPIMatchesOpenAPI(t *testing.T) {
	s := newTestServer(t, true)
	doc := loadSpec(t, s)
	covered := map[string]bool{}
	for _, tc := range apiCases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			r := do(t, s, tc.method, tc.target, tc.contentType, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.status, tc.status, r.body)
			}
			validate(t, doc, tc, r)
			if ct := r.header.Get("Content-Type"); strings.Contains(ct, "json") && !strings.Contains(ct, "jsonl") {
				var v any
				if err := json.Unmarshal([]byte(r.body), &v); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if ps := nullPaths(v, "$"); len(ps) > 0 {
					t.Errorf("null at %s", strings.Join(ps, ", "))
				}
			}
			covered[tc.spec] = true
			if tc.golden != "" {
				checkGolden(t, tc.golden, r.body)
			}
		})
	}
	for p := range doc.Paths.Map() {
		if !covered[p] {
			t.Errorf("no contract test for %s", p)
		}
	}
}

// validate checks the request and response of tc against doc.
func validate(t *testing.T, doc *openapi3.T, tc apiCase, r response) {
	t.Helper()
	item := doc.Paths.Find(tc.spec)
	if item == nil {
		t.Fatalf("no path %s in openapi.yaml", tc.spec)
	}
	op := item.GetOperation(tc.method)
	if op == nil {
		t.Fatalf("no %s operation on %s", tc.method, tc.spec)
	}
	req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
	if tc.contentType != "" {
		req.Header.Set("Content-Type", tc.contentType)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: tc.params,
		Route:   &routers.Route{Spec: doc, Path: tc.spec, PathItem: item, Method: tc.method, Operation: op},
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("request does not match openapi.yaml: %v", err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.status, Header: r.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes([]byte(r.body))
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("response does not match openapi.yaml: %v", err)
	}
}

// checkGolden compares a JSON body with testdata/golden/name.json, after
// indenting it, or rewrites the file under -update.
func checkGolden(t *testing.T, name, body string) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(body), "", "  "); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestAPIMatchesOpenAPI -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return ""
}

// nullable lists the keys whose value may be null: a share no source
// publishes, and a feed with no snapshot loaded. Never a list.
var nullable = map[string]bool{"share": true, "effective_share": true, "current": true}

// nullPaths returns the paths of every null in a JSON value, but for
// the nullable keys.
func nullPaths(v any, path string) []string {
	switch x := v.(type) {
	case nil:
		if i := strings.LastIndexByte(path, '.'); i >= 0 && nullable[path[i+1:]] {
			return nil
		}
		return []string{path}
	case map[string]any:
		var out []string
		for k, e := range x {
			out = append(out, nullPaths(e, path+"."+k)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range x {
			out = append(out, nullPaths(e, path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	}
	return nil
}
