package answer

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCSVDefusesFormulas checks that no cell of the CSV can be read as
// a spreadsheet formula, whoever wrote its text: the user (input), a
// feed (services, city) or the atlas.
func TestCSVDefusesFormulas(t *testing.T) {
	in := "=cmd|' /C calc'!A0\n3.80.1.9\n2600:1f00::1\n"
	out, _, _, err := run(t, nil, in, Options{Format: FormatCSV, Fields: csvFields(t, "input,services,city,error")})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\n=cmd", ",@SUM", ",\"+HYPERLINK", ",+HYPERLINK"} {
		if strings.Contains(out, bad) {
			t.Errorf("CSV has a live formula %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{"'=cmd", ",'@SUM(1),", `"'+HYPERLINK(""x"")"`} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV lacks the defused %q:\n%s", want, out)
		}
	}
}

func TestJSONLShape(t *testing.T) {
	out, _, _, err := run(t, nil, "52.80.0.1\nnope\n192.0.2.1\n52.80.0.0/15\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	var l struct {
		Input   string
		Error   *string
		Matches []map[string]any
	}
	for i, line := range lines {
		l.Error, l.Matches = nil, nil
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, line)
		}
		if l.Matches == nil {
			t.Errorf("line %d: matches is null or missing: %s", i, line)
		}
	}
	if !strings.HasPrefix(lines[0], `{"input":"52.80.0.1","matches":[{"prefix":"52.80.0.0/16","relation":"contains","provider":"aws","partition":"aws-cn","services":["EC2","AMAZON"],"region":"cn-north-1"`) {
		t.Errorf("line 1: %s", lines[0])
	}
	if lines[1] != `{"input":"nope","error":"not an IP address, CIDR prefix or host name","matches":[]}` {
		t.Errorf("line 2: %s", lines[1])
	}
	if lines[2] != `{"input":"192.0.2.1","matches":[]}` {
		t.Errorf("line 3: %s", lines[2])
	}
	if !strings.Contains(lines[3], `"relation":"within"`) || !strings.Contains(lines[3], `"prefix":"52.80.0.0/14","relation":"contains"`) {
		t.Errorf("line 4: %s", lines[3])
	}
}

func TestAppendJSONStringIsValidJSON(t *testing.T) {
	for _, s := range []string{"plain", "quote\" back\\", "ctl\x01\x7f", "bad \xff utf8", "line\u2028sep", "中文"} {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("%q -> %s: %v", s, b, err)
		}
	}
}
