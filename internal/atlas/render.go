package atlas

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText renders the answer for a terminal: the place, operators,
// owners with effective shares, people, location, reach with paths, and
// the numbered sources that the [n] marks refer to.
func (ans *Answer) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	r := &renderer{w: bw, ans: ans}
	r.header()
	r.operators()
	r.licensors()
	r.ownership()
	r.people()
	r.gaps()
	r.exposures("Location", ans.Location, false)
	r.exposures("Jurisdictions", ans.Jurisdictions, true)
	r.reach()
	r.sources()
	return bw.Flush()
}

type renderer struct {
	w   *bufio.Writer
	ans *Answer
}

func (r *renderer) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

// name renders an entity as "Name (id)".
func (r *renderer) name(id string) string {
	e, ok := r.ans.Entities[id]
	if !ok || e.Name == id {
		return id
	}
	if e.NameZH != "" {
		return fmt.Sprintf("%s %s (%s)", e.Name, e.NameZH, id)
	}
	return fmt.Sprintf("%s (%s)", e.Name, id)
}

// cites renders the source numbers of a statement as " [1,2]".
func (r *renderer) cites(id string) string {
	return sourceMarks(r.ans.Statements[id].Sources)
}

// span renders a statement's validity as " (2016-08..2017-11)", and its
// confirmed dates as " (confirmed 2016-08-02, 2019-04)".
func (r *renderer) span(id string) string {
	s := r.ans.Statements[id]
	out := ""
	if s.From != "" || s.To != "" {
		out = fmt.Sprintf(" (%s..%s)", s.From, s.To)
	}
	if len(s.Confirmed) > 0 {
		out += " (confirmed " + strings.Join(s.Confirmed, ", ") + ")"
	}
	return out
}

// unconfirmed renders the mark of a stake or office whose evidence is
// old.
func unconfirmed(u bool, last string) string {
	if !u {
		return ""
	}
	return " UNCONFIRMED (newest evidence " + last + ")"
}

func (r *renderer) header() {
	r.printf("%s as of %s\n", r.name(r.ans.Subject), r.ans.AsOf)
	for _, f := range []struct{ label, id string }{
		{"region", r.ans.Region}, {"partition", r.ans.Partition}, {"provider", r.ans.Provider},
	} {
		if f.id != "" && f.id != r.ans.Subject {
			r.printf("  %-10s %s\n", f.label, r.name(f.id))
		}
	}
	if l := r.ans.Launch; l != nil {
		label := "launched"
		if !l.Launched {
			label = "launches"
		}
		r.printf("  %-10s %s%s\n", label, l.Date, sourceMarks(l.Sources))
	}
	for _, n := range r.ans.Notes {
		r.printf("  note: %s\n", n)
	}
}

func (r *renderer) licensors() {
	if len(r.ans.Licensors) == 0 {
		return
	}
	r.printf("\nTechnology licensed from\n")
	for _, l := range r.ans.Licensors {
		r.printf("  %s licenses its technology to %s%s%s%s\n", r.name(l.Licensor), l.Licensee, r.span(l.Statement),
			disputed(l.Disputed), r.cites(l.Statement))
	}
}

func (r *renderer) gaps() {
	if len(r.ans.Gaps) == 0 {
		return
	}
	r.printf("\nKnown gaps\n")
	for _, g := range r.ans.Gaps {
		r.printf("  %s: %s\n", r.name(g.Subject), g.Text)
		if g.Note != "" {
			r.printf("      %s\n", g.Note)
		}
	}
}

func (r *renderer) operators() {
	if len(r.ans.Operators) == 0 {
		return
	}
	r.printf("\nOperator\n")
	for _, op := range r.ans.Operators {
		verb := "operates"
		switch r.ans.Statements[op.Statement].Predicate {
		case "brand_of":
			verb = "runs the brand"
		case "holds_asn":
			verb = "holds"
		}
		r.printf("  %s %s %s%s%s%s\n", r.name(op.Operator), verb, op.Of, r.span(op.Statement),
			disputed(op.Disputed), r.cites(op.Statement))
		r.competitors(op.Competitors)
	}
}

func disputed(d bool) string {
	if d {
		return " DISPUTED"
	}
	return ""
}

