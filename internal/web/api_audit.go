package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/audit"
)

// auditRequest is the body of POST /v1/audit (and what the audit page
// posts): a policy and an inventory as text, as of a date.
type auditRequest struct {
	Policy        string `json:"policy"`
	Inventory     string `json:"inventory"`
	InventoryName string `json:"inventory_name"`
	AsOf          string `json:"as_of"`
	FailOn        string `json:"fail_on"`
	Passes        bool   `json:"passes"`
}

// auditFormats are the report formats of POST /v1/audit with their
// content types.
var auditFormats = map[string]string{
	"json":  "application/json",
	"sarif": "application/sarif+json",
	"junit": "application/xml",
	"text":  "text/plain; charset=utf-8",
}

// handleAudit answers POST /v1/audit: the report of the policy applied
// to the inventory, in the format asked (json, sarif, junit or text).
// The report's outcome says what the command line would exit with; a
// bad policy or inventory is a 400 that names the line and field.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	format := cmpOr(r.URL.Query().Get("format"), "json")
	ctype, ok := auditFormats[format]
	if !ok {
		return errorf(http.StatusBadRequest, "format %q: want json, sarif, junit or text", clipEcho(format))
	}
	var req auditRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBulkBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes", mbe.Limit)
		}
		return errorf(http.StatusBadRequest, "body must be a JSON object with policy and inventory (strings): %v", err)
	}
	rep, sev, err := s.audit(r, req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeAuditReport(&buf, rep, format, sev); err != nil {
		return err
	}
	return writeBytes(w, ctype, buf.Bytes())
}

// writeAuditReport writes a report in one of the formats.
func writeAuditReport(w io.Writer, rep *audit.Report, format string, sev audit.Severity) error {
	opt := audit.WriteOptions{FailOn: sev, Tool: "cloudatlas web"}
	switch format {
	case "sarif":
		return audit.WriteSARIF(w, rep, opt)
	case "junit":
		return audit.WriteJUnit(w, rep, opt)
	case "text":
		return audit.WriteText(w, rep, opt)
	}
	return audit.WriteJSON(w, rep, opt)
}

// audit parses, checks and evaluates an audit request with the one join,
// within the bulk limits: at most maxBulkItems assets and, when the
// server resolves names, maxBulkNames host names within the client's
// allowance.
func (s *Server) audit(r *http.Request, req auditRequest) (*audit.Report, audit.Severity, error) {
	sev, err := audit.ParseSeverity(cmpOr(req.FailOn, "high"))
	if err != nil {
		return nil, 0, errorf(http.StatusBadRequest, "fail_on: %v", err)
	}
	day, err := s.parseAsOf(req.AsOf)
	if err != nil {
		return nil, 0, err
	}
	if strings.TrimSpace(req.Policy) == "" || strings.TrimSpace(req.Inventory) == "" {
		return nil, 0, errorf(http.StatusBadRequest, "give a policy (YAML, see docs/audit.md) and an inventory (a list or a Terraform state)")
	}
	p, err := audit.ParsePolicy("policy", []byte(req.Policy))
	if err == nil {
		err = p.Check(s.atlas)
	}
	if err != nil {
		return nil, 0, errorf(http.StatusBadRequest, "%v", err)
	}
	name := cmpOr(req.InventoryName, "inventory")
	assets, info, err := audit.ParseInventory(name, []byte(req.Inventory))
	if err != nil {
		return nil, 0, errorf(http.StatusBadRequest, "%v", err)
	}
	if len(assets) > maxBulkItems {
		return nil, 0, errorf(http.StatusRequestEntityTooLarge, "%d assets given; at most %d per request: split the inventory", len(assets), maxBulkItems)
	}
	env := audit.Env{Join: s.join, Day: day, IncludePasses: req.Passes}
	var names []string
	needRanges := false
	for _, a := range assets {
		switch a.Kind {
		case audit.KindHost:
			names = append(names, a.Query.Name)
			needRanges = true
		case audit.KindAddress, audit.KindCIDR:
			needRanges = true
		}
	}
	if needRanges {
		st := s.state.Load()
		if !st.ready() {
			return nil, 0, errNoRanges
		}
		env.Ranges = st.Ranges
		if len(names) > maxBulkNames && s.names.Resolver != nil {
			return nil, 0, errorf(http.StatusRequestEntityTooLarge, "%d host names given; at most %d per request when names are resolved", len(names), maxBulkNames)
		}
		if env.Names, err = s.namesFor(r, names); err != nil {
			return nil, 0, err
		}
	}
	rep := audit.Evaluate(r.Context(), env, p, assets, []audit.InventoryFile{info})
	if r.Context().Err() != nil {
		return nil, 0, errorf(http.StatusServiceUnavailable, "the audit took longer than the server allows; split the inventory")
	}
	return rep, sev, nil
}
