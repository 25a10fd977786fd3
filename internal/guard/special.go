package guard

import (
	"fmt"
	"net/netip"
	"strings"
)

// block is one special-purpose address block: space no provider can
// announce on the public Internet as its own. except lists the parts of
// the block that are globally reachable all the same.
type block struct {
	prefix netip.Prefix
	what   string
	except []netip.Prefix
}

// specialBlocks follows the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890 and later updates), plus multicast and the
// reserved IPv4 class E space. More specific blocks come first so that
// the message names the most precise one.
var specialBlocks = []block{
	{prefix: pfx("0.0.0.0/8"), what: "this-network space (RFC 791)"},
	{prefix: pfx("10.0.0.0/8"), what: "private-use space (RFC 1918)"},
	{prefix: pfx("100.64.0.0/10"), what: "shared address space (RFC 6598)"},
	{prefix: pfx("127.0.0.0/8"), what: "loopback space (RFC 1122)"},
	{prefix: pfx("169.254.0.0/16"), what: "link-local space (RFC 3927)"},
	{prefix: pfx("172.16.0.0/12"), what: "private-use space (RFC 1918)"},
	{prefix: pfx("192.0.0.0/24"), what: "IETF protocol assignment space (RFC 6890)",
		// PCP and TURN anycast are globally reachable.
		except: pfxs("192.0.0.9/32", "192.0.0.10/32")},
	{prefix: pfx("192.0.2.0/24"), what: "documentation space (RFC 5737)"},
	{prefix: pfx("192.168.0.0/16"), what: "private-use space (RFC 1918)"},
	{prefix: pfx("198.18.0.0/15"), what: "benchmarking space (RFC 2544)"},
	{prefix: pfx("198.51.100.0/24"), what: "documentation space (RFC 5737)"},
	{prefix: pfx("203.0.113.0/24"), what: "documentation space (RFC 5737)"},
	{prefix: pfx("224.0.0.0/4"), what: "multicast space (RFC 5771)"},
	{prefix: pfx("255.255.255.255/32"), what: "the limited broadcast address (RFC 919)"},
	{prefix: pfx("240.0.0.0/4"), what: "reserved space (RFC 1112)"},

	{prefix: pfx("::/128"), what: "the unspecified address (RFC 4291)"},
	{prefix: pfx("::1/128"), what: "the loopback address (RFC 4291)"},
	{prefix: pfx("::ffff:0:0/96"), what: "IPv4-mapped space (RFC 4291)"},
	{prefix: pfx("64:ff9b:1::/48"), what: "local-use translation space (RFC 8215)"},
	{prefix: pfx("::/8"), what: "reserved IPv6 space (RFC 4291)"},
	{prefix: pfx("100::/64"), what: "discard-only space (RFC 6666)"},
	{prefix: pfx("2001::/23"), what: "IETF protocol assignment space (RFC 2928)",
		// The assignments the registry marks globally reachable: PCP,
		// TURN and DNS-SD SRP anycast, AMT, AS112, ORCHIDv2, DRIP.
		except: pfxs("2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32",
			"2001:4:112::/48", "2001:20::/28", "2001:30::/28")},
	{prefix: pfx("2001:db8::/32"), what: "documentation space (RFC 3849)"},
	{prefix: pfx("2002::/16"), what: "6to4 space (RFC 3056)"},
	{prefix: pfx("3fff::/20"), what: "documentation space (RFC 9637)"},
	{prefix: pfx("5f00::/16"), what: "segment-routing SID space (RFC 9602)"},
	{prefix: pfx("fc00::/7"), what: "unique-local space (RFC 4193)"},
	{prefix: pfx("fe80::/10"), what: "link-local space (RFC 4291)"},
	{prefix: pfx("ff00::/8"), what: "multicast space (RFC 4291)"},
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = pfx(s)
	}
	return out
}

// Finding is one prefix of a feed that touches special-purpose space.
type Finding struct {
	File   string       // the file that lists it
	Prefix netip.Prefix // the prefix as listed
	Block  netip.Prefix // the special-purpose block it touches
	What   string       // what the block is, e.g. "private-use space (RFC 1918)"
}

// String describes the finding: the prefix lies in the block, or covers it.
func (f Finding) String() string {
	if f.Block.Bits() <= f.Prefix.Bits() {
		return fmt.Sprintf("%s: inside %s", f.Prefix, f.What)
	}
	return fmt.Sprintf("%s: covers %s, %s", f.Prefix, f.Block, f.What)
}

// Special reports whether p lies in, or covers, special-purpose address
// space, and which block: the most specific block that holds p, else the
// first block p covers. A prefix wholly inside one of a block's globally
// reachable exceptions is not special.
func Special(p netip.Prefix) (Finding, bool) {
	p = p.Masked()
	for _, b := range specialBlocks {
		if within(p, b.prefix) && !inAny(p, b.except) {
			return Finding{Prefix: p, Block: b.prefix, What: b.what}, true
		}
	}
	for _, b := range specialBlocks {
		if within(b.prefix, p) {
			return Finding{Prefix: p, Block: b.prefix, What: b.what}, true
		}
	}
	return Finding{}, false
}

// within reports whether prefix p lies inside prefix outer.
func within(p, outer netip.Prefix) bool {
	return outer.Bits() <= p.Bits() && outer.Contains(p.Addr())
}

func inAny(p netip.Prefix, blocks []netip.Prefix) bool {
	for _, e := range blocks {
		if within(p, e) {
			return true
		}
	}
	return false
}

// maxListed bounds how many findings a refusal spells out.
const maxListed = 3

// SpecialRefusal refuses a provider's file that lists special-purpose
// space, naming the first file with findings and its first few prefixes.
// It returns nil when there are no findings.
func SpecialRefusal(findings []Finding) *Refusal {
	if len(findings) == 0 {
		return nil
	}
	file := findings[0].File
	var listed []string
	n := 0
	for _, f := range findings {
		if f.File != file {
			continue
		}
		if n++; n <= maxListed {
			listed = append(listed, f.String())
		}
	}
	detail := fmt.Sprintf("lists %d prefix(es) in special-purpose address space, which no provider can hold: %s",
		n, strings.Join(listed, "; "))
	if n > maxListed {
		detail += fmt.Sprintf("; and %d more", n-maxListed)
	}
	if others := len(findings) - n; others > 0 {
		detail += fmt.Sprintf(" (other files of the feed list %d more)", others)
	}
	return &Refusal{Reason: SpecialPurpose, File: file, Detail: detail}
}