func (r *renderer) competitors(ids []string) {
	for _, id := range ids {
		s := r.ans.Statements[id]
		r.printf("      competing claim: %s %s %s%s%s\n", s.Subject, s.Predicate, s.Object, r.span(id), r.cites(id))
	}
}

func (r *renderer) ownership() {
	for _, own := range r.ans.Ownership {
		if len(own.Owners) == 0 {
			r.printf("\nOwners of %s: none recorded%s\n", r.name(own.Of), r.gapNote(own.Of))
			continue
		}
		r.printf("\nOwners of %s\n", r.name(own.Of))
		for _, o := range own.Owners {
			r.printf("  %s  effective %s%s%s\n", r.name(o.ID), o.Share, unknownPaths(o.UnknownPaths), ownerFlags(o))
			for _, p := range o.Paths {
				r.printf("      %s\n", r.path(p.Steps))
			}
		}
		for _, cyc := range own.Cycles {
			r.printf("  cycle: %s\n", strings.Join(cyc, " -> "))
		}
	}
}

// gapNote points to the known gaps about id, if any.
func (r *renderer) gapNote(id string) string {
	for _, g := range r.ans.Gaps {
		if g.Subject == id {
			return " (see Known gaps)"
		}
	}
	return ""
}

func unknownPaths(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (+%d path(s) of unknown share)", n)
}

func ownerFlags(o *Owner) string {
	var f []string
	if o.Ultimate {
		f = append(f, "ultimate")
	}
	if o.OwnersUnrecorded {
		f = append(f, "its owners not recorded")
	}
	if o.Controlling {
		f = append(f, "controlling")
	}
	if o.Unconfirmed {
		f = append(f, "unconfirmed")
	}
	if len(f) == 0 {
		return ""
	}
	return "  " + strings.Join(f, ", ")
}

// path renders steps as "a -owns 51%-> b [1]; ...".
func (r *renderer) path(steps []Step) string {
	parts := make([]string, len(steps))
	for i, st := range steps {
		label := st.Predicate
		if st.Share.Known {
			label += " " + st.Share.String()
		}
		parts[i] = fmt.Sprintf("%s -%s-> %s%s%s%s", st.From, label, st.To, disputed(st.Disputed),
			unconfirmed(st.Unconfirmed, st.LastEvidence), r.cites(st.Statement))
	}
	return strings.Join(parts, "; ")
}

func (r *renderer) people() {
	if len(r.ans.People) == 0 {
		return
	}
	r.printf("\nPeople\n")
	for _, p := range r.ans.People {
		r.printf("  %s, %s of %s%s%s%s%s\n", r.name(p.Person), p.Role, p.Org, r.span(p.Statement),
			disputed(p.Disputed), unconfirmed(p.Unconfirmed, p.LastEvidence), r.cites(p.Statement))
		r.competitors(p.Competitors)
	}
}

func (r *renderer) exposures(title string, xs []Exposure, basis bool) {
	if len(xs) == 0 {
		return
	}
	r.printf("\n%s\n", title)
	for _, x := range xs {
		b := ""
		if basis {
			b = "  basis " + x.Basis
		}
		r.printf("  %s%s\n      %s\n", r.name(x.Jurisdiction), b, r.path(x.Path))
	}
}

// reach renders the laws, one heading per law (Reach is sorted by law)
// and one path per basis.
func (r *renderer) reach() {
	if l := r.ans.Launch; l != nil && !l.Launched {
		return // nothing existed to reach
	}
	r.printf("\nReach\n")
	if len(r.ans.Reach) == 0 {
		r.printf("  no law in the atlas reaches it\n")
	}
	for i, x := range r.ans.Reach {
		if i == 0 || r.ans.Reach[i-1].Law != x.Law {
			law := r.ans.Entities[x.Law]
			r.printf("  %s  %s%s%s\n", r.name(x.Law), x.Jurisdiction, inForce(law.InForce), sourceMarks(law.Sources))
		}
		r.printf("      %s: %s\n", x.Basis, r.path(x.Path))
	}
}

func (r *renderer) sources() { writeSources(r.w, r.ans.Sources) }

// inForce renders a law's in-force period as ", in force 2018-03-23..".
func inForce(span string) string {
	if span == "" {
		return ""
	}
	return ", in force " + span
}
