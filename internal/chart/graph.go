package chart

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Graph geometry, in SVG user units.
const (
	graphMinW     = 760.0 // the drawing is at least this wide
	graphMargin   = 12.0
	graphGapX     = 16.0  // between boxes of a row
	graphGapY     = 76.0  // between rows: room for the edge labels
	maxLabelW     = 120.0 // longer edge labels end in an ellipsis
	graphPad      = 8.0   // inside a box
	graphFont     = 13.0  // the name
	graphSubFont  = 11.0  // the kind
	graphLine     = 16.0  // line height of the name
	graphMaxBoxW  = 210.0
	graphMinBoxW  = 96.0
	graphMaxLines = 3
	dummyW        = 10.0 // the width a long edge takes in a row it crosses
	labelFont     = 11.0
)

// Node is one box of a graph.
type Node struct {
	ID    string // unique within the graph
	Label string // the name drawn, wrapped to two lines and cut beyond
	Sub   string // a smaller second line, such as the entity's kind
	Title string // the full text shown on hover; Label when empty
	Href  string // the box links there when set
	Layer int    // the row: 0 at the top, growing downwards
	Class string // extra CSS classes of the box's group
}

// Edge joins a node to one in a lower row (a higher Layer), with a label
// drawn along it. An arrowhead marks the lower end.
type Edge struct {
	From, To string
	Label    string
}

// Graph is a layered drawing: rows of boxes, edges from row to row.
type Graph struct {
	Title string // for the caller's caption; not drawn
	Nodes []Node
	Edges []Edge
}

// Box is a laid-out node: its rectangle and its wrapped name.
type Box struct {
	Node
	X, Y, W, H float64
	Lines      []string
}

// Path is a laid-out edge: a polyline from the bottom side of its upper
// box to the top side of its lower box, and where its label sits.
type Path struct {
	Edge
	Points []Point
	At     Point // the label's centre
}

// GraphLayout is a graph ready to draw.
type GraphLayout struct {
	W, H  float64
	Boxes []Box
	Paths []Path
}

// item is a node or a dummy (the point where a long edge crosses a row)
// in the ordering of a row.
type item struct {
	id    string // node id, or "" for a dummy
	edge  int    // for a dummy: the edge it belongs to
	w, h  float64
	x     float64 // left side
	lines []string
}

// Layout places the nodes and routes the edges. Rows are ordered to
// avoid edge crossings (barycentre sweeps, keeping the order with the
// fewest crossings), boxes are sized to their names, and an edge that
// skips rows bends through a gap in each row it crosses. It fails on an
// unknown or duplicate id and on an edge that does not go down.
func (g *Graph) Layout() (*GraphLayout, error) {
	byID := map[string]*Node{}
	maxLayer := 0
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.ID == "" || byID[n.ID] != nil {
			return nil, fmt.Errorf("chart: graph: node %d: empty or duplicate id %q", i, n.ID)
		}
		if n.Layer < 0 {
			return nil, fmt.Errorf("chart: graph: node %q: layer %d is negative", n.ID, n.Layer)
		}
		byID[n.ID] = n
		maxLayer = max(maxLayer, n.Layer)
	}
	for i, e := range g.Edges {
		from, to := byID[e.From], byID[e.To]
		switch {
		case from == nil || to == nil:
			return nil, fmt.Errorf("chart: graph: edge %d (%s -> %s) names an unknown node", i, e.From, e.To)
		case from.Layer >= to.Layer:
			return nil, fmt.Errorf("chart: graph: edge %d (%s -> %s) does not go down a row", i, e.From, e.To)
		}
	}
	rows := g.rows(maxLayer, byID)
	order(rows, g.Edges, byID)
	l := &GraphLayout{}
	tops := l.place(rows)
	l.route(g.Edges, rows, byID, tops)
	return l, nil
}

