package atlas

import (
	"fmt"
	"strconv"
	"strings"
)

// asnRange is a block of AS numbers that no network may use on the public
// Internet, with the reason.
type asnRange struct {
	first, last uint32
	why         string
}

// reservedASNs are the blocks of the IANA "Special-Purpose AS Numbers"
// registry (RFC 7607, RFC 6793, RFC 5398, RFC 6996, RFC 7300).
var reservedASNs = []asnRange{
	{0, 0, "AS 0 is reserved (RFC 7607)"},
	{23456, 23456, "AS 23456 is AS_TRANS (RFC 6793)"},
	{64496, 64511, "AS 64496-64511 are for documentation (RFC 5398)"},
	{64512, 65534, "AS 64512-65534 are for private use (RFC 6996)"},
	{65535, 65535, "AS 65535 is reserved (RFC 7300)"},
	{65536, 65551, "AS 65536-65551 are for documentation (RFC 5398)"},
	{4200000000, 4294967294, "AS 4200000000-4294967294 are for private use (RFC 6996)"},
	{4294967295, 4294967295, "AS 4294967295 is reserved (RFC 7300)"},
}

// ParseASN parses the number of an autonomous system as an atlas id
// writes it (the part after "as/"): decimal digits without sign, prefix
// or leading zero, naming a public AS number (see [PublicASN]).
func ParseASN(s string) (uint32, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("AS number %q: want decimal digits only (as/20940, not as/AS20940)", s)
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("AS number %q: no leading zeros", s)
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("AS number %q: outside 0..4294967295", s)
	}
	if err := PublicASN(uint32(n)); err != nil {
		return 0, err
	}
	return uint32(n), nil
}

// PublicASN returns an error saying why asn cannot be a public AS
// number (reserved, private or for documentation), or nil.
func PublicASN(asn uint32) error {
	for _, r := range reservedASNs {
		if asn >= r.first && asn <= r.last {
			return fmt.Errorf("AS number %d is not a public ASN: %s", asn, r.why)
		}
	}
	return nil
}

// ASID returns the atlas id of an autonomous system: "as/<number>".
func ASID(asn uint32) string {
	return kindPrefix[KindAS] + strconv.FormatUint(uint64(asn), 10)
}

// asNumber checks that an as entity's id names a public AS number.
func (c *checker) asNumber(e *Entity) {
	num, ok := strings.CutPrefix(e.ID, kindPrefix[KindAS])
	if !ok || num == "" {
		return // the id prefix check reports it
	}
	if _, err := ParseASN(num); err != nil {
		c.at(e.Pos, e.fields, "id", "%v", err)
	}
}
