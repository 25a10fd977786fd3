package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/audit"
)

// auditPage is the audit form and, after a submit, the findings.
type auditPage struct {
	pageBase
	Policy, Inventory, AsOf, FailOn string
	Severities                      []string
	Submitted                       bool
	Error                           string // a bad policy or inventory, shown above the form
	Outcome                         audit.Outcome
	Summary                         audit.Counts
	Assets                          int
	Rows                            []auditRow
	Max                             int
}

// auditRow is one finding of the results table.
type auditRow struct {
	Rule, Severity, Status, Input, Kind, Where, Message string
	Places                                              []string
	Operators, Controllers                              []audit.Named
}

// examplePolicy fills the empty form: the three rules of docs/audit.md.
const examplePolicy = `version: 1
name: Example sovereignty policy
rules:
  - id: no-us-or-cn-reach
    description: Nothing of ours answers to US or Chinese law.
    severity: critical
    deny:
      jurisdictions: [US, CN]
  - id: eu-controlled-operators
    description: Our EU customer data sits only with operators controlled from the EU.
    severity: high
    require:
      operator_controlled_from: [EU]
  - id: approved-regions
    description: No workload in a region we have not approved.
    severity: medium
    on_unknown: warn
    require:
      regions: ["aws:eu-central-1"]
`

// handleAuditPage renders the empty audit form.
func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request) error {
	p := auditPage{pageBase: s.base("Sovereignty audit", "audit"), Policy: examplePolicy, AsOf: answer.Day(s.now()),
		FailOn: "high", Severities: severityNames(), Max: maxBulkItems}
	return s.render(w, http.StatusOK, "audit", p)
}

// handleAuditSubmit runs the pasted inventory against the pasted policy
// and shows the findings; a bad policy or inventory is shown with the
// form, naming its line and field.
func (s *Server) handleAuditSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBulkBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
			return errorf(http.StatusRequestEntityTooLarge, "the form is larger than %d bytes", maxBulkBody)
		}
		return errorf(http.StatusBadRequest, "reading the form: %v", err)
	}
	req := auditRequest{Policy: r.FormValue("policy"), Inventory: r.FormValue("inventory"), AsOf: r.FormValue("as_of"),
		FailOn: r.FormValue("fail_on"), Passes: r.FormValue("passes") != ""}
	p := auditPage{pageBase: s.base("Sovereignty audit: findings", "audit"), Policy: req.Policy, Inventory: req.Inventory,
		AsOf: req.AsOf, FailOn: cmpOr(req.FailOn, "high"), Severities: severityNames(), Max: maxBulkItems, Submitted: true}
	rep, sev, err := s.audit(r, req)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
			return err
		}
		p.Submitted, p.Error = false, e.Detail
		return s.render(w, http.StatusBadRequest, "audit", p)
	}
	p.AsOf, p.Outcome, p.Summary, p.Assets = answer.Day(rep.AsOf), rep.Outcome(sev), rep.Summary.Counts, rep.Assets
	for _, f := range rep.Findings {
		a := f.Asset
		row := auditRow{Rule: f.Rule.ID, Severity: f.Rule.Severity.String(), Status: f.Status, Input: a.Name(), Kind: a.Kind,
			Where: a.File + ":" + strconv.Itoa(a.Line), Message: f.Message()}
		for _, pl := range f.Resolution.Places {
			row.Places = append(row.Places, pl.Label())
			row.Operators = append(row.Operators, pl.Operators...)
			row.Controllers = append(row.Controllers, pl.Controllers...)
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(w, http.StatusOK, "audit", p)
}

func severityNames() []string {
	return []string{"critical", "high", "medium", "low", "info"}
}
