package answer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
	"github.com/cloudatlas/cloudatlas/internal/routing/routingtest"
)

func routedTable(t *testing.T) Ranges {
	t.Helper()
	src := &lpm.Source{Feed: "routing", Tier: ranges.TierRouting, SnapshotID: 9, UpstreamID: "1.0.0"}
	return WithRoutes(fixtureTable(), &Routes{Table: routingtest.Example.Table(t), Source: src})
}

func TestRoutingMatchComesLast(t *testing.T) {
	r := routedTable(t)
	ms := Find(r, mustParse(t, "23.0.1.2"), 0, nil)
	if len(ms) != 1 || ms[0].Source.Tier != ranges.TierRouting || ms[0].Record.ASN != 20940 ||
		ms[0].Record.Holder != "Example CDN, Inc." || ms[0].Record.Country != "US" || ms[0].Record.Prefix.String() != "23.0.0.0/16" {
		t.Fatalf("routed address: %+v", ms)
	}
	if ms := Find(r, mustParse(t, "192.0.2.1"), 0, nil); len(ms) != 0 {
		t.Errorf("unrouted address: %d matches", len(ms))
	}
	if ms := Find(r, mustParse(t, "23.0.4.0/22"), 0, nil); len(ms) != 1 || ms[0].Record.Prefix.String() != "23.0.0.0/16" {
		t.Errorf("prefix inside a route: %+v", ms)
	}
	if ms := Find(r, mustParse(t, "23.0.0.0/8"), 0, nil); len(ms) != 0 {
		t.Errorf("prefix wider than the route: %+v", ms)
	}
}

func TestRoutedAnswerFollowsTheHolder(t *testing.T) {
	j := New(fixtureAtlas(t))
	res := j.Answer(routedTable(t), mustParse(t, "23.0.1.2"), day(t, "2020-06-01"), 0)
	if res.Routing == nil || res.Routing.Err != nil {
		t.Fatalf("routing answer: %+v", res.Routing)
	}
	ans := res.Routing.Answer
	if len(ans.Operators) != 1 || ans.Operators[0].Operator != "org/example-cdn-intl" {
		t.Errorf("holder as operator: %+v", ans.Operators)
	}
	got := strings.Join(res.Routing.Jurisdictions(), ",")
	if got != "US,NL" {
		t.Errorf("jurisdictions %q, want US (registered there; parent incorporated there) and NL (holder incorporated there)", got)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"routing":{"prefix":"23.0.0.0/16","asn":20940,"as_name":"Example CDN, Inc.","country":"US","version":"1.0.0","answer":{`,
		`"credits":["Routing data: RouteViews`, `"tier":"routing"`, `"predicate":"announces_range_registered_in"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	unheld := j.Answer(routedTable(t), mustParse(t, "45.0.0.9"), day(t, "2020-06-01"), 0)
	if unheld.Routing == nil || unheld.Routing.Err != nil || len(unheld.Routing.Answer.Notes) == 0 ||
		!strings.Contains(unheld.Routing.Answer.Notes[0], "Small Host Ltd according to the routing data") {
		t.Errorf("AS with no holder in the atlas: %+v", unheld.Routing)
	}
}

func TestStreamRoutingFields(t *testing.T) {
	j := New(fixtureAtlas(t))
	fields, err := SelectFields("input,prefix,tier,asn,as_name,country,operator_id,jurisdictions", FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	in := strings.Repeat("23.0.1.2\n81.0.3.4\n52.80.0.1\n45.0.0.1\n192.0.2.1\n", 100)
	sum, err := j.Stream(t.Context(), routedTable(t), strings.NewReader(in), &out, Options{Format: FormatCSV, Fields: fields, AsOf: day(t, "2020-06-01")})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	want := []string{
		"input,prefix,tier,asn,as_name,country,operator_id,jurisdictions",
		`23.0.1.2,23.0.0.0/16,routing,20940,"Example CDN, Inc.",US,org/example-cdn-intl,US;NL`,
		"81.0.3.4,81.0.0.0/16,routing,65552,Euro Net B.V.,NL,,NL",
		"52.80.0.1,52.80.0.0/16,official,,,,org/sinnet,CN",
		"45.0.0.1,45.0.0.0/24,routing,64999,Small Host Ltd,,,",
		"192.0.2.1,,,,,,,",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i, lines[i], w)
		}
	}
	if sum.Unmatched != 100 || sum.Inputs != 500 {
		t.Errorf("summary %+v", sum)
	}
}
