package web

import (
	"slices"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// node is one entity of the chain: a link, what the chain says about it
// and the numbers of its sources.
type node struct {
	ID       string
	AsOf     string // the date its link opens the entity page at; "" for today
	Name     string
	NameZH   string
	Kind     string
	Detail   string
	Sources  []int
	Disputed bool
	Flag     string // "unconfirmed: newest evidence 2019-04-29", or ""
}

// phrase is one sentence of a path, with its sources.
type phrase struct {
	Text    string
	Sources []int
}

// ownerView is an owner with its summary in words (node.Detail) and
// its paths, each read from the top down, shortest first.
type ownerView struct {
	node
	Paths [][]phrase
}

// FirstPath is the shortest path; MorePaths the others.
func (o ownerView) FirstPath() []phrase { return o.Paths[0] }

// MorePaths are the paths after the shortest.
func (o ownerView) MorePaths() [][]phrase { return o.Paths[1:] }

// ownersView is the owners of one organisation.
type ownersView struct {
	Of     node
	Owners []ownerView
	Loops  []string
	Gap    bool // a known gap explains why none is recorded
}

// basisView is one basis on which a jurisdiction reaches the subject,
// with its path. Anchor is the id of the path on the page.
type basisView struct {
	Basis, Text, Anchor string
	Path                []phrase
}

// lawView is one law, once, with the bases on which it reaches the
// subject (each links to its path under the jurisdiction).
type lawView struct {
	node
	InForce string
	Bases   []basisView
}

// jurisdictionView is a jurisdiction the subject answers to: every
// basis with its path, and the laws of it that reach the subject.
type jurisdictionView struct {
	node
	Bases []basisView
	Laws  []lawView
}

// gapView is a known gap: what no public source was found for.
type gapView struct {
	Subject    node
	Text, Note string
}

// launchView is a region's launch date.
type launchView struct {
	Date     string
	Launched bool
	Sources  []int
}

// chain is what a whois answer says about one subject (a place a range
// match names, or an entity), as of one date, ready to draw: each kind of
// subject shows the slots that mean something for it.
type chain struct {
	ID        string // distinguishes the chains of one page in anchors
	Place     atlas.Place
	AsOf      string
	Subject   node
	IsOrg     bool // an organisation: what it operates, its owners, people and reach
	Partition *node
	Provider  *node
	Launch    *launchView
	Notes     []string
	Operators []node // who operates a place
	Licensors []node // whose technology the operators run
	Operates  []node // what an organisation operates
	Ownership []ownersView
	People    []node
	Gaps      []gapView
	Reach     []jurisdictionView
	Sources   []atlas.SourceRef
	// OnEntityPage is set on the subject's own page, whose heading
	// already names it.
	OnEntityPage bool
}

// ShowSubject reports whether the first card, the subject and its
// place, says anything the page does not already say.
func (c *chain) ShowSubject() bool {
	return !c.OnEntityPage || c.Partition != nil || c.Provider != nil || c.Launch != nil || len(c.Notes) > 0
}

// NotLaunched reports whether the subject is a region that had not
// launched at the chain's date.
func (c *chain) NotLaunched() bool { return c.Launch != nil && !c.Launch.Launched }

// Heading names the subject's kind for the first card.
func (c *chain) Heading() string {
	switch c.Subject.Kind {
	case atlas.KindRegion:
		return "Region"
	case atlas.KindPartition:
		return "Partition"
	case atlas.KindProvider:
		return "Provider"
	case atlas.KindDatacenter:
		return "Data center"
	case atlas.KindAS:
		return "Network (autonomous system)"
	case atlas.KindOrganisation:
		return "Company"
	}
	return "Subject"
}

// newChain turns a whois answer into a chain; id tells the chains of
// one page apart.
func newChain(id string, p atlas.Place, ans *atlas.Answer) *chain {
	c := &chain{ID: id, Place: p, AsOf: ans.AsOf, Sources: ans.Sources, Subject: refNode(ans, ans.Subject)}
	c.IsOrg = c.Subject.Kind == atlas.KindOrganisation
	if ans.Partition != "" && ans.Partition != ans.Subject {
		n := refNode(ans, ans.Partition)
		c.Partition = &n
	}
	if ans.Provider != "" && ans.Provider != ans.Subject {
		n := refNode(ans, ans.Provider)
		c.Provider = &n
	}
	notYet := ""
	if l := ans.Launch; l != nil {
		c.Launch = &launchView{Date: l.Date, Launched: l.Launched, Sources: slices.Clone(l.Sources)}
		notYet = "not yet launched (launches " + l.Date + ")"
	}
	for _, n := range ans.Notes {
		if n != notYet {
			c.Notes = append(c.Notes, n)
		}
	}
	c.operators(ans)
	c.owners(ans)
	c.people(ans)
	for _, g := range ans.Gaps {
		c.Gaps = append(c.Gaps, gapView{Subject: refNode(ans, g.Subject), Text: g.Text, Note: g.Note})
	}
	c.reach(ans)
	c.setAsOf(ans.AsOf)
	return c
}

// operators fills who operates the subject and whose technology they run.
func (c *chain) operators(ans *atlas.Answer) {
	for _, op := range ans.Operators {
		n := refNode(ans, op.Operator)
		n.Detail = ans.OperatesVerb(op.Statement) + " " + ans.Name(op.Of) + ans.Span(op.Statement)
		n.Sources = stmtSources(ans, op.Statement)
		n.Disputed = op.Disputed
		c.Operators = append(c.Operators, n)
	}
	for _, l := range ans.Licensors {
		n := refNode(ans, l.Licensor)
		n.Detail = "licenses its technology to " + ans.Name(l.Licensee) + ans.Span(l.Statement)
		n.Sources = stmtSources(ans, l.Statement)
		n.Disputed = l.Disputed
		c.Licensors = append(c.Licensors, n)
	}
}

// owners fills the owners of each operator (or of the organisation).
func (c *chain) owners(ans *atlas.Answer) {
	for _, own := range ans.Ownership {
		ov := ownersView{Of: refNode(ans, own.Of)}
		for _, o := range own.Owners {
			v := ownerView{node: refNode(ans, o.ID)}
			v.Detail = atlas.OwnerText(o)
			for _, line := range ans.OwnerPhrases(o) {
				v.Paths = append(v.Paths, phrases(line))
			}
			// The shortest path first; the page folds the others.
			slices.SortStableFunc(v.Paths, func(a, b []phrase) int { return len(a) - len(b) })
			for _, p := range o.Paths {
				for _, st := range p.Steps {
					v.Disputed = v.Disputed || st.Disputed
				}
			}
			ov.Owners = append(ov.Owners, v)
		}
		for _, cyc := range own.Cycles {
			names := make([]string, len(cyc))
			for i, id := range cyc {
				names[i] = ans.Name(id)
			}
			ov.Loops = append(ov.Loops, strings.Join(names, " → "))
		}
		ov.Gap = slices.ContainsFunc(ans.Gaps, func(g atlas.GapAnswer) bool { return g.Subject == own.Of })
		c.Ownership = append(c.Ownership, ov)
	}
}

// people fills the officers of the operators and their owners.
func (c *chain) people(ans *atlas.Answer) {
	for _, pa := range ans.People {
		n := refNode(ans, pa.Person)
		n.Detail = pa.Role + " of " + ans.Name(pa.Org) + ans.Span(pa.Statement)
		n.Sources = stmtSources(ans, pa.Statement)
		n.Disputed = pa.Disputed
		n.Flag = atlas.UnconfirmedText(pa.Unconfirmed, pa.LastEvidence)
		c.People = append(c.People, n)
	}
}

// reach fills the jurisdictions, each with its bases and paths, and the
// laws of each, once per law with the bases on which it reaches.
func (c *chain) reach(ans *atlas.Answer) {
	at := map[string]int{}
	for _, j := range ans.JurisdictionsReaching() {
		jv := jurisdictionView{node: refNode(ans, j.Jurisdiction)}
		for _, b := range j.Bases {
			jv.Bases = append(jv.Bases, c.basis(j.Jurisdiction, b, ans))
		}
		at[j.Jurisdiction] = len(c.Reach)
		c.Reach = append(c.Reach, jv)
	}
	for _, l := range ans.LawsReaching() {
		law := ans.Entities[l.Law]
		lv := lawView{node: refNode(ans, l.Law), InForce: atlas.InForceText(law.InForce)}
		lv.Sources = slices.Clone(law.Sources)
		for _, b := range l.Bases {
			lv.Bases = append(lv.Bases, c.basis(l.Jurisdiction, b, ans))
		}
		i, ok := at[l.Jurisdiction]
		if !ok { // a law whose jurisdiction the answer does not list
			i = len(c.Reach)
			at[l.Jurisdiction] = i
			c.Reach = append(c.Reach, jurisdictionView{node: refNode(ans, l.Jurisdiction)})
		}
		c.Reach[i].Laws = append(c.Reach[i].Laws, lv)
	}
}

// basis returns the view of one basis of jurisdiction j.
func (c *chain) basis(j string, b atlas.BasisPath, ans *atlas.Answer) basisView {
	return basisView{Basis: b.Basis, Text: atlas.BasisText(b.Basis),
		Anchor: "why-" + c.ID + "-" + anchorSafe(j) + "-" + b.Basis, Path: phrases(ans.ChainPhrases(b.Path))}
}

// anchorSafe turns an id into a fragment of an HTML id.
func anchorSafe(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(id))
}

