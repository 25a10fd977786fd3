package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/dns/dnstest"
	"github.com/cloudatlas/cloudatlas/internal/snapshot"
)

func TestResolveCommand(t *testing.T) {
	srv, err := dnstest.Start(dnstest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	in := filepath.Join(dir, "names.csv")
	os.WriteFile(in, []byte("rank,name\n1,www.example.test\n2,bad..name\n3,missing.example.test\n4,app.example.cn\n5,WWW.example.test\n"), 0o644)
	out := filepath.Join(dir, "snap.jsonl")
	r := runCmd(t, "", "resolve", in, "--out", out, "--resolver", srv.Addr, "--timeout", "200ms")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantContains(t, r.stderr,
		`names.csv:3: host name "bad..name": empty label (skipped)`,
		`names.csv:6: www.example.test repeats line 2 (skipped)`,
		"2 of 5 lines were not host names or repeated one")
	wantContains(t, r.stdout, "snap.jsonl: 3 names written (1 failed: nxdomain 1), 0 already there, 0 left")
	f, _ := os.Open(out)
	h, recs, err := snapshot.Read(f)
	f.Close()
	if err != nil || h.Population != "names.csv" || h.Resolvers[0] != srv.Addr || len(recs) != 3 {
		t.Fatalf("%v %+v %d records", err, h, len(recs))
	}
	if recs[0].Rank != 1 || recs[0].Chain[1] != "e123.a.akamaiedge.net" || recs[1].Error != "nxdomain" || recs[2].A[0].String() != "40.73.0.1" {
		t.Fatalf("records %+v", recs)
	}
	// Again, from standard input: everything is already there.
	r = runCmd(t, "www.example.test\napp.example.cn\nv6.example.test\n", "resolve", "-", "--out", out, "--resolver", srv.Addr)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantContains(t, r.stdout, "1 names written (no failures), 2 already there, 0 left")
}

func TestResolveUsage(t *testing.T) {
	for _, args := range [][]string{
		{"resolve", "names.txt"},
		{"resolve", "--out", "x", "--resolver", "[bad"},
		{"resolve", "--out", "x", "--concurrency", "0"},
	} {
		r := runCmd(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	r := runCmd(t, "", "resolve", "--out", filepath.Join(t.TempDir(), "x"), "--resolver", "127.0.0.1:1", "/no/such/file")
	if r.code != 1 || !strings.Contains(r.stderr, "/no/such/file") {
		t.Errorf("missing file: exit %d: %s", r.code, r.stderr)
	}
}
