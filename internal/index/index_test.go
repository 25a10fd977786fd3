package index

import (
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

func fixtureSets() []lpm.Set {
	day := time.Date(2026, 8, 22, 15, 17, 5, 0, time.UTC)
	return []lpm.Set{
		{Source: &lpm.Source{Feed: "aws", Tier: ranges.TierOfficial, Order: 0, SnapshotID: 7, UpstreamID: "1787411825", UpstreamDate: day, Fetched: day.Add(time.Hour)},
			Records: []ranges.Record{
				{Prefix: netip.MustParsePrefix("52.80.0.0/16"), Provider: "aws", Partition: "aws-cn", Services: []string{"EC2", "AMAZON"}, Region: "cn-north-1", Scope: "cn-north-1"},
				{Prefix: netip.MustParsePrefix("2600:1f00::/24"), Provider: "aws", Partition: "aws", Services: []string{"AMAZON"}, Region: "us-east-1"},
				{Prefix: netip.MustParsePrefix("2600:1f00::1/128"), Provider: "aws", Partition: "aws", Services: []string{"EC2"}, Region: "us-east-1"},
				{Prefix: netip.MustParsePrefix("52.80.3.4/32"), Provider: "aws", Partition: "aws-cn", Services: []string{"S3"}, Region: "cn-north-1"},
			}},
		{Source: &lpm.Source{Feed: "linode", Tier: ranges.TierOfficial, Order: 11, SnapshotID: 9, Fetched: day},
			Records: []ranges.Record{
				{Prefix: netip.MustParsePrefix("139.144.0.0/20"), Provider: "linode", Partition: "linode", Country: "DE", Subdivision: "DE-HE", City: "Frankfurt"},
			}},
		{Source: &lpm.Source{Feed: "china-asn", Tier: ranges.TierASN, Order: 12, SnapshotID: 11, Fetched: day},
			Records: []ranges.Record{
				{Prefix: netip.MustParsePrefix("47.74.0.0/15"), Provider: "alibaba", Partition: "alibaba-cloud", ASN: 45102},
				{Prefix: netip.MustParsePrefix("52.80.0.0/15"), Provider: "alibaba", Partition: "alibaba-cloud", ASN: 37963},
			}},
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	ix, err := FromSets(fixtureSets())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), File)
	if err := ix.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Feeds() != 3 || back.Records() != 7 {
		t.Fatalf("feeds %d records %d", back.Feeds(), back.Records())
	}
	got, err := back.Sets()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, fixtureSets()) {
		t.Fatalf("round trip changed the sets:\n got %+v\nwant %+v", got, fixtureSets())
	}
}

// TestScanMatchesTable checks the cold-start scan, which decodes only the
// matching records, against the lookup table on random addresses.
func TestScanMatchesTable(t *testing.T) {
	sets := fixtureSets()
	ix, err := FromSets(sets)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Read(writeTemp(t, ix))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := raw.Table() // decodes the file's records while it builds
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	addrs := []netip.Addr{netip.MustParseAddr("52.80.0.1"), netip.MustParseAddr("52.81.255.255"), netip.MustParseAddr("2600:1f00::1"),
		netip.MustParseAddr("2600:1f00::2"), netip.MustParseAddr("52.80.3.4")}
	for range 2000 {
		near := [][2]byte{{47, 74}, {47, 75}, {47, 76}, {52, 80}, {52, 81}, {52, 82}, {139, 144}}[rng.IntN(7)]
		b := [4]byte{near[0], near[1], byte(rng.IntN(256)), byte(rng.IntN(256))}
		addrs = append(addrs, netip.AddrFrom4(b))
	}
	hits := 0
	for _, a := range addrs {
		got, err := raw.Scan(a)
		if err != nil {
			t.Fatal(err)
		}
		want := tbl.Lookup(a)
		if len(got) != len(want) {
			t.Fatalf("Scan(%s): %d matches, table %d", a, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(*got[i].Record, *want[i].Record) || got[i].Source.Feed != want[i].Source.Feed {
				t.Fatalf("Scan(%s)[%d] = %+v, table %+v", a, i, *got[i].Record, *want[i].Record)
			}
		}
		hits += len(got)
	}
	if hits < 100 {
		t.Fatalf("only %d hits: the test exercises too little", hits)
	}
}

func writeTemp(t *testing.T, ix *Index) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), File)
	if err := ix.Write(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCorruptFilesAreRejected(t *testing.T) {
	ix, _ := FromSets(fixtureSets())
	good := ix.data
	cases := map[string][]byte{
		"empty":     {},
		"magic":     append([]byte("XXXX"), good[4:]...),
		"truncated": good[:len(good)/2],
		"flipped":   flip(good, len(good)/2),
	}
	for name, b := range cases {
		if _, err := parse(b); err == nil {
			t.Errorf("%s: parse accepted a corrupt file", name)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0xff
	return c
}

// FuzzDecode feeds arbitrary bytes to the decoder: it must fail cleanly
// or return records that decode without panicking.
func FuzzDecode(f *testing.F) {
	ix, _ := FromSets(fixtureSets())
	f.Add(ix.data)
	f.Add([]byte("CAIX\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// The checksum would reject almost every mutation before the
		// decoder saw it; fix it up so that the fuzzer reaches the decoder.
		if len(b) > 8 {
			b = withChecksum(b[:len(b)-4])
		}
		p, err := parse(b)
		if err != nil {
			return
		}
		ix := &Index{strs: p.strs, raw: p.sets}
		if _, err := ix.Sets(); err != nil {
			return
		}
		ix.Scan(netip.MustParseAddr("52.80.0.1"))
	})
}
