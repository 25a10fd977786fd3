package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/bulletin"
	"github.com/cloudatlas/cloudatlas/internal/digest"
	"github.com/cloudatlas/cloudatlas/internal/mailer"
	"github.com/cloudatlas/cloudatlas/internal/mailtest"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/store"
	"github.com/cloudatlas/cloudatlas/internal/subscription"
)

// digestNow is the clock of the digest tests: the Tuesday after ISO week
// 2017-W46, whose days have readings in the atlas and, in these tests,
// a new AWS snapshot.
var digestNow = time.Date(2017, 11, 21, 8, 0, 0, 0, time.UTC)

var (
	realAtlasOnce sync.Once
	realAtlas     *atlas.Atlas
)

// embeddedAtlas loads data/atlas once.
func embeddedAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	realAtlasOnce.Do(func() {
		sub, err := fs.Sub(data.Atlas, "atlas")
		if err != nil {
			tb.Fatal(err)
		}
		if realAtlas, err = atlas.Load(sub); err != nil {
			tb.Fatal(err)
		}
	})
	return realAtlas
}

func rec(prefix, region string, services ...string) ranges.Record {
	return ranges.Record{Prefix: netip.MustParsePrefix(prefix), Provider: "aws", Partition: "aws", Region: region,
		Services: services}
}

// saveSnapshots stores two AWS snapshots: one in force from 2017-11-10,
// and one from 2017-11-15 that adds two prefixes (one in a region the
// first lacked), drops one, and adds a service to another.
func saveSnapshots(tb testing.TB, db *store.DB) {
	tb.Helper()
	old := &ranges.Snapshot{Feed: "aws", UpstreamID: "1", UpstreamDate: time.Date(2017, 11, 10, 1, 0, 0, 0, time.UTC),
		SHA256: "old", Fetched: digestNow, Records: []ranges.Record{
			rec("52.80.0.0/16", "cn-north-1", "EC2"), rec("52.0.0.0/15", "us-east-1", "EC2"),
			rec("54.0.0.0/16", "us-east-1", "S3"),
		}}
	new := &ranges.Snapshot{Feed: "aws", UpstreamID: "2", UpstreamDate: time.Date(2017, 11, 15, 1, 0, 0, 0, time.UTC),
		SHA256: "new", Fetched: digestNow, Records: []ranges.Record{
			rec("52.80.0.0/16", "cn-north-1", "EC2"), rec("52.82.0.0/17", "cn-northwest-1", "EC2"),
			rec("52.0.0.0/15", "us-east-1", "EC2", "ROUTE53"), rec("3.80.0.0/12", "us-east-1", "EC2"),
		}}
	for _, s := range []*ranges.Snapshot{old, new} {
		if _, err := db.Save(context.Background(), s); err != nil {
			tb.Fatal(err)
		}
	}
}

// digestEnv is a running site with digests and, optionally, mail.
type digestEnv struct {
	srv  *Server
	svc  *bulletin.Service
	db   *store.DB
	ts   *httptest.Server
	mail *mailtest.Server
	base string
	now  time.Time
}

