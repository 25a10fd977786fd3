package store

import (
	"context"
	"testing"
	"time"
)

func TestDigestsSubscribersOutbox(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 8, 23, 6, 0, 0, 0, time.UTC)
	// A digest is kept as first built unless replaced.
	first, err := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-22", BuiltAt: now, Body: []byte(`{"a":1}`),
		Entities: []string{"provider/aws"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-22", BuiltAt: now.Add(time.Hour), Body: []byte(`{"a":2}`)}, false)
	if string(second.Body) != `{"a":1}` || !second.BuiltAt.Equal(first.BuiltAt) {
		t.Errorf("stored digest replaced: %s %v", second.Body, second.BuiltAt)
	}
	if refs, _ := db.DigestsAbout(ctx, "provider/aws"); len(refs) != 1 || refs[0].Key != "2026-08-22" {
		t.Errorf("DigestsAbout: %+v", refs)
	}
	replaced, _ := db.SaveDigest(ctx, Digest{List: "daily", Key: "2026-08-22", BuiltAt: now.Add(time.Hour), Body: []byte(`{"a":3}`)}, true)
	if string(replaced.Body) != `{"a":3}` {
		t.Errorf("replace: %s", replaced.Body)
	}
	// One confirmation mail per address at a time, whatever the list.
	a, _ := db.Subscribe(ctx, "Ada@example.org", "ada@example.org", "daily", "n1", now)
	b, _ := db.Subscribe(ctx, "ada@example.org", "ada@example.org", "weekly", "n2", now)
	if ok, _ := db.ClaimConfirmSend(ctx, a.ID, "ada@example.org", now.Add(-time.Minute), now); !ok {
		t.Fatal("first claim refused")
	}
	if ok, _ := db.ClaimConfirmSend(ctx, b.ID, "ada@example.org", now.Add(-time.Minute), now.Add(time.Second)); ok {
		t.Error("second claim within the window allowed")
	}
	if ok, _ := db.Confirm(ctx, "ada@example.org", "daily", "wrong", now); ok {
		t.Error("confirmed with a wrong nonce")
	}
	if ok, _ := db.Confirm(ctx, "ada@example.org", "daily", "n1", now); !ok {
		t.Error("confirm failed")
	}
	// The recipients are fixed once; a later subscriber is not added.
	queued, n, err := db.QueueIssue(ctx, "daily", "2026-08-22", now, func(id int64) string { return "m" })
	if err != nil || !queued || n != 1 {
		t.Fatalf("queue: %v %d %v", queued, n, err)
	}
	c, _ := db.Subscribe(ctx, "bob@example.org", "bob@example.org", "daily", "n3", now)
	db.Confirm(ctx, "bob@example.org", "daily", c.Nonce, now)
	if queued, _, _ := db.QueueIssue(ctx, "daily", "2026-08-22", now, func(int64) string { return "m" }); queued {
		t.Error("queued twice")
	}
	items, _ := db.Unsent(ctx, "daily", "2026-08-22")
	if len(items) != 1 || items[0].Subscriber.Email != "Ada@example.org" {
		t.Fatalf("unsent: %+v", items)
	}
	db.MarkOutbox(ctx, "daily", "2026-08-22", a.ID, OutSending, "", now)
	if items, _ := db.Unsent(ctx, "daily", "2026-08-22"); len(items) != 1 || items[0].State != OutSending || items[0].Attempts != 1 {
		t.Errorf("a row in sending is still unsent: %+v", items)
	}
	db.MarkOutbox(ctx, "daily", "2026-08-22", a.ID, OutSent, "250 ok", now)
	if items, _ := db.Unsent(ctx, "daily", "2026-08-22"); len(items) != 0 {
		t.Errorf("sent row still unsent: %+v", items)
	}
	// Unsubscribing, then subscribing again, starts over with a new nonce.
	db.Unsubscribe(ctx, "ada@example.org", "daily", "n1", now)
	again, _ := db.Subscribe(ctx, "ada@example.org", "ada@example.org", "daily", "n4", now)
	if again.State != SubPending || again.Nonce != "n4" {
		t.Errorf("resubscribe: %+v", again)
	}
}
