// Package routingtest builds small synthetic routing data for tests of
// the packages that use the routing tier: tarballs laid out as the npm
// registry serves the ip-location-db packages, and the table parsed
// from them. Nothing here is real data.
package routingtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/routing"
)

// Limits accepts the small synthetic fixtures.
var Limits = routing.Limits{
	MinASN4: 1, MinASN6: 1, MinCountry4: 1, MinCountry6: 1,
	MaxCrossingShare: 0.5, MaxMember: 1 << 20, MaxUnpacked: 4 << 20,
}

// Data is the CSV rows of a synthetic import, one row per string
// ("first,last,asn,name" and "first,last,country").
type Data struct {
	ASN4, ASN6, Country4, Country6 []string
}

// Example is a small import: AS20940, which the fixture atlases give a
// holder (Example CDN International B.V., in NL, under a US parent);
// AS64999, routed with no country; AS65552, known to the atlas but held
// by nobody; and IPv6.
var Example = Data{
	ASN4: []string{
		`23.0.0.0,23.0.255.255,20940,"Example CDN, Inc."`,
		`45.0.0.0,45.0.0.255,64999,Small Host Ltd`,
		`81.0.0.0,81.0.255.255,65552,Euro Net B.V.`,
	},
	ASN6: []string{`2a00::,2a00::ffff,65552,Euro Net B.V.`},
	Country4: []string{
		`23.0.0.0,23.0.255.255,US`,
		`81.0.0.0,81.0.255.255,NL`,
	},
	Country6: []string{`2a00::,2a00::ffff,NL`},
}

// Tarballs packs d as the two packages at version.
func (d Data) Tarballs(tb testing.TB, version string) (asn, country []byte) {
	tb.Helper()
	asn = tgz(tb, map[string]string{
		"package/package.json": manifest(routing.PackageASN, version),
		"package/asn-ipv4.csv": lines(d.ASN4), "package/asn-ipv6.csv": lines(d.ASN6)})
	country = tgz(tb, map[string]string{
		"package/package.json":                   manifest(routing.PackageCountry, version),
		"package/geo-whois-asn-country-ipv4.csv": lines(d.Country4),
		"package/geo-whois-asn-country-ipv6.csv": lines(d.Country6)})
	return asn, country
}

// WriteDir writes d's tarballs into dir under the names the registry's
// files have, as in ../shared/data/asn.
func (d Data) WriteDir(tb testing.TB, dir, version string) {
	tb.Helper()
	asn, country := d.Tarballs(tb, version)
	for name, b := range map[string][]byte{
		routing.TarballFile(routing.PackageASN, version):     asn,
		routing.TarballFile(routing.PackageCountry, version): country,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// Table parses d into a routing table.
func (d Data) Table(tb testing.TB) *routing.Table {
	tb.Helper()
	asn, country := d.Tarballs(tb, "1.0.0")
	tbl, _, err := routing.Parse(routing.NewTarball(routing.PackageASN, "1.0.0", "asn.tgz", asn),
		routing.NewTarball(routing.PackageCountry, "1.0.0", "country.tgz", country), Limits)
	if err != nil {
		tb.Fatal(err)
	}
	return tbl
}

func manifest(pkg, version string) string {
	return fmt.Sprintf(`{"name":%q,"version":%q,"license":"CC-BY-4.0"}`, pkg, version)
}

func lines(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return strings.Join(rows, "\n") + "\n"
}

// tgz packs files as npm does: gzip over tar.
func tgz(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"package/package.json", "package/asn-ipv4.csv", "package/asn-ipv6.csv",
		"package/geo-whois-asn-country-ipv4.csv", "package/geo-whois-asn-country-ipv6.csv"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
