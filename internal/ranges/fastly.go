package ranges

import "fmt"

// fastlyFile is the layout of https://api.fastly.com/public-ip-list.
type fastlyFile struct {
	Addresses     []string `json:"addresses"`
	IPv6Addresses []string `json:"ipv6_addresses"`
}

// ParseFastly parses Fastly's public-ip-list, which lists bare prefixes
// with no metadata and no date.
func ParseFastly(name string, data []byte) (Parsed, error) {
	var f fastlyFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	if f.Addresses == nil && f.IPv6Addresses == nil {
		return Parsed{}, fmt.Errorf("%s: missing addresses and ipv6_addresses: not a Fastly public-ip-list", name)
	}
	var p Parsed
	for _, l := range []struct {
		field string
		list  []string
	}{{"addresses", f.Addresses}, {"ipv6_addresses", f.IPv6Addresses}} {
		for i, s := range l.list {
			pfx, err := parsePrefix(name, fmt.Sprintf("%s[%d]", l.field, i), s)
			if err != nil {
				return Parsed{}, err
			}
			p.Records = append(p.Records, Record{Prefix: pfx})
		}
	}
	return p, nil
}