// phrases converts the atlas's phrases.
func phrases(ps []atlas.Phrase) []phrase {
	out := make([]phrase, len(ps))
	for i, p := range ps {
		out[i] = phrase{Text: p.Text, Sources: slices.Clone(p.Sources)}
	}
	return out
}

// addOperates lists what an organisation operates at day: the regions,
// partitions and data centers it operates, the networks it holds and
// the brands it runs, with their sources as numbered in d (the entity
// page's numbering).
func (c *chain) addOperates(a *atlas.Atlas, d *entityResponse, e *atlas.Entity, day time.Time) {
	facts := a.StatementsAt(e.ID, "operates", day)
	facts = append(facts, a.StatementsAt(e.ID, "holds_asn", day)...)
	facts = append(facts, a.IncomingAt(e.ID, "brand_of", day)...)
	for _, f := range facts {
		st := f.Statement
		other, verb := st.Object, "operates it"
		switch st.Predicate {
		case "holds_asn":
			verb = "holds it"
		case "brand_of":
			other, verb = st.Subject, "runs the brand"
		}
		n := ansNode(d.Entities, other)
		if x := a.Entity(other); n.Kind == "" && x != nil {
			n = entityNode(x)
		}
		ref := d.Statements[st.ID]
		n.Detail = strings.TrimPrefix(n.Kind+"; ", "; ") + verb + spanOf(ref)
		n.Sources = slices.Clone(ref.Sources)
		n.Disputed = f.Disputed
		n.AsOf = c.AsOf
		c.Operates = append(c.Operates, n)
	}
}

