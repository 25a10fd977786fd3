package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// entityPage is everything about one entity.
type entityPage struct {
	pageBase
	Entity  *atlas.Entity
	AsOf    string
	Groups  []factGroup
	Events  []eventView
	Graph   *graph
	Chain   *chain // who runs, owns and reaches it, for the kinds whois answers
	Sources []atlas.SourceRef
}

// factGroup is the statements with one predicate and direction.
type factGroup struct {
	Heading string
	Facts   []factView
}

// factView is one statement seen from the entity.
type factView struct {
	Other                 node
	Period, Extra, Claim  string
	Note                  string
	Sources               []int
	HoldsNow, Competitive bool
}

// eventView is one timeline entry.
type eventView struct {
	Date, Change, Text string
	Other              node
	Sources            []int
}

// handleEntityPage renders /entity/{id}.
func (s *Server) handleEntityPage(w http.ResponseWriter, r *http.Request) error {
	e, err := s.resolveEntity(r.PathValue("id"), r.URL.Query().Get("provider"))
	if err != nil {
		return err
	}
	if e.ID != r.PathValue("id") {
		u := entityURL(e.ID)
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
		return nil
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	d, err := s.describe(e)
	if err != nil {
		return err
	}
	p := entityPage{pageBase: s.base(e.Name, ""), Entity: e, AsOf: atlas.DateOf(day).String(), Sources: d.Sources,
		Graph: s.newGraph(e, day, func(id string) []int { return d.Statements[id].Sources })}
	for _, g := range d.Groups {
		fg := factGroup{Heading: groupHeading(g)}
		for _, id := range g.Statements {
			fg.Facts = append(fg.Facts, s.factView(d, id, e.ID, day))
		}
		p.Groups = append(p.Groups, fg)
	}
	for _, ev := range d.Events {
		st := d.Statements[ev.Statement]
		other := st.Object
		if other == e.ID {
			other = st.Subject
		}
		p.Events = append(p.Events, eventView{Date: ev.Date, Change: ev.Change,
			Text: nameIn(d.Entities, st.Subject) + " " + strings.ReplaceAll(st.Predicate, "_", " ") + " " + nameIn(d.Entities, st.Object), Other: ansNode(d.Entities, other), Sources: st.Sources})
	}
	if atlas.HasWhois(e.Kind) {
		if ans, err := s.join.WhoisEntity(e, e.ID, day); err == nil {
			p.Chain = newChain("e", atlas.Place{}, ans)
			p.Chain.OnEntityPage = true
			p.Sources = p.Chain.adoptSources(p.Sources)
			if p.Chain.IsOrg {
				p.Chain.addOperates(s.atlas, d, e, day)
			}
		}
	}
	return s.render(w, http.StatusOK, "entity", p)
}

// groupHeading names a fact group from the entity's side: "owned by"
// for the owns statements whose object it is, "owns" for its own.
func groupHeading(g atlas.FactGroup) string {
	if g.Direction == "in" {
		if h, ok := inHeadings[g.Predicate]; ok {
			return h
		}
		return "is the object of: " + strings.ReplaceAll(g.Predicate, "_", " ")
	}
	if h, ok := outHeadings[g.Predicate]; ok {
		return h
	}
	return strings.ReplaceAll(g.Predicate, "_", " ")
}

// inHeadings and outHeadings name the fact groups in words.
var (
	inHeadings = map[string]string{"operates": "Operated by", "owns": "Owned by", "controls": "Controlled by",
		"officer": "Officers", "subsidiary_of": "Subsidiaries", "brand_of": "Brands it runs", "holds_asn": "Held by",
		"licenses_technology_to": "Runs technology licensed from", "located_in": "Located there",
		"incorporated_in": "Incorporated there", "region_of": "Regions", "partition_of": "Partitions",
		"joint_venture": "Joint ventures", "founded": "Founded by"}
	outHeadings = map[string]string{"operates": "Operates", "owns": "Owns", "controls": "Controls",
		"officer": "Officer of", "subsidiary_of": "Subsidiary of", "brand_of": "Brand of", "holds_asn": "Holds",
		"licenses_technology_to": "Licenses its technology to", "located_in": "Located in",
		"incorporated_in": "Incorporated in", "region_of": "Region of", "partition_of": "Partition of",
		"joint_venture": "Joint venture of", "founded": "Founded"}
)

// factView describes statement id as seen from entity self at day.
func (s *Server) factView(d *entityResponse, id, self string, day time.Time) factView {
	ref := d.Statements[id]
	other := ref.Object
	if other == self {
		other = ref.Subject
	}
	f := factView{Other: ansNode(d.Entities, other), Period: period(ref), Claim: ref.Claim, Sources: ref.Sources}
	if ref.Share.Known {
		f.Extra = ref.Share.String()
	}
	if ref.Role != "" {
		f.Extra = ref.Role
	}
	if st := s.atlas.Statement(id); st != nil {
		f.HoldsNow = st.Valid.Contains(day)
		f.Note = st.Note
	}
	if ref.Claim != "" && !ref.Preferred {
		f.Competitive = true
	}
	return f
}

// nameIn returns the name of an entity listed in an answer.
func nameIn(ents map[string]atlas.EntityRef, id string) string { return cmpOr(ents[id].Name, id) }

// ansNode returns the node of an entity listed in an answer.
func ansNode(ents map[string]atlas.EntityRef, id string) node {
	ref := ents[id]
	return node{ID: id, Name: cmpOr(ref.Name, id), NameZH: ref.NameZH, Kind: ref.Kind}
}
