package routing

import (
	"fmt"
	"io"
)

// Limits are the plausibility and size bounds an import must meet.
type Limits struct {
	// MinASN4 and MinASN6 are the fewest rows a complete ASN file has, per
	// family; MinCountry4 and MinCountry6 the same for the country file.
	MinASN4, MinASN6, MinCountry4, MinCountry6 int
	// MaxCrossingShare is the largest share of a file's rows that may
	// overlap an earlier row without nesting inside it, or repeat its
	// range (resolved by the narrower, then the later row winning); more
	// means the file is not what it claims to be. Nested rows are normal.
	MaxCrossingShare float64
	// MaxMember bounds one unpacked CSV member, MaxUnpacked a whole
	// unpacked tarball, in bytes.
	MaxMember, MaxUnpacked int64
}

// DefaultLimits are the bounds for the real packages: the 2026-06 release
// has 411,961 and 103,197 ASN rows (one crossing), and 334,373 and 216,295
// country rows (0.05% and 0.01% crossing); its largest member unpacks to
// 24 MB and its largest tarball to 66 MB.
var DefaultLimits = Limits{
	MinASN4:          100_000,
	MinASN6:          20_000,
	MinCountry4:      100_000,
	MinCountry6:      50_000,
	MaxCrossingShare: 0.005,
	MaxMember:        256 << 20,
	MaxUnpacked:      1 << 30,
}

// FileStats describes one CSV member of an import.
type FileStats struct {
	Tarball, Member string
	Rows            int // data rows
	Nested          int // rows inside an earlier row's range
	Crossing        int // rows overlapping an earlier row without nesting, or repeating it
}

// Stats describes an import.
type Stats struct {
	Files                  []FileStats // ASN IPv4, ASN IPv6, country IPv4, country IPv6
	V4, V6                 int         // intervals of the table
	NoCountry4, NoCountry6 int         // intervals the country file says nothing of
}

// The CSV members read from each package.
const (
	memberASN4     = "package/asn-ipv4.csv"
	memberASN6     = "package/asn-ipv6.csv"
	memberCountry4 = "package/geo-whois-asn-country-ipv4.csv"
	memberCountry6 = "package/geo-whois-asn-country-ipv6.csv"
)

// Parse builds a routing table from the two package tarballs. It refuses
// the whole import, naming the tarball, the member and the line, when a
// tarball is corrupt or lacks a member, a row does not parse, a range
// reaches into special-purpose space, rows are out of order, or a file is
// implausibly small or overlapping (see [Limits]).
//
// Each ASN interval is split where the country changes; parts of it the
// country file does not cover have no country. Addresses the country file
// covers but no ASN row does are unrouted and left out.
func Parse(asn, country *Tarball, lim Limits) (*Table, Stats, error) {
	var (
		a    asnData
		aerr error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		a, aerr = parseASN(asn, lim)
	}()
	c, cerr := parseCountries(country, lim)
	<-done
	if aerr != nil {
		return nil, Stats{}, aerr
	}
	if cerr != nil {
		return nil, Stats{}, cerr
	}
	v4 := intersect(flatten(a.rows4), flatten(c.rows4))
	a.rows4, c.rows4 = nil, nil // let the rows go before the next family is built
	v6 := intersect(flatten(a.rows6), flatten(c.rows6))
	a.rows6, c.rows6 = nil, nil
	t, err := Open(encode(Meta{ASNVersion: asn.Version, CountryVersion: country.Version}, v4, v6, a.names.list))
	if err != nil {
		return nil, Stats{}, fmt.Errorf("routing: encoding the table: %w", err)
	}
	st := Stats{Files: []FileStats{a.stats[0], a.stats[1], c.stats[0], c.stats[1]}, V4: len(v4), V6: len(v6),
		NoCountry4: noCountry(v4), NoCountry6: noCountry(v6)}
	return t, st, nil
}

// asnData is what the ASN package holds.
type asnData struct {
	rows4, rows6 []entry[holding]
	names        interner
	stats        [2]FileStats
}

func parseASN(t *Tarball, lim Limits) (asnData, error) {
	var d asnData
	if t.Package != PackageASN {
		return d, fmt.Errorf("routing: %s: package %q given as %s", t.name(), t.Package, PackageASN)
	}
	var st [2]fileStats
	err := t.walk(lim, map[string]memberReader{
		memberASN4: func(r io.Reader, n int64) (err error) {
			d.rows4, st[0], err = readASN(r, n/48, false, &d.names)
			return err
		},
		memberASN6: func(r io.Reader, n int64) (err error) {
			d.rows6, st[1], err = readASN(r, n/72, true, &d.names)
			return err
		},
	})
	if err == nil {
		d.stats[0], err = plausible(t, memberASN4, st[0], lim.MinASN4, lim)
	}
	if err == nil {
		d.stats[1], err = plausible(t, memberASN6, st[1], lim.MinASN6, lim)
	}
	if err != nil {
		return d, fmt.Errorf("routing: %s: %w", t.name(), err)
	}
	return d, nil
}

// countryData is what the country package holds.
type countryData struct {
	rows4, rows6 []entry[[2]byte]
	stats        [2]FileStats
}

func parseCountries(t *Tarball, lim Limits) (countryData, error) {
	var d countryData
	if t.Package != PackageCountry {
		return d, fmt.Errorf("routing: %s: package %q given as %s", t.name(), t.Package, PackageCountry)
	}
	var st [2]fileStats
	err := t.walk(lim, map[string]memberReader{
		memberCountry4: func(r io.Reader, n int64) (err error) { d.rows4, st[0], err = readCountry(r, n/28, false); return err },
		memberCountry6: func(r io.Reader, n int64) (err error) { d.rows6, st[1], err = readCountry(r, n/52, true); return err },
	})
	if err == nil {
		d.stats[0], err = plausible(t, memberCountry4, st[0], lim.MinCountry4, lim)
	}
	if err == nil {
		d.stats[1], err = plausible(t, memberCountry6, st[1], lim.MinCountry6, lim)
	}
	if err != nil {
		return d, fmt.Errorf("routing: %s: %w", t.name(), err)
	}
	return d, nil
}

// plausible checks a member's row count and overlap share.
func plausible(t *Tarball, member string, st fileStats, minRows int, lim Limits) (FileStats, error) {
	fs := FileStats{Tarball: t.name(), Member: member, Rows: st.Rows, Nested: st.Nested, Crossing: st.Crossing}
	if st.Rows < minRows {
		return fs, fmt.Errorf("%s: %d rows, fewer than the %d of a complete file", member, st.Rows, minRows)
	}
	if float64(st.Crossing) > lim.MaxCrossingShare*float64(st.Rows) {
		return fs, fmt.Errorf("%s: %d of %d rows overlap an earlier row without nesting in it (the first at line %d), more than %g%%",
			member, st.Crossing, st.Rows, st.FirstCrossing, 100*lim.MaxCrossingShare)
	}
	return fs, nil
}

func noCountry(es []entry[routed]) int {
	n := 0
	for _, e := range es {
		if e.v.country == [2]byte{} {
			n++
		}
	}
	return n
}
