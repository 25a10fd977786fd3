package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// handleWhois answers GET /v1/whois/{target}: the operator, owners,
// people, jurisdictions and laws of a region, partition, provider, data
// center or organisation, as of as_of.
func (s *Server) handleWhois(w http.ResponseWriter, r *http.Request) error {
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	t, err := s.join.ResolveTarget(r.PathValue("target"), r.URL.Query().Get("provider"))
	if err != nil {
		return err
	}
	if t.Query != nil {
		return errorf(http.StatusBadRequest, "%q is an address: ask /v1/ip/%s", t.Query.Input, t.Query.Input)
	}
	ans, err := s.join.WhoisEntity(t.Entity, r.PathValue("target"), day)
	if err != nil {
		return err
	}
	return writeJSON(w, ans)
}

// entityResponse is an entity with its facts and its timeline.
type entityResponse struct {
	*atlas.EntityAnswer
	Events []atlas.Event `json:"events"`
}

// describe returns everything about e, with one source numbering.
func (s *Server) describe(e *atlas.Entity) (*entityResponse, error) {
	d, err := s.atlas.Describe(e.ID)
	if err != nil {
		return nil, err
	}
	h, err := s.atlas.History(e.ID)
	if err != nil {
		return nil, err
	}
	return &entityResponse{EntityAnswer: d, Events: h.Events}, nil
}

// handleEntity answers GET /v1/entities/{id}.
func (s *Server) handleEntity(w http.ResponseWriter, r *http.Request) error {
	e, err := s.resolveEntity(r.PathValue("id"), r.URL.Query().Get("provider"))
	if err != nil {
		return err
	}
	resp, err := s.describe(e)
	if err != nil {
		return err
	}
	return writeJSON(w, resp)
}

// search runs an atlas search for the API and the pages.
func (s *Server) search(q string, limit int) []atlas.Hit {
	out := []atlas.Hit{}
	for _, m := range s.atlas.Search(q, limit) {
		out = append(out, m.Hit())
	}
	return out
}

// handleSearch answers GET /v1/search?q=&limit=.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return errorf(http.StatusBadRequest, "give a search text: /v1/search?q=sinnet")
	}
	if len(q) > 200 {
		return errorf(http.StatusBadRequest, "search text is longer than 200 bytes")
	}
	limit, err := intParam(r, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	return writeJSON(w, struct {
		Query   string      `json:"query"`
		Results []atlas.Hit `json:"results"`
	}{q, s.search(q, limit)})
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "%s must be an integer from %d to %d", name, lo, hi)
	}
	return n, nil
}

// regionJSON is a region in the regions list.
type regionJSON struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Provider  string      `json:"provider"`
	Partition string      `json:"partition"`
	Code      string      `json:"code"`
	Country   string      `json:"country,omitempty"`
	Operators []entityRef `json:"operators"`
}

// handleRegions answers GET /v1/regions?provider=&country=&as_of=.
func (s *Server) handleRegions(w http.ResponseWriter, r *http.Request) error {
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	provider, country := r.URL.Query().Get("provider"), strings.ToUpper(r.URL.Query().Get("country"))
	out := []regionJSON{}
	for _, e := range s.atlas.Entities {
		if e.Kind != atlas.KindRegion || (provider != "" && e.Provider != provider) ||
			(country != "" && s.countryOf(e, day) != country) {
			continue
		}
		rj := regionJSON{ID: e.ID, Name: e.Name, Provider: e.Provider, Partition: e.Partition, Code: e.Code,
			Country: s.countryOf(e, day), Operators: []entityRef{}}
		for _, f := range s.atlas.Operators(e.ID, day) {
			id := operatorID(f)
			rj.Operators = append(rj.Operators, entityRef{id, s.atlas.DisplayName(id)})
		}
		out = append(out, rj)
	}
	slices.SortFunc(out, func(a, b regionJSON) int { return cmp.Compare(a.ID, b.ID) })
	return writeJSON(w, struct {
		AsOf    string       `json:"as_of"`
		Regions []regionJSON `json:"regions"`
	}{atlas.DateOf(day).String(), out})
}

// providerJSON is a provider with its partitions.
type providerJSON struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	NameZH     string      `json:"name_zh,omitempty"`
	Brand      []entityRef `json:"run_by"`
	Partitions []entityRef `json:"partitions"`
	Regions    int         `json:"regions"`
}

// handleProviders answers GET /v1/providers.
func (s *Server) handleProviders(w http.ResponseWriter, r *http.Request) error {
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, struct {
		AsOf      string         `json:"as_of"`
		Providers []providerJSON `json:"providers"`
	}{atlas.DateOf(day).String(), s.providers(day)})
}

// handleMarket answers GET /v1/market?market=global|china: every series
// of every analyst firm, each on its own.
func (s *Server) handleMarket(w http.ResponseWriter, r *http.Request) error {
	market := r.URL.Query().Get("market")
	out := []*atlas.Series{}
	for _, sr := range s.atlas.Series {
		if market == "" || sr.Market == market {
			out = append(out, sr)
		}
	}
	return writeJSON(w, struct {
		Series []*atlas.Series `json:"series"`
	}{out})
}

// handleOpenAPI serves the API description.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeBytes(w, "application/json", s.openapi)
}
