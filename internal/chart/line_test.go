package chart

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

var nan = math.NaN()

// quarters returns the quarters from the first of year y0 for n quarters.
func quarters(y0, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%d-Q%d", y0+i/4, i%4+1))
	}
	return out
}

// denseShare is 33 quarters of shares, as Synergy publishes them, with
// one line missing two quarters.
func denseShare() *LineChart {
	ps := quarters(2018, 33)
	c := &LineChart{Title: "Example Research: share of the global market", Desc: "33 quarters", Suffix: "%", Periods: ps}
	for li, name := range []string{"Amazon Web Services", "Microsoft Azure", "<b>Hostile</b>"} {
		ln := Line{Name: name, Color: []string{"#0b5cad", "#c4480c", "#1b7f3b"}[li]}
		for i := range ps {
			v := float64(33-li*10) + math.Sin(float64(i))
			if li == 1 && (i == 5 || i == 6) {
				v = nan
			}
			ln.Values = append(ln.Values, v)
			ln.Notes = append(ln.Notes, fmt.Sprintf("%s %s: %s%%", name, ps[i], fmtValue(v)))
		}
		c.Lines = append(c.Lines, ln)
	}
	return c
}

// marketSize is a total with no entity, drawn as an area.
func marketSize() *LineChart {
	return &LineChart{Title: "Example Research: size of the global market", Prefix: "$", Suffix: "bn", Area: true,
		Periods: []string{"2018-Q2", "2019-Q1", "2020-Q4", "2022-Q3", "2024-Q1"},
		Lines: []Line{{Name: "Whole market", Color: "#455a64", Values: []float64{20, 25, 37, 57, 76},
			Notes: []string{"a", "b", "c", "d", "e"}}}}
}

// yearsWithGap is yearly figures with a missing year on the axis.
func yearsWithGap() *LineChart {
	return &LineChart{Title: "Example: yearly share", Suffix: "%", Periods: []string{"2018", "2019", "2021", "2023"},
		Lines: []Line{{Name: "A", Color: "#0b5cad", Values: []float64{40, 38, nan, 36}}}}
}

func render(t *testing.T, c *LineChart) (*LineLayout, string) {
	t.Helper()
	l, err := c.Layout()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := l.WriteSVG(&b, "c1"); err != nil {
		t.Fatal(err)
	}
	return l, b.String()
}

func TestLineChartGolden(t *testing.T) {
	for name, c := range map[string]*LineChart{"line-dense.svg": denseShare(), "line-size.svg": marketSize(), "line-years.svg": yearsWithGap()} {
		_, svg := render(t, c)
		golden(t, name, []byte(svg))
	}
}

// TestAxisLabelsNeverOverlap lays out series from 3 to 60 periods, yearly
// and quarterly, and checks that no two period labels come closer than
// the gap and that every label stays inside the drawing.
func TestAxisLabelsNeverOverlap(t *testing.T) {
	for n := 3; n <= 60; n++ {
		for _, ps := range [][]string{quarters(2010, n), years(1990, n)} {
			c := &LineChart{Suffix: "%", Periods: ps, Lines: []Line{{Values: ones(n)}}}
			l, err := c.Layout()
			if err != nil {
				t.Fatal(err)
			}
			if len(l.XLabels) < 2 {
				t.Errorf("%d periods from %s: only %d labels", n, ps[0], len(l.XLabels))
			}
			for i, lb := range l.XLabels {
				x0, x1 := lb.extent()
				if x0 < 0 || x1 > l.W {
					t.Errorf("%d periods: label %q runs out of the drawing (%.0f..%.0f)", n, lb.Text, x0, x1)
				}
				if i > 0 {
					_, prev := l.XLabels[i-1].extent()
					if x0-prev < tickGap {
						t.Errorf("%d periods from %s: labels %q and %q overlap or touch", n, ps[0], l.XLabels[i-1].Text, lb.Text)
					}
				}
			}
		}
	}
	// A series with holes is labelled at each year's start all the same.
	c := &LineChart{Periods: []string{"2018-Q2", "2018-Q3", "2019-Q4", "2020-Q2", "2021-Q3", "2022-Q1", "2022-Q2", "2022-Q3",
		"2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3"}, Lines: []Line{{Values: ones(16)}}}
	l, err := c.Layout()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, lb := range l.XLabels {
		got = append(got, lb.Text)
	}
	if g := strings.Join(got, " "); g != "2019 2020 2021 2022 2023 2024" {
		t.Errorf("labels of a series with holes = %s", g)
	}
	// 33 quarters are labelled by year at each first quarter.
	l, _ = denseShare().Layout()
	var texts []string
	for _, lb := range l.XLabels {
		texts = append(texts, lb.Text)
	}
	if got := strings.Join(texts, " "); got != "2018 2019 2020 2021 2022 2023 2024 2025 2026" {
		t.Errorf("labels of 33 quarters = %s", got)
	}
}

