package web

import (
	"bytes"
	"cmp"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/chart"
)

// graphMaxPerRow bounds the boxes of a row of the ownership graph; the
// list beside it names every relation.
const graphMaxPerRow = 6

// graph is the ownership and control neighbourhood of one entity at a
// date: who is above it (owners, controllers, parents, officers, brand
// owners) and what is below it (what it owns, controls, operates or
// holds), drawn by package chart and said in words beside the drawing.
type graph struct {
	Title     string
	SVG       template.HTML // decorative: the same relations are in Relations
	Relations []relation
	Hidden    int // relations not drawn (rows are bounded)
	Empty     bool
}

// relation is one edge of the graph in words, seen from the entity:
// "Other verb it" when the other stands above it, else "It verb Other".
type relation struct {
	Other      node
	OtherAbove bool
	Verb       string
	Sources    []int
}

// graphRel is a relation found in the atlas, with the entity's own id on
// one side.
type graphRel struct {
	other string
	up    bool
	label string // on the drawn edge
	verb  string // in the list
	stmt  *atlas.Statement
}

// relationOf classifies a statement about e: the other entity, whether
// it stands above e, and how the edge reads. ok is false for statements
// the graph does not draw.
func relationOf(st *atlas.Statement, self string) (graphRel, bool) {
	r := graphRel{stmt: st}
	in := st.Object == self // self is the object
	if in {
		r.other = st.Subject
	} else {
		r.other = st.Object
	}
	switch st.Predicate {
	case "owns":
		r.up, r.label, r.verb = in, "owns", "owns a stake in"
		if s := shareOf(st); s != "" {
			r.label, r.verb = "owns "+s, "owns "+s+" of"
		}
	case "controls":
		r.up, r.label, r.verb = in, "controls", "controls"
	case "officer":
		if !in {
			return r, false
		}
		r.up, r.label, r.verb = true, cmpOr(st.Role, "officer"), "is "+cmpOr(st.Role, "an officer")+" of"
	case "founded":
		r.up, r.label, r.verb = in, "founded", "founded"
	case "subsidiary_of":
		r.up, r.label, r.verb = !in, "parent of", "is the parent company of"
	case "joint_venture":
		r.up, r.label, r.verb = !in, "partner in", "is a partner in"
	case "brand_of":
		r.up, r.label, r.verb = !in, "runs the brand", "runs the brand"
	case "operates":
		r.up, r.label, r.verb = in, "operates", "operates"
	case "holds_asn":
		r.up, r.label, r.verb = in, "holds", "holds"
	case "licenses_technology_to":
		r.up, r.label, r.verb = in, "licenses to", "licenses its technology to"
	default:
		return r, false
	}
	return r, true
}

// graphRank orders relations in the graph and its list.
var graphRank = map[string]int{"owns": 0, "controls": 0, "subsidiary_of": 0, "brand_of": 1, "operates": 1,
	"holds_asn": 1, "joint_venture": 2, "licenses_technology_to": 3, "officer": 4, "founded": 5}

// shareOf renders an owns statement's share, or "".
func shareOf(st *atlas.Statement) string {
	switch {
	case st.Share != nil:
		return pctNum(*st.Share) + "%"
	case st.ShareMin != nil && st.ShareMax != nil:
		return pctNum(*st.ShareMin) + "-" + pctNum(*st.ShareMax) + "%"
	}
	return ""
}

func pctNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// newGraph draws the neighbourhood of e at day; sources renumbers a
// statement's sources into the page's list.
func (s *Server) newGraph(e *atlas.Entity, day time.Time, sources func(id string) []int) *graph {
	var up, down []graphRel
	hidden := 0
	seen := map[[2]string]bool{}
	// Owners, controllers and parents first: what the graph is about.
	about := slices.Clone(s.atlas.About(e.ID))
	slices.SortStableFunc(about, func(a, b *atlas.Statement) int {
		return cmp.Compare(graphRank[a.Predicate], graphRank[b.Predicate])
	})
	for _, st := range about {
		if !st.Valid.Contains(day) {
			continue
		}
		r, ok := relationOf(st, e.ID)
		if !ok || r.other == e.ID {
			continue
		}
		k := [2]string{r.other, r.verb}
		if seen[k] {
			continue
		}
		seen[k] = true
		if r.up {
			up = append(up, r)
		} else {
			down = append(down, r)
		}
	}
	g := &graph{Title: "Ownership and control around " + e.Name + " on " + atlas.DateOf(day).String(),
		Empty: len(up) == 0 && len(down) == 0}
	centre := 0
	if len(up) > 0 {
		centre = 1
	}
	cg := &chart.Graph{Title: g.Title}
	cg.Nodes = append(cg.Nodes, s.graphNode(e.ID, centre, "center"))
	add := func(rels []graphRel, layer int) {
		edges := map[string]int{} // other id -> its edge in cg.Edges
		for _, r := range rels {
			other := s.node(r.other)
			other.NameZH = ""
			rel := relation{Other: other, OtherAbove: r.up, Verb: r.verb, Sources: mergeInts(nil, sources(r.stmt.ID))}
			g.Relations = append(g.Relations, rel)
			if i, ok := edges[r.other]; ok { // a second relation between the same two: one edge
				cg.Edges[i].Label += ", " + r.label
				continue
			}
			if len(edges) == graphMaxPerRow {
				hidden++
				continue
			}
			edges[r.other] = len(cg.Edges)
			cg.Nodes = append(cg.Nodes, s.graphNode(r.other, layer, ""))
			if r.up {
				cg.Edges = append(cg.Edges, chart.Edge{From: r.other, To: e.ID, Label: r.label})
			} else {
				cg.Edges = append(cg.Edges, chart.Edge{From: e.ID, To: r.other, Label: r.label})
			}
		}
	}
	add(up, 0)
	add(down, centre+1)
	g.Hidden = hidden
	if l, err := cg.Layout(); err == nil {
		var b bytes.Buffer
		if err := l.WriteSVG(&b, "graph"); err == nil {
			g.SVG = template.HTML(b.String()) // chart escapes every text it writes
		}
	}
	return g
}

// graphNode returns the box of entity id.
func (s *Server) graphNode(id string, layer int, class string) chart.Node {
	n := chart.Node{ID: id, Label: s.atlas.DisplayName(id), Href: entityURL(id), Layer: layer}
	if e := s.atlas.Entity(id); e != nil {
		n.Sub = e.Kind
		n.Class = "kind-" + e.Kind
		if e.NameZH != "" {
			n.Title = e.Name + " " + e.NameZH
		}
	}
	if class != "" {
		n.Class += " " + class
	}
	n.Class = strings.TrimSpace(n.Class)
	return n
}
