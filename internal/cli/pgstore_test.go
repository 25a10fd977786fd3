package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/index"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/store/pgtest"
)

// awsFeed writes a ranges directory holding one synthetic AWS feed, in
// version v: 52.80.0.0/16 is in region, and the feed's own id and date
// move on with v, so that an update takes it as a newer snapshot.
func awsFeed(t *testing.T, v int, region string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("v%d", v))
	if err := os.MkdirAll(filepath.Join(dir, "aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"syncToken": "%d", "createDate": "2026-01-%02d-03-04-05", "prefixes": [
  {"ip_prefix": "52.80.0.0/16", "region": %q, "service": "EC2", "network_border_group": %q},
  {"ip_prefix": "3.0.0.0/15", "region": "us-east-1", "service": "AMAZON", "network_border_group": "us-east-1"}
], "ipv6_prefixes": [
  {"ipv6_prefix": "2400:7fc0::/32", "region": %q, "service": "EC2", "network_border_group": %q}
]}`, 1700000000+v, 10+v, region, region, region, region)
	if err := os.WriteFile(filepath.Join(dir, "aws", "ip-ranges.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestUpdateAndLookupOnPostgres: an update into a PostgreSQL store
// through one data directory is what ip and lookup answer through
// another, which holds no database of its own; a newer update makes the
// other directory's index file stale, and it is rebuilt, not used.
func TestUpdateAndLookupOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	writer, reader := filepath.Join(t.TempDir(), "new"), t.TempDir() // writer: a data dir not made yet
	mustRun(t, "update", "--data-dir", writer, "--store", url, "--from", "testdata/feeds")
	for _, dir := range []string{writer, reader} {
		if _, err := os.Stat(filepath.Join(dir, store.DBFile)); err == nil {
			t.Errorf("%s: an SQLite database was created beside the PostgreSQL store", dir)
		}
	}
	out := mustRun(t, "ip", "--data-dir", reader, "--store", url, "52.80.0.1")
	wantContains(t, out, "52.80.0.0/16", "cn-north-1")
	ix, err := index.Read(filepath.Join(reader, index.File))
	if err != nil || !strings.HasPrefix(ix.Store(), "store ") {
		t.Fatalf("reader's index file: %v, store tag %q", err, ix.Store())
	}
	r := runCmd(t, "52.80.0.1\n3.0.5.9\n", "lookup", "--data-dir", reader, "--store", url, "-")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `"region":"cn-north-1"`) {
		t.Errorf("lookup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The same data dir with its own SQLite store does not answer from
	// the PostgreSQL store's index file.
	if r := runCmd(t, "", "ip", "--data-dir", reader, "52.80.0.1"); r.code == 0 {
		t.Errorf("ip on the empty SQLite store answered from an index file of another store:\n%s", r.stdout)
	}

	// v1, then v2 moves 52.80.0.0/16 to another region.
	mustRun(t, "update", "--data-dir", writer, "--store", url, "--from", awsFeed(t, 1, "cn-north-1"), "--feed", "aws", "--force")
	mustRun(t, "ip", "--data-dir", reader, "--store", url, "52.80.0.1")
	mustRun(t, "update", "--data-dir", writer, "--store", url, "--from", awsFeed(t, 2, "cn-northwest-1"), "--feed", "aws")
	out = mustRun(t, "ip", "--data-dir", reader, "--store", url, "52.80.0.1")
	wantContains(t, out, "cn-northwest-1")
	// $CLOUDATLAS_STORE works as --store does; a bad one is named.
	var buf strings.Builder
	e := &Env{Stdin: strings.NewReader(""), Stdout: &buf, Stderr: &buf, Now: time.Now,
		Getenv: func(k string) string {
			if k == "CLOUDATLAS_STORE" {
				return url
			}
			return ""
		}}
	if code := Run(t.Context(), []string{"feeds", "--data-dir", reader}, e); code != 0 || !strings.Contains(buf.String(), "aws") {
		t.Errorf("feeds with $CLOUDATLAS_STORE: exit %d\n%s", code, buf.String())
	}
	r = runCmd(t, "", "feeds", "--data-dir", reader, "--store", "mysql://db/x")
	if r.code != 2 || !strings.Contains(r.stderr, `--store: store URL "mysql://db/x"`) {
		t.Errorf("bad --store: exit %d\n%s", r.code, r.stderr)
	}
}

// answer is the part of a /v1/ip answer that must come from one
// generation of the data: the region, the snapshot and the feed's own id.
type answerKey struct {
	Region, UpstreamID string
	Snapshot           int64
}

func ipAnswer(client *http.Client, base string) (answerKey, error) {
	resp, err := client.Get(base + "v1/ip/52.80.0.1")
	if err != nil {
		return answerKey{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answerKey{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return answerKey{}, fmt.Errorf("%s: %d %s", base, resp.StatusCode, b)
	}
	var v struct {
		Matches []struct {
			Region     string `json:"region"`
			Snapshot   int64  `json:"snapshot"`
			UpstreamID string `json:"upstream_id"`
		} `json:"matches"`
		Whois []struct {
			Place struct {
				Region string `json:"region"`
			} `json:"place"`
		} `json:"whois"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return answerKey{}, fmt.Errorf("%s: %v", base, err)
	}
	if len(v.Matches) != 1 || len(v.Whois) != 1 || v.Whois[0].Place.Region != v.Matches[0].Region {
		return answerKey{}, fmt.Errorf("%s: an answer mixing data: %s", base, b)
	}
	m := v.Matches[0]
	return answerKey{Region: m.Region, UpstreamID: m.UpstreamID, Snapshot: m.Snapshot}, nil
}

