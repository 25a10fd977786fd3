package web

import (
	"bytes"
	"strings"
	"testing"
)

// TestBulkCSVDefusesFormulas checks that no cell of the bulk CSV can be
// read as a spreadsheet formula, whoever wrote its text.
func TestBulkCSVDefusesFormulas(t *testing.T) {
	results := []bulkResult{{
		Input: "=cmd|' /C calc'!A0",
		Matches: []matchJSON{{Prefix: "203.0.113.0/24", Relation: "contains", Provider: "p", Partition: "p",
			Services: []string{"@SUM(1)"}, City: "+HYPERLINK(\"http://x\")", Feed: "f", Tier: "official"}},
		Operators: []entityRef{{Name: "-2+3"}},
	}}
	var buf bytes.Buffer
	if err := writeBulkCSV(&buf, results); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{",=cmd", ",@SUM", ",\"+HYPERLINK", ",-2+3", "\n=cmd"} {
		if strings.Contains(out, bad) {
			t.Errorf("CSV has a live formula %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{"'=cmd", "'@SUM(1)", "'+HYPERLINK", "'-2+3"} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV lacks the defused %q:\n%s", want, out)
		}
	}
}
