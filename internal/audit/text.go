package audit

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Bounds of the text report, which is for people: the assets listed per
// group and the evidence and sources shown per verdict. The JSON report
// lists everything.
const (
	textAssets   = 20
	textEvidence = 6
	textSources  = 6
)

// WriteText writes the report for people: per rule, its findings
// grouped by status and by the verdict they share (one explanation per
// place, then the assets there), and the outcome.
func WriteText(w io.Writer, r *Report, opt WriteOptions) error {
	bw := bufio.NewWriter(w)
	p := r.Policy
	fmt.Fprintf(bw, "cloudatlas audit: policy %s", p.File)
	if p.Name != "" {
		fmt.Fprintf(bw, " (%s)", p.Name)
	}
	fmt.Fprintf(bw, ", as of %s\n", atlas.DateOf(r.AsOf))
	for _, f := range r.Files {
		fmt.Fprintf(bw, "inventory: %s (%s", f.Name, f.Format)
		if f.Resources > 0 {
			fmt.Fprintf(bw, ", %d resources", f.Resources)
		}
		fmt.Fprintf(bw, ", %d assets", f.Assets)
		if f.Skipped > 0 {
			fmt.Fprintf(bw, ", %d values skipped", f.Skipped)
		}
		bw.WriteString(")\n")
		for _, n := range f.Notes {
			fmt.Fprintf(bw, "  skipped: %s\n", n)
		}
	}
	bw.WriteString("data: ")
	if len(r.Snapshots) == 0 {
		bw.WriteString("no feed snapshot used")
	}
	for i, s := range r.Snapshots {
		if i > 0 {
			bw.WriteString(", ")
		}
		fmt.Fprintf(bw, "%s #%d", s.Feed, s.ID)
		if s.UpstreamID != "" {
			fmt.Fprintf(bw, " (%s)", s.UpstreamID)
		}
	}
	fmt.Fprintf(bw, "; atlas of %d entities, %d statements\n", r.AtlasEntities, r.AtlasStatements)
	byRule := make([][]*Finding, len(p.Rules))
	for _, f := range r.Findings {
		byRule[f.Rule.index] = append(byRule[f.Rule.index], f)
	}
	for i, rule := range p.Rules {
		c := r.Summary.ByRule[i]
		fmt.Fprintf(bw, "\n%s (%s): %d fail, %d pass, %d unknown, %d waived", rule.ID, rule.Severity, c.Fail, c.Pass, c.Unknown, c.Waived)
		if c.UnknownIgnored > 0 {
			fmt.Fprintf(bw, ", %d unknown ignored", c.UnknownIgnored)
		}
		bw.WriteString("\n")
		for _, status := range []string{StatusFail, StatusUnknown, StatusWaived, StatusPass} {
			for _, g := range groupFindings(byRule[i], status) {
				writeGroup(bw, g)
			}
		}
	}
	s := r.Summary
	out := r.Outcome(opt.FailOn)
	fmt.Fprintf(bw, "\nsummary: %d assets; %d fail, %d pass, %d unknown, %d waived", r.Assets, s.Fail, s.Pass, s.Unknown, s.Waived)
	if s.UnknownIgnored > 0 {
		fmt.Fprintf(bw, ", %d unknown ignored", s.UnknownIgnored)
	}
	fmt.Fprintf(bw, "\nresult: %s (exit %d): %s\n", out.Result, out.Code, out.Reason)
	return bw.Flush()
}

// group is findings of one rule and status that share their verdicts.
type group struct {
	status   string
	findings []*Finding
}

// groupFindings groups a rule's findings of one status by the verdicts
// they share (or, unresolved, by why) and their waiver, in order of
// first appearance.
func groupFindings(fs []*Finding, status string) []*group {
	type groupID struct {
		v   *Verdict
		w   *Exception
		key string // several verdicts, or an unresolved asset's reason
	}
	var out []*group
	at := map[groupID]*group{}
	for _, f := range fs {
		if f.Status != status {
			continue
		}
		id := groupID{w: f.Waiver}
		switch {
		case len(f.Verdicts) == 1 && f.Verdicts[0].Place != nil:
			id.v = f.Verdicts[0]
		default:
			id.key = groupKey(f)
		}
		g := at[id]
		if g == nil {
			g = &group{status: status}
			at[id] = g
			out = append(out, g)
		}
		g.findings = append(g.findings, f)
	}
	return out
}

