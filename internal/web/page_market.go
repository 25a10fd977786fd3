package web

import (
	"net/http"
	"strconv"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// marketPage is "who's behind the clouds": market shares, the foreign
// clouds in China and their operators, and regions by country.
type marketPage struct {
	pageBase
	AsOf      string
	Global    []*marketChart
	China     []*marketChart
	Other     []*marketChart
	Foreign   []chinaRow
	ByCountry []countryRegions
	Share     *shareView // the measured hosting share, when one was measured
}

// shareView draws a measured hosting share as bars.
type shareView struct {
	*HostingShare
	Bars []shareBar
	H    int
}

type shareBar struct {
	Key, Label string
	Y, W       int // bar position and width in the 600-wide drawing
	Pct        string
}

// maxShareBars bounds the bars drawn; the rest stay in the table.
const maxShareBars = 12

func newShareView(hs *HostingShare) *shareView {
	v := &shareView{HostingShare: hs}
	top := 0.0
	for _, r := range hs.Rows {
		top = max(top, r.Share)
	}
	for i, r := range hs.Rows {
		if i == maxShareBars {
			break
		}
		w := 0
		if top > 0 {
			w = int(380 * r.Share / top)
		}
		v.Bars = append(v.Bars, shareBar{Key: r.Key, Label: r.Key, Y: 10 + 26*i, W: max(w, 1),
			Pct: strconv.FormatFloat(100*r.Share, 'f', 1, 64) + "%"})
	}
	v.H = 20 + 26*len(v.Bars)
	return v
}

// handleMarketPage renders /market.
func (s *Server) handleMarketPage(w http.ResponseWriter, r *http.Request) error {
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	p := marketPage{pageBase: s.base("Who's behind the clouds: the market", "market"), AsOf: atlas.DateOf(day).String()}
	for _, sr := range s.atlas.Series {
		if len(sr.Points) == 0 {
			continue
		}
		c := newMarketChart(sr, s.atlas.DisplayName)
		switch sr.Market {
		case "global":
			p.Global = append(p.Global, c)
		case "china":
			p.China = append(p.China, c)
		default:
			p.Other = append(p.Other, c)
		}
	}
	p.Foreign = s.foreignInChina(day)
	p.ByCountry = s.regionsByCountry(day)
	if hs := s.state.Load().Share; hs != nil {
		p.Share = newShareView(hs)
	}
	return s.render(w, http.StatusOK, "market", p)
}
