package ranges

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestBuildDropsSpecialPurposePrefixesWithWarning(t *testing.T) {
	f := &Feed{ID: "vultr", Provider: "vultr", Partition: "vultr", Tier: TierDerived, Parse: ParseList}
	s, err := f.Build([]Input{{Name: "v4.txt", Data: []byte("45.32.0.0/21\n203.0.113.0/24\n10.1.0.0/16\n")}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records) != 1 || s.Records[0].Prefix != netip.MustParsePrefix("45.32.0.0/21") {
		t.Fatalf("records: %+v", s.Records)
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[0], "203.0.113.0/24: inside documentation (RFC 5737)") ||
		!strings.Contains(s.Warnings[1], "10.1.0.0/16: inside private use (RFC 1918)") {
		t.Fatalf("warnings: %q", s.Warnings)
	}
	if _, err := f.Build([]Input{{Name: "v4.txt", Data: []byte("192.168.0.0/24\n")}}, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "special-purpose") {
		t.Fatalf("all-special feed: err = %v", err)
	}
}
