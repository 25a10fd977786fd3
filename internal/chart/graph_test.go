package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept, and look at it):\n%s", name, got)
	}
}

// starGraph is an organisation with its owners, officers and what it
// operates, as the entity page draws it: long names, a Chinese one, and
// a hostile one.
func starGraph() *Graph {
	g := &Graph{Title: "around Beijing Sinnet"}
	up := []string{"Geng Diangen", "Beijing Baihuida Investment Management Co., Ltd.", "Yang Yuhang",
		"Zhongjin Shengshi Investment Co., Ltd.", `<script>alert("x")</script> & Co`, "深圳市天图兴瑞创业投资有限公司"}
	labels := []string{"officer", "controls", "officer", "owns", "owns 30%", "owns"}
	g.Nodes = append(g.Nodes, Node{ID: "org/sinnet", Label: "Beijing Sinnet Technology Co., Ltd.", Sub: "organisation",
		Href: "/entity/org/sinnet", Layer: 1, Class: "center"})
	for i, name := range up {
		id := fmt.Sprintf("up/%d", i)
		g.Nodes = append(g.Nodes, Node{ID: id, Label: name, Sub: "organisation", Href: "/entity/" + id, Layer: 0})
		g.Edges = append(g.Edges, Edge{From: id, To: "org/sinnet", Label: labels[i]})
	}
	for i, name := range []string{"AWS China (Beijing)", "Beijing Zhongjin Cloud Network Technology Co., Ltd.", "Beijing Wushuang Technology Co., Ltd."} {
		id := fmt.Sprintf("down/%d", i)
		g.Nodes = append(g.Nodes, Node{ID: id, Label: name, Sub: "region", Href: "/entity/" + id, Layer: 2})
		g.Edges = append(g.Edges, Edge{From: "org/sinnet", To: id, Label: []string{"operates", "owns", "owns"}[i]})
	}
	return g
}

// layeredGraph needs reordering to avoid crossings, and has an edge
// that skips a row.
func layeredGraph() *Graph {
	return &Graph{Nodes: []Node{
		{ID: "a", Label: "Alpha", Layer: 0}, {ID: "b", Label: "Beta", Layer: 0},
		{ID: "c", Label: "Gamma", Layer: 1}, {ID: "d", Label: "Delta", Layer: 1},
		{ID: "e", Label: "Epsilon", Layer: 2}, {ID: "f", Label: "Zeta", Layer: 2},
	}, Edges: []Edge{
		{From: "a", To: "d", Label: "owns"}, {From: "b", To: "c", Label: "owns"},
		{From: "c", To: "f", Label: "controls"}, {From: "d", To: "e", Label: "controls"},
		{From: "a", To: "e", Label: "officer"},
	}}
}