func writeGroup(w *bufio.Writer, g *group) {
	f := g.findings[0]
	fmt.Fprintf(w, "  %s", strings.ToUpper(g.status))
	if f.Waiver != nil {
		fmt.Fprintf(w, " until %s (exception line %d: %s)", f.Waiver.Expires, f.Waiver.Line, f.Waiver.Reason)
	}
	w.WriteString("\n")
	for _, v := range f.Verdicts {
		writeVerdict(w, v)
	}
	fmt.Fprintf(w, "      assets (%d):\n", len(g.findings))
	for i, f := range g.findings {
		if i == textAssets {
			fmt.Fprintf(w, "        ... and %d more (see --format json)\n", len(g.findings)-textAssets)
			break
		}
		a := f.Asset
		fmt.Fprintf(w, "        %s:%d  %s", a.File, a.Line, a.Name())
		if a.Kind == KindHost && len(f.Resolution.Matches) > 0 {
			var addrs []string
			for _, m := range f.Resolution.Matches {
				addrs = appendOnce(addrs, m.Address)
			}
			fmt.Fprintf(w, " -> %s", strings.Join(addrs, ", "))
		}
		for _, x := range f.Expired {
			fmt.Fprintf(w, "  [exception line %d for %q expired %s: no longer applies]", x.Line, x.Asset, x.Expires)
		}
		w.WriteString("\n")
	}
}

// writeVerdict explains one verdict: the place, what operates and
// controls it, why, the evidence with its paths and the sources.
func writeVerdict(w *bufio.Writer, v *Verdict) {
	if v.Place == nil {
		fmt.Fprintf(w, "      could not be resolved: %s\n", v.Message)
		return
	}
	p := v.Place
	fmt.Fprintf(w, "      %s", p.Label())
	if len(p.Operators) > 0 {
		fmt.Fprintf(w, ": operated by %s", namedList(p.Operators))
	}
	if len(p.Controllers) > 0 && !sameNamed(p.Controllers, p.Operators) {
		fmt.Fprintf(w, "; ultimately controlled by %s", namedList(p.Controllers))
	}
	fmt.Fprintf(w, "\n      %s\n", v.Message)
	for i, e := range v.Evidence {
		if i == textEvidence {
			fmt.Fprintf(w, "        ... and %d more (see --format json)\n", len(v.Evidence)-textEvidence)
			break
		}
		if len(e.Path) == 0 {
			continue
		}
		label := e.Jurisdiction
		if e.Kind == "law" || e.Condition == "deny.operators" {
			label = e.ID
		}
		if e.Basis != "" {
			label += " " + e.Basis
		}
		fmt.Fprintf(w, "        %s: %s\n", label, pathText(e.Path))
	}
	for i, s := range v.Sources {
		if i == textSources {
			fmt.Fprintf(w, "        ... and %d more sources\n", len(v.Sources)-textSources)
			break
		}
		fmt.Fprintf(w, "        [%d] %s (%s, %s)\n", s.N, s.URL, s.Publisher, s.Published)
	}
}

// pathText renders steps as "a -pred-> b; ...".
func pathText(steps []atlas.Step) string {
	parts := make([]string, len(steps))
	for i, st := range steps {
		label := st.Predicate
		if st.Share.Known {
			label += " " + st.Share.String()
		}
		parts[i] = fmt.Sprintf("%s -%s-> %s", st.From, label, st.To)
		if st.Disputed {
			parts[i] += " (disputed)"
		}
	}
	return strings.Join(parts, "; ")
}

func namedList(ns []Named) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = n.Name + " (" + n.ID + ")"
	}
	return strings.Join(parts, ", ")
}

func sameNamed(x, y []Named) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].ID != y[i].ID {
			return false
		}
	}
	return true
}

// groupKey identifies the verdicts of a finding with several places, or
// an unresolved finding by its reason.
func groupKey(f *Finding) string {
	var b strings.Builder
	for _, v := range f.Verdicts {
		if v.Place == nil {
			b.WriteString(v.Message)
		} else {
			fmt.Fprintf(&b, "%p", v)
		}
		b.WriteByte(0)
	}
	return b.String()
}
