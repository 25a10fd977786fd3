package export

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	a := netip.MustParseAddr
	var s spans
	s.add(a("10.0.0.0"), a("10.0.0.255"))
	s.add(a("10.0.2.0"), a("10.0.3.255"))
	s.add(a("255.255.255.0"), a("255.255.255.255"))
	cases := []struct{ lo, hi, want string }{
		{"9.0.0.0", "9.255.255.255", "9.0.0.0-9.255.255.255 no"},
		{"10.0.0.0", "10.0.0.255", "10.0.0.0-10.0.0.255 yes"},
		{"10.0.0.128", "10.0.0.191", "10.0.0.128-10.0.0.191 yes"},
		{"10.0.0.0", "10.0.3.255", "10.0.0.0-10.0.0.255 yes, 10.0.1.0-10.0.1.255 no, 10.0.2.0-10.0.3.255 yes"},
		{"8.0.0.0", "15.255.255.255", "8.0.0.0-9.255.255.255 no, 10.0.0.0-10.0.0.255 yes, 10.0.1.0-10.0.1.255 no, 10.0.2.0-10.0.3.255 yes, 10.0.4.0-15.255.255.255 no"},
		{"10.0.3.0", "10.0.7.255", "10.0.3.0-10.0.3.255 yes, 10.0.4.0-10.0.7.255 no"},
		{"255.255.0.0", "255.255.255.255", "255.255.0.0-255.255.254.255 no, 255.255.255.0-255.255.255.255 yes"},
		{"0.0.0.0", "0.0.0.0", "0.0.0.0-0.0.0.0 no"},
	}
	for _, c := range cases {
		var got []string
		err := s.split(a(c.lo), a(c.hi), func(lo, hi netip.Addr, routed bool) error {
			got = append(got, fmt.Sprintf("%v-%v %s", lo, hi, map[bool]string{true: "yes", false: "no"}[routed]))
			return nil
		})
		if err != nil || strings.Join(got, ", ") != c.want {
			t.Errorf("split %s-%s:\n got %s (%v)\nwant %s", c.lo, c.hi, strings.Join(got, ", "), err, c.want)
		}
	}
	var empty spans
	var got []string
	empty.split(a("2001:db8::"), a("2001:db8::ff"), func(lo, hi netip.Addr, routed bool) error {
		got = append(got, fmt.Sprint(lo, hi, routed))
		return nil
	})
	if strings.Join(got, "|") != "2001:db8:: 2001:db8::ff false" {
		t.Errorf("no routes: %v", got)
	}
}

func TestLastAddr(t *testing.T) {
	for p, want := range map[string]string{"10.0.0.0/8": "10.255.255.255", "0.0.0.0/0": "255.255.255.255",
		"1.2.3.4/32": "1.2.3.4", "2001:db8::/33": "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff", "::/0": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"} {
		if got := lastAddr(netip.MustParsePrefix(p)).String(); got != want {
			t.Errorf("lastAddr(%s) = %s, want %s", p, got, want)
		}
	}
}
