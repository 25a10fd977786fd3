// Package ranges parses the published IP-range feeds of cloud providers
// into [Record] values, and compares snapshots of a feed.
//
// Each feed format has its own parser (aws.go, azure.go, ...). A parser
// reads one upstream file and returns every prefix it lists, keeping the
// metadata the feed carries (service, region, border group, scope,
// geofeed location, ASN). Parsers never touch the network or the store.
//
// # Confidence tiers
//
// Not every source is equally trustworthy. Records carry a [Tier]:
// official provider files first, then prefixes announced by a provider's
// ASN, then third-party classification lists, then derived lists that
// only repeat prefixes with no metadata.
package ranges

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/guard"
)

// Tier ranks how much a record can be trusted. Lower is better.
type Tier uint8

// The tiers, best first.
const (
	TierOfficial       Tier = iota // the provider's own published file
	TierASN                        // prefixes announced by the provider's ASN
	TierClassification             // a third party's ISP/cloud classification
	TierDerived                    // a third party's copy with no metadata
	// TierRouting is the routing tier under every feed: the AS that
	// announces a range, its holder and the range's registered country
	// (internal/routing), for every routed address.
	TierRouting
)

var tierNames = [...]string{"official", "asn", "classification", "derived", "routing"}

// String returns the tier's name as used in output and in the store.
func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return fmt.Sprintf("tier(%d)", t)
}

// ParseTier returns the tier named s.
func ParseTier(s string) (Tier, error) {
	for i, n := range tierNames {
		if n == s {
			return Tier(i), nil
		}
	}
	return 0, fmt.Errorf("unknown tier %q (want official, asn, classification, derived or routing)", s)
}

// Record is one prefix as one feed lists it, with the feed's metadata.
// Fields a feed does not have are empty.
type Record struct {
	Prefix    netip.Prefix
	Provider  string // provider key, e.g. "aws", "azure", "alibaba"
	Partition string // cloud partition, e.g. "aws-cn", "azure-china"
	// Services lists the services the feed names for this prefix, most
	// specific first (AWS "EC2" before "AMAZON"; Azure system services).
	Services []string
	Region   string // region code as the feed spells it, e.g. "cn-north-1"
	// Scope is the feed's finer placement or origin: AWS
	// network_border_group, the source ASNs of an ASN-expanded list
	// ("AS45102 AS134963"), the classification list ("metowolf:aliyun").
	// Google's scope is the Region; Azure leaves Scope empty so that the
	// tags listing one prefix merge.
	Scope       string
	Country     string // ISO 3166-1 alpha-2, from geofeeds
	Subdivision string // ISO 3166-2, from geofeeds
	City        string // from geofeeds
	ASN         uint32 // announcing ASN for ASN-derived and routing records
	// Holder is the name of the AS holder as the routing data gives it
	// (routing tier only).
	Holder string
}

// Snapshot is the parsed content of one feed at one point in time.
type Snapshot struct {
	Feed string // feed id, e.g. "aws"
	// UpstreamID is the feed's own version marker (AWS syncToken, Azure
	// changeNumber, ...). It is compared numerically when both sides are
	// numbers, to refuse updates that go backwards.
	UpstreamID   string
	UpstreamDate time.Time // the feed's own creation date; zero if it has none
	SHA256       string    // hex sha256 of the concatenated source files
	Fetched      time.Time // when cloudatlas read or downloaded it
	Source       string    // where it was read from: URL or file path(s)
	// Warnings describes records dropped while building the snapshot
	// (prefixes in private or documentation space). It is not stored.
	Warnings []string
	// Special lists the records of a provider's own (official tier) file
	// that lie in special-purpose address space. Such a file is refused
	// by the update guard; forced, the records are dropped
	// ([Snapshot.DropSpecial]). It is not stored.
	Special []guard.Finding
	Records []Record
}

// PrefixCount returns the number of distinct IPv4 and IPv6 prefixes.
func (s *Snapshot) PrefixCount() (v4, v6 int) {
	seen := make(map[netip.Prefix]struct{}, len(s.Records))
	for _, r := range s.Records {
		if _, ok := seen[r.Prefix]; ok {
			continue
		}
		seen[r.Prefix] = struct{}{}
		if r.Prefix.Addr().Is4() {
			v4++
		} else {
			v6++
		}
	}
	return v4, v6
}
