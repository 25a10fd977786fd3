package routing

import "net/netip"

// specialBlock is address space that no autonomous system may announce on
// the public Internet: a block the IANA special-purpose registries mark as
// not globally reachable (RFC 6890 and its updates), multicast, or IPv6
// space outside 2000::/3 global unicast. except lists the sub-blocks
// that the registries mark globally reachable (or "N/A") inside it.
type specialBlock struct {
	prefix netip.Prefix
	what   string
	except []netip.Prefix
}

// specials is checked in order; the first block a range overlaps (outside
// its exceptions) is named in the error, so the narrower blocks come
// before the wide IPv6 reservations that contain them.
var specials = []specialBlock{
	{prefix: pfx("0.0.0.0/8"), what: `"this network" (RFC 791)`},
	{prefix: pfx("10.0.0.0/8"), what: "private use (RFC 1918)"},
	{prefix: pfx("100.64.0.0/10"), what: "shared address space (RFC 6598)"},
	{prefix: pfx("127.0.0.0/8"), what: "loopback (RFC 1122)"},
	{prefix: pfx("169.254.0.0/16"), what: "link local (RFC 3927)"},
	{prefix: pfx("172.16.0.0/12"), what: "private use (RFC 1918)"},
	{prefix: pfx("192.0.0.0/24"), what: "IETF protocol assignments (RFC 6890)",
		except: pfxs("192.0.0.9/32", "192.0.0.10/32")}, // PCP and TURN anycast
	{prefix: pfx("192.0.2.0/24"), what: "documentation (RFC 5737)"},
	{prefix: pfx("192.168.0.0/16"), what: "private use (RFC 1918)"},
	{prefix: pfx("198.18.0.0/15"), what: "benchmarking (RFC 2544)"},
	{prefix: pfx("198.51.100.0/24"), what: "documentation (RFC 5737)"},
	{prefix: pfx("203.0.113.0/24"), what: "documentation (RFC 5737)"},
	{prefix: pfx("224.0.0.0/4"), what: "multicast (RFC 5771)"},
	{prefix: pfx("240.0.0.0/4"), what: "reserved (RFC 1112), with limited broadcast (RFC 919)"},

	{prefix: pfx("::/128"), what: "unspecified address (RFC 4291)"},
	{prefix: pfx("::1/128"), what: "loopback (RFC 4291)"},
	{prefix: pfx("::ffff:0:0/96"), what: "IPv4-mapped (RFC 4291)"},
	{prefix: pfx("64:ff9b::/96"), what: "IPv4-IPv6 translation (RFC 6052)"},
	{prefix: pfx("64:ff9b:1::/48"), what: "local-use IPv4-IPv6 translation (RFC 8215)"},
	{prefix: pfx("100::/64"), what: "discard-only (RFC 6666)"},
	{prefix: pfx("2001:2::/48"), what: "benchmarking (RFC 5180)"},
	{prefix: pfx("2001::/23"), what: "IETF protocol assignments (RFC 2928)",
		except: pfxs(
			"2001::/32",       // Teredo (RFC 4380)
			"2001:1::1/128",   // PCP anycast (RFC 7723)
			"2001:1::2/128",   // TURN anycast (RFC 8155)
			"2001:1::3/128",   // DNS-SD SRP anycast (RFC 9665)
			"2001:3::/32",     // AMT (RFC 7450)
			"2001:4:112::/48", // AS112-v6 (RFC 7535)
			"2001:10::/28",    // deprecated ORCHID (RFC 4843)
			"2001:20::/28",    // ORCHIDv2 (RFC 7343)
			"2001:30::/28",    // drone remote ID (RFC 9374)
		)},
	{prefix: pfx("2001:db8::/32"), what: "documentation (RFC 3849)"},
	{prefix: pfx("3fff::/20"), what: "documentation (RFC 9637)"},
	{prefix: pfx("5f00::/16"), what: "segment routing SIDs (RFC 9602)"},
	{prefix: pfx("fc00::/7"), what: "unique local (RFC 4193)"},
	{prefix: pfx("fe80::/10"), what: "link local (RFC 4291)"},
	{prefix: pfx("ff00::/8"), what: "multicast (RFC 4291)"},
	{prefix: pfx("::/3"), what: "outside global unicast 2000::/3 (RFC 4291)"},
	{prefix: pfx("4000::/2"), what: "outside global unicast 2000::/3 (RFC 4291)"},
	{prefix: pfx("8000::/1"), what: "outside global unicast 2000::/3 (RFC 4291)"},
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = pfx(s)
	}
	return out
}

// bounds returns the first and last address of p as numbers.
func bounds(p netip.Prefix) (first, last u128) {
	first = keyOf(p.Masked().Addr())
	width := p.Addr().BitLen()
	return first, first.or(mask(width - p.Bits()))
}

// span is an inclusive range of address numbers.
type span struct{ first, last u128 }

// specialSpan is a specialBlock as numbers, for the per-row check.
type specialSpan struct {
	span
	v6     bool
	what   string
	except []span
}

var specialSpans = func() []specialSpan {
	out := make([]specialSpan, len(specials))
	for i, s := range specials {
		f, l := bounds(s.prefix)
		out[i] = specialSpan{span: span{f, l}, v6: s.prefix.Addr().Is6(), what: s.what}
		for _, e := range s.except {
			ef, el := bounds(e)
			out[i].except = append(out[i].except, span{ef, el})
		}
	}
	return out
}()

// specialUse returns what special-purpose block the range [first, last]
// of the family v6 reaches into, or "" when it lies wholly in space that
// may be announced.
func specialUse(first, last u128, v6 bool) string {
	for i := range specialSpans {
		s := &specialSpans[i]
		if s.v6 != v6 || last.less(s.first) || s.last.less(first) {
			continue
		}
		lo, hi := first, last
		if lo.less(s.first) {
			lo = s.first
		}
		if s.last.less(hi) {
			hi = s.last
		}
		if !covered(lo, hi, s.except) {
			return s.what
		}
	}
	return ""
}

// covered reports whether [lo, hi] lies wholly inside the union of the
// spans ss, which are sorted and do not overlap.
func covered(lo, hi u128, ss []span) bool {
	p := lo
	for _, e := range ss {
		ef, el := e.first, e.last
		if p.less(ef) {
			return false
		}
		if p.cmp(el) <= 0 {
			if !el.less(hi) {
				return true
			}
			p = el.next()
		}
	}
	return false
}
