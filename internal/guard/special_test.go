package guard

import (
	"net/netip"
	"strings"
	"testing"
)

func TestSpecial(t *testing.T) {
	tests := []struct {
		prefix string
		want   string // "" when ordinary public space
	}{
		{"52.80.0.0/16", ""},
		{"100.64.0.0/10", "100.64.0.0/10: inside shared address space (RFC 6598)"},
		{"100.127.255.0/24", "inside shared address space (RFC 6598)"},
		{"100.0.0.0/8", "100.0.0.0/8: covers 100.64.0.0/10, shared address space (RFC 6598)"},
		{"100.128.0.0/9", ""},
		{"10.1.0.0/16", "private-use space (RFC 1918)"},
		{"172.31.0.0/16", "private-use space (RFC 1918)"},
		{"172.32.0.0/16", ""},
		{"192.168.1.0/24", "private-use space (RFC 1918)"},
		{"127.0.0.1/32", "loopback space (RFC 1122)"},
		{"169.254.169.254/32", "link-local space (RFC 3927)"},
		{"0.0.0.0/0", "0.0.0.0/0: covers 0.0.0.0/8, this-network space (RFC 791)"},
		{"192.0.2.0/24", "documentation space (RFC 5737)"},
		{"198.18.0.0/15", "benchmarking space (RFC 2544)"},
		{"198.20.0.0/16", ""},
		{"224.0.0.0/4", "multicast space (RFC 5771)"},
		{"240.0.0.0/4", "reserved space (RFC 1112)"},
		{"255.255.255.255/32", "limited broadcast address (RFC 919)"},
		{"192.0.0.0/29", "IETF protocol assignment space (RFC 6890)"},
		{"192.0.0.9/32", ""}, // PCP anycast: globally reachable
		{"192.0.0.8/31", "IETF protocol assignment space (RFC 6890)"},
		{"::/128", "unspecified address (RFC 4291)"},
		{"::1/128", "loopback address (RFC 4291)"},
		{"::ffff:0:0/96", "IPv4-mapped space (RFC 4291)"},
		{"64:ff9b:1::/48", "local-use translation space (RFC 8215)"},
		{"100::/64", "discard-only space (RFC 6666)"},
		{"2001::/32", "IETF protocol assignment space (RFC 2928)"},
		{"2001:2::/48", "IETF protocol assignment space (RFC 2928)"},
		{"2001:4:112::/48", ""}, // AS112-v6: globally reachable
		{"2001:20::/28", ""},    // ORCHIDv2: globally reachable
		{"2001:200::/23", ""},   // ordinary space just past the block
		{"2001:db8::/32", "documentation space (RFC 3849)"},
		{"3fff::/20", "documentation space (RFC 9637)"},
		{"fc00::/7", "unique-local space (RFC 4193)"},
		{"fd12:3456::/32", "unique-local space (RFC 4193)"},
		{"fe80::/10", "link-local space (RFC 4291)"},
		{"ff02::1/128", "multicast space (RFC 4291)"},
		{"2600:1f00::/24", ""},
		{"2000::/3", "covers"},
	}
	for _, tt := range tests {
		f, ok := Special(netip.MustParsePrefix(tt.prefix))
		if tt.want == "" {
			if ok {
				t.Errorf("%s: special (%v), want ordinary", tt.prefix, f)
			}
			continue
		}
		if !ok || !strings.Contains(f.String(), tt.want) {
			t.Errorf("%s: got %q (special %v), want %q", tt.prefix, f, ok, tt.want)
		}
	}
}

func TestSpecialRefusalNamesTheFileAndCounts(t *testing.T) {
	var fs []Finding
	for _, p := range []string{"100.64.0.0/10", "10.0.0.0/8", "192.168.0.0/16", "fe80::/10"} {
		f, _ := Special(netip.MustParsePrefix(p))
		f.File = "/data/aws/ip-ranges.json"
		fs = append(fs, f)
	}
	other, _ := Special(netip.MustParsePrefix("127.0.0.0/8"))
	other.File = "/data/cloudflare/ips-v6.txt"
	r := SpecialRefusal(append(fs, other))
	want := "/data/aws/ip-ranges.json: lists 4 prefix(es) in special-purpose address space, which no provider can hold: " +
		"100.64.0.0/10: inside shared address space (RFC 6598); 10.0.0.0/8: inside private-use space (RFC 1918); " +
		"192.168.0.0/16: inside private-use space (RFC 1918); and 1 more (other files of the feed list 1 more): refusing; use --force to accept"
	if r == nil || r.Reason != SpecialPurpose || r.Error() != want {
		t.Fatalf("got  %v\nwant %s", r, want)
	}
	if SpecialRefusal(nil) != nil {
		t.Fatal("no findings must not refuse")
	}
}

// FuzzSpecial checks Special on arbitrary prefixes: no panic, and a
// finding always overlaps the block it names.
func FuzzSpecial(f *testing.F) {
	f.Add([]byte{100, 64, 0, 0}, uint8(10))
	f.Add([]byte{0x20, 0x01, 0, 0, 0, 4, 1, 0x12, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(48))
	f.Fuzz(func(t *testing.T, b []byte, bits uint8) {
		a, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		p, err := a.Prefix(int(bits) % (a.BitLen() + 1))
		if err != nil {
			return
		}
		if fd, ok := Special(p); ok && !fd.Block.Overlaps(p) {
			t.Fatalf("%s: finding %v does not overlap its block", p, fd)
		}
	})
}
