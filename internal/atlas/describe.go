package atlas

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EntityAnswer is everything the atlas says about one entity: its
// record and its statements grouped by predicate and direction, with
// numbered sources.
type EntityAnswer struct {
	Entity     *Entity                 `json:"entity"`
	Groups     []FactGroup             `json:"groups"`
	Entities   map[string]EntityRef    `json:"entities"`
	Statements map[string]StatementRef `json:"statements"`
	Sources    []SourceRef             `json:"sources"`
}

// FactGroup lists the statements with one predicate where the entity is
// the subject (direction "out") or the object ("in").
type FactGroup struct {
	Predicate  string   `json:"predicate"`
	Direction  string   `json:"direction"`
	Statements []string `json:"statements"` // ids, in file order
}

// Describe returns everything about the entity named by target (see
// [Atlas.Find]).
func (a *Atlas) Describe(target string) (*EntityAnswer, error) {
	e, err := a.Find(target)
	if err != nil {
		return nil, err
	}
	ans := &EntityAnswer{Entity: e, Groups: []FactGroup{}}
	var tmp Answer
	c := newCite(a, &tmp)
	c.entity(e.ID)
	at := map[string]int{}
	for _, s := range a.About(e.ID) {
		dir := "out"
		if s.Subject != e.ID {
			dir = "in"
		}
		k := dir + " " + s.Predicate
		i, ok := at[k]
		if !ok {
			i = len(ans.Groups)
			at[k] = i
			ans.Groups = append(ans.Groups, FactGroup{Predicate: s.Predicate, Direction: dir})
		}
		ans.Groups[i].Statements = append(ans.Groups[i].Statements, s.ID)
		c.statement(s.ID)
	}
	ans.Entities, ans.Statements, ans.Sources = tmp.Entities, tmp.Statements, tmp.Sources
	return ans, nil
}

// Event is one dated change in an entity's history: a statement that
// begins or ends.
type Event struct {
	Date      string `json:"date"`   // as written; "" for undated statements
	Change    string `json:"change"` // "begins", "ends", "confirmed" or "undated"
	Statement string `json:"statement"`
}

// HistoryAnswer is the timeline of the statements touching an entity.
type HistoryAnswer struct {
	Entity     *Entity                 `json:"entity"`
	Events     []Event                 `json:"events"` // by date, undated last
	Entities   map[string]EntityRef    `json:"entities"`
	Statements map[string]StatementRef `json:"statements"`
	Sources    []SourceRef             `json:"sources"`
}

// History returns the timeline of the entity named by target: every
// statement about it as a "begins" event at its from date, an "ends"
// event at its to date and a "confirmed" event at each confirmed date,
// sorted by date; statements with none of them come last as "undated".
func (a *Atlas) History(target string) (*HistoryAnswer, error) {
	e, err := a.Find(target)
	if err != nil {
		return nil, err
	}
	var tmp Answer
	c := newCite(a, &tmp)
	c.entity(e.ID)
	type dated struct {
		at time.Time
		ev Event
	}
	var evs []dated
	for _, s := range a.About(e.ID) {
		if !s.Bounds.From.IsZero() {
			evs = append(evs, dated{s.Bounds.From.Start(), Event{s.Bounds.From.String(), "begins", s.ID}})
		}
		for _, d := range s.Confirmed {
			evs = append(evs, dated{d.Start(), Event{d.String(), "confirmed", s.ID}})
		}
		if !s.Bounds.To.IsZero() {
			evs = append(evs, dated{s.Bounds.To.End(), Event{s.Bounds.To.String(), "ends", s.ID}})
		}
		if s.Valid.From.IsZero() && s.Valid.To.IsZero() {
			evs = append(evs, dated{maxTime, Event{"", "undated", s.ID}})
		}
	}
	slices.SortStableFunc(evs, func(x, y dated) int { return cmp.Compare(x.at.Unix(), y.at.Unix()) })
	ans := &HistoryAnswer{Entity: e, Events: []Event{}}
	for _, d := range evs {
		c.statement(d.ev.Statement)
		ans.Events = append(ans.Events, d.ev)
	}
	ans.Entities, ans.Statements, ans.Sources = tmp.Entities, tmp.Statements, tmp.Sources
	return ans, nil
}

// RegionsWithCode returns the region entities whose code is code, of
// any provider, sorted by id.
func (a *Atlas) RegionsWithCode(code string) []*Entity {
	var out []*Entity
	for k, e := range a.regions {
		if k.code == code {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y *Entity) int { return cmp.Compare(x.ID, y.ID) })
	return out
}

// describeStatement renders a statement on one line for text output.
func describeStatement(s StatementRef) string {
	line := fmt.Sprintf("%s %s %s", s.Subject, s.Predicate, s.Object)
	if s.Share.Known {
		line += " " + s.Share.String()
	}
	if s.Role != "" {
		line += " as " + s.Role
	}
	if s.From != "" || s.To != "" {
		line += fmt.Sprintf(" (%s..%s)", s.From, s.To)
	}
	if len(s.Confirmed) > 0 {
		line += " (confirmed " + strings.Join(s.Confirmed, ", ") + ")"
	}
	if s.Claim != "" {
		line += " claim " + s.Claim
		if s.Preferred {
			line += " (preferred: " + s.Why + ")"
		}
	}
	return line
}
