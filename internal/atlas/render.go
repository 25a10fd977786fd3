package atlas

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteText renders the answer for a terminal, in the order a reader
// asks: where the subject sits and when it launched; who operates it and
// whose technology it runs; who owns the operator, in words, up to the
// true top of each chain; its people; the known gaps; each jurisdiction
// and each law that reaches it, once, with every basis and the path of
// each; and the numbered sources that the [n] marks refer to. The
// wording is shared with the web pages through the exported methods of
// this file.
func (ans *Answer) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	r := &renderer{w: bw, ans: ans}
	r.header()
	r.operators()
	r.licensors()
	r.ownership()
	r.people()
	r.gaps()
	r.jurisdictions()
	r.reach()
	r.sources()
	return bw.Flush()
}

type renderer struct {
	w   *bufio.Writer
	ans *Answer
}

func (r *renderer) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

// name renders an entity as "Name 名字 (id)".
func (r *renderer) name(id string) string {
	e, ok := r.ans.Entities[id]
	if !ok || e.Name == id {
		return id
	}
	if e.NameZH != "" {
		return fmt.Sprintf("%s %s (%s)", r.ans.Name(id), e.NameZH, id)
	}
	return fmt.Sprintf("%s (%s)", r.ans.Name(id), id)
}

// Name returns the display name of an entity the answer mentions, or its
// id when the answer has no name for it. An autonomous system reads as
// "AS13335 NAME".
func (ans *Answer) Name(id string) string {
	e, ok := ans.Entities[id]
	if !ok || e.Name == "" {
		return id
	}
	if num, isAS := strings.CutPrefix(id, "as/"); isAS && e.Kind == KindAS && e.Name != "AS"+num {
		return "AS" + num + " " + e.Name
	}
	return e.Name
}

// cites renders the source numbers of a statement as " [1,2]".
func (r *renderer) cites(id string) string {
	return sourceMarks(r.ans.Statements[id].Sources)
}

// Span renders a statement's validity in words: " since 2016-09",
// " until 2018", " from 2013-12 to 2016-06", or "", followed by its
// confirmed dates: " (confirmed 2016-08-02, 2019-04)".
func (ans *Answer) Span(id string) string {
	s := ans.Statements[id]
	out := spanWords(s.From, s.To)
	if len(s.Confirmed) > 0 {
		out += " (confirmed " + strings.Join(s.Confirmed, ", ") + ")"
	}
	return out
}

// spanWords renders a period's bounds as " since A", " until B",
// " from A to B", or "".
func spanWords(from, to string) string {
	switch {
	case from != "" && to != "":
		return " from " + from + " to " + to
	case from != "":
		return " since " + from
	case to != "":
		return " until " + to
	}
	return ""
}

// InForceText renders a law's in-force period ("2018-03-23..") in words:
// "in force since 2018-03-23", "in force from A to B", or "".
func InForceText(span string) string {
	from, to, ok := strings.Cut(span, "..")
	if !ok || from == "" && to == "" {
		return ""
	}
	return "in force" + spanWords(from, to)
}

// UnconfirmedText renders the mark of a stake or office whose newest
// evidence is old: "unconfirmed: newest evidence 2019-04-29", or "".
func UnconfirmedText(unconfirmed bool, last string) string {
	if !unconfirmed {
		return ""
	}
	if last == "" {
		return "unconfirmed"
	}
	return "unconfirmed: newest evidence " + last
}

// BasisText renders the basis on which a jurisdiction reaches a subject:
// "located there", "incorporated there" or "controlled from there".
func BasisText(basis string) string {
	switch basis {
	case BasisLocatedIn:
		return "located there"
	case BasisIncorporatedIn:
		return "incorporated there"
	case BasisControlledFrom:
		return "controlled from there"
	}
	return strings.ReplaceAll(basis, "_", " ")
}

// OperatesVerb returns how an operator statement reads: "operates", "runs
// the brand" (a provider's brand_of) or "holds" (an AS's holds_asn).
func (ans *Answer) OperatesVerb(statement string) string {
	switch ans.Statements[statement].Predicate {
	case "brand_of":
		return "runs the brand"
	case "holds_asn":
		return "holds"
	}
	return "operates"
}

