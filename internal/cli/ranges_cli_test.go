package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestIPAllMatchesMostSpecificFirst(t *testing.T) {
	dir := loadedDir(t)
	r := runCmd(t, "", "ip", "--data-dir", dir, "52.80.0.1", "40.73.0.1", "47.74.0.1", "3.0.5.9", "139.144.1.1", "198.51.100.1")
	if r.code != 1 || r.stderr != "" {
		t.Errorf("one address matched nothing: want exit 1 and no message, got %d %q", r.code, r.stderr)
	}
	out := r.stdout
	wantContains(t, out,
		"52.80.0.0/16         aws (aws-cn)  region cn-north-1  services EC2, AMAZON",
		"40.73.0.0/19         azure (azure-china)  region chinanorth2  services AzureStorage, AzureCloud",
		"47.74.0.0/15         alibaba (alibaba-cloud)  AS45102",
		"from feed china-asn (asn)",
		"139.144.0.0/20       linode  in Frankfurt, DE-HE, DE",
		"198.51.100.1: in no loaded feed (5 feeds, 13 ranges searched)",
	)
	s3 := strings.Index(out, "3.0.5.0/24")
	amazon := strings.Index(out, "3.0.0.0/15")
	if s3 < 0 || amazon < 0 || s3 > amazon {
		t.Errorf("3.0.5.9: want the /24 (S3) before the /15 (AMAZON); got:\n%s", out)
	}
}

func TestIPRejectsBadAddress(t *testing.T) {
	dir := loadedDir(t)
	r := runCmd(t, "", "ip", "--data-dir", dir, "52.80.0.1", "not-an-ip")
	if r.code != 2 || !strings.Contains(r.stderr, `"not-an-ip": not an IP address, CIDR prefix or host name`) {
		t.Fatalf("want exit 2 naming the input; got %d, stderr %q", r.code, r.stderr)
	}
}

func TestIPWithoutDataSaysHowToLoad(t *testing.T) {
	r := runCmd(t, "", "ip", "--data-dir", t.TempDir(), "52.80.0.1")
	if r.code != 1 || !strings.Contains(r.stderr, "cloudatlas update --from DIR") {
		t.Fatalf("want exit 1 with a hint; got %d, stderr %q", r.code, r.stderr)
	}
}

