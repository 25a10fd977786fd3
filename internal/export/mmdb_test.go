package export

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

func day(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// expected is what the MMDB must hold for a: lookup's first match, the
// operators and jurisdictions of its place answer, and the number of
// matches; ok is false when nothing matches a.
func expected(r answer.Ranges, j *answer.Joiner, a netip.Addr, d time.Time) (Record, bool) {
	ms := answer.Find(r, answer.Query{Input: a.String(), Addr: a}, 0, nil)
	if len(ms) == 0 {
		return Record{}, false
	}
	f := ms[0].Record
	want := Record{Provider: f.Provider, Partition: f.Partition, Region: f.Region, Scope: f.Scope,
		Services: f.Services, Country: f.Country, Subdivision: f.Subdivision, City: f.City, ASN: f.ASN,
		ASName: f.Holder, Feed: ms[0].Source.Feed, Tier: ms[0].Source.Tier.String(), Matches: uint32(len(ms))}
	if pa := j.AnswerOf(&ms[0], d); pa != nil {
		want.Operator, want.OperatorID, want.Jurisdictions = pa.OperatorNames(), pa.OperatorIDs(), pa.Jurisdictions()
	}
	return want, true
}

// equalRecords compares two records, an empty list equal to none.
func equalRecords(a, b Record) bool {
	lists := func(r *Record) [][]string { return [][]string{r.Services, r.Operator, r.OperatorID, r.Jurisdictions} }
	la, lb := lists(&a), lists(&b)
	for i := range la {
		if !slices.Equal(la[i], lb[i]) {
			return false
		}
	}
	a.Services, a.Operator, a.OperatorID, a.Jurisdictions = nil, nil, nil, nil
	b.Services, b.Operator, b.OperatorID, b.Jurisdictions = nil, nil, nil, nil
	return a.Provider == b.Provider && a.Partition == b.Partition && a.Region == b.Region && a.Scope == b.Scope &&
		a.Country == b.Country && a.Subdivision == b.Subdivision && a.City == b.City && a.ASN == b.ASN &&
		a.ASName == b.ASName && a.Feed == b.Feed && a.Tier == b.Tier && a.Matches == b.Matches
}

// TestMMDBAnswersAsTheJoin checks every edge of every range and random
// addresses: the file holds exactly lookup's first match, as of the
// date, and nothing where nothing matches.
func TestMMDBAnswersAsTheJoin(t *testing.T) {
	r := fixtureRanges(t)
	j := answer.New(fixtureAtlas(t))
	for _, d := range []time.Time{day(t, "2015-06-01"), day(t, "2026-02-01")} {
		db, st := writeMMDB(t, r, d)
		if st.FeedRanges != 11 || st.Routed != 17 || len(st.Feeds) != 6 || st.Routing == nil || st.Routing.SnapshotID != 7 {
			t.Errorf("stats: %d feed ranges of %d feeds, %d routed, routing %+v", st.FeedRanges, len(st.Feeds), st.Routed, st.Routing)
		}
		n, found := 0, 0
		for _, a := range probes(t, r, 2000) {
			want, ok := expected(r, j, a, d)
			res := db.Lookup(a)
			if res.Err() != nil {
				t.Fatalf("%v: %v", a, res.Err())
			}
			if res.Found() != ok {
				t.Errorf("%s as of %s: found %v in the MMDB, want %v (%+v)", a, answer.Day(d), res.Found(), ok, want)
				continue
			}
			n++
			if !ok {
				continue
			}
			found++
			var got Record
			if err := res.Decode(&got); err != nil {
				t.Fatalf("%v: %v", a, err)
			}
			if !equalRecords(got, want) {
				t.Errorf("%s as of %s:\n got %+v\nwant %+v", a, answer.Day(d), got, want)
			}
		}
		if found < 100 || n-found < 100 {
			t.Errorf("only %d matched and %d unmatched addresses checked", found, n-found)
		}
	}
}

// TestMMDBRecords pins a few records by hand, so that the rules are
// visible: the most specific range wins, a tie goes to the better tier
// and then the earlier feed, the routing tier answers below the feeds
// and counts as a match, and the operator follows the date.
func TestMMDBRecords(t *testing.T) {
	r := fixtureRanges(t)
	db, _ := writeMMDB(t, r, day(t, "2026-02-01"))
	old, _ := writeMMDB(t, r, day(t, "2015-06-01"))
	cases := []struct {
		addr string
		when string
		want Record
	}{
		// 3.0.5.0/24 is in aws, github and china-asn: aws and github are
		// both official, aws comes first; the AS16509 route holds
		// 3.0.5.0-127: four matches there, and three above it.
		{"3.0.5.1", "", Record{Provider: "aws", Partition: "aws", Region: "us-east-1", Services: []string{"S3", "AMAZON"},
			Feed: "aws", Tier: "official", Matches: 5}},
		{"3.0.5.200", "", Record{Provider: "aws", Partition: "aws", Region: "us-east-1", Services: []string{"S3", "AMAZON"},
			Feed: "aws", Tier: "official", Matches: 4}},
		// 3.0.5.64/26 is github's alone, inside all of the above.
		{"3.0.5.100", "", Record{Provider: "github", Partition: "github", Feed: "github", Tier: "official", Matches: 6}},
		// The same prefix twice in one feed: the first record.
		{"52.80.9.9", "", Record{Provider: "aws", Partition: "aws-cn", Region: "cn-north-1", Feed: "aws", Tier: "official", Matches: 3}},
		// A classification range without a provider, inside an ASN range.
		{"47.74.1.1", "", Record{Scope: "metowolf:aliyun", Feed: "china-isp", Tier: "classification", Matches: 3}},
		// Routing only; the holder of AS13335 changes with the date.
		{"104.16.0.1", "", Record{Provider: "cloudflare", Partition: "cloudflare", Feed: "cloudflare", Tier: "official", Matches: 2}},
		{"23.0.1.2", "", Record{Country: "US", ASN: 20940, ASName: "Example CDN, Inc.", Feed: "routing", Tier: "routing",
			Operator: []string{"Example CDN International B.V."}, OperatorID: []string{"org/example-cdn-intl"},
			Jurisdictions: []string{"US", "NL"}, Matches: 1}},
		{"45.0.0.9", "", Record{ASN: 64999, ASName: "Small Host Ltd", Feed: "routing", Tier: "routing", Matches: 1}},
		{"2002:102:304::1", "", Record{ASN: 64600, ASName: "Six To Four", Feed: "routing", Tier: "routing", Matches: 1}},
	}
	for _, c := range cases {
		a := netip.MustParseAddr(c.addr)
		var got Record
		if err := db.Lookup(a).Decode(&got); err != nil {
			t.Fatal(err)
		}
		got.Operator, got.OperatorID, got.Jurisdictions = pick(c.want.Operator, got.Operator), pick(c.want.OperatorID, got.OperatorID), pick(c.want.Jurisdictions, got.Jurisdictions)
		if !equalRecords(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.addr, got, c.want)
		}
	}
	// AS13335 changes holder: the operator is the one of the date.
	for _, c := range []struct {
		db   *maxminddb.Reader
		want string
	}{{old, "org/holder"}, {db, "org/amazon"}} {
		var got Record
		if err := c.db.Lookup(netip.MustParseAddr("1.0.0.1")).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.ASN != 13335 || !slices.Equal(got.OperatorID, []string{c.want}) {
			t.Errorf("1.0.0.1: ASN %d, operators %v; want %s", got.ASN, got.OperatorID, c.want)
		}
	}
	if res := db.Lookup(netip.MustParseAddr("1.1.1.1")); res.Found() {
		t.Errorf("1.1.1.1 is in no range and not routed, but the MMDB has a record for it")
	}
	if res := db.Lookup(netip.MustParseAddr("2002::1")); !res.Found() || res.Prefix().Bits() < 16 {
		t.Errorf("2002::1: %v %v: 6to4 must be answered from its own route, not aliased to IPv4", res.Found(), res.Prefix())
	}
}

