package web

import (
	"net/http/httptest"
	"testing"
)

func TestProxiesClient(t *testing.T) {
	ps, err := ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"untrusted peer ignores the header", "198.51.100.1:1234", []string{"203.0.113.9"}, "198.51.100.1"},
		{"trusted peer, one hop", "10.1.2.3:80", []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed left entries are not believed", "10.1.2.3:80", []string{"6.6.6.6, 203.0.113.9"}, "203.0.113.9"},
		{"chain of trusted proxies", "192.0.2.7:80", []string{"203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"several header lines", "10.1.2.3:80", []string{"1.1.1.1", "203.0.113.9, 10.2.2.2"}, "203.0.113.9"},
		{"garbled hop stops at the last believed", "10.1.2.3:80", []string{"203.0.113.9, junk"}, "10.1.2.3"},
		{"no header", "10.1.2.3:80", nil, "10.1.2.3"},
		{"mapped peer", "[::ffff:198.51.100.1]:1", nil, "198.51.100.1"},
		{"IPv6 client", "10.1.2.3:80", []string{"2001:db8::1"}, "2001:db8::1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := ps.Client(r).String(); got != c.want {
			t.Errorf("%s: Client = %s, want %s", c.name, got, c.want)
		}
	}
	var none Proxies
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.1.2.3:80"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	if got := none.Client(r).String(); got != "10.1.2.3" {
		t.Errorf("no trusted proxies: Client = %s, want the peer", got)
	}
}

func TestParseProxiesRejects(t *testing.T) {
	for _, s := range []string{"10.0.0.0/33", "example.com", "1.2.3"} {
		if _, err := ParseProxies(s); err == nil {
			t.Errorf("ParseProxies(%q) = nil error", s)
		}
	}
}
