package export

import (
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// Record is what the MMDB holds for an address: the fields of lookup's
// first match for it (the most specific feed range, else the routing
// match), its operators and jurisdictions as of the export's date, and
// how many ranges match it in all. The keys are those of lookup's JSON
// Lines; a key whose value is empty (an empty string or list, a zero
// ASN) is left out of the file. docs/export.md describes each key.
type Record struct {
	Provider      string   `maxminddb:"provider" json:"provider,omitempty"`
	Partition     string   `maxminddb:"partition" json:"partition,omitempty"`
	Region        string   `maxminddb:"region" json:"region,omitempty"`
	Scope         string   `maxminddb:"scope" json:"scope,omitempty"`
	Services      []string `maxminddb:"services" json:"services,omitempty"`
	Country       string   `maxminddb:"country" json:"country,omitempty"`
	Subdivision   string   `maxminddb:"subdivision" json:"subdivision,omitempty"`
	City          string   `maxminddb:"city" json:"city,omitempty"`
	ASN           uint32   `maxminddb:"asn" json:"asn,omitempty"`
	ASName        string   `maxminddb:"as_name" json:"as_name,omitempty"`
	Feed          string   `maxminddb:"feed" json:"feed"`
	Tier          string   `maxminddb:"tier" json:"tier"`
	Operator      []string `maxminddb:"operator" json:"operator,omitempty"`
	OperatorID    []string `maxminddb:"operator_id" json:"operator_id,omitempty"`
	Jurisdictions []string `maxminddb:"jurisdictions" json:"jurisdictions,omitempty"`
	// Matches counts every range that holds the address: the feed ranges
	// (this one and those around it) and the routing match, as lookup's
	// "matches" field does.
	Matches uint32 `maxminddb:"matches" json:"matches"`
}

// recordOf returns the record of the match f, with the operators and
// jurisdictions of its place answer pa (nil: none), read from the same
// fields as lookup's columns of the same names.
func recordOf(f *answer.Found, pa *answer.PlaceAnswer, matches int) Record {
	r := f.Record
	rec := Record{Provider: r.Provider, Partition: r.Partition, Region: r.Region, Scope: r.Scope,
		Services: r.Services, Country: r.Country, Subdivision: r.Subdivision, City: r.City,
		ASN: r.ASN, ASName: r.Holder, Feed: f.Source.Feed, Tier: f.Source.Tier.String(), Matches: uint32(matches)}
	if pa != nil {
		rec.Operator, rec.OperatorID, rec.Jurisdictions = pa.OperatorNames(), pa.OperatorIDs(), pa.Jurisdictions()
	}
	return rec
}

// value returns the record as an MMDB map, without its empty keys.
func (r Record) value() mmdbtype.Map {
	m := mmdbtype.Map{"feed": mmdbtype.String(r.Feed), "tier": mmdbtype.String(r.Tier),
		"matches": mmdbtype.Uint32(r.Matches)}
	for k, v := range map[mmdbtype.String]string{"provider": r.Provider, "partition": r.Partition,
		"region": r.Region, "scope": r.Scope, "country": r.Country, "subdivision": r.Subdivision,
		"city": r.City, "as_name": r.ASName} {
		if v != "" {
			m[k] = mmdbtype.String(v)
		}
	}
	for k, v := range map[mmdbtype.String][]string{"services": r.Services, "operator": r.Operator,
		"operator_id": r.OperatorID, "jurisdictions": r.Jurisdictions} {
		if len(v) > 0 {
			s := make(mmdbtype.Slice, len(v))
			for i, x := range v {
				s[i] = mmdbtype.String(x)
			}
			m[k] = s
		}
	}
	if r.ASN != 0 {
		m["asn"] = mmdbtype.Uint32(r.ASN)
	}
	return m
}
