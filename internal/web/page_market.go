package web

import (
	"net/http"

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
	return s.render(w, http.StatusOK, "market", p)
}
