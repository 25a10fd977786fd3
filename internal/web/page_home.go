package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// homePage is the front page: one search box and the headline facts.
type homePage struct {
	pageBase
	Providers, Regions, Entities, Statements, Records int
	Leaders                                           []leader
	China                                             []chinaRow
	Examples                                          []example
}

// leader is one "who leads" sentence: the biggest provider of a market
// in the latest period of one firm's series that measures the market's
// leader (see [atlas.Atlas.Leads]).
type leader struct {
	Firm, Market, Period, Name, ID, Value string
	Source                                atlas.Source
}

// example is a suggested search.
type example struct{ Text, URL string }

// handleHome renders the front page.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	day := atlas.DateOf(s.now()).Start()
	p := homePage{pageBase: s.base("cloudatlas — who's behind the clouds?", "home")}
	for _, e := range s.atlas.Entities {
		switch e.Kind {
		case atlas.KindProvider:
			p.Providers++
		case atlas.KindRegion:
			p.Regions++
		}
	}
	p.Entities, p.Statements, _, _ = s.atlas.Counts()
	p.Records = s.state.Load().Records
	for _, l := range s.atlas.Leads() {
		p.Leaders = append(p.Leaders, leader{Firm: l.Firm, Market: marketName(l.Market), Period: l.Period,
			Name: s.atlas.DisplayName(l.Entity), ID: l.Entity, Value: fmtValue(l.Value) + "%", Source: l.Source})
	}
	p.China = s.foreignInChina(day)
	p.Examples = []example{{"52.80.0.1", ipURL("52.80.0.1", "")}, {"cn-north-1", "/search?q=cn-north-1"},
		{"Sinnet", "/search?q=Sinnet"}, {"21Vianet", "/search?q=21Vianet"}}
	return s.render(w, http.StatusOK, "home", p)
}

// searchPage lists the entities matching a search text.
type searchPage struct {
	pageBase
	Results []atlas.Hit
}

// handleSearchPage sends an address or CIDR to its answer page, a name
// that names one entity to that entity's page, and anything else to a
// list of matches.
func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request) error {
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	if text == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	if len(text) > 200 {
		return errorf(http.StatusBadRequest, "search text is longer than 200 bytes")
	}
	asOf := r.URL.Query().Get("as_of")
	if q, err := answer.ParseInput(text); err == nil {
		u := ipURL(q.Input, asOf)
		if q.IsName() {
			if _, err := s.resolveEntity(text, ""); err != nil {
				u = "/host/" + escapePath(q.Name)
				if asOf != "" {
					u += "?as_of=" + url.QueryEscape(asOf)
				}
			} else {
				u = ""
			}
		}
		if u != "" {
			http.Redirect(w, r, u, http.StatusSeeOther)
			return nil
		}
	}
	if e, err := s.resolveEntity(text, ""); err == nil {
		u := entityURL(e.ID)
		if asOf != "" {
			u += "?as_of=" + url.QueryEscape(asOf)
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
		return nil
	}
	p := searchPage{pageBase: s.base("Search: "+text, ""), Results: s.search(text, 50)}
	p.Query = text
	return s.render(w, http.StatusOK, "search", p)
}