// rows puts each node in its row, sized, and adds a dummy for each row
// an edge crosses.
func (g *Graph) rows(maxLayer int, byID map[string]*Node) [][]*item {
	rows := make([][]*item, maxLayer+1)
	perRow := make([]int, maxLayer+1)
	for _, n := range g.Nodes {
		perRow[n.Layer]++
	}
	for _, n := range g.Nodes {
		// Boxes share the width of a row of the minimum drawing.
		maxW := min(graphMaxBoxW, max(graphMinBoxW, (graphMinW-2*graphMargin)/float64(perRow[n.Layer])-graphGapX))
		lines := wrap(n.Label, maxW-2*graphPad, graphFont, graphMaxLines)
		w := textWidth(n.Sub, graphSubFont)
		for _, ln := range lines {
			w = max(w, textWidth(ln, graphFont))
		}
		h := 2*graphPad + float64(max(1, len(lines)))*graphLine
		if n.Sub != "" {
			h += 14
		}
		rows[n.Layer] = append(rows[n.Layer], &item{id: n.ID, w: max(graphMinBoxW, w+2*graphPad), h: h, lines: lines})
	}
	for i, e := range g.Edges {
		for layer := byID[e.From].Layer + 1; layer < byID[e.To].Layer; layer++ {
			rows[layer] = append(rows[layer], &item{edge: i, w: dummyW})
		}
	}
	return rows
}

// neighbours returns, for each item of row r, the items of row r+dir it
// is joined to (through the edge's chain of dummies).
func neighbours(rows [][]*item, edges []Edge, byID map[string]*Node, r, dir int) map[*item][]*item {
	out := map[*item][]*item{}
	for i, e := range edges {
		chain := edgeChain(rows, i, e, byID)
		for k := 0; k+1 < len(chain); k++ {
			a, b := chain[k], chain[k+1] // a in row top+k, b in the next
			layer := byID[e.From].Layer + k
			switch {
			case dir > 0 && layer == r:
				out[a] = append(out[a], b)
			case dir < 0 && layer+1 == r:
				out[b] = append(out[b], a)
			}
		}
	}
	return out
}

// edgeChain returns the items an edge passes through, from its upper
// node down to its lower node.
func edgeChain(rows [][]*item, i int, e Edge, byID map[string]*Node) []*item {
	from, to := byID[e.From].Layer, byID[e.To].Layer
	chain := []*item{find(rows[from], e.From)}
	for layer := from + 1; layer < to; layer++ {
		for _, it := range rows[layer] {
			if it.id == "" && it.edge == i {
				chain = append(chain, it)
			}
		}
	}
	return append(chain, find(rows[to], e.To))
}

func find(row []*item, id string) *item {
	for _, it := range row {
		if it.id == id {
			return it
		}
	}
	return nil
}

// order sorts each row to reduce crossings: sweeps down and up, moving
// each item to the mean position of its neighbours in the row before,
// and keeps the best ordering seen.
func order(rows [][]*item, edges []Edge, byID map[string]*Node) {
	best := snapshot(rows)
	bestN := crossings(rows, edges, byID)
	for sweep := 0; sweep < 8 && bestN > 0; sweep++ {
		if sweep%2 == 0 {
			for r := 1; r < len(rows); r++ {
				sortByBarycentre(rows[r], rows[r-1], neighbours(rows, edges, byID, r, -1))
			}
		} else {
			for r := len(rows) - 2; r >= 0; r-- {
				sortByBarycentre(rows[r], rows[r+1], neighbours(rows, edges, byID, r, +1))
			}
		}
		if n := crossings(rows, edges, byID); n < bestN {
			best, bestN = snapshot(rows), n
		}
	}
	for r := range rows {
		copy(rows[r], best[r])
	}
}

func snapshot(rows [][]*item) [][]*item {
	out := make([][]*item, len(rows))
	for r := range rows {
		out[r] = slices.Clone(rows[r])
	}
	return out
}

// sortByBarycentre orders row by the mean index of each item's
// neighbours in the adjacent row; items without neighbours keep their
// place relative to the others.
func sortByBarycentre(row, adj []*item, nb map[*item][]*item) {
	pos := map[*item]float64{}
	for i, it := range adj {
		pos[it] = float64(i)
	}
	bary := map[*item]float64{}
	for i, it := range row {
		ns := nb[it]
		if len(ns) == 0 {
			bary[it] = float64(i) * float64(len(adj)) / float64(max(1, len(row)))
			continue
		}
		sum := 0.0
		for _, n := range ns {
			sum += pos[n]
		}
		bary[it] = sum / float64(len(ns))
	}
	slices.SortStableFunc(row, func(a, b *item) int { return cmp.Compare(bary[a], bary[b]) })
}

