package answer

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
)

// MaxInput is the longest input line, in bytes, that any surface
// accepts; a longer one is reported as bad and skipped.
const MaxInput = 64 << 10

// Query is one parsed input: an address, a CIDR prefix, or (from
// [ParseInput]) a host name.
type Query struct {
	Input  string       // the text as given, trimmed
	Addr   netip.Addr   // the address, or the first address of Prefix
	Prefix netip.Prefix // valid only for CIDR input
	Name   string       // a host name's lower-case ASCII form; then Addr is unset
}

// IsPrefix reports whether q is a CIDR query.
func (q Query) IsPrefix() bool { return q.Prefix.IsValid() }

// Parse parses an IP address or CIDR prefix, tolerating surrounding
// spaces and IPv4-mapped IPv6 forms. A prefix with host bits set is
// masked; a full-length prefix (/32, /128) is an address. A prefix that
// mixes IPv4-mapped and other IPv6 space is rejected, and so is an IPv6
// zone (fe80::1%eth0), which names an interface of the asking machine,
// not a place on the Internet. Errors are of kind [Invalid].
func Parse(s string) (Query, error) {
	s = strings.TrimSpace(s)
	q := Query{Input: s}
	if len(s) > MaxInput {
		return q, invalidf("input is %d bytes long; at most %d are read", len(s), MaxInput)
	}
	if strings.IndexByte(s, '%') >= 0 {
		return q, invalidf("%s: an IPv6 zone names an interface of this machine; give the address without %%zone", clip(s))
	}
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return q, errNotAddress
		}
		q.Addr = lpm.Normalize(a)
		return q, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return q, errNotAddress
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() {
		if bits < 96 {
			return q, invalidf("%s: an IPv4-mapped prefix must be /96 or longer", clip(s))
		}
		a, bits = a.Unmap(), bits-96
	}
	p = netip.PrefixFrom(a, bits).Masked()
	if bits == a.BitLen() {
		q.Addr = a
		return q, nil
	}
	q.Addr, q.Prefix = p.Addr(), p
	return q, nil
}

// errNotAddress is the error of an input that is neither an address nor
// a prefix. It is one value, so that a stream of bad lines allocates
// nothing for it.
var errNotAddress = &Error{Kind: Invalid, Msg: "not an IP address or CIDR prefix"}

// clip shortens text for an error message or the input cell of a bad
// line: a megabyte-long line must not flood a terminal or a response,
// and a stray binary blob must not reach them as control bytes or
// invalid UTF-8 (each becomes U+FFFD).
func clip(text string) string {
	const max = 80
	cut := len(text)
	if cut > max {
		cut = max
		for cut > 0 && !isRuneStart(text[cut]) {
			cut--
		}
	}
	out := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(text[:cut], "\uFFFD"))
	if cut < len(text) {
		out += "..."
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xc0 != 0x80 }
