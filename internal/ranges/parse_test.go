package ranges

import (
	"net/netip"
	"reflect"
	"testing"
	"time"
)

var pfx = netip.MustParsePrefix

func TestParsers(t *testing.T) {
	tests := []struct {
		name  string
		parse ParseFunc
		file  string
		want  Parsed
	}{
		{"aws", ParseAWS, "aws.json", Parsed{
			UpstreamID: "1700000000", UpstreamDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Records: []Record{
				{Prefix: pfx("192.0.2.0/24"), Provider: "aws", Partition: "aws", Services: []string{"AMAZON"}, Region: "us-east-1", Scope: "us-east-1"},
				{Prefix: pfx("192.0.2.0/24"), Provider: "aws", Partition: "aws", Services: []string{"EC2"}, Region: "us-east-1", Scope: "us-east-1"},
				{Prefix: pfx("198.51.100.0/25"), Provider: "aws", Partition: "aws-cn", Services: []string{"AMAZON"}, Region: "cn-north-1", Scope: "cn-north-1"},
				{Prefix: pfx("2001:db8:1::/48"), Provider: "aws", Partition: "aws-us-gov", Services: []string{"AMAZON"}, Region: "us-gov-west-1", Scope: "us-gov-west-1"},
			}}},
		{"google cloud.json", ParseGoogle, "google-cloud.json", Parsed{
			UpstreamID: "1753409788780", UpstreamDate: time.Date(2025, 7, 24, 19, 16, 28, 780563000, time.UTC),
			Records: []Record{
				{Prefix: pfx("192.0.2.0/24"), Services: []string{"Google Cloud"}, Region: "africa-south1"},
				{Prefix: pfx("2001:db8:8000::/44"), Services: []string{"Google Cloud"}, Region: "global"},
			}}},
		{"google goog.json", ParseGoogle, "goog.json", Parsed{
			UpstreamID: "1714053903689", UpstreamDate: time.Date(2024, 4, 25, 7, 5, 3, 689940000, time.UTC),
			Records: []Record{
				{Prefix: pfx("198.51.100.0/24")},
				{Prefix: pfx("2001:db8::/32")},
			}}},
		{"azure", ParseAzure, "ServiceTags_China_20260720.json", Parsed{
			UpstreamID: "405", UpstreamDate: time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC),
			Records: []Record{
				azureRec("192.0.2.0/24", "AzureCloud", "chinanorth2"),
				azureRec("2001:db8:7940::/48", "AzureCloud", "chinanorth2"),
				azureRec("192.0.2.0/24", "AzureStorage", "chinanorth2"),
				azureRec("192.0.2.0/24", "AzureStorage", ""),
				azureRec("198.51.100.16/28", "AzureStorage", ""),
				azureRec("203.0.113.0/26", "AzureFrontDoor", ""),
			}}},
		{"github", ParseGitHub, "github-meta.json", Parsed{
			Records: []Record{
				{Prefix: pfx("203.0.113.0/24"), Services: []string{"actions"}},
				{Prefix: pfx("192.0.2.0/24"), Services: []string{"hooks"}},
				{Prefix: pfx("2001:db8:3::/48"), Services: []string{"hooks"}},
				{Prefix: pfx("192.0.2.0/24"), Services: []string{"web"}},
				{Prefix: pfx("198.51.100.153/32"), Services: []string{"web"}},
			}}},
		{"oracle", ParseOracle, "oracle.json", Parsed{
			UpstreamID: "2025-07-21T07:13:25.457838", UpstreamDate: time.Date(2025, 7, 21, 7, 13, 25, 457838000, time.UTC),
			Records: []Record{
				{Prefix: pfx("192.0.2.0/24"), Services: []string{"OCI"}, Region: "us-ashburn-1"},
				{Prefix: pfx("198.51.100.0/26"), Services: []string{"OSN", "OBJECT_STORAGE"}, Region: "us-ashburn-1"},
				{Prefix: pfx("203.0.113.128/25"), Services: []string{"OCI"}, Region: "eu-frankfurt-1"},
			}}},
		{"list cloudflare", ParseList, "ips-v4.txt", Parsed{
			Records: []Record{{Prefix: pfx("192.0.2.0/24")}, {Prefix: pfx("198.51.100.0/22")}}}},
		{"list comments blanks CRLF bare address", ParseList, "list-mixed.txt", Parsed{
			Records: []Record{{Prefix: pfx("2001:db8::/32")}, {Prefix: pfx("2001:db8:ff00::/40")}, {Prefix: pfx("203.0.113.7/32")}}}},
		{"fastly", ParseFastly, "fastly.json", Parsed{
			Records: []Record{{Prefix: pfx("192.0.2.0/24")}, {Prefix: pfx("198.51.100.0/23")}, {Prefix: pfx("2001:db8:4e40::/48")}}}},
		{"geofeed linode", ParseGeofeed, "geofeed-linode.csv", Parsed{
			UpstreamDate: time.Date(2025, 7, 24, 10, 0, 6, 525037000, time.UTC),
			Records: []Record{
				{Prefix: pfx("2001:db8:3c00::/40"), Country: "US", Subdivision: "US-TX", City: "Richardson"},
				{Prefix: pfx("192.0.2.0/24"), Country: "DE", Subdivision: "DE-HE", City: "Frankfurt"},
				{Prefix: pfx("198.51.100.0/24")},
			}}},
		{"geofeed digitalocean", ParseGeofeed, "geofeed-do.csv", Parsed{
			Records: []Record{
				{Prefix: pfx("192.0.2.0/24"), Country: "NL", Subdivision: "NL-NH", City: "Amsterdam"},
				{Prefix: pfx("198.51.100.0/22"), Country: "US", Subdivision: "US-NJ", City: "North Bergen"},
				{Prefix: pfx("2001:db8:1::/48"), Country: "SG", Subdivision: "SG-01", City: "Singapore"},
			}}},
		{"ipverse new", ParseIPVerse, "AS45102.aggregated.json", Parsed{
			Records: []Record{
				{Prefix: pfx("47.74.0.0/15"), Provider: "alibaba", Partition: "alibaba-cloud", ASN: 45102},
				{Prefix: pfx("8.208.0.0/16"), Provider: "alibaba", Partition: "alibaba-cloud", ASN: 45102},
				{Prefix: pfx("2401:b180::/32"), Provider: "alibaba", Partition: "alibaba-cloud", ASN: 45102},
			}}},
		{"ipverse old", ParseIPVerse, "AS38365.aggregated.json", Parsed{
			Records: []Record{
				{Prefix: pfx("203.0.113.0/24"), Provider: "baidu", Partition: "baidu-cloud", ASN: 38365},
				{Prefix: pfx("2001:db8:bd::/48"), Provider: "baidu", Partition: "baidu-cloud", ASN: 38365},
			}}},
		{"ipverse announced-empty", ParseIPVerse, "AS132591.aggregated.json", Parsed{}},
		{"disposable", ParseDisposable, "disposable-alibaba.json", Parsed{
			UpstreamID: "2025-07-04T01:25:02.774376", UpstreamDate: time.Date(2025, 7, 4, 1, 25, 2, 774376000, time.UTC),
			Records: []Record{
				{Prefix: pfx("47.74.0.0/15"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "AS45102 AS134963"},
				{Prefix: pfx("47.74.0.0/16"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "AS45102 AS134963"},
				{Prefix: pfx("2401:b180::/32"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "AS45102 AS134963"},
			}}},
		{"metowolf aliyun", ParseMetowolf, "metowolf/aliyun.txt", Parsed{
			Records: []Record{
				{Prefix: pfx("192.0.2.0/24"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "metowolf:aliyun"},
				{Prefix: pfx("198.51.100.0/23"), Provider: "alibaba", Partition: "alibaba-cloud", Scope: "metowolf:aliyun"},
			}}},
		// The volcengine fixture has no final newline and an unmasked
		// prefix, which parsePrefix masks.
		{"metowolf volcengine", ParseMetowolf, "metowolf/volcengine.txt", Parsed{
			Records: []Record{
				{Prefix: pfx("203.0.112.0/23"), Provider: "volcengine", Partition: "volcengine", Scope: "metowolf:volcengine"},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse("testdata/"+tt.file, readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func azureRec(prefix, service, region string) Record {
	return Record{Prefix: pfx(prefix), Provider: "azure", Partition: "azure-china", Services: []string{service}, Region: region}
}
