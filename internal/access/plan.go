package access

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Plan is what an organisation's plan allows. A limit of 0 means
// unlimited.
type Plan struct {
	Name       string // "individual"; "anonymous" for requests without a token
	Title      string
	PerMinute  int64 // requests per minute
	PerDay     int64 // requests per day (UTC)
	BulkInputs int   // inputs per bulk request
	Digests    bool  // e-mail digests included
	Exports    bool  // exports included
}

// Limit returns the plan's limit for span (0: unlimited).
func (p Plan) Limit(s Span) int64 {
	if s == Minute {
		return p.PerMinute
	}
	return p.PerDay
}

// Plans is a parsed plans file: the plans an organisation may have, in
// the file's order, and the allowance of requests without a token.
type Plans struct {
	list      []Plan
	Anonymous Plan
}

// Names returns the names of the plans, in the file's order.
func (ps *Plans) Names() []string {
	names := make([]string, len(ps.list))
	for i, p := range ps.list {
		names[i] = p.Name
	}
	return names
}

// All returns the plans, in the file's order.
func (ps *Plans) All() []Plan { return slices.Clone(ps.list) }

// ErrUnknownPlan is wrapped by the error of [Plans.Lookup] for a name no
// plan has.
var ErrUnknownPlan = errors.New("unknown plan")

// Lookup returns the plan called name, or an error that lists the plans.
func (ps *Plans) Lookup(name string) (Plan, error) {
	for _, p := range ps.list {
		if p.Name == name {
			return p, nil
		}
	}
	return Plan{}, fmt.Errorf("%w %q: want one of %s", ErrUnknownPlan, name, strings.Join(ps.Names(), ", "))
}

// planFields is one plan as written in the file; pointers tell a missing
// field from a zero.
type planFields struct {
	Name       string `yaml:"name"`
	Title      string `yaml:"title"`
	PerMinute  *int64 `yaml:"requests_per_minute"`
	PerDay     *int64 `yaml:"requests_per_day"`
	BulkInputs *int   `yaml:"bulk_inputs"`
	Digests    *bool  `yaml:"email_digests"`
	Exports    *bool  `yaml:"exports"`
}

type plansFile struct {
	Anonymous *planFields  `yaml:"anonymous"`
	Plans     []planFields `yaml:"plans"`
}

var planName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// ParsePlans parses a plans file (data/plans.yaml). name names the file
// in errors. Every field of every plan is required; limits are not
// negative and a bulk request allows at least one input.
func ParsePlans(name string, data []byte) (*Plans, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f plansFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Anonymous == nil {
		return nil, fmt.Errorf("%s: no anonymous allowance (the key anonymous)", name)
	}
	if len(f.Plans) == 0 {
		return nil, fmt.Errorf("%s: no plans (the key plans)", name)
	}
	f.Anonymous.Name = "anonymous"
	anon, err := f.Anonymous.plan()
	if err != nil {
		return nil, fmt.Errorf("%s: anonymous: %w", name, err)
	}
	ps := &Plans{Anonymous: anon}
	for i, pf := range f.Plans {
		if !planName.MatchString(pf.Name) {
			return nil, fmt.Errorf("%s: plan %d: name %q: want lower-case letters, digits and dashes, starting with a letter", name, i+1, pf.Name)
		}
		if pf.Name == "anonymous" || slices.Contains(ps.Names(), pf.Name) {
			return nil, fmt.Errorf("%s: plan %q is defined twice (or is the anonymous allowance)", name, pf.Name)
		}
		p, err := pf.plan()
		if err != nil {
			return nil, fmt.Errorf("%s: plan %s: %w", name, pf.Name, err)
		}
		ps.list = append(ps.list, p)
	}
	return ps, nil
}

// plan checks the fields and returns the plan.
func (pf planFields) plan() (Plan, error) {
	var missing []string
	for _, m := range []struct {
		name string
		set  bool
	}{{"requests_per_minute", pf.PerMinute != nil}, {"requests_per_day", pf.PerDay != nil},
		{"bulk_inputs", pf.BulkInputs != nil}, {"email_digests", pf.Digests != nil}, {"exports", pf.Exports != nil}} {
		if !m.set {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return Plan{}, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	p := Plan{Name: pf.Name, Title: pf.Title, PerMinute: *pf.PerMinute, PerDay: *pf.PerDay,
		BulkInputs: *pf.BulkInputs, Digests: *pf.Digests, Exports: *pf.Exports}
	if p.PerMinute < 0 || p.PerDay < 0 {
		return Plan{}, fmt.Errorf("requests_per_minute %d, requests_per_day %d: want 0 (unlimited) or more", p.PerMinute, p.PerDay)
	}
	if p.BulkInputs < 1 {
		return Plan{}, fmt.Errorf("bulk_inputs %d: want 1 or more", p.BulkInputs)
	}
	return p, nil
}
