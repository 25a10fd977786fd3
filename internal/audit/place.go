package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Place is what an asset resolved to: one place of the join (a feed's
// provider, partition and region, a routed range's AS and country, or a
// region named in the inventory) with its atlas answer as of the audit
// day and what reports show of it. It is built once per place answer.
type Place struct {
	Key       string // provider/partition/region, or AS<n>/<country> for a routed range
	Provider  string // provider key (aws)
	Partition string
	Region    string // region code as the feed or inventory spells it
	ASN       uint32 // a routed range's AS
	Country   string // a routed range's registered country
	// Answer is the join's memoised place answer (Answer.Answer is nil
	// when Answer.Err says why the atlas has none).
	Answer *answer.PlaceAnswer
	// Operators are the place's operators as of the day; Controllers the
	// ultimate controllers of each (the operator itself when nothing
	// controls it), in operator order.
	Operators   []Named
	Controllers []Named

	codes map[string]string // jurisdiction id -> code, for the answer's jurisdictions and laws
}

// code returns the short code of a jurisdiction of the place's answer.
func (p *Place) code(id string) string {
	if c, ok := p.codes[id]; ok {
		return c
	}
	return strings.ToUpper(strings.TrimPrefix(id, "jurisdiction/"))
}

// Named is an atlas entity with its display name.
type Named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// newPlace builds the summary of a place answer.
func newPlace(a *atlas.Atlas, pa *answer.PlaceAnswer, key string) *Place {
	p := &Place{Key: key, Answer: pa, Provider: pa.Place.Provider, Partition: pa.Place.Partition, Region: pa.Place.Region,
		Operators: []Named{}, Controllers: []Named{}}
	ans := pa.Answer
	if ans == nil {
		return p
	}
	p.codes = map[string]string{}
	for _, x := range ans.Jurisdictions {
		p.codes[x.Jurisdiction] = a.JurisdictionCode(x.Jurisdiction)
	}
	for _, x := range ans.Reach {
		p.codes[x.Jurisdiction] = a.JurisdictionCode(x.Jurisdiction)
	}
	for i, id := range pa.OperatorIDs() {
		p.Operators = append(p.Operators, Named{ID: id, Name: pa.OperatorNames()[i]})
		for _, c := range controllersOf(ans, id) {
			if !slices.ContainsFunc(p.Controllers, func(n Named) bool { return n.ID == c }) {
				p.Controllers = append(p.Controllers, Named{ID: c, Name: a.DisplayName(c)})
			}
		}
	}
	return p
}

// placeKey names a place in reports.
func placeKey(p atlas.Place) string {
	return p.Provider + "/" + p.Partition + "/" + p.Region
}

// routeKey names a routed range's place in reports.
func routeKey(asn uint32, country string) string {
	return fmt.Sprintf("AS%d/%s", asn, country)
}

// Label is a short description of the place: "aws us-east-1", "AS16509
// (US)".
func (p *Place) Label() string {
	if p.ASN != 0 {
		return fmt.Sprintf("AS%d (%s)", p.ASN, cmpOr(p.Country, "no country"))
	}
	parts := []string{p.Provider}
	if p.Partition != "" && p.Partition != p.Provider {
		parts = append(parts, p.Partition)
	}
	if p.Region != "" {
		parts = append(parts, p.Region)
	}
	return strings.Join(parts, " ")
}

// controllersOf returns the ultimate controllers of an operator from the
// answer's ownership walk: the owners reached by a chain of controlling
// steps that no longer controlling chain passes through; the operator
// itself when no owner controls it.
func controllersOf(ans *atlas.Answer, op string) []string {
	var own *atlas.Ownership
	for _, o := range ans.Ownership {
		if o.Of == op {
			own = o
			break
		}
	}
	if own == nil {
		return []string{op}
	}
	var controlling, between []string
	for _, o := range own.Owners {
		for _, path := range o.Paths {
			if !path.Controlling {
				continue
			}
			if !slices.Contains(controlling, o.ID) {
				controlling = append(controlling, o.ID)
			}
			for _, st := range path.Steps[:len(path.Steps)-1] {
				between = append(between, parentOf(st))
			}
		}
	}
	var out []string
	for _, c := range controlling {
		if !slices.Contains(between, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return []string{op}
	}
	return out
}

// parentOf returns the upper end of an ownership step (the owner, or the
// parent of a subsidiary_of step).
func parentOf(st atlas.Step) string {
	if st.Predicate == "subsidiary_of" {
		return st.To
	}
	return st.From
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
