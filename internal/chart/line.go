package chart

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Line chart geometry, in SVG user units.
const (
	lineW, lineH       = 640.0, 300.0
	lineTop, lineRight = 16.0, 20.0
	lineBottom         = 40.0
	tickFont           = 11.0
	tickGap            = 10.0 // the least room between two axis labels
)

// MinPeriods is the fewest periods a series needs to be drawn as a line;
// with fewer, a small table says more (see [Drawable]).
const MinPeriods = 3

// Drawable reports whether a series over n periods is worth a chart.
func Drawable(n int) bool { return n >= MinPeriods }

// LineChart is one series drawn as lines over time: one line per entity,
// the periods on a time axis (two years apart look two years apart).
type LineChart struct {
	Title string // the chart's accessible name
	Desc  string // its accessible description: the figures in words
	// Prefix and Suffix wrap the values on the axis: "" and "%" for
	// shares, "$" and "bn" for US$ billions.
	Prefix, Suffix string
	Periods        []string // sorted, all "YYYY" or all "YYYY-Qn"
	Lines          []Line
	// Area fills under the first line: for a total (the size of a
	// market), which reads as an amount rather than a trend between
	// rivals.
	Area bool
}

// Line is one entity's figures, one per period (NaN where it has none),
// and the text shown on hover over each point.
type Line struct {
	Name, Color string
	Values      []float64
	Notes       []string
}

// Label is a piece of axis text and where it is drawn.
type Label struct {
	X, Y   float64
	Text   string
	Anchor string // SVG text-anchor: start, middle or end
}

// extent returns the horizontal span the label takes.
func (l Label) extent() (float64, float64) {
	w := textWidth(l.Text, tickFont)
	switch l.Anchor {
	case "start":
		return l.X, l.X + w
	case "end":
		return l.X - w, l.X
	}
	return l.X - w/2, l.X + w/2
}

// LineLayout is a line chart ready to draw.
type LineLayout struct {
	chart                   *LineChart
	W, H                    float64
	Left, Top, PlotW, PlotH float64
	XLabels, YTicks         []Label
	x                       []float64 // the x of each period
	top                     float64   // the value at the top of the plot
}

// Layout scales the chart: the time axis, the value axis from zero to a
// round number above the largest value, and axis labels thinned so that
// none overlaps another. It fails on fewer than [MinPeriods] periods, on
// a period it cannot read, and on lines of the wrong length.
func (c *LineChart) Layout() (*LineLayout, error) {
	if !Drawable(len(c.Periods)) {
		return nil, fmt.Errorf("chart: %d periods; a line chart needs at least %d", len(c.Periods), MinPeriods)
	}
	ords := make([]int, len(c.Periods))
	for i, p := range c.Periods {
		o, err := periodOrdinal(p)
		if err != nil {
			return nil, err
		}
		if i > 0 && o <= ords[i-1] {
			return nil, fmt.Errorf("chart: periods %s and %s are not in order", c.Periods[i-1], p)
		}
		ords[i] = o
	}
	maxV := 0.0
	for _, ln := range c.Lines {
		if len(ln.Values) != len(c.Periods) {
			return nil, fmt.Errorf("chart: line %q has %d values for %d periods", ln.Name, len(ln.Values), len(c.Periods))
		}
		for _, v := range ln.Values {
			if !math.IsNaN(v) {
				maxV = max(maxV, v)
			}
		}
	}
	l := &LineLayout{chart: c, W: lineW, H: lineH, Top: lineTop}
	step := niceStep(maxV / 4)
	l.top = math.Max(step, math.Ceil(maxV/step)*step)
	var ticks []string
	for v := 0.0; v <= l.top+step/2; v += step {
		ticks = append(ticks, c.Prefix+fmtValue(v)+c.Suffix)
	}
	widest := 0.0
	for _, t := range ticks {
		widest = max(widest, textWidth(t, tickFont))
	}
	l.Left = math.Ceil(widest) + 12
	l.PlotW, l.PlotH = l.W-l.Left-lineRight, l.H-l.Top-lineBottom
	for i, t := range ticks {
		l.YTicks = append(l.YTicks, Label{X: l.Left - 6, Y: l.y(float64(i) * step), Text: t, Anchor: "end"})
	}
	span := float64(ords[len(ords)-1] - ords[0])
	for _, o := range ords {
		l.x = append(l.x, l.Left+float64(o-ords[0])*l.PlotW/span)
	}
	l.XLabels = l.thinLabels()
	return l, nil
}

// y maps a value to the plot.
func (l *LineLayout) y(v float64) float64 { return l.Top + l.PlotH - v/l.top*l.PlotH }

