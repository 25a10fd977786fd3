package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixtureAtlas is the small atlas the atlas package's golden tests use.
const fixtureAtlas = "../atlas/testdata/atlas"

// runAtlasCLI runs the command line with buffers and a fixed clock and
// returns the exit code, stdout and stderr.
func runAtlasCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	if _, ok := commandTable()[args[0]]; !ok {
		t.Fatalf("command %q is not in commandTable", args[0])
	}
	var out, errb bytes.Buffer
	e := &Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) },
	}
	code := Run(context.Background(), args, e)
	return code, out.String(), errb.String()
}

func TestCheckFixture(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "check", "--atlas-dir", fixtureAtlas, "--as-of", "2020-06")
	if code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	want := "atlas ok: 28 entities, 29 statements, 1 series points, 1 readings\n"
	if out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
}

func TestCheckProblems(t *testing.T) {
	dir := t.TempDir()
	bad := "entities:\n  - id: org/a\n    kind: organisation\n    name: A\n    colour: blue\n"
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runAtlasCLI(t, "check", "--atlas-dir", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errs)
	}
	want := filepath.ToSlash(dir) + "/a.yaml:5: colour: unknown field\n"
	if out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	if !strings.Contains(errs, "1 problem") {
		t.Errorf("stderr = %q, want a count", errs)
	}
}

func TestCheckRangesCoverage(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	feed := `{"syncToken":"1","createDate":"2026-11-01-00-00-00","prefixes":[
{"ip_prefix":"52.80.0.0/16","region":"cn-north-1","service":"AMAZON","network_border_group":"cn-north-1"},
{"ip_prefix":"3.5.0.0/16","region":"eu-west-9","service":"AMAZON","network_border_group":"eu-west-9"}],
"ipv6_prefixes":[]}`
	if err := os.WriteFile(filepath.Join(dir, "aws", "ip-ranges.json"), []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runAtlasCLI(t, "check", "--atlas-dir", fixtureAtlas, "--ranges", dir, "--as-of", "2020-06")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q stderr %q", code, out, errs)
	}
	want := `ranges/aws: region: no region entity for code "eu-west-9" of provider aws (want id region/aws/eu-west-9)` + "\n"
	if out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
}

// TestCheckStaleStakes: stakes whose newest evidence is more than three
// years old on the date asked are warnings, which do not fail the check.
func TestCheckStaleStakes(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "check", "--atlas-dir", fixtureAtlas)
	if code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	want := "warning: ../atlas/testdata/atlas/statements.yaml:93: owns: person/founder owns org/holder: " +
		"newest evidence 2018 is more than 3 years before 2026-11-27; close it with to or add a confirmed date\n"
	if !strings.Contains(out, want) || !strings.HasSuffix(out, "atlas ok: 28 entities, 29 statements, 1 series points, 1 readings\n") {
		t.Errorf("stdout = %q, want the warning %q and atlas ok", out, want)
	}
}

func TestCheckReport(t *testing.T) {
	code, out, errs := runAtlasCLI(t, "check", "--atlas-dir", fixtureAtlas, "--report", "--as-of", "2020-06")
	if code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	for _, want := range []string{"Data quality as of 2020-06-01\n", "  statements: 29\n", "open gaps: 1", "atlas ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckUsage(t *testing.T) {
	if code, _, _ := runAtlasCLI(t, "check", "extra"); code != 2 {
		t.Errorf("check with an argument: exit %d, want 2", code)
	}
}
