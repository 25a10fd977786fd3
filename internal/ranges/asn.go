package ranges

import (
	"fmt"
	"strings"
)

// owner is a provider known by its ASNs or by the name that third-party
// lists give it.
type owner struct {
	Key       string   // provider key of its records
	Partition string   // partition of its records
	Name      string   // name in disposable/cloud-ip-ranges, compared case-insensitively
	ASNs      []uint32 // ASNs announcing its cloud's prefixes
}

// owners lists the providers that cloudatlas attributes by ASN. Each ASN
// belongs to one owner.
var owners = []owner{
	{Key: "alibaba", Partition: "alibaba-cloud", Name: "Alibaba", ASNs: []uint32{45102, 37963, 134963}},
	{Key: "tencent", Partition: "tencent-cloud", Name: "Tencent", ASNs: []uint32{45090, 132203, 133478, 132591}},
	{Key: "huawei", Partition: "huawei-cloud", Name: "Huawei Cloud", ASNs: []uint32{136907, 55990}},
	{Key: "baidu", Partition: "baidu-cloud", Name: "Baidu", ASNs: []uint32{38365, 55967}},
	{Key: "ucloud", Partition: "ucloud", Name: "UCloud", ASNs: []uint32{135377, 59077}},
}

// ownerOfASN returns the owner of asn.
func ownerOfASN(asn uint32) (*owner, bool) {
	for i := range owners {
		for _, a := range owners[i].ASNs {
			if a == asn {
				return &owners[i], true
			}
		}
	}
	return nil, false
}

// ownerNamed returns the owner whose list name is name, ignoring case.
func ownerNamed(name string) (*owner, bool) {
	for i := range owners {
		if strings.EqualFold(owners[i].Name, name) {
			return &owners[i], true
		}
	}
	return nil, false
}

// ownerNames lists the known owner names, for error messages.
func ownerNames() string {
	names := make([]string, len(owners))
	for i, o := range owners {
		names[i] = fmt.Sprintf("%q", o.Name)
	}
	return strings.Join(names, ", ")
}
