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
	if len(s.Warnings) != 2 || s.Warnings[0] != "dropped 203.0.113.0/24: inside documentation space (RFC 5737), not a cloud range" ||
		s.Warnings[1] != "dropped 10.1.0.0/16: inside private-use space (RFC 1918), not a cloud range" {
		t.Fatalf("warnings: %q", s.Warnings)
	}
	if len(s.Special) != 0 {
		t.Fatalf("a third-party list carries no findings for the guard: %v", s.Special)
	}
	if _, err := f.Build([]Input{{Name: "v4.txt", Data: []byte("192.168.0.0/24\n")}}, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "special-purpose") {
		t.Fatalf("all-special feed: err = %v", err)
	}
}

// TestBuildKeepsSpecialPrefixesOfAProviderFileForTheGuard: a provider's
// own file is not silently cleaned: its special-purpose prefixes are
// listed, with the file that holds them, for the update guard to refuse.
func TestBuildKeepsSpecialPrefixesOfAProviderFileForTheGuard(t *testing.T) {
	f := &Feed{ID: "cloudflare", Provider: "cloudflare", Partition: "cloudflare", Tier: TierOfficial, Parse: ParseList}
	s, err := f.Build([]Input{
		{Name: "ips-v4.txt", Data: []byte("104.16.0.0/13\n100.64.0.0/10\n")},
		{Name: "ips-v6.txt", Data: []byte("2606:4700::/32\nfe80::/64\n")},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records) != 4 || len(s.Warnings) != 0 {
		t.Fatalf("records %d, warnings %q", len(s.Records), s.Warnings)
	}
	if len(s.Special) != 2 || s.Special[0].File != "ips-v4.txt" || s.Special[0].String() != "100.64.0.0/10: inside shared address space (RFC 6598)" ||
		s.Special[1].File != "ips-v6.txt" || s.Special[1].Prefix != netip.MustParsePrefix("fe80::/64") {
		t.Fatalf("special: %+v", s.Special)
	}
	s.DropSpecial()
	if len(s.Records) != 2 || len(s.Special) != 0 || len(s.Warnings) != 2 ||
		s.Warnings[0] != "dropped 100.64.0.0/10: inside shared address space (RFC 6598), not a cloud range" {
		t.Fatalf("after DropSpecial: records %+v warnings %q", s.Records, s.Warnings)
	}
}
