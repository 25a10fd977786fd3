package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestAtlasJSONL checks that every line is one JSON object of a known
// type, that the header counts what follows, that every record of the
// atlas is there once, and pins a few lines' contents.
func TestAtlasJSONL(t *testing.T) {
	a := fixtureAtlas(t)
	var buf bytes.Buffer
	n, err := Atlas(&buf, a)
	if err != nil {
		t.Fatal(err)
	}
	if n.Entities != len(a.Entities) || n.Statements != len(a.Statements) || n.Series != 1 || n.Readings != 1 || n.Gaps != 1 {
		t.Errorf("counts %+v", n)
	}
	seen := map[string]int{}
	byID := map[string]map[string]any{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	var header map[string]any
	for line := 1; sc.Scan(); line++ {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d: %v: %s", line, err, sc.Bytes())
		}
		typ, _ := obj["type"].(string)
		if line == 1 {
			if typ != "header" {
				t.Fatalf("line 1 is a %q, want the header", typ)
			}
			header = obj
			continue
		}
		seen[typ]++
		if id, ok := obj["id"].(string); ok {
			byID[id] = obj
		}
	}
	if header["format"] != "cloudatlas-atlas" || header["version"] != 1.0 {
		t.Errorf("header %v", header)
	}
	for typ, key := range map[string]string{"entity": "entities", "statement": "statements", "series": "series", "reading": "readings", "gap": "gaps"} {
		if float64(seen[typ]) != header[key] || seen[typ] == 0 {
			t.Errorf("%d %s lines, header says %v", seen[typ], typ, header[key])
		}
	}
	for _, s := range a.Statements {
		got := byID[s.ID]
		if got == nil || got["subject"] != s.Subject || got["predicate"] != s.Predicate || got["object"] != s.Object {
			t.Errorf("statement %s: exported as %v", s.ID, got)
			continue
		}
		srcs, _ := got["sources"].([]any)
		if len(srcs) != len(s.Sources) || len(srcs) == 0 {
			t.Errorf("statement %s: %d sources exported, %d in the atlas", s.ID, len(srcs), len(s.Sources))
		}
	}
	// A statement known only by a confirmed date is valid from it.
	for _, s := range a.Statements {
		if s.Subject == "person/ceo-a" && s.Predicate == "officer" && len(s.Confirmed) > 0 {
			got := byID[s.ID]
			if got["valid_from"] != "2016-08-02" || got["from"] != nil || got["role"] != "general manager" {
				t.Errorf("confirmed-only statement: %v", got)
			}
			src := got["sources"].([]any)[0].(map[string]any)
			if src["url"] != "https://example.com/interim-2016" || src["publisher"] != "Example Exchange" || src["published"] != "2016-08-03" {
				t.Errorf("its source: %v", src)
			}
		}
	}
	series := byID["example-global-share"]
	pts, _ := series["points"].([]any)
	if len(pts) == 0 {
		t.Fatalf("series without points: %v", series)
	}
	p := pts[0].(map[string]any)
	src, _ := p["source"].(map[string]any)
	if p["period"] != "2020-Q2" || p["entity"] != "provider/aws" || p["value"] != 33.0 || p["vintage"] != "2020-07-30" ||
		src["url"] != "https://example.com/q2" || series["firm"] != "Example Research" {
		t.Errorf("series: %v", series)
	}
}