// setAsOf makes every link of the chain open its entity at day.
func (c *chain) setAsOf(day string) {
	c.Subject.AsOf = day
	for _, n := range []*node{c.Partition, c.Provider} {
		if n != nil {
			n.AsOf = day
		}
	}
	for _, list := range [][]node{c.Operators, c.Licensors, c.People} {
		for i := range list {
			list[i].AsOf = day
		}
	}
	for i := range c.Ownership {
		c.Ownership[i].Of.AsOf = day
		for j := range c.Ownership[i].Owners {
			c.Ownership[i].Owners[j].AsOf = day
		}
	}
	for i := range c.Gaps {
		c.Gaps[i].Subject.AsOf = day
	}
	for i := range c.Reach {
		c.Reach[i].AsOf = day
		for j := range c.Reach[i].Laws {
			c.Reach[i].Laws[j].AsOf = day
		}
	}
}

// refNode returns the node of an entity the answer mentions.
func refNode(ans *atlas.Answer, id string) node {
	ref := ans.Entities[id]
	return node{ID: id, Name: ans.Name(id), NameZH: ref.NameZH, Kind: ref.Kind}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// period describes a statement's validity: " since 2016-09", " until
// 2018", " from 2013-12 to 2016-06", or nothing.
func period(s atlas.StatementRef) string { return spanOf(s) }

// spanOf is the validity of a statement in words.
func spanOf(s atlas.StatementRef) string {
	switch {
	case s.From != "" && s.To != "":
		return " from " + s.From + " to " + s.To
	case s.From != "":
		return " since " + s.From
	case s.To != "":
		return " until " + s.To
	}
	return ""
}

// stmtSources returns the source numbers of a statement.
func stmtSources(ans *atlas.Answer, id string) []int {
	return slices.Clone(ans.Statements[id].Sources)
}

// mergeInts adds the numbers of b missing from a, keeping a sorted.
func mergeInts(a, b []int) []int {
	for _, n := range b {
		if !slices.Contains(a, n) {
			a = append(a, n)
		}
	}
	slices.Sort(a)
	return a
}

// sourceLists returns every list of source numbers in the chain.
func (c *chain) sourceLists() []*[]int {
	var out []*[]int
	nodes := func(ns []node) {
		for i := range ns {
			out = append(out, &ns[i].Sources)
		}
	}
	paths := func(ps []phrase) {
		for i := range ps {
			out = append(out, &ps[i].Sources)
		}
	}
	out = append(out, &c.Subject.Sources)
	if c.Launch != nil {
		out = append(out, &c.Launch.Sources)
	}
	nodes(c.Operators)
	nodes(c.Licensors)
	nodes(c.People)
	for i := range c.Ownership {
		for j := range c.Ownership[i].Owners {
			o := &c.Ownership[i].Owners[j]
			out = append(out, &o.Sources)
			for _, p := range o.Paths {
				paths(p)
			}
		}
	}
	for i := range c.Reach {
		for _, b := range c.Reach[i].Bases {
			paths(b.Path)
		}
		for j := range c.Reach[i].Laws {
			l := &c.Reach[i].Laws[j]
			out = append(out, &l.Sources)
			for _, b := range l.Bases {
				paths(b.Path)
			}
		}
	}
	return out
}

// adoptSources renumbers the sources of c into the page-wide list all
// (matched by URL, new ones appended) so that a page has one numbering,
// and returns the extended list. What [chain.addOperates] adds is
// already numbered in the page's list, so call it after this.
func (c *chain) adoptSources(all []atlas.SourceRef) []atlas.SourceRef {
	renum := map[int]int{}
	for _, src := range c.Sources {
		orig := src.N
		i := slices.IndexFunc(all, func(x atlas.SourceRef) bool { return x.URL == src.URL })
		if i < 0 {
			src.N = len(all) + 1
			all = append(all, src)
			i = len(all) - 1
		}
		renum[orig] = all[i].N
	}
	for _, list := range c.sourceLists() {
		ns := make([]int, 0, len(*list))
		for _, n := range *list {
			ns = mergeInts(ns, []int{renum[n]})
		}
		*list = ns
	}
	c.Sources = nil
	return all
}
