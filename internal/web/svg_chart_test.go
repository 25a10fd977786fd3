package web

import (
	"math"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// TestChartSpacesPeriodsByTime: a gap between quarters shows as a gap.
func TestChartSpacesPeriodsByTime(t *testing.T) {
	sr := &atlas.Series{ID: "s", Firm: "F", Market: "global", Measure: "share_pct", Points: []atlas.Point{
		{Period: "2018-Q2", Entity: "provider/a", Value: 10},
		{Period: "2018-Q3", Entity: "provider/a", Value: 11},
		{Period: "2020-Q4", Entity: "provider/a", Value: 12},
	}}
	c := newChart(sr, func(id string) string { return id })
	dots := c.Lines[0].Dots
	if len(dots) != 3 {
		t.Fatalf("dots: %+v", dots)
	}
	// 2018-Q2 .. 2020-Q4 is 10 quarters; 2018-Q3 is one of them.
	got := (dots[1].X - dots[0].X) / (dots[2].X - dots[0].X)
	if math.Abs(got-0.1) > 1e-9 {
		t.Fatalf("2018-Q3 sits at %.3f of the axis, want 0.100", got)
	}
	if periodOrdinal("2024") != 2024 || periodOrdinal("2024-Q1")+1 != periodOrdinal("2024-Q2") {
		t.Fatal("periodOrdinal")
	}
}
