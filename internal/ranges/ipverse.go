package ranges

import (
	"encoding/json"
	"fmt"
)

// ipverseFile is the layout of ipverse/asn-ip as/<N>/aggregated.json in
// both of its generations: the newer one nests the handle under
// "metadata" and the lists under "prefixes", the older one has "handle"
// and "description" at the top and the lists under "subnets".
type ipverseFile struct {
	ASN      uint32          `json:"asn"`
	Metadata json.RawMessage `json:"metadata"`
	Prefixes *ipverseLists   `json:"prefixes"`
	Subnets  *ipverseLists   `json:"subnets"`
}

type ipverseLists struct {
	IPv4 []string `json:"ipv4"`
	IPv6 []string `json:"ipv6"`
}

// ParseIPVerse parses an ipverse/asn-ip aggregated.json, the prefixes
// that one ASN announces. The ASN must be one of [owners], which decides
// the provider and partition. An ASN that announces nothing gives no
// records and no error: the china-asn feed reads one file per ASN. The
// files carry no date.
func ParseIPVerse(name string, data []byte) (Parsed, error) {
	var f ipverseFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	lists, field := f.Prefixes, "prefixes"
	if lists == nil {
		lists, field = f.Subnets, "subnets"
	}
	if f.ASN == 0 || lists == nil {
		return Parsed{}, fmt.Errorf("%s: missing asn, or both prefixes and subnets: not an ipverse aggregated.json", name)
	}
	o, ok := ownerOfASN(f.ASN)
	if !ok {
		return Parsed{}, fmt.Errorf("%s: asn %d: not the ASN of a known cloud (see owners in asn.go)", name, f.ASN)
	}
	var p Parsed
	for _, l := range []struct {
		field string
		list  []string
	}{{field + ".ipv4", lists.IPv4}, {field + ".ipv6", lists.IPv6}} {
		for i, s := range l.list {
			pfx, err := parsePrefix(name, fmt.Sprintf("%s[%d]", l.field, i), s)
			if err != nil {
				return Parsed{}, err
			}
			p.Records = append(p.Records, Record{Prefix: pfx, Provider: o.Key, Partition: o.Partition, ASN: f.ASN})
		}
	}
	return p, nil
}

// ipverseFiles lists one file per ASN of [owners], each at its path in
// the shared layout and its ipverse URL.
func ipverseFiles() []File {
	var files []File
	for _, o := range owners {
		for _, asn := range o.ASNs {
			files = append(files, File{
				Glob: fmt.Sprintf("china-asn/ipverse/AS%d.aggregated.json", asn),
				URL:  fmt.Sprintf("https://raw.githubusercontent.com/ipverse/asn-ip/master/as/%d/aggregated.json", asn),
			})
		}
	}
	return files
}
