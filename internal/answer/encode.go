package answer

import (
	"bytes"
	"text/tabwriter"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// The output formats of match results.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
	FormatTable = "table"
)

// encoder renders the matches of one input as bytes. Encoders keep
// scratch space and are not safe for concurrent use: each worker takes
// its own from clone.
type encoder interface {
	// header returns the bytes that start the output.
	header(dst []byte) []byte
	// append appends the rows of one input: its matches, or err when the
	// input could not be looked up.
	append(dst []byte, input string, fs []Found, err error) []byte
	// finish post-processes the rows of one chunk of input (tables align
	// them); first is set for the first chunk.
	finish(rows []byte, first bool) []byte
	clone() encoder
}

// newEncoder returns the encoder of a format. all asks CSV and tables
// for one row per match instead of one per input.
func newEncoder(format string, cols []Field, all bool, pv *placeView) (encoder, error) {
	switch format {
	case FormatJSONL, "json":
		return &jsonlEncoder{cols: cols, pv: pv}, nil
	case FormatCSV:
		return &csvEncoder{cols: cols, all: all, pv: pv}, nil
	case FormatTable:
		return &tableEncoder{csvEncoder{cols: cols, all: all, pv: pv, table: true}}, nil
	}
	return nil, invalidf("unknown format %q (want jsonl, csv or table)", clip(format))
}

// jsonlEncoder writes one JSON object per input:
// {"input": ..., ["error": ...,] "matches": [{field: value, ...}, ...]}.
type jsonlEncoder struct {
	cols []Field
	pv   *placeView
	r    row // reused: a row handed to the field functions escapes
}

func (j *jsonlEncoder) clone() encoder {
	return &jsonlEncoder{cols: j.cols, pv: j.pv.clone()}
}

func (j *jsonlEncoder) header(dst []byte) []byte              { return dst }
func (j *jsonlEncoder) finish(rows []byte, first bool) []byte { return rows }

func (j *jsonlEncoder) append(b []byte, input string, fs []Found, err error) []byte {
	b = append(b, `{"input":`...)
	b = appendJSONString(b, input)
	if err != nil {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, err.Error())
	}
	b = append(b, `,"matches":`...)
	return append(appendMatchesJSON(b, j.cols, fs, j.pv), "}\n"...)
}

