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

	Operators     []OperatorAnswer `json:"operators"`
	Ownership     []*Ownership     `json:"ownership"` // one per operator, or of the subject organisation
	People        []PersonAnswer   `json:"people"`
	Location      []Exposure       `json:"location"`      // where the subject sits
	Jurisdictions []Exposure       `json:"jurisdictions"` // every jurisdiction it answers to, with basis
	Reach         []Reach          `json:"reach"`         // the laws in force that reach it

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

// PersonAnswer is an officer of the operator or of one of its owners.
type PersonAnswer struct {
	Person      string   `json:"person"`
	Role        string   `json:"role"`
	Org         string   `json:"org"`
	Statement   string   `json:"statement"`
	Disputed    bool     `json:"disputed,omitempty"`
	Competitors []string `json:"competitors,omitempty"`
}

// EntityRef names an entity in an answer.
type EntityRef struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	NameZH string `json:"name_zh,omitempty"`
}

// StatementRef is a statement as an answer cites it.
type StatementRef struct {
	Subject   string     `json:"subject"`
	Predicate string     `json:"predicate"`
	Object    string     `json:"object"`
	From      string     `json:"from,omitempty"`
	To        string     `json:"to,omitempty"`
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
		ref = EntityRef{Kind: e.Kind, Name: e.Name, NameZH: e.NameZH}
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
		From: s.Valid.From.String(), To: s.Valid.To.String(), Share: statementShare(s),
		Role: s.Role, Claim: s.Claim, Preferred: s.Preferred, Why: s.Why, Sources: []int{}}
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
