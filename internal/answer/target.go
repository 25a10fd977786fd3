package answer

import (
	"errors"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Target is what a whois argument names: an address or CIDR, an entity
// of the atlas, or (when it names no entity) a host name.
type Target struct {
	Query  *Query        // set for an address, a CIDR or a host name (Query.Name)
	Entity *atlas.Entity // set otherwise
}

// ResolveTarget decides what a whois argument names, by one rule for
// every surface: an address or CIDR (unless provider is given), else
// what [Joiner.ResolveEntity] finds or, failing that, a unique fragment
// of a name ("Zhangbei"; see [atlas.Atlas.Find]); it must be a kind
// that has a whois answer ([atlas.HasWhois]). A valid host name that
// names no entity is a host name target.
func (j *Joiner) ResolveTarget(arg, provider string) (Target, error) {
	arg = strings.TrimSpace(arg)
	if provider == "" {
		if q, err := Parse(arg); err == nil {
			return Target{Query: &q}, nil
		}
	}
	e, err := j.find(arg, provider, j.atlas.Find)
	if KindOf(err) == NotFound && provider == "" {
		if q, perr := ParseInput(arg); perr == nil && q.IsName() {
			return Target{Query: &q}, nil
		}
	}
	if err != nil {
		return Target{}, err
	}
	if !atlas.HasWhois(e.Kind) {
		return Target{}, invalidf("%s is a %s: it has no operator, owners or reach to show (its facts: cloudatlas entity %s)", e.ID, e.Kind, e.ID)
	}
	return Target{Entity: e}, nil
}

// ResolveEntity finds the entity a user means: with provider, the region
// of that provider with the code arg; else an entity id, a name or alias
// naming one entity ([atlas.Atlas.Resolve]), else a region code that one
// provider uses. Several candidates are an error of kind [Ambiguous]
// with the choices; none, of kind [NotFound].
func (j *Joiner) ResolveEntity(arg, provider string) (*atlas.Entity, error) {
	return j.find(arg, provider, j.atlas.Resolve)
}

// find is ResolveEntity with the atlas's name rule given.
func (j *Joiner) find(arg, provider string, byName func(string) (*atlas.Entity, error)) (*atlas.Entity, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return nil, invalidf("no target given: name a region code, entity id, name, address or CIDR")
	}
	if provider != "" {
		if e := j.atlas.Region(provider, arg); e != nil {
			return e, nil
		}
		return nil, &Error{Kind: NotFound, Msg: "no region " + quote(arg) + " of provider " + quote(provider) + " in the atlas"}
	}
	e, err := byName(arg)
	if err == nil || !errors.Is(err, atlas.ErrNotFound) {
		return e, err
	}
	switch regions := j.atlas.RegionsWithCode(arg); len(regions) {
	case 0:
		return nil, &Error{Kind: NotFound, Err: err,
			Msg: quote(arg) + " is no entity id, name, alias or region code in the atlas (try a search)"}
	case 1:
		return regions[0], nil
	default:
		amb := &Error{Kind: Ambiguous, Msg: "region code " + quote(arg) + " is used by several providers; name one"}
		for _, r := range regions {
			amb.Choices = append(amb.Choices, Choice{ID: r.ID, Kind: r.Kind, Name: r.Name, Provider: r.Provider})
		}
		return nil, amb
	}
}

// WhoisEntity answers for an entity as of day; query is what the user
// typed, kept in the answer.
func (j *Joiner) WhoisEntity(e *atlas.Entity, query string, day time.Time) (*atlas.Answer, error) {
	ans, err := j.atlas.Whois(e.ID, day)
	if err != nil {
		return nil, err
	}
	ans.Query = query
	return ans, nil
}

func quote(s string) string { return `"` + clip(s) + `"` }
