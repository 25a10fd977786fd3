package cli

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
)

func runLookup(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("lookup", "[FILE|-]")
	format := formatFlag(fs, answer.FormatJSONL, answer.FormatJSONL, answer.FormatCSV, answer.FormatTable)
	fieldList := fs.String("fields", "", "comma-separated output `fields`, or all (default: every range field for jsonl; "+answer.DefaultFields+" for csv and table); known: "+answer.FieldNames())
	column := fs.String("column", "", "read addresses from this CSV `column` (1-based number, or a header name)")
	all := fs.Bool("all", false, "csv/table: one row per match instead of one row per input")
	asOf := e.asOfFlag(fs, "from the ranges in force then, with the operator fields, ")
	atlasDir := atlasDirFlag(fs)
	names := namesFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: at most one input file", errUsage)
	}
	f, err := format()
	if err != nil {
		return err
	}
	cols, err := answer.SelectFields(*fieldList, f)
	if err != nil {
		return err
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	var j *answer.Joiner
	if answer.NeedsAtlas(cols) {
		a, err := e.loadAtlas(*atlasDir)
		if err != nil {
			return err
		}
		j = answer.New(a)
	}
	n, err := names()
	if err != nil {
		return err
	}
	in, name, err := openInput(e, fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	d, err := e.openRanges(ctx, *dirFlag, day)
	if err != nil {
		return err
	}
	tbl, restoreGC, err := d.lookupTable()
	defer restoreGC()
	if err != nil {
		return err
	}
	return e.stream(ctx, answer.WithRoutes(tbl, d.routes), j, in, answer.Options{Format: f, Fields: cols, All: *all,
		Column: *column, AsOf: day, Name: name, Names: n, Context: ctx})
}

// lookupTable builds the lookup table of ix, tuning the collector for a
// stream: most of what the build allocates stays live, so collecting
// while it runs only costs time; the stream then allocates short-lived
// buffers, and collecting often (GOGC 50) lets it reuse memory instead
// of touching fresh pages, which cost more than the collections on the
// machines measured (bench/run.sh). $GOGC overrides both. restore puts
// the collector back as it was.
func lookupTable(ix *index.Index) (tbl *lpm.Table, restore func(), err error) {
	restore = func() {}
	if os.Getenv("GOGC") != "" {
		tbl, err = ix.Table()
		return tbl, restore, err
	}
	prev := debug.SetGCPercent(-1)
	restore = func() { debug.SetGCPercent(prev) }
	tbl, err = ix.Table()
	debug.SetGCPercent(50)
	return tbl, restore, err
}
