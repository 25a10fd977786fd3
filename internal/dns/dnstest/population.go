package dnstest

import (
	"fmt"
	"strings"
)

// Population returns zones for n synthetic names and the names, in rank
// order: site<i>.pop.test and, for one name in ten, site<i>.pop.cn. The
// names cycle through ten shapes: CNAME chains into Akamai (two zones
// away), CloudFront and Alibaba Cloud CDN suffixes, direct addresses in
// AWS China, Cloudflare, Google, Fastly and Azure China ranges, a name
// in TEST-NET (no provider) and, every 20th name, a missing name
// (NXDOMAIN). It serves the benchmarks and share tests.
func Population(n int) (Config, []string) {
	var pop, popcn, edgekey, akamai, cloudfront, kunlun strings.Builder
	names := make([]string, 0, n)
	for i := range n {
		label := fmt.Sprintf("site%d", i)
		x := fmt.Sprintf("%d.%d", i/250%250, i%250+1)
		name := label + ".pop.test"
		switch i % 10 {
		case 0:
			fmt.Fprintf(&pop, "%s CNAME %s.edgekey.net.\n", label, label)
			fmt.Fprintf(&edgekey, "%s CNAME e%d.a.akamaiedge.net.\n", label, i)
			fmt.Fprintf(&akamai, "e%d.a A 23.50.%s\ne%d.a AAAA 2600:1400::%x\n", i, x, i, i)
		case 1:
			fmt.Fprintf(&pop, "%s CNAME d%d.cloudfront.net.\n", label, i)
			fmt.Fprintf(&cloudfront, "d%d A 13.224.%s\n", i, x)
		case 2:
			fmt.Fprintf(&pop, "%s A 104.16.%s\n", label, x)
		case 3:
			name = label + ".pop.cn"
			fmt.Fprintf(&popcn, "%s CNAME %s.pop.cn.w.kunlunaq.com.\n", label, label)
			fmt.Fprintf(&kunlun, "%s.pop.cn.w A 47.74.%s\n", label, x)
		case 4:
			fmt.Fprintf(&pop, "%s A 52.80.%s\n", label, x)
		case 5:
			fmt.Fprintf(&pop, "%s A 34.80.%s\n%s AAAA 2600:1900::%x\n", label, x, label, i)
		case 6:
			fmt.Fprintf(&pop, "%s A 151.101.%s\n", label, x)
		case 7:
			fmt.Fprintf(&pop, "%s A 40.73.%s\n", label, x)
		case 8:
			fmt.Fprintf(&pop, "%s A 192.0.2.%d\n", label, i%250+1)
		case 9:
			if i%20 != 9 {
				fmt.Fprintf(&pop, "%s A 52.80.%s\n", label, x)
			}
		}
		names = append(names, name)
	}
	cfg := Config{Zones: []Zone{
		{Origin: "pop.test", Records: pop.String()},
		{Origin: "pop.cn", Records: popcn.String()},
		{Origin: "edgekey.net", Records: edgekey.String()},
		{Origin: "akamaiedge.net", Records: akamai.String()},
		{Origin: "cloudfront.net", Records: cloudfront.String()},
		{Origin: "kunlunaq.com", Records: kunlun.String()},
	}}
	return cfg, names
}
