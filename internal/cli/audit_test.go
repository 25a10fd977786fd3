package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// auditAtlas is the fixture atlas with the audit tests' EU additions
// (internal/audit/testdata/atlas-eu.yaml).
func auditAtlas(t *testing.T) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	base := os.DirFS(fixtureAtlas)
	names, _ := fs.Glob(base, "*.yaml")
	for _, n := range names {
		data, err := fs.ReadFile(base, n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: data}
	}
	data, err := os.ReadFile("../audit/testdata/atlas-eu.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m["audit-eu.yaml"] = &fstest.MapFile{Data: data}
	return m
}

// runAuditCmd runs "cloudatlas audit args..." over the audit atlas.
func runAuditCmd(t *testing.T, atlasFS fs.FS, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC) }, Atlas: atlasFS}
	code := Run(context.Background(), append([]string{"audit"}, args...), e)
	return result{out.String(), errb.String(), code}
}

const (
	auditPolicy    = "../audit/testdata/policy.yaml"
	auditList      = "../audit/testdata/inventory.txt"
	auditState     = "../audit/testdata/terraform.tfstate"
	auditShowState = "../audit/testdata/terraform-show.json"
)

// TestAuditList runs the three example rules over the text list: text,
// JSON, SARIF and JUnit reports, and the exit codes for --fail-on.
func TestAuditList(t *testing.T) {
	dir, atl := loadedDir(t), auditAtlas(t)
	r := runAuditCmd(t, atl, "--data-dir", dir, "--policy", auditPolicy, auditList)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantContains(t, r.stdout,
		"cloudatlas audit: policy ../audit/testdata/policy.yaml (EU sovereignty baseline), as of 2026-02-01",
		"no-foreign-intelligence-law (critical): 3 fail, 2 pass, 1 unknown, 0 waived",
		"reached by FISA Section 702 (law/us-fisa-702, US) by incorporated_in, controlled_from",
		"org/aws-inc -subsidiary_of-> org/amazon; org/amazon -incorporated_in-> jurisdiction/us; law/us-fisa-702 -reaches-> jurisdiction/us",
		`../audit/testdata/inventory.txt:2  3.0.5.1  [exception line 27 for "3.0.5.*" expired 2025-12-31: no longer applies]`,
		"controlled from GB, not from EU",
		"WAIVED until 2026-09-30 (exception line 23: Migration to Example EU Cloud planned for Q3 2026.)",
		"summary: 6 assets; 9 fail, 5 pass, 3 unknown, 1 waived",
		"result: violations (exit 1): 6 violations at or above high")
	// At --fail-on critical only the critical rule's violations count.
	if r := runAuditCmd(t, atl, "--data-dir", dir, "--policy", auditPolicy, "--fail-on", "critical", "--format", "json", auditList); r.code != 1 ||
		!strings.Contains(r.stderr, "violations: 3 violations at or above critical") {
		t.Errorf("--fail-on critical: exit %d, %s", r.code, r.stderr)
	}
	// As of 2019 the 3.0.5.* exception still applied, and London was in the EU.
	r = runAuditCmd(t, atl, "--data-dir", dir, "--policy", auditPolicy, "--as-of", "2019-06-01", "--format", "json", "--passes", auditList)
	var rep struct {
		Outcome struct {
			ExitCode int `json:"exit_code"`
		}
		Assets   map[string]struct{ Input string }
		Findings []struct{ Rule, Status, Asset string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%.500s", err, r.stdout)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.Rule+" "+rep.Assets[f.Asset].Input] = f.Status
	}
	if got["eu-controlled-operators eucloud:lon1"] != "pass" || got["no-foreign-intelligence-law 3.0.5.1"] != "waived" || rep.Outcome.ExitCode != r.code {
		t.Errorf("2019: exit %d, %v", r.code, got)
	}
	r = runAuditCmd(t, atl, "--data-dir", dir, "--policy", auditPolicy, "--format", "sarif", auditList)
	if r.code != 1 || !strings.Contains(r.stdout, `"version": "2.1.0"`) || !strings.Contains(r.stdout, `"primaryLocationLineHash"`) {
		t.Errorf("sarif: exit %d\n%.400s", r.code, r.stdout)
	}
	out := filepath.Join(t.TempDir(), "audit.xml")
	r = runAuditCmd(t, atl, "--data-dir", dir, "--policy", auditPolicy, "--format", "junit", "--output", out, auditList)
	data, _ := os.ReadFile(out)
	if r.code != 1 || r.stdout != "" || !strings.Contains(string(data), `<testsuites name="cloudatlas audit ../audit/testdata/policy.yaml" tests="18" failures="9" errors="3" skipped="1">`) {
		t.Errorf("junit: exit %d\n%.600s", r.code, data)
	}
}

// TestAuditTerraform runs the example rules over the Terraform state
// fixtures (raw v4 and terraform show -json), with host names resolved
// by the fixture DNS server.
func TestAuditTerraform(t *testing.T) {
	dir, atl, res := loadedDir(t), auditAtlas(t), fixtureResolver(t)
	for _, state := range []string{auditState, auditShowState} {
		r := runAuditCmd(t, atl, "--data-dir", dir, "--resolver", res, "--policy", auditPolicy, state)
		if r.code != 1 {
			t.Fatalf("%s: exit %d\n%s%s", state, r.code, r.stdout, r.stderr)
		}
		wantContains(t, r.stdout,
			"aws_instance.web public_ip=3.0.5.9",
			"module.net.aws_eip.nat[0] public_ip=52.80.0.7",
			"aws_s3_bucket.data bucket_regional_domain_name=bucket.s3.cn-north-1.amazonaws.com.cn -> 52.80.0.1",
			"aws_iam_role.deploy arn=aws:global",
			"a global location is served outside the approved regions",
			"google_storage_bucket.archive location=google:multi-region",
			`google_compute_instance.vm["blue"] zone=google:europe-west3`,
			"the atlas has no region \"westeurope\" of provider \"azure\"",
			"aws_s3_bucket.eu region=aws:eu-central-1")
	}
	r := runAuditCmd(t, atl, "--data-dir", dir, "--resolver", res, "--policy", auditPolicy, auditState)
	wantContains(t, r.stdout, "inventory: ../audit/testdata/terraform.tfstate (terraform-state-v4, 9 resources, 13 assets, 1 values skipped)",
		"skipped: data source data.aws_region.current")
}

func TestAuditErrors(t *testing.T) {
	dir, atl := loadedDir(t), auditAtlas(t)
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nrules:\n  - id: r\n    severity: high\n    deny:\n      laws: [law/none]\n"), 0o644)
	badInv := filepath.Join(tmp, "inv.txt")
	os.WriteFile(badInv, []byte("3.0.5.1\nnot-an-address\n"), 0o644)
	empty := filepath.Join(tmp, "empty.txt")
	os.WriteFile(empty, []byte("# nothing\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{auditList}, 2, "give the policy with --policy FILE"},
		{[]string{"--policy", bad, auditList}, 2, bad + ":6: rules[0].deny.laws[0]: \"law/none\" is no law of the atlas"},
		{[]string{"--policy", auditPolicy, badInv}, 2, badInv + `:2: "not-an-address": not an IP address, CIDR, host name or provider:region`},
		{[]string{"--policy", auditPolicy, "--fail-on", "severe", auditList}, 2, "--fail-on: severity \"severe\""},
		{[]string{"--policy", auditPolicy, "--format", "html", auditList}, 2, "unknown format \"html\""},
		{[]string{"--policy", auditPolicy}, 2, "give at least one inventory"},
		{[]string{"--policy", auditPolicy, empty}, 2, "nothing-checked: the inventory has no assets"},
		{[]string{"--policy", auditPolicy, "--explain", "nope"}, 2, `"nope" is no rule of ../audit/testdata/policy.yaml (its rules: no-foreign-intelligence-law, eu-controlled-operators, approved-regions)`},
	} {
		r := runAuditCmd(t, atl, append([]string{"--data-dir", dir}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	// Regions only: no range data needed; clean when every rule passes.
	clean := filepath.Join(tmp, "clean.txt")
	os.WriteFile(clean, []byte("eucloud:fra1\n"), 0o644)
	if r := runAuditCmd(t, atl, "--data-dir", filepath.Join(tmp, "none"), "--policy", auditPolicy, clean); r.code != 0 ||
		!strings.Contains(r.stdout, "result: clean (exit 0)") {
		t.Errorf("clean: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// An unknown asset under on_unknown: fail (and nothing worse) exits 3.
	unk := filepath.Join(tmp, "unknown.txt")
	os.WriteFile(unk, []byte("eucloud:fra1\n139.144.0.5\n"), 0o644)
	if r := runAuditCmd(t, atl, "--data-dir", dir, "--policy", auditPolicy, "--format", "json", unk); r.code != 3 ||
		!strings.Contains(r.stderr, "unresolved: 2 findings could not be decided under on_unknown: fail") {
		t.Errorf("unknown: exit %d\n%s", r.code, r.stderr)
	}
	r := runAuditCmd(t, atl, "--policy", auditPolicy, "--explain", "eu-controlled-operators")
	if r.code != 0 || !strings.Contains(r.stdout, "Rule eu-controlled-operators (severity high") ||
		!strings.Contains(r.stdout, `Exception (line 23): assets matching "aws:eu-central-1" are waived until 2026-09-30`) {
		t.Errorf("explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
