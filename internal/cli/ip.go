package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/query"
)

// scanLimit is how many addresses "ip" answers by linear scan before it
// builds the lookup table instead.
const scanLimit = 8

func runIP(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("ip", "ADDRESS|CIDR...")
	format := fs.String("format", "text", "output `format`: text or json (JSON Lines, as lookup)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: give at least one address, e.g. cloudatlas ip 52.80.0.1", errUsage)
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: unknown format %q (want text or json)", errUsage, *format)
	}
	queries := make([]query.Query, fs.NArg())
	for i, arg := range fs.Args() {
		q, err := query.Parse(arg)
		if err != nil {
			return fmt.Errorf("%w: %q: %v", errUsage, arg, err)
		}
		queries[i] = q
	}
	dir, err := e.dataDir(*dirFlag)
	if err != nil {
		return err
	}
	ix, err := openIndex(ctx, dir)
	if err != nil {
		return err
	}
	find, err := finder(ix, queries)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(e.Stdout, fs.Args(), queries, find)
	}
	w := bufio.NewWriter(e.Stdout)
	for i, q := range queries {
		matches, err := find(q)
		if err != nil {
			return err
		}
		writeIPText(w, fs.Arg(i), matches, ix)
	}
	return w.Flush()
}

// finder returns how to answer queries: a few addresses by scanning the
// index, which decodes only what matches; more, or any CIDR, by building
// the lookup table once.
func finder(ix *index.Index, queries []query.Query) (func(query.Query) ([]query.Found, error), error) {
	if len(queries) <= scanLimit && !slices.ContainsFunc(queries, query.Query.IsPrefix) {
		return func(q query.Query) ([]query.Found, error) {
			ms, err := ix.Scan(q.Addr)
			out := make([]query.Found, len(ms))
			for i, m := range ms {
				out[i] = query.Found{Match: m}
			}
			return out, err
		}, nil
	}
	tbl, err := buildTable(ix)
	if err != nil {
		return nil, err
	}
	return func(q query.Query) ([]query.Found, error) { return query.Resolve(tbl, q, 0, nil), nil }, nil
}

func writeJSON(out io.Writer, args []string, queries []query.Query, find func(query.Query) ([]query.Found, error)) error {
	cols, _ := selectFields(rangeFieldNames())
	w := newFormatterWriter(out, &jsonlFormatter{cols: cols})
	for i, q := range queries {
		matches, err := find(q)
		if err != nil {
			return err
		}
		if err := w.write(strings.TrimSpace(args[i]), matches); err != nil {
			return err
		}
	}
	return w.flush()
}

// writeIPText prints every match of one input, most specific first.
func writeIPText(w *bufio.Writer, input string, fs []query.Found, ix *index.Index) {
	if len(fs) == 0 {
		fmt.Fprintf(w, "%s: in no loaded feed (%d feeds, %d ranges searched)\n\n", input, ix.Feeds(), ix.Records())
		return
	}
	fmt.Fprintf(w, "%s: %d match%s, most specific first\n", input, len(fs), plural(len(fs), "es"))
	for _, f := range fs {
		r := f.Record
		fmt.Fprintf(w, "  %-20s %s", r.Prefix, r.Provider)
		if r.Partition != r.Provider {
			fmt.Fprintf(w, " (%s)", r.Partition)
		}
		if r.Region != "" {
			fmt.Fprintf(w, "  region %s", r.Region)
		}
		if r.Scope != "" && r.Scope != r.Region {
			fmt.Fprintf(w, "  scope %s", r.Scope)
		}
		if len(r.Services) > 0 {
			fmt.Fprintf(w, "  services %s", strings.Join(r.Services, ", "))
		}
		if loc := location(r.Country, r.Subdivision, r.City); loc != "" {
			fmt.Fprintf(w, "  in %s", loc)
		}
		if r.ASN != 0 {
			fmt.Fprintf(w, "  AS%d", r.ASN)
		}
		if f.Within {
			fmt.Fprint(w, "  (inside the queried range)")
		}
		fmt.Fprintf(w, "\n  %-20s from %s\n", "", sourceLine(f.Source))
	}
	fmt.Fprintln(w)
}

// sourceLine describes where a match came from.
func sourceLine(s *lpm.Source) string {
	var b strings.Builder
	fmt.Fprintf(&b, "feed %s (%s), snapshot %d", s.Feed, s.Tier, s.SnapshotID)
	if s.UpstreamID != "" {
		fmt.Fprintf(&b, ", upstream %s", s.UpstreamID)
	}
	if !s.UpstreamDate.IsZero() {
		fmt.Fprintf(&b, " of %s", s.UpstreamDate.Format("2006-01-02"))
	}
	return b.String()
}

func location(parts ...string) string {
	var out []string
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i] != "" {
			out = append(out, parts[i])
		}
	}
	return strings.Join(out, ", ")
}

func plural(n int, suffix string) string {
	if n == 1 {
		return ""
	}
	return suffix
}
