package bulletin

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/mailer"
	"github.com/cloudatlas/cloudatlas/internal/mailtest"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/subscription"
)

var (
	sendNow = time.Date(2017, 11, 21, 8, 0, 0, 0, time.UTC)
	sendDay = time.Date(2017, 11, 15, 0, 0, 0, 0, time.UTC)
)

func loadAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	sub, err := fs.Sub(data.Atlas, "atlas")
	if err != nil {
		tb.Fatal(err)
	}
	a, err := atlas.Load(sub)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func record(prefix, region string) ranges.Record {
	return ranges.Record{Prefix: netip.MustParsePrefix(prefix), Provider: "aws", Partition: "aws", Region: region}
}

// setup makes a data dir with two AWS snapshots (the second in force
// from sendDay) and n confirmed daily subscribers.
func setup(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for i, s := range []*ranges.Snapshot{
		{Feed: "aws", UpstreamDate: sendDay.AddDate(0, 0, -5), SHA256: "a", Fetched: sendNow,
			Records: []ranges.Record{record("52.80.0.0/16", "cn-north-1")}},
		{Feed: "aws", UpstreamDate: sendDay.Add(time.Hour), SHA256: "b", Fetched: sendNow,
			Records: []ranges.Record{record("52.80.0.0/16", "cn-north-1"), record("52.82.0.0/17", "cn-northwest-1")}},
	} {
		s.UpstreamID = fmt.Sprint(i + 1)
		if _, err := db.Save(ctx, s); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range n {
		addr := fmt.Sprintf("reader%03d@example.org", i)
		sub, err := db.Subscribe(ctx, addr, addr, Daily, fmt.Sprintf("nonce%d", i), sendNow)
		if err != nil {
			tb.Fatal(err)
		}
		if ok, err := db.Confirm(ctx, addr, Daily, sub.Nonce, sendNow); err != nil || !ok {
			tb.Fatalf("confirm %s: %v %v", addr, ok, err)
		}
	}
	return dir
}

// service returns a sending service over dir and the SMTP server addr.
func service(tb testing.TB, dir, addr string, a *atlas.Atlas) (*Service, *store.DB) {
	tb.Helper()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	m, err := mailer.New(mailer.Config{Addr: addr, From: "digests@atlas.example.org", StartTLS: mailer.TLSOff})
	if err != nil {
		tb.Fatal(err)
	}
	signer, _ := subscription.NewSigner([]byte(strings.Repeat("k", 32)))
	base, _ := url.Parse("https://atlas.example.org")
	svc, err := New(Config{DB: db, Dir: dir, Atlas: a, Now: func() time.Time { return sendNow }, Mailer: m,
		Signer: signer, BaseURL: base})
	if err != nil {
		tb.Fatal(err)
	}
	return svc, db
}

// TestSendChild is the sender that TestSendKilled runs as a child
// process and kills; it does nothing in a normal test run.
func TestSendChild(t *testing.T) {
	dir, addr := os.Getenv("BULLETIN_CHILD_DIR"), os.Getenv("BULLETIN_CHILD_SMTP")
	if dir == "" {
		t.Skip("runs only as the child of TestSendKilled")
	}
	svc, _ := service(t, dir, addr, loadAtlas(t))
	rep, err := svc.SendDaily(context.Background(), sendDay)
	fmt.Printf("child report: %+v, err %v\n", rep, err)
}

// runChild runs TestSendChild against dir and the server at addr,
// with pid set once it started, and waits for it to end.
func runChild(t *testing.T, dir, addr string, pid *atomic.Int64) error {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSendChild$", "-test.v")
	cmd.Env = append(os.Environ(), "BULLETIN_CHILD_DIR="+dir, "BULLETIN_CHILD_SMTP="+addr)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid.Store(int64(cmd.Process.Pid))
	err := cmd.Wait()
	t.Logf("child: %v\n%s", err, out.String())
	return err
}

// perRecipient counts the accepted messages per recipient and checks
// that copies of one recipient's mail share their Message-ID.
func perRecipient(t *testing.T, msgs []mailtest.Message) map[string]int {
	t.Helper()
	count := map[string]int{}
	ids := map[string]string{}
	for _, m := range msgs {
		h, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		id := h.Header.Get("Message-Id")
		for _, to := range m.To {
			count[to]++
			if prev, ok := ids[to]; ok && prev != id {
				t.Errorf("%s got two different Message-IDs: %s and %s", to, prev, id)
			}
			ids[to] = id
		}
	}
	return count
}

const subscribers = 120

// TestSendKilled kills the sender (SIGKILL) while the server is
// receiving message 57 of 120, before the server accepts it, then sends
// again: every subscriber gets exactly one mail, and a third run sends
// nothing.
func TestSendKilled(t *testing.T) {
	const killAt = 57
	dir := setup(t, subscribers)
	var pid atomic.Int64
	srv := mailtest.Start(t, mailtest.Options{BeforeAccept: func(n int, m mailtest.Message) error {
		if n == killAt && pid.Load() != 0 {
			syscall.Kill(int(pid.Load()), syscall.SIGKILL)
			return mailtest.ErrDropped // the sender is gone before the reply
		}
		return nil
	}})
	err := runChild(t, dir, srv.Addr, &pid)
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v", err)
	}
	if got := len(srv.Messages()); got != killAt-1 {
		t.Fatalf("%d messages accepted before the kill, want %d", got, killAt-1)
	}
	svc, db := service(t, dir, srv.Addr, loadAtlas(t))
	counts, _ := db.OutboxCounts(context.Background(), Daily, "2017-11-15")
	if counts[store.OutSent] != killAt-1 || counts[store.OutSending] != 1 || counts[store.OutQueued] != subscribers-killAt {
		t.Fatalf("outbox after the kill: %v", counts)
	}
	pid.Store(0)
	rep, err := svc.SendDaily(context.Background(), sendDay)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Queued || rep.Recovered != 1 || rep.Sent != subscribers-killAt+1 || rep.Remaining != 0 {
		t.Fatalf("second run: %+v", rep)
	}
	got := perRecipient(t, srv.Messages())
	for i := range subscribers {
		addr := fmt.Sprintf("reader%03d@example.org", i)
		if got[addr] != 1 {
			t.Errorf("%s got %d mails, want 1", addr, got[addr])
		}
	}
	rep, err = svc.SendDaily(context.Background(), sendDay)
	if err != nil || rep.Sent != 0 || rep.Recovered != 0 {
		t.Fatalf("third run: %+v %v", rep, err)
	}
	if n := len(srv.Messages()); n != subscribers {
		t.Fatalf("%d messages in all, want %d", n, subscribers)
	}
}

