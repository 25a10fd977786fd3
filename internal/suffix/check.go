package suffix

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Problem is one thing wrong in the table's files, located to a line.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// String formats p as "file:line: field: message".
func (p Problem) String() string {
	loc := fmt.Sprintf("%s:%d", p.File, p.Line)
	if p.Line == 0 {
		loc = p.File
	}
	if p.Field == "" {
		return loc + ": " + p.Message
	}
	return loc + ": " + p.Field + ": " + p.Message
}

// Problems lists problems; as an error it prints one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Check returns every problem of the table, sorted by file and line:
// what loading found (YAML syntax, unknown fields), then unknown or
// repeated provider and scheme keys, bad patterns and region schemes,
// repeated suffixes, unknown kinds, and entries without a complete
// source (URL, publisher, date checked).
func Check(t *Table) Problems {
	ps := slices.Clone(t.problems)
	add := func(pos Pos, field, format string, args ...any) {
		ps = append(ps, Problem{File: pos.File, Line: pos.Line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	checkProviders(t, add)
	checkSchemes(t, add)
	seen := map[string]Pos{}
	for _, e := range t.Entries {
		if prev, dup := seen[e.Suffix]; dup {
			add(e.pos, "suffix", "%q is already in %s:%d", e.Suffix, prev.File, prev.Line)
		}
		seen[e.Suffix] = e.pos
		checkEntry(t, e, add)
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Field, b.Field))
	})
	return ps
}

type addFunc func(pos Pos, field, format string, args ...any)

var atlasProvider = regexp.MustCompile(`^provider/[a-z0-9-]+$`)

func checkProviders(t *Table, add addFunc) {
	seen := map[string]bool{}
	for _, p := range t.Providers {
		switch {
		case p.Key == "":
			add(p.pos, "key", "missing")
		case seen[p.Key]:
			add(p.pos, "key", "provider %q is declared twice", p.Key)
		}
		seen[p.Key] = true
		if p.Name == "" {
			add(p.pos, "name", "missing")
		}
		if p.Atlas != "" && !atlasProvider.MatchString(p.Atlas) {
			add(p.pos, "atlas", "%q: want an atlas provider id, provider/<key>", p.Atlas)
		}
	}
}

func checkSchemes(t *Table, add addFunc) {
	seen := map[string]bool{}
	for _, s := range t.Schemes {
		if s.Key == "" || seen[s.Key] {
			add(s.pos, "key", "missing or declared twice: %q", s.Key)
		}
		seen[s.Key] = true
		if _, err := regexp.Compile(s.Pattern); err != nil || s.Pattern == "" {
			add(s.pos, "pattern", "%q is not a regular expression: %v", s.Pattern, err)
		}
		for _, r := range s.Partitions {
			if r.Prefix == "" || r.Partition == "" {
				add(s.pos, "partitions", "each rule needs a prefix and a partition")
			}
		}
	}
}

func checkEntry(t *Table, e *Entry, add addFunc) {
	labels, _, problem := parsePattern(e.Suffix)
	if problem != "" {
		add(e.pos, "suffix", "%q: %s", e.Suffix, problem)
	}
	if _, ok := t.providers[e.Provider]; !ok {
		add(e.pos, "provider", "unknown provider key %q (declare it under providers:)", e.Provider)
	}
	if !slices.Contains(Kinds, e.Kind) {
		add(e.pos, "kind", "%q: want one of %s", e.Kind, strings.Join(Kinds, ", "))
	}
	hasRegion := slices.ContainsFunc(labels, func(l label) bool { return l.hole == "region" })
	switch {
	case hasRegion && e.Scheme == "":
		add(e.pos, "region_scheme", "the suffix reads a {region}: name its region scheme")
	case e.Scheme != "" && t.schemes[e.Scheme] == nil:
		add(e.pos, "region_scheme", "unknown region scheme %q", e.Scheme)
	case e.Scheme != "" && !hasRegion:
		add(e.pos, "region_scheme", "the suffix has no {region} to read")
	}
	if e.Region != "" {
		switch {
		case hasRegion:
			add(e.pos, "region", "the suffix reads its region: a fixed region is not allowed too")
		case e.Scheme != "":
			add(e.pos, "region", "a fixed region takes no region_scheme; name the partition instead")
		}
	}
	checkSources(e, add)
}

func checkSources(e *Entry, add addFunc) {
	if len(e.Sources) == 0 {
		add(e.pos, "sources", "missing: cite the provider's own documentation")
	}
	for i, s := range e.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		if u, err := url.Parse(s.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			add(e.pos, field+".url", "%q: want an https URL", s.URL)
		}
		if s.Publisher == "" {
			add(e.pos, field+".publisher", "missing")
		}
		if _, err := time.Parse(time.DateOnly, s.Checked); err != nil {
			add(e.pos, field+".checked", "%q: want the date the citation was checked, YYYY-MM-DD", s.Checked)
		}
		if s.How != "read" && s.How != "cited" {
			add(e.pos, field+".how", "%q: want read or cited", s.How)
		}
	}
}

// CheckAtlas returns a problem for each provider whose atlas id is not
// an entity of the atlas (known reports whether an id is one). The
// caller (cloudatlas check) passes the loaded atlas's lookup.
func CheckAtlas(t *Table, known func(id string) bool) Problems {
	var ps Problems
	for _, p := range t.Providers {
		if p.Atlas != "" && !known(p.Atlas) {
			ps = append(ps, Problem{File: p.pos.File, Line: p.pos.Line, Field: "atlas", Message: fmt.Sprintf("%q is not an entity of the atlas", p.Atlas)})
		}
	}
	return ps
}
