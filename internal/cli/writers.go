package cli

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"
)

// resultWriter writes the matches of one input at a time.
type resultWriter interface {
	write(input string, fs []found) error
	flush() error
}

// newResultWriter returns a writer for format ("jsonl", "csv", "table").
// all asks CSV and tables for one row per match rather than one row per
// input with its most specific match.
func newResultWriter(w io.Writer, format string, cols []field, all bool) (resultWriter, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	switch format {
	case "jsonl", "json":
		return &jsonlWriter{w: bw, cols: cols}, nil
	case "csv":
		cw := &csvWriter{w: bw, cols: cols, all: all}
		cw.header()
		return cw, nil
	case "table":
		return &tableWriter{out: bw, cols: cols, all: all}, nil
	}
	return nil, fmt.Errorf("%w: unknown format %q (want jsonl, csv or table)", errUsage, format)
}

// jsonlWriter writes one JSON object per input:
// {"input": ..., "matches": [{field: value, ...}, ...]}.
type jsonlWriter struct {
	w    *bufio.Writer
	cols []field
	buf  []byte
}

func (j *jsonlWriter) write(input string, fs []found) error {
	b := append(j.buf[:0], `{"input":`...)
	b = appendJSONString(b, input)
	b = append(b, `,"matches":[`...)
	for i := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		r := row{input: input, f: &fs[i], n: len(fs)}
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
			b = c.json(b, &r)
		}
		b = append(b, '}')
	}
	b = append(b, "]}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func (j *jsonlWriter) flush() error { return j.w.Flush() }

// csvWriter writes RFC 4180 CSV with a header row.
type csvWriter struct {
	w    *bufio.Writer
	cols []field
	all  bool
	buf  []byte
	cell []byte
}

func (c *csvWriter) header() {
	for i, f := range c.cols {
		if i > 0 {
			c.w.WriteByte(',')
		}
		c.w.WriteString(f.name)
	}
	c.w.WriteByte('\n')
}

func (c *csvWriter) write(input string, fs []found) error {
	c.buf = c.buf[:0]
	if len(fs) == 0 {
		c.row(&row{input: input})
	} else if !c.all {
		c.row(&row{input: input, f: &fs[0], n: len(fs)})
	} else {
		for i := range fs {
			c.row(&row{input: input, f: &fs[i], n: len(fs)})
		}
	}
	_, err := c.w.Write(c.buf)
	return err
}

func (c *csvWriter) row(r *row) {
	for i, f := range c.cols {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.cell = f.text(c.cell[:0], r)
		c.buf = appendCSV(c.buf, c.cell)
	}
	c.buf = append(c.buf, '\n')
}

func (c *csvWriter) flush() error { return c.w.Flush() }

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
}

const tableBlock = 500

func (t *tableWriter) write(input string, fs []found) error {
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
		t.row(&row{input: input, f: &fs[0], n: len(fs)})
	default:
		for i := range fs {
			t.row(&row{input: input, f: &fs[i], n: len(fs)})
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
