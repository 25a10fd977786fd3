package ranges

import "time"

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// Feeds lists every feed cloudatlas knows, in precedence order: when two
// feeds list the same prefix at the same tier, the one listed first here
// is reported first (cloud.json before goog.json, GitHub before Azure).
var Feeds = []Feed{
	{ID: "aws", Provider: "aws", Partition: "aws", Tier: TierOfficial, MaxAge: 2 * week,
		Description: "AWS ip-ranges.json: all partitions, region, service, network border group",
		Files:       []File{{Glob: "aws/ip-ranges*.json", URL: "https://ip-ranges.amazonaws.com/ip-ranges.json"}},
		Parse:       ParseAWS},
	{ID: "google-cloud", Provider: "google", Partition: "gcp", Tier: TierOfficial, MaxAge: 2 * week,
		Description: "Google Cloud cloud.json: customer-usable ranges by scope (region)",
		Files:       []File{{Glob: "google/cloud*.json", URL: "https://www.gstatic.com/ipranges/cloud.json"}},
		Parse:       ParseGoogle},
	{ID: "google", Provider: "google-services", Partition: "google-services", Tier: TierOfficial, MaxAge: 2 * week,
		// goog.json lists every range Google announces; less cloud.json's
		// (a more specific match from the google-cloud feed) they are
		// Google's own services: Search, Gmail, YouTube, Public DNS...
		Description: "Google goog.json: all Google-owned space; outside cloud.json, Google's own services, not Google Cloud",
		Files:       []File{{Glob: "google/goog*.json", URL: "https://www.gstatic.com/ipranges/goog.json"}},
		Parse:       ParseGoogle},
	{ID: "azure-public", Provider: "azure", Partition: "azure", Tier: TierOfficial, MaxAge: 3 * week,
		Description: "Azure Service Tags, public cloud",
		Files:       []File{{Glob: "azure/ServiceTags_Public_*.json", URL: "https://www.microsoft.com/en-us/download/details.aspx?id=56519"}},
		Parse:       ParseAzure, Resolve: ResolveAzure},
	{ID: "azure-china", Provider: "azure", Partition: "azure-china", Tier: TierOfficial, MaxAge: 3 * week,
		Description: "Azure Service Tags, China cloud operated by 21Vianet",
		Files:       []File{{Glob: "azure/ServiceTags_China_*.json", URL: "https://www.microsoft.com/en-us/download/details.aspx?id=57062"}},
		Parse:       ParseAzure, Resolve: ResolveAzure},
	{ID: "azure-gov", Provider: "azure", Partition: "azure-us-gov", Tier: TierOfficial, MaxAge: 3 * week,
		Description: "Azure Service Tags, US Government cloud",
		Files:       []File{{Glob: "azure/ServiceTags_AzureGovernment_*.json", URL: "https://www.microsoft.com/en-us/download/details.aspx?id=57063"}},
		Parse:       ParseAzure, Resolve: ResolveAzure},
	{ID: "github", Provider: "github", Partition: "github", Tier: TierOfficial, MaxAge: 2 * week,
		Description: "GitHub meta: ranges per GitHub service (many sit inside Azure)",
		Files:       []File{{Glob: "github/meta.json", URL: "https://api.github.com/meta"}},
		Parse:       ParseGitHub},
	{ID: "oracle", Provider: "oracle", Partition: "oci", Tier: TierOfficial, MaxAge: 2 * week,
		Description: "Oracle Cloud public_ip_ranges.json: region and tags",
		Files:       []File{{Glob: "oracle/public_ip_ranges.json", URL: "https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json"}},
		Parse:       ParseOracle},
	{ID: "cloudflare", Provider: "cloudflare", Partition: "cloudflare", Tier: TierOfficial, MaxAge: 8 * week,
		Description: "Cloudflare ips-v4 and ips-v6",
		Files: []File{
			{Glob: "cloudflare/ips-v4.txt", URL: "https://www.cloudflare.com/ips-v4"},
			{Glob: "cloudflare/ips-v6.txt", URL: "https://www.cloudflare.com/ips-v6"},
		},
		Parse: ParseList},
	{ID: "fastly", Provider: "fastly", Partition: "fastly", Tier: TierOfficial, MaxAge: 8 * week,
		Description: "Fastly public-ip-list",
		Files:       []File{{Glob: "fastly/public-ip-list.json", URL: "https://api.fastly.com/public-ip-list"}},
		Parse:       ParseFastly},
	{ID: "digitalocean", Provider: "digitalocean", Partition: "digitalocean", Tier: TierOfficial, MaxAge: 4 * week,
		Description: "DigitalOcean geofeed (RFC 8805): country, region, city",
		Files:       []File{{Glob: "digitalocean/google.csv", URL: "https://www.digitalocean.com/geo/google.csv"}},
		Parse:       ParseGeofeed},
	{ID: "linode", Provider: "linode", Partition: "linode", Tier: TierOfficial, MaxAge: 4 * week,
		Description: "Linode (Akamai) geofeed (RFC 8805): country, region, city",
		Files:       []File{{Glob: "linode/geoip.csv", URL: "https://geoip.linode.com/"}},
		Parse:       ParseGeofeed},
	{ID: "china-asn", Tier: TierASN, MaxAge: 8 * week, Multi: true,
		Description: "BGP-announced prefixes of the ASNs of Alibaba, Tencent, Huawei Cloud, Baidu and UCloud (ipverse)",
		Files:       ipverseFiles(),
		Parse:       ParseIPVerse},
	{ID: "china-asn-lists", Tier: TierASN, MaxAge: 8 * week, Multi: true,
		Description: "ASN-expanded prefix lists of Alibaba, Tencent, Huawei Cloud and UCloud (disposable/cloud-ip-ranges)",
		Files:       disposableFiles(),
		Parse:       ParseDisposable},
	{ID: "china-isp", Tier: TierClassification, MaxAge: 8 * week, Multi: true,
		Description: "IPv4 classification of Chinese clouds and carriers (metowolf/iplist)",
		Files:       metowolfFiles(),
		Parse:       ParseMetowolf},
	{ID: "vultr", Provider: "vultr", Partition: "vultr", Tier: TierDerived, MaxAge: 8 * week,
		Description: "Vultr prefixes from its geofeed, as collected by lord-alfred/ipranges (no official file)",
		Files: []File{
			{Glob: "derived/lord-alfred/vultr/ipv4.txt", URL: "https://raw.githubusercontent.com/lord-alfred/ipranges/main/vultr/ipv4.txt"},
			{Glob: "derived/lord-alfred/vultr/ipv6.txt", URL: "https://raw.githubusercontent.com/lord-alfred/ipranges/main/vultr/ipv6.txt"},
		},
		Parse: ParseList},
}
