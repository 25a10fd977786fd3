package atlas

import (
	"cmp"
	"slices"
	"time"
)

// maxDepth bounds ownership walks; real chains are far shorter.
const maxDepth = 12

// Step is one statement along a path, as written (subject, predicate,
// object), with the id of the statement that supports it.
type Step struct {
	From      string     `json:"from"`
	Predicate string     `json:"predicate"`
	To        string     `json:"to"`
	Statement string     `json:"statement,omitempty"`
	Share     ShareRange `json:"share,omitzero"`
	Disputed  bool       `json:"disputed,omitempty"`
	// Unconfirmed marks a stake or office whose newest evidence is more
	// than StaleYears older than the date asked (see
	// [Statement.Unconfirmed]); LastEvidence is that evidence's date.
	Unconfirmed  bool   `json:"unconfirmed,omitempty"`
	LastEvidence string `json:"last_evidence,omitempty"`
}

// Path is a chain of steps from an entity up to one of its owners.
type Path struct {
	Steps []Step     `json:"steps"`
	Share ShareRange `json:"share"` // product of the step shares
	// Controlling reports whether every step conveys control: controls,
	// subsidiary_of, or owns with a sure majority.
	Controlling bool `json:"controlling"`
}

// Owner is an entity above another in the ownership graph at an instant.
type Owner struct {
	ID    string `json:"id"`
	Depth int    `json:"depth"` // fewest steps from the entity
	// Ultimate marks the true top of a chain: nothing is above it on
	// that day and it is a person, a jurisdiction, a state body or a
	// listed company (an organisation with a ticker).
	Ultimate bool `json:"ultimate"`
	// OwnersUnrecorded marks an organisation with nothing above it that
	// is not such a top: its own owners are not in the atlas.
	OwnersUnrecorded bool `json:"owners_unrecorded,omitempty"`
	// Unconfirmed is set when every path to the owner has an
	// unconfirmed step.
	Unconfirmed bool `json:"unconfirmed,omitempty"`
	// Share sums the effective shares of the paths whose share is known.
	// UnknownPaths counts the others: the share is then a lower bound.
	Share        ShareRange `json:"effective_share"`
	UnknownPaths int        `json:"unknown_paths"`
	Controlling  bool       `json:"controlling"` // some path is controlling
	Paths        []Path     `json:"paths"`
}

// Ownership is the result of an ownership walk.
type Ownership struct {
	Of     string     `json:"of"`
	Owners []*Owner   `json:"owners"`
	Cycles [][]string `json:"cycles,omitempty"` // each starts and ends on the same id
}

// upward returns the edges from id to its direct owners and controllers
// at t: owns and controls statements on id, subsidiary_of statements of
// id.
func (a *Atlas) upward(id string, t time.Time) []Step {
	var out []Step
	for _, p := range []string{"owns", "controls"} {
		for _, f := range a.IncomingAt(id, p, t) {
			out = append(out, stepOf(f, t))
		}
	}
	for _, f := range a.StatementsAt(id, "subsidiary_of", t) {
		out = append(out, stepOf(f, t))
	}
	return out
}

// stepOf turns a fact that holds at t into a step.
func stepOf(f Fact, t time.Time) Step {
	s := f.Statement
	st := Step{From: s.Subject, Predicate: s.Predicate, To: s.Object, Statement: s.ID,
		Share: statementShare(s), Disputed: f.Disputed}
	if s.Unconfirmed(t) {
		st.Unconfirmed, st.LastEvidence = true, s.LastEvidence().String()
	}
	return st
}

// chainTop reports whether an entity with nothing above it is the true
// top of a chain: a person, a jurisdiction, a state body or a listed
// company.
func (a *Atlas) chainTop(id string) bool {
	e := a.byID[id]
	if e == nil {
		return false
	}
	switch e.Kind {
	case KindPerson, KindJurisdiction:
		return true
	case KindOrganisation:
		return e.State || e.IDs["ticker"] != ""
	}
	return false
}

// parent returns the upper end of an upward step.
func (st Step) parent() string {
	if st.Predicate == "subsidiary_of" {
		return st.To
	}
	return st.From
}

// controlling reports whether the step conveys control.
func (st Step) controlling() bool {
	return st.Predicate != "owns" || st.Share.Majority()
}

// Owners walks up from id at t through owns, controls and subsidiary_of
// to the ultimate owners, computing effective shares: the product along
// each path, summed over paths. Cycles are cut and reported.
func (a *Atlas) Owners(id string, t time.Time) *Ownership {
	w := &walk{a: a, t: t, res: &Ownership{Of: id}, byID: map[string]*Owner{}}
	w.visit(id, nil, []string{id})
	slices.SortStableFunc(w.res.Owners, func(x, y *Owner) int {
		return cmp.Or(cmp.Compare(x.Depth, y.Depth), cmp.Compare(x.ID, y.ID))
	})
	return w.res
}

type walk struct {
	a    *Atlas
	t    time.Time
	res  *Ownership
	byID map[string]*Owner
}

// visit follows every upward edge of id; path holds the steps so far and
// onPath the ids on it, starting with the walk's origin.
func (w *walk) visit(id string, path []Step, onPath []string) {
	if len(path) >= maxDepth {
		return
	}
	for _, st := range w.a.upward(id, w.t) {
		up := st.parent()
		if i := slices.Index(onPath, up); i >= 0 {
			w.cycle(append(slices.Clone(onPath[i:]), up))
			continue
		}
		steps := append(slices.Clone(path), st)
		w.record(up, steps)
		w.visit(up, steps, append(slices.Clone(onPath), up))
	}
}

// cycle reports a cycle (starting and ending on the same id) unless the
// walk met it already, perhaps entered at another of its ids: a cycle
// above two owners is reached once through each.
func (w *walk) cycle(c []string) {
	for _, seen := range w.res.Cycles {
		if sameCycle(seen, c) {
			return
		}
	}
	w.res.Cycles = append(w.res.Cycles, c)
}

// sameCycle reports whether two cycles visit the same ids in the same
// order, whatever id they start on.
func sameCycle(x, y []string) bool {
	if len(x) != len(y) {
		return false
	}
	n := len(x) - 1 // the last id repeats the first
	for shift := range n {
		if slices.Equal(x[:n], append(slices.Clone(y[shift:n]), y[:shift]...)) {
			return true
		}
	}
	return false
}

// record adds the path steps to the owner at its top.
func (w *walk) record(id string, steps []Step) {
	o := w.byID[id]
	if o == nil {
		o = &Owner{ID: id, Depth: len(steps), Unconfirmed: true}
		w.byID[id] = o
		w.res.Owners = append(w.res.Owners, o)
		if len(w.a.upward(id, w.t)) == 0 {
			o.Ultimate = w.a.chainTop(id)
			o.OwnersUnrecorded = !o.Ultimate
		}
	}
	p := Path{Steps: steps, Share: exact(100), Controlling: true}
	unconfirmed := false
	for _, st := range steps {
		p.Share = p.Share.Times(st.Share)
		p.Controlling = p.Controlling && st.controlling()
		unconfirmed = unconfirmed || st.Unconfirmed
	}
	o.Unconfirmed = o.Unconfirmed && unconfirmed
	o.Depth = min(o.Depth, len(steps))
	o.Controlling = o.Controlling || p.Controlling
	o.Paths = append(o.Paths, p)
	switch {
	case p.Share.Known && o.Share.Known:
		o.Share = o.Share.Plus(p.Share)
	case p.Share.Known:
		o.Share = p.Share
	default:
		o.UnknownPaths++
	}
}