// StepText renders one step of a path as a sentence without its
// sources: "Example Holding Co. owns 30% of Beijing Sinnet", "Sinnet is
// incorporated in China", "Beijing Baihuida controls Beijing Sinnet
// (unconfirmed: newest evidence 2019-04-29)". The synthetic "reaches"
// step of a reach path renders as "".
func (ans *Answer) StepText(st Step) string {
	from, to := ans.Name(st.From), ans.Name(st.To)
	var s string
	switch st.Predicate {
	case "reaches":
		return ""
	case "owns":
		if st.Share.Known {
			s = from + " owns " + st.Share.String() + " of " + to
		} else {
			s = from + " owns a stake in " + to + " (share not recorded)"
		}
	case "controls":
		s = from + " controls " + to
	case "subsidiary_of":
		s = from + " is a subsidiary of " + to
	case "incorporated_in":
		s = from + " is incorporated in " + to
	case "located_in":
		if ans.Entities[st.From].Kind == KindJurisdiction && ans.Entities[st.To].Kind == KindJurisdiction {
			s = from + " is part of " + to
		} else {
			s = from + " is located in " + to
		}
	case "brand_of":
		s = from + " is a brand of " + to
	case "holds_asn":
		s = from + " holds " + to
	case "licenses_technology_to":
		s = from + " licenses its technology to " + to
	default:
		s = from + " " + strings.ReplaceAll(st.Predicate, "_", " ") + " " + to
	}
	if st.Disputed {
		s += " (disputed)"
	}
	if u := UnconfirmedText(st.Unconfirmed, st.LastEvidence); u != "" {
		s += " (" + u + ")"
	}
	return s
}

// OwnerText sums up an owner in words: "ultimate owner, controlling;
// owns 25-34% in effect, through 2 paths", "controlling; share not
// recorded", "ultimate owner, indirect; effective share not recorded",
// "owns at least 30% in effect; the share on 1 other path is not
// recorded", with "its own owners are not recorded" and "unconfirmed"
// when they apply.
func OwnerText(o *Owner) string {
	var role []string
	if o.Ultimate {
		role = append(role, "ultimate owner")
	}
	if o.Controlling {
		role = append(role, "controlling")
	}
	if o.Depth > 1 && !o.Share.Known {
		role = append(role, "indirect")
	}
	parts := []string{}
	if len(role) > 0 {
		parts = append(parts, strings.Join(role, ", "))
	}
	parts = append(parts, shareText(o))
	if o.OwnersUnrecorded {
		parts = append(parts, "its own owners are not recorded")
	}
	if o.Unconfirmed {
		parts = append(parts, "unconfirmed")
	}
	return strings.Join(parts, "; ")
}

// shareText says how much of the organisation an owner holds.
func shareText(o *Owner) string {
	direct := len(o.Paths) == 1 && o.Depth == 1
	switch {
	case !o.Share.Known && o.Depth > 1:
		return "effective share not recorded"
	case !o.Share.Known:
		return "share not recorded"
	case o.Share.Min >= 100 && o.Depth == 1:
		return "owns 100%"
	case o.Share.Min >= 100:
		return "owns 100% in effect"
	case o.UnknownPaths > 0:
		return fmt.Sprintf("owns at least %s in effect; the share on %s is not recorded", o.Share,
			count(o.UnknownPaths, "other path", "other paths"))
	case direct:
		return "owns " + o.Share.String()
	case len(o.Paths) > 1:
		return fmt.Sprintf("owns %s in effect, through %d paths", o.Share, len(o.Paths))
	}
	return "owns " + o.Share.String() + " in effect"
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Phrase is one sentence of a path in words, with the numbers of the
// sources behind it (in [Answer.Sources]).
type Phrase struct {
	Text    string
	Sources []int
}

// joinPhrases renders phrases as "text [1,2]; text [3]".
func joinPhrases(ps []Phrase) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Text + sourceMarks(p.Sources)
	}
	return strings.Join(parts, "; ")
}

// OwnerPaths renders the paths from an owner down to the owned
// organisation, one line per distinct chain of entities, each read from
// the top down with the source marks of its statements: "Example Founder
// owns 50-80% of Example Holding Co. [4]; Example Holding Co. owns 30%
// of Beijing Sinnet [3]". Parallel statements between the same two
// entities (an owns and a controls, or an owns and a subsidiary_of)
// make one phrase: "Tus-Holdings owns 21.4% of and controls VNET [7,8]".
func (ans *Answer) OwnerPaths(o *Owner) []string {
	var out []string
	for _, ps := range ans.OwnerPhrases(o) {
		out = append(out, joinPhrases(ps))
	}
	return out
}

// OwnerPhrases is [Answer.OwnerPaths] as phrases, for pages that link
// each source.
func (ans *Answer) OwnerPhrases(o *Owner) [][]Phrase {
	var keys []string
	groups := map[string][][]Step{} // chain of entities -> parallel steps per level
	for _, p := range o.Paths {
		var ids []string
		for _, st := range p.Steps {
			ids = append(ids, st.parent())
		}
		k := strings.Join(ids, "\x00")
		g, seen := groups[k]
		if !seen {
			keys = append(keys, k)
			g = make([][]Step, len(p.Steps))
		}
		for i, st := range p.Steps {
			if !slices.ContainsFunc(g[i], func(x Step) bool { return x.Statement == st.Statement }) {
				g[i] = append(g[i], st)
			}
		}
		groups[k] = g
	}
	out := make([][]Phrase, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		line := make([]Phrase, 0, len(g))
		for i := len(g) - 1; i >= 0; i-- {
			line = append(line, ans.holding(g[i]))
		}
		out = append(out, line)
	}
	return out
}

