package atlas

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// decoder turns the yaml.Node tree of one file into records, reporting
// every schema problem with its line.
type decoder struct {
	file  string
	probs *problems
}

// handler decodes the value of one known field.
type handler func(v *yaml.Node)

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line} }

func (d *decoder) problem(n *yaml.Node, field, format string, args ...any) {
	d.probs.add(d.pos(n), n.Line, field, format, args...)
}

// object walks the mapping n, calls the handler of each key and reports
// unknown and repeated keys. It returns the line of every field seen.
func (d *decoder) object(n *yaml.Node, prefix string, hs map[string]handler) fieldLines {
	lines := make(fieldLines, len(n.Content)/2)
	if n.Kind != yaml.MappingNode {
		d.problem(n, prefix, "want a mapping, got %s", kindName(n))
		return lines
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		h, ok := hs[k.Value]
		switch {
		case !ok:
			d.problem(k, prefix+k.Value, "unknown field")
		case lines[k.Value] != 0:
			d.problem(k, prefix+k.Value, "repeated field")
		default:
			lines[k.Value] = k.Line
			h(v)
		}
	}
	return lines
}

// seq calls f on each item of the sequence n.
func (d *decoder) seq(n *yaml.Node, field string, f func(i int, item *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		if n.Tag != "!!null" {
			d.problem(n, field, "want a list, got %s", kindName(n))
		}
		return
	}
	for i, item := range n.Content {
		f(i, item)
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// scalar reports whether n is a scalar, recording a problem if not.
func (d *decoder) scalar(n *yaml.Node, field string) bool {
	if n.Kind != yaml.ScalarNode {
		d.problem(n, field, "want a single value, got %s", kindName(n))
		return false
	}
	return true
}

func (d *decoder) str(field string, dst *string) handler {
	return func(v *yaml.Node) {
		if d.scalar(v, field) && v.Tag != "!!null" {
			*dst = v.Value
		}
	}
}

func (d *decoder) date(field string, dst *Date) handler {
	return func(v *yaml.Node) {
		if !d.scalar(v, field) || v.Tag == "!!null" {
			return
		}
		t, err := ParseDate(v.Value)
		if err != nil {
			d.problem(v, field, "%v", err)
			return
		}
		*dst = t
	}
}

// dates decodes one date or a list of dates.
func (d *decoder) dates(field string, dst *[]Date) handler {
	return func(v *yaml.Node) {
		if v.Kind == yaml.ScalarNode {
			var one Date
			d.date(field, &one)(v)
			if !one.IsZero() {
				*dst = append(*dst, one)
			}
			return
		}
		d.seq(v, field, func(i int, item *yaml.Node) {
			var one Date
			d.date(fmt.Sprintf("%s[%d]", field, i), &one)(item)
			if !one.IsZero() {
				*dst = append(*dst, one)
			}
		})
	}
}

func (d *decoder) number(field string, dst **float64) handler {
	return func(v *yaml.Node) {
		if !d.scalar(v, field) {
			return
		}
		f, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			d.problem(v, field, "want a number, got %q", v.Value)
			return
		}
		*dst = &f
	}
}

func (d *decoder) boolean(field string, dst *bool) handler {
	return func(v *yaml.Node) {
		if !d.scalar(v, field) {
			return
		}
		b, err := strconv.ParseBool(v.Value)
		if err != nil || v.Tag != "!!bool" {
			d.problem(v, field, "want true or false, got %q", v.Value)
			return
		}
		*dst = b
	}
}

func (d *decoder) strs(field string, dst *[]string) handler {
	return func(v *yaml.Node) {
		d.seq(v, field, func(i int, item *yaml.Node) {
			if d.scalar(item, fmt.Sprintf("%s[%d]", field, i)) {
				*dst = append(*dst, item.Value)
			}
		})
	}
}

func (d *decoder) strMap(field string, dst *map[string]string) handler {
	return func(v *yaml.Node) {
		if v.Kind != yaml.MappingNode {
			d.problem(v, field, "want a mapping, got %s", kindName(v))
			return
		}
		m := make(map[string]string, len(v.Content)/2)
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			if d.scalar(val, field+"."+k.Value) {
				m[k.Value] = val.Value
			}
		}
		*dst = m
	}
}
