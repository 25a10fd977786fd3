package answer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// chunkSize is how much input one worker takes at a time.
const chunkSize = 64 << 10

// Options says how [Joiner.Stream] reads its input and writes its
// output. The zero value reads one input per line and writes the
// default fields as JSON Lines.
type Options struct {
	Format string  // jsonl (default), csv or table
	Fields []Field // default: DefaultFields
	All    bool    // csv and table: one row per match, not per input
	// Column, when set, reads the inputs from this column of CSV input:
	// a 1-based number, or the name of a column of the header row.
	Column string
	AsOf   time.Time // the day atlas fields are answered for
	// Within bounds the ranges listed inside one CIDR input (0: none).
	Within int
	// MaxMatches and MaxBytes bound the whole output: the matches
	// written and the bytes written (0: none). Over either, Stream stops
	// with an error of kind [TooLarge] that names the limit.
	MaxMatches, MaxBytes int
	// Name names the input in messages, e.g. a file name or "stdin".
	Name string
	// Names answers host names among the inputs (resolved, or from the
	// names alone when it has no resolver); nil answers them from the
	// names alone, without suffix evidence.
	Names *Names
	// Context is for resolving names; nil: the stream's own.
	Context context.Context
	// Bad is called, in input order, for each input that is not looked
	// up (not an address, too long, no such column); the input still
	// gets its row, with the error field set.
	Bad func(line int, text string, err error)
}

// Summary counts what a stream held.
type Summary struct {
	Inputs    int // lines or cells with an input (blank lines and # comments excluded)
	Bad       int // inputs that were not looked up
	Unmatched int // inputs looked up with no match
	Matches   int // matches written
	Routed    int // inputs with a routing match (the routing data's licences ask for credit)
}

// chunk is a run of whole input lines, or of inputs taken from a CSV
// column, and what became of them.
type chunk struct {
	seq   int
	text  string // whole lines, newline-terminated except perhaps the last
	line  int    // number of the first line of text
	items []item // inputs taken from a CSV column, instead of text
	out   []byte
	bad   []badLine
	sum   Summary
}

// item is one input taken from a CSV column, or a line that could not
// give one (err set).
type item struct {
	line int
	text string
	err  error
}

type badLine struct {
	line int
	text string
	err  error
}

// errLineTooLong is the error of an input line longer than [MaxInput].
var errLineTooLong = &Error{Kind: Invalid, Msg: fmt.Sprintf("line is longer than %d bytes; skipped", MaxInput)}

