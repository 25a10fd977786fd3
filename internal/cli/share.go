package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/share"
	"github.com/cloudatlas/cloudatlas/internal/snapshot"
)

// ShareFile is where "share --save" keeps the measured hosting share in
// the data directory, for the market page.
const ShareFile = "share.json"

func runShare(ctx context.Context, e *Env, args []string) error {
	fs, dirFlag := e.flagSet("share", "SNAPSHOT.jsonl")
	format := formatFlag(fs, "table", "table", "csv", "json")
	asOf := e.asOfFlag(fs, "")
	by := fs.String("by", "provider", "count names by `key`: provider, operator or jurisdiction")
	subset := fs.String("subset", "", "count only these names: cn (the .cn names), or a `file` of names, one per line")
	save := fs.Bool("save", false, "also keep the result (by provider) in the data directory for the market page")
	atlasDir := atlasDirFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give one snapshot written by cloudatlas resolve", errUsage)
	}
	f, err := format()
	if err != nil {
		return err
	}
	day, err := asOf()
	if err != nil {
		return err
	}
	opt := share.Options{By: share.By(*by)}
	if opt.By != share.ByProvider && opt.By != share.ByOperator && opt.By != share.ByJurisdiction {
		return fmt.Errorf("%w: --by %q: want provider, operator or jurisdiction", errUsage, *by)
	}
	if opt.Filter, err = subsetFilter(*subset); err != nil {
		return err
	}
	h, recs, err := readSnapshot(fs.Arg(0))
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
	rep := share.Compute(recs, attributor(answer.New(a), r, day), opt)
	out := shareOutput{Report: rep, Population: h.Population, AsOf: answer.Day(day), Subset: *subset}
	if *save {
		if err := e.saveShare(*dirFlag, out); err != nil {
			return err
		}
	}
	return writeShare(e.Stdout, f, out)
}

// shareOutput is a share report with what it was measured on.
type shareOutput struct {
	share.Report
	Population string `json:"population_name"`
	AsOf       string `json:"as_of"`
	Subset     string `json:"subset,omitempty"`
}

// attributor tells who serves an address as of day, by the one join: the
// first match's provider (a routed range's AS holder when no feed has
// it), the operators of its place, and the jurisdictions it answers to.
func attributor(j *answer.Joiner, r answer.Ranges, day time.Time) share.Attributor {
	var buf []answer.Found
	return func(a netip.Addr) (share.Attribution, bool) {
		buf = answer.Find(r, answer.Query{Input: a.String(), Addr: a}, 0, buf)
		if len(buf) == 0 {
			return share.Attribution{}, false
		}
		f := buf[0]
		rec := f.Record
		at := share.Attribution{Provider: rec.Provider}
		var pa *answer.PlaceAnswer
		if f.Source.Tier == ranges.TierRouting {
			at.Provider = fmt.Sprintf("AS%d %s", rec.ASN, rec.Holder)
			pa = j.Route(rec.ASN, rec.Holder, rec.Country, day)
		} else if rec.Provider != "" {
			pa = j.Place(placeOf(rec), day)
		}
		if pa != nil && pa.Err == nil {
			if ops := pa.OperatorNames(); len(ops) > 0 {
				at.Operator = ops[0]
			}
			at.Jurisdictions = pa.Jurisdictions()
		}
		if at.Operator == "" && f.Source.Tier == ranges.TierRouting {
			at.Operator = rec.Holder
		}
		return at, true
	}
}

// subsetFilter returns the filter of --subset.
func subsetFilter(v string) (func(snapshot.Record) bool, error) {
	switch v {
	case "":
		return nil, nil
	case "cn":
		return share.Suffix("cn"), nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return nil, fmt.Errorf("%w: --subset: %v", errUsage, err)
	}
	var names []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
			names = append(names, l)
		}
	}
	return share.List(names), nil
}

// readSnapshot reads a snapshot that "cloudatlas resolve" wrote.
func readSnapshot(path string) (*snapshot.Header, []snapshot.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	h, recs, err := snapshot.Read(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if h == nil {
		h = &snapshot.Header{Population: filepath.Base(path)}
	}
	return h, recs, nil
}

// saveShare keeps a share report in the data directory.
func (e *Env) saveShare(dirFlag string, out shareOutput) error {
	dir, err := e.dataDir(dirFlag)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, ShareFile)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := writeJSONValue(f, out); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeShare writes a share report as a table, CSV or JSON.
func writeShare(w io.Writer, format string, out shareOutput) error {
	switch format {
	case "json":
		return writeJSONValue(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"key", "names", "share", "weight", "weighted_share"})
		for _, r := range out.Rows {
			cw.Write([]string{r.Key, strconv.Itoa(r.Names), fmt.Sprintf("%.4f", r.Share),
				fmt.Sprintf("%.4f", r.Weight), fmt.Sprintf("%.4f", r.WeightedShare)})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "Measured hosting share by %s of %s (%d names, %d resolved, %d not), as of %s\n",
		out.By, out.Population, out.Report.Population, out.Resolved, out.Unresolved, out.AsOf)
	fmt.Fprintf(w, "Rule: %s. Weighted: %s.\n", out.Rule, out.Weighting)
	if out.MultiValued {
		fmt.Fprintln(w, "A name can count for several jurisdictions, so shares add up to more than 100%.")
	}
	fmt.Fprintln(w, "This is the share of popular sites served, not a share of revenue.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "key\tnames\tshare\tweighted share\t")
	for _, r := range out.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%.1f%%\t\n", r.Key, r.Names, 100*r.Share, 100*r.WeightedShare)
	}
	return tw.Flush()
}

// placeOf is where a feed's record puts an address.
func placeOf(r *ranges.Record) atlas.Place {
	return atlas.Place{Provider: r.Provider, Partition: r.Partition, Region: r.Region}
}
