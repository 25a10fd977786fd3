package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Finding statuses.
const (
	StatusFail    = "fail"    // the asset violates the rule
	StatusPass    = "pass"    // the asset meets the rule
	StatusUnknown = "unknown" // the rule could not be decided for the asset
	StatusWaived  = "waived"  // it failed or was unknown, and an exception applies
)

// Verdict is a rule evaluated against one place: the status, one
// sentence why, and the evidence (each with the path of statements that
// leads to it). It is built once per rule, place and scope and shared by
// every finding there; nobody may modify it.
type Verdict struct {
	Rule     string // the rule's id
	Status   string
	Message  string
	Place    *Place // nil when the asset resolved to no place
	Evidence []Evidence
	// Sources are the sources of the evidence's statements and entities,
	// numbered as in the place's answer.
	Sources []atlas.SourceRef
}

// Evidence is one fact a verdict rests on.
type Evidence struct {
	Condition    string       `json:"condition"` // deny.jurisdictions, require.operator_controlled_from...
	Kind         string       `json:"kind"`      // jurisdiction, law, operator, controller, region, launch, location
	ID           string       `json:"id,omitempty"`
	Name         string       `json:"name,omitempty"`
	Jurisdiction string       `json:"jurisdiction,omitempty"` // a code: US, EU
	Basis        string       `json:"basis,omitempty"`        // located_in, incorporated_in, controlled_from
	Holds        bool         `json:"holds"`                  // the fact meets the condition (false: it is what fails it)
	Path         []atlas.Step `json:"path"`
	Note         string       `json:"note,omitempty"`
}

// check is the result of one condition.
type check struct {
	status   string
	msg      string
	evidence []Evidence
}

// judge evaluates a rule against a place as of day. scope is the asset's
// scope (global, multi-region) when it names no single region.
func judge(a *atlas.Atlas, r *Rule, p *Place, scope string, day time.Time) *Verdict {
	v := &Verdict{Rule: r.ID, Place: p}
	ans := p.Answer.Answer
	if ans == nil {
		v.Status = StatusUnknown
		v.Message = fmt.Sprintf("the atlas has no answer for %s: %v", p.Label(), p.Answer.Err)
		return v
	}
	var checks []check
	if len(r.Deny.Jurisdictions) > 0 {
		checks = append(checks, denyJurisdictions(a, r.Deny.Jurisdictions, p))
	}
	if len(r.Deny.Laws) > 0 {
		checks = append(checks, denyLaws(a, r.Deny.Laws, p))
	}
	if len(r.Deny.Operators) > 0 {
		checks = append(checks, denyOperators(r.Deny.Operators, p))
	}
	if !r.Deny.RegionLaunchedAfter.IsZero() {
		checks = append(checks, launchedAfter(r.Deny.RegionLaunchedAfter, p, scope))
	}
	if len(r.Require.OperatorControlledFrom) > 0 {
		checks = append(checks, controlledFrom(a, r.Require.OperatorControlledFrom, p, day))
	}
	if len(r.Require.LocatedIn) > 0 {
		checks = append(checks, locatedIn(a, r.Require.LocatedIn, p, day))
	}
	if len(r.Require.Regions) > 0 {
		checks = append(checks, inRegions(r.Require.Regions, p, scope))
	}
	v.Status = StatusPass
	for _, want := range []string{StatusFail, StatusUnknown} {
		if slices.ContainsFunc(checks, func(c check) bool { return c.status == want }) {
			v.Status = want
			break
		}
	}
	var msgs []string
	for _, c := range checks {
		if c.status == v.Status {
			msgs = append(msgs, c.msg)
			v.Evidence = append(v.Evidence, c.evidence...)
		}
	}
	v.Message = strings.Join(msgs, "; ")
	v.Sources = sourcesOf(ans, v.Evidence)
	return v
}

// unresolved is the verdict of an asset that resolved to no place.
func unresolved(msg string) *Verdict {
	return &Verdict{Status: StatusUnknown, Message: msg}
}

// noOperator is the check of a place whose operator is not recorded:
// who can reach it is then unknown.
func noOperator(p *Place) check {
	return check{status: StatusUnknown, msg: fmt.Sprintf("no operator of %s is recorded on that day, so who can reach it is unknown", p.Label())}
}

func denyJurisdictions(a *atlas.Atlas, codes []string, p *Place) check {
	ans := p.Answer.Answer
	var hits []Evidence
	for _, x := range ans.Jurisdictions {
		code := a.JurisdictionCode(x.Jurisdiction)
		if slices.Contains(codes, code) {
			hits = append(hits, Evidence{Condition: "deny.jurisdictions", Kind: "jurisdiction", ID: x.Jurisdiction,
				Name: a.DisplayName(x.Jurisdiction), Jurisdiction: code, Basis: x.Basis, Path: x.Path})
		}
	}
	if len(hits) > 0 {
		return check{status: StatusFail, msg: "answers to " + exposureList(hits), evidence: hits}
	}
	if c, ok := homesUnknown(a, p); ok {
		return c
	}
	return check{status: StatusPass, msg: "answers to none of " + strings.Join(codes, ", ") + " (it answers to " + strings.Join(p.Answer.Jurisdictions(), ", ") + ")"}
}

