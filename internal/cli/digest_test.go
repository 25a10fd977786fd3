package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRoundupCommand(t *testing.T) {
	dir := loadedDir(t)
	// The fixture feeds' first snapshots come into force on their dates;
	// any day is either quiet or tells them, and is stored once built.
	out := mustRun(t, "roundup", "--data-dir", dir, "--date", "2026-01-20", "--format", "json")
	var first struct {
		Date    string `json:"date"`
		BuiltAt string `json:"built_at"`
	}
	if err := json.Unmarshal([]byte(out), &first); err != nil || first.Date != "2026-01-20" || first.BuiltAt == "" {
		t.Fatalf("json: %v\n%s", err, out)
	}
	again := mustRun(t, "roundup", "--data-dir", dir, "--date", "2026-01-20", "--format", "json")
	if again != out {
		t.Errorf("a stored roundup changed between runs:\n%s\n%s", out, again)
	}
	quiet := mustRun(t, "roundup", "--data-dir", dir, "--date", "1999-06-02")
	wantContains(t, quiet, "What changed on 1999-06-02 (Wednesday)", "Nothing changed on 1999-06-02")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"roundup", "--data-dir", dir, "--date", "2026-02-30"}, 2, "bad date"},
		{[]string{"roundup", "--data-dir", dir, "--date", "2026-03-01"}, 1, "has not begun"},
		{[]string{"roundup", "--data-dir", dir, "--format", "xml"}, 2, "want text or json"},
		{[]string{"reading-list", "--data-dir", dir, "--week", "2026-W60"}, 2, "bad week"},
		{[]string{"digest", "send", "--daily", "--data-dir", dir}, 2, "needs --smtp"},
		{[]string{"digest", "send", "--data-dir", dir, "--smtp", "127.0.0.1:25", "--mail-from", "a@example.org", "--base-url", "https://x.example.org"}, 2, "one of --daily and --weekly"},
		{[]string{"digest", "send", "--weekly", "--data-dir", dir, "--smtp", "nohost", "--mail-from", "a@example.org", "--base-url", "https://x.example.org"}, 2, "HOST:PORT"},
		{[]string{"digest", "send", "--weekly", "--data-dir", dir, "--smtp", "127.0.0.1:25", "--mail-from", "a@example.org", "--base-url", "x.example.org"}, 2, "absolute"},
	} {
		r := runCmd(t, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), r.code, r.stderr, c.code, c.msg)
		}
	}
	list := mustRun(t, "reading-list", "--data-dir", dir, "--week", "2026-W03")
	wantContains(t, list, "Reading list for 2026-W03 (2026-01-12 to 2026-01-18)")
}