// Stream answers every input of in against r and writes one result per
// input, in input order, to out: the rows of opt.Format with
// opt.Fields. Blank lines and lines starting with # are skipped. The
// work is spread over every core. Bad inputs are reported to opt.Bad
// and written with their error; they do not stop the stream.
func (j *Joiner) Stream(ctx context.Context, r Ranges, in io.Reader, out io.Writer, opt Options) (Summary, error) {
	if opt.Format == "" {
		opt.Format = FormatJSONL
	}
	if opt.Fields == nil {
		var err error
		if opt.Fields, err = SelectFields("", opt.Format); err != nil {
			return Summary{}, err
		}
	}
	var pv *placeView
	if NeedsAtlas(opt.Fields) {
		if j == nil || j.atlas == nil {
			return Summary{}, errors.New("answer: an atlas field was selected but no atlas is loaded")
		}
		pv = j.view(opt.AsOf)
	}
	enc, err := newEncoder(opt.Format, opt.Fields, opt.All, pv)
	if err != nil {
		return Summary{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &stream{opt: opt, r: r, enc: enc, routed: RoutesOf(r) != nil}
	return s.run(ctx, cancel, in, out)
}

// stream is one run of [Joiner.Stream].
type stream struct {
	opt    Options
	r      Ranges
	routed bool // r has a routing tier
	enc    encoder
	sum    Summary
}

func (s *stream) run(ctx context.Context, cancel func(), in io.Reader, out io.Writer) (Summary, error) {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *chunk, 2*workers)
	done := make(chan *chunk, 2*workers)
	// Output buffers go round, a fixed set of them: the reader gives one
	// to each chunk, in input order, and the collector takes it back once
	// written. A fresh buffer per chunk would make the kernel fault in new
	// pages for every byte written (on the machines measured that cost
	// more than the lookups), and handing them out in order means the
	// earliest unwritten chunk always has one.
	free := make(chan []byte, 4*workers+2)
	for range cap(free) {
		free <- nil
	}
	seq := 0
	emit := func(c *chunk) bool {
		select {
		case c.out = <-free:
		case <-ctx.Done():
			return false
		}
		c.seq = seq
		seq++
		select {
		case jobs <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var readErr error
	go func() {
		defer close(jobs)
		if s.opt.Column != "" {
			readErr = readColumn(ctx, in, s.opt.Column, emit)
		} else {
			readErr = readChunks(ctx, in, emit)
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enc := s.enc.clone()
			b := &batch{}
			for c := range jobs {
				s.process(c, enc, b)
				done <- c
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	werr := s.collect(done, out, free, cancel)
	if werr == nil && readErr != nil && !errors.Is(readErr, context.Canceled) {
		return s.sum, readErr
	}
	if werr == nil && ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.Canceled) {
		return s.sum, ctx.Err()
	}
	return s.sum, werr
}

// collect writes finished chunks in sequence. After an error it cancels
// the stream and keeps draining so that the workers can finish.
func (s *stream) collect(done <-chan *chunk, w io.Writer, free chan<- []byte, cancel func()) error {
	var werr error
	if h := s.enc.header(nil); len(h) > 0 {
		_, werr = w.Write(h)
	}
	written := len(s.enc.header(nil))
	pending := map[int]*chunk{}
	next := 0
	for c := range done {
		pending[c.seq] = c
		for c, ok := pending[next]; ok; c, ok = pending[next] {
			delete(pending, next)
			next++
			if werr != nil {
				continue
			}
			s.add(c)
			written += len(c.out)
			werr = s.budget(written)
			if werr == nil && len(c.out) > 0 {
				_, werr = w.Write(c.out)
			}
			if werr != nil {
				cancel()
			}
			free <- c.out[:0]
		}
	}
	return werr
}

// add counts c and reports its bad lines.
func (s *stream) add(c *chunk) {
	s.sum.Inputs += c.sum.Inputs
	s.sum.Bad += c.sum.Bad
	s.sum.Unmatched += c.sum.Unmatched
	s.sum.Matches += c.sum.Matches
	s.sum.Routed += c.sum.Routed
	if s.opt.Bad != nil {
		for _, b := range c.bad {
			s.opt.Bad(b.line, b.text, b.err)
		}
	}
}

// budget checks the output limits.
func (s *stream) budget(written int) error {
	if m := s.opt.MaxMatches; m > 0 && s.sum.Matches > m {
		return TooLargef("the answer lists more than %d matches (the limit per request); "+
			"split the input into smaller requests, or use narrower CIDR prefixes", m)
	}
	if m := s.opt.MaxBytes; m > 0 && written > m {
		return TooLargef("the answer is larger than %d bytes (the limit per request); "+
			"split the input into smaller requests, or ask for fewer fields", m)
	}
	return nil
}

// readChunks splits in into chunks of whole lines. A line longer than
// [MaxInput] is sent as a bad line of its own and skipped without
// growing any buffer. A leading UTF-8 byte order mark is dropped.
func readChunks(ctx context.Context, in io.Reader, send func(*chunk) bool) error {
	buf := make([]byte, chunkSize+MaxInput)
	have := 0 // bytes of buf holding a partial line carried over
	line := 1
	first := true
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n, err := io.ReadFull(in, buf[have:])
		end := have + n
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return err
		}
		start := 0
		if first {
			first = false
			if bytes.HasPrefix(buf[:end], utf8BOM) {
				start = len(utf8BOM)
			}
		}
		cut := end
		if !eof {
			cut = bytes.LastIndexByte(buf[:end], '\n') + 1
		}
		if cut == 0 { // no newline in a full buffer: one line too long
			text := clip(string(buf[start:min(end, start+80)])) + "..."
			if !send(&chunk{items: []item{{line: line, text: text, err: errLineTooLong}}}) {
				return ctx.Err()
			}
			rest, err := skipLine(in)
			if err != nil {
				return err
			}
			line++
			if rest == nil {
				return nil
			}
			have = copy(buf, rest)
			continue
		}
		if cut > start {
			text := string(buf[start:cut]) // the one copy: workers keep the text
			if !send(&chunk{text: text, line: line}) {
				return ctx.Err()
			}
			line += strings.Count(text, "\n")
		}
		have = copy(buf, buf[cut:end])
		if eof {
			return nil
		}
	}
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// skipLine reads in up to and including the next newline, and returns
// what was read after it (nil at the end of input).
func skipLine(in io.Reader) ([]byte, error) {
	var b [4096]byte
	for {
		n, err := in.Read(b[:])
		if i := bytes.IndexByte(b[:n], '\n'); i >= 0 {
			return bytes.Clone(b[i+1 : n]), nil
		}
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// batchSize is how many inputs a worker looks up before it writes
// their rows: the lookups of a batch run back to back, and so do the
// reads of the encoder's cache for them, so that the processor can wait
// on several memory loads at once instead of one after another.
const batchSize = 64

// pending is a looked-up input of a batch, waiting for its rows.
type pending struct {
	input  string
	line   int
	lo, hi int // its matches in batch.found
	err    error
	name   string // a host name to resolve before the batch is written
	host   *Host  // what was learnt of it
}

// batch is the inputs a worker has looked up but not yet written.
type batch struct {
	items []pending
	found []Found
	// routes holds the records of the batch's routing matches. It is
	// made with room for a whole batch and never grows, so the matches
	// can point into it until the batch is written.
	routes []ranges.Record
	names  int // host names among the items, resolved at flush
}

// process answers every input of c.
func (s *stream) process(c *chunk, enc encoder, b *batch) {
	// Output runs to several times the input; growing it by doubling
	// would copy every byte a few times over.
	if want := 12 * (len(c.text) + 16*len(c.items)); cap(c.out) < want {
		c.out = slices.Grow(c.out[:0], want)
	}
	for _, it := range c.items {
		s.lookup(c, enc, b, it.line, it.text, it.err)
	}
	text, line := c.text, c.line
	for len(text) > 0 {
		var l string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, ""
		}
		n := line
		line++
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		var err error
		if len(l) > MaxInput {
			l, err = clip(l), errLineTooLong
		}
		s.lookup(c, enc, b, n, l, err)
	}
	s.flush(c, enc, b)
	c.out = enc.finish(c.out, c.seq == 0)
}

// lookup looks one input up into the batch, writing the batch when full.
func (s *stream) lookup(c *chunk, enc encoder, b *batch, line int, text string, err error) {
	c.sum.Inputs++
	p := pending{input: text, line: line, err: err, lo: len(b.found)}
	if err == nil {
		var q Query
		if q, p.err = ParseInput(text); p.err == nil && q.IsName() {
			p.input, p.name = q.Input, q.Name
			b.items = append(b.items, p)
			b.names++
			if len(b.items) == batchSize {
				s.flush(c, enc, b)
			}
			return
		}
		if p.err == nil {
			b.found = appendFind(s.r, q, s.opt.Within, b.found)
			if s.routed {
				if b.routes == nil {
					b.routes = make([]ranges.Record, 0, batchSize)
				}
				b.routes = b.routes[:len(b.routes)+1]
				var ok bool
				if b.found, ok = appendRoute(s.r, q, b.found, &b.routes[len(b.routes)-1]); !ok {
					b.routes = b.routes[:len(b.routes)-1]
				}
			}
		}
		p.input = q.Input
	}
	p.hi = len(b.found)
	b.items = append(b.items, p)
	if len(b.items) == batchSize {
		s.flush(c, enc, b)
	}
}

// flush writes the rows of every input of the batch and empties it.
func (s *stream) flush(c *chunk, enc encoder, b *batch) {
	if b.names > 0 {
		s.resolveBatch(b)
	}
	if w, ok := enc.(warmer); ok {
		w.warm(b)
	}
	for _, p := range b.items {
		fs := b.found[p.lo:p.hi]
		if p.err != nil && p.host == nil {
			c.sum.Bad++
			text := clip(p.input)
			c.bad = append(c.bad, badLine{p.line, text, p.err})
			c.out = enc.append(c.out, text, nil, p.err)
			continue
		}
		c.sum.Matches += len(fs)
		if len(fs) == 0 {
			c.sum.Unmatched++
		} else if fs[len(fs)-1].Source.Tier == ranges.TierRouting {
			c.sum.Routed++
		}
		if p.host != nil {
			c.out = enc.appendHost(c.out, p.input, p.host, fs, p.err)
			continue
		}
		c.out = enc.append(c.out, p.input, fs, nil)
	}
	b.items, b.found, b.routes, b.names = b.items[:0], b.found[:0], b.routes[:0], 0
}

// resolveBatch resolves the batch's host names at once and looks up the
// first address of each.
func (s *stream) resolveBatch(b *batch) {
	var names []string
	for _, p := range b.items {
		if p.name != "" {
			names = append(names, p.name)
		}
	}
	ctx := s.opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	hosts := s.opt.Names.resolveAll(ctx, names)
	k := 0
	for i := range b.items {
		p := &b.items[i]
		if p.name == "" {
			continue
		}
		p.host, k = hosts[k], k+1
		p.err = p.host.Err
		p.lo = len(b.found)
		if a, ok := p.host.First(); ok {
			q := Query{Input: p.input, Addr: a}
			b.found = appendFind(s.r, q, s.opt.Within, b.found)
			if s.routed {
				b.found, _ = appendRoute(s.r, q, b.found, new(ranges.Record))
			}
		}
		p.hi = len(b.found)
	}
}

// warmer is an encoder that can read ahead what a batch's rows will
// need (see [batchSize]).
type warmer interface{ warm(b *batch) }
