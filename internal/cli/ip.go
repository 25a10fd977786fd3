package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// scanLimit is how many addresses "ip" answers by linear scan before it
// builds the lookup table instead.
const scanLimit = 8

func runIP(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("ip", "ADDRESS|CIDR... (none or - reads them from stdin, one per line)")
	format := formatFlag(fs, "text", "text", "json")
	asOf := e.asOfFlag(fs, "from the range snapshots in force then, ")
	names := namesFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, err := format()
	if err != nil {
		return err
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	inputs := fs.Args()
	name := "argument"
	if len(inputs) == 0 || slices.Equal(inputs, []string{"-"}) {
		if inputs, err = readInputs(e.Stdin); err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
		name = "stdin"
	}
	d, err := e.openRanges(ctx, *dirFlag, day)
	if err != nil {
		return err
	}
	var n *answer.Names
	if slices.ContainsFunc(inputs, isName) {
		if n, err = names(); err != nil {
			return err
		}
	}
	if f == "json" {
		// JSON Lines with every range field, exactly as lookup writes them.
		r, err := d.ranges(parseAll(inputs))
		if err != nil {
			return err
		}
		return e.stream(ctx, r, nil, strings.NewReader(strings.Join(inputs, "\n")),
			answer.Options{Format: answer.FormatJSONL, Fields: answer.RangeFields(), Name: name, Names: n, Context: ctx})
	}
	return e.ipText(ctx, d, n, inputs, name)
}

// isName reports whether an input is a host name.
func isName(s string) bool {
	q, err := answer.ParseInput(s)
	return err == nil && q.IsName()
}

// parseAll returns the queries of the inputs that parse.
func parseAll(inputs []string) []answer.Query {
	var out []answer.Query
	for _, in := range inputs {
		if q, err := answer.Parse(in); err == nil {
			out = append(out, q)
		}
	}
	return out
}

// ipText prints every match of each input, most specific first.
func (e *Env) ipText(ctx context.Context, d *rangeData, n *answer.Names, inputs []string, name string) error {
	var queries []answer.Query
	bad := 0
	for _, in := range inputs {
		q, err := answer.ParseInput(in)
		if err != nil {
			fmt.Fprintf(e.Stderr, "%s %q: %v\n", name, clipText(in), err)
			bad++
			continue
		}
		queries = append(queries, q)
	}
	r, err := d.ranges(queries)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.Stdout)
	unmatched, routed := 0, false
	var buf []answer.Found
	for _, q := range queries {
		addrs := []answer.Query{q}
		if q.IsName() {
			h := n.ResolveHost(ctx, q.Name)
			writeHostHead(w, h)
			addrs = addrs[:0]
			for _, a := range h.Addresses() {
				addrs = append(addrs, answer.Query{Input: a.String(), Addr: a})
			}
			if len(addrs) == 0 {
				unmatched++
				fmt.Fprintln(w)
			}
		}
		for _, aq := range addrs {
			buf = answer.Find(r, aq, 0, buf)
			if len(buf) == 0 {
				unmatched++
			} else if buf[len(buf)-1].Source.Tier == ranges.TierRouting {
				routed = true
			}
			writeIPText(w, aq.Input, buf, d)
		}
	}
	if routed {
		fmt.Fprintln(w, answer.RoutingCredit)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if s, ok := answer.Unwrap(r).(*dataset.Scan); ok && s.Err() != nil {
		return s.Err()
	}
	return inputStatus(name, len(inputs), bad, unmatched)
}

// inputStatus turns the counts of a run over inputs into its exit
// status: 2 when some input was bad, 1 when some matched nothing.
func inputStatus(name string, total, bad, unmatched int) error {
	switch {
	case bad > 0:
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %d of %d inputs were not addresses or prefixes (see above)", name, bad, total)}
	case unmatched > 0:
		return &exitError{code: 1}
	}
	return nil
}

// writeHostHead prints what the DNS and the suffix table say of a host
// name, before the matches of its addresses.
func writeHostHead(w io.Writer, h *answer.Host) {
	fmt.Fprintf(w, "%s:", h.Name)
	for _, t := range h.CNAMEs() {
		fmt.Fprintf(w, " -> %s", t)
	}
	switch {
	case h.Err != nil:
		fmt.Fprintf(w, " does not resolve: %v", h.Err)
	case !h.Resolved:
		fmt.Fprint(w, " (not resolved: --no-resolve)")
	default:
		fmt.Fprintf(w, " -> %d address(es)", len(h.Addresses()))
	}
	fmt.Fprintln(w)
	writeEvidence(w, h.Evidence)
	fmt.Fprintln(w)
}

// rangesFor returns what to answer queries from: a few addresses by
// scanning the index, which decodes only what matches; more, or any
// CIDR, from the lookup table.
func rangesFor(ix *index.Index, queries []answer.Query) (answer.Ranges, error) {
	if len(queries) <= scanLimit && !slices.ContainsFunc(queries, answer.Query.IsPrefix) {
		return dataset.Scanner(ix), nil
	}
	return ix.Table()
}

// readInputs reads one input per line, skipping blank lines and #
// comments; a line longer than answer.MaxInput is kept (clipped) so
// that it is reported as bad.
func readInputs(r io.Reader) ([]string, error) {
	var out []string
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br)
		if s := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff")); s != "" && s[0] != '#' {
			out = append(out, s)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readLine reads one line without its newline, keeping at most
// answer.MaxInput+1 bytes of it.
func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(b) <= answer.MaxInput {
			b = append(b, part...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return strings.TrimSuffix(string(b), "\n"), err
	}
}

// writeIPText prints every match of one input, most specific first.
func writeIPText(w *bufio.Writer, input string, fs []answer.Found, d *rangeData) {
	if len(fs) == 0 {
		if d.feeds == 0 {
			fmt.Fprintf(w, "%s: no feed had a snapshot in force on the date asked", input)
		} else {
			fmt.Fprintf(w, "%s: in no loaded feed (%d feeds, %d ranges searched)", input, d.feeds, d.records)
		}
		if d.routes != nil {
			fmt.Fprint(w, " and not routed: no AS announces it (private, reserved or unused address space)")
		}
		fmt.Fprint(w, "\n\n")
		return
	}
	fmt.Fprintf(w, "%s: %d match%s, most specific first\n", input, len(fs), plural(len(fs), "es"))
	for _, f := range fs {
		r := f.Record
		if f.Source.Tier == ranges.TierRouting {
			writeRouteText(w, f)
			continue
		}
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

// writeRouteText prints a routing match: the AS that announces the range,
// its holder and the range's registered country.
func writeRouteText(w *bufio.Writer, f answer.Found) {
	r := f.Record
	fmt.Fprintf(w, "  %-20s announced by AS%d", r.Prefix, r.ASN)
	if r.Holder != "" {
		fmt.Fprintf(w, " (%s)", r.Holder)
	}
	if r.Country != "" {
		fmt.Fprintf(w, "  registered in %s", r.Country)
	}
	fmt.Fprintf(w, "\n  %-20s from %s\n", "", sourceLine(f.Source))
}

// sourceLine describes where a match came from.
func sourceLine(s *lpm.Source) string {
	var b strings.Builder
	if s.Tier == ranges.TierRouting {
		fmt.Fprintf(&b, "the routing tier (RouteViews, the RIRs, DB-IP), routing snapshot %d", s.SnapshotID)
	} else {
		fmt.Fprintf(&b, "feed %s (%s), snapshot %d", s.Feed, s.Tier, s.SnapshotID)
	}
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
