package answer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// run streams in through the fixture table and returns the output and
// the bad lines reported.
func run(t *testing.T, j *Joiner, in string, opt Options) (string, []string, Summary, error) {
	t.Helper()
	var out bytes.Buffer
	var bad []string
	opt.Bad = func(line int, text string, err error) { bad = append(bad, fmt.Sprintf("%d %s: %v", line, text, err)) }
	sum, err := j.Stream(context.Background(), fixtureTable(), strings.NewReader(in), &out, opt)
	return out.String(), bad, sum, err
}

func csvFields(t *testing.T, list string) []Field {
	t.Helper()
	f, err := SelectFields(list, FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestStreamKeepsInputOrderAcrossChunks(t *testing.T) {
	var in strings.Builder
	var want strings.Builder
	want.WriteString("input,region\n")
	for i := range 40000 { // several chunks, spread over the workers
		addr := []string{"52.80.0.1", "3.80.1.9", "192.0.2.1"}[i%3]
		fmt.Fprintf(&in, "%s\n", addr)
		want.WriteString(addr + "," + map[string]string{"52.80.0.1": "cn-north-1", "3.80.1.9": "us-east-1", "192.0.2.1": ""}[addr] + "\n")
	}
	out, bad, sum, err := run(t, nil, in.String(), Options{Format: FormatCSV, Fields: csvFields(t, "input,region")})
	if err != nil || len(bad) != 0 {
		t.Fatalf("err %v, bad %v", err, bad)
	}
	if out != want.String() {
		t.Fatalf("output differs from input order (%d vs %d bytes)", len(out), want.Len())
	}
	if sum.Inputs != 40000 || sum.Unmatched != 13333 || sum.Bad != 0 {
		t.Errorf("summary %+v", sum)
	}
}

func TestStreamBadLines(t *testing.T) {
	long := strings.Repeat("9", MaxInput+10)
	huge := strings.Repeat("x", 3*chunkSize+MaxInput) // no newline in a whole buffer
	in := "\ufeff52.80.0.1\n# comment\n\nfe80::1%eth0\n" + long + "\nnot-an-ip\n" + huge + "\n3.80.1.9\n"
	out, bad, sum, err := run(t, nil, in, Options{Format: FormatCSV, Fields: csvFields(t, "input,region,error")})
	if err != nil {
		t.Fatal(err)
	}
	wantBad := []string{"4 fe80::1%eth0: fe80::1%eth0: an IPv6 zone",
		"5 999999", "6 not-an-ip: not an IP address, CIDR prefix or host name", "7 xxxx"}
	if len(bad) != len(wantBad) {
		t.Fatalf("bad lines %q, want %d", bad, len(wantBad))
	}
	for i, w := range wantBad {
		if !strings.HasPrefix(bad[i], w) {
			t.Errorf("bad line %d = %q, want prefix %q", i, bad[i], w)
		}
	}
	for _, b := range bad[1:2] {
		if !strings.Contains(b, "longer than") || len(b) > 300 {
			t.Errorf("long line not clipped or not said: %q", b)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 || lines[1] != "52.80.0.1,cn-north-1," || lines[6] != "3.80.1.9,us-east-1," {
		t.Errorf("output:\n%s", out)
	}
	if sum.Inputs != 6 || sum.Bad != 4 {
		t.Errorf("summary %+v", sum)
	}
}

func TestStreamCSVColumn(t *testing.T) {
	in := "time,\"client, ip\",path\n" +
		"1,52.80.0.1,/a\n" +
		"2,\"3.80.1.9\",\"/b\nsecond line\"\n" +
		"3\n" +
		"4,bogus,/c\n"
	out, bad, _, err := run(t, nil, in, Options{Format: FormatCSV, Column: "client, ip", Fields: csvFields(t, "input,region")})
	if err != nil {
		t.Fatal(err)
	}
	if want := "input,region\n52.80.0.1,cn-north-1\n3.80.1.9,us-east-1\n3,\nbogus,\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if len(bad) != 2 || !strings.HasPrefix(bad[0], "5 3: has 1 columns") || !strings.HasPrefix(bad[1], "6 bogus") {
		t.Errorf("bad %q", bad)
	}
	out, _, _, err = run(t, nil, "52.80.0.1,x\n", Options{Format: FormatCSV, Column: "1", Fields: csvFields(t, "input,region")})
	if err != nil || out != "input,region\n52.80.0.1,cn-north-1\n" {
		t.Errorf("by number: %q %v", out, err)
	}
	_, _, _, err = run(t, nil, "a,b\n1,2\n", Options{Format: FormatCSV, Column: "ip"})
	if KindOf(err) != Invalid || !strings.Contains(err.Error(), `no column named "ip"`) {
		t.Errorf("missing column: %v", err)
	}
}

func TestStreamBudgets(t *testing.T) {
	in := strings.Repeat("0.0.0.0/0\n::/0\n", 50)
	_, _, _, err := run(t, nil, in, Options{Format: FormatJSONL, MaxMatches: 20})
	if KindOf(err) != TooLarge || !strings.Contains(err.Error(), "more than 20 matches") {
		t.Errorf("matches budget: %v", err)
	}
	_, _, _, err = run(t, nil, strings.Repeat("52.80.0.1\n", 100), Options{Format: FormatJSONL, MaxBytes: 1000})
	if KindOf(err) != TooLarge || !strings.Contains(err.Error(), "larger than 1000 bytes") {
		t.Errorf("bytes budget: %v", err)
	}
	if _, _, _, err := run(t, nil, strings.Repeat("52.80.0.1\n", 5), Options{Format: FormatJSONL, MaxMatches: 20, MaxBytes: 1 << 20}); err != nil {
		t.Errorf("within budget: %v", err)
	}
}

func TestStreamAtlasFields(t *testing.T) {
	j := New(fixtureAtlas(t))
	for day, want := range map[string]string{"2015-06-01": "org/aws-inc", "2020-06-01": "org/sinnet"} {
		d, _ := ParseAsOf(day, time.Now())
		out, _, _, err := run(t, j, "52.80.0.1\n", Options{Format: FormatCSV, AsOf: d, Fields: csvFields(t, "input,operator_id")})
		if err != nil || out != "input,operator_id\n52.80.0.1,"+want+"\n" {
			t.Errorf("as of %s: %q %v", day, out, err)
		}
	}
	if _, _, _, err := run(t, nil, "52.80.0.1\n", Options{Format: FormatCSV, Fields: csvFields(t, "operator")}); err == nil {
		t.Error("an atlas field without an atlas must fail")
	}
}

func TestStreamTableAlignsWithOneHeader(t *testing.T) {
	in := strings.Repeat("52.80.0.1\n3.80.1.9\n", 5000)
	out, _, _, err := run(t, nil, in, Options{Format: FormatTable, Fields: csvFields(t, "input,region,city")})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 10001 || !strings.HasPrefix(lines[0], "input ") || strings.Count(out, "input ") != 1 {
		t.Fatalf("%d lines; head %q", len(lines), lines[:3])
	}
	if lines[1] != "52.80.0.1  cn-north-1  -" {
		t.Errorf("row %q", lines[1])
	}
}
