package digest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/data"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

var (
	atlasOnce sync.Once
	embedded  *atlas.Atlas
)

func testAtlas(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	atlasOnce.Do(func() {
		sub, _ := fs.Sub(data.Atlas, "atlas")
		var err error
		if embedded, err = atlas.Load(sub); err != nil {
			tb.Fatal(err)
		}
	})
	return embedded
}

func r(prefix, partition, region, scope string, services ...string) ranges.Record {
	return ranges.Record{Prefix: netip.MustParsePrefix(prefix), Provider: "aws", Partition: partition,
		Region: region, Scope: scope, Services: services}
}

func snap(id int64, recs ...ranges.Record) *Snapshot {
	return &Snapshot{ID: id, Snapshot: &ranges.Snapshot{Feed: "aws", UpstreamID: fmt.Sprint(id), Records: recs}}
}

func TestWeeks(t *testing.T) {
	for _, c := range []struct {
		week, monday string
	}{{"2026-W01", "2025-12-29"}, {"2026-W34", "2026-08-17"}, {"2020-W53", "2020-12-28"}, {"2017-W46", "2017-11-13"}} {
		w, err := ParseWeek(c.week)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Monday().Format(time.DateOnly); got != c.monday || w.String() != c.week {
			t.Errorf("%s: Monday %s, want %s", c.week, got, c.monday)
		}
		for _, d := range w.Days() {
			if WeekOf(d) != w {
				t.Errorf("%s: day %s is in %s", c.week, d, WeekOf(d))
			}
		}
	}
	for _, bad := range []string{"2021-W53", "2026-W00", "2026-34", "2026-W3", "26-W34", "2026-Wxx", ""} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
}

func TestRoundupRanges(t *testing.T) {
	a := testAtlas(t)
	var added []ranges.Record
	for i := range 12 {
		added = append(added, r(fmt.Sprintf("52.83.%d.0/24", i), "aws-cn", "cn-northwest-1", ""))
	}
	old := snap(1, r("52.80.0.0/16", "aws-cn", "cn-north-1", "", "EC2"), r("52.82.0.0/17", "aws-cn", "cn-northwest-1", ""),
		r("3.5.0.0/16", "aws", "us-east-1", "us-east-1-atl-1"), r("15.0.0.0/16", "aws", "ap-east-1", ""))
	new := snap(2, append(added, r("52.80.0.0/16", "aws-cn", "cn-north-1", "", "EC2", "S3"), r("52.82.0.0/17", "aws-cn", "cn-northwest-1", ""),
		r("3.5.0.0/16", "aws", "us-east-1", ""), r("15.1.0.0/16", "aws", "ap-east-2", ""))...)
	day := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	got := BuildRoundup(a, day, []FeedInput{{Feed: "aws", Old: old, New: new}})
	var sentences []string
	for _, c := range got.Ranges {
		sentences = append(sentences, c.Sentence)
	}
	want := []string{
		"AWS lists a new region, ap-east-2, with 1 prefix.",
		"AWS no longer lists region ap-east-1, which had 1 prefix.",
		"AWS changed the services or placement of 1 prefix in us-east-1.",
		"AWS no longer lists scope us-east-1-atl-1 in us-east-1, which had 1 prefix.",
		"AWS added 12 prefixes to cn-northwest-1.",
		"AWS added service S3 to 1 prefix in cn-north-1.",
	}
	if strings.Join(sentences, "\n") != strings.Join(want, "\n") {
		t.Errorf("sentences:\n%s\nwant:\n%s", strings.Join(sentences, "\n"), strings.Join(want, "\n"))
	}
	if !got.Concerns("region/aws/cn-northwest-1") || !got.Concerns("provider/aws") {
		t.Errorf("roundup does not concern the region and provider: %v", got.Entities())
	}
	if got.Feeds[0].From.ID != 1 || got.Feeds[0].To.ID != 2 {
		t.Errorf("feeds: %+v", got.Feeds)
	}
	// Equal inputs in another order give the same bytes.
	rev := func(s *Snapshot) *Snapshot {
		c := *s.Snapshot
		c.Records = append([]ranges.Record(nil), s.Snapshot.Records...)
		for i, j := 0, len(c.Records)-1; i < j; i, j = i+1, j-1 {
			c.Records[i], c.Records[j] = c.Records[j], c.Records[i]
		}
		return &Snapshot{ID: s.ID, Snapshot: &c}
	}
	again := BuildRoundup(a, day.Add(13*time.Hour), []FeedInput{{Feed: "aws", Old: rev(old), New: rev(new)}})
	j1, _ := json.Marshal(got)
	j2, _ := json.Marshal(again)
	if !bytes.Equal(j1, j2) {
		t.Errorf("not deterministic:\n%s\n%s", j1, j2)
	}
	var t1, t2 bytes.Buffer
	WriteRoundupText(&t1, got)
	WriteRoundupText(&t2, again)
	if t1.String() != t2.String() {
		t.Error("text not deterministic")
	}
}

