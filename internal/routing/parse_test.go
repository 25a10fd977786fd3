package routing

import (
	"net/netip"
	"testing"
)

func TestParseAnswers(t *testing.T) {
	tbl := mustParse(t, goodFixture())
	checkTable(t, tbl)
	tests := []struct {
		addr        string
		ok          bool
		first, last string
		asn         uint32
		holder      string
		country     string
	}{
		{"1.0.0.1", true, "1.0.0.0", "1.0.0.255", 64500, "Example, Inc.", "AU"},
		{"1.0.2.1", false, "", "", 0, "", ""}, // in the country file only: unrouted
		{"1.0.4.9", true, "1.0.4.0", "1.0.4.255", 64501, "Second Net", "AU"},
		{"1.0.5.7", true, "1.0.5.0", "1.0.5.127", 64501, "Second Net", "NZ"},
		{"1.0.5.129", true, "1.0.5.128", "1.0.5.129", 64501, "Second Net", "FJ"},
		{"1.0.5.130", true, "1.0.5.130", "1.0.5.255", 64501, "Second Net", "NZ"},
		{"1.0.7.255", true, "1.0.6.0", "1.0.7.255", 64501, "Second Net", "AU"},
		{"1.0.8.8", true, "1.0.8.0", "1.0.8.255", 64500, "Example, Inc.", "AU"},
		{"8.8.8.8", true, "8.8.8.0", "8.8.8.255", 64502, `Third "Quoted" Ltd`, ""}, // no country row
		{"::ffff:8.8.8.8", true, "8.8.8.0", "8.8.8.255", 64502, `Third "Quoted" Ltd`, ""},
		{"192.88.99.1", true, "192.88.99.0", "192.88.99.255", 64503, "Relay", "US"}, // 6to4 relay: may be routed
		{"9.9.9.9", false, "", "", 0, "", ""},
		{"2001:db9::1", true, "2001:db9::", "2001:db9:0:ffff:ffff:ffff:ffff:ffff", 64500, "Example, Inc.", "DE"},
		{"2001:db9:1::5", true, "2001:db9:1::", "2001:db9:1::ffff", 64500, "Example, Inc.", "FR"},
		{"2001:db9:1::1:0", true, "2001:db9:1::1:0", "2001:db9:ffff:ffff:ffff:ffff:ffff:ffff", 64500, "Example, Inc.", "DE"},
		{"2400::ffff", true, "2400::", "2400::ffff", 64504, "Tiny Six", ""},
		{"2400::1:0", false, "", "", 0, "", ""},
		{"10.0.0.1", false, "", "", 0, "", ""},
	}
	for _, tt := range tests {
		r, ok := tbl.Lookup(netip.MustParseAddr(tt.addr))
		if ok != tt.ok {
			t.Errorf("Lookup(%s) ok = %v, want %v", tt.addr, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		want := Route{First: netip.MustParseAddr(tt.first), Last: netip.MustParseAddr(tt.last),
			ASN: tt.asn, Holder: tt.holder, Country: tt.country}
		if r != want {
			t.Errorf("Lookup(%s) = %+v, want %+v", tt.addr, r, want)
		}
	}
	if v4, v6 := tbl.Len(); v4 != 9 || v6 != 4 {
		t.Errorf("Len() = %d, %d; want 9, 4", v4, v6)
	}
	if m := tbl.Meta(); m != (Meta{"1.2.3", "1.2.3"}) {
		t.Errorf("Meta() = %+v", m)
	}
	if h, ok := tbl.Holder(64502); !ok || h != `Third "Quoted" Ltd` {
		t.Errorf("Holder(64502) = %q, %v", h, ok)
	}
	if h, ok := tbl.Holder(64599); ok {
		t.Errorf("Holder(64599) = %q, want none", h)
	}
}

func TestParseStats(t *testing.T) {
	asn, cc := goodFixture().tarballs(t)
	_, st, err := Parse(asn, cc, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []FileStats{
		{"asn-1.2.3.tgz", memberASN4, 5, 0, 0},
		{"asn-1.2.3.tgz", memberASN6, 2, 0, 0},
		{"country-1.2.3.tgz", memberCountry4, 7, 2, 0},
		{"country-1.2.3.tgz", memberCountry6, 2, 1, 0},
	}
	for i := range want {
		if st.Files[i] != want[i] {
			t.Errorf("Files[%d] = %+v, want %+v", i, st.Files[i], want[i])
		}
	}
	if st.V4 != 9 || st.V6 != 4 || st.NoCountry4 != 1 || st.NoCountry6 != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestParseAllocFreeLookup(t *testing.T) {
	tbl := mustParse(t, goodFixture())
	a4, a6 := netip.MustParseAddr("1.0.5.7"), netip.MustParseAddr("2001:db9:1::5")
	n := testing.AllocsPerRun(100, func() {
		r, _ := tbl.Lookup(a4)
		s, _ := tbl.Lookup(a6)
		sinkRoute = r
		sinkRoute = s
	})
	if n != 0 {
		t.Errorf("Lookup allocates %v times per call", n)
	}
}

var sinkRoute Route