// exposureList describes exposures as "US (incorporated_in, controlled_from), EU (located_in)".
func exposureList(es []Evidence) string {
	var order []string
	bases := map[string][]string{}
	for _, e := range es {
		k := e.Jurisdiction
		if e.Kind == "law" {
			k = e.Name + " (" + e.ID + ", " + e.Jurisdiction + ")"
		}
		if _, ok := bases[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(bases[k], e.Basis) {
			bases[k] = append(bases[k], e.Basis)
		}
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = k + " by " + strings.Join(bases[k], ", ")
	}
	return strings.Join(parts, "; ")
}

func denyLaws(a *atlas.Atlas, laws []string, p *Place) check {
	ans := p.Answer.Answer
	var hits []Evidence
	for _, x := range ans.Reach {
		if slices.Contains(laws, x.Law) {
			hits = append(hits, Evidence{Condition: "deny.laws", Kind: "law", ID: x.Law, Name: ans.Entities[x.Law].Name,
				Jurisdiction: a.JurisdictionCode(x.Jurisdiction), Basis: x.Basis, Path: x.Path})
		}
	}
	if len(hits) > 0 {
		return check{status: StatusFail, msg: "reached by " + exposureList(hits), evidence: hits}
	}
	if c, ok := homesUnknown(a, p); ok {
		return c
	}
	return check{status: StatusPass, msg: "no denied law reaches it"}
}

func denyOperators(ops []string, p *Place) check {
	ans := p.Answer.Answer
	if len(ans.Operators) == 0 {
		return noOperator(p)
	}
	var hits []Evidence
	for _, o := range ans.Operators {
		if slices.Contains(ops, o.Operator) {
			hits = append(hits, Evidence{Condition: "deny.operators", Kind: "operator", ID: o.Operator,
				Name: ans.Entities[o.Operator].Name, Path: []atlas.Step{operatorStep(o)}})
		}
	}
	if len(hits) > 0 {
		names := make([]string, len(hits))
		for i, h := range hits {
			names[i] = h.Name + " (" + h.ID + ")"
		}
		return check{status: StatusFail, msg: "operated by " + strings.Join(names, ", "), evidence: hits}
	}
	return check{status: StatusPass, msg: "operated by none of the denied operators"}
}

// homesUnknown is the check of a place whose jurisdictions are not all
// known: no operator is recorded, or an operator's home is not (so what
// reaches it through the operator cannot be followed).
func homesUnknown(a *atlas.Atlas, p *Place) (check, bool) {
	ans := p.Answer.Answer
	if len(ans.Operators) == 0 {
		return noOperator(p), true
	}
	for _, op := range p.Answer.OperatorIDs() {
		if len(exposuresOf(a, ans.Jurisdictions, op, atlas.BasisIncorporatedIn)) == 0 {
			return check{status: StatusUnknown, msg: fmt.Sprintf("where the operator %s is incorporated is not recorded, so what reaches it is unknown", op)}, true
		}
	}
	return check{}, false
}

// operatorStep is the statement that makes o an operator.
func operatorStep(o atlas.OperatorAnswer) atlas.Step {
	return atlas.Step{From: o.Operator, Predicate: "operates", To: o.Of, Statement: o.Statement, Disputed: o.Disputed}
}

func launchedAfter(d atlas.Date, p *Place, scope string) check {
	ans := p.Answer.Answer
	switch {
	case scope != "":
		return check{status: StatusUnknown, msg: fmt.Sprintf("a %s location names no single region to date", scope)}
	case ans.Region == "":
		return check{status: StatusUnknown, msg: fmt.Sprintf("%s is no region of the atlas, so its launch is unknown", p.Label())}
	case ans.Launch == nil:
		return check{status: StatusUnknown, msg: fmt.Sprintf("the atlas records no launch date for %s", ans.Region)}
	}
	l, err := atlas.ParseDate(ans.Launch.Date)
	if err != nil {
		return check{status: StatusUnknown, msg: fmt.Sprintf("launch date %q of %s: %v", ans.Launch.Date, ans.Region, err)}
	}
	ev := Evidence{Condition: "deny.region_launched_after", Kind: "launch", ID: ans.Region, Name: ans.Entities[ans.Region].Name,
		Note: "launched " + l.String(), Path: []atlas.Step{}}
	switch {
	case !l.Start().Before(d.End()):
		return check{status: StatusFail, msg: fmt.Sprintf("region %s launched %s, after %s", ans.Region, l, d), evidence: []Evidence{ev}}
	case !l.End().After(d.End()):
		ev.Holds = true
		return check{status: StatusPass, msg: fmt.Sprintf("region %s launched %s, not after %s", ans.Region, l, d), evidence: []Evidence{ev}}
	}
	return check{status: StatusUnknown, msg: fmt.Sprintf("region %s launched in %s: whether that is after %s is not known", ans.Region, l, d), evidence: []Evidence{ev}}
}

// ownerGaps are the known gaps that leave where an organisation is
// controlled from unknown.
var ownerGaps = []string{"owners", "shareholders", "controlling_shareholder", "actual_controller", "parent"}

// controlledFrom requires every operator to be controlled from the
// listed jurisdictions: every controlled_from exposure of the place (the
// home of each entity that controls an operator through a chain of
// controlling steps), or, for an operator that nothing controls, its own
// home. A jurisdiction counts when it is listed or belongs on the day to
// a listed union (EU membership over time, from the atlas).
func controlledFrom(a *atlas.Atlas, codes []string, p *Place, day time.Time) check {
	ans := p.Answer.Answer
	if len(ans.Operators) == 0 {
		return noOperator(p)
	}
	const cond = "require.operator_controlled_from"
	var outside, inside []Evidence
	var unknown []string
	for _, opID := range p.Answer.OperatorIDs() {
		xs := exposuresOf(a, ans.Jurisdictions, opID, atlas.BasisControlledFrom)
		kind := "controller"
		if len(xs) == 0 {
			xs, kind = exposuresOf(a, ans.Jurisdictions, opID, atlas.BasisIncorporatedIn), "operator"
		}
		if len(xs) == 0 {
			unknown = append(unknown, fmt.Sprintf("where %s is incorporated is not recorded", opID))
		}
		for _, x := range xs {
			e := Evidence{Condition: cond, Kind: kind, ID: opID, Name: a.DisplayName(opID), Jurisdiction: a.JurisdictionCode(x.Jurisdiction),
				Basis: x.Basis, Path: x.Path}
			if step, ok := memberOf(a, x.Jurisdiction, codes, day); ok {
				e.Holds = true
				if step != nil {
					e.Path = append(slices.Clone(x.Path), *step)
					e.Note = fmt.Sprintf("%s is a member of %s on %s", e.Jurisdiction, a.JurisdictionCode(step.To), atlas.DateOf(day))
				}
				inside = append(inside, e)
			} else {
				outside = append(outside, e)
			}
		}
		for _, g := range ans.Gaps {
			if slices.Contains(ownerGaps, g.Missing) && (g.Subject == opID || slices.ContainsFunc(p.Controllers, func(n Named) bool { return n.ID == g.Subject })) {
				unknown = append(unknown, g.Subject+": "+g.Text)
			}
		}
	}
	want := strings.Join(codes, ", ")
	switch {
	case len(outside) > 0:
		return check{status: StatusFail, msg: fmt.Sprintf("controlled from %s, not from %s", codeList(outside), want), evidence: outside}
	case len(unknown) > 0:
		return check{status: StatusUnknown, msg: "where the operator is controlled from is unknown: " + strings.Join(unknown, "; "), evidence: inside}
	}
	return check{status: StatusPass, msg: fmt.Sprintf("controlled from %s, within %s", codeList(inside), want), evidence: inside}
}

// locatedIn requires every place the asset is located in to be within
// the listed jurisdictions (or a member of a listed union on the day).
func locatedIn(a *atlas.Atlas, codes []string, p *Place, day time.Time) check {
	ans := p.Answer.Answer
	const cond = "require.located_in"
	var outside, inside []Evidence
	for _, x := range ans.Location {
		if unionStep(a, x.Path) {
			continue
		}
		e := Evidence{Condition: cond, Kind: "location", ID: x.Jurisdiction, Name: a.DisplayName(x.Jurisdiction),
			Jurisdiction: a.JurisdictionCode(x.Jurisdiction), Basis: x.Basis, Path: x.Path}
		if step, ok := memberOf(a, x.Jurisdiction, codes, day); ok {
			e.Holds = true
			if step != nil {
				e.Path = append(slices.Clone(x.Path), *step)
			}
			inside = append(inside, e)
		} else {
			outside = append(outside, e)
		}
	}
	want := strings.Join(codes, ", ")
	switch {
	case len(outside) > 0:
		return check{status: StatusFail, msg: fmt.Sprintf("located in %s, not in %s", codeList(outside), want), evidence: outside}
	case len(inside) == 0:
		return check{status: StatusUnknown, msg: fmt.Sprintf("where %s is located is not recorded", p.Label())}
	}
	return check{status: StatusPass, msg: fmt.Sprintf("located in %s, within %s", codeList(inside), want), evidence: inside}
}

func inRegions(refs []RegionRef, p *Place, scope string) check {
	want := make([]string, len(refs))
	for i, r := range refs {
		want[i] = r.String()
	}
	const cond = "require.regions"
	switch {
	case scope != "":
		return check{status: StatusFail, msg: fmt.Sprintf("a %s location is served outside the approved regions (%s)", scope, strings.Join(want, ", "))}
	case p.Region == "" || p.ASN != 0:
		return check{status: StatusUnknown, msg: fmt.Sprintf("%s names no region, so whether it is an approved one is unknown", p.Label())}
	}
	ref := RegionRef{Provider: p.Provider, Code: strings.ToLower(p.Region)}
	ev := Evidence{Condition: cond, Kind: "region", ID: p.Answer.Answer.Region, Name: ref.String(), Path: []atlas.Step{}}
	if slices.Contains(refs, ref) {
		ev.Holds = true
		return check{status: StatusPass, msg: "in approved region " + ref.String(), evidence: []Evidence{ev}}
	}
	return check{status: StatusFail, msg: fmt.Sprintf("in region %s, which is not approved (%s)", ref, strings.Join(want, ", ")), evidence: []Evidence{ev}}
}

// exposuresOf returns the exposures of basis that lead to an operator
// (their first step names it), without those a union adds.
func exposuresOf(a *atlas.Atlas, xs []atlas.Exposure, op, basis string) []atlas.Exposure {
	var out []atlas.Exposure
	for _, x := range xs {
		if x.Basis != basis || len(x.Path) == 0 || unionStep(a, x.Path) {
			continue
		}
		if first := x.Path[0]; first.From == op || (first.Predicate == "brand_of" && first.To == op) {
			out = append(out, x)
		}
	}
	return out
}

// unionStep reports whether a path ends in a membership step (a member
// state located in a union), which the atlas adds after the exposure of
// the member itself.
func unionStep(a *atlas.Atlas, path []atlas.Step) bool {
	if len(path) == 0 {
		return false
	}
	last := path[len(path)-1]
	if last.Predicate != "located_in" {
		return false
	}
	from, to := a.Entity(last.From), a.Entity(last.To)
	return from != nil && to != nil && from.Kind == atlas.KindJurisdiction && to.Kind == atlas.KindJurisdiction
}

// maxUnionDepth bounds the walk up unions of unions.
const maxUnionDepth = 4

// memberOf reports whether the jurisdiction id is one of codes, or on
// day belongs (through located_in statements between jurisdictions, as
// EU membership is recorded) to one of them; step is the membership
// step when it is through a union.
func memberOf(a *atlas.Atlas, id string, codes []string, day time.Time) (*atlas.Step, bool) {
	if slices.Contains(codes, a.JurisdictionCode(id)) {
		return nil, true
	}
	cur := id
	for range maxUnionDepth {
		var next string
		for _, f := range a.StatementsAt(cur, "located_in", day) {
			u := a.Entity(f.Statement.Object)
			if u == nil || u.Kind != atlas.KindJurisdiction {
				continue
			}
			if slices.Contains(codes, a.JurisdictionCode(u.ID)) {
				return &atlas.Step{From: cur, Predicate: "located_in", To: u.ID, Statement: f.Statement.ID, Disputed: f.Disputed}, true
			}
			next = u.ID
		}
		if next == "" {
			break
		}
		cur = next
	}
	return nil, false
}

// codeList lists the distinct jurisdiction codes of evidence.
func codeList(es []Evidence) string {
	var codes []string
	for _, e := range es {
		if !slices.Contains(codes, e.Jurisdiction) {
			codes = append(codes, e.Jurisdiction)
		}
	}
	return strings.Join(codes, ", ")
}

// sourcesOf returns the sources of the statements and entities the
// evidence cites, in the numbering of the answer.
func sourcesOf(ans *atlas.Answer, es []Evidence) []atlas.SourceRef {
	var ns []int
	add := func(n int) {
		if !slices.Contains(ns, n) {
			ns = append(ns, n)
		}
	}
	for _, e := range es {
		for _, n := range ans.Entities[e.ID].Sources {
			add(n)
		}
		for _, st := range e.Path {
			for _, n := range ans.Statements[st.Statement].Sources {
				add(n)
			}
			if st.Predicate == "reaches" {
				for _, n := range ans.Entities[st.From].Sources {
					add(n)
				}
			}
		}
	}
	slices.Sort(ns)
	out := make([]atlas.SourceRef, 0, len(ns))
	for _, n := range ns {
		if n >= 1 && n <= len(ans.Sources) {
			out = append(out, ans.Sources[n-1])
		}
	}
	return out
}
