package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// PolicyVersion is the policy format this release reads (docs/audit.md).
const PolicyVersion = 1

// Severity ranks a rule; a violation at or above the --fail-on severity
// fails the audit.
type Severity uint8

// The severities, lowest first.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// ParseSeverity parses a severity name.
func ParseSeverity(s string) (Severity, error) {
	if i := slices.Index(severityNames[:], strings.ToLower(strings.TrimSpace(s))); i >= 0 {
		return Severity(i), nil
	}
	return 0, fmt.Errorf("severity %q: want one of %s", s, strings.Join(severityNames[:], ", "))
}

// What a rule does with an asset it cannot resolve (on_unknown).
const (
	UnknownFail   = "fail"   // an unknown finding fails the audit (exit 3)
	UnknownWarn   = "warn"   // it is reported and does not fail the audit
	UnknownIgnore = "ignore" // it is counted but not reported
)

var onUnknownValues = []string{UnknownFail, UnknownWarn, UnknownIgnore}

// Asset kinds, as match.kinds names them.
const (
	KindAddress = "address"
	KindCIDR    = "cidr"
	KindHost    = "host"
	KindRegion  = "region"
)

var assetKinds = []string{KindAddress, KindCIDR, KindHost, KindRegion}

// Policy is a parsed, checked policy file.
type Policy struct {
	File        string
	Version     int
	Name        string
	Description string
	// OnUnknown is the policy's default for its rules (default fail).
	OnUnknown  string
	Rules      []*Rule
	Exceptions []*Exception
	// SHA256 is the hash of the file as read, so that a report names the
	// exact policy it applied.
	SHA256 string
}

// Rule is one rule of a policy. A rule fails an asset when any deny
// condition holds or any require condition does not; it is unknown when
// none fails and some cannot be decided.
type Rule struct {
	ID          string
	Description string
	Severity    Severity
	OnUnknown   string
	Match       Match
	Deny        Deny
	Require     Require
	Line        int

	index int
	lines map[string]int // the line of each field, for errors found later
}

// Match limits a rule to some assets; empty fields match every asset.
type Match struct {
	Kinds     []string
	Providers []string
	Tags      map[string]string
}

// Deny lists what an asset must not be served by or answer to.
type Deny struct {
	Jurisdictions       []string // codes: US, CN, EU
	Laws                []string // law entity ids
	Operators           []string // entity ids
	RegionLaunchedAfter atlas.Date
}

// Require lists what must hold of every asset.
type Require struct {
	OperatorControlledFrom []string // jurisdiction codes
	LocatedIn              []string // jurisdiction codes
	Regions                []RegionRef
}

// RegionRef names a cloud region as provider key and region code.
type RegionRef struct{ Provider, Code string }

func (r RegionRef) String() string { return r.Provider + ":" + r.Code }

// Exception waives a rule for the assets whose input or Terraform
// address matches Asset (a pattern: * is any run of characters, ? any
// one), until the end of the day Expires. An expired exception no longer
// applies, and the findings it would have waived say so.
type Exception struct {
	Rule    string
	Asset   string
	Reason  string
	Expires atlas.Date
	Line    int
}

