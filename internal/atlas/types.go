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

	// Launched is the day a region first opened to customers (regions
	// only); an answer before it says the region is not yet launched.
	Launched Date `json:"launched,omitzero"`

	// Law fields.
	Jurisdiction string   `json:"jurisdiction,omitempty"`
	Reach        []string `json:"reach,omitempty"`
	InForce      Interval `json:"-"`

	// State marks an organisation that is a state body (a government, a
	// ministry, a state-assets commission): the top of an ownership
	// chain, like a person.
	State bool `json:"state,omitempty"`

	// Sources back the entity's own dated fields: a law's in-force dates,
	// a region's launch date.
	Sources []Source `json:"sources,omitempty"`

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
	ID        string `json:"id"`
	Subject   string `json:"subject"`
	Predicate string `json:"predicate"`
	Object    string `json:"object"`
	// Bounds are the from and to dates as written: when the fact began
	// and ended, as far as the sources say.
	Bounds Interval `json:"-"`
	// Confirmed are days on which a source shows the fact held (an "as
	// of" date of a filing), which are evidence, not bounds.
	Confirmed []Date `json:"confirmed,omitempty"`
	// Valid is when the statement holds for as-of questions: Bounds,
	// with the earliest Confirmed date as the start when no from was
	// written (before its first evidence nothing is asserted).
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
	ID         string `json:"id"`
	Firm       string `json:"firm"`
	Market     string `json:"market"`
	Measure    string `json:"measure"`
	Definition string `json:"definition"`
	// Covers lists the providers whose figures the series reports. A
	// series that leaves out a market's leader never says who leads.
	Covers []string `json:"covers,omitempty"`
	Points []Point  `json:"points"`
	Pos    Pos      `json:"-"`
	fields fieldLines
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

// Gap is a known gap: a fact the atlas lacks because no public source
// for it was found when the sources were last searched.
type Gap struct {
	Subject string `json:"subject"`
	// Missing names what is missing, from [GapKinds]: "owners",
	// "controlling_shareholder", "chief_executive"...
	Missing string `json:"missing"`
	// Period is the span the fact is missing for (open = always).
	Period Interval `json:"-"`
	// Searched is when the public sources were last searched.
	Searched Date `json:"searched"`
	// Where lists the places searched (registries, filings, sites).
	Where  []string `json:"where,omitempty"`
	Note   string   `json:"note,omitempty"`
	Pos    Pos      `json:"-"`
	fields fieldLines
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
