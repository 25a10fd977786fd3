package store

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

func snapshot(feed, id string, day int, prefixes ...string) *ranges.Snapshot {
	s := &ranges.Snapshot{Feed: feed, UpstreamID: id, SHA256: feed + id,
		UpstreamDate: time.Date(2026, 8, day, 0, 0, 0, 0, time.UTC),
		Fetched:      time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC), Source: "test"}
	for _, p := range prefixes {
		s.Records = append(s.Records, ranges.Record{Prefix: netip.MustParsePrefix(p), Provider: "aws",
			Partition: "aws-cn", Services: []string{"EC2", "AMAZON"}, Region: "cn-north-1", Scope: "cn-north-1"})
	}
	return s
}

func TestSaveLoadCurrentHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first := snapshot("aws", "1", 15, "52.80.0.0/16", "2400:7fc0::/32")
	id1, err := db.Save(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := db.Save(ctx, snapshot("aws", "2", 22, "52.80.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Save(ctx, snapshot("oracle", "x", 1, "129.80.0.0/16")); err != nil {
		t.Fatal(err)
	}
	cur, err := db.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 2 || cur[0].Feed != "aws" || cur[0].ID != id2 || cur[1].Feed != "oracle" {
		t.Fatalf("current: %+v", cur)
	}
	hist, err := db.History(ctx, "aws")
	if err != nil || len(hist) != 2 || hist[0].ID != id1 || hist[0].V4 != 1 || hist[0].V6 != 1 || hist[0].Records != 2 {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	back, err := db.Load(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, first) {
		t.Fatalf("load changed the snapshot:\n got %+v\nwant %+v", back, first)
	}
	if _, err := db.Load(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing snapshot: %v", err)
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Save(ctx, snapshot("aws", "1", 15, "52.80.0.0/16")); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFetchState(ctx, "https://example/feed", `"e1"`, "Mon, 02 Jan 2026 15:04:05 GMT"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, dir) // migrations run again: must be a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cur, err := db.Current(ctx)
	if err != nil || len(cur) != 1 {
		t.Fatalf("after reopen: %+v %v", cur, err)
	}
	etag, lm, err := db.FetchState(ctx, "https://example/feed")
	if err != nil || etag != `"e1"` || lm == "" {
		t.Fatalf("fetch state: %q %q %v", etag, lm, err)
	}
	if etag, _, _ := db.FetchState(ctx, "https://example/other"); etag != "" {
		t.Fatalf("unknown URL has state %q", etag)
	}
}
