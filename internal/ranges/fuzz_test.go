package ranges

import (
	"testing"
)

// fuzzParser fuzzes parse with the named fixtures as seeds, plus a few
// small inputs every parser must reject cleanly. It checks that parse
// does not panic and that every record it returns has a valid, masked
// prefix.
func fuzzParser(f *testing.F, parse ParseFunc, fixtures ...string) {
	for _, name := range fixtures {
		f.Add(name, readFixture(f, name))
	}
	for _, s := range []string{"", "{}", "[]", "null", "#\n", "192.0.2.0/24"} {
		f.Add(fixtures[0], []byte(s))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := parse(name, data)
		if err != nil {
			return
		}
		checkRecords(t, p.Records)
	})
}

func FuzzParseAWS(f *testing.F) { fuzzParser(f, ParseAWS, "aws.json") }

func FuzzParseGoogle(f *testing.F) { fuzzParser(f, ParseGoogle, "google-cloud.json", "goog.json") }

func FuzzParseAzure(f *testing.F) { fuzzParser(f, ParseAzure, "ServiceTags_China_20260720.json") }

func FuzzParseGitHub(f *testing.F) { fuzzParser(f, ParseGitHub, "github-meta.json") }

func FuzzParseOracle(f *testing.F) { fuzzParser(f, ParseOracle, "oracle.json") }

func FuzzParseList(f *testing.F) { fuzzParser(f, ParseList, "ips-v4.txt", "list-mixed.txt") }

func FuzzParseFastly(f *testing.F) { fuzzParser(f, ParseFastly, "fastly.json") }

func FuzzParseGeofeed(f *testing.F) {
	fuzzParser(f, ParseGeofeed, "geofeed-linode.csv", "geofeed-do.csv")
}

func FuzzParseIPVerse(f *testing.F) {
	fuzzParser(f, ParseIPVerse, "AS45102.aggregated.json", "AS38365.aggregated.json", "AS132591.aggregated.json")
}

func FuzzParseDisposable(f *testing.F) { fuzzParser(f, ParseDisposable, "disposable-alibaba.json") }

func FuzzParseMetowolf(f *testing.F) {
	fuzzParser(f, ParseMetowolf, "metowolf/aliyun.txt", "metowolf/volcengine.txt")
}

// FuzzResolveAzure checks that ResolveAzure does not panic and returns
// only download.microsoft.com links.
func FuzzResolveAzure(f *testing.F) {
	f.Add(readFixture(f, "azure-details.html"))
	f.Add([]byte("https://download.microsoft.com/download/ServiceTags_Public_20250101.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		link, err := ResolveAzure(page)
		if err == nil && !azureLink.MatchString(link) {
			t.Fatalf("link %q is not a Service Tags download link", link)
		}
	})
}
