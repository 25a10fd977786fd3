package routing

import (
	"net/netip"
	"testing"
)

// FuzzOpen feeds Open arbitrary bytes. With fix set, the checksum is
// recomputed first, so that the fuzzer reaches the structural checks. An
// opened table must answer lookups and iterate without panicking, and
// keep its invariants.
func FuzzOpen(f *testing.F) {
	f.Add(mustParse(f, goodFixture()).Bytes(), false)
	f.Add(mustParse(f, goodFixture()).Bytes(), true)
	f.Add(encode(Meta{"1", "2"}, nil, nil, nil), true)
	f.Add([]byte(magic), true)
	f.Fuzz(func(t *testing.T, b []byte, fix bool) {
		if fix && len(b) >= headerSize {
			b = resum(b)
		}
		tbl, err := Open(b)
		if err != nil {
			return
		}
		checkTable(t, tbl)
		for _, s := range []string{"0.0.0.0", "1.0.5.7", "255.255.255.255", "::", "2001:db9::1", "ffff::"} {
			if r, ok := tbl.Lookup(netip.MustParseAddr(s)); ok {
				r.Prefix(netip.MustParseAddr(s))
			}
		}
		tbl.Holder(64500)
	})
}

// FuzzParseCSV fuzzes the four CSV members inside well-formed tarballs.
// Whatever Parse accepts must be a valid table.
func FuzzParseCSV(f *testing.F) {
	g := goodFixture()
	f.Add(g.asn4, g.asn6, g.cc4, g.cc6)
	f.Add("1.0.0.0,1.0.0.255,1,a\n", "2400::,2400::1,2,b\n", "1.0.0.0,1.0.0.1,AU\n", "2400::,2400::,JP\n")
	f.Add("0.0.0.0,255.255.255.255,1,x\n", "::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,1,x\n", "", "")
	f.Fuzz(func(t *testing.T, asn4, asn6, cc4, cc6 string) {
		asn, cc := fixture{asn4, asn6, cc4, cc6}.tarballs(t)
		tbl, _, err := Parse(asn, cc, testLimits)
		if err != nil {
			return
		}
		checkTable(t, tbl)
	})
}

// FuzzParseTarball fuzzes the ASN tarball's bytes: Parse must refuse what
// is not a well-formed package without panicking.
func FuzzParseTarball(f *testing.F) {
	asn, cc := goodFixture().tarballs(f)
	f.Add(asn.Bytes)
	f.Add(asn.Bytes[:len(asn.Bytes)/2])
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		tbl, _, err := Parse(NewTarball(PackageASN, "1.2.3", "fuzz.tgz", b), cc, testLimits)
		if err != nil {
			return
		}
		checkTable(t, tbl)
	})
}
