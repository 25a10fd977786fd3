package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/query"
)

// maxReported caps the bad-line messages printed; the summary counts all.
const maxReported = 1000

func runLookup(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("lookup", "[FILE|-]")
	format := fs.String("format", "jsonl", "output `format`: jsonl, csv or table")
	fieldList := fs.String("fields", "", "comma-separated output `fields` (default: all but the operator ones for jsonl, "+defaultFields+" for csv and table); all: "+fieldNames())
	column := fs.String("column", "", "read addresses from this CSV `column` (1-based number, or a header name)")
	all := fs.Bool("all", false, "csv/table: one row per match instead of one row per input")
	asOf := fs.String("as-of", "", "`date` for the operator fields (YYYY, YYYY-MM or YYYY-MM-DD; default today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: at most one input file", errUsage)
	}
	cols, err := selectFields(fieldsFor(*format, *fieldList))
	if err != nil {
		return err
	}
	ops, err := e.operators(cols, *asOf)
	if err != nil {
		return err
	}
	f, err := newFormatter(*format, cols, *all, ops)
	if err != nil {
		return err
	}
	in, name, err := openInput(e, fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	dir, err := e.dataDir(*dirFlag)
	if err != nil {
		return err
	}
	tbl, restoreGC, err := lookupTable(ctx, dir)
	defer restoreGC()
	if err != nil {
		return err
	}
	lk := &lookuper{e: e, name: name, tbl: tbl}
	if f != nil && *column == "" {
		err = lk.parallel(ctx, in, f, e.Stdout)
	} else {
		err = lk.sequential(ctx, in, f, cols, *all, ops, *column)
	}
	if err != nil {
		return err
	}
	return lk.summary()
}

// fieldsFor returns the column list: the one asked for, else the
// format's default.
func fieldsFor(format, list string) string {
	switch {
	case list != "":
		return list
	case format == "jsonl" || format == "json":
		return rangeFieldNames()
	}
	return defaultFields
}

// lookupTable opens the index of dir and builds the lookup table, tuning
// the collector for a stream: most of what the build allocates stays
// live, so collecting while it runs only costs time; the stream then
// allocates short-lived buffers, and collecting often (GOGC 50) lets it
// reuse memory instead of touching fresh pages, which cost more than the
// collections on the machines measured (bench/run.sh). $GOGC overrides
// both. restore puts the collector back as it was.
func lookupTable(ctx context.Context, dir string) (tbl *lpm.Table, restore func(), err error) {
	restore = func() {}
	ix, err := openIndex(ctx, dir)
	if err != nil {
		return nil, restore, err
	}
	if os.Getenv("GOGC") != "" {
		tbl, err = buildTable(ix)
		return tbl, restore, err
	}
	prev := debug.SetGCPercent(-1)
	restore = func() { debug.SetGCPercent(prev) }
	tbl, err = buildTable(ix)
	debug.SetGCPercent(50)
	return tbl, restore, err
}

// sequential streams in on one goroutine, for tables (aligned in
// blocks) and CSV columns (parsed in order).
func (l *lookuper) sequential(ctx context.Context, in io.Reader, f formatter, cols []field, all bool, ops *operatorCache, column string) error {
	if f == nil {
		l.w = newTableWriter(l.e.Stdout, cols, all, ops)
	} else {
		l.w = newFormatterWriter(l.e.Stdout, f)
	}
	var err error
	if column != "" {
		err = l.csvColumn(ctx, in, column)
	} else {
		err = l.lines(ctx, in)
	}
	if ferr := l.w.flush(); err == nil {
		err = ferr
	}
	return err
}

// openInput opens the named file, or stdin for "" and "-".
func openInput(e *Env, name string) (io.ReadCloser, string, error) {
	if name == "" || name == "-" {
		return io.NopCloser(e.Stdin), "stdin", nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, "", err
	}
	return f, name, nil
}

// lookuper streams inputs through the table to a writer.
type lookuper struct {
	e          *Env
	name       string
	tbl        *lpm.Table
	w          sequential // nil on the parallel path
	buf        []query.Found
	total, bad int
}

// lines reads one address or CIDR per line; blank lines and lines starting
// with # are skipped.
func (l *lookuper) lines(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 256<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if line&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		text := sc.Bytes()
		if s := trimSpace(text); len(s) == 0 || s[0] == '#' {
			continue
		}
		if err := l.one(line, string(text)); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: line %d: %w", l.name, line+1, err)
	}
	return nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// csvColumn reads the addresses from one column of CSV input.
func (l *lookuper) csvColumn(ctx context.Context, in io.Reader, column string) error {
	r := csv.NewReader(in)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	r.Comment = '#'
	col, byName := -1, false
	if n, err := strconv.Atoi(column); err == nil && n >= 1 {
		col = n - 1
	} else {
		byName = true
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		if byName {
			if col = slices.Index(rec, column); col < 0 {
				return fmt.Errorf("%w: %s: line %d: no column named %q in header %q", errUsage, l.name, line, column, strings.Join(rec, ","))
			}
			byName = false
			continue
		}
		if col >= len(rec) {
			l.reject(line, strings.Join(rec, ","), fmt.Sprintf("has %d columns, want at least %d", len(rec), col+1))
			continue
		}
		if strings.TrimSpace(rec[col]) == "" {
			continue
		}
		if err := l.one(line, rec[col]); err != nil {
			return err
		}
		if line&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// one looks up a single input and writes its result.
func (l *lookuper) one(line int, text string) error {
	l.total++
	q, err := query.Parse(text)
	if err != nil {
		l.reject(line, text, err.Error())
		return nil
	}
	l.buf = query.Resolve(l.tbl, q, 0, l.buf)
	return l.w.write(strings.TrimSpace(text), l.buf)
}

func (l *lookuper) reject(line int, text, why string) {
	l.bad++
	if l.bad <= maxReported {
		fmt.Fprintf(l.e.Stderr, "%s:%d: %q: %s\n", l.name, line, clip(text), why)
	}
}

// clip shortens text for an error message: a stray binary blob or a
// megabyte-long line should not flood the terminal.
func clip(text string) string {
	const max = 80
	if len(text) <= max {
		return text
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", text[:cut], len(text))
}

// summary reports bad input lines as a non-zero exit.
func (l *lookuper) summary() error {
	if l.bad == 0 {
		return nil
	}
	return &exitError{code: 1, msg: fmt.Sprintf("%s: %d of %d inputs were not addresses or prefixes (skipped; see above)", l.name, l.bad, l.total)}
}
