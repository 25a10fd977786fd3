package ranges

import "fmt"

// oracleFile is the layout of
// https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json.
type oracleFile struct {
	LastUpdated string         `json:"last_updated_timestamp"`
	Regions     []oracleRegion `json:"regions"`
}

type oracleRegion struct {
	Region string `json:"region"`
	CIDRs  []struct {
		CIDR string   `json:"cidr"`
		Tags []string `json:"tags"`
	} `json:"cidrs"`
}

// ParseOracle parses Oracle Cloud's public_ip_ranges.json. Each CIDR's
// region becomes the record's Region and its tags (OCI, OSN,
// OBJECT_STORAGE) its services. The last_updated_timestamp is both the
// upstream id and date.
func ParseOracle(name string, data []byte) (Parsed, error) {
	var f oracleFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	if f.LastUpdated == "" || f.Regions == nil {
		return Parsed{}, fmt.Errorf("%s: missing last_updated_timestamp or regions: not an Oracle public_ip_ranges.json", name)
	}
	updated, err := parseTime(name, "last_updated_timestamp", f.LastUpdated)
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{UpstreamID: f.LastUpdated, UpstreamDate: updated}
	for i, reg := range f.Regions {
		if reg.Region == "" {
			return Parsed{}, fmt.Errorf("%s: regions[%d].region: missing, want a region name", name, i)
		}
		for j, c := range reg.CIDRs {
			pfx, err := parsePrefix(name, fmt.Sprintf("regions[%d].cidrs[%d].cidr", i, j), c.CIDR)
			if err != nil {
				return Parsed{}, err
			}
			p.Records = append(p.Records, Record{Prefix: pfx, Region: reg.Region, Services: c.Tags})
		}
	}
	return p, nil
}
