package audit

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the vendored SARIF 2.1.0 schema (testdata/README.md).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateSARIF validates a SARIF report against the 2.1.0 schema.
func validateSARIF(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("SARIF does not match the 2.1.0 schema: %v", err)
	}
}

// sarifLog is what the tests read back of a SARIF report.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID         string         `json:"id"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          map[string]any    `json:"properties"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIF(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	schema := sarifSchema(t)
	wd, _ := os.Getwd()
	for _, inv := range []string{"testdata/inventory.txt", "testdata/terraform.tfstate"} {
		rep := runAudit(t, a, p, testDay, nil, inv)
		// An absolute inventory path becomes repository-relative.
		done := map[*Asset]bool{}
		for _, f := range rep.Findings {
			if !done[f.Asset] {
				f.Asset.File, done[f.Asset] = wd+"/"+f.Asset.File, true
			}
		}
		var buf bytes.Buffer
		if err := WriteSARIF(&buf, rep, WriteOptions{FailOn: SeverityHigh, Tool: "test", Root: wd}); err != nil {
			t.Fatal(err)
		}
		validateSARIF(t, schema, buf.Bytes())
		var log sarifLog
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		run := log.Runs[0]
		if log.Version != "2.1.0" || len(run.Tool.Driver.Rules) != 3 || run.Tool.Driver.Rules[0].Properties["security-severity"] != "9.5" {
			t.Fatalf("rules %+v", run.Tool.Driver.Rules)
		}
		fails, unknowns, waived := 0, 0, 0
		for _, r := range run.Results {
			loc := r.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI != inv || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine < 1 {
				t.Errorf("location %+v", loc)
			}
			if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID || len(r.PartialFingerprints["primaryLocationLineHash"]) != 32 {
				t.Errorf("result %s: index %d, fingerprints %v", r.RuleID, r.RuleIndex, r.PartialFingerprints)
			}
			switch {
			case len(r.Suppressions) > 0:
				waived++
			case r.Properties["status"] == StatusUnknown:
				unknowns++
			default:
				fails++
			}
		}
		s := rep.Summary
		if fails != s.Fail || unknowns != s.Unknown || waived != s.Waived {
			t.Errorf("%s: %d fail, %d unknown, %d waived results; summary %+v", inv, fails, unknowns, waived, s.Counts)
		}
		if inv == "testdata/terraform.tfstate" {
			found := false
			for _, r := range run.Results {
				for _, l := range r.Locations[0].LogicalLocations {
					found = found || (l.FullyQualifiedName == "aws_instance.web" && l.Kind == "resource")
				}
			}
			if !found {
				t.Error("no result has aws_instance.web as logical location")
			}
		}
	}
}

func TestSARIFLimit(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	var list strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&list, "3.0.%d.%d\n", i/250, i%250)
	}
	assets, _, err := ParseInventory("many.txt", []byte(list.String()))
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(t.Context(), Env{Join: newJoin(a), Ranges: fixtureRanges(t), Day: testDay}, p, assets, nil)
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, rep, WriteOptions{FailOn: SeverityHigh}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarifSchema(t), buf.Bytes())
	var log sarifLog
	json.Unmarshal(buf.Bytes(), &log)
	if n := len(log.Runs[0].Results); n != maxSARIFResults || rep.Summary.Fail != 9000 {
		t.Fatalf("%d results of %d failures", n, rep.Summary.Fail)
	}
	// The most severe rule's results come first.
	if log.Runs[0].Results[0].RuleID != "no-foreign-intelligence-law" || !strings.Contains(buf.String(), "4000 more findings were left out") {
		t.Errorf("first result %s", log.Runs[0].Results[0].RuleID)
	}
}

func TestJUnit(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	rep := runAudit(t, a, p, testDay, nil, "testdata/inventory.txt")
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, rep, WriteOptions{FailOn: SeverityHigh}); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if got.Tests != 18 || got.Failures != 9 || got.Errors != 3 || got.Skipped != 1 || len(got.Suites) != 3 {
		t.Fatalf("totals %d tests, %d failures, %d errors, %d skipped", got.Tests, got.Failures, got.Errors, got.Skipped)
	}
	eu := got.Suites[1]
	kinds := map[string]string{}
	for _, c := range eu.Cases {
		switch {
		case c.Failure != nil:
			kinds[c.Name] = "failure"
		case c.Error != nil:
			kinds[c.Name] = "error"
		case c.Skipped != nil:
			kinds[c.Name] = "skipped"
		default:
			kinds[c.Name] = "pass"
		}
	}
	want := map[string]string{"testdata/inventory.txt:2 3.0.5.1": "failure", "testdata/inventory.txt:7 139.144.0.5": "error",
		"testdata/inventory.txt:4 aws:eu-central-1": "skipped", "testdata/inventory.txt:5 eucloud:fra1": "pass"}
	for k, w := range want {
		if kinds[k] != w {
			t.Errorf("%s: %s, want %s (%v)", k, kinds[k], w, kinds)
		}
	}
	if !strings.Contains(buf.String(), "org/amazon -incorporated_in-&gt; jurisdiction/us") {
		t.Error("failure text lacks the path")
	}
}

func TestJSONReport(t *testing.T) {
	a := fixtureAtlas(t)
	p := policy(t, a, "testdata/policy.yaml")
	rep := runAudit(t, a, p, testDay, nil, "testdata/inventory.txt", "testdata/terraform.tfstate")
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep, WriteOptions{FailOn: SeverityHigh, Tool: "test"}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Schema  string `json:"schema"`
		AsOf    string `json:"as_of"`
		Outcome Outcome
		Places  map[string]struct {
			Label       string
			Controllers []Named
			Laws        []struct{ Law, Basis string }
		}
		Verdicts map[string]struct {
			Rule, Place, Status string
			Evidence            []Evidence
			Sources             []struct{ URL string }
		}
		Assets map[string]struct {
			Input, Kind, File string
			TerraformAddress  string `json:"terraform_address"`
			Line              int
			Places            []string
			Snapshots         []int64
		}
		Findings []struct {
			Fingerprint, Rule, Status, Asset string
			Verdicts                         []string
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if got.Schema != ReportSchema || got.AsOf != "2026-02-01" || got.Outcome.Code != ExitViolation || len(got.Findings) != len(rep.Findings) {
		t.Fatalf("head %+v, %d findings", got.Outcome, len(got.Findings))
	}
	found := false
	for _, f := range got.Findings {
		a := got.Assets[f.Asset]
		if f.Rule != "no-foreign-intelligence-law" || a.TerraformAddress != "aws_instance.web" || a.Kind != "address" {
			continue
		}
		found = true
		if f.Status != StatusFail || a.Line != 34 || len(a.Snapshots) != 1 || a.Snapshots[0] != 1 || len(f.Fingerprint) != 32 {
			t.Fatalf("aws_instance.web finding: %+v, asset %+v", f, a)
		}
		v := got.Verdicts[f.Verdicts[0]]
		pl := got.Places[a.Places[0]]
		if v.Place != a.Places[0] || v.Rule != f.Rule || len(v.Evidence) == 0 || len(v.Evidence[0].Path) == 0 || len(v.Sources) == 0 ||
			pl.Label != "aws us-east-1" || len(pl.Controllers) != 1 || pl.Controllers[0].ID != "org/amazon" || len(pl.Laws) == 0 {
			t.Errorf("verdict %+v\nplace %+v", v, pl)
		}
	}
	if !found {
		t.Error("no finding of aws_instance.web's address")
	}
}
