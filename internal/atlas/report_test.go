package atlas

import (
	"bytes"
	"strings"
	"testing"
)

func TestWeakSource(t *testing.T) {
	for _, tc := range []struct {
		url, publisher string
		weak           bool
	}{
		{"https://en.wikipedia.org/wiki/Sinnet", "Wikipedia", true},
		{"https://app.stocksummer.com/stocks/detail/300383.SZ", "StockSummer", true},
		{"https://roopu.cloud/arns", "roopu.cloud", true},
		{"http://3.124.21.42/huawei", "Yicai", true},
		{"https://wordp-x.ap-south-1.elb.amazonaws.com/a", "Some Site", true},
		{"https://www.example.com/a", "Yicai via mirror (WEAK)", true},
		{"https://user@gmteight.com:8443/x?y", "GMTEight", true},
		{"not a url", "Nobody", true},
		{"https://www.sec.gov/Archives/edgar/data/1/x.htm", "SEC", false},
		{"https://docs.aws.amazon.com/general/latest/gr/rande.html", "AWS", false},
		{"https://www.cninfo.com.cn/new/disclosure", "cninfo", false},
		{"https://notwikipedia.org/x", "Other", false},
		{"https://github.com/seligman/aws-ip-ranges", "GitHub dataset", true},
		{"https://github.com/about", "GitHub", false},
	} {
		got, why := WeakSource(Source{URL: tc.url, Publisher: tc.publisher})
		if got != tc.weak {
			t.Errorf("WeakSource(%s, %s) = %v (%s), want %v", tc.url, tc.publisher, got, why, tc.weak)
		}
	}
}

// TestReportFixture measures the fixture atlas: the counts follow from
// its statements, and the text names every figure the issue asks for.
func TestReportFixture(t *testing.T) {
	a := mustLoad(t, "testdata/atlas")
	r := NewReport(a, day("2026-11-27"))
	if r.Statements != len(a.Statements) {
		t.Errorf("Statements = %d, want %d", r.Statements, len(a.Statements))
	}
	sum := 0
	for _, p := range r.ByPredicate {
		sum += p.Total
	}
	if sum != r.Statements {
		t.Errorf("by-predicate totals add up to %d, want %d", sum, r.Statements)
	}
	if r.Stakes.Total == 0 || r.Stakes.N == 0 {
		t.Errorf("stakes %+v: the fixture's 2018-2019 stakes should be unconfirmed in 2026", r.Stakes)
	}
	if early := NewReport(a, day("2020-01-01")); early.Stakes.N != 0 {
		t.Errorf("stakes unconfirmed in 2020: %+v, want none", early.Stakes)
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"weak sources only", "regions with a sourced launch date", "stakes unconfirmed for 3 years", "open gaps"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, b.String())
		}
	}
}