// holding renders parallel upward steps between the same two entities,
// upper first: "A owns 30% of and controls B".
func (ans *Answer) holding(steps []Step) Phrase {
	up, down := steps[0].parent(), steps[0].From
	if up == down {
		down = steps[0].To
	}
	var verbs, flags []string
	var srcs []int
	for _, st := range steps {
		switch st.Predicate {
		case "owns":
			if st.Share.Known {
				verbs = append(verbs, "owns "+st.Share.String()+" of")
			} else {
				verbs = append(verbs, "owns a stake (share not recorded) in")
			}
		case "controls":
			verbs = append(verbs, "controls")
		case "subsidiary_of":
			verbs = append(verbs, "is the parent company of")
		default:
			verbs = append(verbs, strings.ReplaceAll(st.Predicate, "_", " "))
		}
		if st.Disputed && !slices.Contains(flags, "disputed") {
			flags = append(flags, "disputed")
		}
		if u := UnconfirmedText(st.Unconfirmed, st.LastEvidence); u != "" && !slices.Contains(flags, u) {
			flags = append(flags, u)
		}
		srcs = addInts(srcs, ans.Statements[st.Statement].Sources)
	}
	text := ans.Name(up) + " " + strings.Join(verbs, " and ") + " " + ans.Name(down)
	if len(flags) > 0 {
		text += " (" + strings.Join(flags, "; ") + ")"
	}
	return Phrase{Text: text, Sources: srcs}
}

// addInts adds the numbers of b missing from a, keeping a sorted.
func addInts(a, b []int) []int {
	for _, n := range b {
		if !slices.Contains(a, n) {
			a = append(a, n)
		}
	}
	slices.Sort(a)
	return a
}

// ChainText renders a path in its own order (from the subject out to a
// jurisdiction, for an exposure or a reach), one sentence per step with
// its source marks, leaving out the synthetic "reaches" step.
func (ans *Answer) ChainText(steps []Step) string { return joinPhrases(ans.ChainPhrases(steps)) }

// ChainPhrases is [Answer.ChainText] as phrases.
func (ans *Answer) ChainPhrases(steps []Step) []Phrase {
	var out []Phrase
	for _, st := range steps {
		if s := ans.StepText(st); s != "" {
			out = append(out, Phrase{Text: s, Sources: slices.Clone(ans.Statements[st.Statement].Sources)})
		}
	}
	return out
}

// LawReach is one law that reaches the subject, with every basis on
// which it does and the path of each.
type LawReach struct {
	Law          string
	Jurisdiction string
	Bases        []BasisPath
}

// BasisPath is one basis on which a jurisdiction or a law reaches the
// subject, and the path that leads there.
type BasisPath struct {
	Basis string
	Path  []Step
}

// LawsReaching groups the answer's reach by law, in the order of
// [Answer.Reach] (by law id), each with its bases in the order met.
func (ans *Answer) LawsReaching() []LawReach {
	var out []LawReach
	for _, x := range ans.Reach {
		if n := len(out); n > 0 && out[n-1].Law == x.Law {
			out[n-1].Bases = append(out[n-1].Bases, BasisPath{x.Basis, x.Path})
			continue
		}
		out = append(out, LawReach{Law: x.Law, Jurisdiction: x.Jurisdiction, Bases: []BasisPath{{x.Basis, x.Path}}})
	}
	return out
}

// JurisdictionReach is one jurisdiction the subject answers to, with
// every basis and its path.
type JurisdictionReach struct {
	Jurisdiction string
	Bases        []BasisPath
}

// JurisdictionsReaching groups the answer's jurisdictions, in the order
// first met, each with its bases in the order met.
func (ans *Answer) JurisdictionsReaching() []JurisdictionReach {
	var out []JurisdictionReach
	at := map[string]int{}
	for _, x := range ans.Jurisdictions {
		i, ok := at[x.Jurisdiction]
		if !ok {
			i = len(out)
			at[x.Jurisdiction] = i
			out = append(out, JurisdictionReach{Jurisdiction: x.Jurisdiction})
		}
		out[i].Bases = append(out[i].Bases, BasisPath{x.Basis, x.Path})
	}
	return out
}

// NotLaunched reports whether the subject is a region that had not
// launched on the answer's day.
func (ans *Answer) NotLaunched() bool { return ans.Launch != nil && !ans.Launch.Launched }