// crossings counts the pairs of edge segments between adjacent rows
// that cross, given the rows' order.
func crossings(rows [][]*item, edges []Edge, byID map[string]*Node) int {
	idx := map[*item]int{}
	for _, row := range rows {
		for i, it := range row {
			idx[it] = i
		}
	}
	type seg struct{ a, b int }
	segs := make([][]seg, len(rows))
	for i, e := range edges {
		chain := edgeChain(rows, i, e, byID)
		top := byID[e.From].Layer
		for k := 0; k+1 < len(chain); k++ {
			segs[top+k] = append(segs[top+k], seg{idx[chain[k]], idx[chain[k+1]]})
		}
	}
	n := 0
	for _, ss := range segs {
		for i := range ss {
			for j := i + 1; j < len(ss); j++ {
				if (ss[i].a-ss[j].a)*(ss[i].b-ss[j].b) < 0 {
					n++
				}
			}
		}
	}
	return n
}

// place sets the size of the drawing and the position of every item:
// each row centred, rows one below the other. It returns the top of
// each row.
func (l *GraphLayout) place(rows [][]*item) []float64 {
	l.W = graphMinW
	for _, row := range rows {
		l.W = max(l.W, rowWidth(row)+2*graphMargin)
	}
	tops := make([]float64, len(rows))
	y := graphMargin
	for r, row := range rows {
		tops[r] = y
		x := (l.W - rowWidth(row)) / 2
		h := 0.0
		for _, it := range row {
			it.x = x
			x += it.w + graphGapX
			h = max(h, it.h)
		}
		for _, it := range row {
			it.h = h // one height per row, so that no edge cuts a taller neighbour
		}
		y += h + graphGapY
	}
	l.H = y - graphGapY + graphMargin
	return tops
}

func rowWidth(row []*item) float64 {
	w := 0.0
	for i, it := range row {
		if i > 0 {
			w += graphGapX
		}
		w += it.w
	}
	return w
}

// route makes the boxes and the edge polylines. Each box spreads the
// ends of its edges along its side in the order of their other ends, so
// that edges meeting at a box do not cross there.
func (l *GraphLayout) route(edges []Edge, rows [][]*item, byID map[string]*Node, tops []float64) {
	boxOf := map[string]*Box{}
	for r, row := range rows {
		for _, it := range row {
			if it.id == "" {
				continue
			}
			n := *byID[it.id]
			if n.Title == "" {
				n.Title = n.Label
			}
			l.Boxes = append(l.Boxes, Box{Node: n, X: it.x, Y: tops[r], W: it.w, H: it.h, Lines: it.lines})
		}
	}
	for i := range l.Boxes {
		boxOf[l.Boxes[i].ID] = &l.Boxes[i]
	}
	chains := make([][]*item, len(edges))
	for i, e := range edges {
		chains[i] = edgeChain(rows, i, e, byID)
	}
	centre := func(it *item) float64 { return it.x + it.w/2 }
	// The ports: for each box side, its edges ordered by the other end.
	down, up := map[string][]int{}, map[string][]int{}
	for i, e := range edges {
		down[e.From] = append(down[e.From], i)
		up[e.To] = append(up[e.To], i)
	}
	port := func(ids []int, self int, other func(int) float64, b *Box) float64 {
		sorted := slices.Clone(ids)
		slices.SortStableFunc(sorted, func(a, c int) int { return cmp.Compare(other(a), other(c)) })
		k := slices.Index(sorted, self)
		return b.X + b.W*float64(k+1)/float64(len(sorted)+1)
	}
	for i, e := range edges {
		ch := chains[i]
		from, to := boxOf[e.From], boxOf[e.To]
		next := func(j int) float64 { return centre(chains[j][1]) }
		prev := func(j int) float64 { return centre(chains[j][len(chains[j])-2]) }
		pts := []Point{{port(down[e.From], i, next, from), from.Y + from.H}}
		top := byID[e.From].Layer
		for k := 1; k+1 < len(ch); k++ {
			x := centre(ch[k])
			pts = append(pts, Point{x, tops[top+k]}, Point{x, tops[top+k] + ch[k].h})
		}
		pts = append(pts, Point{port(up[e.To], i, prev, to), to.Y})
		l.Paths = append(l.Paths, Path{Edge: e, Points: pts})
	}
	l.placeLabels(rows)
}

