package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

func runHost(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("host", "NAME...")
	format := formatFlag(fs, "text", "text", "json")
	asOf := e.asOfFlag(fs, "")
	names := namesFlags(fs)
	atlasDir := atlasDirFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: give at least one host name, e.g. cloudatlas host www.taobao.com", errUsage)
	}
	f, err := format()
	if err != nil {
		return err
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	var qs []answer.Query
	for _, arg := range fs.Args() {
		q, err := answer.ParseInput(arg)
		if err != nil || !q.IsName() {
			return fmt.Errorf("%w: %q: not a host name (for addresses, use cloudatlas ip or whois)", errUsage, clipText(arg))
		}
		qs = append(qs, q)
	}
	n, err := names()
	if err != nil {
		return err
	}
	a, err := e.loadAtlas(*atlasDir)
	if err != nil {
		return err
	}
	d, err := e.openRanges(ctx, *dirFlag, day)
	if err != nil {
		return err
	}
	r, err := d.ranges(nil)
	if err != nil {
		return err
	}
	return e.writeHosts(ctx, answer.New(a), r, n, qs, day, f)
}

// writeHosts answers each host name and writes the answers; exit status
// 1 when a name did not resolve or its addresses matched nothing.
func (e *Env) writeHosts(ctx context.Context, j *answer.Joiner, r answer.Ranges, n *answer.Names, qs []answer.Query, day time.Time, format string) error {
	failed := 0
	for i, q := range qs {
		hr := j.AnswerHost(ctx, r, n, q.Name, day)
		if hr.Err != nil || (hr.Resolved && len(hr.Results) == 0) {
			failed++
		}
		var err error
		if format == "json" {
			err = writeJSONValue(e.Stdout, hr)
		} else {
			if i > 0 {
				fmt.Fprintln(e.Stdout)
			}
			err = writeHostText(e.Stdout, hr)
		}
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// writeHostText prints a host name's resolution chain, the evidence of
// its names, and each address's attribution and whois chain.
func writeHostText(w io.Writer, hr *answer.HostResult) error {
	fmt.Fprintf(w, "%s", hr.Name)
	if hr.Resolution.Server != "" {
		fmt.Fprintf(w, "  (resolver %s, %s)", hr.Resolution.Server, hr.Resolution.Elapsed.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	for _, t := range hr.CNAMEs() {
		fmt.Fprintf(w, "  CNAME %s\n", t)
	}
	for _, a := range hr.Resolution.A {
		fmt.Fprintf(w, "  A     %s\n", a)
	}
	for _, a := range hr.Resolution.AAAA {
		fmt.Fprintf(w, "  AAAA  %s\n", a)
	}
	switch {
	case hr.Err != nil:
		fmt.Fprintf(w, "  does not resolve: %v\n", hr.Err)
	case !hr.Resolved:
		fmt.Fprintln(w, "  not resolved (--no-resolve): answered from the names alone")
	}
	writeEvidence(w, hr.Evidence)
	for _, res := range hr.Results {
		fmt.Fprintln(w)
		if err := writeAddressText(w, res); err != nil {
			return err
		}
	}
	return nil
}

// writeEvidence prints what the names of a chain say, from the suffix
// table, with the documentation each entry cites.
func writeEvidence(w io.Writer, evs []suffix.Evidence) {
	if len(evs) == 0 {
		fmt.Fprintln(w, "  name evidence: none (no name of the chain is in the suffix table)")
		return
	}
	fmt.Fprintln(w, "  name evidence:")
	for _, ev := range evs {
		parts := []string{ev.Provider}
		for _, p := range []string{ev.Partition, ev.Service, ev.Region} {
			if p != "" && p != ev.Provider {
				parts = append(parts, p)
			}
		}
		fmt.Fprintf(w, "    %s  %s  (suffix %s", ev.Name, strings.Join(parts, " / "), ev.Suffix)
		if len(ev.Sources) > 0 {
			fmt.Fprintf(w, "; %s", ev.Sources[0].URL)
		}
		fmt.Fprintln(w, ")")
	}
}