// TestSendKilledAfterAccept kills the sender right after the server
// accepted message 30 and before the sender heard so: the one window in
// which SMTP cannot tell. That subscriber's mail is sent again with the
// same Message-ID (so a receiver can drop the copy); everyone else gets
// exactly one.
func TestSendKilledAfterAccept(t *testing.T) {
	const killAt = 30
	dir := setup(t, 60)
	var pid atomic.Int64
	srv := mailtest.Start(t, mailtest.Options{BeforeAccept: func(n int, m mailtest.Message) error {
		if n == killAt && pid.Load() != 0 {
			syscall.Kill(int(pid.Load()), syscall.SIGKILL)
		}
		return nil // accepted, but the reply never reaches the sender
	}})
	runChild(t, dir, srv.Addr, &pid)
	pid.Store(0)
	svc, _ := service(t, dir, srv.Addr, loadAtlas(t))
	rep, err := svc.SendDaily(context.Background(), sendDay)
	if err != nil || rep.Recovered != 1 {
		t.Fatalf("second run: %+v %v", rep, err)
	}
	got := perRecipient(t, srv.Messages())
	for i := range 60 {
		addr := fmt.Sprintf("reader%03d@example.org", i)
		want := 1
		if i == killAt-1 {
			want = 2
		}
		if got[addr] != want {
			t.Errorf("%s got %d mails, want %d", addr, got[addr], want)
		}
	}
}

// TestSendPermanentRefusal records a 5xx for one recipient as failed and
// goes on with the others; a rerun does not try it again.
func TestSendPermanentRefusal(t *testing.T) {
	dir := setup(t, 5)
	srv := mailtest.Start(t, mailtest.Options{RejectRcpt: func(to string) error {
		if to == "reader002@example.org" {
			return mailtest.ErrNoMailbox
		}
		return nil
	}})
	svc, _ := service(t, dir, srv.Addr, loadAtlas(t))
	rep, err := svc.SendDaily(context.Background(), sendDay)
	if err != nil || rep.Sent != 4 || rep.Failed != 1 {
		t.Fatalf("send: %+v %v", rep, err)
	}
	rep, err = svc.SendDaily(context.Background(), sendDay)
	if err != nil || rep.Sent != 0 || rep.Failed != 0 {
		t.Fatalf("rerun: %+v %v", rep, err)
	}
}

// TestSendServerDown leaves every mail queued when the server cannot be
// reached, and sends them all once it can.
func TestSendServerDown(t *testing.T) {
	dir := setup(t, 3)
	svc, _ := service(t, dir, "127.0.0.1:1", loadAtlas(t))
	if _, err := svc.SendDaily(context.Background(), sendDay); err == nil || !mailer.IsTemporary(err) {
		t.Fatalf("send to a closed port: %v, want a temporary error", err)
	}
	srv := mailtest.Start(t, mailtest.Options{})
	svc, _ = service(t, dir, srv.Addr, loadAtlas(t))
	rep, err := svc.SendDaily(context.Background(), sendDay)
	if err != nil || rep.Sent != 3 {
		t.Fatalf("send once up: %+v %v", rep, err)
	}
}