func TestLookupCSV(t *testing.T) {
	dir := loadedDir(t)
	in := "52.80.0.1\n\n# comment\n3.0.5.9\n198.51.100.1\n::ffff:47.74.0.1\n"
	r := runCmd(t, in, "lookup", "--data-dir", dir, "--format", "csv", "--fields", "input,prefix,provider,partition,services,region,feed,matches")
	if r.code != 1 { // 198.51.100.1 matches nothing
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "input,prefix,provider,partition,services,region,feed,matches\n" +
		"52.80.0.1,52.80.0.0/16,aws,aws-cn,EC2;AMAZON,cn-north-1,aws,1\n" +
		"3.0.5.9,3.0.5.0/24,aws,aws,S3,us-east-1,aws,2\n" +
		"198.51.100.1,,,,,,,0\n" +
		"::ffff:47.74.0.1,47.74.0.0/15,alibaba,alibaba-cloud,,,china-asn,1\n"
	if r.stdout != want {
		t.Fatalf("csv:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestLookupJSONLinesAndCIDR(t *testing.T) {
	dir := loadedDir(t)
	r := runCmd(t, "3.0.0.0/16\n52.80.0.1\n", "lookup", "--data-dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %d:\n%s", len(lines), r.stdout)
	}
	var got struct {
		Input   string `json:"input"`
		Matches []struct {
			Prefix   string   `json:"prefix"`
			Relation string   `json:"relation"`
			Services []string `json:"services"`
			Tier     string   `json:"tier"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatalf("line 1 is not JSON: %v\n%s", err, lines[0])
	}
	if got.Input != "3.0.0.0/16" || len(got.Matches) != 2 ||
		got.Matches[0].Prefix != "3.0.0.0/15" || got.Matches[0].Relation != "contains" ||
		got.Matches[1].Prefix != "3.0.5.0/24" || got.Matches[1].Relation != "within" ||
		got.Matches[1].Services[0] != "S3" || got.Matches[1].Tier != "official" {
		t.Fatalf("CIDR answer: %+v", got)
	}
}

func TestLookupBadLinesReportedAndCounted(t *testing.T) {
	dir := loadedDir(t)
	r := runCmd(t, "52.80.0.1\n999.1.1.1\n\n52.80.0.2\nhello world\n", "lookup", "--data-dir", dir, "--format", "csv", "--fields", "input,provider")
	if r.code != 2 {
		t.Fatalf("want exit 2 after bad lines, got %d", r.code)
	}
	wantContains(t, r.stderr, `stdin:2: "999.1.1.1": not an IP address`, `stdin:5: "hello world": not an IP address`,
		"2 of 4 inputs were not addresses")
	if r.stdout != "input,provider\n52.80.0.1,aws\n999.1.1.1,\n52.80.0.2,aws\nhello world,\n" {
		t.Fatalf("every line must get its row, in order; got:\n%s", r.stdout)
	}
}

func TestLookupCSVColumn(t *testing.T) {
	dir := loadedDir(t)
	in := "time,client,bytes\n2026-01-01,52.80.0.1,10\n2026-01-01,\"3.0.5.9\",20\n2026-01-01,oops,1\n"
	r := runCmd(t, in, "lookup", "--data-dir", dir, "--column", "client", "--format", "csv", "--fields", "input,region")
	if r.code != 2 || r.stdout != "input,region\n52.80.0.1,cn-north-1\n3.0.5.9,us-east-1\noops,\n" {
		t.Fatalf("by name: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantContains(t, r.stderr, `stdin:4: "oops"`)
	r = runCmd(t, "x,52.80.0.1\n", "lookup", "--data-dir", dir, "--column", "2", "--format", "csv", "--fields", "region")
	if r.code != 0 || r.stdout != "region\ncn-north-1\n" {
		t.Fatalf("by number: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, "a,b\n", "lookup", "--data-dir", dir, "--column", "client")
	if r.code != 2 || !strings.Contains(r.stderr, `no column named "client"`) {
		t.Fatalf("missing column: exit %d %s", r.code, r.stderr)
	}
}

func TestLookupUnknownFieldAndFormat(t *testing.T) {
	dir := loadedDir(t)
	if r := runCmd(t, "", "lookup", "--data-dir", dir, "--fields", "input,nope"); r.code != 2 || !strings.Contains(r.stderr, `unknown field "nope"`) {
		t.Fatalf("unknown field: %d %s", r.code, r.stderr)
	}
	if r := runCmd(t, "", "lookup", "--data-dir", dir, "--format", "xml"); r.code != 2 || !strings.Contains(r.stderr, `unknown format "xml"`) {
		t.Fatalf("unknown format: %d %s", r.code, r.stderr)
	}
}

func TestFeedsListsSnapshotsAndStaleness(t *testing.T) {
	dir := loadedDir(t)
	out := mustRun(t, "feeds", "--data-dir", dir)
	wantContains(t, out, "aws ", "1700000000", "2026-01-02", "STALE: upstream date 30 days ago (max 14)",
		"google-cloud", "not loaded: run cloudatlas update",
		"undated: the file carries no date; loaded 2026-02-01")
}

func TestDiffBetweenSnapshots(t *testing.T) {
	dir := loadedDir(t)
	mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds2", "--feed", "aws")
	out := mustRun(t, "diff", "aws", "--data-dir", dir)
	wantContains(t, out, "aws: 1700000000 (2026-01-02) -> 1700000100 (2026-01-09)",
		"1 added, 0 removed, 2 moved",
		"+ 16.0.0.0/16",
		"~ 3.0.5.0/24",
		"region=us-east-1 services=S3 -> region=us-west-2 services=S3",
		"~ 52.80.0.0/16")
	// Files can be compared without importing them.
	out = mustRun(t, "diff", "aws", "--from", "testdata/feeds/aws/ip-ranges.json", "--to", "testdata/feeds2/aws/ip-ranges.json", "--summary")
	wantContains(t, out, "1 added, 0 removed, 2 moved")
}

func TestLookupLongAndBinaryLines(t *testing.T) {
	dir := loadedDir(t)
	long := strings.Repeat("x", 300<<10) // longer than a read chunk
	in := "52.80.0.1\n" + long + "\n\x00\xff\xfe\n3.0.5.9\n"
	r := runCmd(t, in, "lookup", "--data-dir", dir, "--format", "csv", "--fields", "input,provider")
	want := "input,provider\n52.80.0.1,aws\n" + strings.Repeat("x", 80) + "...,\n\ufffd\ufffd,\n3.0.5.9,aws\n"
	if r.code != 2 || r.stdout != want {
		t.Fatalf("exit %d\n%q\nwant\n%q", r.code, r.stdout, want)
	}
	wantContains(t, r.stderr, `stdin:2: "xxxxxxxx`, fmt.Sprintf("longer than %d bytes", 64<<10), "stdin:3:", "2 of 4 inputs")
	if len(r.stderr) > 2000 {
		t.Fatalf("stderr is %d bytes: long lines must be clipped", len(r.stderr))
	}
}

// TestLookupOperatorFields joins ranges to the (fixture) atlas as of a
// date: the operator of AWS Beijing changed in 2016.
func TestLookupOperatorFields(t *testing.T) {
	dir := loadedDir(t)
	for _, c := range []struct{ asOf, want string }{
		{"2015-06-01", "52.80.0.1,cn-north-1,\"Amazon Web Services, Inc.\",org/aws-inc\n"},
		{"2020-06-01", "52.80.0.1,cn-north-1,\"Beijing Sinnet Technology Co., Ltd.\",org/sinnet\n"},
	} {
		r := runCmd(t, "52.80.0.1\n", "lookup", "--data-dir", dir, "--format", "csv", "--as-of", c.asOf, "--current-ranges",
			"--fields", "input,region,operator,operator_id")
		if r.code != 0 || r.stdout != "input,region,operator,operator_id\n"+c.want {
			t.Errorf("as of %s: exit %d\n%s%s", c.asOf, r.code, r.stdout, r.stderr)
		}
	}
	r := runCmd(t, "47.74.0.1\n", "lookup", "--data-dir", dir, "--fields", "input,operator_id")
	if r.code != 0 || r.stdout != `{"input":"47.74.0.1","matches":[{"operator_id":["org/alibaba-group"]}]}`+"\n" {
		t.Errorf("jsonl: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCmd(t, "", "lookup", "--data-dir", dir, "--fields", "operator", "--as-of", "2020-13"); r.code != 2 {
		t.Errorf("bad --as-of: exit %d %s", r.code, r.stderr)
	}
	// The default JSON Lines fields need no atlas.
	r = runCmd(t, "52.80.0.1\n", "lookup", "--data-dir", dir)
	if strings.Contains(r.stdout, "operator") {
		t.Errorf("default jsonl has atlas fields: %s", r.stdout)
	}
}