func TestRoundupFirstSnapshotAndQuiet(t *testing.T) {
	a := testAtlas(t)
	day := time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC)
	first := BuildRoundup(a, day, []FeedInput{{Feed: "aws", New: snap(1, r("52.80.0.0/16", "aws-cn", "cn-north-1", ""),
		r("3.5.0.0/16", "aws", "us-east-1", ""))}})
	if len(first.Ranges) != 2 || first.Ranges[1].Sentence != "The aws feed's first snapshot lists 1 prefix of AWS (aws-cn) in 1 region." {
		t.Errorf("first snapshot: %+v", first.Ranges)
	}
	quiet := BuildRoundup(a, day, nil)
	if !quiet.Quiet() {
		t.Fatalf("2026-08-21 is not quiet: %+v", quiet)
	}
	var b bytes.Buffer
	WriteRoundupText(&b, quiet)
	if !strings.Contains(b.String(), "Nothing changed on 2026-08-21") {
		t.Errorf("quiet text: %s", b.String())
	}
}

func TestRoundupAtlas(t *testing.T) {
	a := testAtlas(t)
	got := BuildRoundup(a, time.Date(2020, 8, 5, 0, 0, 0, 0, time.UTC), nil)
	if len(got.Atlas) == 0 || got.Atlas[0].Kind != KindEvent || !strings.HasPrefix(got.Atlas[0].Sentence, "US Clean Network programme") {
		t.Fatalf("2020-08-05: %+v", got.Atlas)
	}
	if len(got.Atlas[0].Sources) == 0 || !got.Concerns("event/us-clean-network-2020") {
		t.Errorf("event lacks sources or entity: %+v", got.Atlas[0])
	}
	// Every atlas day's roundup names what AtlasDays indexes.
	days := AtlasDays(a)
	if len(days[""]) < 100 {
		t.Fatalf("only %d atlas days", len(days[""]))
	}
	for _, d := range days["org/beijing-sinnet"] {
		day, _ := ParseDay(d)
		if !BuildRoundup(a, day, nil).Concerns("org/beijing-sinnet") {
			t.Errorf("%s is indexed for Sinnet but its roundup does not concern it", d)
		}
	}
}

func TestReadingList(t *testing.T) {
	a := testAtlas(t)
	w, _ := ParseWeek("2017-W46")
	var rs []*Roundup
	for _, d := range w.Days() {
		rs = append(rs, BuildRoundup(a, d, nil))
	}
	l := BuildReadingList(a, w, rs)
	if len(l.Readings) < 3 || l.From != "2017-11-13" || l.To != "2017-11-19" {
		t.Fatalf("list: %+v", l)
	}
	for i := 1; i < len(l.Highlights); i++ {
		if l.Highlights[i].Score > l.Highlights[i-1].Score {
			t.Errorf("highlights not ranked: %+v", l.Highlights)
		}
	}
	if len(l.Highlights) == 0 || !strings.Contains(l.Highlights[0].Sentence, "Sinnet") {
		t.Errorf("top change of 2017-W46: %+v", l.Highlights)
	}
	for _, rd := range l.Readings {
		if !w.Contains(readingTime(rd.Published)) {
			t.Errorf("reading %s of %s is not in the week", rd.Title, rd.Published)
		}
	}
}

func readingTime(s string) time.Time { t, _ := ParseDay(s); return t }

func TestImportanceOrder(t *testing.T) {
	if !(Importance(KindLawInForce, "", 0) > Importance(KindBegins, "operates", 0) &&
		Importance(KindBegins, "operates", 0) > Importance(KindRegionAppears, "", 0) &&
		Importance(KindRegionAppears, "", 0) > Importance(KindPrefixes, "", 5000) &&
		Importance(KindPrefixes, "", 5000) > Importance(KindPrefixes, "", 1)) {
		t.Error("importance order broken")
	}
}

func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"2026-W34", "2020-W53", "0000-W01", "9999-W52", "2026-W-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeek(s)
		if err != nil {
			return
		}
		if w.String() != s {
			t.Errorf("ParseWeek(%q) = %s", s, w)
		}
	})
}

func TestWrap(t *testing.T) {
	got := wrap(strings.Repeat("word ", 30), "  - ", 40)
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if len(line) > 40 {
			t.Errorf("line longer than 40: %q", line)
		}
	}
}