func newDigestEnv(tb testing.TB, withMail bool) *digestEnv {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	saveSnapshots(tb, db)
	env := &digestEnv{db: db, now: digestNow}
	var handler http.Handler
	env.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	tb.Cleanup(env.ts.Close)
	env.base = env.ts.URL
	base, _ := url.Parse(env.base)
	clock := func() time.Time { return env.now }
	log := slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := bulletin.Config{DB: db, Dir: dir, Atlas: embeddedAtlas(tb), Now: clock, Logger: log, BaseURL: base}
	if withMail {
		env.mail = mailtest.Start(tb, mailtest.Options{StartTLS: true, Username: "digests", Password: "s3cret"})
		cfg.Mailer, err = mailer.New(mailer.Config{Addr: env.mail.Addr, From: "digests@atlas.example.org",
			Username: "digests", Password: "s3cret", TLSConfig: env.mail.ClientTLS(), Timeout: 10 * time.Second})
		if err != nil {
			tb.Fatal(err)
		}
		if cfg.Signer, err = subscription.NewSigner([]byte(strings.Repeat("k", 32))); err != nil {
			tb.Fatal(err)
		}
	}
	if env.svc, err = bulletin.New(cfg); err != nil {
		tb.Fatal(err)
	}
	env.srv, err = New(Config{Load: staticLoader(&RangeData{}), Atlas: embeddedAtlas(tb), Logger: log, Now: clock,
		Digests: env.svc, Timeout: 30 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	handler = env.srv.Handler()
	return env
}

// fetch sends a real HTTP request to the running site.
func (env *digestEnv) fetch(tb testing.TB, method, target, form string) (int, http.Header, string) {
	tb.Helper()
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	if !strings.HasPrefix(target, "http") {
		target = env.base + target
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestRoundupPages(t *testing.T) {
	env := newDigestEnv(t, false)
	code, _, body := env.fetch(t, "GET", "/roundup/2017-11-15", "")
	if code != 200 {
		t.Fatalf("GET /roundup/2017-11-15: %d\n%s", code, body)
	}
	wantContains(t, body, "Roundup for 2017-11-15", "AWS lists a new region, cn-northwest-1, with 1 prefix.",
		"AWS added 1 prefix to us-east-1 and removed 1.", "AWS added service ROUTE53 to 1 prefix in us-east-1.",
		`href="/entity/region/aws/cn-northwest-1"`, "What changed</a>")
	// A quiet day says so; a bad date is a 400, a future one a 404.
	_, _, body = env.fetch(t, "GET", "/roundup/2017-11-16", "")
	wantContains(t, body, "Nothing changed on 2017-11-16")
	if code, _, _ := env.fetch(t, "GET", "/roundup/2017-13-01", ""); code != 400 {
		t.Errorf("bad date: %d, want 400", code)
	}
	if code, _, _ := env.fetch(t, "GET", "/roundup/2017-12-01", ""); code != 404 {
		t.Errorf("future date: %d, want 404", code)
	}
	// The atlas's own changes of a day: Sinnet's purchase of 13 November 2017.
	_, _, body = env.fetch(t, "GET", "/roundup/2017-11-13", "")
	wantContains(t, body, "Amazon Web Services sells assets to Beijing Sinnet Technology Co., Ltd.")
	// The index lists the days with changes, newest first.
	_, _, body = env.fetch(t, "GET", "/roundup", "")
	wantContains(t, body, `href="/roundup/2017-11-15"`, `href="/roundup/2017-11-13"`)
	// The reading list of the week has its readings and its changes.
	code, _, body = env.fetch(t, "GET", "/reading-list/2017-W46", "")
	if code != 200 {
		t.Fatalf("GET /reading-list/2017-W46: %d\n%s", code, body)
	}
	wantContains(t, body, "AWS quits China (The Register)", "https://www.theregister.com/2017/11/14/aws_quits_china/",
		"most important changes", "AWS lists a new region, cn-northwest-1")
	if code, _, _ := env.fetch(t, "GET", "/reading-list/2017-W54", ""); code != 400 {
		t.Errorf("bad week: %d, want 400", code)
	}
	_, _, body = env.fetch(t, "GET", "/reading-list", "")
	wantContains(t, body, `href="/reading-list/2017-W46"`)
	// The entity page lists the roundups and readings about it.
	_, _, body = env.fetch(t, "GET", "/entity/org/beijing-sinnet", "")
	wantContains(t, body, "What changed, and what to read", `href="/roundup/2017-11-13"`, "AWS quits China (The Register)",
		`href="/entity/org/beijing-sinnet.atom"`)
	// Mail is off on this server: the form is absent and /subscribe says why.
	if strings.Contains(body, `action="/subscribe"`) {
		t.Error("subscribe form shown on a server without mail")
	}
	if code, _, _ := env.fetch(t, "POST", "/subscribe", "email=ada%40example.org&list=daily"); code != 503 {
		t.Errorf("subscribe without mail: %d, want 503", code)
	}
}

func TestAtomFeedsParse(t *testing.T) {
	env := newDigestEnv(t, false)
	parse := func(path string) *gofeed.Feed {
		t.Helper()
		code, h, body := env.fetch(t, "GET", path, "")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("GET %s: %d %s\n%s", path, code, h.Get("Content-Type"), body)
		}
		f, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", path, err, body)
		}
		if f.FeedType != "atom" {
			t.Fatalf("%s: feed type %q", path, f.FeedType)
		}
		return f
	}
	f := parse("/roundup.atom")
	if len(f.Items) == 0 {
		t.Fatal("roundup feed has no entry")
	}
	stored, err := env.svc.Roundup(context.Background(), time.Date(2017, 11, 15, 0, 0, 0, 0, time.UTC), false)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, it := range f.Items {
		if !strings.HasPrefix(it.Link, env.base+"/roundup/") || !strings.HasPrefix(it.GUID, "urn:uuid:") {
			t.Errorf("entry %q: link %q, id %q: want an absolute link and a urn:uuid id", it.Title, it.Link, it.GUID)
		}
		if it.Link == env.base+"/roundup/2017-11-15" {
			found = true
			if !it.UpdatedParsed.Equal(stored.BuiltAt.Truncate(time.Second)) {
				t.Errorf("updated %v, want the roundup's build time %v", it.UpdatedParsed, stored.BuiltAt)
			}
			if !strings.Contains(it.Content, "cn-northwest-1") {
				t.Errorf("entry content lacks the change: %s", it.Content)
			}
		}
	}
	if !found {
		t.Error("roundup feed lacks 2017-11-15")
	}
	if !f.UpdatedParsed.Equal(f.Items[0].UpdatedParsed.Truncate(time.Second)) && f.UpdatedParsed.Before(*f.Items[0].UpdatedParsed) {
		t.Errorf("feed updated %v is before its newest entry", f.UpdatedParsed)
	}
	// Ids are stable: a later request, at a later time, gives the same.
	env.now = env.now.Add(3 * time.Hour)
	g := parse("/roundup.atom")
	if g.Items[0].GUID != f.Items[0].GUID || !g.Items[0].UpdatedParsed.Equal(*f.Items[0].UpdatedParsed) {
		t.Errorf("entry changed between requests: %s %v -> %s %v", f.Items[0].GUID, f.Items[0].UpdatedParsed,
			g.Items[0].GUID, g.Items[0].UpdatedParsed)
	}
	rl := parse("/reading-list.atom")
	if len(rl.Items) == 0 || rl.Items[0].Link != env.base+"/reading-list/2017-W46" {
		t.Errorf("reading-list feed: want 2017-W46 first, got %d entries", len(rl.Items))
	}
	ent := parse("/entity/org/beijing-sinnet.atom")
	var reading bool
	for _, it := range ent.Items {
		if it.Link == "https://www.theregister.com/2017/11/14/aws_quits_china/" {
			reading = true
		}
	}
	if !reading {
		t.Error("entity feed lacks the Sinnet reading")
	}
	if code, _, _ := env.fetch(t, "GET", "/entity/org/no-such-thing.atom", ""); code != 404 {
		t.Errorf("feed of an unknown entity: %d, want 404", code)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]*[^\s"<>.,;)]`)

// TestWeeklyMailEndToEnd subscribes through the page, confirms through
// the link of the confirmation mail, sends the weekly issue over real
// SMTP (STARTTLS and AUTH), checks its MIME and that its links work,
// sends again (nothing new), and unsubscribes by RFC 8058 one-click.
func TestWeeklyMailEndToEnd(t *testing.T) {
	env := newDigestEnv(t, true)
	code, _, body := env.fetch(t, "POST", "/subscribe", "email=Ada.Lovelace%40Example.org&list=weekly")
	if code != http.StatusAccepted {
		t.Fatalf("POST /subscribe: %d\n%s", code, body)
	}
	msgs := env.mail.Wait(1, 10*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("got %d confirmation mails, want 1", len(msgs))
	}
	conf := msgs[0]
	if !conf.TLS || conf.AuthUser != "digests" || conf.From != "digests@atlas.example.org" ||
		len(conf.To) != 1 || conf.To[0] != "Ada.Lovelace@Example.org" {
		t.Fatalf("confirmation envelope: %+v", conf)
	}
	p, err := mailtest.Parse(conf.Data)
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentType != "multipart/alternative" || strings.Join(p.Parts, ",") != "text/plain,text/html" {
		t.Fatalf("confirmation MIME: %s %v", p.ContentType, p.Parts)
	}
	link := linkRE.FindString(p.Text[strings.Index(p.Text, env.base+"/subscribe/confirm"):])
	if !strings.Contains(p.HTML, strings.ReplaceAll(link, "&", "&amp;")) {
		t.Errorf("HTML part lacks the confirmation link %s", link)
	}
	// Asking again at once sends nothing more (one pending confirmation).
	env.fetch(t, "POST", "/subscribe", "email=ada.lovelace%40example.org&list=weekly")
	// The link opens a page whose button confirms.
	code, _, body = env.fetch(t, "GET", link, "")
	if code != 200 || !strings.Contains(body, "Yes, subscribe") {
		t.Fatalf("GET confirmation link: %d\n%s", code, body)
	}
	tok, _ := url.Parse(link)
	code, _, body = env.fetch(t, "POST", "/subscribe/confirm", "token="+url.QueryEscape(tok.Query().Get("token")))
	if code != 200 || !strings.Contains(body, "Subscribed") {
		t.Fatalf("confirm: %d\n%s", code, body)
	}
	if n := len(env.mail.Messages()); n != 1 {
		t.Fatalf("%d mails after confirming, want still 1", n)
	}

	// The weekly issue goes out once.
	rep, err := env.svc.SendWeekly(context.Background(), digest.Week{Year: 2017, Num: 46})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Queued || rep.Recipients != 1 || rep.Sent != 1 {
		t.Fatalf("first send: %+v", rep)
	}
	msgs = env.mail.Wait(2, 10*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("got %d mails, want 2", len(msgs))
	}
	issue, err := mailtest.Parse(msgs[1].Data)
	if err != nil {
		t.Fatal(err)
	}
	h := issue.Header
	if !strings.HasPrefix(h.Get("Subject"), "cloudatlas reading list for 2017-W46") || h.Get("To") != "<Ada.Lovelace@Example.org>" {
		t.Errorf("subject %q, to %q", h.Get("Subject"), h.Get("To"))
	}
	if strings.Join(issue.Parts, ",") != "text/plain,text/html" {
		t.Errorf("issue parts %v", issue.Parts)
	}
	unsub := strings.Trim(h.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, env.base+"/unsubscribe?token=") || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe %q, List-Unsubscribe-Post %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
	}
	if !strings.HasPrefix(h.Get("List-Id"), "<weekly.127.0.0.1>") || !strings.Contains(h.Get("Message-Id"), "weekly.2017-W46.") {
		t.Errorf("List-Id %q, Message-ID %q", h.Get("List-Id"), h.Get("Message-Id"))
	}
	wantContains(t, issue.Text, "AWS quits China (The Register)", "AWS lists a new region, cn-northwest-1", unsub)
	wantContains(t, issue.HTML, "AWS quits China (The Register)", `href="`+env.base+`/entity/org/beijing-sinnet"`)
	// Every link to the site in either part works.
	links := map[string]bool{}
	for _, l := range linkRE.FindAllString(issue.Text+" "+strings.ReplaceAll(issue.HTML, "&amp;", "&"), -1) {
		if strings.HasPrefix(l, env.base) {
			links[l] = true
		}
	}
	if len(links) < 4 {
		t.Errorf("only %d site links in the issue: %v", len(links), links)
	}
	for l := range links {
		if code, _, _ := env.fetch(t, "GET", l, ""); code != 200 {
			t.Errorf("link %s: status %d", l, code)
		}
	}

	// Sending again sends nothing new.
	rep, err = env.svc.SendWeekly(context.Background(), digest.Week{Year: 2017, Num: 46})
	if err != nil || rep.Queued || rep.Sent != 0 {
		t.Fatalf("second send: %+v, %v", rep, err)
	}
	if n := len(env.mail.Messages()); n != 2 {
		t.Fatalf("%d mails after the second send, want 2", n)
	}

	// RFC 8058 one-click: a POST to the header's URL.
	code, _, body = env.fetch(t, "POST", unsub, "List-Unsubscribe=One-Click")
	if code != 200 || !strings.Contains(body, "Unsubscribed") {
		t.Fatalf("one-click unsubscribe: %d\n%s", code, body)
	}
	env.now = time.Date(2017, 11, 28, 8, 0, 0, 0, time.UTC)
	rep, err = env.svc.SendWeekly(context.Background(), digest.Week{Year: 2017, Num: 47})
	if err != nil || rep.Recipients != 0 {
		t.Fatalf("send after unsubscribing: %+v, %v", rep, err)
	}
	if n := len(env.mail.Messages()); n != 2 {
		t.Fatalf("%d mails after unsubscribing, want 2", n)
	}
}

func TestSubscribeBadInputAndThrottles(t *testing.T) {
	env := newDigestEnv(t, true)
	for _, form := range []string{
		"email=not-an-address&list=daily",
		"email=ada%40example.org&list=monthly",
		"email=Ada+%3Cada%40example.org%3E&list=daily",
		"email=ada%40example.org%0D%0ABcc%3A+victim%40example.org&list=daily",
		"email=ada%40%5B127.0.0.1%5D&list=daily",
		"email=&list=daily",
	} {
		if code, _, body := env.fetch(t, "POST", "/subscribe", form); code != 400 {
			t.Errorf("POST /subscribe %s: %d, want 400\n%s", form, code, body)
		}
	}
	if n := len(env.mail.Messages()); n != 0 {
		t.Fatalf("bad input sent %d mails", n)
	}
	// Five requests pass, the sixth from the same client is throttled;
	// the address got one confirmation mail however often it asked.
	for i := range 5 {
		if code, _, body := env.fetch(t, "POST", "/subscribe", "email=bob%40example.org&list=daily"); code != 202 {
			t.Fatalf("request %d: %d\n%s", i+1, code, body)
		}
	}
	code, h, _ := env.fetch(t, "POST", "/subscribe", "email=carol%40example.org&list=daily")
	if code != 429 || h.Get("Retry-After") == "" {
		t.Errorf("sixth request: %d (Retry-After %q), want 429", code, h.Get("Retry-After"))
	}
	if n := len(env.mail.Wait(1, 5*time.Second)); n != 1 {
		t.Errorf("%d confirmation mails for one address, want 1", n)
	}
	// An altered or expired link is refused.
	if code, _, _ := env.fetch(t, "GET", "/subscribe/confirm?token=abc.def", ""); code != 400 {
		t.Errorf("altered link: %d, want 400", code)
	}
	p, _ := mailtest.Parse(env.mail.Messages()[0].Data)
	link := linkRE.FindString(p.Text[strings.Index(p.Text, env.base+"/subscribe/confirm"):])
	env.now = env.now.Add(49 * time.Hour)
	if code, _, _ := env.fetch(t, "GET", link, ""); code != http.StatusGone {
		t.Errorf("expired link: %d, want 410", code)
	}
	// The pages never show subscribers.
	for _, path := range []string{"/roundup", "/reading-list", "/reading-list/2017-W46"} {
		if _, _, body := env.fetch(t, "GET", path, ""); strings.Contains(body, "bob@example.org") {
			t.Errorf("%s shows a subscriber's address", path)
		}
	}
}
