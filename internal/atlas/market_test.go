package atlas

import (
	"strings"
	"testing"
)

// TestLeadsSkipSeriesWithoutTheLeader: a series that leaves the market's
// leader out says nothing about who leads; the others say it for their
// latest period with a figure for the leader, at the latest vintage.
func TestLeadsSkipSeriesWithoutTheLeader(t *testing.T) {
	a := loadYAML(t, `
entities:
  - {id: provider/ali, kind: provider, name: Ali}
  - {id: provider/tel, kind: provider, name: Tel}
  - {id: provider/ten, kind: provider, name: Ten}
series:
  - id: partial
    firm: Partial Research
    market: china
    measure: share_pct
    definition: d
    covers: [provider/tel, provider/ten]
    points:
      - {period: "2016", entity: provider/tel, value: 8.5, vintage: 2017, source: {url: "https://example.com/a", publisher: E, published: 2017}}
      - {period: "2016", entity: provider/ten, value: 7.3, vintage: 2017, source: {url: "https://example.com/a", publisher: E, published: 2017}}
  - id: full
    firm: Full Research
    market: china
    measure: share_pct
    definition: d
    covers: [provider/ali, provider/ten]
    points:
      - {period: 2019-Q1, entity: provider/ali, value: 43, vintage: 2019-05, source: {url: "https://example.com/b", publisher: E, published: 2019-05}}
      - {period: 2019-Q1, entity: provider/ten, value: 12, vintage: 2019-05, source: {url: "https://example.com/b", publisher: E, published: 2019-05}}
      - {period: 2019-Q2, entity: provider/ali, value: 40, vintage: 2019-08, source: {url: "https://example.com/c", publisher: E, published: 2019-08}}
      - {period: 2019-Q2, entity: provider/ali, value: 41, vintage: 2020-01, source: {url: "https://example.com/d", publisher: E, published: 2020-01}}
      - {period: 2019-Q3, entity: provider/ten, value: 15, vintage: 2019-11, source: {url: "https://example.com/e", publisher: E, published: 2019-11}}
`)
	leads := a.Leads()
	if len(leads) != 1 {
		t.Fatalf("Leads() = %+v, want one lead (the partial series has no figure for the leader)", leads)
	}
	got := leads[0].Sentence(a.DisplayName)
	if want := "Ali leads the china market with 41% in 2019-Q2, says Full Research"; got != want {
		t.Errorf("lead = %q, want %q", got, want)
	}
}

// TestRealLeads: IDC's 2016 China figures (no Alibaba) yield no lead,
// and every market and firm says something at most once.
func TestRealLeads(t *testing.T) {
	a := realAtlas(t)
	seen := map[string]bool{}
	for _, l := range a.Leads() {
		k := l.Market + "/" + l.Firm
		if seen[k] {
			t.Errorf("two leads for %s", k)
		}
		seen[k] = true
		if l.Series == "idc-china-public-iaas-share" {
			t.Errorf("IDC's 2016 series, which has no Alibaba figure, yields %q", l.Sentence(a.DisplayName))
		}
		if l.Market == "china" && !strings.Contains(l.Entity, "alibaba") {
			t.Logf("note: %s", l.Sentence(a.DisplayName))
		}
	}
	if len(seen) == 0 {
		t.Error("no leads at all")
	}
	for _, s := range a.Series {
		if s.Measure != MeasureMarketSize && len(s.Covers) == 0 {
			t.Errorf("series %s says no covers", s.ID)
		}
	}
}
