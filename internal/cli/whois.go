package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

func runWhois(ctx context.Context, e *Env, args []string) error {
	fs, dataDirFlag := e.flagSet("whois", "REGION-CODE|ENTITY-ID|NAME|IP|CIDR")
	dir := atlasDirFlag(fs)
	asOf := e.asOfFlag(fs, "")
	format := formatFlag(fs, "text", "text", "json")
	provider := fs.String("provider", "", "provider `key` (aws, azure, google...) of a region code")
	names := namesFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one region code, entity, name, address or CIDR, e.g. cloudatlas whois cn-north-1", errUsage)
	}
	f, err := format()
	if err != nil {
		return err
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	a, err := e.loadAtlas(*dir)
	if err != nil {
		return err
	}
	j := answer.New(a)
	t, err := j.ResolveTarget(fs.Arg(0), *provider)
	if err != nil {
		return err
	}
	if t.Query != nil && t.Query.IsName() {
		n, err := names()
		if err != nil {
			return err
		}
		d, err := e.openRanges(ctx, *dataDirFlag, day)
		if err != nil {
			return err
		}
		r, err := d.ranges(nil)
		if err != nil {
			return err
		}
		return e.writeHosts(ctx, j, r, n, []answer.Query{*t.Query}, day, f)
	}
	if t.Query != nil {
		return e.whoisAddress(ctx, j, *dataDirFlag, *t.Query, day, f)
	}
	ans, err := j.WhoisEntity(t.Entity, fs.Arg(0), day)
	if err != nil {
		return err
	}
	return writeAnswer(e.Stdout, f, ans)
}

// whoisAddress answers for every place the range matches of an address
// or CIDR name; exit status 1 when it is in no loaded feed.
func (e *Env) whoisAddress(ctx context.Context, j *answer.Joiner, dataDirFlag string, q answer.Query, day time.Time, format string) error {
	d, err := e.openRanges(ctx, dataDirFlag, day)
	if err != nil {
		return err
	}
	r, err := d.ranges([]answer.Query{q})
	if err != nil {
		return err
	}
	res := j.Answer(r, q, day, 0)
	if format == "json" {
		err = writeJSONValue(e.Stdout, res)
	} else {
		err = writeAddressText(e.Stdout, res)
	}
	if err != nil {
		return err
	}
	if len(res.Matches) == 0 {
		return &exitError{code: 1}
	}
	return nil
}

func writeAddressText(w io.Writer, res *answer.Result) error {
	in := res.Query.Input
	if len(res.Matches) == 0 {
		_, err := fmt.Fprintf(w, "%s: in no loaded feed, and no AS announces it (private, reserved or unused space, or no routing data loaded)\n", in)
		return err
	}
	if len(res.Whois) == 0 && res.Routing != nil {
		return writeRoutingText(w, res)
	}
	if len(res.Whois) == 0 {
		_, err := fmt.Fprintf(w, "%s: %d range match(es), none naming a provider the atlas could follow (see cloudatlas ip %s)\n", in, len(res.Matches), in)
		return err
	}
	for i, wh := range res.Whois {
		if i > 0 {
			fmt.Fprintln(w)
		}
		p := wh.Place
		fmt.Fprintf(w, "== %s: %s (feed %s, %s %s %s)\n", in, wh.Found.Record.Prefix, wh.Found.Source.Feed, p.Provider, p.Partition, p.Region)
		if wh.Err != nil {
			fmt.Fprintf(w, "no atlas answer: %v\n", wh.Err)
			continue
		}
		if err := wh.Answer.WriteText(w); err != nil {
			return err
		}
	}
	if res.Routing != nil {
		fmt.Fprintln(w)
		return writeRoutingText(w, res)
	}
	return nil
}

// writeRoutingText prints the routing tier's answer: who announces the
// address's range, then the holder's chain as the atlas knows it.
func writeRoutingText(w io.Writer, res *answer.Result) error {
	r := res.Routing.Found.Record
	fmt.Fprintf(w, "== %s: %s announced by AS%d", res.Query.Input, r.Prefix, r.ASN)
	if r.Holder != "" {
		fmt.Fprintf(w, ", %s", r.Holder)
	}
	if r.Country != "" {
		fmt.Fprintf(w, "; registered in %s", r.Country)
	}
	fmt.Fprintf(w, " (routing tier, snapshot %d, data %s)\n", res.Routing.Found.Source.SnapshotID, res.Routing.Found.Source.UpstreamID)
	if res.Routing.Err != nil {
		fmt.Fprintf(w, "no atlas answer: %v\n", res.Routing.Err)
	} else if err := res.Routing.Answer.WriteText(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", answer.RoutingCredit)
	return err
}

// textWriter is an answer that renders itself for a terminal.
type textWriter interface{ WriteText(io.Writer) error }

// writeAnswer writes v as indented JSON or as text.
func writeAnswer(w io.Writer, format string, v textWriter) error {
	if format == "json" {
		return writeJSONValue(w, v)
	}
	return v.WriteText(w)
}

func writeJSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// whoisOf is a compile-time check that atlas answers render as text.
var _ textWriter = (*atlas.Answer)(nil)
