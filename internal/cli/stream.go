package cli

import (
	"github.com/cloudatlas/cloudatlas/internal/query"

	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// chunkSize is how much input one worker takes at a time.
const chunkSize = 64 << 10

// chunk is a run of whole input lines and what became of them.
type chunk struct {
	seq   int
	text  string // whole lines, newline-terminated except perhaps the last
	line  int    // number of the first line
	out   []byte
	bad   []badLine
	total int
}

type badLine struct {
	line      int
	text, why string
}

// parallel streams one address or CIDR per line through the table on
// every core and writes the results in input order. Blank lines and lines
// starting with # are skipped.
func (l *lookuper) parallel(ctx context.Context, in io.Reader, f formatter, w io.Writer) error {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *chunk, 2*workers)
	done := make(chan *chunk, 2*workers)
	// Output buffers go round: a fresh one per chunk would make the
	// kernel zero a new page for every byte written.
	free := make(chan []byte, 4*workers+2)
	var readErr error
	go func() {
		readErr = readChunks(ctx, in, jobs)
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fm := f.clone()
			var buf []query.Found
			for c := range jobs {
				select {
				case c.out = <-free:
				default:
				}
				buf = l.process(c, fm, buf)
				done <- c
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	werr := l.collect(done, f, w, free)
	if readErr != nil {
		return fmt.Errorf("%s: %w", l.name, readErr)
	}
	return werr
}

// collect writes finished chunks in sequence. After a write error it
// keeps draining so that the workers can finish.
func (l *lookuper) collect(done <-chan *chunk, f formatter, w io.Writer, free chan<- []byte) error {
	// Chunks are large already: write them straight through.
	_, werr := w.Write(f.header(nil))
	pending := map[int]*chunk{}
	next := 0
	for c := range done {
		pending[c.seq] = c
		for c, ok := pending[next]; ok; c, ok = pending[next] {
			delete(pending, next)
			next++
			l.total += c.total
			for _, b := range c.bad {
				l.reject(b.line, b.text, b.why)
			}
			if werr == nil && len(c.out) > 0 {
				_, werr = w.Write(c.out)
			}
			select {
			case free <- c.out[:0]:
			default:
			}
		}
	}
	return werr
}

// readChunks splits in into chunks of whole lines.
func readChunks(ctx context.Context, in io.Reader, jobs chan<- *chunk) error {
	buf := make([]byte, chunkSize)
	have := 0 // bytes of buf holding a partial line carried over
	seq, line := 0, 1
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if have == len(buf) { // one line longer than the buffer: grow it
			buf = append(buf, make([]byte, len(buf))...)
		}
		n, err := io.ReadFull(in, buf[have:])
		end := have + n
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return err
		}
		cut := end
		if !eof {
			cut = bytes.LastIndexByte(buf[:end], '\n') + 1
		}
		if cut > 0 {
			text := string(buf[:cut]) // the one copy: workers keep the text
			jobs <- &chunk{seq: seq, text: text, line: line}
			seq++
			line += strings.Count(text, "\n")
		}
		have = copy(buf, buf[cut:end])
		if eof {
			return nil
		}
	}
}

// process answers every line of c.
func (l *lookuper) process(c *chunk, f formatter, buf []query.Found) []query.Found {
	text, line := c.text, c.line
	// Output runs to several times the input; growing it by doubling
	// would copy every byte a few times over.
	if cap(c.out) < 8*len(text) {
		c.out = make([]byte, 0, 8*len(text))
	}
	for len(text) > 0 {
		var s string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			s, text = text[:i], text[i+1:]
		} else {
			s, text = text, ""
		}
		n := line
		line++
		s = strings.TrimSpace(s)
		if s == "" || s[0] == '#' {
			continue
		}
		c.total++
		q, err := query.Parse(s)
		if err != nil {
			c.bad = append(c.bad, badLine{n, s, err.Error()})
			continue
		}
		buf = query.Resolve(l.tbl, q, 0, buf)
		c.out = f.appendResult(c.out, s, buf)
	}
	return buf
}

// sequential is the single-threaded path for tables and CSV columns.
type sequential interface {
	write(input string, fs []query.Found) error
	flush() error
}

// formatterWriter adapts a formatter to the sequential path.
type formatterWriter struct {
	w   *bufio.Writer
	f   formatter
	buf []byte
}

func newFormatterWriter(w io.Writer, f formatter) *formatterWriter {
	fw := &formatterWriter{w: bufio.NewWriterSize(w, 256<<10), f: f}
	fw.w.Write(f.header(nil))
	return fw
}

func (fw *formatterWriter) write(input string, fs []query.Found) error {
	fw.buf = fw.f.appendResult(fw.buf[:0], input, fs)
	_, err := fw.w.Write(fw.buf)
	return err
}

func (fw *formatterWriter) flush() error { return fw.w.Flush() }
