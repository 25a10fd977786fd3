package ranges

import (
	"fmt"
	"net/netip"
)

// special lists address blocks that no provider can announce on the
// public Internet (RFC 6890 and the documentation ranges). A feed that
// lists a prefix inside one of them is wrong, and the record is dropped
// with a warning rather than reported as a cloud.
var special = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network (RFC 791)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private use (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback (RFC 1122)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link local (RFC 3927)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private use (RFC 1918)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation (RFC 5737)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private use (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation (RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation (RFC 5737)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast (RFC 5771)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (RFC 1112)"},
	{netip.MustParsePrefix("::/8"), "reserved IPv6 (RFC 4291)"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation (RFC 3849)"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (RFC 4193)"},
	{netip.MustParsePrefix("fe80::/10"), "link local (RFC 4291)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast (RFC 4291)"},
}

// specialUse returns what the special-purpose block containing p is, or
// "" when p is ordinary public address space.
func specialUse(p netip.Prefix) string {
	for _, s := range special {
		if s.prefix.Overlaps(p) && s.prefix.Bits() <= p.Bits() {
			return s.what
		}
	}
	return ""
}

// dropSpecial removes records inside special-purpose blocks and returns
// one warning per dropped record.
func dropSpecial(recs []Record) ([]Record, []string) {
	var warnings []string
	out := recs[:0]
	for _, r := range recs {
		if what := specialUse(r.Prefix); what != "" {
			warnings = append(warnings, fmt.Sprintf("dropped %s: inside %s space, not a cloud range", r.Prefix, what))
			continue
		}
		out = append(out, r)
	}
	return out, warnings
}