// placeLabels puts each edge label on the first segment of its edge,
// nearer the end whose row has more items (where edges are further
// apart), and moves labels down that would overlap another.
func (l *GraphLayout) placeLabels(rows [][]*item) {
	rowLen := map[float64]int{} // by the y of a row's boxes
	for i := range l.Boxes {
		rowLen[l.Boxes[i].Y]++
	}
	type rect struct{ x0, y0, x1, y1 float64 }
	var placed []rect
	for i := range l.Paths {
		p := &l.Paths[i]
		a, b := p.Points[0], p.Points[1]
		t := 0.5
		if len(p.Points) == 2 {
			from, to := l.boxAt(a), l.boxAt(b)
			switch {
			case from != nil && to != nil && rowLen[from.Y] > rowLen[to.Y]:
				t = 0.3
			case from != nil && to != nil && rowLen[from.Y] < rowLen[to.Y]:
				t = 0.7
			}
		}
		at := Point{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
		p.Label = ellipsis(p.Label, maxLabelW, labelFont)
		w := textWidth(p.Label, labelFont) + 4
		for tries := 0; tries < 6; tries++ {
			r := rect{at.X - w/2, at.Y - 7, at.X + w/2, at.Y + 7}
			if !slices.ContainsFunc(placed, func(o rect) bool {
				return r.x0 < o.x1 && o.x0 < r.x1 && r.y0 < o.y1 && o.y0 < r.y1
			}) {
				break
			}
			// Slide along the segment, alternating towards each end.
			t += float64(tries+1) * 0.12 * float64(1-2*(tries%2))
			t = min(0.85, max(0.15, t))
			at = Point{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
		}
		p.At = at
		placed = append(placed, rect{at.X - w/2, at.Y - 7, at.X + w/2, at.Y + 7})
	}
}

// boxAt returns the box whose border holds pt, or nil.
func (l *GraphLayout) boxAt(pt Point) *Box {
	for i := range l.Boxes {
		if b := &l.Boxes[i]; b.OnBorder(pt) {
			return b
		}
	}
	return nil
}

// OnBorder reports whether pt lies on the box's border (within a tenth
// of a unit, the precision of the SVG output).
func (b *Box) OnBorder(pt Point) bool {
	const eps = 0.11
	inX := pt.X >= b.X-eps && pt.X <= b.X+b.W+eps
	inY := pt.Y >= b.Y-eps && pt.Y <= b.Y+b.H+eps
	onH := near(pt.Y, b.Y, eps) || near(pt.Y, b.Y+b.H, eps)
	onV := near(pt.X, b.X, eps) || near(pt.X, b.X+b.W, eps)
	return inX && inY && (onH || onV)
}

func near(a, b, eps float64) bool { return a-b <= eps && b-a <= eps }

// WriteSVG writes the drawing. id must be unique on the page (it names
// the arrowhead). The drawing is decorative for assistive technology
// (aria-hidden): the caller puts the same relations in words beside it,
// and its links leave the tab order (tabindex -1) to that list. Each box
// shows its full name on hover.
func (l *GraphLayout) WriteSVG(w io.Writer, id string) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" class="graph-svg" aria-hidden="true" focusable="false">`+"\n",
		num(l.W), num(l.H), num(l.W), num(l.H))
	fmt.Fprintf(&b, `<defs><marker id="%s-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow"/></marker></defs>`+"\n", esc(id))
	for _, p := range l.Paths {
		pts := make([]string, len(p.Points))
		for i, pt := range p.Points {
			pts[i] = num(pt.X) + "," + num(pt.Y)
		}
		fmt.Fprintf(&b, `<polyline points="%s" class="edge" marker-end="url(#%s-arrow)"/>`+"\n", strings.Join(pts, " "), esc(id))
	}
	for _, p := range l.Paths {
		if p.Label != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" class="edge-label" text-anchor="middle" dominant-baseline="middle">%s</text>`+"\n",
				num(p.At.X), num(p.At.Y), esc(p.Label))
		}
	}
	for _, bx := range l.Boxes {
		if bx.Href != "" {
			fmt.Fprintf(&b, `<a href="%s" tabindex="-1">`, esc(bx.Href))
		}
		fmt.Fprintf(&b, `<g class="gnode%s"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" rx="6"/>`,
			classes(bx.Class), esc(bx.Title), num(bx.X), num(bx.Y), num(bx.W), num(bx.H))
		y := bx.Y + graphPad + graphFont - 1
		for _, ln := range bx.Lines {
			fmt.Fprintf(&b, `<text x="%s" y="%s" class="glabel">%s</text>`, num(bx.X+graphPad), num(y), esc(ln))
			y += graphLine
		}
		if bx.Sub != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" class="gkind">%s</text>`, num(bx.X+graphPad), num(y), esc(bx.Sub))
		}
		b.WriteString("</g>")
		if bx.Href != "" {
			b.WriteString("</a>")
		}
		b.WriteString("\n")
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func classes(c string) string {
	if c == "" {
		return ""
	}
	return " " + c
}