// TestReplicasFollowAnUpdate runs three servers on one PostgreSQL store,
// each with its own data directory, under a load loop, and updates the
// store through the command line: no request fails, every answer is
// wholly the old data or wholly the new, and all three serve the new
// data within seconds. They reload on the update's NOTIFY alone
// (--reload-every 0).
func TestReplicasFollowAnUpdate(t *testing.T) {
	url := pgtest.URL(t)
	updater := t.TempDir()
	mustRun(t, "update", "--data-dir", updater, "--store", url, "--from", awsFeed(t, 1, "cn-north-1"), "--feed", "aws")
	var replicas []*served
	for range 3 {
		s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--store", url,
			"--bootstrap-timeout", "0", "--reload-every", "0", "--anonymous-rpm", "0") // a load loop: no anonymous limit
		replicas = append(replicas, s)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	old, err := ipAnswer(client, replicas[0].base)
	if err != nil || old.Region != "cn-north-1" {
		t.Fatalf("before the update: %+v, %v", old, err)
	}
	for _, s := range replicas {
		waitFor(t, s, "listening for new range data")
		if got, err := ipAnswer(client, s.base); err != nil || got != old {
			t.Fatalf("replica %s before the update: %+v, %v; want %+v", s.base, got, err, old)
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var requests atomic.Int64
	var mu sync.Mutex
	seen := map[answerKey]int{}
	var failures []error
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				got, err := ipAnswer(client, replicas[i%len(replicas)].base)
				requests.Add(1)
				mu.Lock()
				if err != nil {
					failures = append(failures, err)
				} else {
					seen[got]++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	mustRun(t, "update", "--data-dir", updater, "--store", url, "--from", awsFeed(t, 2, "cn-northwest-1"), "--feed", "aws")
	committed := time.Now()
	var fresh answerKey
	for _, s := range replicas {
		for {
			got, err := ipAnswer(client, s.base)
			if err == nil && got != old {
				fresh = got
				break
			}
			if time.Since(committed) > 10*time.Second {
				t.Fatalf("replica %s still serves %+v (%v) 10s after the update\n%s", s.base, got, err, s.errb.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Logf("all three replicas serve the new data %v after the update returned", time.Since(committed).Round(time.Millisecond))
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed, first: %v", len(failures), requests.Load(), failures[0])
	}
	if fresh.Region != "cn-northwest-1" || fresh.UpstreamID != "1700000002" || fresh.Snapshot <= old.Snapshot {
		t.Errorf("new answer %+v after %+v", fresh, old)
	}
	for k, n := range seen {
		if k != old && k != fresh {
			t.Errorf("%d answers %+v are neither the old data %+v nor the new %+v", n, k, old, fresh)
		}
	}
	if seen[old] == 0 || seen[fresh] == 0 {
		t.Errorf("the load loop saw %v: want answers from both before and after", seen)
	}
	t.Logf("%d requests: %v", requests.Load(), seen)
}

// waitFor waits until a server's log has line.
func waitFor(t *testing.T, s *served, line string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.errb.String(), line); {
		if time.Now().After(deadline) {
			t.Fatalf("server %s never logged %q:\n%s", s.base, line, s.errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReplicaChecksTheStorePeriodically: data saved without an
// announcement (a lost notification) reaches a replica at its next
// periodic check of the store's generation.
func TestReplicaChecksTheStorePeriodically(t *testing.T) {
	url := pgtest.URL(t)
	mustRun(t, "update", "--data-dir", t.TempDir(), "--store", url, "--from", awsFeed(t, 1, "cn-north-1"), "--feed", "aws")
	s := startServe(t, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--store", url,
		"--bootstrap-timeout", "0", "--reload-every", "100ms", "--anonymous-rpm", "0")
	client := &http.Client{Timeout: 5 * time.Second}
	old, err := ipAnswer(client, s.base)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Place{Dir: t.TempDir(), URL: url}.Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snap, err := db.Load(t.Context(), old.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	for i := range snap.Records {
		snap.Records[i].Region = "cn-northwest-1"
	}
	snap.UpstreamID, snap.SHA256 = "quiet", "quiet"
	id, err := db.Save(t.Context(), snap) // no Announce
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, err := ipAnswer(client, s.base)
		if err == nil && got == (answerKey{Region: "cn-northwest-1", UpstreamID: "quiet", Snapshot: id}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %+v (%v) 5s after a save without notification\n%s", got, err, s.errb.String())
		}
	}
}

// TestUpdatesOfASharedStoreTakeTurns: an update from one data directory
// waits while another, from another data directory, is writing to the
// same PostgreSQL store, says so, gives up after --lock-timeout, and runs
// once the other is done.
func TestUpdatesOfASharedStoreTakeTurns(t *testing.T) {
	url := pgtest.URL(t)
	ctx := t.Context()
	other, err := store.Place{Dir: t.TempDir(), URL: url}.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	release, err := other.LockUpdates(ctx, 0, nil) // the other update, from its own data dir
	if err != nil {
		t.Fatal(err)
	}
	feeds := awsFeed(t, 1, "cn-north-1")
	r := runCmd(t, "", "update", "--data-dir", t.TempDir(), "--store", url, "--from", feeds, "--feed", "aws", "--lock-timeout", "300ms")
	if r.code == 0 || !strings.Contains(r.stderr, "waiting for another update of the shared store") ||
		!strings.Contains(r.stderr, "another update is still writing to it") || !strings.Contains(r.stderr, "--lock-timeout") {
		t.Errorf("update while the store's update lock is held: exit %d\n%s", r.code, r.stderr)
	}
	release()
	mustRun(t, "update", "--data-dir", t.TempDir(), "--store", url, "--from", feeds, "--feed", "aws", "--lock-timeout", "0")
}
