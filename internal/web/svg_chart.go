package web

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/chart"
)

// palette is the line colours, chosen for contrast on white and for
// telling apart with common colour-vision deficiencies.
var palette = []string{"#0b5cad", "#c4480c", "#1b7f3b", "#8a2be2", "#b8860b", "#c2185b", "#00838f", "#5d4037", "#455a64", "#6b8e23"}

// totalColour draws a market's total size.
const totalColour = "#455a64"

// maxChartLines bounds the lines of one chart; the table lists them all.
const maxChartLines = 10

// marketChart is one analyst firm's series: a line chart when it spans
// enough periods (see [chart.Drawable]), else only its small table.
// Series are never mixed in one chart.
type marketChart struct {
	ID, Firm, Market string
	Title            string   // the chart's accessible name
	Caption          string   // what is measured, over which periods
	Definition       string   // the firm's definition of the market
	Notes            []string // the series' remarks after its definition
	SVG              template.HTML
	Legend           []legendItem
	Periods          []string
	Rows             []chartRow // the figures as a table
}

// legendItem is one line of a chart; ID is "" for a market's total.
type legendItem struct {
	ID, Name, Color string
}

// chartRow is one entity's figures by period.
type chartRow struct {
	ID, Name string
	Values   []string // one per period; "" when absent
}

// figures is a series reduced to the latest vintage of each (period,
// entity) figure, entities biggest in the last period first.
type figures struct {
	latest   map[[2]string]atlas.Point
	periods  []string
	entities []string
}

// latestFigures keeps, for a figure restated later (a point with a later
// vintage), the latest vintage.
func latestFigures(sr *atlas.Series) *figures {
	fg := &figures{latest: map[[2]string]atlas.Point{}}
	for _, p := range sr.Points {
		k := [2]string{p.Period, p.Entity}
		if old, ok := fg.latest[k]; !ok || old.Vintage.Start().Before(p.Vintage.Start()) {
			fg.latest[k] = p
		}
		if !slices.Contains(fg.periods, p.Period) {
			fg.periods = append(fg.periods, p.Period)
		}
		if !slices.Contains(fg.entities, p.Entity) {
			fg.entities = append(fg.entities, p.Entity)
		}
	}
	slices.Sort(fg.periods) // one granularity per series: text order is time order
	if len(fg.periods) > 0 {
		last := fg.periods[len(fg.periods)-1]
		slices.SortStableFunc(fg.entities, func(a, b string) int {
			return cmp.Compare(fg.latest[[2]string{last, b}].Value, fg.latest[[2]string{last, a}].Value)
		})
	}
	return fg
}

// unitOf returns the prefix and suffix of a measure's values.
func unitOf(measure string) (string, string) {
	switch measure {
	case atlas.MeasureShare:
		return "", "%"
	case "revenue_usd_bn", atlas.MeasureMarketSize:
		return "$", "bn"
	case "revenue_cny_bn":
		return "¥", "bn"
	}
	return "", ""
}

// marketName renders a market key for a sentence.
func marketName(m string) string {
	switch m {
	case "china":
		return "China"
	case "":
		return "whole"
	}
	return m
}

// measureText says what a series measures: "share of the global market".
func measureText(measure, market string) string {
	m := marketName(market)
	switch measure {
	case atlas.MeasureShare:
		return "share of the " + m + " market"
	case "revenue_usd_bn":
		return "revenue in the " + m + " market, US$ billions"
	case "revenue_cny_bn":
		return "revenue in the " + m + " market, CN¥ billions"
	case atlas.MeasureMarketSize:
		return "size of the whole " + m + " market, US$ billions"
	}
	return strings.ReplaceAll(measure, "_", " ") + ", " + m + " market"
}

// newMarketChart lays out a series; name gives an entity's display name.
func newMarketChart(sr *atlas.Series, name func(string) string) *marketChart {
	fg := latestFigures(sr)
	prefix, suffix := unitOf(sr.Measure)
	c := &marketChart{ID: "chart-" + sr.ID, Firm: sr.Firm, Market: sr.Market, Periods: fg.periods}
	c.Definition, c.Notes = splitDefinition(sr.Definition)
	c.Caption = measureText(sr.Measure, sr.Market) + ", " + cadence(fg.periods)
	c.Title = sr.Firm + ": " + c.Caption
	lc := &chart.LineChart{Title: c.Title, Prefix: prefix, Suffix: suffix, Periods: fg.periods,
		Area: sr.Measure == atlas.MeasureMarketSize}
	var desc []string
	last := ""
	if n := len(fg.periods); n > 0 {
		last = fg.periods[n-1]
	}
	for i, e := range fg.entities {
		label, colour := name(e), palette[i%len(palette)]
		if e == "" {
			label, colour = "Whole market", totalColour
		}
		row := chartRow{ID: e, Name: label, Values: make([]string, len(fg.periods))}
		ln := chart.Line{Name: label, Color: colour}
		for j, per := range fg.periods {
			p, ok := fg.latest[[2]string{per, e}]
			if !ok {
				ln.Values = append(ln.Values, math.NaN())
				ln.Notes = append(ln.Notes, "")
				continue
			}
			v := prefix + fmtValue(p.Value) + suffix
			row.Values[j] = v
			ln.Values = append(ln.Values, p.Value)
			ln.Notes = append(ln.Notes, fmt.Sprintf("%s, %s: %s (%s, published %s)", label, per, v, p.Source.Publisher, p.Vintage))
			if per == last {
				desc = append(desc, label+" "+v)
			}
		}
		c.Rows = append(c.Rows, row)
		if i < maxChartLines {
			lc.Lines = append(lc.Lines, ln)
			c.Legend = append(c.Legend, legendItem{ID: e, Name: label, Color: colour})
		}
	}
	if len(fg.periods) > 0 {
		lc.Desc = fmt.Sprintf("%d periods from %s to %s. In %s: %s.", len(fg.periods), fg.periods[0], last, last, strings.Join(desc, ", "))
	}
	if chart.Drawable(len(fg.periods)) {
		if l, err := lc.Layout(); err == nil {
			var b bytes.Buffer
			if err := l.WriteSVG(&b, c.ID); err == nil {
				c.SVG = template.HTML(b.String()) // chart escapes every text it writes
			}
		}
	}
	return c
}

// cadence says how often and over which span: "quarterly, 2018-Q2 to
// 2024-Q3", "yearly, 2019 to 2023", "2019 only".
func cadence(periods []string) string {
	switch len(periods) {
	case 0:
		return "no figures"
	case 1:
		return periods[0] + " only"
	}
	how := "yearly"
	if len(periods[0]) == 7 {
		how = "quarterly"
	}
	return fmt.Sprintf("%s, %s to %s", how, periods[0], periods[len(periods)-1])
}

// splitDefinition returns the first clause of a series' definition (the
// firm's definition of the market) and the remarks after it.
func splitDefinition(d string) (string, []string) {
	parts := strings.Split(d, ";")
	var notes []string
	for _, p := range parts[1:] {
		if p = strings.TrimSpace(p); p != "" {
			notes = append(notes, sentenceCase(p))
		}
	}
	return sentenceCase(strings.TrimSpace(parts[0])), notes
}

// sentenceCase capitalises the first letter and ends with a full stop.
func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func fmtValue(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}
