package ranges

import (
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	google := `{"syncToken":"1","creationTime":"2025-07-24T19:16:28.78","prefixes":[%s]}`
	azure := `{"changeNumber":1,"cloud":"%s","values":[{"name":"AzureCloud.eastus","properties":{"region":"eastus","systemService":"","addressPrefixes":["%s"]}}]}`
	tests := []struct {
		name  string
		parse ParseFunc
		file  string
		data  string
		want  []string // substrings of the error
	}{
		{"aws empty", ParseAWS, "ip-ranges.json", "", []string{"ip-ranges.json", "empty file"}},
		{"google empty", ParseGoogle, "cloud.json", " \n", []string{"cloud.json", "empty file"}},
		{"google truncated", ParseGoogle, "cloud.json", `{"syncToken":"1","prefixes":[{"ipv4Pre`, []string{"cloud.json", "invalid JSON", "truncated"}},
		{"google wrong format", ParseGoogle, "cloud.json", `{"syncToken":"1","createDate":"2026-01-02-03-04-05","prefixes":[]}`, []string{"missing syncToken or creationTime"}},
		{"google bad date", ParseGoogle, "cloud.json", `{"syncToken":"1","creationTime":"yesterday"}`, []string{"creationTime", "yesterday", "want YYYY-MM-DD"}},
		{"google bad prefix", ParseGoogle, "cloud.json", sprintf(google, `{"ipv4Prefix":"192.0.2.0/24"},{"ipv6Prefix":"2001:db8::/333"}`), []string{"cloud.json", "prefixes[1].ipv6Prefix", "2001:db8::/333", "not a CIDR prefix"}},
		{"google both families", ParseGoogle, "cloud.json", sprintf(google, `{"ipv4Prefix":"192.0.2.0/24","ipv6Prefix":"2001:db8::/32"}`), []string{"prefixes[0]", "both"}},
		{"google no prefix", ParseGoogle, "cloud.json", sprintf(google, `{"scope":"us-east1"}`), []string{"prefixes[0]", "want ipv4Prefix or ipv6Prefix"}},
		{"google too broad", ParseGoogle, "cloud.json", sprintf(google, `{"ipv4Prefix":"0.0.0.0/0"}`), []string{"prefixes[0].ipv4Prefix", "shorter than /8"}},
		{"azure empty", ParseAzure, "ServiceTags_Public_20250101.json", "", []string{"ServiceTags_Public_20250101.json", "empty file"}},
		{"azure truncated", ParseAzure, "tags.json", `{"changeNumber":1,"cloud":"Public","values":[`, []string{"tags.json", "invalid JSON"}},
		{"azure wrong format", ParseAzure, "tags.json", `{"syncToken":"1","prefixes":[]}`, []string{"not an Azure Service Tags file"}},
		{"azure unknown cloud", ParseAzure, "tags.json", sprintf(azure, "AzureGermany", "192.0.2.0/24"), []string{`cloud "AzureGermany"`, "want Public, China or AzureGovernment"}},
		{"azure bad prefix", ParseAzure, "tags.json", sprintf(azure, "Public", "192.0.2.300/24"), []string{"tags.json", "values[0].properties.addressPrefixes[0]", "AzureCloud.eastus", "192.0.2.300/24"}},
		{"azure nameless tag", ParseAzure, "tags.json", `{"changeNumber":1,"cloud":"Public","values":[{"properties":{}}]}`, []string{"values[0].name", "missing"}},
		{"azure type error", ParseAzure, "tags.json", `{"changeNumber":"many","cloud":"Public","values":[]}`, []string{"tags.json", "changeNumber"}},
		{"github empty", ParseGitHub, "meta.json", "", []string{"meta.json", "empty file"}},
		{"github truncated", ParseGitHub, "meta.json", `{"hooks":["192.0.2.0/24"`, []string{"meta.json", "invalid JSON"}},
		{"github wrong format", ParseGitHub, "meta.json", `{"message":"API rate limit exceeded","documentation_url":"https://docs.github.com"}`, []string{"not a GitHub meta response"}},
		{"github not an object", ParseGitHub, "meta.json", `["192.0.2.0/24"]`, []string{"meta.json"}},
		{"github bad prefix", ParseGitHub, "meta.json", `{"hooks":["192.0.2.0/24"],"web":["192.0.2.0/24","github.com"]}`, []string{"meta.json", "web[1]", `"github.com" is not a CIDR prefix`}},
		{"github mixed list", ParseGitHub, "meta.json", `{"hooks":["192.0.2.0/24", 7]}`, []string{"meta.json", "hooks", "want a list of CIDR strings"}},
		{"oracle empty", ParseOracle, "oci.json", "", []string{"oci.json", "empty file"}},
		{"oracle truncated", ParseOracle, "oci.json", `{"last_updated_timestamp":"2025-07-21T07:13:25","regions":[{"region":"x","cidrs":[{"ci`, []string{"invalid JSON"}},
		{"oracle wrong format", ParseOracle, "oci.json", `{"addresses":[]}`, []string{"not an Oracle public_ip_ranges.json"}},
		{"oracle bad prefix", ParseOracle, "oci.json", `{"last_updated_timestamp":"2025-07-21T07:13:25","regions":[{"region":"x","cidrs":[{"cidr":"192.0.2.0/24"},{"cidr":"nope"}]}]}`, []string{"oci.json", "regions[0].cidrs[1].cidr", `"nope"`}},
		{"oracle regionless", ParseOracle, "oci.json", `{"last_updated_timestamp":"2025-07-21T07:13:25","regions":[{"cidrs":[]}]}`, []string{"regions[0].region", "missing"}},
		{"list empty", ParseList, "ips-v4", "\n\n", []string{"ips-v4", "empty file"}},
		{"list bad prefix", ParseList, "ips-v4", "192.0.2.0/24\n\n198.51.100.0/33\n", []string{"ips-v4", "line 3", "198.51.100.0/33"}},
		{"list html", ParseList, "ips-v6", "<!DOCTYPE html>\n<html>", []string{"ips-v6", "line 1", "not a CIDR prefix"}},
		{"list zoned address", ParseList, "ips-v6", "fe80::1%eth0\n", []string{"line 1", "zone"}},
		{"list json", ParseList, "ips-v6", `{"addresses":["192.0.2.0/24"]}`, []string{"line 1"}},
		{"fastly empty", ParseFastly, "fastly.json", "", []string{"fastly.json", "empty file"}},
		{"fastly truncated", ParseFastly, "fastly.json", `{"addresses":["192.0.2.0/24"`, []string{"invalid JSON"}},
		{"fastly wrong format", ParseFastly, "fastly.json", `{"prefixes":["192.0.2.0/24"]}`, []string{"not a Fastly public-ip-list"}},
		{"fastly bad prefix", ParseFastly, "fastly.json", `{"addresses":["192.0.2.0/24"],"ipv6_addresses":["2001:db8::/32","2001:db8::/xx"]}`, []string{"ipv6_addresses[1]", "2001:db8::/xx"}},
		{"geofeed empty", ParseGeofeed, "geo.csv", "", []string{"geo.csv", "empty file"}},
		{"geofeed bad prefix", ParseGeofeed, "geo.csv", "# header\n192.0.2.0/24,US,US-CA,,\n192.0.2/24,US,,,\n", []string{"geo.csv", "line 3", "192.0.2/24"}},
		{"geofeed bad country", ParseGeofeed, "geo.csv", "192.0.2.0/24,USA,US-CA,,\n", []string{"geo.csv", "line 1", `country "USA"`, "alpha-2"}},
		{"geofeed digit country", ParseGeofeed, "geo.csv", "192.0.2.0/24,U1,,,\n", []string{"line 1", `country "U1"`}},
		{"geofeed too many fields", ParseGeofeed, "geo.csv", "192.0.2.0/24,US,US-CA,LA,90001,extra\n", []string{"line 1", "6 fields", "at most 5"}},
		{"geofeed json", ParseGeofeed, "geo.csv", `{"addresses":[]}`, []string{"line 1", "not a CIDR prefix"}},
		{"ipverse empty", ParseIPVerse, "AS1.json", "", []string{"AS1.json", "empty file"}},
		{"ipverse truncated", ParseIPVerse, "AS1.json", `{"asn": 45102, "prefixes": {"ipv4": [`, []string{"invalid JSON"}},
		{"ipverse wrong format", ParseIPVerse, "AS1.json", `{"provider":"Alibaba","ipv4":[]}`, []string{"not an ipverse aggregated.json"}},
		{"ipverse unknown asn", ParseIPVerse, "AS1.json", `{"asn":15169,"subnets":{"ipv4":["192.0.2.0/24"],"ipv6":[]}}`, []string{"AS1.json", "asn 15169", "not the ASN of a known cloud"}},
		{"ipverse bad prefix", ParseIPVerse, "AS1.json", `{"asn":45102,"prefixes":{"ipv4":["192.0.2.0/24"],"ipv6":["2001:db8::/200"]}}`, []string{"prefixes.ipv6[0]", "2001:db8::/200"}},
		{"ipverse old bad prefix", ParseIPVerse, "AS1.json", `{"asn":45102,"subnets":{"ipv4":["x"]}}`, []string{"subnets.ipv4[0]", `"x"`}},
		{"disposable empty", ParseDisposable, "alibaba.json", "", []string{"alibaba.json", "empty file"}},
		{"disposable truncated", ParseDisposable, "alibaba.json", `{"provider":"Alibaba","ipv4":["1.`, []string{"invalid JSON"}},
		{"disposable wrong format", ParseDisposable, "alibaba.json", `{"asn":45102}`, []string{"not a disposable/cloud-ip-ranges list"}},
		{"disposable unknown provider", ParseDisposable, "x.json", `{"provider":"Hetzner","source":"AS24940","last_update":"2025-07-04T01:25:02","ipv4":[]}`, []string{`provider "Hetzner"`, `"Alibaba"`}},
		{"disposable bad source", ParseDisposable, "x.json", `{"provider":"Tencent","source":"AS45090, hackertarget","last_update":"2025-07-04T01:25:02","ipv4":[]}`, []string{"source", `"hackertarget" is not an ASN`}},
		{"disposable bad date", ParseDisposable, "x.json", `{"provider":"Tencent","source":"AS45090","last_update":"July","ipv4":[]}`, []string{"last_update", `"July"`}},
		{"disposable bad prefix", ParseDisposable, "x.json", `{"provider":"UCloud","source":"AS59077","last_update":"2025-07-04T01:25:02","ipv4":["192.0.2.0/24"],"ipv6":["::1/0"]}`, []string{"x.json", "ipv6[0]", "shorter than /16"}},
		{"metowolf unknown list", ParseMetowolf, "data/isp/cernet.txt", "192.0.2.0/24\n", []string{"cernet.txt", `unknown metowolf list "cernet"`}},
		{"metowolf empty", ParseMetowolf, "data/isp/aliyun.txt", "", []string{"aliyun.txt", "empty file"}},
		{"metowolf bad prefix", ParseMetowolf, "data/isp/aliyun.txt", "192.0.2.0/24\n8.8.8.8/8x\n", []string{"aliyun.txt", "line 2", "8.8.8.8/8x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.parse(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatalf("no error; parsed %d records", len(p.Records))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