func (r *renderer) header() {
	r.printf("%s as of %s\n", r.name(r.ans.Subject), r.ans.AsOf)
	for _, f := range []struct{ label, id string }{
		{"region", r.ans.Region}, {"partition", r.ans.Partition}, {"provider", r.ans.Provider},
	} {
		if f.id != "" && f.id != r.ans.Subject {
			r.printf("  %-10s %s\n", f.label, r.name(f.id))
		}
	}
	notYet := ""
	if l := r.ans.Launch; l != nil {
		if l.Launched {
			r.printf("  %-10s %s%s\n", "launched", l.Date, sourceMarks(l.Sources))
		} else {
			notYet = fmt.Sprintf("not yet launched (launches %s)", l.Date)
			r.printf("  %-10s %s%s\n", "status", notYet, sourceMarks(l.Sources))
		}
	}
	for _, n := range r.ans.Notes {
		if n != notYet {
			r.printf("  note: %s\n", n)
		}
	}
}

func (r *renderer) operators() {
	if len(r.ans.Operators) == 0 {
		return
	}
	r.printf("\nOperator\n")
	for _, op := range r.ans.Operators {
		r.printf("  %s %s %s%s%s%s\n", r.name(op.Operator), r.ans.OperatesVerb(op.Statement), r.name(op.Of),
			r.ans.Span(op.Statement), disputed(op.Disputed), r.cites(op.Statement))
		r.competitors(op.Competitors)
	}
}

func disputed(d bool) string {
	if d {
		return " (disputed)"
	}
	return ""
}

// competitors renders the other claims of a statement's group.
func (r *renderer) competitors(ids []string) {
	for _, id := range ids {
		s := r.ans.Statements[id]
		st := Step{From: s.Subject, Predicate: s.Predicate, To: s.Object, Share: s.Share}
		r.printf("      competing claim: %s%s%s\n", r.ans.StepText(st), r.ans.Span(id), r.cites(id))
	}
}

func (r *renderer) licensors() {
	if len(r.ans.Licensors) == 0 {
		return
	}
	r.printf("\nTechnology licensed from\n")
	for _, l := range r.ans.Licensors {
		r.printf("  %s licenses its technology to %s%s%s%s\n", r.name(l.Licensor), r.ans.Name(l.Licensee),
			r.ans.Span(l.Statement), disputed(l.Disputed), r.cites(l.Statement))
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
			r.printf("  %s: %s\n", r.name(o.ID), OwnerText(o))
			for _, line := range r.ans.OwnerPaths(o) {
				r.printf("      %s\n", line)
			}
		}
		for _, cyc := range own.Cycles {
			names := make([]string, len(cyc))
			for i, id := range cyc {
				names[i] = r.ans.Name(id)
			}
			r.printf("  ownership loop: %s\n", strings.Join(names, " -> "))
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

func (r *renderer) people() {
	if len(r.ans.People) == 0 {
		return
	}
	r.printf("\nPeople\n")
	for _, p := range r.ans.People {
		u := UnconfirmedText(p.Unconfirmed, p.LastEvidence)
		if u != "" {
			u = "; " + u
		}
		r.printf("  %s, %s of %s%s%s%s%s\n", r.name(p.Person), p.Role, r.ans.Name(p.Org), r.ans.Span(p.Statement),
			disputed(p.Disputed), u, r.cites(p.Statement))
		r.competitors(p.Competitors)
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

// jurisdictions renders each jurisdiction once, with every basis on
// which it reaches the subject and the path of each. (The answer's
// Location is the located-there basis, so it is not repeated.)
func (r *renderer) jurisdictions() {
	js := r.ans.JurisdictionsReaching()
	if len(js) == 0 {
		return
	}
	r.printf("\nJurisdictions\n")
	for _, j := range js {
		r.printf("  %s\n", r.name(j.Jurisdiction))
		r.bases(j.Bases)
	}
}

func (r *renderer) bases(bs []BasisPath) {
	for _, b := range bs {
		r.printf("      %s: %s\n", BasisText(b.Basis), r.ans.ChainText(b.Path))
	}
}

// reach renders each law once, with its jurisdiction, its in-force
// dates and every basis on which it reaches the subject.
func (r *renderer) reach() {
	if r.ans.NotLaunched() {
		return // nothing existed to reach
	}
	r.printf("\nLaws that reach it\n")
	laws := r.ans.LawsReaching()
	if len(laws) == 0 {
		r.printf("  no law in the atlas reaches it\n")
	}
	for _, l := range laws {
		law := r.ans.Entities[l.Law]
		in := InForceText(law.InForce)
		if in != "" {
			in = ", " + in
		}
		r.printf("  %s, a law of %s%s%s\n", r.name(l.Law), r.ans.Name(l.Jurisdiction), in, sourceMarks(law.Sources))
		r.bases(l.Bases)
	}
}

func (r *renderer) sources() { writeSources(r.w, r.ans.Sources) }