// ruleIDRE is what a rule id may look like: it is the SARIF rule id and
// the JUnit suite name, so it stays plain.
var ruleIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ParsePolicy parses a policy file. Every problem is reported with file,
// line and field (an [Errors]). The policy's atlas references (laws,
// operators, jurisdictions, regions) are checked by [Policy.Check].
func ParsePolicy(name string, data []byte) (*Policy, error) {
	sum := sha256.Sum256(data)
	p := &Policy{File: name, OnUnknown: UnknownFail, SHA256: hex.EncodeToString(sum[:])}
	d := &decoder{file: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Errors{{File: name, Line: yamlErrorLine(err), Msg: "YAML syntax: " + yamlMessage(err)}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil, Errors{{File: name, Msg: "the policy is empty: write version: 1 and a list of rules (see docs/audit.md)"}}
	}
	d.policy(root.Content[0], p)
	return p, d.errs.err()
}

// decoder walks a policy's YAML nodes, collecting problems.
type decoder struct {
	file string
	errs Errors
}

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// mapping returns the values of a mapping node by key, reporting unknown
// and repeated keys; nil when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, field string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, field, "want a mapping with the fields %s", strings.Join(known, ", "))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f := join(field, k.Value)
		switch {
		case !slices.Contains(known, k.Value):
			d.errorf(k, f, "unknown field (known: %s)", strings.Join(known, ", "))
		case out[k.Value] != nil:
			d.errorf(k, f, "written twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// str returns a scalar's text.
func (d *decoder) str(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, field, "want a single value")
		return "", false
	}
	if strings.TrimSpace(n.Value) == "" {
		d.errorf(n, field, "is empty")
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

// strs returns a list of scalars with their lines.
func (d *decoder) strs(n *yaml.Node, field string) ([]string, []int) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, field, "want a list, e.g. [%s]", exampleFor(field))
		return nil, nil
	}
	if len(n.Content) == 0 {
		d.errorf(n, field, "is an empty list: remove it or name something")
	}
	var vals []string
	var lines []int
	for i, c := range n.Content {
		if v, ok := d.str(c, fmt.Sprintf("%s[%d]", field, i)); ok {
			vals, lines = append(vals, v), append(lines, c.Line)
		}
	}
	return vals, lines
}

// exampleFor gives an example list value for a field's error message.
func exampleFor(field string) string {
	switch {
	case strings.HasSuffix(field, "kinds"):
		return "address, region"
	case strings.HasSuffix(field, "providers"):
		return "aws, azure"
	case strings.HasSuffix(field, "laws"):
		return "law/us-cloud-act"
	case strings.HasSuffix(field, "operators"):
		return "org/example"
	case strings.HasSuffix(field, "regions"):
		return "aws:eu-central-1"
	}
	return "US, CN"
}

func (d *decoder) date(n *yaml.Node, field string) atlas.Date {
	v, ok := d.str(n, field)
	if !ok {
		return atlas.Date{}
	}
	dt, err := atlas.ParseDate(v)
	if err != nil {
		d.errorf(n, field, "want a date YYYY-MM-DD (or YYYY-MM, YYYY): %v", err)
	}
	return dt
}

func (d *decoder) onUnknown(n *yaml.Node, field string) string {
	v, ok := d.str(n, field)
	if ok && !slices.Contains(onUnknownValues, v) {
		d.errorf(n, field, "%q: want one of %s", v, strings.Join(onUnknownValues, ", "))
		return ""
	}
	return v
}

func (d *decoder) policy(n *yaml.Node, p *Policy) {
	m := d.mapping(n, "", "version", "name", "description", "on_unknown", "rules", "exceptions")
	if m == nil {
		return
	}
	if v := m["version"]; v == nil {
		d.errorf(n, "version", "missing: write version: %d", PolicyVersion)
	} else if s, ok := d.str(v, "version"); ok {
		if p.Version, _ = strconv.Atoi(s); p.Version != PolicyVersion {
			d.errorf(v, "version", "%q: this cloudatlas reads policy version %d", s, PolicyVersion)
		}
	}
	if v := m["name"]; v != nil {
		p.Name, _ = d.str(v, "name")
	}
	if v := m["description"]; v != nil {
		p.Description, _ = d.str(v, "description")
	}
	if v := m["on_unknown"]; v != nil {
		if s := d.onUnknown(v, "on_unknown"); s != "" {
			p.OnUnknown = s
		}
	}
	rules := m["rules"]
	if rules == nil || rules.Kind != yaml.SequenceNode || len(rules.Content) == 0 {
		at := n
		if rules != nil {
			at = rules
		}
		d.errorf(at, "rules", "want a list of at least one rule (id, severity, and a deny or require condition)")
	} else {
		for i, rn := range rules.Content {
			if r := d.rule(rn, fmt.Sprintf("rules[%d]", i), p); r != nil {
				r.index = len(p.Rules)
				p.Rules = append(p.Rules, r)
			}
		}
	}
	if ex := m["exceptions"]; ex != nil {
		if ex.Kind != yaml.SequenceNode {
			d.errorf(ex, "exceptions", "want a list of exceptions (rule, asset, reason, expires)")
		} else {
			for i, en := range ex.Content {
				if e := d.exception(en, fmt.Sprintf("exceptions[%d]", i), p); e != nil {
					p.Exceptions = append(p.Exceptions, e)
				}
			}
		}
	}
}

