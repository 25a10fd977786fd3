package suffix

import (
	"cmp"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/hostname"
)

// Evidence is what one name of a chain says about who serves it.
type Evidence struct {
	// Name is the name that matched (ASCII) and Position its place in
	// the chain: 0 for the name asked, 1 for the first CNAME target...
	Name     string `json:"name"`
	Position int    `json:"position"`
	// Suffix is the table's pattern that matched, as written.
	Suffix    string `json:"suffix"`
	Provider  string `json:"provider"`
	Partition string `json:"partition,omitempty"`
	Service   string `json:"service,omitempty"`
	Kind      string `json:"kind,omitempty"`
	// Region is the region code read from the name, when the pattern
	// holds one and the label fits the provider's region scheme.
	Region  string   `json:"region,omitempty"`
	Sources []Source `json:"sources"`
}

// Match returns the evidence of the longest suffix of name in the table
// (see docs/suffixes.md for how ties are broken). name may be in any
// case, with or without a final dot, in Unicode or ASCII; ok is false
// when no suffix matches or name is not a valid host name.
func (t *Table) Match(name string) (Evidence, bool) {
	n, err := hostname.Parse(name)
	if err != nil {
		return Evidence{}, false
	}
	return t.matchASCII(n.ASCII)
}

// Chain returns the evidence of every name of a CNAME chain that
// matches, in chain order (names[0] is the name asked, then each
// target). The result depends only on the names and the table.
func (t *Table) Chain(names []string) []Evidence {
	var out []Evidence
	for i, name := range names {
		if ev, ok := t.Match(name); ok {
			ev.Position = i
			out = append(out, ev)
		}
	}
	return out
}

// matchASCII matches a valid lower-case ASCII name.
func (t *Table) matchASCII(name string) (Evidence, bool) {
	labels := strings.Split(name, ".")
	var best *Entry
	var bestRegion string
	for _, e := range t.byTLD[labels[len(labels)-1]] {
		region, ok := e.matches(labels)
		if ok && (best == nil || better(e, best)) {
			best, bestRegion = e, region
		}
	}
	if best == nil {
		return Evidence{}, false
	}
	return best.evidence(name, bestRegion), true
}

// better reports whether a ranks above b: more labels, then more
// literal characters, then the earlier entry in the table.
func better(a, b *Entry) bool {
	if c := cmp.Compare(len(a.labels), len(b.labels)); c != 0 {
		return c > 0
	}
	if c := cmp.Compare(a.literal, b.literal); c != 0 {
		return c > 0
	}
	return a.index < b.index
}

// matches reports whether the name's labels (left to right) end with the
// entry's pattern, and returns the region the pattern reads, validated
// against the entry's region scheme.
func (e *Entry) matches(labels []string) (string, bool) {
	n := len(labels)
	if n < len(e.labels) || e.below && n == len(e.labels) {
		return "", false
	}
	region := ""
	for i, l := range e.labels {
		text, ok := l.match(labels[n-1-i])
		if !ok {
			return "", false
		}
		if l.hole == "region" {
			if e.scheme == nil || !e.scheme.re.MatchString(text) {
				return "", false
			}
			region = text
		}
	}
	return region, true
}

func (e *Entry) evidence(name, region string) Evidence {
	if region == "" {
		region = e.Region
	}
	ev := Evidence{Name: name, Suffix: e.Suffix, Provider: e.Provider, Partition: e.Partition,
		Service: e.Service, Kind: e.Kind, Region: region, Sources: e.Sources}
	if region != "" && e.scheme != nil {
		for _, r := range e.scheme.Partitions {
			if strings.HasPrefix(region, r.Prefix) {
				ev.Partition = r.Partition
				break
			}
		}
	}
	return ev
}
