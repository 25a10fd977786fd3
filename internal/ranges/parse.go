package ranges

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
)

// unmarshalStrict decodes a JSON document into v, naming the file and the
// byte offset of a syntax error, and rejecting empty or truncated input.
func unmarshalStrict(name string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s: empty file", name)
	}
	if err := json.Unmarshal(data, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%s: invalid JSON at byte %d: %v (truncated download?)", name, se.Offset, se)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s: field %s: got JSON %s, want %s", name, te.Field, te.Value, te.Type)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// parsePrefix parses a CIDR prefix (or a bare address without a zone, as
// a host prefix), naming the file and field on error. IPv4-mapped IPv6
// prefixes are unmapped. It rejects prefixes shorter than /8
// for IPv4 and /16 for IPv6: no cloud feed lists such a block, and one
// slipping in would claim a large part of the Internet.
func parsePrefix(name, field, s string) (netip.Prefix, error) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil {
			return netip.Prefix{}, fmt.Errorf("%s: %s: %q is not a CIDR prefix", name, field, s)
		}
		if a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%s: %s: %q has an IPv6 zone, want a global prefix", name, field, s)
		}
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	if pfx.Addr().Is4In6() {
		if pfx.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("%s: %s: %q mixes IPv4-mapped and IPv6 space", name, field, s)
		}
		pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
	}
	if min := minBits(pfx); pfx.Bits() < min {
		return netip.Prefix{}, fmt.Errorf("%s: %s: prefix %s is shorter than /%d: refusing so broad a range", name, field, s, min)
	}
	return pfx.Masked(), nil
}

func minBits(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 8
	}
	return 16
}