func (d *decoder) rule(n *yaml.Node, field string, p *Policy) *Rule {
	m := d.mapping(n, field, "id", "description", "severity", "match", "deny", "require", "on_unknown")
	if m == nil {
		return nil
	}
	r := &Rule{Line: n.Line, OnUnknown: p.OnUnknown, lines: map[string]int{}}
	if v := m["id"]; v == nil {
		d.errorf(n, field+".id", "missing: every rule needs an id")
	} else if id, ok := d.str(v, field+".id"); ok {
		switch {
		case !ruleIDRE.MatchString(id):
			d.errorf(v, field+".id", "%q: want letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit", id)
		case slices.ContainsFunc(p.Rules, func(o *Rule) bool { return o.ID == id }):
			d.errorf(v, field+".id", "%q is the id of another rule", id)
		}
		r.ID = id
	}
	if v := m["description"]; v != nil {
		r.Description, _ = d.str(v, field+".description")
	}
	if v := m["severity"]; v == nil {
		d.errorf(n, field+".severity", "missing: want one of %s", strings.Join(severityNames[:], ", "))
	} else if s, ok := d.str(v, field+".severity"); ok {
		sev, err := ParseSeverity(s)
		if err != nil {
			d.errorf(v, field+".severity", "%v", err)
		}
		r.Severity = sev
	}
	if v := m["on_unknown"]; v != nil {
		if s := d.onUnknown(v, field+".on_unknown"); s != "" {
			r.OnUnknown = s
		}
	}
	if v := m["match"]; v != nil {
		d.match(v, field+".match", r)
	}
	if v := m["deny"]; v != nil {
		d.deny(v, field+".deny", r)
	}
	if v := m["require"]; v != nil {
		d.require(v, field+".require", r)
	}
	if m["deny"] == nil && m["require"] == nil {
		d.errorf(n, field, "has no condition: give it a deny or a require (see cloudatlas audit --explain)")
	}
	return r
}

func (d *decoder) match(n *yaml.Node, field string, r *Rule) {
	m := d.mapping(n, field, "kinds", "providers", "tags")
	if m == nil {
		return
	}
	if v := m["kinds"]; v != nil {
		kinds, lines := d.strs(v, field+".kinds")
		for i, k := range kinds {
			if !slices.Contains(assetKinds, k) {
				d.errs = append(d.errs, &Error{File: d.file, Line: lines[i], Field: fmt.Sprintf("%s.kinds[%d]", field, i),
					Msg: fmt.Sprintf("%q: want one of %s", k, strings.Join(assetKinds, ", "))})
			}
		}
		r.Match.Kinds = kinds
	}
	if v := m["providers"]; v != nil {
		ps, _ := d.strs(v, field+".providers")
		for i := range ps {
			ps[i] = providerKey(ps[i])
		}
		r.Match.Providers = ps
	}
	if v := m["tags"]; v != nil {
		if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
			d.errorf(v, field+".tags", "want a mapping of tag names to values, e.g. {env: prod}")
			return
		}
		r.Match.Tags = map[string]string{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k := v.Content[i].Value
			if val, ok := d.str(v.Content[i+1], field+".tags."+k); ok {
				r.Match.Tags[k] = val
			}
		}
	}
}

func (d *decoder) deny(n *yaml.Node, field string, r *Rule) {
	m := d.mapping(n, field, "jurisdictions", "laws", "operators", "region_launched_after")
	if m == nil {
		return
	}
	if len(m) == 0 {
		d.errorf(n, field, "is empty: name jurisdictions, laws, operators or region_launched_after")
	}
	r.Deny.Jurisdictions = d.list(m, field, "jurisdictions", r)
	r.Deny.Laws = d.list(m, field, "laws", r)
	r.Deny.Operators = d.list(m, field, "operators", r)
	if v := m["region_launched_after"]; v != nil {
		r.Deny.RegionLaunchedAfter = d.date(v, field+".region_launched_after")
	}
}

