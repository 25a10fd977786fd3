package answer

import (
	"bytes"
	"net/netip"
	"strconv"
	"text/tabwriter"
	"unsafe"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
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
	// appendHost appends the rows of a host name: what was learnt of it,
	// the matches of its first address, and err when it did not resolve.
	appendHost(dst []byte, input string, h *Host, fs []Found, err error) []byte
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
	return j.appendHost(b, input, nil, fs, err)
}

func (j *jsonlEncoder) appendHost(b []byte, input string, h *Host, fs []Found, err error) []byte {
	b = append(b, `{"input":`...)
	b = appendJSONString(b, input)
	if h != nil {
		b = appendHostJSON(b, h)
	}
	if err != nil {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, err.Error())
	}
	b = append(b, `,"matches":`...)
	return append(appendMatchesJSON(b, j.cols, fs, j.pv), "}\n"...)
}

// appendHostJSON appends the keys that describe a host name: its ASCII
// form, its addresses (A then AAAA), its CNAME chain and the evidence of
// its names.
func appendHostJSON(b []byte, h *Host) []byte {
	b = append(b, `,"name":`...)
	b = appendJSONString(b, h.Name)
	b = append(b, `,"resolved":`...)
	b = strconv.AppendBool(b, h.Resolved)
	b = append(b, `,"addresses":`...)
	b = appendJSONStrings(b, addrStrings(h.Addresses()))
	b = append(b, `,"cnames":`...)
	b = appendJSONStrings(b, h.CNAMEs())
	b = append(b, `,"evidence":`...)
	ev, _ := marshal(orEmpty(h.Evidence))
	return append(b, ev...)
}

func addrStrings(as []netip.Addr) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
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
			if c.perInput {
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
	cache []cacheEntry // by lpm.Match.ID
	sink  uintptr      // what warm read, kept so that the reads stay
	arena [][]byte
	seg   []byte   // scratch: the cells of the record being cached
	ends  []uint32 // scratch: the ends of its segments
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
	return c.appendHost(dst, input, nil, fs, err)
}

func (c *csvEncoder) appendHost(dst []byte, input string, h *Host, fs []Found, err error) []byte {
	switch {
	case len(fs) == 0:
		c.r = row{input: input, err: err, host: h}
		return c.row(dst, &c.r)
	case !c.all:
		c.r = row{input: input, f: &fs[0], n: len(fs), pv: c.pv, host: h}
		return c.row(dst, &c.r)
	}
	for i := range fs {
		c.r = row{input: input, f: &fs[i], n: len(fs), pv: c.pv, host: h}
		dst = c.row(dst, &c.r)
	}
	return dst
}

func (c *csvEncoder) row(dst []byte, r *row) []byte {
	var cached *cacheEntry
	if r.f != nil && r.f.ID != lpm.NoID {
		cached = c.cached(r)
	}
	seg := 0
	for i := 0; i < len(c.cols); i++ {
		if i > 0 {
			dst = append(dst, c.sep())
		}
		f := &c.cols[i]
		if cached != nil && !f.perQuery {
			dst = append(dst, c.segment(cached, seg)...)
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

// cacheEntry locates a record's escaped cells in the encoder's arena:
// the cells of the columns that depend on the record alone, one segment
// per maximal run of such columns (the cells of a run joined by
// separators). The record is kept to check the entry: matches that no
// table numbered share ID 0.
type cacheEntry struct {
	rec        *ranges.Record
	block      uint32   // index into arena
	start, end uint32   // the bytes in the block
	ends       []uint32 // the end of each segment but the last; nil for one
}

// segment returns segment i of a cached entry.
func (c *csvEncoder) segment(e *cacheEntry, i int) []byte {
	b := c.arena[e.block]
	if e.ends == nil {
		return b[e.start:e.end]
	}
	lo, hi := e.start, e.end
	if i > 0 {
		lo = e.ends[i-1]
	}
	if i < len(e.ends) {
		hi = e.ends[i]
	}
	return b[lo:hi]
}

// The arena is blocks of arenaBlock bytes, never copied: a stream over
// many ranges fills several megabytes, and doubling one buffer would
// copy them and fault in twice the pages. maxArena bounds it all; when
// full, caching starts over.
const (
	arenaBlock = 256 << 10
	maxArena   = 64 << 20
)

// warm reads the cache entries that the rows of a batch will use, one
// load after another without waiting on any: each is likely a miss.
func (c *csvEncoder) warm(b *batch) {
	var sink uintptr
	for _, p := range b.items {
		if p.hi > p.lo {
			if id := int(b.found[p.lo].ID); id < len(c.cache) && b.found[p.lo].ID != lpm.NoID {
				e := &c.cache[id]
				sink += uintptr(unsafe.Pointer(e.rec))
				if e.end > e.start {
					sink += uintptr(c.arena[e.block][e.start])
				}
			}
		}
	}
	c.sink = sink
}

// cached returns the cache entry of r's match, encoding its record-only
// cells on first use: a log hits the same ranges over and over, and
// formatting most of a row once saves most of the work. Entries live in
// a slice indexed by the match's table ID and the bytes in one arena,
// so a hit touches little memory.
func (c *csvEncoder) cached(r *row) *cacheEntry {
	id := int(r.f.ID)
	if id < len(c.cache) && c.cache[id].rec == r.f.Record {
		return &c.cache[id]
	}
	if id >= len(c.cache) {
		c.cache = append(c.cache, make([]cacheEntry, id+1-len(c.cache)+len(c.cache)/2)...)
	}
	c.seg = c.seg[:0]
	ends := c.ends[:0]
	for i, f := range c.cols {
		if f.perQuery {
			continue
		}
		if i > 0 && !c.cols[i-1].perQuery {
			c.seg = append(c.seg, c.sep())
		}
		c.cell = f.text(c.cell[:0], r)
		c.seg = c.appendCell(c.seg, c.cell)
		if i+1 == len(c.cols) || c.cols[i+1].perQuery {
			ends = append(ends, uint32(len(c.seg)))
		}
	}
	c.ends = ends
	e := &c.cache[id]
	*e = c.store(c.seg)
	e.rec = r.f.Record
	if len(ends) > 1 {
		e.ends = make([]uint32, len(ends)-1)
		for i, end := range ends[:len(ends)-1] {
			e.ends[i] = e.start + end
		}
	}
	return e
}

// store copies cells into the arena and returns where they are.
func (c *csvEncoder) store(cells []byte) cacheEntry {
	n := len(c.arena)
	if n == 0 || len(c.arena[n-1])+len(cells) > cap(c.arena[n-1]) {
		if n*arenaBlock >= maxArena {
			clear(c.cache)
			c.arena, n = c.arena[:0], 0
		}
		c.arena = append(c.arena, make([]byte, 0, max(arenaBlock, len(cells))))
		n++
	}
	b := &c.arena[n-1]
	start := len(*b)
	*b = append(*b, cells...)
	return cacheEntry{block: uint32(n - 1), start: uint32(start), end: uint32(len(*b))}
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
	quote := needsQuotes(s)
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

// needsQuotes reports whether a CSV field must be quoted. (A loop: the
// cells are short, and bytes.ContainsAny builds a set on every call.)
func needsQuotes(s []byte) bool {
	for _, c := range s {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			return true
		}
	}
	return false
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
