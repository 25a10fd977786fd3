package answer

import (
	"io/fs"
	"net/netip"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// extraAtlas adds to the atlas package's fixture an Alibaba region that
// shares its code with an AWS one, as ap-southeast-1 does in the real
// world.
const extraAtlas = `
entities:
  - id: region/alibaba/us-east-1
    kind: region
    name: Alibaba Cloud US (Virginia)
    provider: alibaba
    partition: alibaba
    code: us-east-1
`

// fixtureAtlas loads the atlas package's fixture atlas with extraAtlas.
func fixtureAtlas(t testing.TB) *atlas.Atlas {
	t.Helper()
	m := fstest.MapFS{"extra.yaml": {Data: []byte(extraAtlas)}}
	base := os.DirFS("../atlas/testdata/atlas")
	names, err := fs.Glob(base, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("fixture atlas: %v (%d files)", err, len(names))
	}
	for _, n := range names {
		b, err := fs.ReadFile(base, n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: b}
	}
	a, err := atlas.Load(m)
	if err != nil {
		t.Fatalf("fixture atlas: %v", err)
	}
	return a
}

// fixtureTable is a small table of synthetic ranges: AWS China, AWS
// US East (two services), and a classification range without region.
func fixtureTable() *lpm.Table {
	day := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	aws := &lpm.Source{Feed: "aws", Tier: ranges.TierOfficial, SnapshotID: 1, UpstreamID: "17", UpstreamDate: day}
	cls := &lpm.Source{Feed: "china-isp", Tier: ranges.TierClassification, Order: 5, SnapshotID: 2}
	return lpm.Build([]lpm.Set{
		{Source: aws, Records: []ranges.Record{
			{Prefix: pfx("52.80.0.0/16"), Provider: "aws", Partition: "aws-cn", Region: "cn-north-1", Services: []string{"EC2", "AMAZON"}},
			{Prefix: pfx("3.80.0.0/12"), Provider: "aws", Partition: "aws", Region: "us-east-1", Services: []string{"AMAZON"}},
			{Prefix: pfx("3.80.1.0/24"), Provider: "aws", Partition: "aws", Region: "us-east-1", Services: []string{"EC2"}, City: "+HYPERLINK(\"x\")"},
			{Prefix: pfx("2600:1f00::/24"), Provider: "aws", Partition: "aws", Region: "us-east-1", Services: []string{"@SUM(1)"}},
		}},
		{Source: cls, Records: []ranges.Record{
			{Prefix: pfx("52.80.0.0/14"), Provider: "", Scope: "metowolf:x"},
		}},
	})
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func mustParse(t testing.TB, s string) Query {
	t.Helper()
	q, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return q
}