// pick returns got when want names operators, else nil: the cases
// above that leave them out do not check them.
func pick(want, got []string) []string {
	if want == nil {
		return nil
	}
	return got
}

func TestMMDBMetadata(t *testing.T) {
	db, _ := writeMMDB(t, fixtureRanges(t), day(t, "2026-02-01"))
	m := db.Metadata
	if m.DatabaseType != "cloudatlas" || m.IPVersion != 6 || m.BuildEpoch != uint(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC).Unix()) {
		t.Errorf("metadata: type %q, IP version %d, epoch %d", m.DatabaseType, m.IPVersion, m.BuildEpoch)
	}
	desc := m.Description["en"]
	for _, want := range []string{"as of 2026-02-01", "docs/export.md",
		"aws snapshot 1 (upstream uaws of 2026-01-02), from Amazon Web Services ip-ranges.json",
		"china-isp snapshot 6", "a third-party classification with no licence stated",
		"routing snapshot 7 (@ip-location-db/asn 1.0.0, @ip-location-db/geo-whois-asn-country 1.0.0)",
		"RouteViews (https://www.routeviews.org)", "the RIRs via the NRO (https://www.nro.net)",
		"DB-IP (https://db-ip.com)", "CC BY 4.0"} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q:\n%s", want, desc)
		}
	}
}

func TestEveryFeedHasTerms(t *testing.T) {
	for _, f := range ranges.Feeds {
		if feedTerms[f.ID] == "" {
			t.Errorf("feed %s has no publisher and terms in feedTerms (see docs/data-sources.md)", f.ID)
		}
	}
	if len(feedTerms) != len(ranges.Feeds) {
		t.Errorf("feedTerms has %d entries for %d feeds", len(feedTerms), len(ranges.Feeds))
	}
}

func TestMMDBWithoutRangesIsUnavailable(t *testing.T) {
	x := &MMDB{Ranges: answer.Unwrap(fixtureRanges(t)), Joiner: answer.New(fixtureAtlas(t)), AsOf: day(t, "2026-02-01")}
	var buf bytes.Buffer
	if _, err := x.Write(&buf); err != nil {
		t.Fatalf("feeds without a routing tier: %v", err)
	}
	empty := &MMDB{Ranges: emptyRanges{}, Joiner: x.Joiner, AsOf: x.AsOf}
	if _, err := empty.Write(&buf); answer.KindOf(err) != answer.Unavailable {
		t.Errorf("no range data: got %v, want an error of kind Unavailable", err)
	}
}