func years(y0, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprint(y0+i))
	}
	return out
}

func ones(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

func TestValueAxis(t *testing.T) {
	for _, tt := range []struct {
		max  float64
		want string
	}{
		{33.9, "0% 10% 20% 30% 40%"},
		{8.5, "0% 2.5% 5% 7.5% 10%"},
		{76, "0% 20% 40% 60% 80%"},
		{0, "0% 1%"},
	} {
		c := &LineChart{Suffix: "%", Periods: []string{"2018", "2019", "2020"}, Lines: []Line{{Values: []float64{tt.max, 0, nan}}}}
		l, err := c.Layout()
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, tk := range l.YTicks {
			texts = append(texts, tk.Text)
		}
		if got := strings.Join(texts, " "); got != tt.want {
			t.Errorf("max %v: ticks %s, want %s", tt.max, got, tt.want)
		}
	}
}

func TestLineChartRefuses(t *testing.T) {
	for name, c := range map[string]*LineChart{
		"two periods":  {Periods: []string{"2019", "2020"}},
		"bad period":   {Periods: []string{"2019", "2020-H1", "2021"}},
		"out of order": {Periods: []string{"2019", "2021", "2020"}},
		"short line":   {Periods: []string{"2019", "2020", "2021"}, Lines: []Line{{Name: "x", Values: []float64{1}}}},
	} {
		if _, err := c.Layout(); err == nil {
			t.Errorf("%s: Layout succeeded, want an error", name)
		}
	}
	if Drawable(2) || !Drawable(3) {
		t.Error("Drawable: want charts from three periods")
	}
}

func TestLineChartSVG(t *testing.T) {
	_, svg := render(t, denseShare())
	if strings.Contains(svg, "<b>") || !strings.Contains(svg, "&lt;b&gt;Hostile&lt;/b&gt;") {
		t.Error("a name reached the SVG unescaped")
	}
	if !strings.Contains(svg, `role="img" aria-labelledby="c1-t c1-d"`) || strings.Contains(svg, "<a ") || strings.Contains(svg, "style=") {
		t.Error("a chart is an image with a title and a description, with no link and no inline style")
	}
	// The line with two missing quarters is drawn in two pieces.
	if n := strings.Count(svg, `stroke="#c4480c"`); n != 2 {
		t.Errorf("the gapped line has %d pieces, want 2", n)
	}
	_, area := render(t, marketSize())
	if !strings.Contains(area, `<polygon `) || !strings.Contains(area, ">$80bn</text>") {
		t.Errorf("the market size is drawn as an area on a US$ bn axis:\n%s", area)
	}
}

// TestTimeAxis: periods sit on a time axis, so a gap of two years looks
// like one.
func TestTimeAxis(t *testing.T) {
	c := &LineChart{Periods: []string{"2018-Q2", "2018-Q3", "2020-Q4"}, Lines: []Line{{Values: []float64{10, 11, 12}}}}
	l, err := c.Layout()
	if err != nil {
		t.Fatal(err)
	}
	// 2018-Q2 .. 2020-Q4 is 10 quarters; 2018-Q3 is one of them.
	if got := (l.x[1] - l.x[0]) / (l.x[2] - l.x[0]); math.Abs(got-0.1) > 1e-9 {
		t.Errorf("2018-Q3 sits at %.3f of the axis, want 0.100", got)
	}
}
