package routing

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestParseRefuses checks that each kind of bad input refuses the whole
// import with an error naming the tarball, the member and the line.
func TestParseRefuses(t *testing.T) {
	good := goodFixture()
	replace := func(s, old, new string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	tests := []struct {
		name  string
		edit  func(f *fixture)
		wants []string // substrings of the error
	}{
		{"bad first address", func(f *fixture) { f.asn4 = replace(f.asn4, "1.0.4.0,", "1.0.4,") },
			[]string{"asn-1.2.3.tgz", memberASN4, "line 2", "first address"}},
		{"bad last address", func(f *fixture) { f.cc6 = replace(f.cc6, ":ffff,FR", ":fffg,FR") },
			[]string{"country-1.2.3.tgz", memberCountry6, "line 2", "last address"}},
		{"IPv6 in the IPv4 file", func(f *fixture) { f.asn4 = replace(f.asn4, "8.8.8.0,8.8.8.255", "2001:4860::,2001:4860::ff") },
			[]string{memberASN4, "line 4", "IPv6 in the IPv4 file"}},
		{"IPv4 in the IPv6 file", func(f *fixture) { f.cc6 = replace(f.cc6, "2001:db9:1::,2001:db9:1::ffff", "1.0.0.0,1.0.0.255") },
			[]string{memberCountry6, "line 2", "IPv4 in the IPv6 file"}},
		{"address with a zone", func(f *fixture) { f.asn6 = replace(f.asn6, "2400::,", "2400::%eth0,") },
			[]string{memberASN6, "line 2", "zone"}},
		{"ASN not a number", func(f *fixture) { f.asn4 = replace(f.asn4, "64501", "AS64501") },
			[]string{memberASN4, "line 2", `ASN "AS64501"`}},
		{"ASN too large", func(f *fixture) { f.asn4 = replace(f.asn4, "64501", "4294967296") },
			[]string{memberASN4, "line 2", "ASN"}},
		{"ASN 0", func(f *fixture) { f.asn6 = replace(f.asn6, "64504", "0") },
			[]string{memberASN6, "line 2", "ASN 0"}},
		{"holder not UTF-8", func(f *fixture) { f.asn4 = replace(f.asn4, "Second Net", "Second \xff Net") },
			[]string{memberASN4, "line 2", "not UTF-8"}},
		{"country of three letters", func(f *fixture) { f.cc4 = replace(f.cc4, ",NZ", ",NZL") },
			[]string{memberCountry4, "line 4", `country "NZL"`}},
		{"country in lower case", func(f *fixture) { f.cc4 = replace(f.cc4, ",NZ", ",nz") },
			[]string{memberCountry4, "line 4", `country "nz"`}},
		{"empty country", func(f *fixture) { f.cc4 = replace(f.cc4, ",NZ", ",") },
			[]string{memberCountry4, "line 4", `country ""`}},
		{"first after last", func(f *fixture) { f.asn4 = replace(f.asn4, "8.8.8.0,8.8.8.255", "8.8.8.255,8.8.8.0") },
			[]string{memberASN4, "line 4", "first address 8.8.8.255 is after last address 8.8.8.0"}},
		{"unsorted rows", func(f *fixture) { f.cc4 = replace(f.cc4, "1.0.8.0,1.0.8.255,AU", "0.9.0.0,0.9.0.255,AU") },
			[]string{memberCountry4, "line 6", "sorted"}},
		{"too few fields", func(f *fixture) { f.asn4 = replace(f.asn4, ",64501,Second Net", ",64501") },
			[]string{memberASN4, "line 2", "wrong number of fields"}},
		{"bad quoting", func(f *fixture) { f.asn4 = replace(f.asn4, `"Example, Inc."`, `"Example, Inc.`) },
			[]string{memberASN4, "line 1"}},
		{"private space routed", func(f *fixture) { f.asn4 = replace(f.asn4, "8.8.8.0,8.8.8.255", "10.1.0.0,10.1.0.255") },
			[]string{memberASN4, "line 4", "private use (RFC 1918)"}},
		{"shared space routed", func(f *fixture) { f.asn4 = replace(f.asn4, "8.8.8.0,8.8.8.255", "100.64.0.0,100.127.255.255") },
			[]string{memberASN4, "line 4", "shared address space"}},
		{"range reaching into loopback", func(f *fixture) { f.asn4 = replace(f.asn4, "8.8.8.0,8.8.8.255", "126.0.0.0,127.0.0.0") },
			[]string{memberASN4, "line 4", "loopback"}},
		{"IETF protocol block routed", func(f *fixture) { f.asn4 = replace(f.asn4, "8.8.8.0,8.8.8.255", "192.0.0.8,192.0.0.10") },
			[]string{memberASN4, "line 4", "IETF protocol assignments"}},
		{"multicast routed", func(f *fixture) { f.asn4 = replace(f.asn4, "192.88.99.0,192.88.99.255", "224.0.0.0,224.0.0.255") },
			[]string{memberASN4, "line 5", "multicast"}},
		{"documentation v6 routed", func(f *fixture) { f.asn6 = replace(f.asn6, "2001:db9::,2001:db9:", "2001:db8::,2001:db8:") },
			[]string{memberASN6, "line 1", "documentation (RFC 3849)"}},
		{"link-local v6 routed", func(f *fixture) { f.asn6 = replace(f.asn6, "2400::,2400::ffff", "fe80::,fe80::ffff") },
			[]string{memberASN6, "line 2", "link local"}},
		{"benchmarking v6 routed", func(f *fixture) { f.asn6 = replace(f.asn6, "2001:db9::,2001:db9:", "2001:2::,2001:2:") },
			[]string{memberASN6, "line 1", "benchmarking (RFC 5180)"}},
		{"IETF protocol v6 block routed", func(f *fixture) { f.asn6 = replace(f.asn6, "2001:db9::,2001:db9:", "2001:1::,2001:1:") },
			[]string{memberASN6, "line 1", "IETF protocol assignments (RFC 2928)"}},
		{"empty member", func(f *fixture) { f.asn6 = "" },
			[]string{"asn-1.2.3.tgz", memberASN6, "0 rows"}},
		{"crossing rows", func(f *fixture) {
			f.cc6 = lines("2400::,2400::ff,JP", "2400::f,2400::1ff,KR", "2400::100,2400::2ff,CN")
		},
			[]string{"country-1.2.3.tgz", memberCountry6, "2 of 3 rows", "line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := good
			tt.edit(&f)
			asn, cc := f.tarballs(t)
			tbl, _, err := Parse(asn, cc, testLimits)
			if err == nil {
				t.Fatalf("accepted; %d routes", count(tbl))
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func count(t *Table) int { v4, v6 := t.Len(); return v4 + v6 }

// TestParseRefusesTarballs checks refusals of the archive itself.
func TestParseRefusesTarballs(t *testing.T) {
	f := goodFixture()
	good, cc := f.tarballs(t)
	with := func(members ...tarMember) []byte { return tgz(t, members) }
	asn4 := tarMember{name: memberASN4, body: f.asn4}
	asn6 := tarMember{name: memberASN6, body: f.asn6}
	man := manifest(PackageASN, "1.2.3")
	tests := []struct {
		name  string
		bytes []byte
		lim   *Limits
		wants []string
	}{
		{"truncated", good.Bytes[:len(good.Bytes)-30], nil, []string{"asn-1.2.3.tgz"}},
		{"cut in half", good.Bytes[:len(good.Bytes)/2], nil, []string{"asn-1.2.3.tgz", "unexpected EOF"}},
		{"gzip trailer corrupt", flip(good.Bytes, len(good.Bytes)-6), nil, []string{"asn-1.2.3.tgz", "corrupt gzip stream"}},
		{"not gzip", []byte("package/asn-ipv4.csv"), nil, []string{"asn-1.2.3.tgz", "not a gzip stream"}},
		{"empty", nil, nil, []string{"asn-1.2.3.tgz", "not a gzip stream"}},
		{"not tar", gzipOf(t, bytes.Repeat([]byte("x"), 2000)), nil, []string{"asn-1.2.3.tgz", "corrupt archive"}},
		{"missing member", with(man, asn4), nil, []string{"asn-1.2.3.tgz", "missing member " + memberASN6}},
		{"missing manifest", with(asn4, asn6), nil, []string{"asn-1.2.3.tgz", "missing member package/package.json"}},
		{"member twice", with(man, asn4, asn6, asn4), nil, []string{memberASN4, "twice"}},
		{"member not a file", with(man, asn4, tarMember{name: memberASN6, typ: '5'}), nil, []string{memberASN6, "not a regular file"}},
		{"other package", with(manifest(PackageCountry, "1.2.3"), asn4, asn6), nil, []string{"package.json", `package "@ip-location-db/geo-whois-asn-country"`}},
		{"other version", with(manifest(PackageASN, "1.2.4"), asn4, asn6), nil, []string{"package.json", `version "1.2.4"`, `"1.2.3"`}},
		{"manifest not JSON", with(tarMember{name: "package/package.json", body: "{"}, asn4, asn6), nil, []string{"package.json", "not a package manifest"}},
		{"member over the limit", good.Bytes, &Limits{MinASN4: 1, MinASN6: 1, MinCountry4: 1, MinCountry6: 1, MaxMember: 100, MaxUnpacked: 1 << 20},
			[]string{memberASN4, "over the 100-byte limit"}},
		{"unpacked over the limit", good.Bytes, &Limits{MinASN4: 1, MinASN6: 1, MinCountry4: 1, MinCountry6: 1, MaxMember: 1 << 20, MaxUnpacked: 1500},
			[]string{"asn-1.2.3.tgz", "unpacks to more than the size limit"}},
		{"too few rows", good.Bytes, &Limits{MinASN4: 6, MinASN6: 1, MinCountry4: 1, MinCountry6: 1, MaxMember: 1 << 20, MaxUnpacked: 1 << 20},
			[]string{"asn-1.2.3.tgz", memberASN4, "5 rows, fewer than the 6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := testLimits
			if tt.lim != nil {
				lim = *tt.lim
			}
			asn := NewTarball(PackageASN, "1.2.3", "asn-1.2.3.tgz", tt.bytes)
			_, _, err := Parse(asn, cc, lim)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseRefusesSwappedPackages(t *testing.T) {
	asn, cc := goodFixture().tarballs(t)
	if _, _, err := Parse(cc, asn, testLimits); err == nil || !strings.Contains(err.Error(), "given as "+PackageASN) {
		t.Errorf("swapped tarballs: err = %v", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x55
	return c
}

func gzipOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzipWriter(&buf)
	if _, err := gz.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCapReader(t *testing.T) {
	c := &capReader{r: strings.NewReader("hello"), left: 5}
	if b, err := io.ReadAll(c); err != nil || string(b) != "hello" {
		t.Errorf("exactly at the limit: %q, %v", b, err)
	}
	c = &capReader{r: strings.NewReader("hello!"), left: 5}
	if _, err := io.ReadAll(c); !errors.Is(err, errTooBig) {
		t.Errorf("over the limit: err = %v", err)
	}
}
