package update

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// version is one synthetic version of a feed: its marker, its date and
// its prefixes.
type version struct {
	id       int
	date     time.Time
	prefixes []string
}

// format writes a version of one feed in that feed's own file format,
// under a directory laid out like ../shared/data/ranges.
type format struct {
	feed  string
	hasID bool // the file carries a version marker
	dated bool // the file carries its own date
	write func(t *testing.T, dir string, v version)
}

// formats covers every official feed format.
var formats = []format{
	{"aws", true, true, writeAWS},
	{"google-cloud", true, true, writeGoogle},
	{"azure-china", true, true, writeAzure},
	{"oracle", true, true, writeOracle},
	{"linode", false, true, writeGeofeed},
	{"github", false, false, writeGitHub},
	{"fastly", false, false, writeFastly},
	{"cloudflare", false, false, writeCloudflare},
}

// publicPrefixes returns n ordinary public prefixes, a third of them IPv6.
func publicPrefixes(n int) []string {
	out := make([]string, n)
	for i := range out {
		if i%3 == 2 {
			out[i] = fmt.Sprintf("2600:%x::/32", 0x1f00+i)
		} else {
			out[i] = fmt.Sprintf("%d.%d.0.0/16", 52+i/256, i%256)
		}
	}
	return out
}

func put(t *testing.T, dir, rel string, body []byte) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func split(prefixes []string) (v4, v6 []string) {
	for _, p := range prefixes {
		if netip.MustParsePrefix(p).Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return v4, v6
}

func writeAWS(t *testing.T, dir string, v version) {
	t.Helper()
	type p4 struct {
		P      string `json:"ip_prefix"`
		Region string `json:"region"`
		Svc    string `json:"service"`
		NBG    string `json:"network_border_group"`
	}
	type p6 struct {
		P      string `json:"ipv6_prefix"`
		Region string `json:"region"`
		Svc    string `json:"service"`
		NBG    string `json:"network_border_group"`
	}
	doc := struct {
		Sync   string `json:"syncToken"`
		Create string `json:"createDate"`
		V4     []p4   `json:"prefixes"`
		V6     []p6   `json:"ipv6_prefixes"`
	}{Sync: fmt.Sprint(v.id), Create: v.date.Format("2006-01-02-15-04-05"), V4: []p4{}, V6: []p6{}}
	v4, v6 := split(v.prefixes)
	for _, p := range v4 {
		doc.V4 = append(doc.V4, p4{p, "us-east-1", "AMAZON", "us-east-1"})
	}
	for _, p := range v6 {
		doc.V6 = append(doc.V6, p6{p, "us-east-1", "AMAZON", "us-east-1"})
	}
	put(t, dir, "aws/ip-ranges.json", mustJSON(t, doc))
}

func writeGoogle(t *testing.T, dir string, v version) {
	t.Helper()
	var prefixes []map[string]string
	for _, p := range v.prefixes {
		key := "ipv4Prefix"
		if strings.Contains(p, ":") {
			key = "ipv6Prefix"
		}
		prefixes = append(prefixes, map[string]string{key: p, "service": "Google Cloud", "scope": "us-east1"})
	}
	put(t, dir, "google/cloud.json", mustJSON(t, map[string]any{"syncToken": fmt.Sprint(v.id),
		"creationTime": v.date.Format("2006-01-02T15:04:05.000000"), "prefixes": prefixes}))
}

func writeAzure(t *testing.T, dir string, v version) {
	t.Helper()
	tag := map[string]any{"name": "AzureCloud.chinanorth2", "id": "AzureCloud.chinanorth2", "properties": map[string]any{
		"changeNumber": 1, "region": "chinanorth2", "regionId": 11, "platform": "Azure", "systemService": "",
		"addressPrefixes": v.prefixes, "networkFeatures": nil}}
	put(t, dir, "azure/ServiceTags_China_"+v.date.Format("20060102")+".json",
		mustJSON(t, map[string]any{"changeNumber": v.id, "cloud": "China", "values": []any{tag}}))
}

func writeOracle(t *testing.T, dir string, v version) {
	t.Helper()
	var cidrs []map[string]any
	v4, _ := split(v.prefixes)
	for _, p := range v4 { // Oracle lists IPv4 only
		cidrs = append(cidrs, map[string]any{"cidr": p, "tags": []string{"OCI"}})
	}
	put(t, dir, "oracle/public_ip_ranges.json", mustJSON(t, map[string]any{
		"last_updated_timestamp": v.date.Format("2006-01-02T15:04:05.000000"),
		"regions":                []any{map[string]any{"region": "us-ashburn-1", "cidrs": cidrs}}}))
}

func writeGeofeed(t *testing.T, dir string, v version) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "# Last modified: %s\n", v.date.Format("2006-01-02 15:04:05.000000"))
	for _, p := range v.prefixes {
		fmt.Fprintf(&b, "%s,DE,DE-HE,Frankfurt,\n", p)
	}
	put(t, dir, "linode/geoip.csv", []byte(b.String()))
}

func writeGitHub(t *testing.T, dir string, v version) {
	t.Helper()
	put(t, dir, "github/meta.json", mustJSON(t, map[string]any{"verifiable_password_authentication": false, "web": v.prefixes}))
}

func writeFastly(t *testing.T, dir string, v version) {
	t.Helper()
	v4, v6 := split(v.prefixes)
	put(t, dir, "fastly/public-ip-list.json", mustJSON(t, map[string]any{"addresses": v4, "ipv6_addresses": v6}))
}

func writeCloudflare(t *testing.T, dir string, v version) {
	t.Helper()
	v4, v6 := split(v.prefixes)
	put(t, dir, "cloudflare/ips-v4.txt", []byte(strings.Join(v4, "\n")+"\n"))
	put(t, dir, "cloudflare/ips-v6.txt", []byte(strings.Join(v6, "\n")+"\n"))
}
