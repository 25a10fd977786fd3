package atlas

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"
)

// ControlPredicates are the statements that say who runs and who owns
// what; the report holds their sources to the highest standard.
var ControlPredicates = []string{"operates", "owns", "controls", "officer", "subsidiary_of"}

// Report is the data-quality summary of an atlas at one date (the date
// decides which stakes are unconfirmed): `cloudatlas check --report`.
type Report struct {
	AsOf        string           `json:"as_of"`
	Statements  int              `json:"statements"`
	ByPredicate []PredicateCount `json:"by_predicate"`  // most statements first
	Control     PredicateCount   `json:"control"`       // the ControlPredicates together
	WeakOperate []string         `json:"weak_operates"` // ids of operates statements with weak sources only
	Regions     Ratio            `json:"regions_dated"`
	Laws        Ratio            `json:"laws_sourced"`
	Stakes      Ratio            `json:"stakes_unconfirmed"` // of the stakes holding at AsOf
	OpenGaps    int              `json:"open_gaps"`
	WeakHosts   []HostCount      `json:"weak_hosts"`   // hosts of the weak-only control statements
	GapsByKind  map[string]int   `json:"gaps_by_kind"` // open gaps by what is missing
}

// PredicateCount counts the statements of a predicate and those whose
// sources are all weak (see [WeakSource]).
type PredicateCount struct {
	Predicate string `json:"predicate"`
	Total     int    `json:"total"`
	WeakOnly  int    `json:"weak_only"`
}

// Ratio is n out of total.
type Ratio struct {
	N     int `json:"n"`
	Total int `json:"total"`
}

// Pct returns n/total in percent (0 for an empty total).
func (r Ratio) Pct() float64 {
	if r.Total == 0 {
		return 0
	}
	return 100 * float64(r.N) / float64(r.Total)
}

// Pct returns the weak-only share in percent.
func (p PredicateCount) Pct() float64 { return Ratio{p.WeakOnly, p.Total}.Pct() }

// HostCount is how many weak-only control statements cite a host.
type HostCount struct {
	Host  string `json:"host"`
	Count int    `json:"count"`
}

// NewReport measures the atlas at t.
func NewReport(a *Atlas, t time.Time) *Report {
	r := &Report{AsOf: DateOf(t).String(), Statements: len(a.Statements), Control: PredicateCount{Predicate: "control"},
		GapsByKind: map[string]int{}}
	by := map[string]*PredicateCount{}
	hosts := map[string]int{}
	for _, s := range a.Statements {
		pc := by[s.Predicate]
		if pc == nil {
			pc = &PredicateCount{Predicate: s.Predicate}
			by[s.Predicate] = pc
		}
		weak := s.WeakOnly()
		pc.Total++
		if weak {
			pc.WeakOnly++
		}
		if !slices.Contains(ControlPredicates, s.Predicate) {
			continue
		}
		r.Control.Total++
		if !weak {
			continue
		}
		r.Control.WeakOnly++
		if s.Predicate == "operates" {
			r.WeakOperate = append(r.WeakOperate, s.ID)
		}
		for _, src := range s.Sources {
			hosts[hostOf(src.URL)]++
		}
	}
	for _, pc := range by {
		r.ByPredicate = append(r.ByPredicate, *pc)
	}
	slices.SortFunc(r.ByPredicate, func(x, y PredicateCount) int {
		return cmp.Or(cmp.Compare(y.Total, x.Total), cmp.Compare(x.Predicate, y.Predicate))
	})
	for h, n := range hosts {
		r.WeakHosts = append(r.WeakHosts, HostCount{h, n})
	}
	slices.SortFunc(r.WeakHosts, func(x, y HostCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Host, y.Host))
	})
	for _, e := range a.Entities {
		switch e.Kind {
		case KindRegion:
			r.Regions.Total++
			if !e.Launched.IsZero() && len(e.Sources) > 0 {
				r.Regions.N++
			}
		case KindLaw:
			r.Laws.Total++
			if len(e.Sources) > 0 {
				r.Laws.N++
			}
		}
	}
	for _, p := range stakePredicates {
		for _, f := range a.At(Filter{Predicate: p}, t) {
			r.Stakes.Total++
			if f.Statement.Unconfirmed(t) {
				r.Stakes.N++
			}
		}
	}
	for _, g := range a.Gaps { // a gap stays open until it is filled and deleted
		r.OpenGaps++
		r.GapsByKind[g.Missing]++
	}
	return r
}

// WriteText renders the report for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Data quality as of %s\n", r.AsOf)
	fmt.Fprintf(bw, "  statements: %d\n", r.Statements)
	fmt.Fprintf(bw, "  %-24s %6s %9s %7s\n", "predicate", "total", "weak-only", "share")
	for _, p := range r.ByPredicate {
		fmt.Fprintf(bw, "  %-24s %6d %9d %6.1f%%\n", p.Predicate, p.Total, p.WeakOnly, p.Pct())
	}
	fmt.Fprintf(bw, "  control statements (%s): %d, weak sources only: %d (%.1f%%)\n",
		"operates, owns, controls, officer, subsidiary_of", r.Control.Total, r.Control.WeakOnly, r.Control.Pct())
	fmt.Fprintf(bw, "  operates statements on weak sources only: %d\n", len(r.WeakOperate))
	fmt.Fprintf(bw, "  regions with a sourced launch date: %d of %d (%.1f%%)\n", r.Regions.N, r.Regions.Total, r.Regions.Pct())
	fmt.Fprintf(bw, "  laws with sources: %d of %d (%.1f%%)\n", r.Laws.N, r.Laws.Total, r.Laws.Pct())
	fmt.Fprintf(bw, "  stakes unconfirmed for %d years: %d of %d holding (%.1f%%)\n", StaleYears, r.Stakes.N, r.Stakes.Total, r.Stakes.Pct())
	fmt.Fprintf(bw, "  open gaps: %d\n", r.OpenGaps)
	if len(r.WeakHosts) > 0 {
		fmt.Fprintf(bw, "  hosts cited by weak-only control statements:")
		for i, h := range r.WeakHosts {
			if i == 10 {
				fmt.Fprintf(bw, " ...")
				break
			}
			fmt.Fprintf(bw, " %s (%d)", h.Host, h.Count)
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}
