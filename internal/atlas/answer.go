package atlas

// Answer is the whole whois answer for one target at one instant. Its
// JSON shape is documented in docs/whois.md and is stable: fields are
// only added.
type Answer struct {
	Query   string `json:"query"`
	AsOf    string `json:"as_of"`   // YYYY-MM-DD
	Subject string `json:"subject"` // the entity the answer is about
	// Region, Partition and Provider place the subject in the cloud,
	// when it is (or belongs to) one of them.
	Region    string   `json:"region,omitempty"`
	Partition string   `json:"partition,omitempty"`
	Provider  string   `json:"provider,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	// Launch is the region's launch date, when the atlas has one.
	Launch *LaunchAnswer `json:"launch,omitempty"`

	Operators []OperatorAnswer `json:"operators"`
	// Licensors are the companies whose technology the operators run
	// under licence on that day (AWS for Sinnet, Microsoft for 21Vianet).
	Licensors     []LicenseAnswer `json:"licensors"`
	Ownership     []*Ownership    `json:"ownership"` // one per operator, or of the subject organisation
	People        []PersonAnswer  `json:"people"`
	Location      []Exposure      `json:"location"`      // where the subject sits
	Jurisdictions []Exposure      `json:"jurisdictions"` // every jurisdiction it answers to, with basis
	Reach         []Reach         `json:"reach"`         // the laws in force that reach it
	// Gaps are the known gaps about the subject, its operators and their
	// owners on that day: facts no public source was found for.
	Gaps []GapAnswer `json:"gaps"`

	Entities   map[string]EntityRef    `json:"entities"`   // every entity id mentioned
	Statements map[string]StatementRef `json:"statements"` // every statement id mentioned
	Sources    []SourceRef             `json:"sources"`    // numbered from 1, deduplicated by URL
}

// OperatorAnswer is an operator of the subject at the instant asked.
type OperatorAnswer struct {
	Operator    string   `json:"operator"`
	Of          string   `json:"of"` // the region, partition, data center, provider or AS operated
	Statement   string   `json:"statement"`
	Disputed    bool     `json:"disputed,omitempty"`
	Competitors []string `json:"competitors,omitempty"` // statement ids of competing claims
}

// LaunchAnswer is when a region opened. Launched is false when the
// answer's date is before it: the region did not exist yet.
type LaunchAnswer struct {
	Date     string `json:"date"`
	Launched bool   `json:"launched"`
	Sources  []int  `json:"sources"`
}

// LicenseAnswer is a licences_technology_to statement on an operator.
type LicenseAnswer struct {
	Licensor  string `json:"licensor"`
	Licensee  string `json:"licensee"`
	Statement string `json:"statement"`
	Disputed  bool   `json:"disputed,omitempty"`
}

// GapAnswer is a known gap: what is missing about which entity, and
// when the public sources were last searched. Text is the sentence
// whois prints.
type GapAnswer struct {
	Subject  string   `json:"subject"`
	Missing  string   `json:"missing"`
	Searched string   `json:"searched"`
	Where    []string `json:"where,omitempty"`
	Note     string   `json:"note,omitempty"`
	Text     string   `json:"text"`
}

// PersonAnswer is an officer of the operator or of one of its owners.
type PersonAnswer struct {
	Person      string   `json:"person"`
	Role        string   `json:"role"`
	Org         string   `json:"org"`
	Statement   string   `json:"statement"`
	Disputed    bool     `json:"disputed,omitempty"`
	Competitors []string `json:"competitors,omitempty"`
	// Unconfirmed and LastEvidence are as on a [Step].
	Unconfirmed  bool   `json:"unconfirmed,omitempty"`
	LastEvidence string `json:"last_evidence,omitempty"`
}

// EntityRef names an entity in an answer.
type EntityRef struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	NameZH string `json:"name_zh,omitempty"`
	// InForce is a law's in-force period, "from..to" as written.
	InForce string `json:"in_force,omitempty"`
	// Launched is a region's launch date as written.
	Launched string `json:"launched,omitempty"`
	// Sources back a law's in-force dates or a region's launch date.
	Sources []int `json:"sources,omitempty"`
}

// StatementRef is a statement as an answer cites it.
type StatementRef struct {
	Subject   string     `json:"subject"`
	Predicate string     `json:"predicate"`
	Object    string     `json:"object"`
	From      string     `json:"from,omitempty"`
	To        string     `json:"to,omitempty"`
	Confirmed []string   `json:"confirmed,omitempty"` // days a source shows it held
	Share     ShareRange `json:"share,omitzero"`
	Role      string     `json:"role,omitempty"`
	Claim     string     `json:"claim,omitempty"`
	Preferred bool       `json:"preferred,omitempty"`
	Why       string     `json:"why,omitempty"`
	Sources   []int      `json:"sources"` // numbers in Answer.Sources
}

// SourceRef is a numbered source of an answer.
type SourceRef struct {
	N         int    `json:"n"`
	URL       string `json:"url"`
	Publisher string `json:"publisher"`
	Published string `json:"published"`
}

// cite registers what an answer mentions so that Entities, Statements and
// Sources list each once, sources numbered in order of first use.
type cite struct {
	a     *Atlas
	ans   *Answer
	byURL map[string]int
}

func newCite(a *Atlas, ans *Answer) *cite {
	ans.Entities = map[string]EntityRef{}
	ans.Statements = map[string]StatementRef{}
	ans.Sources = []SourceRef{}
	return &cite{a: a, ans: ans, byURL: map[string]int{}}
}

// entity registers an entity id.
func (c *cite) entity(id string) {
	if _, ok := c.ans.Entities[id]; ok || id == "" {
		return
	}
	ref := EntityRef{Kind: "unknown", Name: id}
	if e := c.a.byID[id]; e != nil {
		ref = EntityRef{Kind: e.Kind, Name: e.Name, NameZH: e.NameZH, InForce: e.InForce.String(),
			Launched: e.Launched.String()}
		for _, src := range e.Sources {
			ref.Sources = append(ref.Sources, c.source(src))
		}
	}
	c.ans.Entities[id] = ref
}

// statement registers a statement id, its ends and its sources.
func (c *cite) statement(id string) {
	s := c.a.byStatement[id]
	if _, ok := c.ans.Statements[id]; ok || s == nil {
		return
	}
	c.entity(s.Subject)
	c.entity(s.Object)
	ref := StatementRef{Subject: s.Subject, Predicate: s.Predicate, Object: s.Object,
		From: s.Bounds.From.String(), To: s.Bounds.To.String(), Share: statementShare(s),
		Role: s.Role, Claim: s.Claim, Preferred: s.Preferred, Why: s.Why, Sources: []int{}}
	for _, d := range s.Confirmed {
		ref.Confirmed = append(ref.Confirmed, d.String())
	}
	for _, src := range s.Sources {
		ref.Sources = append(ref.Sources, c.source(src))
	}
	c.ans.Statements[id] = ref
}

func (c *cite) source(src Source) int {
	if n, ok := c.byURL[src.URL]; ok {
		return n
	}
	n := len(c.ans.Sources) + 1
	c.byURL[src.URL] = n
	c.ans.Sources = append(c.ans.Sources, SourceRef{N: n, URL: src.URL,
		Publisher: src.Publisher, Published: src.Published.String()})
	return n
}

// steps registers every statement and entity of a path.
func (c *cite) steps(steps []Step) {
	for _, st := range steps {
		c.entity(st.From)
		c.entity(st.To)
		c.statement(st.Statement)
	}
}
