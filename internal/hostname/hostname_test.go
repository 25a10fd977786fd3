package hostname

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in, ascii, wantErr string
	}{
		{in: "www.Example.COM.", ascii: "www.example.com"},
		{in: "  taobao.com ", ascii: "taobao.com"},
		{in: "中国.cn", ascii: "xn--fiqs8s.cn"},
		{in: "bücher.example", ascii: "xn--bcher-kva.example"},
		{in: "ＥＸＡＭＰＬＥ.com", ascii: "example.com"}, // full-width letters map to ASCII
		{in: "_dmarc.example.com", ascii: "_dmarc.example.com"},
		{in: "localhost", ascii: "localhost"},
		{in: "", wantErr: "empty"},
		{in: ".", wantErr: "empty label"},
		{in: "a..b", wantErr: "empty label"},
		{in: ".a.b", wantErr: "empty label"},
		{in: "-a.com", wantErr: `label 1 ("-a"): starts or ends with a hyphen`},
		{in: "a-.com", wantErr: "starts or ends with a hyphen"},
		{in: "a b.com", wantErr: `label 1 ("a b"): character ' ' is not a letter`},
		{in: "a/b.com", wantErr: `character '/'`},
		{in: "1.2.3.4", wantErr: "an IP address, not a host name"},
		{in: strings.Repeat("a", 64) + ".com", wantErr: "64 characters, longer than the 63 a label may have"},
		{in: strings.Repeat("abcdefghi.", 26) + "com", wantErr: "263 characters, longer than the 253"},
		{in: "xn--zz-.com", wantErr: "not a valid internationalised name"},
	}
	for _, c := range cases {
		n, err := Parse(c.in)
		if c.wantErr != "" {
			var he *Error
			if err == nil || !errors.As(err, &he) || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("Parse(%q) = %+v, %v; want error containing %q", c.in, n, err, c.wantErr)
				continue
			}
			if he.Name != strings.TrimSpace(c.in) {
				t.Errorf("Parse(%q): error names %q", c.in, he.Name)
			}
			continue
		}
		if err != nil || n.ASCII != c.ascii {
			t.Errorf("Parse(%q) = %q, %v; want %q", c.in, n.ASCII, err, c.ascii)
		}
	}
}

func TestUnicode(t *testing.T) {
	if got := Unicode("xn--fiqs8s.cn"); got != "中国.cn" {
		t.Errorf("Unicode = %q", got)
	}
	if got := Unicode("xn--zz-.com"); got != "xn--zz-.com" {
		t.Errorf("Unicode of a bad label = %q", got)
	}
}

// FuzzParse checks that Parse never panics, that what it accepts is
// within the limits, and that its ASCII form parses to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"www.example.com", "中国.cn", "xn--fiqs8s.cn", "a..b", "1.2.3.4", "-x", "ÄÖÜ.de."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		if len(n.ASCII) > MaxLength || n.ASCII == "" {
			t.Fatalf("Parse(%q) accepted %q", s, n.ASCII)
		}
		again, err := Parse(n.ASCII)
		if err != nil || again.ASCII != n.ASCII {
			t.Fatalf("Parse(%q) = %q, which parses to %q, %v", s, n.ASCII, again.ASCII, err)
		}
	})
}
