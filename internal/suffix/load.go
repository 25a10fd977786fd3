package suffix

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloudatlas/cloudatlas/data"
)

// Table is a loaded suffix table. It is immutable after [Load] and safe
// for concurrent use.
type Table struct {
	Providers []*Provider
	Schemes   []*RegionScheme
	Entries   []*Entry

	providers map[string]*Provider
	schemes   map[string]*RegionScheme
	byTLD     map[string][]*Entry
	problems  Problems
}

// file is the shape of one table file.
type file struct {
	Providers     []yaml.Node `yaml:"providers"`
	RegionSchemes []yaml.Node `yaml:"region_schemes"`
	Suffixes      []yaml.Node `yaml:"suffixes"`
}

// fields of each kind of record, for the unknown-field check.
var (
	providerFields = []string{"key", "name", "atlas"}
	schemeFields   = []string{"key", "pattern", "partitions"}
	entryFields    = []string{"suffix", "provider", "partition", "service", "kind", "region_scheme", "region", "note", "sources"}
	sourceFields   = []string{"url", "publisher", "checked", "how"}
)

// Embedded loads the table embedded in the binary (data/suffixes). It
// fails when the table has problems; [Check] lists them.
func Embedded() (*Table, error) {
	sub, err := fs.Sub(data.Suffixes, "suffixes")
	if err != nil {
		return nil, fmt.Errorf("suffix: embedded table: %w", err)
	}
	t, err := Load(sub)
	if err != nil {
		return nil, err
	}
	if ps := Check(t); len(ps) > 0 {
		return nil, fmt.Errorf("suffix: embedded table: %d problems, first: %v", len(ps), ps[0])
	}
	return t, nil
}

// Load reads every *.yaml file at the root of fsys. Problems in the files
// (YAML syntax, unknown fields, bad patterns) do not stop loading: an
// entry with a bad pattern is left out of matching, and [Check] reports
// every problem with its file and line. Load fails only when fsys cannot
// be read.
func Load(fsys fs.FS) (*Table, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("suffix: %w", err)
	}
	t := &Table{providers: map[string]*Provider{}, schemes: map[string]*RegionScheme{}, byTLD: map[string][]*Entry{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("suffix: %w", err)
		}
		t.decodeFile(path.Base(name), b)
	}
	t.index()
	return t, nil
}

// decodeFile adds the records of one file.
func (t *Table) decodeFile(name string, b []byte) {
	var f file
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.problem(Pos{File: name}, "", "%v", err)
		return
	}
	for _, n := range f.Providers {
		p := &Provider{pos: Pos{name, n.Line}}
		if t.decode(&n, p, p.pos, providerFields) {
			t.Providers = append(t.Providers, p)
		}
	}
	for _, n := range f.RegionSchemes {
		s := &RegionScheme{pos: Pos{name, n.Line}}
		if t.decode(&n, s, s.pos, schemeFields) {
			t.Schemes = append(t.Schemes, s)
		}
	}
	for _, n := range f.Suffixes {
		e := &Entry{pos: Pos{name, n.Line}, index: len(t.Entries)}
		if t.decode(&n, e, e.pos, entryFields) {
			t.checkSourceFields(&n, e.pos)
			t.Entries = append(t.Entries, e)
		}
	}
}

// decode decodes a mapping node into v, reporting fields not in known.
func (t *Table) decode(n *yaml.Node, v any, pos Pos, known []string) bool {
	if n.Kind != yaml.MappingNode {
		t.problem(pos, "", "want a mapping")
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(known, k.Value) {
			t.problem(Pos{pos.File, k.Line}, k.Value, "unknown field (known: %s)", strings.Join(known, ", "))
		}
	}
	if err := n.Decode(v); err != nil {
		t.problem(pos, "", "%v", err)
		return false
	}
	return true
}

// checkSourceFields reports unknown fields in an entry's sources.
func (t *Table) checkSourceFields(n *yaml.Node, pos Pos) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "sources" || n.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, src := range n.Content[i+1].Content {
			var s Source
			t.decode(src, &s, Pos{pos.File, src.Line}, sourceFields)
		}
	}
}

// index compiles the schemes and patterns and indexes the entries by
// their last label. Entries whose pattern or scheme is bad are left out.
func (t *Table) index() {
	for _, p := range t.Providers {
		if _, dup := t.providers[p.Key]; !dup {
			t.providers[p.Key] = p
		}
	}
	for _, s := range t.Schemes {
		re, err := regexp.Compile("^(?:" + s.Pattern + ")$")
		if err != nil || s.Pattern == "" {
			continue
		}
		s.re = re
		if _, dup := t.schemes[s.Key]; !dup {
			t.schemes[s.Key] = s
		}
	}
	for _, e := range t.Entries {
		labels, below, problem := parsePattern(e.Suffix)
		if problem != "" {
			continue
		}
		e.labels, e.below = labels, below
		for _, l := range labels {
			e.literal += len(l.prefix) + len(l.suffix)
		}
		e.scheme = t.schemes[e.Scheme]
		tld := labels[0].prefix
		t.byTLD[tld] = append(t.byTLD[tld], e)
	}
}

func (t *Table) problem(pos Pos, field, format string, args ...any) {
	t.problems = append(t.problems, Problem{File: pos.File, Line: pos.Line, Field: field, Message: fmt.Sprintf(format, args...)})
}
