package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/export"
)

// The formats of "cloudatlas export".
const (
	exportMMDB  = "mmdb"
	exportJSONL = "jsonl"
)

func runExport(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("export", "")
	format := fs.String("format", "", "`format`: mmdb (every range with lookup's first match, for log pipelines) or jsonl (the atlas: entities, statements, series, readings)")
	out := fs.String("out", "", "output `file` (- for standard output); written to a temporary name and renamed into place")
	asOf := e.asOfFlag(fs, "the operators and jurisdictions (mmdb) ")
	atlasDir := atlasDirFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, clipText(fs.Arg(0)))
	case *format != exportMMDB && *format != exportJSONL:
		return fmt.Errorf("%w: --format must be mmdb or jsonl, not %q", errUsage, clipText(*format))
	case *out == "":
		return fmt.Errorf("%w: --out FILE is required (- for standard output)", errUsage)
	case *format == exportJSONL && (flagSet(fs, "as-of") || flagSet(fs, "current-ranges")):
		return fmt.Errorf("%w: --as-of and --current-ranges apply to --format mmdb; the atlas export holds every date", errUsage)
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	a, err := e.loadAtlas(*atlasDir)
	if err != nil {
		return err
	}
	start := time.Now()
	var summary string
	if *format == exportJSONL {
		err = writeOut(e, *out, func(w io.Writer) error {
			n, err := export.Atlas(w, a)
			summary = fmt.Sprintf("%d entities, %d statements, %d series, %d readings, %d gaps",
				n.Entities, n.Statements, n.Series, n.Readings, n.Gaps)
			return err
		})
	} else {
		summary, err = exportMMDBFile(ctx, e, *dirFlag, *out, answer.New(a), day)
	}
	if err != nil {
		return err
	}
	msg := e.Stdout
	if *out == "-" {
		msg = e.Stderr
	}
	fmt.Fprintf(msg, "wrote %s (%s): %s in %.1fs\n", *out, *format, summary, time.Since(start).Seconds())
	return nil
}

// exportMMDBFile writes the MMDB of the data dir's ranges as of day to
// out and returns a summary of it.
func exportMMDBFile(ctx context.Context, e *Env, dirFlag, out string, j *answer.Joiner, day time.Time) (string, error) {
	// The ranges in force on the day, as lookup --as-of takes them
	// (today's with --current-ranges).
	d, err := e.openRanges(ctx, dirFlag, day)
	if err != nil {
		return "", err
	}
	tbl, restoreGC, err := d.lookupTable()
	restoreGC()
	if err != nil {
		return "", err
	}
	x := &export.MMDB{Ranges: answer.WithRoutes(tbl, d.routes), Joiner: j, AsOf: day, Built: e.Now()}
	var st *export.Stats
	err = writeOut(e, out, func(w io.Writer) error {
		st, err = x.Write(w)
		return err
	})
	if err != nil {
		return "", err
	}
	routing := "no routing tier"
	if st.Routing != nil {
		routing = fmt.Sprintf("%d routed intervals (routing snapshot %d)", st.Routed, st.Routing.SnapshotID)
	}
	return fmt.Sprintf("%d bytes, %d feed ranges of %d feeds and %s, %d distinct records, operators as of %s",
		st.Bytes, st.FeedRanges, len(st.Feeds), routing, st.Records, answer.Day(day)), nil
}

// writeOut runs write on standard output (out "-") or on a temporary
// file beside out that is renamed to out once complete, so that a
// reader of out never sees a half-written export; on failure the
// temporary file is removed and out is left as it was.
func writeOut(e *Env, out string, write func(io.Writer) error) error {
	if out == "-" {
		return write(e.Stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", out, err)
	}
	return nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
