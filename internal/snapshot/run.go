package snapshot

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
)

// Append opens the snapshot at path to add records: it cuts off a torn
// last line, and writes h as the header when the file is new or empty.
// It returns the open file (positioned at its end) and what it already
// holds.
func Append(path string, h Header) (*os.File, Existing, error) {
	ex, err := ReadExisting(path)
	if err != nil {
		return nil, ex, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, ex, err
	}
	if err := f.Truncate(ex.Size); err != nil {
		f.Close()
		return nil, ex, fmt.Errorf("snapshot %s: cut the torn last line: %w", path, err)
	}
	if _, err := f.Seek(ex.Size, io.SeekStart); err != nil {
		f.Close()
		return nil, ex, err
	}
	if ex.Size == 0 {
		h.Format = Format
		if err := writeLine(f, h); err != nil {
			f.Close()
			return nil, ex, fmt.Errorf("snapshot %s: %w", path, err)
		}
		ex.Header = &h
	}
	return f, ex, nil
}

// Todo returns the inputs whose names ex does not hold yet, in order.
func (ex Existing) Todo(ins []Input) []Input {
	var out []Input
	for _, in := range ins {
		if !ex.Done[in.ASCII] {
			out = append(out, in)
		}
	}
	return out
}

// Options tune [Run].
type Options struct {
	// Concurrency is how many names are resolved at once
	// (dns.DefaultConcurrency when 0).
	Concurrency int
	// Now tells the time of each answer (time.Now when nil).
	Now func() time.Time
	// Progress, when set, is called after each record is written.
	Progress func(Stats)
}

// Stats counts what a run did.
type Stats struct {
	// Total is the number of names the run was given; Written how many
	// records it wrote so far.
	Total, Written int
	// Failed counts the written records with an error, by kind.
	Failed map[string]int
}

// Failures returns the number of records written with an error.
func (s Stats) Failures() int {
	n := 0
	for _, c := range s.Failed {
		n += c
	}
	return n
}

// Run resolves each input with r and writes one record per name to w, in
// input order. A name whose resolution was cut short by the end of ctx
// is not written, so that resuming resolves it again; every other
// outcome, failures included, is written. Run returns ctx's error when
// ctx ended first, or the first write error.
func Run(ctx context.Context, r dns.Resolver, ins []Input, w io.Writer, opt Options) (Stats, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	o := &orderedWriter{bw: bufio.NewWriterSize(w, 64*1024), pending: map[int]*Record{},
		stats: Stats{Total: len(ins), Failed: map[string]int{}}, progress: opt.Progress, lastFlush: time.Now()}
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.Name
	}
	dns.Batch(ctx, r, names, opt.Concurrency, func(i int, res dns.Result, err error) {
		if errors.Is(err, dns.ErrCanceled) {
			o.skip(i)
			return
		}
		rec := FromResult(ins[i], res, err, now())
		if werr := o.put(i, &rec); werr != nil {
			cancel(werr)
		}
	})
	if err := o.finish(); err != nil {
		return o.stats, fmt.Errorf("snapshot: write: %w", err)
	}
	return o.stats, context.Cause(ctx)
}

// orderedWriter writes records in index order: a record that comes early
// waits until those before it are written (or skipped).
type orderedWriter struct {
	bw        *bufio.Writer
	next      int
	pending   map[int]*Record // nil value: skipped
	stats     Stats
	progress  func(Stats)
	lastFlush time.Time
	err       error
}

func (o *orderedWriter) skip(i int) { o.pending[i] = nil; o.drain() }

func (o *orderedWriter) put(i int, rec *Record) error {
	o.pending[i] = rec
	o.drain()
	return o.err
}

// drain writes the records that are next in order.
func (o *orderedWriter) drain() {
	for {
		rec, ok := o.pending[o.next]
		if !ok {
			break
		}
		delete(o.pending, o.next)
		o.next++
		o.write(rec)
	}
	if o.err == nil && time.Since(o.lastFlush) > time.Second {
		o.err = o.bw.Flush()
		o.lastFlush = time.Now()
	}
}

func (o *orderedWriter) write(rec *Record) {
	if rec == nil || o.err != nil {
		return
	}
	if o.err = writeLine(o.bw, rec); o.err != nil {
		return
	}
	o.stats.Written++
	if rec.Error != "" {
		o.stats.Failed[rec.Error]++
	}
	if o.progress != nil {
		o.progress(o.stats)
	}
}

// finish writes what is left, past any gap left by names never started,
// and flushes.
func (o *orderedWriter) finish() error {
	for len(o.pending) > 0 {
		if _, ok := o.pending[o.next]; !ok {
			o.pending[o.next] = nil
		}
		o.drain()
	}
	if o.err != nil {
		return o.err
	}
	return o.bw.Flush()
}

// writeLine writes v as one JSON line.
func writeLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
