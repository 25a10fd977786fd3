package dnstest

import (
	"strings"
	"testing"

	mdns "github.com/miekg/dns"
)

func TestZoneErrors(t *testing.T) {
	for _, z := range []Zone{
		{Origin: "example.test", Records: "www.other.test. A 192.0.2.1\n"},
		{Origin: "example.test", Records: "www A not-an-address\n"},
	} {
		if _, err := Start(Config{Zones: []Zone{z}}); err == nil || !strings.Contains(err.Error(), "zone example.test") {
			t.Errorf("%q: err %v", z.Records, err)
		}
	}
}

// TestAnswers asks the server directly: empty non-terminals exist
// (NOERROR, no data), a wildcard does not cover an existing name's
// children beyond its closest encloser, and UDP answers are truncated.
func TestAnswers(t *testing.T) {
	srv, err := Start(Config{Zones: []Zone{{Origin: "example.test", Records: `
a.b.c   A 192.0.2.1
*.w     A 192.0.2.2
x.w     TXT "x"
`}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ask := func(name string, qtype uint16) *mdns.Msg {
		m := new(mdns.Msg)
		m.SetQuestion(mdns.Fqdn(name), qtype)
		in, err := mdns.Exchange(m, srv.Addr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return in
	}
	cases := []struct {
		name    string
		rcode   int
		answers int
	}{
		{"a.b.c.example.test", mdns.RcodeSuccess, 1},
		{"b.c.example.test", mdns.RcodeSuccess, 0}, // empty non-terminal
		{"z.b.c.example.test", mdns.RcodeNameError, 0},
		{"q.w.example.test", mdns.RcodeSuccess, 1},
		{"x.w.example.test", mdns.RcodeSuccess, 0}, // exists: no wildcard
		{"y.x.w.example.test", mdns.RcodeNameError, 0},
		{"other.test", mdns.RcodeRefused, 0},
	}
	for _, c := range cases {
		in := ask(c.name, mdns.TypeA)
		if in.Rcode != c.rcode || len(in.Answer) != c.answers {
			t.Errorf("%s: rcode %s, %d answers; want %s, %d", c.name, mdns.RcodeToString[in.Rcode], len(in.Answer), mdns.RcodeToString[c.rcode], c.answers)
		}
	}
	if srv.Queries("a.b.c.example.test") != 1 {
		t.Errorf("queries counted %d", srv.Queries("a.b.c.example.test"))
	}
}
