package ranges

import (
	"fmt"
	"strings"
	"time"
)

// awsFile is the layout of https://ip-ranges.amazonaws.com/ip-ranges.json.
type awsFile struct {
	SyncToken    string      `json:"syncToken"`
	CreateDate   string      `json:"createDate"`
	Prefixes     []awsPrefix `json:"prefixes"`
	IPv6Prefixes []awsPrefix `json:"ipv6_prefixes"`
}

type awsPrefix struct {
	IPPrefix           string `json:"ip_prefix"`
	IPv6Prefix         string `json:"ipv6_prefix"`
	Region             string `json:"region"`
	Service            string `json:"service"`
	NetworkBorderGroup string `json:"network_border_group"`
}

// ParseAWS parses AWS ip-ranges.json. The partition follows the region:
// cn-* is aws-cn, us-gov-* is aws-us-gov, eusc-* is aws-eusc (the
// European Sovereign Cloud), anything else aws.
func ParseAWS(name string, data []byte) (Parsed, error) {
	var f awsFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	if f.SyncToken == "" || f.CreateDate == "" {
		return Parsed{}, fmt.Errorf("%s: missing syncToken or createDate: not an AWS ip-ranges.json", name)
	}
	created, err := time.Parse("2006-01-02-15-04-05", f.CreateDate)
	if err != nil {
		return Parsed{}, fmt.Errorf("%s: createDate %q: want YYYY-MM-DD-hh-mm-ss", name, f.CreateDate)
	}
	p := Parsed{UpstreamID: f.SyncToken, UpstreamDate: created}
	p.Records = make([]Record, 0, len(f.Prefixes)+len(f.IPv6Prefixes))
	for i, e := range f.Prefixes {
		r, err := e.record(name, fmt.Sprintf("prefixes[%d].ip_prefix", i), e.IPPrefix)
		if err != nil {
			return Parsed{}, err
		}
		p.Records = append(p.Records, r)
	}
	for i, e := range f.IPv6Prefixes {
		r, err := e.record(name, fmt.Sprintf("ipv6_prefixes[%d].ipv6_prefix", i), e.IPv6Prefix)
		if err != nil {
			return Parsed{}, err
		}
		p.Records = append(p.Records, r)
	}
	return p, nil
}

func (e awsPrefix) record(name, field, s string) (Record, error) {
	pfx, err := parsePrefix(name, field, s)
	if err != nil {
		return Record{}, err
	}
	return Record{
		Prefix:    pfx,
		Provider:  "aws",
		Partition: awsPartition(e.Region),
		Services:  []string{e.Service},
		Region:    e.Region,
		Scope:     e.NetworkBorderGroup,
	}, nil
}

func awsPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}
