package cli

import (
	"github.com/cloudatlas/cloudatlas/internal/query"

	"bufio"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// formatter renders the matches of one input as bytes. Formatters that
// keep scratch space are not safe for concurrent use: each worker takes
// its own from clone.
type formatter interface {
	header(dst []byte) []byte
	appendResult(dst []byte, input string, fs []query.Found) []byte
	clone() formatter
}

// newFormatter returns the formatter for a streaming format ("jsonl" or
// "csv"), or nil for "table", which needs a writer of its own.
func newFormatter(format string, cols []field, all bool, ops *operatorCache) (formatter, error) {
	switch format {
	case "jsonl", "json":
		return &jsonlFormatter{cols: cols, ops: ops}, nil
	case "csv":
		return &csvFormatter{cols: cols, all: all, ops: ops}, nil
	case "table":
		return nil, nil
	}
	return nil, fmt.Errorf("%w: unknown format %q (want jsonl, csv or table)", errUsage, format)
}

// jsonlFormatter writes one JSON object per input:
// {"input": ..., "matches": [{field: value, ...}, ...]}.
type jsonlFormatter struct {
	cols []field
	ops  *operatorCache
	r    row // reused: a row handed to the field functions escapes
}

func (j *jsonlFormatter) clone() formatter {
	return &jsonlFormatter{cols: j.cols, ops: j.ops.clone()}
}
func (j *jsonlFormatter) header(dst []byte) []byte { return dst }
func (j *jsonlFormatter) appendResult(b []byte, input string, fs []query.Found) []byte {
	b = append(b, `{"input":`...)
	b = appendJSONString(b, input)
	b = append(b, `,"matches":[`...)
	for i := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		j.r = row{input: input, f: &fs[i], n: len(fs), ops: j.ops}
		first := true
		for _, c := range j.cols {
			if c.name == "input" || c.name == "matches" {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, c.name)
			b = append(b, ':')
			b = c.json(b, &j.r)
		}
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// csvFormatter writes RFC 4180 CSV with a header row: one row per input
// with its most specific match, or with all set one row per match.
type csvFormatter struct {
	cols []field
	all  bool
	cell []byte
	// cache holds, per matched record, its cells for the columns that
	// depend on the record alone: most of a row is the same every time
	// a range matches, and formatting it once saves most of the work.
	cache map[*ranges.Record]*cells
	ops   *operatorCache
	r     row // reused: a row handed to the field functions escapes
}

// cells holds a record's formatted CSV cells: one segment per maximal
// run of record-only columns, the cells of a run joined by commas.
type cells struct {
	segs [][]byte
}

func (c *csvFormatter) clone() formatter {
	return &csvFormatter{cols: c.cols, all: c.all, ops: c.ops.clone()}
}

func (c *csvFormatter) header(dst []byte) []byte {
	for i, f := range c.cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, f.name...)
	}
	return append(dst, '\n')
}

func (c *csvFormatter) appendResult(dst []byte, input string, fs []query.Found) []byte {
	switch {
	case len(fs) == 0:
		c.r = row{input: input}
		return c.row(dst, &c.r)
	case !c.all:
		c.r = row{input: input, f: &fs[0], n: len(fs), ops: c.ops}
		return c.row(dst, &c.r)
	}
	for i := range fs {
		c.r = row{input: input, f: &fs[i], n: len(fs), ops: c.ops}
		dst = c.row(dst, &c.r)
	}
	return dst
}

func (c *csvFormatter) row(dst []byte, r *row) []byte {
	var cached *cells
	if r.f != nil {
		cached = c.cached(r)
	}
	seg := 0
	for i := 0; i < len(c.cols); i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		f := &c.cols[i]
		if cached != nil && !f.perQuery {
			dst = append(dst, cached.segs[seg]...)
			seg++
			for i+1 < len(c.cols) && !c.cols[i+1].perQuery {
				i++
			}
			continue
		}
		c.cell = f.text(c.cell[:0], r)
		dst = appendCSV(dst, c.cell)
	}
	return append(dst, '\n')
}

// cached returns the record-only cells of r's match, CSV-escaped.
func (c *csvFormatter) cached(r *row) *cells {
	if cs, ok := c.cache[r.f.Record]; ok {
		return cs
	}
	if c.cache == nil {
		c.cache = make(map[*ranges.Record]*cells)
	}
	cs := &cells{}
	var seg []byte
	for i, f := range c.cols {
		if f.perQuery {
			continue
		}
		if i > 0 && !c.cols[i-1].perQuery {
			seg = append(seg, ',')
		}
		c.cell = f.text(c.cell[:0], r)
		seg = appendCSV(seg, c.cell)
		if i+1 == len(c.cols) || c.cols[i+1].perQuery {
			cs.segs = append(cs.segs, seg)
			seg = nil
		}
	}
	c.cache[r.f.Record] = cs
	return cs
}

// tableWriter aligns columns for a terminal. It aligns blocks of rows at
// a time so that it can stream.
type tableWriter struct {
	out    *bufio.Writer
	tw     *tabwriter.Writer
	cols   []field
	all    bool
	rows   int
	cell   []byte
	header bool
	ops    *operatorCache
}

func newTableWriter(w io.Writer, cols []field, all bool, ops *operatorCache) *tableWriter {
	return &tableWriter{out: bufio.NewWriter(w), cols: cols, all: all, ops: ops}
}

const tableBlock = 500

func (t *tableWriter) write(input string, fs []query.Found) error {
	if t.tw == nil {
		t.tw = tabwriter.NewWriter(t.out, 0, 0, 2, ' ', 0)
		if !t.header {
			t.header = true
			for i, f := range t.cols {
				if i > 0 {
					t.tw.Write([]byte{'\t'})
				}
				t.tw.Write([]byte(f.name))
			}
			t.tw.Write([]byte{'\n'})
		}
	}
	switch {
	case len(fs) == 0:
		t.row(&row{input: input})
	case !t.all:
		t.row(&row{input: input, f: &fs[0], n: len(fs), ops: t.ops})
	default:
		for i := range fs {
			t.row(&row{input: input, f: &fs[i], n: len(fs), ops: t.ops})
		}
	}
	if t.rows >= tableBlock {
		return t.flushBlock()
	}
	return nil
}

func (t *tableWriter) row(r *row) {
	for i, f := range t.cols {
		if i > 0 {
			t.tw.Write([]byte{'\t'})
		}
		t.cell = f.text(t.cell[:0], r)
		if len(t.cell) == 0 {
			t.cell = append(t.cell, '-')
		}
		t.tw.Write(t.cell)
	}
	t.tw.Write([]byte{'\n'})
	t.rows++
}

func (t *tableWriter) flushBlock() error {
	t.rows = 0
	if t.tw == nil {
		return nil
	}
	err := t.tw.Flush()
	t.tw = nil
	return err
}

func (t *tableWriter) flush() error {
	if err := t.flushBlock(); err != nil {
		return err
	}
	return t.out.Flush()
}
