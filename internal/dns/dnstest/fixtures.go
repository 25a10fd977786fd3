package dnstest

import (
	"fmt"
	"strings"
	"time"
)

// Names of the standard fixtures (see [Fixtures]). The addresses are in
// ranges that the providers' own feeds attribute (52.80.0.1 to AWS
// cn-north-1, 40.73.0.1 to Azure China, 47.74.0.1 to Alibaba Cloud...),
// so tests of the whole join can use them.
const (
	// CNAME chain across three zones into Akamai's suffixes:
	// www.example.test -> example.test.edgekey.net -> e123.a.akamaiedge.net
	// -> 23.50.0.1 and 2600:1400::1.
	AkamaiChain = "www.example.test"
	// cdn.example.test -> d111abcdef8.cloudfront.net -> 13.224.0.1.
	CloudFront = "cdn.example.test"
	// A name under the AWS China S3 endpoint, with an A record 52.80.0.1.
	S3China = "bucket.s3.cn-north-1.amazonaws.com.cn"
	// app.example.cn -> app.chinacloudsites.cn -> 40.73.0.1 (Azure China).
	AzureChina = "app.example.cn"
	// shop.example.cn -> shop.example.cn.w.kunlunaq.com -> 47.74.0.1
	// (Alibaba Cloud CDN).
	AlibabaCDN = "shop.example.cn"
	// A name whose only address is 2606:4700::6810:1 (AAAA only).
	V6Only = "v6.example.test"
	// Any name under wild.example.test matches *.wild.example.test ->
	// 104.16.0.1.
	Wildcard = "anything.wild.example.test"
	// loop.example.test -> loop2.example.test -> loop.example.test.
	Loop = "loop.example.test"
	// A chain of 20 CNAMEs (deep0 -> deep1 -> ... -> deep20 -> A).
	Deep = "deep0.example.test"
	// No such name in example.test.
	NXDomain = "missing.example.test"
	// dangling.example.test -> gone.edgekey.net, which does not exist.
	Dangling = "dangling.example.test"
	// A name that exists with a TXT record only.
	NoAddress = "txt.example.test"
	// A name answered with SERVFAIL.
	ServFail = "broken.example.test"
	// A name answered with REFUSED.
	Refused = "refused.example.test"
	// A name answered after SlowDelay.
	Slow = "slow.example.test"
	// A name with 100 A records (192.0.2.0-99): the answer does not fit
	// in a UDP message and the client must ask again over TCP.
	Big = "big.example.test"
	// A name outside every fixture zone: the server refuses it.
	Outside = "example.invalid"
	// An internationalised name, 中国.example.test in ASCII, -> 192.0.2.53.
	IDN = "中国.example.test"
)

// SlowDelay is how long the server waits before answering [Slow].
const SlowDelay = 3 * time.Second

// Fixtures returns the standard fixture zones and behaviours.
func Fixtures() Config {
	return Config{
		Zones: []Zone{
			{Origin: "example.test", Records: exampleTest()},
			{Origin: "example.cn", Records: `
app     CNAME app.chinacloudsites.cn.
shop    CNAME shop.example.cn.w.kunlunaq.com.
`},
			{Origin: "edgekey.net", Records: `
example.test CNAME e123.a.akamaiedge.net.
`},
			{Origin: "akamaiedge.net", Records: `
e123.a  A    23.50.0.1
e123.a  AAAA 2600:1400::1
`},
			{Origin: "cloudfront.net", Records: `
d111abcdef8 A 13.224.0.1
`},
			{Origin: "amazonaws.com.cn", Records: `
bucket.s3.cn-north-1 A 52.80.0.1
`},
			{Origin: "chinacloudsites.cn", Records: `
app A 40.73.0.1
`},
			{Origin: "kunlunaq.com", Records: `
shop.example.cn.w A 47.74.0.1
`},
		},
		ServFail: []string{ServFail},
		Refused:  []string{Refused},
		Slow:     map[string]time.Duration{Slow: SlowDelay},
	}
}

func exampleTest() string {
	var b strings.Builder
	b.WriteString(`
www        CNAME example.test.edgekey.net.
cdn        CNAME d111abcdef8.cloudfront.net.
v6         AAAA  2606:4700::6810:1
*.wild     A     104.16.0.1
loop       CNAME loop2
loop2      CNAME loop
dangling   CNAME gone.edgekey.net.
txt        TXT   "no address here"
slow       A     192.0.2.80
xn--fiqs8s A     192.0.2.53
`)
	for i := range 20 {
		fmt.Fprintf(&b, "deep%d CNAME deep%d\n", i, i+1)
	}
	b.WriteString("deep20 A 192.0.2.20\n")
	for i := range 100 {
		fmt.Fprintf(&b, "big A 192.0.2.%d\n", i)
	}
	return b.String()
}
