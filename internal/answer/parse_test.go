package answer

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in, addr, prefix string
		bad              bool
	}{
		{in: "52.80.0.1", addr: "52.80.0.1"},
		{in: "  52.80.0.1\t", addr: "52.80.0.1"},
		{in: "::ffff:52.80.0.1", addr: "52.80.0.1"},
		{in: "fe80::1%eth0", bad: true},
		{in: "::ffff:1.0.0.0/95", bad: true},
		{in: "52.80.0.0/16", addr: "52.80.0.0", prefix: "52.80.0.0/16"},
		{in: "52.80.1.2/16", addr: "52.80.0.0", prefix: "52.80.0.0/16"},
		{in: "52.80.0.1/32", addr: "52.80.0.1"},
		{in: "::ffff:52.80.0.0/112", addr: "52.80.0.0", prefix: "52.80.0.0/16"},
		{in: "2600:1f00::/24", addr: "2600:1f00::", prefix: "2600:1f00::/24"},
		{in: "", bad: true},
		{in: "52.80.0", bad: true},
		{in: "52.80.0.0/33", bad: true},
		{in: "example.com", bad: true},
	}
	for _, c := range cases {
		q, err := Parse(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("Parse(%q) = %+v, want an error", c.in, q)
			}
			continue
		}
		if err != nil || q.Addr.String() != c.addr || (c.prefix != "" && q.Prefix.String() != c.prefix) || (c.prefix == "" && q.IsPrefix()) {
			t.Errorf("Parse(%q) = %v %v, %v; want %s %s", c.in, q.Addr, q.Prefix, err, c.addr, c.prefix)
		}
	}
}

// FuzzParse checks that any input line either fails cleanly or gives
// a normalized query that the lookup table accepts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"52.80.0.1", "::ffff:1.2.3.4", "10.0.0.0/8", "2001:db8::/32", "fe80::1%eth0",
		"::ffff:0.0.0.0/95", "1.2.3.4/0", "  7.7.7.7  ", "", "#", "1.2.3", "::/0", "300.1.1.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		if !q.Addr.IsValid() || q.Addr.Is4In6() || q.Addr.Zone() != "" {
			t.Fatalf("Parse(%q): address %v not normalized", s, q.Addr)
		}
		if q.IsPrefix() {
			if q.Prefix != q.Prefix.Masked() || q.Prefix.Addr() != q.Addr || q.Prefix.Bits() >= q.Addr.BitLen() {
				t.Fatalf("Parse(%q): prefix %v inconsistent with %v", s, q.Prefix, q.Addr)
			}
			if _, err := netip.ParsePrefix(q.Prefix.String()); err != nil {
				t.Fatalf("Parse(%q): prefix does not round-trip: %v", s, err)
			}
		}
	})
}

func TestFind(t *testing.T) {
	src := &lpm.Source{Feed: "f", Tier: ranges.TierOfficial}
	recs := []ranges.Record{
		{Prefix: netip.MustParsePrefix("10.0.0.0/8")},
		{Prefix: netip.MustParsePrefix("10.1.0.0/16")},
		{Prefix: netip.MustParsePrefix("10.1.2.0/24")},
		{Prefix: netip.MustParsePrefix("10.1.3.0/24")},
	}
	tbl := lpm.Build([]lpm.Set{{Source: src, Records: recs}})
	prefixes := func(fs []Found) (out []string) {
		for _, f := range fs {
			p := f.Record.Prefix.String()
			if f.Within {
				p += " within"
			}
			out = append(out, p)
		}
		return out
	}
	q, _ := Parse("10.1.2.3")
	if got := prefixes(Find(tbl, q, 0, nil)); !slices.Equal(got, []string{"10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8"}) {
		t.Errorf("address: %v", got)
	}
	q, _ = Parse("10.1.0.0/16")
	if got := prefixes(Find(tbl, q, 0, nil)); !slices.Equal(got, []string{"10.1.0.0/16", "10.0.0.0/8", "10.1.2.0/24 within", "10.1.3.0/24 within"}) {
		t.Errorf("prefix: %v", got)
	}
	if got := prefixes(Find(tbl, q, 1, nil)); !slices.Equal(got, []string{"10.1.0.0/16", "10.0.0.0/8", "10.1.2.0/24 within"}) {
		t.Errorf("prefix, limit 1: %v", got)
	}
	q, _ = Parse("192.0.2.1")
	if got := Find(tbl, q, 0, make([]Found, 3)); len(got) != 0 {
		t.Errorf("miss must reuse and empty the buffer: %v", got)
	}
}
