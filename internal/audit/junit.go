package audit

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML as CI systems read it: one test suite per rule, one test
// case per finding listed. A violation is a failure, an unknown finding
// an error, a waived one skipped; passes are test cases without a
// child (listed with --passes; counted in the suite's tests either way).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML.
func WriteJUnit(w io.Writer, r *Report, opt WriteOptions) error {
	out := junitSuites{Name: "cloudatlas audit " + r.Policy.File}
	day := r.AsOf.Format("2006-01-02T15:04:05")
	for i, rule := range r.Policy.Rules {
		c := r.Summary.ByRule[i]
		s := junitSuite{Name: rule.ID, Tests: c.Fail + c.Pass + c.Unknown + c.Waived, Failures: c.Fail, Errors: c.Unknown,
			Skipped: c.Waived, Timestamp: day, Properties: []junitProperty{{"severity", rule.Severity.String()},
				{"on_unknown", rule.OnUnknown}, {"conditions", strings.Join(rule.conditions(), "; ")}}}
		out.Suites = append(out.Suites, s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	for _, f := range r.Findings {
		a := f.Asset
		tc := junitCase{Name: fmt.Sprintf("%s:%d %s", a.File, a.Line, a.Name()), Classname: "cloudatlas.audit." + f.Rule.ID,
			File: a.File, Line: a.Line}
		detail := findingDetail(f)
		switch f.Status {
		case StatusFail:
			tc.Failure = &junitProblem{Message: f.Message(), Type: f.Rule.Severity.String(), Text: detail}
		case StatusUnknown:
			tc.Error = &junitProblem{Message: f.Message(), Type: "unresolved", Text: detail}
		case StatusWaived:
			tc.Skipped = &junitProblem{Message: f.Message()}
		}
		s := &out.Suites[f.Rule.index]
		s.Cases = append(s.Cases, tc)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("audit: JUnit: %w", err)
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// findingDetail is a finding's explanation over several lines: the
// places, their operators and controllers, the evidence paths.
func findingDetail(f *Finding) string {
	var b strings.Builder
	for _, v := range f.Verdicts {
		if v.Place == nil {
			fmt.Fprintf(&b, "could not be resolved: %s\n", v.Message)
			continue
		}
		p := v.Place
		fmt.Fprintf(&b, "%s: operated by %s; controlled by %s\n%s\n", p.Label(), namedList(p.Operators), namedList(p.Controllers), v.Message)
		for _, e := range v.Evidence {
			if len(e.Path) > 0 {
				fmt.Fprintf(&b, "  %s %s: %s\n", cmpOr(e.Jurisdiction, e.ID), e.Basis, pathText(e.Path))
			}
		}
		for _, s := range v.Sources {
			fmt.Fprintf(&b, "  [%d] %s\n", s.N, s.URL)
		}
	}
	return b.String()
}
