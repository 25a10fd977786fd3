package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/dirlock"
	"github.com/cloudatlas/cloudatlas/internal/guard"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/testfs"
	"github.com/cloudatlas/cloudatlas/internal/update"
)

// awsFrom writes the fixture AWS file, edited by the replacements
// (old, new, old, new...), into a new directory and returns it.
func awsFrom(t *testing.T, replacements ...string) string {
	t.Helper()
	body := readFixture(t, "testdata/feeds/aws/ip-ranges.json")
	for i := 0; i < len(replacements); i += 2 {
		if !strings.Contains(body, replacements[i]) {
			t.Fatalf("fixture lacks %q", replacements[i])
		}
		body = strings.Replace(body, replacements[i], replacements[i+1], 1)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "aws", "ip-ranges.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const line52 = `    {"ip_prefix": "52.80.0.0/16", "region": "cn-north-1", "service": "AMAZON", "network_border_group": "cn-north-1"},` + "\n"

// TestUpdateRefusalsAsUsersSeeThem runs the reproductions of issue 13
// item 2 through the command line: each tampered AWS file is refused,
// naming the file and the reason, exit 1, and 52.80.0.1 keeps its answer.
func TestUpdateRefusalsAsUsersSeeThem(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds", "--feed", "aws")
	special := `{"ip_prefix": "100.64.0.0/10", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"},
    {"ip_prefix": "3.0.0.0/15"`
	cases := []struct {
		name, from, want string
	}{
		{"52.80.0.0/16 deleted under the same syncToken", awsFrom(t, line52, ""),
			"content changed under the same upstream id 1700000000 (sha256 "},
		{"a made-up region under the same syncToken", awsFrom(t, `"region": "us-east-1", "service": "S3"`, `"region": "us-made-up-1", "service": "S3"`),
			"content changed under the same upstream id 1700000000"},
		{"a newer syncToken with a createDate from 2019", awsFrom(t, "1700000000", "1700000001", "2026-01-02-03-04-05", "2019-01-02-03-04-05"),
			"upstream date went backwards (2019-01-02, current snapshot 1 is of 2026-01-02)"},
		{"shared address space", awsFrom(t, "1700000000", "1700000001", `{"ip_prefix": "3.0.0.0/15"`, special),
			"lists 1 prefix(es) in special-purpose address space, which no provider can hold: 100.64.0.0/10: inside shared address space (RFC 6598)"},
		{"more than 50% more prefixes", awsFrom(t, "1700000000", "1700000001", `{"ip_prefix": "3.0.0.0/15"`,
			`{"ip_prefix": "16.0.0.0/16", "region": "eu-west-1", "service": "EC2", "network_border_group": "eu-west-1"},
    {"ip_prefix": "16.1.0.0/16", "region": "eu-west-1", "service": "EC2", "network_border_group": "eu-west-1"},
    {"ip_prefix": "16.2.0.0/16", "region": "eu-west-1", "service": "EC2", "network_border_group": "eu-west-1"},
    {"ip_prefix": "3.0.0.0/15"`),
			"8 prefixes, up from 5 in snapshot 1 (more than 50% growth)"},
	}
	for _, c := range cases {
		r := runCmd(t, "", "update", "--data-dir", dir, "--from", c.from, "--feed", "aws")
		file := filepath.Join(c.from, "aws", "ip-ranges.json")
		if r.code != 1 || !strings.Contains(r.stderr, "aws              REFUSED: "+file+": "+c.want) ||
			!strings.Contains(r.stderr, ": refusing; use --force to accept\n") ||
			!strings.Contains(r.stderr, "cloudatlas update: 1 of 1 feeds failed; their previous snapshots stay in use") {
			t.Fatalf("%s: exit %d\n%s%s", c.name, r.code, r.stdout, r.stderr)
		}
		t.Logf("%s:\n%s", c.name, r.stderr)
		out := mustRun(t, "ip", "--data-dir", dir, "52.80.0.1")
		wantContains(t, out, "52.80.0.0/16         aws (aws-cn)  region cn-north-1", "snapshot 1, upstream 1700000000")
	}
	// Forced, the special-purpose prefix is dropped with a warning.
	r := runCmd(t, "", "update", "--data-dir", dir, "--from", cases[3].from, "--feed", "aws", "--force")
	if r.code != 0 || !strings.Contains(r.stderr, "aws              warning: dropped 100.64.0.0/10: inside shared address space (RFC 6598), not a cloud range") ||
		!strings.Contains(r.stdout, "aws              saved snapshot 2: 4 IPv4 + 1 IPv6 prefixes, upstream 1700000001") {
		t.Fatalf("forced: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCmd(t, "", "ip", "--data-dir", dir, "100.64.0.1"); r.code != 1 || !strings.Contains(r.stdout, "100.64.0.1: in no loaded feed") {
		t.Fatalf("a dropped prefix answers: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestUpdateFromSymlinkToDevZero is issue 13 item 3 as a user meets it.
func TestUpdateFromSymlinkToDevZero(t *testing.T) {
	from := t.TempDir()
	os.MkdirAll(filepath.Join(from, "aws"), 0o755)
	link := filepath.Join(from, "aws", "ip-ranges.json")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := runCmd(t, "", "update", "--data-dir", t.TempDir(), "--from", from, "--feed", "aws")
	want := "aws              FAILED: feed aws: " + link + ": a symbolic link to /dev/zero, outside " + from + ": only files inside the directory are read"
	if r.code != 1 || !strings.Contains(r.stderr, want) || time.Since(start) > 10*time.Second {
		t.Fatalf("exit %d after %s\n%s%s", r.code, time.Since(start), r.stdout, r.stderr)
	}
}

// TestUpdateWaitsForAnotherUpdate is issue 13 item 4 as a user meets it:
// a second update says who holds the data directory, and gives up after
// --lock-timeout.
func TestUpdateWaitsForAnotherUpdate(t *testing.T) {
	dir := t.TempDir()
	l, err := dirlock.TryAcquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	r := runCmd(t, "", "update", "--data-dir", dir, "--from", "testdata/feeds", "--lock-timeout", "200ms")
	if r.code != 1 ||
		!strings.Contains(r.stderr, "update: waiting for another update of this data directory (pid ") ||
		!strings.Contains(r.stderr, "to finish, for up to 200ms (--lock-timeout)\n") ||
		!strings.Contains(r.stderr, "cloudatlas update: "+filepath.Join(dir, "update.lock")+": another update holds the lock (pid ") ||
		!strings.Contains(r.stderr, "; gave up after waiting 2") || !strings.Contains(r.stderr, "(see --lock-timeout)") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("\n%s", r.stderr)
}

// TestFreshSetUpHasHistory is issue 14's "diff aws on a fresh set-up":
// update --from imports the history folder first, so diff has two
// snapshots to compare; a second import stores nothing new.
func TestFreshSetUpHasHistory(t *testing.T) {
	src := sharedRanges(t)
	dir := t.TempDir()
	out := mustRun(t, "update", "--data-dir", dir, "--from", src, "--feed", "aws,google-cloud,azure-public")
	wantContains(t, out,
		"aws              saved snapshot 1: 6955 IPv4 + 2056 IPv6 prefixes, upstream 1755827900 of 2025-08-22 (history/aws/ip-ranges.2025-08-22.json)\n",
		"aws              saved snapshot 2: 7886 IPv4 + 3103 IPv6 prefixes, upstream 1786806425 of 2026-08-15 (history/aws/ip-ranges.2026-08-15.json)\n",
		"aws              saved snapshot 3: 7905 IPv4 + 3108 IPv6 prefixes, upstream 1787411825 of 2026-08-22\n",
		"google-cloud     saved snapshot 4: 626 IPv4 + 44 IPv6 prefixes, upstream 1721937897288 of 2024-07-25 (history/google/cloud.2024-07-25.json)\n",
		"google-cloud     saved snapshot 6: 736 IPv4 + 46 IPv6 prefixes, upstream 1753409788780 of 2025-07-24\n",
		"azure-public     saved snapshot 7: 37500 IPv4 + 13379 IPv6 prefixes, upstream 364 of 2025-07-28 (history/azure/ServiceTags_Public_20250728.json)\n",
		"azure-public     saved snapshot 8: 38415 IPv4 + 13925 IPv6 prefixes, upstream 375 of 2025-10-28\n")
	out = mustRun(t, "diff", "aws", "--data-dir", dir, "--summary")
	wantContains(t, out, "aws: 1786806425 (2026-08-15) -> 1787411825 (2026-08-22)", "24 added, 0 removed, 41 moved")
	out = mustRun(t, "update", "--data-dir", dir, "--from", src, "--feed", "aws")
	wantContains(t, out,
		"aws              skipped: already stored as snapshot 1 (history/aws/ip-ranges.2025-08-22.json)\n",
		"aws              skipped: already stored as snapshot 2 (history/aws/ip-ranges.2026-08-15.json)\n",
		"aws              unchanged (snapshot 3, same sha256)\n")
}

// TestUpdateOnAFullDisk is issue 13 item 5: an update on a full disk used
// to delete index.bin and leave every reader failing. Now the update
// fails saying where and why, and readers keep answering.
func TestUpdateOnAFullDisk(t *testing.T) {
	mnt := testfs.Tmpfs(t, 4<<20)
	dir := filepath.Join(mnt, "data")
	mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds")
	// As the issue found it: no index file, and no room to write one.
	os.Remove(filepath.Join(dir, "index.bin"))
	filler := testfs.Fill(t, mnt)
	r := runCmd(t, "", "update", "--data-dir", dir, "--from", "testdata/feeds2", "--feed", "aws")
	if r.code != 1 || !(strings.Contains(r.stderr, "the disk is full (ENOSPC)") || strings.Contains(r.stderr, "no space left on device (ENOSPC)")) ||
		!strings.Contains(r.stderr, dir) {
		t.Fatalf("update on a full disk: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("\n%s", r.stderr)
	for _, args := range [][]string{{"ip", "--data-dir", dir, "52.80.0.1"}, {"feeds", "--data-dir", dir}} {
		if out := mustRun(t, args...); !strings.Contains(out, "aws") {
			t.Fatalf("%v on a full disk:\n%s", args, out)
		}
	}
	if r := runCmd(t, "52.80.0.1\n", "lookup", "--data-dir", dir, "--format", "csv", "--fields", "input,provider,region"); r.code != 0 ||
		r.stdout != "input,provider,region\n52.80.0.1,aws,cn-north-1\n" {
		t.Fatalf("lookup on a full disk: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.Remove(filler)
	if out := mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds2", "--feed", "aws"); !strings.Contains(out, "saved snapshot") {
		t.Fatalf("after freeing space:\n%s", out)
	}
}

// TestReadOnlyDataDir: a data dir mounted read-only, its index file gone,
// still answers (from the store).
func TestReadOnlyDataDir(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "update", "--data-dir", dir, "--from", "testdata/feeds")
	os.Remove(filepath.Join(dir, "index.bin"))
	ro := testfs.ReadOnly(t, dir)
	out := mustRun(t, "ip", "--data-dir", ro, "52.80.0.1")
	wantContains(t, out, "52.80.0.0/16         aws (aws-cn)  region cn-north-1")
	r := runCmd(t, "", "update", "--data-dir", ro, "--from", "testdata/feeds2", "--feed", "aws")
	if r.code != 1 || !strings.Contains(r.stderr, "read-only file system (EROFS)") {
		t.Fatalf("update on a read-only dir: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("\n%s", r.stderr)
}

// TestServeLogsUpdateResults: serve logs one structured record per feed.
func TestServeLogsUpdateResults(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	refusal := &guard.Refusal{Reason: guard.Shrank, File: "aws/ip-ranges.json", Detail: "only 1 prefixes"}
	logUpdate(log, update.Report{Results: []update.Result{
		{Feed: "aws", Status: update.Saved, Snapshot: store.SnapshotInfo{ID: 3, V4: 5, V6: 1, UpstreamID: "17"}},
		{Feed: "oracle", Status: update.Refused, Refusal: refusal, Err: refusal},
		{Feed: "fastly", Status: update.Failed, Err: errors.New("fetch: HTTP 503")},
	}, Index: errors.New("index: /d/index.bin: no space left on device (ENOSPC)")})
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, m)
	}
	if len(recs) != 4 || recs[0]["status"] != "saved" || recs[0]["snapshot"] != 3.0 ||
		recs[1]["level"] != "WARN" || recs[1]["reason"] != "shrank" || recs[1]["file"] != "aws/ip-ranges.json" ||
		recs[2]["err"] != "fetch: HTTP 503" || !strings.Contains(recs[3]["err"].(string), "ENOSPC") {
		t.Fatalf("log:\n%s", buf.String())
	}
	_ = context.Background
}