// appendMatchesJSON appends fs as a JSON array of objects holding the
// per-match columns of cols.
func appendMatchesJSON(b []byte, cols []Field, fs []Found, pv *placeView) []byte {
	b = append(b, '[')
	var r row
	for i := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		r = row{f: &fs[i], n: len(fs), pv: pv}
		first := true
		for _, c := range cols {
			if c.Name == "input" || c.Name == "matches" || c.Name == "error" {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, c.Name)
			b = append(b, ':')
			b = c.json(b, &r)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// csvEncoder writes RFC 4180 CSV with a header row: one row per input
// with its most specific match, or with all set one row per match. Every
// cell that a spreadsheet would read as a formula is defused: inputs,
// feed text and atlas names all come from third parties.
type csvEncoder struct {
	cols  []Field
	all   bool
	table bool // tab-separated cells for a tabwriter, "-" for empty
	cell  []byte
	// cache holds, per matched record, its cells for the columns that
	// depend on the record alone: most of a row is the same every time
	// a range matches, and formatting it once saves most of the work.
	cache map[*ranges.Record][][]byte
	pv    *placeView
	r     row // reused: a row handed to the field functions escapes
}

func (c *csvEncoder) clone() encoder {
	return &csvEncoder{cols: c.cols, all: c.all, table: c.table, pv: c.pv.clone()}
}

func (c *csvEncoder) header(dst []byte) []byte {
	for i, f := range c.cols {
		if i > 0 {
			dst = append(dst, c.sep())
		}
		dst = append(dst, f.Name...)
	}
	return append(dst, '\n')
}

func (c *csvEncoder) finish(rows []byte, first bool) []byte { return rows }

func (c *csvEncoder) sep() byte {
	if c.table {
		return '\t'
	}
	return ','
}

func (c *csvEncoder) append(dst []byte, input string, fs []Found, err error) []byte {
	switch {
	case len(fs) == 0:
		c.r = row{input: input, err: err}
		return c.row(dst, &c.r)
	case !c.all:
		c.r = row{input: input, f: &fs[0], n: len(fs), pv: c.pv}
		return c.row(dst, &c.r)
	}
	for i := range fs {
		c.r = row{input: input, f: &fs[i], n: len(fs), pv: c.pv}
		dst = c.row(dst, &c.r)
	}
	return dst
}

func (c *csvEncoder) row(dst []byte, r *row) []byte {
	var cached [][]byte
	if r.f != nil {
		cached = c.cached(r)
	}
	seg := 0
	for i := 0; i < len(c.cols); i++ {
		if i > 0 {
			dst = append(dst, c.sep())
		}
		f := &c.cols[i]
		if cached != nil && !f.perQuery {
			dst = append(dst, cached[seg]...)
			seg++
			for i+1 < len(c.cols) && !c.cols[i+1].perQuery {
				i++
			}
			continue
		}
		c.cell = f.text(c.cell[:0], r)
		dst = c.appendCell(dst, c.cell)
	}
	return append(dst, '\n')
}

// cached returns the record-only cells of r's match, escaped: one
// segment per maximal run of record-only columns, joined by separators.
func (c *csvEncoder) cached(r *row) [][]byte {
	if cs, ok := c.cache[r.f.Record]; ok {
		return cs
	}
	if c.cache == nil {
		c.cache = make(map[*ranges.Record][][]byte)
	}
	var segs [][]byte
	var seg []byte
	for i, f := range c.cols {
		if f.perQuery {
			continue
		}
		if i > 0 && !c.cols[i-1].perQuery {
			seg = append(seg, c.sep())
		}
		c.cell = f.text(c.cell[:0], r)
		seg = c.appendCell(seg, c.cell)
		if i+1 == len(c.cols) || c.cols[i+1].perQuery {
			segs = append(segs, seg)
			seg = nil
		}
	}
	c.cache[r.f.Record] = segs
	return segs
}

func (c *csvEncoder) appendCell(dst, cell []byte) []byte {
	if c.table {
		return appendTableCell(dst, cell)
	}
	return appendCSV(dst, cell)
}

// appendCSV appends s as one CSV field: quoted when needed, and with a
// leading apostrophe when a spreadsheet would take it for a formula.
func appendCSV(dst []byte, s []byte) []byte {
	defuse := len(s) > 0 && isFormulaStart(s[0])
	quote := bytes.ContainsAny(s, ",\"\n\r")
	if !quote && !defuse {
		return append(dst, s...)
	}
	if quote {
		dst = append(dst, '"')
	}
	if defuse {
		dst = append(dst, '\'')
	}
	for _, c := range s {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	if quote {
		dst = append(dst, '"')
	}
	return dst
}

// isFormulaStart reports whether a cell starting with c would be read
// as a formula by a spreadsheet (OWASP's CSV injection list).
func isFormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// appendTableCell appends a cell for a tabwriter: "-" when empty, tabs
// and newlines turned into spaces so that they cannot break the grid.
func appendTableCell(dst, s []byte) []byte {
	if len(s) == 0 {
		return append(dst, '-')
	}
	for _, c := range s {
		if c == '\t' || c == '\n' || c == '\r' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// tableEncoder aligns columns for a terminal. It aligns each chunk of
// rows on its own, so that it can stream.
type tableEncoder struct{ csvEncoder }

func (t *tableEncoder) clone() encoder {
	return &tableEncoder{*t.csvEncoder.clone().(*csvEncoder)}
}

func (t *tableEncoder) header(dst []byte) []byte { return dst }

// finish aligns the rows of one chunk, the first with the header above
// them.
func (t *tableEncoder) finish(rows []byte, first bool) []byte {
	if len(rows) == 0 && !first {
		return rows
	}
	var out bytes.Buffer
	out.Grow(len(rows) + len(rows)/2)
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	if first {
		tw.Write(t.csvEncoder.header(nil))
	}
	tw.Write(rows)
	tw.Flush()
	return out.Bytes()
}
