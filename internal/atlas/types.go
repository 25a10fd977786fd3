package atlas

import "strings"

// Kinds of entities, as written in the data files.
const (
	KindOrganisation = "organisation"
	KindPerson       = "person"
	KindProvider     = "provider"
	KindPartition    = "partition"
	KindRegion       = "region"
	KindDatacenter   = "datacenter"
	KindJurisdiction = "jurisdiction"
	KindLaw          = "law"
	KindEvent        = "event"
	KindAS           = "as" // an autonomous system; id as/<number>
)

// kindPrefix maps each kind to the prefix its ids must start with.
var kindPrefix = map[string]string{
	KindOrganisation: "org/",
	KindPerson:       "person/",
	KindProvider:     "provider/",
	KindPartition:    "partition/",
	KindRegion:       "region/",
	KindDatacenter:   "dc/",
	KindJurisdiction: "jurisdiction/",
	KindLaw:          "law/",
	KindEvent:        "event/",
	KindAS:           "as/",
}

// Pos is where a record was written: file (slash-separated, relative to
// the atlas root) and 1-based line.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// fieldLines maps a field name to the line its value was written on.
type fieldLines map[string]int

// Entity is a node of the atlas: an organisation, a person, a region...
type Entity struct {
	ID      string            `json:"id"`
	Kind    string            `json:"kind"`
	Name    string            `json:"name"`
	NameZH  string            `json:"name_zh,omitempty"`
	Aliases []string          `json:"aliases,omitempty"`
	IDs     map[string]string `json:"ids,omitempty"`
	Country string            `json:"country,omitempty"`
	Note    string            `json:"note,omitempty"`

	// Region fields.
	Provider  string `json:"provider,omitempty"`
	Partition string `json:"partition,omitempty"`
	Code      string `json:"code,omitempty"`

	// Law fields.
	Jurisdiction string   `json:"jurisdiction,omitempty"`
	Reach        []string `json:"reach,omitempty"`
	InForce      Interval `json:"-"`

	Pos    Pos        `json:"-"`
	fields fieldLines // line of each field, for problems
}

// Source is where a fact was published.
type Source struct {
	URL       string `json:"url"`
	Publisher string `json:"publisher"`
	Published Date   `json:"published"`
	Pos       Pos    `json:"-"`
	fields    fieldLines
}

// Statement is one time-bounded fact linking a subject to an object.
type Statement struct {
	// ID is derived from the content (see statementID), so it survives
	// reordering of the files.
	ID        string   `json:"id"`
	Subject   string   `json:"subject"`
	Predicate string   `json:"predicate"`
	Object    string   `json:"object"`
	Valid     Interval `json:"-"`
	Share     *float64 `json:"share,omitempty"`
	ShareMin  *float64 `json:"share_min,omitempty"`
	ShareMax  *float64 `json:"share_max,omitempty"`
	Role      string   `json:"role,omitempty"`
	Amount    string   `json:"amount,omitempty"`
	Claim     string   `json:"claim,omitempty"`
	Preferred bool     `json:"preferred,omitempty"`
	Why       string   `json:"why,omitempty"`
	Note      string   `json:"note,omitempty"`
	Recorded  Date     `json:"recorded"`
	Sources   []Source `json:"sources"`

	Pos    Pos `json:"-"`
	fields fieldLines
}

// Series is one firm's market measure over time.
type Series struct {
	ID         string  `json:"id"`
	Firm       string  `json:"firm"`
	Market     string  `json:"market"`
	Measure    string  `json:"measure"`
	Definition string  `json:"definition"`
	Points     []Point `json:"points"`
	Pos        Pos     `json:"-"`
	fields     fieldLines
}

// Point is one figure of a [Series].
type Point struct {
	Period  string  `json:"period"` // YYYY-Qn or YYYY
	Entity  string  `json:"entity"`
	Value   float64 `json:"value"`
	Vintage Date    `json:"vintage"`
	Source  Source  `json:"source"`
	Pos     Pos     `json:"-"`
	fields  fieldLines
}

// Reading is an article worth reading about some entities.
type Reading struct {
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Publisher string   `json:"publisher"`
	Published Date     `json:"published"`
	Note      string   `json:"note,omitempty"`
	Entities  []string `json:"entities"`
	Pos       Pos      `json:"-"`
	fields    fieldLines
}

// line returns the line of field f, or the record's line if f was not
// written.
func (fl fieldLines) line(f string, pos Pos) int {
	if n, ok := fl[f]; ok {
		return n
	}
	if i := strings.IndexAny(f, "[."); i > 0 {
		if n, ok := fl[f[:i]]; ok {
			return n
		}
	}
	return pos.Line
}