// thinLabels picks the time-axis labels: every period if they fit, else
// the start of each year in the span (written as the year, whether or
// not the series has a figure then), else every 2nd, 5th, 10th... year.
// The first rule whose labels keep tickGap apart wins, so labels never
// overlap.
func (l *LineLayout) thinLabels() []Label {
	ps := l.chart.Periods
	var labels []Label
	for i := range ps {
		labels = append(labels, l.xLabel(l.x[i], ps[i]))
	}
	if !overlapping(labels) {
		return labels
	}
	first, _ := periodOrdinal(ps[0])
	last, _ := periodOrdinal(ps[len(ps)-1])
	perYear := 1
	if len(ps[0]) == 7 {
		perYear = 4
	}
	xAt := func(ord int) float64 {
		return l.Left + float64(ord-first)*l.PlotW/float64(last-first)
	}
	for _, every := range []int{1, 2, 5, 10, 20, 50, 100} {
		labels = labels[:0]
		for y := first / perYear; y*perYear <= last; y++ {
			if ord := y * perYear; ord >= first && y%every == 0 {
				labels = append(labels, l.xLabel(xAt(ord), strconv.Itoa(y)))
			}
		}
		if len(labels) > 0 && !overlapping(labels) {
			return labels
		}
	}
	return labels[:min(1, len(labels))]
}

// xLabel places a period label at x under the axis, kept inside the
// drawing.
func (l *LineLayout) xLabel(x float64, text string) Label {
	lb := Label{X: x, Y: l.Top + l.PlotH + 18, Text: text, Anchor: "middle"}
	if x0, x1 := lb.extent(); x0 < 2 {
		lb.Anchor = "start"
	} else if x1 > l.W-2 {
		lb.Anchor = "end"
	}
	return lb
}

// overlapping reports whether two labels, in order, come closer than
// tickGap.
func overlapping(ls []Label) bool {
	for i := 1; i < len(ls); i++ {
		_, a1 := ls[i-1].extent()
		b0, _ := ls[i].extent()
		if b0-a1 < tickGap {
			return true
		}
	}
	return false
}

// periodOrdinal numbers "2024" (2024) or "2024-Q3" (2024*4+2) so that
// consecutive periods of one granularity are one apart.
func periodOrdinal(p string) (int, error) {
	bad := errors.New("chart: period " + strconv.Quote(p) + " is neither YYYY nor YYYY-Qn")
	if len(p) != 4 && len(p) != 7 {
		return 0, bad
	}
	y, err := strconv.Atoi(p[:4])
	if err != nil {
		return 0, bad
	}
	if len(p) == 4 {
		return y, nil
	}
	if p[4:6] != "-Q" || p[6] < '1' || p[6] > '4' {
		return 0, bad
	}
	return y*4 + int(p[6]-'1'), nil
}

// niceStep rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*e*1.0000001 {
			return m * e
		}
	}
	return 10 * e
}

// fmtValue formats an axis or point value: at most one decimal.
func fmtValue(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// WriteSVG writes the chart as an image with its title and description
// (role img, named by them); id must be unique on the page. Each point
// shows its note on hover.
func (l *LineLayout) WriteSVG(w io.Writer, id string) error {
	c := l.chart
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-t %s-d" class="chart-svg">`+"\n",
		num(l.W), num(l.H), num(l.W), num(l.H), esc(id), esc(id))
	fmt.Fprintf(&b, "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n", esc(id), esc(c.Title), esc(id), esc(c.Desc))
	right := num(l.Left + l.PlotW)
	for _, t := range l.YTicks {
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" class="grid"/><text x="%s" y="%s" class="ytick" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
			num(l.Left), right, num(t.Y), num(t.Y), num(t.X), num(t.Y), esc(t.Text))
	}
	base := num(l.Top + l.PlotH)
	for _, t := range l.XLabels {
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" class="tick"/><text x="%s" y="%s" class="xtick" text-anchor="%s">%s</text>`+"\n",
			num(t.X), num(t.X), base, num(l.Top+l.PlotH+5), num(t.X), num(t.Y), t.Anchor, esc(t.Text))
	}
	for i, ln := range c.Lines {
		b.WriteString(`<g class="series">`)
		if c.Area && i == 0 {
			b.WriteString(l.area(ln))
		}
		for _, seg := range l.segments(ln) {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, seg, esc(ln.Color))
		}
		for j, v := range ln.Values {
			if math.IsNaN(v) {
				continue
			}
			note := ""
			if j < len(ln.Notes) {
				note = ln.Notes[j]
			}
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s</title></circle>`, num(l.x[j]), num(l.y(v)), esc(ln.Color), esc(note))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// segments returns the polyline point lists of a line, broken where a
// period has no figure, so that a missing figure shows as a gap rather
// than as a straight line across it. A lone figure has no segment (its
// dot shows it).
func (l *LineLayout) segments(ln Line) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 1 {
			out = append(out, strings.Join(cur, " "))
		}
		cur = nil
	}
	for j, v := range ln.Values {
		if math.IsNaN(v) {
			flush()
			continue
		}
		cur = append(cur, num(l.x[j])+","+num(l.y(v)))
	}
	flush()
	return out
}

// area fills under a line down to zero, between its first and last
// figures.
func (l *LineLayout) area(ln Line) string {
	var pts []string
	first, last := -1, -1
	for j, v := range ln.Values {
		if math.IsNaN(v) {
			continue
		}
		if first < 0 {
			first = j
		}
		last = j
		pts = append(pts, num(l.x[j])+","+num(l.y(v)))
	}
	if first < 0 {
		return ""
	}
	base := num(l.Top + l.PlotH)
	pts = append(pts, num(l.x[last])+","+base, num(l.x[first])+","+base)
	return fmt.Sprintf(`<polygon points="%s" class="area" fill="%s" fill-opacity="0.15"/>`, strings.Join(pts, " "), esc(ln.Color))
}
