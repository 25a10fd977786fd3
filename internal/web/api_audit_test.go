package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// auditPolicyJSON is a policy over the web test atlas: no US or Chinese
// law, and only the approved region.
const auditPolicyYAML = `version: 1
rules:
  - id: no-us-cn
    severity: critical
    deny: {jurisdictions: [US, CN]}
  - id: approved-regions
    severity: medium
    on_unknown: warn
    require: {regions: ['aws:us-east-1']}
`

func auditBody(t testing.TB, policy, inventory string) string {
	t.Helper()
	b, err := json.Marshal(auditRequest{Policy: policy, Inventory: inventory, AsOf: "2020-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The contract test (contract_test.go) validates these against the
// OpenAPI document too.
func init() {
	body := `{"policy":` + jsonString(auditPolicyYAML) + `,"inventory":"52.80.0.1\n3.0.5.7\n","as_of":"2020-06-01"}`
	apiCases = append(apiCases,
		apiCase{method: "POST", target: "/v1/audit", contentType: "application/json", body: body, spec: "/v1/audit", status: 200},
		apiCase{method: "POST", target: "/v1/audit?format=sarif", contentType: "application/json", body: body, spec: "/v1/audit", status: 200},
		apiCase{method: "POST", target: "/v1/audit", contentType: "application/json",
			body: `{"policy":"version: 1\nrules: []\n","inventory":"3.0.5.7"}`, spec: "/v1/audit", status: 400})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestAuditAPI(t *testing.T) {
	s := newTestServer(t, true)
	r := do(t, s, "POST", "/v1/audit", "application/json", auditBody(t, auditPolicyYAML, "52.80.0.1\n3.0.5.7\n# a comment\naws:us-east-1\n"))
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var rep struct {
		Outcome struct {
			ExitCode int `json:"exit_code"`
			Result   string
		}
		Assets   map[string]struct{ Input string }
		Findings []struct{ Rule, Status, Asset string }
	}
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.Rule+" "+rep.Assets[f.Asset].Input] = f.Status
	}
	want := map[string]string{"no-us-cn 52.80.0.1": "fail", "no-us-cn 3.0.5.7": "fail", "no-us-cn aws:us-east-1": "fail",
		"approved-regions 52.80.0.1": "fail"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q (%v)", k, got[k], w, got)
		}
	}
	if rep.Outcome.ExitCode != 1 || rep.Outcome.Result != "violations" {
		t.Errorf("outcome %+v", rep.Outcome)
	}
	for _, c := range []struct {
		body, want string
		status     int
	}{
		{auditBody(t, "version: 1\nrules:\n  - id: r\n    severity: high\n    deny: {laws: [law/none]}\n", "3.0.5.7"), `policy:5: rules[0].deny.laws[0]: \"law/none\" is no law of the atlas`, 400},
		{auditBody(t, auditPolicyYAML, "3.0.5.7\nnope\n"), `inventory:2: \"nope\": not an IP address`, 400},
		{`{"policy": 1}`, "body must be a JSON object", 400},
		{auditBody(t, auditPolicyYAML, ""), "give a policy", 400},
	} {
		r := do(t, s, "POST", "/v1/audit", "application/json", c.body)
		if r.status != c.status || !strings.Contains(r.body, c.want) {
			t.Errorf("%s: status %d, body %s", c.body, r.status, r.body)
		}
	}
	if r := do(t, s, "POST", "/v1/audit?format=junit", "application/json", auditBody(t, auditPolicyYAML, "3.0.5.7\n")); r.status != 200 ||
		!strings.Contains(r.body, `<testsuite name="no-us-cn" tests="1" failures="1"`) || r.header.Get("Content-Type") != "application/xml" {
		t.Errorf("junit: %d %s", r.status, r.body)
	}
	// Without range data, addresses cannot be audited; regions can.
	bare := newTestServer(t, false)
	if r := do(t, bare, "POST", "/v1/audit", "application/json", auditBody(t, auditPolicyYAML, "3.0.5.7\n")); r.status != 503 {
		t.Errorf("no ranges: %d", r.status)
	}
	if r := do(t, bare, "POST", "/v1/audit?format=text", "application/json", auditBody(t, auditPolicyYAML, "aws:us-east-1\n")); r.status != 200 ||
		!strings.Contains(r.body, "result: violations (exit 1)") {
		t.Errorf("regions without ranges: %d %s", r.status, r.body)
	}
}

func TestAuditPage(t *testing.T) {
	s := newTestServer(t, true)
	r := get(t, s, "/audit", 200)
	wantContains(t, r.body, `<textarea id="policy"`, "operator_controlled_from: [EU]", `<button type="submit" id="run">`)
	form := url.Values{"policy": {auditPolicyYAML}, "inventory": {"52.80.0.1\naws:us-east-1\n"}, "as_of": {"2020-06-01"}, "fail_on": {"high"}}
	r = do(t, s, "POST", "/audit", "application/x-www-form-urlencoded", form.Encode())
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	wantContains(t, r.body, `<h2 id="findings-h">violations (exit 1)</h2>`, "Beijing Sinnet Technology", "answers to CN by",
		`<td class="mono"><bdi>52.80.0.1</bdi> <span class="muted">address, inventory:1</span></td>`)
	form.Set("policy", "version: 1\nrules:\n  - id: r\n    severity: urgent\n    deny: {jurisdictions: [US]}\n")
	r = do(t, s, "POST", "/audit", "application/x-www-form-urlencoded", form.Encode())
	if r.status != 400 || !strings.Contains(r.body, `policy:4: rules[0].severity: severity &#34;urgent&#34;`) || !strings.Contains(r.body, `<textarea id="policy"`) {
		t.Errorf("bad policy: %d %s", r.status, r.body)
	}
}
