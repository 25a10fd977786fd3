// Package hostname validates host names and converts them to the ASCII
// form the DNS carries (IDNA, UTS #46 lookup mapping, via
// golang.org/x/net/idna). It does no I/O.
package hostname

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits of a name on the wire (RFC 1035 section 2.3.4), written here
// without the final dot: 255 octets on the wire are 253 characters of
// text.
const (
	MaxLength      = 253
	MaxLabelLength = 63
)

// maxInput bounds the input handed to the IDNA mapping: four bytes per
// character of the longest name, so no valid name is refused.
const maxInput = 4 * MaxLength

// Name is a valid host name.
type Name struct {
	// Input is the name as given, trimmed of spaces.
	Input string
	// ASCII is the lower-case ASCII (Punycode) form without a final dot,
	// e.g. "xn--fiqs8s.cn" for "中国.cn".
	ASCII string
}

// Error says what is wrong with a name. It names the name as given.
type Error struct {
	Name   string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("host name %q: %s", e.Name, e.Reason)
}

// profile maps and validates like a browser's lookup (lower-casing, width
// and NFC mapping, Bidi rule). STD3 rules are off here because the ASCII
// result is checked by [checkASCII], which allows the underscore that
// real DNS names (and some CNAME targets) carry.
var profile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false), idna.StrictDomainName(false))

// Parse validates s as a host name and returns its ASCII form. A final
// dot is allowed and dropped. The error is an [*Error] that names s.
func Parse(s string) (Name, error) {
	in := strings.TrimSpace(s)
	fail := func(format string, args ...any) (Name, error) {
		return Name{}, &Error{Name: in, Reason: fmt.Sprintf(format, args...)}
	}
	if in == "" {
		return fail("empty")
	}
	if len(in) > maxInput {
		return fail("%d bytes, far longer than a name may be", len(in))
	}
	if !utf8.ValidString(in) {
		return fail("not valid UTF-8")
	}
	name := strings.TrimSuffix(in, ".")
	if name == "" || strings.HasPrefix(name, ".") || strings.Contains(name, "..") {
		return fail("empty label")
	}
	ascii := strings.ToLower(name)
	if !isASCII(name) || strings.Contains(ascii, "xn--") {
		var err error
		if ascii, err = profile.ToASCII(name); err != nil {
			return fail("not a valid internationalised name: %v", err)
		}
	}
	if reason := checkASCII(ascii); reason != "" {
		return fail("%s", reason)
	}
	return Name{Input: in, ASCII: ascii}, nil
}

// MustParse is Parse for names known to be valid, such as constants in
// tests; it panics on an invalid name.
func MustParse(s string) Name {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

// checkASCII returns what is wrong with a lower-case ASCII name, or "".
func checkASCII(name string) string {
	if len(name) > MaxLength {
		return fmt.Sprintf("%d characters, longer than the %d a name may have", len(name), MaxLength)
	}
	labels := strings.Split(name, ".")
	for i, l := range labels {
		if reason := checkLabel(l); reason != "" {
			return fmt.Sprintf("label %d (%q): %s", i+1, l, reason)
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return "the last label is all digits: an IP address, not a host name"
	}
	return ""
}

// checkLabel returns what is wrong with one lower-case ASCII label, or "".
func checkLabel(l string) string {
	switch {
	case l == "":
		return "empty"
	case len(l) > MaxLabelLength:
		return fmt.Sprintf("%d characters, longer than the %d a label may have", len(l), MaxLabelLength)
	case l[0] == '-' || l[len(l)-1] == '-':
		return "starts or ends with a hyphen"
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !isLabelByte(c) {
			return fmt.Sprintf("character %q is not a letter, digit, hyphen or underscore", c)
		}
	}
	return ""
}

func isLabelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Unicode returns the display (Unicode) form of an ASCII name, or the
// name itself when a label is not valid Punycode.
func Unicode(ascii string) string {
	u, err := idna.Display.ToUnicode(ascii)
	if err != nil {
		return ascii
	}
	return u
}
