package web

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// palette is the line colours, chosen for contrast on white and for
// telling apart with common colour-vision deficiencies.
var palette = []string{"#0b5cad", "#c4480c", "#1b7f3b", "#8a2be2", "#b8860b", "#c2185b", "#00838f", "#5d4037", "#455a64", "#6b8e23"}

// Chart geometry, in SVG user units.
const (
	chartW, chartH            = 640, 300
	chartLeft, chartRight     = 48, 16
	chartTop, chartBottom     = 16, 40
	chartPlotW, chartPlotH    = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	maxChartLines, maxXLabels = 10, 8
)

// chart is one analyst firm's series drawn as a line chart: one line per
// entity over the periods. Series are never mixed in one chart.
type chart struct {
	ID, Firm, Market, Measure, Definition, Unit string
	MeasureText                                 string
	Title, Desc                                 string
	W, H                                        int
	Left, Top, PlotW, PlotH                     int
	XLabels                                     []chartLabel
	YTicks                                      []chartLabel
	Lines                                       []chartLine
	Periods                                     []string
	Rows                                        []chartRow // the figures as a table
}

type chartLabel struct {
	X, Y   float64
	Text   string
	Anchor string // SVG text-anchor
}

type chartLine struct {
	ID, Name, Color string
	Points          string // SVG polyline points
	Dots            []chartDot
}

type chartDot struct {
	X, Y  float64
	Label string
}

// chartRow is one entity's figures by period, for the table under the
// chart.
type chartRow struct {
	ID, Name string
	Color    string
	Values   []string // one per period; "" when absent
}

// figures is a series reduced to the latest vintage of each (period,
// entity) figure.
type figures struct {
	latest   map[[2]string]atlas.Point
	periods  []string // sorted
	entities []string // biggest in the last period first, at most maxChartLines
	top      float64  // the value axis' upper end
}

// latestFigures keeps, for a figure restated later (a point with a later
// vintage), the latest vintage.
func latestFigures(sr *atlas.Series) *figures {
	fg := &figures{latest: map[[2]string]atlas.Point{}}
	periodSet := map[string]bool{}
	for _, p := range sr.Points {
		k := [2]string{p.Period, p.Entity}
		if old, ok := fg.latest[k]; !ok || old.Vintage.Start().Before(p.Vintage.Start()) {
			fg.latest[k] = p
		}
		if !periodSet[p.Period] {
			periodSet[p.Period] = true
			fg.periods = append(fg.periods, p.Period)
		}
		if !slices.Contains(fg.entities, p.Entity) {
			fg.entities = append(fg.entities, p.Entity)
		}
	}
	slices.Sort(fg.periods)
	// Biggest in the latest period first, so the legend reads as a ranking.
	last := fg.periods[len(fg.periods)-1]
	slices.SortStableFunc(fg.entities, func(a, b string) int {
		return cmp.Compare(fg.latest[[2]string{last, b}].Value, fg.latest[[2]string{last, a}].Value)
	})
	if len(fg.entities) > maxChartLines {
		fg.entities = fg.entities[:maxChartLines]
	}
	maxV := 0.0
	for _, p := range fg.latest {
		maxV = max(maxV, p.Value)
	}
	fg.top = niceCeil(maxV)
	return fg
}

