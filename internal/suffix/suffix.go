// Package suffix holds the name evidence: a sourced table of host-name
// suffixes (data/suffixes/*.yaml, described in docs/suffixes.md) that
// say which provider, partition and service a name belongs to and, when
// the name encodes it, in which region. [Table.Match] finds the longest
// matching suffix of one name; [Table.Chain] matches every name of a
// CNAME chain, in order. The package does no I/O beyond reading the
// fs.FS it is given.
package suffix

import (
	"regexp"
	"strings"
)

// Provider is a provider key the table's entries may name.
type Provider struct {
	Key  string `yaml:"key"`
	Name string `yaml:"name"`
	// Atlas is the provider's entity id in the atlas (provider/aws), when
	// the atlas has one.
	Atlas string `yaml:"atlas"`
	pos   Pos
}

// RegionScheme says what a region code of one provider looks like, and
// which partition a region code implies.
type RegionScheme struct {
	Key        string          `yaml:"key"`
	Pattern    string          `yaml:"pattern"`
	Partitions []PartitionRule `yaml:"partitions"`
	re         *regexp.Regexp
	pos        Pos
}

// PartitionRule gives the partition of the region codes starting with
// Prefix.
type PartitionRule struct {
	Prefix    string `yaml:"prefix"`
	Partition string `yaml:"partition"`
}

// Source is where an entry's fact comes from: the provider's own
// documentation.
type Source struct {
	URL       string `yaml:"url" json:"url"`
	Publisher string `yaml:"publisher" json:"publisher"`
	// Checked is the date (YYYY-MM-DD) the citation was checked.
	Checked string `yaml:"checked" json:"checked"`
	// How says how: "read" (the page's text was read and names the
	// suffix) or "cited" (the provider's documentation page of the
	// service, cited without its text at hand; to be read again).
	How string `yaml:"how" json:"how"`
}

// Entry is one suffix of the table.
type Entry struct {
	// Suffix is the pattern as written: labels separated by dots, a
	// leading "*." when only names below the suffix match, and at most
	// one placeholder per label ({region} or {any}).
	Suffix    string `yaml:"suffix"`
	Provider  string `yaml:"provider"`
	Partition string `yaml:"partition"`
	Service   string `yaml:"service"`
	Kind      string `yaml:"kind"`
	Scheme    string `yaml:"region_scheme"`
	// Region is a fixed region the suffix implies (s3.amazonaws.com is
	// in us-east-1), for suffixes that do not spell it.
	Region  string   `yaml:"region"`
	Note    string   `yaml:"note"`
	Sources []Source `yaml:"sources"`

	pos     Pos
	index   int     // place in the table, for ranking ties
	below   bool    // "*." prefix: the suffix itself does not match
	labels  []label // right to left
	literal int     // literal characters, for ranking
	scheme  *RegionScheme
}

// Pos locates an entry in the table's files.
type Pos struct {
	File string
	Line int
}

// Kinds of service an entry may name.
var Kinds = []string{"cdn", "hosting", "storage", "compute", "load-balancer", "api", "traffic", "cloud"}

// label is one label of a pattern: literal text, or a prefix and suffix
// around a placeholder.
type label struct {
	prefix, suffix string
	hole           string // "", "region" or "any"
}

// placeholders are the placeholders a label may hold.
var placeholders = map[string]bool{"region": true, "any": true}

// parsePattern splits a suffix pattern into labels, right to left. It
// returns what is wrong with it, or "".
func parsePattern(p string) (labels []label, below bool, problem string) {
	if rest, ok := strings.CutPrefix(p, "*."); ok {
		p, below = rest, true
	}
	parts := strings.Split(p, ".")
	if len(parts) < 2 {
		return nil, below, "a suffix needs at least two labels"
	}
	for i := len(parts) - 1; i >= 0; i-- {
		l, problem := parseLabel(parts[i])
		if problem != "" {
			return nil, below, problem
		}
		if i == len(parts)-1 && l.hole != "" {
			return nil, below, "the last label must be literal"
		}
		labels = append(labels, l)
	}
	return labels, below, ""
}

func parseLabel(s string) (label, string) {
	open := strings.IndexByte(s, '{')
	if open < 0 {
		if !validLiteral(s) || s == "" {
			return label{}, "label " + quote(s) + " is not lower-case letters, digits and hyphens"
		}
		return label{prefix: s}, ""
	}
	end := strings.IndexByte(s, '}')
	if end < open {
		return label{}, "label " + quote(s) + " has an unclosed placeholder"
	}
	l := label{prefix: s[:open], hole: s[open+1 : end], suffix: s[end+1:]}
	if !placeholders[l.hole] {
		return label{}, "label " + quote(s) + ": unknown placeholder {" + l.hole + "} (want {region} or {any})"
	}
	if !validLiteral(l.prefix) || !validLiteral(l.suffix) || strings.ContainsAny(l.suffix, "{}") {
		return label{}, "label " + quote(s) + " has more than one placeholder or a bad character"
	}
	return l, ""
}

func validLiteral(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func quote(s string) string { return "\"" + s + "\"" }

// match matches one name label against l and returns the text of the
// placeholder, if any.
func (l label) match(s string) (string, bool) {
	if l.hole == "" {
		return "", s == l.prefix
	}
	if len(s) <= len(l.prefix)+len(l.suffix) || !strings.HasPrefix(s, l.prefix) || !strings.HasSuffix(s, l.suffix) {
		return "", false
	}
	return s[len(l.prefix) : len(s)-len(l.suffix)], true
}
