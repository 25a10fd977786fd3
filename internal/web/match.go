package web

import (
	"slices"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// matchJSON is one range match as the API returns it. The field names
// are those of the command line's JSON Lines output.
type matchJSON struct {
	Prefix       string   `json:"prefix"`
	Relation     string   `json:"relation"`
	Provider     string   `json:"provider"`
	Partition    string   `json:"partition"`
	Services     []string `json:"services"`
	Region       string   `json:"region,omitempty"`
	Scope        string   `json:"scope,omitempty"`
	Country      string   `json:"country,omitempty"`
	Subdivision  string   `json:"subdivision,omitempty"`
	City         string   `json:"city,omitempty"`
	ASN          uint32   `json:"asn,omitempty"`
	Feed         string   `json:"feed"`
	Tier         string   `json:"tier"`
	Snapshot     int64    `json:"snapshot"`
	UpstreamID   string   `json:"upstream_id,omitempty"`
	UpstreamDate string   `json:"upstream_date,omitempty"`
}

// matchToJSON describes f for the API.
func matchToJSON(f *found) matchJSON {
	r, src := f.Record, f.Source
	m := matchJSON{Prefix: r.Prefix.String(), Relation: "contains", Provider: r.Provider,
		Partition: r.Partition, Services: r.Services, Region: r.Region, Scope: r.Scope,
		Country: r.Country, Subdivision: r.Subdivision, City: r.City, ASN: r.ASN,
		Feed: src.Feed, Tier: src.Tier.String(), Snapshot: src.SnapshotID, UpstreamID: src.UpstreamID}
	if f.Within {
		m.Relation = "within"
	}
	if m.Services == nil {
		m.Services = []string{}
	}
	if !src.UpstreamDate.IsZero() {
		m.UpstreamDate = src.UpstreamDate.Format(time.DateOnly)
	}
	return m
}

// maxPlaces bounds how many distinct places one answer explains.
const maxPlaces = 8

// places returns the distinct places (provider, partition, region) of
// matches that name a provider, in match order.
func places(matches []found) []atlas.Place {
	var out []atlas.Place
	for i := range matches {
		r := matches[i].Record
		if r.Provider == "" {
			continue
		}
		p := atlas.Place{Provider: r.Provider, Partition: r.Partition, Region: r.Region}
		if !slices.Contains(out, p) {
			out = append(out, p)
			if len(out) == maxPlaces {
				break
			}
		}
	}
	return out
}
