package web

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// node is one box of the address chain: an entity with what the chain
// says about it and the numbers of its sources.
type node struct {
	ID       string
	AsOf     string // the date its link opens the entity page at; "" for today
	Name     string
	NameZH   string
	Kind     string
	Detail   string
	Sources  []int
	Disputed bool
}

// chain is the path from one place (provider, partition, region) to
// the laws that reach it, as of one date, ready to draw.
type chain struct {
	Place         atlas.Place
	Subject       node
	Partition     *node
	Provider      *node
	Notes         []string
	Operators     []node
	Owners        []node
	People        []node
	Jurisdictions []node
	Laws          []node
	Sources       []atlas.SourceRef
}

// newChain turns a whois answer into a chain.
func newChain(p atlas.Place, ans *atlas.Answer) *chain {
	c := &chain{Place: p, Notes: ans.Notes, Sources: ans.Sources}
	c.Subject = refNode(ans, ans.Subject)
	if ans.Partition != "" && ans.Partition != ans.Subject {
		n := refNode(ans, ans.Partition)
		c.Partition = &n
	}
	if ans.Provider != "" && ans.Provider != ans.Subject {
		n := refNode(ans, ans.Provider)
		c.Provider = &n
	}
	for _, op := range ans.Operators {
		n := refNode(ans, op.Operator)
		n.Detail = "operates " + nameOf(ans, op.Of) + period(ans.Statements[op.Statement])
		n.Sources = stmtSources(ans, op.Statement)
		n.Disputed = op.Disputed
		c.Operators = append(c.Operators, n)
	}
	for _, own := range ans.Ownership {
		for _, o := range own.Owners {
			n := refNode(ans, o.ID)
			n.Detail = ownerDetail(ans, own.Of, o)
			for _, path := range o.Paths {
				for _, st := range path.Steps {
					n.Sources = mergeInts(n.Sources, stmtSources(ans, st.Statement))
					n.Disputed = n.Disputed || st.Disputed
				}
			}
			c.Owners = append(c.Owners, n)
		}
	}
	for _, pa := range ans.People {
		n := refNode(ans, pa.Person)
		n.Detail = pa.Role + " of " + nameOf(ans, pa.Org) + period(ans.Statements[pa.Statement])
		n.Sources = stmtSources(ans, pa.Statement)
		n.Disputed = pa.Disputed
		c.People = append(c.People, n)
	}
	for _, x := range ans.Jurisdictions {
		n := refNode(ans, x.Jurisdiction)
		n.Detail = basisText(x.Basis) + " " + pathText(ans, x.Path)
		n.Sources = pathSources(ans, x.Path)
		c.Jurisdictions = append(c.Jurisdictions, n)
	}
	for _, r := range ans.Reach {
		n := refNode(ans, r.Law)
		n.Detail = fmt.Sprintf("%s law, reaches it as %s", nameOf(ans, r.Jurisdiction), basisText(r.Basis))
		n.Sources = pathSources(ans, r.Path)
		c.Laws = append(c.Laws, n)
	}
	c.setAsOf(ans.AsOf)
	return c
}

// setAsOf makes every link of the chain open its entity at day.
func (c *chain) setAsOf(day string) {
	c.Subject.AsOf = day
	for _, n := range []*node{c.Partition, c.Provider} {
		if n != nil {
			n.AsOf = day
		}
	}
	for _, list := range [][]node{c.Operators, c.Owners, c.People, c.Jurisdictions, c.Laws} {
		for i := range list {
			list[i].AsOf = day
		}
	}
}

// refNode returns the node of an entity the answer mentions.
func refNode(ans *atlas.Answer, id string) node {
	ref := ans.Entities[id]
	return node{ID: id, Name: cmpOr(ref.Name, id), NameZH: ref.NameZH, Kind: ref.Kind}
}

func nameOf(ans *atlas.Answer, id string) string { return cmpOr(ans.Entities[id].Name, id) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// period describes a statement's validity: " since 2016-09", " until
// 2018", " 2013-12 to 2016-06", or nothing.
func period(s atlas.StatementRef) string {
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

// ownerDetail describes an owner of org.
func ownerDetail(ans *atlas.Answer, org string, o *atlas.Owner) string {
	var parts []string
	if o.Share.Known {
		share := o.Share.String()
		if o.UnknownPaths > 0 {
			share = "at least " + share
		}
		parts = append(parts, share+" of "+nameOf(ans, org))
	} else {
		parts = append(parts, "holds an unknown share of "+nameOf(ans, org))
	}
	if o.Controlling {
		parts = append(parts, "controlling")
	}
	if o.Ultimate {
		parts = append(parts, "ultimate owner")
	}
	if o.Depth > 1 {
		parts = append(parts, fmt.Sprintf("%d steps up", o.Depth))
	}
	return strings.Join(parts, ", ")
}

// basisText renders a reach basis for people.
func basisText(b string) string {
	switch b {
	case atlas.BasisIncorporatedIn:
		return "incorporated there"
	case atlas.BasisLocatedIn:
		return "located there"
	case atlas.BasisControlledFrom:
		return "controlled from there"
	}
	return b
}

// pathText renders a path as "(Sinnet operates AWS Beijing; Sinnet
// incorporated in China)".
func pathText(ans *atlas.Answer, steps []atlas.Step) string {
	if len(steps) == 0 {
		return ""
	}
	parts := make([]string, len(steps))
	for i, st := range steps {
		parts[i] = nameOf(ans, st.From) + " " + strings.ReplaceAll(st.Predicate, "_", " ") + " " + nameOf(ans, st.To)
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

// stmtSources returns the source numbers of a statement.
func stmtSources(ans *atlas.Answer, id string) []int {
	return slices.Clone(ans.Statements[id].Sources)
}

// pathSources returns the source numbers of every statement on a path.
func pathSources(ans *atlas.Answer, steps []atlas.Step) []int {
	var out []int
	for _, st := range steps {
		out = mergeInts(out, stmtSources(ans, st.Statement))
	}
	return out
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

// adoptSources renumbers the sources of c into the page-wide list all
// (matched by URL, new ones appended) so that a page has one numbering,
// and returns the extended list.
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
	for _, list := range [][]node{{c.Subject}, c.Operators, c.Owners, c.People, c.Jurisdictions, c.Laws} {
		for i := range list {
			ns := make([]int, 0, len(list[i].Sources))
			for _, n := range list[i].Sources {
				ns = mergeInts(ns, []int{renum[n]})
			}
			list[i].Sources = ns
		}
	}
	c.Sources = nil
	return all
}
