package web

import (
	"cmp"
	"slices"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// This file derives the site-wide views of the atlas (providers, regions
// by country, foreign clouds in China) that the API and the pages share.

// operatorID returns the operating organisation a fact of
// [atlas.Atlas.Operators] names.
func operatorID(f atlas.Fact) string {
	if f.Statement.Predicate == "brand_of" {
		return f.Statement.Object
	}
	return f.Statement.Subject
}

// countryOf returns the ISO country of an entity: its own country field,
// else that of the jurisdiction it is located in at day.
func (s *Server) countryOf(e *atlas.Entity, day time.Time) string {
	if e.Country != "" {
		return e.Country
	}
	for _, f := range s.atlas.StatementsAt(e.ID, "located_in", day) {
		if j := s.atlas.Entity(f.Statement.Object); j != nil && j.Kind == atlas.KindJurisdiction {
			return j.Country
		}
	}
	return ""
}

// providerOf returns the provider entity id of a region, partition,
// provider or data center, or "".
func (s *Server) providerOf(e *atlas.Entity, day time.Time) string {
	return s.atlas.ProviderOf(e, day)
}

// homeCountry returns the country of the organisation that runs a
// provider (its brand_of object), else the provider's own country.
func (s *Server) homeCountry(providerID string, day time.Time) string {
	for _, f := range s.atlas.StatementsAt(providerID, "brand_of", day) {
		if org := s.atlas.Entity(f.Statement.Object); org != nil && org.Country != "" {
			return org.Country
		}
	}
	if p := s.atlas.Entity(providerID); p != nil {
		return p.Country
	}
	return ""
}

// providers lists every provider with the organisations that run it,
// its partitions and its number of regions.
func (s *Server) providers(day time.Time) []providerJSON {
	regions := map[string]int{}
	partitions := map[string][]entityRef{}
	for _, e := range s.atlas.Entities {
		switch e.Kind {
		case atlas.KindRegion:
			regions[s.providerOf(e, day)]++
		case atlas.KindPartition:
			p := s.providerOf(e, day)
			partitions[p] = append(partitions[p], entityRef{e.ID, e.Name})
		}
	}
	out := []providerJSON{}
	for _, e := range s.atlas.Entities {
		if e.Kind != atlas.KindProvider {
			continue
		}
		pj := providerJSON{ID: e.ID, Name: e.Name, NameZH: e.NameZH, Brand: []entityRef{},
			Partitions: partitions[e.ID], Regions: regions[e.ID]}
		if pj.Partitions == nil {
			pj.Partitions = []entityRef{}
		}
		for _, f := range s.atlas.StatementsAt(e.ID, "brand_of", day) {
			pj.Brand = append(pj.Brand, entityRef{f.Statement.Object, s.atlas.DisplayName(f.Statement.Object)})
		}
		out = append(out, pj)
	}
	slices.SortFunc(out, func(a, b providerJSON) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// chinaRow is a foreign cloud run inside China by a Chinese company.
type chinaRow struct {
	Provider  node
	Asset     node // region, partition or data center
	Operator  node
	Since     string
	Statement string
}

// foreignInChina lists, at day, every operates fact whose operator is a
// Chinese organisation and whose asset belongs to a provider run from
// outside China.
func (s *Server) foreignInChina(day time.Time) []chinaRow {
	var out []chinaRow
	for _, f := range s.atlas.At(atlas.Filter{Predicate: "operates"}, day) {
		st := f.Statement
		op, asset := s.atlas.Entity(st.Subject), s.atlas.Entity(st.Object)
		if op == nil || asset == nil || s.countryOf(op, day) != "CN" {
			continue
		}
		prov := s.providerOf(asset, day)
		if prov == "" {
			continue
		}
		if home := s.homeCountry(prov, day); home == "" || home == "CN" {
			continue
		}
		out = append(out, chinaRow{Provider: s.node(prov), Asset: entityNode(asset), Operator: entityNode(op),
			Since: st.Valid.From.String(), Statement: st.ID})
	}
	slices.SortStableFunc(out, func(a, b chinaRow) int {
		return cmp.Or(cmp.Compare(a.Provider.Name, b.Provider.Name), cmp.Compare(a.Asset.ID, b.Asset.ID))
	})
	return out
}

// countryRegions is the regions of one country.
type countryRegions struct {
	Country string
	Name    string // the jurisdiction's name, when the atlas has one
	Regions []*atlas.Entity
}

// regionsByCountry groups every region by country, most regions first.
func (s *Server) regionsByCountry(day time.Time) []countryRegions {
	by := map[string]*countryRegions{}
	names := map[string]string{}
	for _, e := range s.atlas.Entities {
		if e.Kind == atlas.KindJurisdiction && e.Country != "" {
			if _, ok := names[e.Country]; !ok {
				names[e.Country] = e.Name
			}
		}
	}
	for _, e := range s.atlas.Entities {
		if e.Kind != atlas.KindRegion {
			continue
		}
		c := s.countryOf(e, day)
		if c == "" {
			c = "??"
		}
		if by[c] == nil {
			by[c] = &countryRegions{Country: c, Name: names[c]}
		}
		by[c].Regions = append(by[c].Regions, e)
	}
	out := make([]countryRegions, 0, len(by))
	for _, cr := range by {
		slices.SortFunc(cr.Regions, func(a, b *atlas.Entity) int { return cmp.Compare(a.ID, b.ID) })
		out = append(out, *cr)
	}
	slices.SortFunc(out, func(a, b countryRegions) int {
		return cmp.Or(cmp.Compare(len(b.Regions), len(a.Regions)), cmp.Compare(a.Country, b.Country))
	})
	return out
}

// entityNode returns the node of an entity.
func entityNode(e *atlas.Entity) node {
	return node{ID: e.ID, Name: e.Name, NameZH: e.NameZH, Kind: e.Kind}
}

// node returns the node of entity id, or a bare node for an unknown id.
func (s *Server) node(id string) node {
	if e := s.atlas.Entity(id); e != nil {
		return entityNode(e)
	}
	return node{ID: id, Name: id}
}
