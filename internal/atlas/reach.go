package atlas

import (
	"slices"
	"strings"
	"time"
)

// The bases on which a law reaches an entity.
const (
	BasisIncorporatedIn = "incorporated_in"
	BasisLocatedIn      = "located_in"
	BasisControlledFrom = "controlled_from"
)

// Exposure is a jurisdiction an asset answers to, on one basis, with the
// path of statements that leads there.
type Exposure struct {
	Jurisdiction string `json:"jurisdiction"`
	Basis        string `json:"basis"`
	Path         []Step `json:"path"`
}

// Reach is a law that reaches an asset: the law, its jurisdiction, the
// basis, and the path asset -> region -> operator -> owner -> law. The
// last step links the jurisdiction to the law.
type Reach struct {
	Law          string `json:"law"`
	Jurisdiction string `json:"jurisdiction"`
	Basis        string `json:"basis"`
	Path         []Step `json:"path"`
}

// Operators returns the operators of an asset at t, as facts: for a
// region, the operates statements on it, else its partition's operators;
// for a partition, the operates statements on it, else its provider's
// operators; for a data center, the operates statements on it; for a
// provider, its brand_of statements; for an autonomous system, the
// holds_asn statements on it (the holder runs the network). An organisation operates itself
// and has no facts.
func (a *Atlas) Operators(id string, t time.Time) []Fact {
	e := a.byID[id]
	if e == nil {
		return nil
	}
	switch e.Kind {
	case KindRegion:
		if fs := a.IncomingAt(id, "operates", t); len(fs) > 0 {
			return fs
		}
		return a.Operators(a.partitionOf(e, t), t)
	case KindPartition:
		if fs := a.IncomingAt(id, "operates", t); len(fs) > 0 {
			return fs
		}
		return a.Operators(a.ProviderOf(e, t), t)
	case KindDatacenter:
		return a.IncomingAt(id, "operates", t)
	case KindProvider:
		return a.StatementsAt(id, "brand_of", t)
	case KindAS:
		return a.IncomingAt(id, "holds_asn", t)
	}
	return nil
}

// operatorOf returns the operator id a fact from [Atlas.Operators] names.
func operatorOf(f Fact) string {
	if f.Statement.Predicate == "brand_of" {
		return f.Statement.Object
	}
	return f.Statement.Subject
}

// partitionOf returns the partition entity id of a region: its region_of
// statement at t, else its partition field.
func (a *Atlas) partitionOf(region *Entity, t time.Time) string {
	if fs := a.StatementsAt(region.ID, "region_of", t); len(fs) > 0 {
		return fs[0].Statement.Object
	}
	if region.Partition == "" {
		return ""
	}
	return "partition/" + region.Partition
}

// ProviderOf returns the provider entity id of a provider, region,
// partition or data center at t, or "": a region's provider field, else
// its partition's partition_of statement; a data center's region's.
func (a *Atlas) ProviderOf(e *Entity, t time.Time) string {
	switch e.Kind {
	case KindProvider:
		return e.ID
	case KindRegion:
		if e.Provider != "" {
			return "provider/" + e.Provider
		}
		if p := a.byID[a.partitionOf(e, t)]; p != nil {
			return a.ProviderOf(p, t)
		}
	case KindPartition:
		if fs := a.StatementsAt(e.ID, "partition_of", t); len(fs) > 0 {
			return fs[0].Statement.Object
		}
	case KindDatacenter:
		for _, f := range a.StatementsAt(e.ID, "located_in", t) {
			if r := a.byID[f.Statement.Object]; r != nil && r.Kind == KindRegion {
				return a.ProviderOf(r, t)
			}
		}
	}
	return ""
}

// Exposures returns the jurisdictions an asset (region, data center,
// partition, provider or organisation) answers to at t: where it is
// located, where its operators are incorporated and located, and where
// the entities that control its operators are incorporated.
func (a *Atlas) Exposures(id string, t time.Time) []Exposure {
	var out []Exposure
	out = append(out, a.located(id, nil, t)...)
	var operators []hop
	if e := a.byID[id]; e != nil && e.Kind == KindOrganisation {
		operators = append(operators, hop{id: id})
	}
	for _, f := range a.Operators(id, t) {
		operators = append(operators, hop{operatorOf(f), []Step{stepOf(f, t)}})
	}
	for _, op := range operators {
		out = append(out, a.homeOf(op.id, op.path, t, BasisIncorporatedIn)...)
		out = append(out, a.located(op.id, op.path, t)...)
		out = append(out, a.controllers(op.id, op.path, t)...)
	}
	return dedupeExposures(a.unions(out, t))
}