func layout(t *testing.T, g *Graph) *GraphLayout {
	t.Helper()
	l, err := g.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestGraphGolden(t *testing.T) {
	for name, g := range map[string]*Graph{"graph-star.svg": starGraph(), "graph-layers.svg": layeredGraph()} {
		var b bytes.Buffer
		if err := layout(t, g).WriteSVG(&b, "g1"); err != nil {
			t.Fatal(err)
		}
		golden(t, name, b.Bytes())
	}
}

// svgDoc is what the geometry test reads back from the SVG.
type svgDoc struct {
	Lines []struct {
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
	Links []struct {
		G svgGroup `xml:"g"`
	} `xml:"a"`
	Groups []svgGroup `xml:"g"`
}

type svgGroup struct {
	Title     string `xml:"title"`
	RectAttrs struct {
		X string `xml:"x,attr"`
		Y string `xml:"y,attr"`
		W string `xml:"width,attr"`
		H string `xml:"height,attr"`
	} `xml:"rect"`
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad number %q in the SVG", s)
	}
	return v
}

// parseSVG reads the boxes and the edge polylines of a drawing.
func parseSVG(t *testing.T, svg []byte) ([]Box, [][]Point) {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal(svg, &d); err != nil {
		t.Fatalf("the SVG does not parse: %v\n%s", err, svg)
	}
	var boxes []Box
	groups := d.Groups
	for _, l := range d.Links {
		groups = append(groups, l.G)
	}
	for _, g := range groups {
		r := g.RectAttrs
		boxes = append(boxes, Box{Node: Node{Title: g.Title}, X: atof(t, r.X), Y: atof(t, r.Y), W: atof(t, r.W), H: atof(t, r.H)})
	}
	var lines [][]Point
	for _, l := range d.Lines {
		var pts []Point
		for _, xy := range strings.Fields(l.Points) {
			x, y, _ := strings.Cut(xy, ",")
			pts = append(pts, Point{atof(t, x), atof(t, y)})
		}
		lines = append(lines, pts)
	}
	return boxes, lines
}

// checkGeometry asserts, from the SVG alone, that every edge starts on
// the bottom side of a box and ends on the top side of another, that no
// edge passes through a box, and that no two edges cross.
func checkGeometry(t *testing.T, svg []byte, wantBoxes, wantEdges int) {
	t.Helper()
	boxes, lines := parseSVG(t, svg)
	if len(boxes) != wantBoxes || len(lines) != wantEdges {
		t.Fatalf("%d boxes and %d edges in the SVG, want %d and %d", len(boxes), len(lines), wantBoxes, wantEdges)
	}
	for _, p := range geometryProblems(boxes, lines) {
		t.Error(p)
	}
}

// geometryProblems lists what is wrong with the drawing's geometry.
func geometryProblems(boxes []Box, lines [][]Point) []string {
	var out []string
	for i, pts := range lines {
		first, last := pts[0], pts[len(pts)-1]
		var from, to *Box
		for j := range boxes {
			b := &boxes[j]
			if b.OnBorder(first) && near(first.Y, b.Y+b.H, 0.11) {
				from = b
			}
			if b.OnBorder(last) && near(last.Y, b.Y, 0.11) {
				to = b
			}
		}
		if from == nil || to == nil || from == to {
			out = append(out, fmt.Sprintf("edge %d (%v) does not run from the bottom of one box to the top of another", i, pts))
			continue
		}
		for j := range boxes {
			b := &boxes[j]
			for k := 0; k+1 < len(pts); k++ {
				if segmentEntersBox(pts[k], pts[k+1], b) {
					out = append(out, fmt.Sprintf("edge %d (%v) passes through the box of %q", i, pts, b.Title))
				}
			}
		}
	}
	for i := range lines {
		for j := i + 1; j < len(lines); j++ {
			if polylinesCross(lines[i], lines[j]) {
				out = append(out, fmt.Sprintf("edges %d %v and %d %v cross", i, lines[i], j, lines[j]))
			}
		}
	}
	return out
}

// segmentEntersBox reports whether the segment a-b has a point strictly
// inside the box (sampled finely; the drawings are small).
func segmentEntersBox(a, b Point, bx *Box) bool {
	for s := 1; s < 100; s++ {
		f := float64(s) / 100
		x, y := a.X+(b.X-a.X)*f, a.Y+(b.Y-a.Y)*f
		if x > bx.X+0.5 && x < bx.X+bx.W-0.5 && y > bx.Y+0.5 && y < bx.Y+bx.H-0.5 {
			return true
		}
	}
	return false
}

// polylinesCross reports whether two polylines properly intersect
// (touching at a shared end does not count).
func polylinesCross(p, q []Point) bool {
	for i := 0; i+1 < len(p); i++ {
		for j := 0; j+1 < len(q); j++ {
			if segmentsCross(p[i], p[i+1], q[j], q[j+1]) {
				return true
			}
		}
	}
	return false
}

func segmentsCross(a, b, c, d Point) bool {
	cross := func(o, p, q Point) float64 { return (p.X-o.X)*(q.Y-o.Y) - (p.Y-o.Y)*(q.X-o.X) }
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	return (d1 > 1e-9 && d2 < -1e-9 || d1 < -1e-9 && d2 > 1e-9) && (d3 > 1e-9 && d4 < -1e-9 || d3 < -1e-9 && d4 > 1e-9)
}

func TestGraphGeometry(t *testing.T) {
	for name, tc := range map[string]struct {
		g            *Graph
		boxes, edges int
	}{
		"star":    {starGraph(), 10, 9},
		"layered": {layeredGraph(), 6, 5},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := layout(t, tc.g).WriteSVG(&b, "g"); err != nil {
				t.Fatal(err)
			}
			checkGeometry(t, b.Bytes(), tc.boxes, tc.edges)
		})
	}
}

