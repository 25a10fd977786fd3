package answer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
)

// itemsPerChunk is how many CSV inputs one worker takes at a time.
const itemsPerChunk = 4096

// readColumn reads CSV input (RFC 4180, header row optional) and sends
// the cells of one column as inputs: column is a 1-based number, or the
// name of a header cell (then the first record is the header). Records
// longer than [MaxInput] and records too short for the column are sent
// as bad inputs; a quoted field may span lines.
func readColumn(ctx context.Context, in io.Reader, column string, send func(*chunk) bool) error {
	cr := newCSVReader(in)
	col, byName := -1, false
	if n, err := strconv.Atoi(column); err == nil && n >= 1 {
		col = n - 1
	} else {
		byName = true
	}
	c := &chunk{}
	flush := func() bool {
		if len(c.items) == 0 {
			return true
		}
		if !send(c) {
			return false
		}
		c = &chunk{}
		return true
	}
	for {
		rec, line, err := cr.next()
		if errors.Is(err, io.EOF) {
			flush()
			return ctx.Err()
		}
		var bad *Error
		switch {
		case errors.As(err, &bad):
			c.items = append(c.items, item{line: line, text: cr.clipped(), err: bad})
		case err != nil:
			return err
		case len(rec) == 1 && rec[0] == "" || strings.HasPrefix(rec[0], "#"):
			continue // blank line or comment
		case byName:
			if col = slices.Index(rec, column); col < 0 {
				return invalidf("line %d: no column named %q in the header %q", line, clip(column), clip(strings.Join(rec, ",")))
			}
			byName = false
			continue
		case col >= len(rec):
			c.items = append(c.items, item{line: line, text: clip(strings.Join(rec, ",")),
				err: invalidf("has %d columns, want at least %d", len(rec), col+1)})
		case strings.TrimSpace(rec[col]) == "":
			continue
		default:
			c.items = append(c.items, item{line: line, text: rec[col]})
		}
		if len(c.items) == itemsPerChunk && !flush() {
			return ctx.Err()
		}
	}
}

// csvReader reads CSV records with a bound on their length, so that one
// huge record cannot grow its buffers.
type csvReader struct {
	r    *bufio.Reader
	line int // number of the last physical line read
	rec  []byte
}

func newCSVReader(in io.Reader) *csvReader {
	return &csvReader{r: bufio.NewReaderSize(in, 64<<10)}
}

// next returns the next record and the number of its first line. A
// record that is too long or badly quoted is an [*Error] of kind
// [Invalid]; reading goes on after it.
func (cr *csvReader) next() ([]string, int, error) {
	cr.rec = cr.rec[:0]
	first := cr.line + 1
	tooLong := false
	for {
		part, err := cr.r.ReadSlice('\n')
		if cr.line == 0 && len(cr.rec) == 0 {
			part = bytes.TrimPrefix(part, utf8BOM)
		}
		if n := len(part); n > 0 && (part[n-1] == '\n' || errors.Is(err, io.EOF)) {
			cr.line++
		}
		if !tooLong {
			if len(cr.rec)+len(part) > MaxInput {
				tooLong = true
				cr.rec = append(cr.rec[:0], part[:min(len(part), 80)]...)
			} else {
				cr.rec = append(cr.rec, part...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue // the rest of a long line
		case errors.Is(err, io.EOF) && len(cr.rec) == 0:
			return nil, first, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, first, err
		}
		if tooLong {
			return nil, first, errLineTooLong
		}
		if quotesOpen(cr.rec) && err == nil {
			continue // a quoted field spans lines
		}
		rec, perr := splitCSV(cr.rec)
		return rec, first, perr
	}
}

// clipped returns the start of the last record read, for a message.
func (cr *csvReader) clipped() string { return clip(string(bytes.TrimSpace(cr.rec))) }

// quotesOpen reports whether b ends inside a quoted field.
func quotesOpen(b []byte) bool { return bytes.Count(b, []byte{'"'})%2 == 1 }

// splitCSV splits one record into its fields (RFC 4180: fields may be
// quoted, a quote inside is doubled). The record may end with a
// newline.
func splitCSV(b []byte) ([]string, error) {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	var out []string
	for {
		if len(b) > 0 && b[0] == '"' {
			var f []byte
			i := 1
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return nil, invalidf("a quoted field is not closed")
				}
				f = append(f, b[i:i+j]...)
				i += j + 1
				if i < len(b) && b[i] == '"' {
					f = append(f, '"')
					i++
					continue
				}
				break
			}
			out = append(out, string(f))
			b = b[i:]
			if len(b) == 0 {
				return out, nil
			}
			if b[0] != ',' {
				return nil, invalidf("text after a closing quote: %q", clip(string(b)))
			}
			b = b[1:]
			continue
		}
		i := bytes.IndexByte(b, ',')
		if i < 0 {
			return append(out, string(b)), nil
		}
		out = append(out, string(b[:i]))
		b = b[i+1:]
	}
}