// unions adds, for each exposure, the same exposure to every
// jurisdiction its jurisdiction belongs to at t (a member state's to the
// EU, through "jurisdiction/ie located_in jurisdiction/eu"), so that a
// union's laws reach what its members' laws reach, on the same basis.
func (a *Atlas) unions(xs []Exposure, t time.Time) []Exposure {
	for i := 0; i < len(xs); i++ { // xs grows: unions of unions are followed too
		if len(xs[i].Path) >= maxDepth {
			continue
		}
		for _, f := range a.StatementsAt(xs[i].Jurisdiction, "located_in", t) {
			if u := a.byID[f.Statement.Object]; u != nil && u.Kind == KindJurisdiction {
				xs = append(xs, Exposure{Jurisdiction: u.ID, Basis: xs[i].Basis,
					Path: append(slices.Clone(xs[i].Path), stepOf(f, t))})
			}
		}
	}
	return xs
}

// hop is an entity reached by a path of steps.
type hop struct {
	id   string
	path []Step
}

// located follows located_in from id (through a region for a data
// center) to jurisdictions.
func (a *Atlas) located(id string, path []Step, t time.Time) []Exposure {
	var out []Exposure
	for _, f := range a.StatementsAt(id, "located_in", t) {
		steps := append(slices.Clone(path), stepOf(f, t))
		obj := a.byID[f.Statement.Object]
		switch {
		case obj == nil:
		case obj.Kind == KindJurisdiction:
			out = append(out, Exposure{Jurisdiction: obj.ID, Basis: BasisLocatedIn, Path: steps})
		case obj.Kind == KindRegion && len(path) < maxDepth:
			out = append(out, a.located(obj.ID, steps, t)...)
		}
	}
	return out
}

// homeOf returns the incorporated_in jurisdictions of id under basis.
func (a *Atlas) homeOf(id string, path []Step, t time.Time, basis string) []Exposure {
	var out []Exposure
	for _, f := range a.StatementsAt(id, "incorporated_in", t) {
		out = append(out, Exposure{Jurisdiction: f.Statement.Object, Basis: basis,
			Path: append(slices.Clone(path), stepOf(f, t))})
	}
	return out
}

// controllers returns the controlled_from exposures of an operator: the
// home jurisdictions of every entity that controls it through a chain of
// controlling steps, and jurisdictions that control it directly.
func (a *Atlas) controllers(id string, path []Step, t time.Time) []Exposure {
	var out []Exposure
	for _, o := range a.Owners(id, t).Owners {
		for _, p := range o.Paths {
			if !p.Controlling {
				continue
			}
			steps := append(slices.Clone(path), p.Steps...)
			if e := a.byID[o.ID]; e != nil && e.Kind == KindJurisdiction {
				out = append(out, Exposure{Jurisdiction: o.ID, Basis: BasisControlledFrom, Path: steps})
				continue
			}
			out = append(out, a.homeOf(o.ID, steps, t, BasisControlledFrom)...)
		}
	}
	return out
}

// dedupeExposures keeps the shortest path for each (jurisdiction, basis).
func dedupeExposures(es []Exposure) []Exposure {
	var out []Exposure
	at := make(map[string]int)
	for _, e := range es {
		k := e.Jurisdiction + "\x00" + e.Basis
		if i, ok := at[k]; ok {
			if len(e.Path) < len(out[i].Path) {
				out[i] = e
			}
			continue
		}
		at[k] = len(out)
		out = append(out, e)
	}
	return out
}

// Reach returns the laws that reach an asset at t: for each exposure,
// every law of that jurisdiction in force at t whose reach includes the
// exposure's basis.
func (a *Atlas) Reach(id string, t time.Time) []Reach {
	return a.reachOf(a.Exposures(id, t), t)
}

// reachOf returns the laws in force at t that reach the exposures xs.
func (a *Atlas) reachOf(xs []Exposure, t time.Time) []Reach {
	var out []Reach
	for _, x := range xs {
		for _, law := range a.laws[x.Jurisdiction] {
			if !law.InForce.Contains(t) || !slices.Contains(law.Reach, x.Basis) {
				continue
			}
			steps := append(slices.Clone(x.Path), Step{From: law.ID, Predicate: "reaches", To: x.Jurisdiction})
			out = append(out, Reach{Law: law.ID, Jurisdiction: x.Jurisdiction, Basis: x.Basis, Path: steps})
		}
	}
	slices.SortStableFunc(out, func(x, y Reach) int { return strings.Compare(x.Law, y.Law) })
	return out
}
