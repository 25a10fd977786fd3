package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
)

func TestReadNames(t *testing.T) {
	in := "rank,name\n1,google.com\n2, 中国.cn \n\n# comment\nx,bad.com\n3,bad..name\n4,GOOGLE.com.\n5,ok.example\n"
	ins, bad, err := ReadNames(strings.NewReader(in), "top.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(ins)
	want := "[{2 google.com google.com 1} {3 中国.cn xn--fiqs8s.cn 2} {9 ok.example ok.example 5}]"
	if got != want {
		t.Errorf("inputs\n got %s\nwant %s", got, want)
	}
	wantBad := []string{
		`top.csv:6: rank "x": want a whole number from 1`,
		`top.csv:7: host name "bad..name": empty label`,
		`top.csv:8: google.com repeats line 2`,
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("bad lines %v", bad)
	}
	for i, w := range wantBad {
		if !strings.HasPrefix(bad[i].Error(), w) {
			t.Errorf("bad line %d: %q, want %q", i, bad[i].Error(), w)
		}
	}
	ins, _, _ = ReadNames(strings.NewReader("a.com\nb.com\n"), "-", true)
	if ins[1].Rank != 2 || ins[1].ASCII != "b.com" {
		t.Errorf("rank by line: %+v", ins)
	}
	ins, _, _ = ReadNames(strings.NewReader("a.com\n"), "-", false)
	if ins[0].Rank != 0 {
		t.Errorf("no rank: %+v", ins)
	}
}

func TestScan(t *testing.T) {
	head := `{"format":"cloudatlas-resolve/1","population":"p","started":"2026-12-01T00:00:00Z","resolvers":["x:53"]}` + "\n"
	rec := func(n string) string {
		return `{"name":"` + n + `","ascii":"` + n + `","chain":[],"a":["192.0.2.1"],"aaaa":[],"time":"2026-12-01T00:00:00Z","ms":1}` + "\n"
	}
	good := head + rec("a.test") + rec("b.test")
	h, recs, err := Read(strings.NewReader(good + `{"name":"c.te`))
	if err != nil || h.Population != "p" || len(recs) != 2 || recs[1].A[0].String() != "192.0.2.1" {
		t.Fatalf("torn last line: %v %+v %+v", err, h, recs)
	}
	for _, c := range []struct{ text, want string }{
		{head + "{bad\n" + rec("a.test"), "line 2: invalid character"},
		{rec("a.test") + head, "line 2: a header after the first line"},
		{head + rec("a.test") + rec("a.test"), "line 3: a.test was already written on line 2"},
		{head + `{"name":"x"}` + "\n", `line 2: a record without "ascii"`},
		{strings.Replace(head, "resolve/1", "resolve/9", 1), `line 1: format "cloudatlas-resolve/9"`},
	} {
		if _, _, err := Read(strings.NewReader(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.text, err, c.want)
		}
	}
}

func startPopulation(t *testing.T, n int) (*dnstest.Server, []string) {
	t.Helper()
	cfg, names := dnstest.Population(n)
	srv, err := dnstest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, names
}

func inputsOf(names []string) []Input {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	ins, _, _ := ReadNames(strings.NewReader(b.String()), "pop", true)
	return ins
}

func client(t *testing.T, addr string, rate float64) *dns.Client {
	t.Helper()
	c, err := dns.New(dns.Config{Servers: []string{addr}, Timeout: 500 * time.Millisecond, Rate: rate})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRunWritesInInputOrder(t *testing.T) {
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	names := []string{dnstest.Slow, dnstest.AkamaiChain, dnstest.NXDomain, dnstest.Loop, dnstest.V6Only, dnstest.IDN}
	ins := inputsOf(names)
	var buf bytes.Buffer
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	c, _ := dns.New(dns.Config{Servers: []string{srv.Addr}, Timeout: 100 * time.Millisecond, Retries: -1})
	st, err := Run(context.Background(), c, ins, &buf, Options{Concurrency: 4, Now: func() time.Time { return at }})
	if err != nil || st.Written != 6 || st.Failures() != 3 {
		t.Fatalf("%v %+v", err, st)
	}
	_, recs, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d %s %s %v %v %v %s", r.Rank, r.ASCII, r.Error, r.Chain, r.A, r.AAAA, r.Rcode))
	}
	want := []string{
		"1 slow.example.test timeout [] [] [] ",
		"2 www.example.test  [example.test.edgekey.net e123.a.akamaiedge.net] [23.50.0.1] [2600:1400::1] NOERROR",
		"3 missing.example.test nxdomain [] [] [] NXDOMAIN",
		"4 loop.example.test cname-loop [loop2.example.test] [] [] NOERROR",
		"5 v6.example.test  [] [] [2606:4700::6810:1] NOERROR",
		"6 xn--fiqs8s.example.test  [] [192.0.2.53] [] NOERROR",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("records\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if recs[5].Name != dnstest.IDN || !recs[0].Time.Equal(at) || recs[1].Resolver != srv.Addr || recs[1].MS <= 0 {
		t.Errorf("fields: %+v %+v", recs[5], recs[1])
	}
	if !strings.Contains(recs[0].Detail, "slow.example.test: timed out") {
		t.Errorf("detail %q", recs[0].Detail)
	}
}

// checkOnce reads the snapshot at path and checks that it holds each of
// names exactly once.
func checkOnce(t *testing.T, path string, names []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, recs, err := Read(f) // Read fails on a name written twice
	if err != nil {
		t.Fatal(err)
	}
	if h == nil || h.Format != Format {
		t.Fatalf("header %+v", h)
	}
	got := map[string]bool{}
	for _, r := range recs {
		got[r.ASCII] = true
	}
	for _, n := range names {
		if !got[n] {
			t.Fatalf("%s missing from the snapshot", n)
		}
	}
	if len(recs) != len(names) {
		t.Fatalf("%d records for %d names", len(recs), len(names))
	}
}

// TestResumeAfterCancel stops a run midway (as Ctrl-C does), resumes it,
// and checks every name is written exactly once.
func TestResumeAfterCancel(t *testing.T) {
	srv, names := startPopulation(t, 2000)
	path := filepath.Join(t.TempDir(), "snap.jsonl")
	c := client(t, srv.Addr, 0)
	ins := inputsOf(names)
	ctx, cancel := context.WithCancel(context.Background())
	f, ex, err := Append(path, Header{Population: "pop"})
	if err != nil || len(ex.Done) != 0 {
		t.Fatal(err, ex)
	}
	st, err := Run(ctx, c, ex.Todo(ins), f, Options{Concurrency: 16, Progress: func(s Stats) {
		if s.Written == 700 {
			cancel()
		}
	}})
	f.Close()
	if !errors.Is(err, context.Canceled) || st.Written < 700 || st.Written >= 2000 {
		t.Fatalf("first run: %v, %d written", err, st.Written)
	}
	first := st.Written
	f, ex, err = Append(path, Header{Population: "ignored"})
	if err != nil || len(ex.Done) != first || ex.Header.Population != "pop" {
		t.Fatalf("resume: %v, %d done of %d, header %+v", err, len(ex.Done), first, ex.Header)
	}
	todo := ex.Todo(ins)
	st, err = Run(context.Background(), c, todo, f, Options{})
	f.Close()
	if err != nil || st.Written != 2000-first || len(todo) != 2000-first {
		t.Fatalf("second run: %v, %+v", err, st)
	}
	checkOnce(t, path, names)
}

// TestResumeAfterKill kills a process that is writing a snapshot (no
// chance to flush or finish a line), resumes, and checks every name is
// written exactly once.
func TestResumeAfterKill(t *testing.T) {
	if os.Getenv("SNAPSHOT_KILL_CHILD") != "" {
		t.Skip("child")
	}
	srv, names := startPopulation(t, 3000)
	path := filepath.Join(t.TempDir(), "snap.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), "SNAPSHOT_KILL_CHILD="+srv.Addr, "SNAPSHOT_KILL_PATH="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once some lines are on disk (the child flushes every
	// second and runs at 1,000 queries a second, so about 500 names a
	// second: the whole run would take 6 s).
	deadline := time.Now().Add(20 * time.Second)
	for {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 20_000 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child wrote nothing: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	f, ex, err := Append(path, Header{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Done) == 0 || len(ex.Done) >= 3000 {
		t.Fatalf("%d names done when killed", len(ex.Done))
	}
	t.Logf("killed after %d names", len(ex.Done))
	ins := inputsOf(names)
	if _, err := Run(context.Background(), client(t, srv.Addr, 0), ex.Todo(ins), f, Options{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	checkOnce(t, path, names)
}

// TestKillChild is the process TestResumeAfterKill kills.
func TestKillChild(t *testing.T) {
	addr := os.Getenv("SNAPSHOT_KILL_CHILD")
	if addr == "" {
		t.Skip("run by TestResumeAfterKill")
	}
	_, names := dnstest.Population(3000)
	f, ex, err := Append(os.Getenv("SNAPSHOT_KILL_PATH"), Header{Population: "pop"})
	if err != nil {
		t.Fatal(err)
	}
	Run(context.Background(), client(t, addr, 1000), ex.Todo(inputsOf(names)), f, Options{})
	t.Fatal("the child should have been killed")
}

func TestAppendCutsTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.jsonl")
	head := `{"format":"cloudatlas-resolve/1","population":"p","started":"2026-12-01T00:00:00Z","resolvers":[]}` + "\n"
	rec := `{"name":"a.test","ascii":"a.test","chain":[],"a":[],"aaaa":[],"time":"2026-12-01T00:00:00Z","ms":1}` + "\n"
	os.WriteFile(path, []byte(head+rec+`{"name":"b.te`), 0o644)
	f, ex, err := Append(path, Header{})
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(strings.Replace(rec, "a.test", "b.test", 2))
	f.Close()
	b, _ := os.ReadFile(path)
	if string(b) != head+rec+strings.Replace(rec, "a.test", "b.test", 2) || len(ex.Done) != 1 {
		t.Fatalf("after append:\n%s", b)
	}
	os.WriteFile(path, []byte(head+"garbage\n"+rec), 0o644)
	if _, _, err := Append(path, Header{}); err == nil || !strings.Contains(err.Error(), "s.jsonl: line 2") {
		t.Fatalf("garbage line: %v", err)
	}
}

// FuzzReadNames checks that any input gives names that parse, each once,
// with bad lines numbered within the input.
func FuzzReadNames(f *testing.F) {
	f.Add("rank,name\n1,a.com\n2,b.com\n")
	f.Add("a.com\n\n#x\nbad..x\na.com\n中国.cn")
	f.Fuzz(func(t *testing.T, s string) {
		ins, bad, err := ReadNames(strings.NewReader(s), "f", true)
		if err != nil {
			return
		}
		lines := strings.Count(s, "\n") + 1
		seen := map[string]bool{}
		for _, in := range ins {
			if seen[in.ASCII] || in.ASCII == "" || in.Line < 1 || in.Line > lines {
				t.Fatalf("input %+v", in)
			}
			seen[in.ASCII] = true
		}
		for _, b := range bad {
			if b.Line < 1 || b.Line > lines {
				t.Fatalf("bad line %+v", b)
			}
		}
	})
}

// FuzzScan checks that Scan never panics and that the offsets it reports
// end lines.
func FuzzScan(f *testing.F) {
	f.Add(`{"format":"cloudatlas-resolve/1","population":"p","started":"2026-12-01T00:00:00Z"}` + "\n" +
		`{"name":"a.test","ascii":"a.test","chain":[],"a":["192.0.2.1"],"aaaa":[],"time":"2026-12-01T00:00:00Z","ms":1}` + "\n")
	f.Add("{\"name\":\"x\",\"ascii\":\"x\",\"a\":[\"bad\"]}\n")
	f.Fuzz(func(t *testing.T, s string) {
		Scan(strings.NewReader(s), func(h *Header, rec *Record, end int64) error {
			if end < 1 || end > int64(len(s)) || s[end-1] != '\n' {
				t.Fatalf("offset %d", end)
			}
			return nil
		})
	})
}