// TestGraphGeometryCatchesMiswiring makes sure the geometry check
// fails on the bugs it is there for: an edge starting in empty space
// (the old graph paired each child's x with the centre's y), an edge
// through a box, and crossing edges.
func TestGraphGeometryCatchesMiswiring(t *testing.T) {
	l := layout(t, starGraph())
	good := l.Paths[6].Points[0]
	l.Paths[6].Points[0] = Point{l.Paths[6].Points[1].X, good.Y} // start below the wrong x
	l.Paths[7].Points = []Point{l.Paths[7].Points[0], {l.Boxes[0].X + 5, l.Boxes[0].Y + 5}, l.Paths[7].Points[1]}
	l.Paths[0].Points[1], l.Paths[1].Points[1] = l.Paths[1].Points[1], l.Paths[0].Points[1]
	var b bytes.Buffer
	if err := l.WriteSVG(&b, "g"); err != nil {
		t.Fatal(err)
	}
	boxes, lines := parseSVG(t, b.Bytes())
	problems := strings.Join(geometryProblems(boxes, lines), "\n")
	for _, want := range []string{"edge 6 ", "passes through the box", "edges 0 "} {
		if !strings.Contains(problems, want) {
			t.Errorf("the geometry check missed %q; it said:\n%s", want, problems)
		}
	}
}

func TestGraphAvoidsCrossings(t *testing.T) {
	l := layout(t, layeredGraph())
	// The input order (Alpha, Beta over Gamma, Delta) would cross Alpha->Delta
	// with Beta->Gamma; the layout swaps a row.
	x := map[string]float64{}
	for _, b := range l.Boxes {
		x[b.ID] = b.X
	}
	if (x["a"] < x["b"]) != (x["d"] < x["c"]) {
		t.Errorf("rows not reordered: a %.0f b %.0f, c %.0f d %.0f", x["a"], x["b"], x["c"], x["d"])
	}
	for i := range l.Paths {
		for j := i + 1; j < len(l.Paths); j++ {
			if polylinesCross(l.Paths[i].Points, l.Paths[j].Points) {
				t.Errorf("%v and %v cross", l.Paths[i].Edge, l.Paths[j].Edge)
			}
		}
	}
}

func TestGraphErrors(t *testing.T) {
	for name, g := range map[string]*Graph{
		"duplicate": {Nodes: []Node{{ID: "a"}, {ID: "a"}}},
		"unknown":   {Nodes: []Node{{ID: "a"}}, Edges: []Edge{{From: "a", To: "b"}}},
		"upwards":   {Nodes: []Node{{ID: "a", Layer: 1}, {ID: "b"}}, Edges: []Edge{{From: "a", To: "b"}}},
		"negative":  {Nodes: []Node{{ID: "a", Layer: -1}}},
	} {
		if _, err := g.Layout(); err == nil {
			t.Errorf("%s: Layout succeeded, want an error", name)
		}
	}
}

func TestGraphSVGEscapesAndTitles(t *testing.T) {
	var b bytes.Buffer
	if err := layout(t, starGraph()).WriteSVG(&b, "g"); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	if strings.Contains(svg, "<script>") {
		t.Error("a name reached the SVG unescaped")
	}
	for _, full := range []string{"<title>Beijing Baihuida Investment Management Co., Ltd.</title>", "<title>深圳市天图兴瑞创业投资有限公司</title>"} {
		if !strings.Contains(svg, full) {
			t.Errorf("no full name on hover: %s", full)
		}
	}
	if !strings.Contains(svg, `aria-hidden="true"`) || strings.Contains(svg, `role="img"`) || strings.Count(svg, `tabindex="-1"`) != 10 {
		t.Error("the drawing must be hidden from assistive technology with its links out of the tab order")
	}
}
