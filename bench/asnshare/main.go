// Command asnshare measures how much of the routed address space the
// atlas's AS holders cover: it reads the IP-to-ASN package of the routing
// data (the npm tarball of @ip-location-db/asn, rows first,last,asn,name),
// counts IPv4 addresses and ranges per ASN, and reports, for each holder
// organisation in the atlas (holds_asn statements in force now), its ASNs
// and their share of routed IPv4 addresses and ranges, then the totals and
// the largest ASNs that no atlas holder covers yet. For each holder it also
// names the tops of its ownership chains (listed companies, persons, state
// bodies, jurisdictions: see atlas.Owner.Ultimate) and whether its
// incorporation is recorded, and counts the holders that reach such a top.
//
//	go run ./bench/asnshare -tgz ../shared/data/asn/ip-location-db-asn-2.3.2026061719.tgz
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// usage is what the routing data says about one ASN.
type usage struct {
	addrs4, ranges4, ranges6 uint64
	name                     string
}

func main() {
	tgz := flag.String("tgz", "", "the @ip-location-db/asn tarball (default: the newest under ../shared/data/asn)")
	dir := flag.String("atlas", "data/atlas", "atlas directory")
	top := flag.Int("top", 40, "list this many of the largest ASNs that no atlas holder covers")
	flag.Parse()
	if err := run(*tgz, *dir, *top); err != nil {
		fmt.Fprintln(os.Stderr, "asnshare:", err)
		os.Exit(1)
	}
}

func run(tgz, dir string, top int) error {
	if tgz == "" {
		m, _ := filepath.Glob("../shared/data/asn/ip-location-db-asn-*.tgz")
		if len(m) == 0 {
			return errors.New("no tarball given and none under ../shared/data/asn")
		}
		tgz = m[len(m)-1]
	}
	use, err := readTarball(tgz)
	if err != nil {
		return err
	}
	a, err := atlas.Load(os.DirFS(dir))
	if err != nil {
		return err
	}
	report(os.Stdout, a, use, top)
	return nil
}

// readTarball counts addresses and ranges per ASN in package/asn-ipv4.csv
// and ranges in package/asn-ipv6.csv.
func readTarball(path string) (map[uint32]*usage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	use := map[uint32]*usage{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return use, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch h.Name {
		case "package/asn-ipv4.csv", "package/asn-ipv6.csv":
			if err := readCSV(tr, h.Name, use); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
}

func readCSV(r io.Reader, name string, use map[uint32]*usage) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		first, err1 := netip.ParseAddr(rec[0])
		last, err2 := netip.ParseAddr(rec[1])
		asn, err3 := strconv.ParseUint(rec[2], 10, 32)
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		u := use[uint32(asn)]
		if u == nil {
			u = &usage{name: rec[3]}
			use[uint32(asn)] = u
		}
		if first.Is4() {
			f4, l4 := first.As4(), last.As4()
			lo := uint64(f4[0])<<24 | uint64(f4[1])<<16 | uint64(f4[2])<<8 | uint64(f4[3])
			hi := uint64(l4[0])<<24 | uint64(l4[1])<<16 | uint64(l4[2])<<8 | uint64(l4[3])
			if hi < lo {
				return fmt.Errorf("%s: line %d: first %s after last %s", name, line, first, last)
			}
			u.addrs4 += hi - lo + 1
			u.ranges4++
		} else {
			u.ranges6++
		}
	}
}

// holder is one atlas organisation and the ASNs it holds now.
type holder struct {
	id, name string
	asns     []uint32
	usage
}

