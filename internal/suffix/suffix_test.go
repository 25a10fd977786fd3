package suffix

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func embedded(t testing.TB) *Table {
	t.Helper()
	tab, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestEmbeddedTableIsClean(t *testing.T) {
	tab := embedded(t)
	if n := len(tab.Entries); n < 60 {
		t.Errorf("%d entries, want at least 60", n)
	}
	known := map[string]bool{}
	for _, id := range []string{"provider/aws", "provider/azure", "provider/google", "provider/alibaba", "provider/tencent",
		"provider/huawei", "provider/baidu", "provider/cloudflare", "provider/fastly", "provider/github",
		"provider/digitalocean", "provider/salesforce"} {
		known[id] = true
	}
	if ps := CheckAtlas(tab, func(id string) bool { return known[id] }); len(ps) > 0 {
		t.Errorf("atlas ids: %v", ps)
	}
}

func TestMatch(t *testing.T) {
	tab := embedded(t)
	cases := []struct {
		// want: "suffix provider partition service-prefix region" (the
		// region may be empty), or "" for no match.
		name, want string
	}{
		{"d111abcdef8.cloudfront.net", "*.cloudfront.net aws aws Amazon CloudFront "},
		{"cloudfront.net", ""}, // *. matches only names below
		{"mybucket.s3.eu-central-1.amazonaws.com", "s3.{region}.amazonaws.com aws aws Amazon S3 eu-central-1"},
		{"s3.eu-central-1.amazonaws.com", "s3.{region}.amazonaws.com aws aws Amazon S3 eu-central-1"},
		{"MyBucket.S3.us-gov-west-1.amazonaws.com.", "s3.{region}.amazonaws.com aws aws-us-gov Amazon S3 us-gov-west-1"},
		{"b.s3-website-us-west-2.amazonaws.com", "s3-website-{region}.amazonaws.com aws aws Amazon S3 static us-west-2"},
		{"b.s3.amazonaws.com", "s3.amazonaws.com aws aws Amazon S3 (global us-east-1"},
		{"b.s3.cn-north-1.amazonaws.com.cn", "s3.{region}.amazonaws.com.cn aws aws-cn Amazon S3 (China cn-north-1"},
		{"ec2-52-80-0-1.cn-north-1.compute.amazonaws.com.cn", "{region}.compute.amazonaws.com.cn aws aws-cn Amazon EC2 cn-north-1"},
		{"x.weird.compute.amazonaws.com.cn", "*.compute.amazonaws.com.cn aws aws-cn Amazon EC2 "},
		{"ec2-3-80-0-1.compute-1.amazonaws.com", "*.compute-1.amazonaws.com aws aws Amazon EC2 us-east-1"},
		{"ec2-3-80-0-1.eu-west-1.compute.amazonaws.com", "{region}.compute.amazonaws.com aws aws Amazon EC2 eu-west-1"},
		{"my-lb-1234.us-east-2.elb.amazonaws.com", "{region}.elb.amazonaws.com aws aws Elastic Load us-east-2"},
		{"dynamodb.cn-northwest-1.amazonaws.com.cn", "{region}.amazonaws.com.cn aws aws-cn AWS regional cn-northwest-1"},
		{"sts.amazonaws.com", "amazonaws.com aws aws AWS (service "},
		{"x.external-1.amazonaws.com", "amazonaws.com aws aws AWS (service "}, // not a region code
		{"myapp.azurewebsites.net", "*.azurewebsites.net azure azure Azure App Service "},
		{"myapp.chinacloudsites.cn", "*.chinacloudsites.cn azure azure-china Azure App Service (Azure in China) "},
		{"vm1.westeurope.cloudapp.azure.com", "{region}.cloudapp.azure.com azure azure Azure Virtual westeurope"},
		{"vm1.chinaeast2.cloudapp.chinacloudapi.cn", "{region}.cloudapp.chinacloudapi.cn azure azure-china Azure Virtual chinaeast2"},
		{"acct.blob.core.chinacloudapi.cn", "*.core.chinacloudapi.cn azure azure-china Azure Storage "},
		{"x.trafficmanager.net", "*.trafficmanager.net azure azure Azure Traffic "},
		{"bucket.oss-cn-hangzhou.aliyuncs.com", "oss-{region}.aliyuncs.com alibaba alibaba-cloud Object Storage cn-hangzhou"},
		{"oss-cn-hangzhou.aliyuncs.com", "oss-{region}.aliyuncs.com alibaba alibaba-cloud Object Storage cn-hangzhou"},
		{"ecs.aliyuncs.com", "aliyuncs.com alibaba alibaba-cloud Alibaba Cloud "},
		{"www.example.com.w.kunlunsl.com", "*.kunlun{any}.com alibaba alibaba-cloud Alibaba Cloud CDN "},
		{"kunlunsl.com", ""},
		{"x.kunlun.com", ""}, // {any} needs at least one character
		{"img.example.cn.cdn.dnsv1.com", "*.cdn.dnsv1.com tencent tencent-cloud Tencent Cloud CDN "},
		{"b-125.cos.ap-guangzhou.myqcloud.com", "cos.{region}.myqcloud.com tencent tencent-cloud Cloud Object ap-guangzhou"},
		{"b.obs.cn-north-4.myhuaweicloud.com", "obs.{region}.myhuaweicloud.com huawei huawei-cloud Object Storage cn-north-4"},
		{"b.bj.bcebos.com", "{region}.bcebos.com baidu baidu-cloud Baidu Object bj"},
		{"b.xx.bcebos.com", ""},
		{"e123.a.akamaiedge.net", "*.akamaiedge.net akamai  Akamai edge "},
		{"example.test.edgekey.net", "*.edgekey.net akamai  Akamai edge "},
		{"dualstack.nonssl.global.fastly.net", "*.fastly.net fastly fastly Fastly CDN "},
		{"www.example.com.cdn.cloudflare.net", "*.cdn.cloudflare.net cloudflare cloudflare Cloudflare (partial "},
		{"app.herokuapp.com", "*.herokuapp.com salesforce  Heroku app "},
		{"me.github.io", "*.github.io github github GitHub Pages "},
		{"proj.uc.r.appspot.com", "*.appspot.com google gcp Google App "},
		{"b.nyc3.digitaloceanspaces.com", "{region}.digitaloceanspaces.com digitalocean digitalocean DigitalOcean Spaces nyc3"},
		{"example.com", ""},
		{"bad..name", ""},
	}
	for _, c := range cases {
		ev, ok := tab.Match(c.name)
		got := ""
		if ok {
			got = fmt.Sprintf("%s %s %s %s %s", ev.Suffix, ev.Provider, ev.Partition, ev.Service, ev.Region)
		}
		wantRegion := c.want[strings.LastIndexByte(c.want, ' ')+1:]
		wantHead := strings.TrimSuffix(c.want, " "+wantRegion)
		if c.want == "" && ok || c.want != "" && (!strings.HasPrefix(got, wantHead) || ev.Region != wantRegion) {
			t.Errorf("Match(%q) = %q, want %q", c.name, got, c.want)
		}
		if ok && (len(ev.Sources) == 0 || ev.Name == "") {
			t.Errorf("Match(%q): evidence without name or sources: %+v", c.name, ev)
		}
	}
}

func TestChain(t *testing.T) {
	tab := embedded(t)
	names := []string{"www.example.test", "example.test.edgekey.net", "e123.a.akamaiedge.net"}
	got := tab.Chain(names)
	if len(got) != 2 || got[0].Position != 1 || got[0].Suffix != "*.edgekey.net" || got[1].Position != 2 || got[1].Name != "e123.a.akamaiedge.net" {
		t.Fatalf("chain evidence %+v", got)
	}
	again := tab.Chain(names)
	if fmt.Sprint(got) != fmt.Sprint(again) {
		t.Fatal("Chain is not deterministic")
	}
	got = tab.Chain([]string{"shop.example.cn", "shop.example.cn.w.kunlunaq.com"})
	if len(got) != 1 || got[0].Provider != "alibaba" || got[0].Position != 1 {
		t.Fatalf("alibaba chain %+v", got)
	}
}

// TestRanking: more labels win, then more literal characters, then the
// earlier entry.
func TestRanking(t *testing.T) {
	fsys := fstest.MapFS{"t.yaml": {Data: []byte(`
providers: [{key: p, name: P}]
region_schemes: [{key: r, pattern: 'r[0-9]'}]
suffixes:
  - {suffix: "x.{any}.example", provider: p, service: any, kind: cloud, sources: [{url: "https://a.example/", publisher: P, checked: 2026-12-02, how: read}]}
  - {suffix: "x.{region}.example", provider: p, service: region, kind: cloud, region_scheme: r, sources: [{url: "https://a.example/", publisher: P, checked: 2026-12-02, how: read}]}
  - {suffix: "x.r1.example", provider: p, service: literal, kind: cloud, sources: [{url: "https://a.example/", publisher: P, checked: 2026-12-02, how: read}]}
  - {suffix: "y.example", provider: p, service: short, kind: cloud, sources: [{url: "https://a.example/", publisher: P, checked: 2026-12-02, how: read}]}
`)}}
	tab, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if ps := Check(tab); len(ps) > 0 {
		t.Fatal(ps)
	}
	for name, want := range map[string]string{"a.x.r1.example": "literal", "a.x.r2.example": "any", "a.x.zz.example": "any", "a.y.example": "short"} {
		if ev, _ := tab.Match(name); ev.Service != want {
			t.Errorf("%s: %q, want %q", name, ev.Service, want)
		}
	}
}

func TestCheck(t *testing.T) {
	fsys := fstest.MapFS{"bad.yaml": {Data: []byte(`providers:
  - {key: p, name: P, atlas: aws}
  - {key: p, name: ""}
region_schemes:
  - {key: r, pattern: '([a-z'}
suffixes:
  - suffix: "a.{region}.example"
    provider: nobody
    kind: weird
    sources: []
  - suffix: "{region}"
    provider: p
    kind: cdn
    region_scheme: r
    sources: [{url: "http://x", publisher: "", checked: yesterday, how: guessed}]
  - suffix: "a.b.example"
    provider: p
    kind: cdn
    colour: blue
    region_scheme: nope
    sources: [{url: "https://x.example", publisher: X, checked: 2026-12-02, how: read, extra: 1}]
  - suffix: "a.b.example"
    provider: p
    kind: cdn
    region: us-east-1
    sources: [{url: "https://x.example", publisher: X, checked: 2026-12-02, how: read}]
  - suffix: "a.{oops}.example"
    provider: p
    kind: cdn
    sources: [{url: "https://x.example", publisher: X, checked: 2026-12-02, how: read}]
`)}}
	tab, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := Check(tab).Error()
	for _, want := range []string{
		`bad.yaml:2: atlas: "aws": want an atlas provider id`,
		`bad.yaml:3: key: provider "p" is declared twice`,
		`bad.yaml:3: name: missing`,
		`bad.yaml:5: pattern: "([a-z" is not a regular expression`,
		`bad.yaml:7: kind: "weird"`,
		`bad.yaml:7: provider: unknown provider key "nobody"`,
		`bad.yaml:7: region_scheme: the suffix reads a {region}: name its region scheme`,
		`bad.yaml:7: sources: missing`,
		`bad.yaml:11: suffix: "{region}": a suffix needs at least two labels`,
		`bad.yaml:11: sources[0].url: "http://x": want an https URL`,
		`bad.yaml:11: sources[0].publisher: missing`,
		`bad.yaml:11: sources[0].checked: "yesterday"`,
		`bad.yaml:11: sources[0].how: "guessed": want read or cited`,
		`bad.yaml:19: colour: unknown field`,
		`bad.yaml:16: region_scheme: unknown region scheme "nope"`,
		`bad.yaml:21: extra: unknown field`,
		`bad.yaml:22: suffix: "a.b.example" is already in bad.yaml:16`,
		`bad.yaml:27: suffix: "a.{oops}.example": label "{oops}": unknown placeholder {oops}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check lacks %q; got:\n%s", want, got)
		}
	}
	if _, err := Load(fstest.MapFS{"x.yaml": {Data: []byte("suffixes: [\n")}}); err != nil {
		t.Fatal(err)
	}
	tab, _ = Load(fstest.MapFS{"x.yaml": {Data: []byte("suffixes: [\n")}})
	if ps := Check(tab); len(ps) != 1 || !strings.HasPrefix(ps[0].String(), "x.yaml: yaml:") {
		t.Errorf("syntax error: %v", ps)
	}
}

// FuzzMatch checks that Match never panics, and that what it returns
// names a suffix of the name that the table holds, with a valid region.
func FuzzMatch(f *testing.F) {
	tab := embedded(f)
	for _, s := range []string{"b.s3.eu-central-1.amazonaws.com", "x.w.kunlunsl.com", "中国.cn", "a..b", "oss-.aliyuncs.com", "..", "s3.-.amazonaws.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		ev, ok := tab.Match(name)
		if !ok {
			return
		}
		if ev.Provider == "" || ev.Suffix == "" || ev.Name == "" {
			t.Fatalf("Match(%q) = %+v", name, ev)
		}
		tld := ev.Suffix[strings.LastIndexByte(ev.Suffix, '.')+1:]
		if !strings.HasSuffix(ev.Name, "."+tld) && ev.Name != tld {
			t.Fatalf("Match(%q): %s does not end in %s", name, ev.Name, tld)
		}
		if ev.Region != "" && !strings.Contains(ev.Name, ev.Region) && !strings.Contains(ev.Suffix, ev.Region) {
			t.Fatalf("Match(%q): region %q not in the name", name, ev.Region)
		}
	})
}

// FuzzLoad checks that any file content loads without panicking and that
// Check reports rather than fails.
func FuzzLoad(f *testing.F) {
	f.Add("suffixes:\n  - {suffix: \"a.{region}.b\", provider: p}\n")
	f.Add("providers: [{key: p}]\nregion_schemes: [{key: r, pattern: '('}]\n")
	f.Add("suffixes: [\"x\"]\n")
	f.Fuzz(func(t *testing.T, text string) {
		tab, err := Load(fstest.MapFS{"f.yaml": {Data: []byte(text)}})
		if err != nil {
			t.Fatal(err)
		}
		Check(tab)
		tab.Match("a.b.example.com")
	})
}
