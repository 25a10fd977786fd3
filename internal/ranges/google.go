package ranges

import (
	"fmt"
)

// googleFile is the layout of https://www.gstatic.com/ipranges/cloud.json
// and goog.json. goog.json lists no service and no scope.
type googleFile struct {
	SyncToken    string         `json:"syncToken"`
	CreationTime string         `json:"creationTime"`
	Prefixes     []googlePrefix `json:"prefixes"`
}

type googlePrefix struct {
	IPv4Prefix string `json:"ipv4Prefix"`
	IPv6Prefix string `json:"ipv6Prefix"`
	Service    string `json:"service"`
	Scope      string `json:"scope"`
}

// ParseGoogle parses Google's cloud.json (customer ranges, with a service
// and a scope per prefix) and goog.json (every Google prefix, with
// neither). The scope, a region such as "us-east1" or "global", becomes
// the record's Region; the service, when present, its only service.
func ParseGoogle(name string, data []byte) (Parsed, error) {
	var f googleFile
	if err := unmarshalStrict(name, data, &f); err != nil {
		return Parsed{}, err
	}
	if f.SyncToken == "" || f.CreationTime == "" {
		return Parsed{}, fmt.Errorf("%s: missing syncToken or creationTime: not a Google cloud.json or goog.json", name)
	}
	created, err := parseTime(name, "creationTime", f.CreationTime)
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{UpstreamID: f.SyncToken, UpstreamDate: created}
	p.Records = make([]Record, 0, len(f.Prefixes))
	for i, e := range f.Prefixes {
		r, err := e.record(name, i)
		if err != nil {
			return Parsed{}, err
		}
		p.Records = append(p.Records, r)
	}
	return p, nil
}

// record converts the i-th entry, which must hold exactly one of
// ipv4Prefix and ipv6Prefix.
func (e googlePrefix) record(name string, i int) (Record, error) {
	field, s := fmt.Sprintf("prefixes[%d].ipv4Prefix", i), e.IPv4Prefix
	switch {
	case e.IPv4Prefix != "" && e.IPv6Prefix != "":
		return Record{}, fmt.Errorf("%s: prefixes[%d]: has both ipv4Prefix and ipv6Prefix, want one", name, i)
	case e.IPv4Prefix == "" && e.IPv6Prefix == "":
		return Record{}, fmt.Errorf("%s: prefixes[%d]: want ipv4Prefix or ipv6Prefix", name, i)
	case e.IPv6Prefix != "":
		field, s = fmt.Sprintf("prefixes[%d].ipv6Prefix", i), e.IPv6Prefix
	}
	pfx, err := parsePrefix(name, field, s)
	if err != nil {
		return Record{}, err
	}
	r := Record{Prefix: pfx, Region: e.Scope}
	if e.Service != "" {
		r.Services = []string{e.Service}
	}
	return r, nil
}