// newChart lays out a series.
func newChart(sr *atlas.Series, name func(string) string) *chart {
	fg := latestFigures(sr)
	periods, last := fg.periods, fg.periods[len(fg.periods)-1]
	c := &chart{ID: sr.ID, Firm: sr.Firm, Market: sr.Market, Measure: sr.Measure, Definition: sr.Definition,
		Unit: unitOf(sr.Measure), MeasureText: measureText(sr.Measure), W: chartW, H: chartH, Left: chartLeft, Top: chartTop,
		PlotW: chartPlotW, PlotH: chartPlotH, Periods: periods}
	c.Title = fmt.Sprintf("%s: %s, %s market (%s)", sr.Firm, measureText(sr.Measure), sr.Market, sr.Definition)
	// Periods sit on a time axis, so a gap of two years looks like one.
	first, span := periodOrdinal(periods[0]), periodOrdinal(last)-periodOrdinal(periods[0])
	x := func(i int) float64 {
		if span == 0 {
			return chartLeft + chartPlotW/2
		}
		return chartLeft + float64(periodOrdinal(periods[i])-first)*chartPlotW/float64(span)
	}
	y := func(v float64) float64 { return chartTop + chartPlotH - v/fg.top*chartPlotH }
	c.axes(fg, x, y)
	var desc []string
	for li, e := range fg.entities {
		ln, row := c.line(fg, e, name(e), palette[li%len(palette)], x, y)
		c.Lines = append(c.Lines, ln)
		c.Rows = append(c.Rows, row)
		if v := row.Values[len(periods)-1]; v != "" {
			desc = append(desc, ln.Name+" "+v)
		}
	}
	c.Desc = fmt.Sprintf("%d periods from %s to %s. In %s: %s.", len(periods), periods[0], last, last, strings.Join(desc, ", "))
	return c
}

// axes labels the periods (every few, and the last) and the values.
func (c *chart) axes(fg *figures, x func(int) float64, y func(float64) float64) {
	periods := fg.periods
	step := max(1, (len(periods)+maxXLabels-1)/maxXLabels)
	end := len(periods) - 1
	for i, p := range periods {
		// Label every step-th period and the last; drop the one before
		// the last when the two would collide.
		if (i%step == 0 && end-i >= step) || i == end {
			anchor := "middle"
			switch {
			case len(periods) > 1 && i == 0:
				anchor = "start"
			case len(periods) > 1 && i == end:
				anchor = "end"
			}
			c.XLabels = append(c.XLabels, chartLabel{X: x(i), Y: chartTop + chartPlotH + 18, Text: p, Anchor: anchor})
		}
	}
	for i := 0; i <= 4; i++ {
		v := fg.top * float64(i) / 4
		c.YTicks = append(c.YTicks, chartLabel{X: chartLeft - 6, Y: y(v), Text: fmtValue(v) + c.Unit})
	}
}

// line draws one entity's figures and its row of the data table.
func (c *chart) line(fg *figures, e, name, color string, x func(int) float64, y func(float64) float64) (chartLine, chartRow) {
	ln := chartLine{ID: e, Name: name, Color: color}
	row := chartRow{ID: e, Name: name, Color: color, Values: make([]string, len(fg.periods))}
	var pts []string
	for i, per := range fg.periods {
		p, ok := fg.latest[[2]string{per, e}]
		if !ok {
			continue
		}
		px, py := x(i), y(p.Value)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
		label := fmt.Sprintf("%s %s: %s%s (%s, published %s)", name, per, fmtValue(p.Value), c.Unit, p.Source.Publisher, p.Vintage)
		ln.Dots = append(ln.Dots, chartDot{X: px, Y: py, Label: label})
		row.Values[i] = fmtValue(p.Value) + c.Unit
	}
	ln.Points = strings.Join(pts, " ")
	return ln, row
}

// periodOrdinal numbers a period ("2024" or "2024-Q3") on a scale where
// consecutive periods of one granularity are one apart. A series holds
// one granularity (the atlas check enforces it).
func periodOrdinal(p string) int {
	year, _ := strconv.Atoi(p[:min(4, len(p))])
	if len(p) == 7 && p[4:6] == "-Q" {
		return year*4 + int(p[6]-'1')
	}
	return year
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*e {
			return m * e
		}
	}
	return 10 * e
}

func fmtValue(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func unitOf(measure string) string {
	if measure == "share_pct" {
		return "%"
	}
	return ""
}

func measureText(measure string) string {
	switch measure {
	case "share_pct":
		return "market share"
	case "revenue_usd_bn":
		return "revenue, US$ bn"
	case "revenue_cny_bn":
		return "revenue, CN¥ bn"
	}
	return measure
}
