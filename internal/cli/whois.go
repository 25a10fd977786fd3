package cli

import (
	"github.com/cloudatlas/cloudatlas/internal/query"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// RegionRef is one range match of an address, as whois needs it: where
// the feed places the prefix.
type RegionRef struct {
	Provider, Partition, Region, Prefix, Feed string
}

// addressAnswer is one range match of an address with its whois answer,
// as whois --format json prints it.
type addressAnswer struct {
	Prefix    string        `json:"prefix"`
	Feed      string        `json:"feed"`
	Provider  string        `json:"provider"`
	Partition string        `json:"partition,omitempty"`
	Region    string        `json:"region,omitempty"`
	Answer    *atlas.Answer `json:"answer,omitempty"`
	Error     string        `json:"error,omitempty"`
}

func runWhois(ctx context.Context, e *Env, args []string) error {
	fs, dataDirFlag := e.flagSet("whois", "REGION-CODE|ENTITY-ID|NAME|IP|CIDR")
	dir := atlasDirFlag(fs)
	asOfFlag := fs.String("as-of", "", "answer as of `date` (YYYY, YYYY-MM or YYYY-MM-DD; default today)")
	format := fs.String("format", "text", "output `format`: text or json")
	provider := fs.String("provider", "", "provider `key` (aws, azure, google...) of a region code")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one region code, entity, name, address or CIDR, e.g. cloudatlas whois cn-north-1", errUsage)
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: unknown format %q (want text or json)", errUsage, *format)
	}
	asOf, err := parseAsOf(*asOfFlag, e.Now())
	if err != nil {
		return err
	}
	a, _, err := openAtlas(*dir)
	if err != nil {
		return err
	}
	arg := strings.TrimSpace(fs.Arg(0))
	if _, err := query.Parse(arg); err == nil && *provider == "" {
		return whoisAddress(ctx, e, a, *dataDirFlag, arg, asOf, *format)
	}
	ans, err := whoisTarget(a, arg, *provider, asOf)
	if err != nil {
		return err
	}
	return writeAnswer(e.Stdout, *format, ans)
}

// parseAsOf parses --as-of, defaulting to now. A date stands for its
// first day.
func parseAsOf(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	d, err := atlas.ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --as-of: %v", errUsage, err)
	}
	return d.Start(), nil
}

// whoisTarget answers for a region code (with or without --provider), an
// entity id or a name.
func whoisTarget(a *atlas.Atlas, arg, provider string, asOf time.Time) (*atlas.Answer, error) {
	if provider != "" {
		if a.Region(provider, arg) == nil {
			return nil, fmt.Errorf("no region %q of provider %q in the atlas", arg, provider)
		}
		return a.WhoisRegion(provider, arg, asOf)
	}
	ans, err := a.Whois(arg, asOf)
	if !errors.Is(err, atlas.ErrNotFound) {
		return ans, err
	}
	switch regions := a.RegionsWithCode(arg); len(regions) {
	case 0:
		return nil, fmt.Errorf("%q is no entity id, name or region code in the atlas (try cloudatlas search)", arg)
	case 1:
		return a.WhoisRegion(regions[0].Provider, arg, asOf)
	default:
		var ps []string
		for _, r := range regions {
			ps = append(ps, r.Provider)
		}
		return nil, fmt.Errorf("%w: region code %q exists for several providers (%s): add --provider",
			errUsage, arg, strings.Join(ps, ", "))
	}
}

// whoisAddress answers for every range match of an address or CIDR.
func whoisAddress(ctx context.Context, e *Env, a *atlas.Atlas, dataDirFlag, arg string, asOf time.Time, format string) error {
	dir, err := e.dataDir(dataDirFlag)
	if err != nil {
		return err
	}
	refs, err := resolveAddress(ctx, e, dir, arg)
	if err != nil {
		return err
	}
	out := make([]addressAnswer, 0, len(refs))
	for _, r := range refs {
		aa := addressAnswer{Prefix: r.Prefix, Feed: r.Feed, Provider: r.Provider, Partition: r.Partition, Region: r.Region}
		ans, err := a.WhoisPlace(atlas.Place{Provider: r.Provider, Partition: r.Partition, Region: r.Region}, asOf)
		if err != nil {
			aa.Error = err.Error()
		}
		aa.Answer = ans
		out = append(out, aa)
	}
	if format == "json" {
		return writeJSONValue(e.Stdout, out)
	}
	return writeAddressText(e.Stdout, arg, out)
}

func writeAddressText(w io.Writer, arg string, out []addressAnswer) error {
	if len(out) == 0 {
		_, err := fmt.Fprintf(w, "%s: in no loaded feed\n", arg)
		return err
	}
	for i, aa := range out {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s: %s (feed %s, %s %s %s)\n", arg, aa.Prefix, aa.Feed, aa.Provider, aa.Partition, aa.Region)
		if aa.Error != "" {
			fmt.Fprintf(w, "no atlas answer: %s\n", aa.Error)
			continue
		}
		if err := aa.Answer.WriteText(w); err != nil {
			return err
		}
	}
	return nil
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
