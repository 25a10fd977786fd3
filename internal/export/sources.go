package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
)

// feedTerms names, for each feed id of ranges.Feeds, who publishes the
// feed and on what terms, as docs/data-sources.md (section 1) records
// them. A test checks that every feed has an entry.
var feedTerms = map[string]string{
	"aws":             "Amazon Web Services ip-ranges.json, published for public use",
	"google-cloud":    "Google cloud.json, published for public use",
	"google":          "Google goog.json, published for public use",
	"azure-public":    "Microsoft Azure Service Tags (public cloud), Microsoft download-centre terms",
	"azure-china":     "Microsoft Azure Service Tags (China cloud), Microsoft download-centre terms",
	"azure-gov":       "Microsoft Azure Service Tags (US Government cloud), Microsoft download-centre terms",
	"github":          "GitHub meta API, GitHub API terms",
	"oracle":          "Oracle Cloud public_ip_ranges.json, published for public use",
	"cloudflare":      "Cloudflare ips-v4 and ips-v6, published for public use",
	"fastly":          "Fastly public-ip-list, published for public use",
	"digitalocean":    "DigitalOcean geofeed (RFC 8805), published for public use",
	"linode":          "Akamai (Linode) geofeed (RFC 8805), published for public use",
	"china-asn":       "ipverse as-ip-blocks (BGP and RIR data), CC0 1.0",
	"china-asn-lists": "disposable/cloud-ip-ranges, a third-party list with no licence stated",
	"china-isp":       "metowolf/iplist, a third-party classification with no licence stated",
	"vultr":           "lord-alfred/ipranges, a third-party copy of Vultr's geofeed with no licence stated",
}

// description returns the metadata description of an export as of day:
// what it holds, each feed snapshot with its publisher and terms, the
// routing snapshot with the credit its licence asks for, and the atlas.
func description(day time.Time, feeds []*lpm.Source, rt *answer.Routes) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cloudatlas: for every address of the loaded cloud range feeds and of the routing tier, "+
		"the first match of \"cloudatlas lookup\" (provider, region, ASN, country...) with its operators and "+
		"jurisdictions as of %s; rules in docs/export.md.", answer.Day(day))
	if len(feeds) > 0 {
		b.WriteString(" Feeds:")
		for i, s := range feeds {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s snapshot %d", s.Feed, s.SnapshotID)
			switch {
			case s.UpstreamID != "" && !s.UpstreamDate.IsZero():
				fmt.Fprintf(&b, " (upstream %s of %s)", s.UpstreamID, answer.Day(s.UpstreamDate))
			case s.UpstreamID != "":
				fmt.Fprintf(&b, " (upstream %s)", s.UpstreamID)
			case !s.UpstreamDate.IsZero():
				fmt.Fprintf(&b, " (of %s)", answer.Day(s.UpstreamDate))
			}
			terms := feedTerms[s.Feed]
			if terms == "" {
				terms = "terms in docs/data-sources.md"
			}
			fmt.Fprintf(&b, ", from %s", terms)
		}
		b.WriteString(".")
	}
	if rt != nil {
		m := rt.Table.Meta()
		fmt.Fprintf(&b, " Routing tier: routing snapshot %d (@ip-location-db/asn %s, @ip-location-db/geo-whois-asn-country %s). %s",
			rt.Source.SnapshotID, m.ASNVersion, m.CountryVersion, answer.RoutingCredit)
	}
	b.WriteString(" Operators and jurisdictions: the cloudatlas atlas, every fact with its sources (cloudatlas whois).")
	return b.String()
}