func (d *decoder) require(n *yaml.Node, field string, r *Rule) {
	m := d.mapping(n, field, "operator_controlled_from", "located_in", "regions")
	if m == nil {
		return
	}
	if len(m) == 0 {
		d.errorf(n, field, "is empty: name operator_controlled_from, located_in or regions")
	}
	r.Require.OperatorControlledFrom = d.list(m, field, "operator_controlled_from", r)
	r.Require.LocatedIn = d.list(m, field, "located_in", r)
	for i, s := range d.list(m, field, "regions", r) {
		f := fmt.Sprintf("%s.regions[%d]", field, i)
		ref, ok := parseRegionRef(s)
		if !ok {
			d.errs = append(d.errs, &Error{File: d.file, Line: r.lines[f], Field: f,
				Msg: fmt.Sprintf("%q: want provider:region, e.g. aws:eu-central-1", s)})
			continue
		}
		r.Require.Regions = append(r.Require.Regions, ref)
	}
}

// list reads the list field key of m, recording each item's line in r.
func (d *decoder) list(m map[string]*yaml.Node, field, key string, r *Rule) []string {
	v := m[key]
	if v == nil {
		return nil
	}
	f := field + "." + key
	vals, lines := d.strs(v, f)
	for i, l := range lines {
		r.lines[fmt.Sprintf("%s[%d]", f, i)] = l
	}
	return vals
}

func (d *decoder) exception(n *yaml.Node, field string, p *Policy) *Exception {
	m := d.mapping(n, field, "rule", "asset", "reason", "expires")
	if m == nil {
		return nil
	}
	e := &Exception{Line: n.Line}
	for _, k := range []string{"rule", "asset", "reason", "expires"} {
		if m[k] == nil {
			d.errorf(n, field+"."+k, "missing: an exception names its rule, an asset pattern, a reason and an expiry date")
		}
	}
	if v := m["rule"]; v != nil {
		if id, ok := d.str(v, field+".rule"); ok {
			if !slices.ContainsFunc(p.Rules, func(r *Rule) bool { return r.ID == id }) {
				d.errorf(v, field+".rule", "%q is no rule of this policy", id)
			}
			e.Rule = id
		}
	}
	if v := m["asset"]; v != nil {
		e.Asset, _ = d.str(v, field+".asset")
	}
	if v := m["reason"]; v != nil {
		e.Reason, _ = d.str(v, field+".reason")
	}
	if v := m["expires"]; v != nil {
		e.Expires = d.date(v, field+".expires")
	}
	return e
}

// parseRegionRef parses provider:code.
func parseRegionRef(s string) (RegionRef, bool) {
	p, c, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || !regionPartRE.MatchString(p) || !regionPartRE.MatchString(c) {
		return RegionRef{}, false
	}
	return RegionRef{Provider: providerKey(p), Code: strings.ToLower(c)}, true
}

var regionPartRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// providerAliases maps names people and Terraform use for a provider to
// the provider key of the feeds and the atlas.
var providerAliases = map[string]string{
	"gcp": "google", "google-beta": "google", "azurerm": "azure", "azapi": "azure",
	"alicloud": "alibaba", "aliyun": "alibaba", "oci": "oracle", "tencentcloud": "tencent",
	"huaweicloud": "huawei", "amazon": "aws",
}

// providerKey returns the provider key a name means.
func providerKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if k, ok := providerAliases[s]; ok {
		return k
	}
	return s
}

// yamlErrorLine and yamlMessage take a YAML syntax error apart.
var (
	yamlLineRE   = regexp.MustCompile(`line (\d+)`)
	yamlPrefixRE = regexp.MustCompile(`^yaml: (line \d+: )?`)
)

func yamlErrorLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 1
}

func yamlMessage(err error) string { return yamlPrefixRE.ReplaceAllString(err.Error(), "") }
