package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// jnode is a JSON value with the offset it ends at, so that a Terraform
// state's assets can be given the line they were written on.
type jnode struct {
	off   int64 // the offset just after the value's first token
	kind  byte  // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys  []string
	vals  []*jnode // object values, in key order; array items
	str   string   // a string's value, a number's text
	truth bool
}

// get returns the value of key in an object, or nil.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// text returns a string's value, or "" for anything else.
func (n *jnode) text() string {
	if n == nil || n.kind != 's' {
		return ""
	}
	return n.str
}

// isTrue reports whether n is the JSON value true.
func (n *jnode) isTrue() bool { return n != nil && n.kind == 'b' && n.truth }

// maxJSONDepth bounds nesting; real states are far shallower.
const maxJSONDepth = 200

// parseJSONTree parses data into a tree of jnodes.
func parseJSONTree(data []byte) (*jnode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := readNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &jsonError{dec.InputOffset(), "more data after the top-level value"}
	}
	return root, nil
}

func readNode(dec *json.Decoder, depth int) (*jnode, error) {
	if depth > maxJSONDepth {
		return nil, &jsonError{dec.InputOffset(), fmt.Sprintf("nested more than %d deep", maxJSONDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(dec, err)
	}
	n := &jnode{off: dec.InputOffset()}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.kind = 'o'
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, jsonErr(dec, err)
				}
				k, _ := kt.(string)
				v, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys, n.vals = append(n.keys, k), append(n.vals, v)
			}
		case '[':
			n.kind = 'a'
			for dec.More() {
				v, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.vals = append(n.vals, v)
			}
		default:
			return nil, &jsonError{dec.InputOffset(), fmt.Sprintf("unexpected %q", t)}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, jsonErr(dec, err)
		}
	case string:
		n.kind, n.str = 's', t
	case json.Number:
		n.kind, n.str = 'n', t.String()
	case bool:
		n.kind, n.truth = 'b', t
	case nil:
		n.kind = 'z'
	}
	return n, nil
}

// jsonError is a JSON syntax error at an offset.
type jsonError struct {
	off int64
	msg string
}

func (e *jsonError) Error() string { return e.msg }

func jsonErr(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) {
		return &jsonError{dec.InputOffset(), "the JSON ends too soon"}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &jsonError{se.Offset, "JSON syntax: " + se.Error()}
	}
	return &jsonError{dec.InputOffset(), "JSON: " + err.Error()}
}

// lineIndex turns offsets into 1-based line numbers.
type lineIndex []int64 // offsets of each newline

func newLineIndex(data []byte) lineIndex {
	var idx lineIndex
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, int64(i))
		}
	}
	return idx
}

// line returns the line that the byte before off is on.
func (idx lineIndex) line(off int64) int {
	if off > 0 {
		off--
	}
	return sort.Search(len(idx), func(i int) bool { return idx[i] >= off }) + 1
}
