package answer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseAsOf(s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAnswerJoinsEachPlaceOnce(t *testing.T) {
	j := New(fixtureAtlas(t))
	res := j.Answer(fixtureTable(), mustParse(t, "3.80.1.9"), day(t, "2020-06-01"), 0)
	if len(res.Matches) != 2 || len(res.Whois) != 1 {
		t.Fatalf("%d matches, %d places; want 2 ranges of one place", len(res.Matches), len(res.Whois))
	}
	w := res.Whois[0]
	if w.Place.Region != "us-east-1" || w.Found.Record.Prefix.String() != "3.80.1.0/24" || w.Err != nil {
		t.Errorf("place %+v found %v err %v", w.Place, w.Found.Record.Prefix, w.Err)
	}
	again := j.Answer(fixtureTable(), mustParse(t, "3.80.2.9"), day(t, "2020-06-01"), 0)
	if again.Whois[0].PlaceAnswer != w.PlaceAnswer {
		t.Error("the place answer of one place and day must be built once and shared")
	}
	other := j.Answer(fixtureTable(), mustParse(t, "3.80.2.9"), day(t, "2015-06-01"), 0)
	if other.Whois[0].PlaceAnswer == w.PlaceAnswer {
		t.Error("another day must get its own place answer")
	}
}

func TestResultJSONHasNoNullLists(t *testing.T) {
	j := New(fixtureAtlas(t))
	for _, in := range []string{"52.80.0.1", "192.0.2.1", "52.80.0.0/15"} {
		b, err := json.Marshal(j.Answer(fixtureTable(), mustParse(t, in), day(t, "2020-06-01"), 0))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "null") {
			t.Errorf("%s: JSON has null: %s", in, b)
		}
		var v struct {
			Query   string
			AsOf    string `json:"as_of"`
			Matches []map[string]any
			Whois   []struct {
				Place  map[string]string
				Prefix string
				Answer *struct{ Operators []struct{ Operator string } }
			}
		}
		if err := json.Unmarshal(b, &v); err != nil || v.Query != in || v.AsOf != "2020-06-01" || v.Matches == nil || v.Whois == nil {
			t.Errorf("%s: %v %s", in, err, b)
		}
	}
	b, _ := json.Marshal(j.Answer(fixtureTable(), mustParse(t, "52.80.0.1"), day(t, "2020-06-01"), 0))
	if !strings.Contains(string(b), `"operator":"org/sinnet"`) || !strings.Contains(string(b), `"place":{"provider":"aws","partition":"aws-cn","region":"cn-north-1"},"prefix":"52.80.0.0/16","feed":"aws","answer":{`) {
		t.Errorf("52.80.0.1: %s", b)
	}
}

func TestResolveTarget(t *testing.T) {
	j := New(fixtureAtlas(t))
	if tg, err := j.ResolveTarget(" 52.80.0.1 ", ""); err != nil || tg.Query == nil || tg.Query.Input != "52.80.0.1" {
		t.Errorf("address: %+v %v", tg, err)
	}
	if tg, err := j.ResolveTarget("cn-north-1", ""); err != nil || tg.Entity == nil || tg.Entity.ID != "region/aws/cn-north-1" {
		t.Errorf("unique region code: %+v %v", tg, err)
	}
	if tg, err := j.ResolveTarget("Sinnet", ""); err != nil || tg.Entity.ID != "org/sinnet" {
		t.Errorf("alias: %+v %v", tg, err)
	}
	_, err := j.ResolveTarget("us-east-1", "")
	if KindOf(err) != Ambiguous {
		t.Fatalf("shared region code: %v (kind %v)", err, KindOf(err))
	}
	cs := ChoicesOf(err)
	if len(cs) != 2 || cs[0].Provider == "" || cs[0].ID == cs[1].ID {
		t.Errorf("choices %+v", cs)
	}
	if tg, err := j.ResolveTarget("us-east-1", "alibaba"); err != nil || tg.Entity.ID != "region/alibaba/us-east-1" {
		t.Errorf("with provider: %+v %v", tg, err)
	}
	if _, err := j.ResolveTarget("us-east-9", "aws"); KindOf(err) != NotFound {
		t.Errorf("unknown region of a provider: %v", err)
	}
	if _, err := j.ResolveTarget("no-such-thing", ""); KindOf(err) != NotFound || !strings.Contains(err.Error(), `"no-such-thing"`) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := j.ResolveTarget("law/cn-nil", ""); KindOf(err) != Invalid {
		t.Errorf("a law has no whois answer: %v", err)
	}
	if _, err := j.ResolveTarget("  ", ""); KindOf(err) != Invalid {
		t.Errorf("blank: %v", err)
	}
}

func TestParseAsOf(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 4, 5, 0, time.UTC)
	if d, err := ParseAsOf("", now); err != nil || !d.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("default: %v %v", d, err)
	}
	if d, err := ParseAsOf("2016-09", now); err != nil || Day(d) != "2016-09-01" {
		t.Errorf("month: %v %v", d, err)
	}
	for _, bad := range []string{"0000-01-01", "1969-12-31", "2020-13-01", "yesterday"} {
		if _, err := ParseAsOf(bad, now); KindOf(err) != Invalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestAppendJSONIsMarshalJSON holds the API's fast encoding to the typed
// one, byte for byte, over feeds, routing, misses, prefixes and notes.
func TestAppendJSONIsMarshalJSON(t *testing.T) {
	j := New(fixtureAtlas(t))
	for _, r := range []Ranges{fixtureTable(), routedTable(t)} {
		for _, in := range []string{"52.80.0.1", "3.80.1.9", "23.0.1.2", "45.0.0.3", "192.0.2.1", "52.80.0.0/15", "2600:1f00::1", "81.0.0.1"} {
			for _, d := range []string{"2015-06-01", "2020-06-01"} {
				res := j.Answer(r, mustParse(t, in), day(t, d), 0)
				res.Notes = []string{"a note <&>"}
				want, err := res.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				got, err := res.AppendJSON(nil)
				if err != nil {
					t.Fatal(err)
				}
				var compact bytes.Buffer
				if err := json.Compact(&compact, got); err != nil {
					t.Fatalf("%s: AppendJSON is not JSON: %v", in, err)
				}
				if string(got) != string(want) {
					t.Errorf("%s as of %s:\n got %.300s\nwant %.300s", in, d, got, want)
				}
			}
		}
	}
}