func report(w io.Writer, a *atlas.Atlas, use map[uint32]*usage, top int) {
	var total usage
	for _, u := range use {
		total.addrs4 += u.addrs4
		total.ranges4 += u.ranges4
		total.ranges6 += u.ranges6
	}
	byOrg := map[string]*holder{}
	held := map[uint32]bool{}
	now := time.Now()
	for _, e := range a.Entities {
		if e.Kind != atlas.KindAS {
			continue
		}
		asn, err := atlas.ParseASN(strings.TrimPrefix(e.ID, "as/"))
		if err != nil {
			continue
		}
		for _, f := range a.ASHolders(asn, now) {
			id := f.Statement.Subject
			h := byOrg[id]
			if h == nil {
				h = &holder{id: id, name: a.DisplayName(id)}
				byOrg[id] = h
			}
			h.asns = append(h.asns, asn)
			if u := use[asn]; u != nil && !held[asn] {
				h.addrs4 += u.addrs4
				h.ranges4 += u.ranges4
				h.ranges6 += u.ranges6
			}
			held[asn] = true
		}
	}
	hs := make([]*holder, 0, len(byOrg))
	for _, h := range byOrg {
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(x, y *holder) int { return -cmpU(x.addrs4, y.addrs4) })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "holder\tASNs\tIPv4 addresses\t%% of routed\tIPv4 ranges\t%% of ranges\tIPv6 ranges\tinc.\tchain tops\t\n")
	var sum usage
	topped, incorporated := 0, 0
	for _, h := range hs {
		slices.Sort(h.asns)
		tops := chainTops(a, h.id, now)
		if len(tops) > 0 {
			topped++
		}
		inc := "no"
		if len(a.StatementsAt(h.id, "incorporated_in", now)) > 0 {
			inc = "yes"
			incorporated++
		}
		fmt.Fprintf(tw, "%s (%s)\t%s\t%d\t%.3f\t%d\t%.3f\t%d\t%s\t%s\t\n", h.name, h.id, join(h.asns), h.addrs4,
			pct(h.addrs4, total.addrs4), h.ranges4, pct(h.ranges4, total.ranges4), h.ranges6, inc, orNone(tops))
		sum.addrs4 += h.addrs4
		sum.ranges4 += h.ranges4
		sum.ranges6 += h.ranges6
	}
	fmt.Fprintf(tw, "all %d holders\t%d ASNs\t%d\t%.3f\t%d\t%.3f\t%d\t\n", len(hs), len(held), sum.addrs4,
		pct(sum.addrs4, total.addrs4), sum.ranges4, pct(sum.ranges4, total.ranges4), sum.ranges6)
	fmt.Fprintf(tw, "routing data\t%d ASNs\t%d\t100\t%d\t100\t%d\t\n", len(use), total.addrs4, total.ranges4, total.ranges6)
	tw.Flush()
	fmt.Fprintf(w, "\nholders whose ownership chain reaches a listed company, a person or a state: %d of %d\n", topped, len(hs))
	fmt.Fprintf(w, "holders with a recorded incorporation: %d of %d\n", incorporated, len(hs))
	unheld := make([]uint32, 0, len(use))
	for asn := range use {
		if !held[asn] {
			unheld = append(unheld, asn)
		}
	}
	slices.SortFunc(unheld, func(x, y uint32) int { return -cmpU(use[x].addrs4, use[y].addrs4) })
	fmt.Fprintf(w, "\nlargest ASNs with no atlas holder (name as the routing data gives it)\n")
	for _, asn := range unheld[:min(top, len(unheld))] {
		u := use[asn]
		fmt.Fprintf(w, "  AS%d\t%d addresses (%.3f%%)\t%d ranges\t%s\n", asn, u.addrs4, pct(u.addrs4, total.addrs4), u.ranges4, u.name)
	}
}

// chainTops returns the ids of the true tops of id's ownership chains at
// t: id itself when it is one (a listed company or a state body), else
// its ultimate owners.
func chainTops(a *atlas.Atlas, id string, t time.Time) []string {
	if e := a.Entity(id); e != nil && (e.State || e.IDs["ticker"] != "") {
		return []string{"itself"}
	}
	var tops []string
	for _, o := range a.Owners(id, t).Owners {
		if o.Ultimate {
			tops = append(tops, o.ID)
		}
	}
	return tops
}

func orNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ",")
}

func join(asns []uint32) string {
	s := make([]string, len(asns))
	for i, a := range asns {
		s[i] = strconv.FormatUint(uint64(a), 10)
	}
	return strings.Join(s, ",")
}

func pct(n, of uint64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

func cmpU(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
