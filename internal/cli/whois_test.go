package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWhoisRegionCode(t *testing.T) {
	for _, tt := range []struct {
		asOf, want string
	}{
		{"2015-06-01", "Amazon Web Services, Inc. (org/aws-inc) operates AWS China (Beijing) (region/aws/cn-north-1)"},
		{"2020-06", "Beijing Sinnet Technology Co., Ltd. 北京光环新网科技股份有限公司 (org/sinnet) operates AWS China (Beijing) (region/aws/cn-north-1)"},
	} {
		code, out, errs := runAtlasCLI(t, "whois", "cn-north-1", "--atlas-dir", fixtureAtlas, "--as-of", tt.asOf)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("as of %s: output lacks %q:\n%s", tt.asOf, tt.want, out)
		}
	}
}

func TestWhoisJSON(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "whois", "--atlas-dir", fixtureAtlas, "--format", "json",
		"--provider", "aws", "--as-of", "2020", "cn-north-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ans struct {
		Region    string `json:"region"`
		AsOf      string `json:"as_of"`
		Operators []struct {
			Operator string `json:"operator"`
		} `json:"operators"`
		Reach []struct {
			Law string `json:"law"`
		} `json:"reach"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Region != "region/aws/cn-north-1" || ans.AsOf != "2020-01-01" || len(ans.Operators) != 1 ||
		ans.Operators[0].Operator != "org/sinnet" || len(ans.Reach) == 0 {
		t.Errorf("unexpected answer: %+v", ans)
	}
}

func TestWhoisNameAndErrors(t *testing.T) {
	if code, out, errs := runAtlasCLI(t, "whois", "--atlas-dir", fixtureAtlas, "光环新网"); code != 0 || !strings.Contains(out, "Owners of") {
		t.Errorf("whois by Chinese alias: exit %d, %s%s", code, out, errs)
	}
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"whois", "--atlas-dir", fixtureAtlas, "mars-east-1"}, 1, "no entity id, name, alias or region code"},
		{[]string{"whois", "--atlas-dir", fixtureAtlas, "--as-of", "2020-13", "cn-north-1"}, 2, "bad date"},
		{[]string{"whois", "--atlas-dir", fixtureAtlas, "--format", "xml", "cn-north-1"}, 2, "unknown format"},
		{[]string{"whois", "--atlas-dir", fixtureAtlas}, 2, "name one"},
		{[]string{"whois", "--atlas-dir", fixtureAtlas, "--provider", "azure", "cn-north-1"}, 1, "no region"},
	}
	for _, tt := range tests {
		code, _, errs := runAtlasCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errs, tt.code, tt.msg)
		}
	}
}

func TestWhoisAddress(t *testing.T) {
	dir := loadedDir(t)
	code, out, errs := runAtlasCLI(t, "whois", "--data-dir", dir, "--atlas-dir", fixtureAtlas, "--as-of", "2020-06-01", "--current-ranges", "52.80.0.1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"== 52.80.0.1: 52.80.0.0/16 (feed aws", "(org/sinnet) operates"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = runAtlasCLI(t, "whois", "--data-dir", dir, "--atlas-dir", fixtureAtlas, "47.74.0.1")
	if code != 0 || !strings.Contains(out, "== 47.74.0.1: 47.74.0.0/15 (feed china-asn") ||
		!strings.Contains(out, "Alibaba Group Holding Ltd. (org/alibaba-group) runs the brand Alibaba Cloud 阿里云 (provider/alibaba)") {
		t.Errorf("alibaba: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runAtlasCLI(t, "whois", "--data-dir", dir, "--atlas-dir", fixtureAtlas, "--format", "json", "52.80.0.1")
	var got struct {
		Query string
		Whois []struct {
			Prefix string
			Answer *json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || len(got.Whois) != 1 || got.Whois[0].Answer == nil ||
		got.Whois[0].Prefix != "52.80.0.0/16" || got.Query != "52.80.0.1" {
		t.Errorf("json: exit %d, err %v, %+v", code, err, got)
	}
	if code, _, errs := runAtlasCLI(t, "whois", "--data-dir", t.TempDir(), "--atlas-dir", fixtureAtlas, "52.80.0.1"); code != 1 ||
		!strings.Contains(errs, "no range data loaded") {
		t.Errorf("no ranges: exit %d, %q", code, errs)
	}
}
