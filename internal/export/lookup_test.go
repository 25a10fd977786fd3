package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/cloudatlas/cloudatlas/internal/cli"
	"github.com/cloudatlas/cloudatlas/internal/dataset"
	"github.com/cloudatlas/cloudatlas/internal/export"
	"github.com/cloudatlas/cloudatlas/internal/routing"
	"github.com/cloudatlas/cloudatlas/internal/store"
)

// These tests run the real commands: "cloudatlas update", "export" and
// "lookup --fields all --format jsonl", and read the file back with
// maxminddb-golang and with Debian's mmdblookup (package mmdb-bin).

// run runs the command line args over the fixture atlas (nil atlas: the
// embedded one) with stdin as input.
func run(t testing.TB, atlasDir, stdin string, args ...string) (stdout string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC) }}
	if atlasDir != "" {
		e.Atlas = os.DirFS(atlasDir)
	}
	code = cli.Run(context.Background(), args, e)
	if code > 1 || (code == 1 && args[0] != "lookup") {
		t.Fatalf("cloudatlas %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String(), code
}

// lookupFirst is lookup's first match for one input, with its number
// of matches; ok is false when nothing matched.
type lookupFirst struct {
	rec export.Record
	ok  bool
}

// lookupAll runs "lookup --fields all --format jsonl" on addrs and
// returns the first match of each.
func lookupAll(t *testing.T, atlasDir, dataDir string, addrs []netip.Addr, flags ...string) []lookupFirst {
	t.Helper()
	var in strings.Builder
	for _, a := range addrs {
		fmt.Fprintln(&in, a)
	}
	out, _ := run(t, atlasDir, in.String(), append([]string{"lookup", "--data-dir", dataDir, "--fields", "all", "--format", "jsonl"}, flags...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(addrs) {
		t.Fatalf("lookup: %d lines for %d inputs", len(lines), len(addrs))
	}
	res := make([]lookupFirst, len(addrs))
	for i, line := range lines {
		var l struct {
			Input   string          `json:"input"`
			Error   string          `json:"error"`
			Matches []export.Record `json:"matches"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.Input != addrs[i].String() || l.Error != "" {
			t.Fatalf("lookup line %d: %v %q: %s", i+1, err, l.Error, line)
		}
		if len(l.Matches) > 0 {
			res[i] = lookupFirst{rec: l.Matches[0], ok: true}
			res[i].rec.Matches = uint32(len(l.Matches))
		}
	}
	return res
}

// compared counts the addresses compared and how many of them matched.
type compared struct{ addrs, matched int }

// compareReader checks the MMDB's answer for every address against
// lookup's first match.
func compareReader(t *testing.T, path string, addrs []netip.Addr, want []lookupFirst) compared {
	t.Helper()
	db, err := maxminddb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Verify(); err != nil {
		t.Fatalf("%s does not verify: %v", path, err)
	}
	var c compared
	for i, a := range addrs {
		res := db.Lookup(a)
		var got export.Record
		if err := res.Decode(&got); err != nil {
			t.Fatalf("%v: %v", a, err)
		}
		c.addrs++
		if res.Found() != want[i].ok {
			t.Errorf("%v: in the MMDB %v, matched by lookup %v (%+v)", a, res.Found(), want[i].ok, want[i].rec)
			continue
		}
		if want[i].ok {
			c.matched++
			checkRecord(t, "maxminddb-golang", a, got, want[i].rec)
		}
	}
	return c
}

// checkRecord compares every key the MMDB holds; an empty list is the
// same as none.
func checkRecord(t *testing.T, reader string, a netip.Addr, got, want export.Record) {
	t.Helper()
	norm := func(r export.Record) string {
		for _, l := range []*[]string{&r.Services, &r.Operator, &r.OperatorID, &r.Jurisdictions} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		b, _ := json.Marshal(r)
		return string(b)
	}
	if g, w := norm(got), norm(want); g != w {
		t.Errorf("%s, %v:\n MMDB   %s\n lookup %s", reader, a, g, w)
	}
}

// mmdblookup returns the path of Debian's mmdblookup, or "" when it is
// not installed (then the test fails when CLOUDATLAS_REQUIRE_TOOLS=1;
// else it should end with skipMMDBLookup once the rest has run).
func mmdblookup(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("mmdblookup")
	if err == nil {
		return path
	}
	if os.Getenv("CLOUDATLAS_REQUIRE_TOOLS") == "1" {
		t.Fatalf("mmdblookup (Debian package mmdb-bin) is required (CLOUDATLAS_REQUIRE_TOOLS=1) but missing: %v", err)
	}
	return ""
}

// skipMMDBLookup marks the test skipped, in one line, when mmdblookup
// was missing.
func skipMMDBLookup(t *testing.T, tool string) {
	if tool == "" {
		t.Skip("mmdblookup not installed (Debian package mmdb-bin): compared with maxminddb-golang only")
	}
}

// compareMMDBLookup checks mmdblookup's answer for every address
// against lookup's first match.
func compareMMDBLookup(t *testing.T, tool, path string, addrs []netip.Addr, want []lookupFirst) compared {
	t.Helper()
	var c compared
	for i, a := range addrs {
		cmd := exec.Command(tool, "--file", path, "--ip", a.String())
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		c.addrs++
		found := err == nil
		if !found && !strings.Contains(stderr.String(), "Could not find an entry for this IP address") {
			t.Fatalf("mmdblookup %v: %v\n%s", a, err, stderr.String())
		}
		if found != want[i].ok {
			t.Errorf("mmdblookup %v: found %v, matched by lookup %v (%+v)", a, found, want[i].ok, want[i].rec)
			continue
		}
		if !found {
			continue
		}
		c.matched++
		v, err := parseDump(stdout.String())
		if err != nil {
			t.Fatalf("mmdblookup %v: %v\n%s", a, err, stdout.String())
		}
		b, _ := json.Marshal(v)
		var got export.Record
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("mmdblookup %v: %v: %s", a, err, b)
		}
		checkRecord(t, "mmdblookup", a, got, want[i].rec)
	}
	return c
}

// parseDump reads mmdblookup's dump of one record: maps ("{", then
// `"key":` and a value per key, "}"), arrays ("[" ... "]") and one
// scalar per line followed by its type in angle brackets.
func parseDump(s string) (any, error) {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	v, rest, err := parseValue(lines)
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("unexpected %q after the record", rest[0])
	}
	return v, err
}

func parseValue(lines []string) (any, []string, error) {
	if len(lines) == 0 {
		return nil, nil, fmt.Errorf("value missing")
	}
	switch l := lines[0]; l {
	case "{":
		m := map[string]any{}
		for lines = lines[1:]; len(lines) > 0 && lines[0] != "}"; {
			k := lines[0]
			if !strings.HasPrefix(k, `"`) || !strings.HasSuffix(k, `":`) {
				return nil, nil, fmt.Errorf("key expected, got %q", k)
			}
			v, rest, err := parseValue(lines[1:])
			if err != nil {
				return nil, nil, err
			}
			m[k[1:len(k)-2]], lines = v, rest
		}
		if len(lines) == 0 {
			return nil, nil, fmt.Errorf("map not closed")
		}
		return m, lines[1:], nil
	case "[":
		l := []any{}
		for lines = lines[1:]; len(lines) > 0 && lines[0] != "]"; {
			v, rest, err := parseValue(lines)
			if err != nil {
				return nil, nil, err
			}
			l, lines = append(l, v), rest
		}
		if len(lines) == 0 {
			return nil, nil, fmt.Errorf("array not closed")
		}
		return l, lines[1:], nil
	default:
		i := strings.LastIndex(l, " <")
		if i < 0 || !strings.HasSuffix(l, ">") {
			return nil, nil, fmt.Errorf("scalar with its type expected, got %q", l)
		}
		text, typ := l[:i], l[i+2:len(l)-1]
		switch {
		case typ == "utf8_string" && len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"':
			return text[1 : len(text)-1], lines[1:], nil
		case strings.HasPrefix(typ, "uint"):
			n, err := strconv.ParseUint(text, 10, 64)
			return n, lines[1:], err
		}
		return nil, nil, fmt.Errorf("unexpected scalar %q", l)
	}
}

// sample returns addresses of the data dir's feeds and routing tier:
// for up to n feed ranges and n routed intervals (all when there are
// fewer), chosen at random, their first and last addresses, the
// addresses just outside them and inside more inside them.
func sample(t *testing.T, dataDir string, n, inside int) []netip.Addr {
	t.Helper()
	ix, err := dataset.OpenIndex(context.Background(), store.In(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	sets, err := ix.Sets()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	type span struct{ lo, hi netip.Addr }
	var feeds, routes []span
	for _, s := range sets {
		for _, r := range s.Records {
			p := r.Prefix.Masked()
			feeds = append(feeds, span{p.Addr(), last(p)})
		}
	}
	rt, _, err := dataset.OpenRoutes(context.Background(), store.In(dataDir))
	if err != nil || rt == nil {
		t.Fatalf("routing tier of %s: %v", dataDir, err)
	}
	for r := range rt.Table.All() {
		routes = append(routes, span{r.First, r.Last})
	}
	var out []netip.Addr
	for _, list := range [][]span{feeds, routes} {
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		for _, s := range list[:min(n, len(list))] {
			as := []netip.Addr{s.lo, s.hi, s.lo.Prev(), s.hi.Next()}
			for range inside {
				as = append(as, between(rng, s.lo, s.hi))
			}
			for _, a := range as {
				if a.IsValid() && !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	// Mixed, so that any prefix of the sample has both kinds.
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// last returns the last address of p.
func last(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// between returns a random address from lo to hi: it keeps the bits
// they share and draws the rest until the result lies between them.
func between(rng *rand.Rand, lo, hi netip.Addr) netip.Addr {
	l, h := lo.AsSlice(), hi.AsSlice()
	for range 64 {
		b := slices.Clone(l)
		differ := false
		for i := range b {
			if differ {
				b[i] = byte(rng.Uint32())
			} else if l[i] != h[i] {
				b[i] = l[i] + byte(rng.IntN(int(h[i]-l[i])+1))
				differ = true
			}
		}
		a, _ := netip.AddrFromSlice(b)
		if lo.Compare(a) <= 0 && a.Compare(hi) <= 0 {
			return a
		}
	}
	return lo
}

// fixtureDir imports testdata/feeds and writes FixtureRoutes as the
// data dir's routing tier.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	run(t, export.FixtureAtlas, "", "update", "--data-dir", dir, "--from", "testdata/feeds")
	s := routing.Stored{Table: export.FixtureRoutes.Table(t), Snapshot: 1, Fetched: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	if err := routing.WriteFile(filepath.Join(dir, routing.FileName), s); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestExportAnswersLikeLookup exports the fixture feeds and routing tier
// for two dates and compares, address by address, what maxminddb-golang
// and mmdblookup read from the file with lookup's first match.
func TestExportAnswersLikeLookup(t *testing.T) {
	tool := mmdblookup(t)
	dir := fixtureDir(t)
	addrs := sample(t, dir, 1000, 4)
	// As of today, and as of 2015 with today's ranges (no snapshot was
	// in force then): the holder of AS13335 differs.
	for _, c := range []struct {
		asOf  string
		flags []string
	}{{"2026-02-01", nil}, {"2015-06-01", []string{"--current-ranges"}}} {
		asOf := c.asOf
		path := filepath.Join(t.TempDir(), "cloudatlas.mmdb")
		args := append([]string{"export", "--format", "mmdb", "--out", path, "--data-dir", dir, "--as-of", asOf}, c.flags...)
		out, _ := run(t, export.FixtureAtlas, "", args...)
		if !strings.Contains(out, "wrote "+path+" (mmdb):") || !strings.Contains(out, "operators as of "+asOf) {
			t.Errorf("export said: %s", out)
		}
		want := lookupAll(t, export.FixtureAtlas, dir, addrs, append([]string{"--as-of", asOf}, c.flags...)...)
		c := compareReader(t, path, addrs, want)
		t.Logf("as of %s: maxminddb-golang compared with lookup on %d addresses (%d matched, %d unmatched)",
			asOf, c.addrs, c.matched, c.addrs-c.matched)
		if c.matched < 100 || c.addrs-c.matched < 30 {
			t.Errorf("the sample is too thin: %d matched and %d unmatched addresses", c.matched, c.addrs-c.matched)
		}
		if tool != "" {
			c = compareMMDBLookup(t, tool, path, addrs, want)
			t.Logf("as of %s: mmdblookup compared with lookup on %d addresses (%d matched)", asOf, c.addrs, c.matched)
		}
	}
	skipMMDBLookup(t, tool)
}

// TestExportRefusals covers the command's usage errors and the file it
// must not leave behind.
func TestExportRefusals(t *testing.T) {
	var out, errb bytes.Buffer
	e := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Atlas: os.DirFS(export.FixtureAtlas)}
	empty := t.TempDir()
	fixture := fixtureDir(t)
	target := filepath.Join(t.TempDir(), "x.mmdb")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "--out", target}, 2, "--format must be mmdb or jsonl"},
		{[]string{"export", "--format", "csv", "--out", target}, 2, "--format must be mmdb or jsonl"},
		{[]string{"export", "--format", "mmdb"}, 2, "--out FILE is required"},
		{[]string{"export", "--format", "mmdb", "--out", target, "--as-of", "1969"}, 2, "--as-of"},
		{[]string{"export", "--format", "jsonl", "--out", target, "--as-of", "2020"}, 2, "--as-of and --current-ranges apply to --format mmdb"},
		{[]string{"export", "--format", "mmdb", "--out", target, "--data-dir", fixture, "--as-of", "2015"}, 1, "no snapshot was in force on 2015-01-01"},
		{[]string{"export", "--format", "mmdb", "--out", target, "--data-dir", empty}, 1, "no range data loaded"},
		{[]string{"export", "--format", "jsonl", "--out", filepath.Join(empty, "no", "such", "dir", "a.jsonl")}, 1, "--out"},
	} {
		out.Reset()
		errb.Reset()
		if code := cli.Run(context.Background(), c.args, e); code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("a refused export left %s behind: %v", target, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestExportAtlasJSONL runs "export --format jsonl" to a file and to
// standard output: the same bytes, and the summary on stderr for "-".
func TestExportAtlasJSONL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "atlas.jsonl")
	out, _ := run(t, export.FixtureAtlas, "", "export", "--format", "jsonl", "--out", path)
	if !strings.Contains(out, "wrote "+path+" (jsonl):") || !strings.Contains(out, "statements") {
		t.Errorf("summary: %q", out)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stdout, _ := run(t, export.FixtureAtlas, "", "export", "--format", "jsonl", "--out", "-")
	if stdout != string(file) || !strings.HasPrefix(stdout, `{"type":"header","format":"cloudatlas-atlas","version":1,`) {
		t.Errorf("stdout differs from the file, or lacks the header:\n%.300s", stdout)
	}
}

// sharedRanges returns ../shared/data/ranges beside the repository, or
// skips the test (fails it when CLOUDATLAS_REQUIRE_SHARED=1).
func sharedRanges(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("../../../shared/data/ranges")
	if err == nil {
		if _, err = os.Stat(filepath.Join(dir, "aws", "ip-ranges.json")); err == nil {
			return dir
		}
	}
	if os.Getenv("CLOUDATLAS_REQUIRE_SHARED") == "1" {
		t.Fatalf("../shared/data/ranges is required (CLOUDATLAS_REQUIRE_SHARED=1) but missing: %v", err)
	}
	t.Skip("../shared/data/ranges not found beside the repository")
	return ""
}

// TestSharedExportAnswersLikeLookup exports the real feeds and routing
// data (about 800,000 routed intervals) with the embedded atlas and
// compares a random sample of their addresses with lookup.
func TestSharedExportAnswersLikeLookup(t *testing.T) {
	src := sharedRanges(t)
	tool := mmdblookup(t)
	dir := t.TempDir()
	run(t, "", "", "update", "--data-dir", dir, "--from", src)
	path := filepath.Join(t.TempDir(), "cloudatlas.mmdb")
	start := time.Now()
	out, _ := run(t, "", "", "export", "--format", "mmdb", "--out", path, "--data-dir", dir, "--as-of", "2026-02-01")
	took := time.Since(start)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("export: %s (%d bytes in %v)", strings.TrimSpace(out), fi.Size(), took.Round(100*time.Millisecond))
	if !strings.Contains(out, "16 feeds and 8") {
		t.Errorf("export summary: %s", out)
	}
	addrs := sample(t, dir, 150, 2)
	want := lookupAll(t, "", dir, addrs, "--as-of", "2026-02-01")
	c := compareReader(t, path, addrs, want)
	t.Logf("maxminddb-golang compared with lookup on %d real addresses (%d matched, %d unmatched)", c.addrs, c.matched, c.addrs-c.matched)
	if c.matched < 500 || c.addrs-c.matched < 20 {
		t.Errorf("the sample is too thin: %d matched and %d unmatched addresses", c.matched, c.addrs-c.matched)
	}
	skipMMDBLookup(t, tool)
	n := min(len(addrs), 400)
	c = compareMMDBLookup(t, tool, path, addrs[:n], want[:n])
	t.Logf("mmdblookup compared with lookup on %d real addresses (%d matched)", c.addrs, c.matched)
}
