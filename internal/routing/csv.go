package routing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"unicode/utf8"
)

// fileStats describes one CSV member as read.
type fileStats struct {
	Rows   int // data rows
	Nested int // rows inside an earlier row's range
	// Crossing counts rows that overlap an earlier row without lying
	// inside it, or repeat its range exactly: the file gives two answers
	// for some addresses.
	Crossing int
	// FirstCrossing is the line of the first crossing row (0 if none).
	FirstCrossing int
}

// rowReader reads the rows of one CSV member, checking what every row of
// either file must satisfy: parseable addresses of the member's family,
// first <= last, and rows sorted by first address.
type rowReader struct {
	csv   *csv.Reader
	v6    bool
	stats fileStats
	prev  span   // the previous row
	open  []span // earlier rows that may still contain later ones, nested
	line  int    // the line of the current row
}

func newRowReader(r io.Reader, fields int, v6 bool) *rowReader {
	c := csv.NewReader(r)
	c.FieldsPerRecord = fields
	c.ReuseRecord = true
	return &rowReader{csv: c, v6: v6}
}

// next returns the next row's fields and range, or io.EOF after the last.
func (rr *rowReader) next() ([]string, span, error) {
	rec, err := rr.csv.Read()
	if err == io.EOF {
		return nil, span{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.StartLine != pe.Line {
				return nil, span{}, fmt.Errorf("line %d (to line %d): %w", pe.StartLine, pe.Line, pe.Err)
			}
			return nil, span{}, fmt.Errorf("line %d: %w", pe.Line, pe.Err)
		}
		return nil, span{}, fmt.Errorf("after line %d: %w", rr.line, err)
	}
	rr.line, _ = rr.csv.FieldPos(0)
	s, err := rr.span(rec[0], rec[1])
	if err != nil {
		return nil, span{}, fmt.Errorf("line %d: %w", rr.line, err)
	}
	return rec, s, nil
}

func (rr *rowReader) span(first, last string) (span, error) {
	f, err := rr.addr("first", first)
	if err != nil {
		return span{}, err
	}
	l, err := rr.addr("last", last)
	if err != nil {
		return span{}, err
	}
	s := span{keyOf(f), keyOf(l)}
	if s.last.less(s.first) {
		return span{}, fmt.Errorf("first address %s is after last address %s", f, l)
	}
	if rr.stats.Rows > 0 && s.first.less(rr.prev.first) {
		return span{}, fmt.Errorf("range %s-%s starts before the previous row's %s: rows must be sorted by first address",
			f, l, rr.prev.first.addr(rr.v6))
	}
	rr.nest(s)
	rr.prev = s
	rr.stats.Rows++
	return s, nil
}

// nest classifies s against the earlier rows still open: nested inside
// the innermost one, crossing it (or repeating it exactly), or clear of
// all of them.
func (rr *rowReader) nest(s span) {
	for len(rr.open) > 0 && rr.open[len(rr.open)-1].last.less(s.first) {
		rr.open = rr.open[:len(rr.open)-1]
	}
	if n := len(rr.open); n > 0 {
		top := rr.open[n-1]
		if top.last.less(s.last) || top == s {
			rr.stats.Crossing++
			if rr.stats.FirstCrossing == 0 {
				rr.stats.FirstCrossing = rr.line
			}
			// Keep the stack nested: a crossing row replaces the rows it
			// outlasts as the container of later rows.
			for len(rr.open) > 0 && rr.open[len(rr.open)-1].last.less(s.last) {
				rr.open = rr.open[:len(rr.open)-1]
			}
		} else {
			rr.stats.Nested++
		}
	}
	rr.open = append(rr.open, s)
}

func (rr *rowReader) addr(field, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s address: %w", field, err)
	}
	switch {
	case a.Zone() != "":
		return netip.Addr{}, fmt.Errorf("%s address %q: has a zone", field, s)
	case rr.v6 && a.Is4():
		return netip.Addr{}, fmt.Errorf("%s address %s: IPv4 in the IPv6 file", field, s)
	case !rr.v6 && !a.Is4():
		return netip.Addr{}, fmt.Errorf("%s address %s: IPv6 in the IPv4 file", field, s)
	}
	return a, nil
}

// readASN reads an ASN member: rows "first,last,asn,organisation". It
// refuses a range that reaches into special-purpose space. Holder names
// are interned in names, so that each distinct name is one string. hint
// is the expected number of rows.
func readASN(r io.Reader, hint int64, v6 bool, names *interner) ([]entry[holding], fileStats, error) {
	rr := newRowReader(r, 4, v6)
	rows := make([]entry[holding], 0, min(hint, 1<<22))
	for {
		rec, s, err := rr.next()
		if err == io.EOF {
			return rows, rr.stats, nil
		}
		if err != nil {
			return nil, rr.stats, err
		}
		h, err := parseHolding(rec[2], rec[3], names)
		if err == nil {
			if what := specialUse(s.first, s.last, v6); what != "" {
				err = fmt.Errorf("range %s-%s is routed but reaches into %s space", rec[0], rec[1], what)
			}
		}
		if err != nil {
			return nil, rr.stats, fmt.Errorf("line %d: %w", rr.line, err)
		}
		rows = append(rows, entry[holding]{s, h})
	}
}

func parseHolding(asn, name string, names *interner) (holding, error) {
	n, err := strconv.ParseUint(asn, 10, 32)
	if err != nil {
		return holding{}, fmt.Errorf("ASN %q: want a number from 1 to 4294967295", asn)
	}
	if n == 0 {
		return holding{}, fmt.Errorf("ASN 0: reserved, never announced (RFC 7607)")
	}
	if !utf8.ValidString(name) {
		return holding{}, fmt.Errorf("organisation %q: not UTF-8", name)
	}
	return holding{uint32(n), names.intern(name)}, nil
}

// interner numbers distinct strings, keeping one copy of each.
type interner struct {
	index map[string]uint32
	list  []string
}

func (in *interner) intern(s string) uint32 {
	if i, ok := in.index[s]; ok {
		return i
	}
	if in.index == nil {
		in.index = map[string]uint32{}
	}
	s = string([]byte(s)) // a copy, so that the row's buffer is not kept
	in.index[s] = uint32(len(in.list))
	in.list = append(in.list, s)
	return in.index[s]
}

// readCountry reads a country member: rows "first,last,country".
func readCountry(r io.Reader, hint int64, v6 bool) ([]entry[[2]byte], fileStats, error) {
	rr := newRowReader(r, 3, v6)
	rows := make([]entry[[2]byte], 0, min(hint, 1<<22))
	for {
		rec, s, err := rr.next()
		if err == io.EOF {
			return rows, rr.stats, nil
		}
		if err != nil {
			return nil, rr.stats, err
		}
		cc, err := countryCode(rec[2])
		if err != nil {
			return nil, rr.stats, fmt.Errorf("line %d: %w", rr.line, err)
		}
		rows = append(rows, entry[[2]byte]{s, cc})
	}
}

func countryCode(s string) ([2]byte, error) {
	if len(s) != 2 || !upper(s[0]) || !upper(s[1]) {
		return [2]byte{}, fmt.Errorf("country %q: want an ISO 3166-1 alpha-2 code (two capital letters)", s)
	}
	return [2]byte{s[0], s[1]}, nil
}

func upper(c byte) bool { return 'A' <= c && c <= 'Z' }
