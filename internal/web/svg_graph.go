package web

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Graph geometry, in SVG user units.
const (
	graphW, graphH  = 760, 330
	graphBoxH       = 44
	graphMaxPerRow  = 6
	graphLabelRunes = 24
	graphUpY        = 20
	graphMidY       = 143
	graphDownY      = 266
)

// graph is the ownership and control neighbourhood of one entity at a
// date: who is above it (owners, controllers, parents, officers) and
// what is below it (what it owns, controls or operates).
type graph struct {
	W, H  int
	Title string
	Nodes []graphNode
	Edges []graphEdge
	Empty bool
}

type graphNode struct {
	ID, Label, Full, Kind string
	X, Y, W, H            float64
	Center                bool
}

type graphEdge struct {
	X1, Y1, X2, Y2 float64
	LX, LY         float64
	Label          string
}

// upPredicates are the statements on the entity whose subject stands
// above it; downPredicates those whose object stands below it.
var (
	upPredicates   = []string{"owns", "controls", "officer", "founded", "brand_of"}
	downPredicates = []string{"owns", "controls", "operates", "subsidiary_of", "joint_venture"}
)

// newGraph lays out the neighbourhood of e at day.
func (s *Server) newGraph(e *atlas.Entity, day time.Time) *graph {
	type rel struct{ id, pred string }
	var up, down []rel
	add := func(list []rel, r rel) []rel {
		if len(list) >= graphMaxPerRow || slices.ContainsFunc(list, func(x rel) bool { return x.id == r.id }) {
			return list
		}
		return append(list, r)
	}
	for _, st := range s.atlas.About(e.ID) {
		if !st.Valid.Contains(day) {
			continue
		}
		switch {
		case st.Object == e.ID && slices.Contains(upPredicates, st.Predicate) && st.Predicate != "brand_of":
			up = add(up, rel{st.Subject, st.Predicate})
		case st.Subject == e.ID && (st.Predicate == "subsidiary_of" || st.Predicate == "joint_venture" || st.Predicate == "brand_of"):
			up = add(up, rel{st.Object, st.Predicate})
		case st.Subject == e.ID && slices.Contains(downPredicates, st.Predicate):
			down = add(down, rel{st.Object, st.Predicate})
		case st.Object == e.ID && st.Predicate == "subsidiary_of":
			down = add(down, rel{st.Subject, st.Predicate})
		}
	}
	g := &graph{W: graphW, H: graphH, Title: "Ownership and control around " + e.Name + " on " + atlas.DateOf(day).String(),
		Empty: len(up) == 0 && len(down) == 0}
	center := s.graphNode(e.ID, graphW/2-100, graphMidY, 200)
	center.Center = true
	g.Nodes = append(g.Nodes, center)
	for i, row := range [][]rel{up, down} {
		if len(row) == 0 {
			continue
		}
		y := float64(graphUpY)
		if i == 1 {
			y = graphDownY
		}
		slot := float64(graphW) / float64(len(row))
		w := min(slot-12, 190)
		for j, r := range row {
			n := s.graphNode(r.id, slot*float64(j)+(slot-w)/2, y, w)
			g.Nodes = append(g.Nodes, n)
			ed := graphEdge{X1: n.X + n.W/2, X2: center.X + center.W/2, Label: r.pred}
			if i == 0 {
				ed.Y1, ed.Y2 = n.Y+n.H, center.Y
			} else {
				ed.Y1, ed.Y2 = center.Y+center.H, n.Y
			}
			ed.LX, ed.LY = (ed.X1+ed.X2)/2, (ed.Y1+ed.Y2)/2
			g.Edges = append(g.Edges, ed)
		}
	}
	return g
}

// graphNode returns a box for entity id.
func (s *Server) graphNode(id string, x, y, w float64) graphNode {
	n := graphNode{ID: id, Full: s.atlas.DisplayName(id), X: x, Y: y, W: w, H: graphBoxH}
	if e := s.atlas.Entity(id); e != nil {
		n.Kind = e.Kind
	}
	n.Label = truncate(n.Full, int(w/7.5))
	return n
}

// truncate shortens s to at most n runes, ending in an ellipsis.
func truncate(s string, n int) string {
	n = max(n, 4)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
