package audit

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// GitHub code scanning's limits that the SARIF report keeps within: it
// shows at most 5,000 results of a run (and rejects more than 25,000),
// and a result's message is read in its first lines. The JSON report
// lists every finding.
const (
	maxSARIFResults = 5000
	maxSARIFMessage = 1000
)

// securitySeverity is the CVSS-like score GitHub ranks alerts by
// (critical above 9, high 7 to 8.9, medium 4 to 6.9, low below 4).
var securitySeverity = map[Severity]string{SeverityCritical: "9.5", SeverityHigh: "8.0", SeverityMedium: "5.5", SeverityLow: "3.0"}

// sarifLevel is the SARIF level of a finding: violations by severity;
// unknown findings an error under on_unknown: fail, else a warning.
func sarifLevel(f *Finding) string {
	if f.Status == StatusUnknown || (f.Status == StatusWaived && combine(f.Verdicts) == StatusUnknown) {
		if f.Rule.OnUnknown == UnknownFail {
			return "error"
		}
		return "warning"
	}
	return ruleLevel(f.Rule.Severity)
}

func ruleLevel(s Severity) string {
	switch {
	case s >= SeverityHigh:
		return "error"
	case s == SeverityMedium:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the report as SARIF 2.1.0 for GitHub code scanning:
// one rule per policy rule (stable ids, security-severity), one result
// per failed, unknown or waived finding (waived ones as suppressed),
// each at its inventory file and line relative to opt.Root, with the
// Terraform address as a logical location and the finding's fingerprint
// as partial fingerprint. At most 5,000 results are written, the most
// severe first; a notification says how many were left out.
func WriteSARIF(w io.Writer, r *Report, opt WriteOptions) error {
	rep := report.NewV210Report()
	run := sarif.NewRunWithInformationURI("cloudatlas", "https://github.com/cloudatlas/cloudatlas")
	if opt.Tool != "" {
		run.Tool.Driver.WithVersion(opt.Tool)
	}
	for _, rule := range r.Policy.Rules {
		addSARIFRule(run, r.Policy, rule)
	}
	fs := slices.Clone(r.Findings)
	fs = slices.DeleteFunc(fs, func(f *Finding) bool { return f.Status == StatusPass })
	slices.SortStableFunc(fs, func(x, y *Finding) int {
		return cmp.Or(cmp.Compare(y.Rule.Severity, x.Rule.Severity), cmp.Compare(statusRank(x.Status), statusRank(y.Status)))
	})
	left := 0
	if len(fs) > maxSARIFResults {
		left = len(fs) - maxSARIFResults
		fs = fs[:maxSARIFResults]
	}
	for _, f := range fs {
		addSARIFResult(run, f, opt)
	}
	out := r.Outcome(opt.FailOn)
	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("note").
		WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s (exit %d): %s", out.Result, out.Code, out.Reason))))
	if left > 0 {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("warning").
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("%d more findings were left out to keep within GitHub's limit of %d results; the JSON report (--format json) lists them all", left, maxSARIFResults))))
	}
	run.AddInvocation(inv)
	props := sarif.NewPropertyBag()
	props.Add("as_of", atlas.DateOf(r.AsOf).String())
	props.Add("policy", r.Policy.File)
	props.Add("policy_sha256", r.Policy.SHA256)
	props.Add("snapshots", orEmpty(r.Snapshots))
	props.Add("outcome", out)
	props.Add("results_left_out", left)
	run.WithProperties(props)
	rep.AddRun(run)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("audit: SARIF: %w", err)
	}
	return bw.Flush()
}

// statusRank orders findings in the SARIF report: violations first.
func statusRank(s string) int {
	return slices.Index([]string{StatusFail, StatusUnknown, StatusWaived, StatusPass}, s)
}

func addSARIFRule(run *sarif.Run, p *Policy, rule *Rule) {
	short := rule.Description
	if short == "" {
		short = "Sovereignty rule " + rule.ID + ": " + strings.Join(rule.conditions(), "; ")
	}
	explain := Explain(p, rule, nil)
	d := run.AddRule(rule.ID).WithName(sarifName(rule.ID)).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(short)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(strings.Join(rule.conditions(), "; "))).
		WithHelp(sarif.NewMultiformatMessageString().WithText(explain).WithMarkdown("```\n" + explain + "```")).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(ruleLevel(rule.Severity)))
	props := sarif.NewPropertyBag()
	props.AddTag("sovereignty")
	props.AddTag("security")
	props.Add("precision", "high")
	props.Add("problem.severity", map[string]string{"error": "error", "warning": "warning", "note": "recommendation"}[ruleLevel(rule.Severity)])
	if s, ok := securitySeverity[rule.Severity]; ok {
		props.Add("security-severity", s)
	}
	props.Add("severity", rule.Severity.String())
	props.Add("on_unknown", rule.OnUnknown)
	d.WithProperties(props)
}

// sarifName turns a rule id into the PascalCase name SARIF suggests.
func sarifName(id string) string {
	var b strings.Builder
	up := true
	for _, c := range id {
		switch {
		case c == '-' || c == '_' || c == '.':
			up = true
		case up && c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			up = false
		default:
			b.WriteRune(c)
			up = false
		}
	}
	return b.String()
}

func addSARIFResult(run *sarif.Run, f *Finding, opt WriteOptions) {
	a := f.Asset
	msg := fmt.Sprintf("%s %s: %s", a.Kind, a.Name(), f.Message())
	if len(msg) > maxSARIFMessage {
		msg = msg[:maxSARIFMessage] + "..."
	}
	res := run.CreateResultForRule(f.Rule.ID).WithLevel(sarifLevel(f)).WithMessage(sarif.NewTextMessage(msg))
	phys := sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewArtifactLocation().WithURI(artifactURI(a.File, opt.Root)).WithURIBaseID("%SRCROOT%")).
		WithRegion(sarif.NewRegion().WithStartLine(max(1, a.Line)))
	loc := sarif.NewLocationWithPhysicalLocation(phys)
	if a.Resource != "" {
		loc.AddLogicalLocation(sarif.NewLogicalLocation().WithName(a.Resource).WithFullyQualifiedName(a.Resource).WithKind("resource"))
	}
	res.AddLocation(loc)
	fp := f.Fingerprint()
	res.WithPartialFingerprints(map[string]string{"primaryLocationLineHash": fp, "cloudatlasFinding/v1": fp})
	if f.Waiver != nil {
		res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").
			WithJustification(fmt.Sprintf("%s (exception until %s)", f.Waiver.Reason, f.Waiver.Expires)))
	}
	props := sarif.NewPropertyBag()
	props.Add("status", f.Status)
	props.Add("severity", f.Rule.Severity.String())
	props.Add("asset", map[string]any{"input": a.Input, "kind": a.Kind, "terraform_address": a.Resource, "attribute": a.Attribute})
	var places []map[string]any
	for _, p := range f.Resolution.Places {
		places = append(places, map[string]any{"place": p.Label(), "operators": p.Operators, "controllers": p.Controllers})
	}
	props.Add("resolved", orEmpty(places))
	var snaps []int64
	for _, m := range f.Resolution.Matches {
		if !slices.Contains(snaps, m.Snapshot) {
			snaps = append(snaps, m.Snapshot)
		}
	}
	props.Add("snapshots", orEmpty(snaps))
	res.WithProperties(props)
}

// artifactURI returns an inventory path as a repository-relative URI:
// relative to root when it is absolute and under root, with forward
// slashes.
func artifactURI(file, root string) string {
	if filepath.IsAbs(file) && root != "" {
		if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return strings.TrimPrefix(filepath.ToSlash(file), "./")
}
