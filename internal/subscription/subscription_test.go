package subscription

import (
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	for in, key := range map[string]string{
		"ada@example.org":             "ada@example.org",
		"  Ada.Lovelace@Example.ORG ": "ada.lovelace@example.org",
		"o'brien+news@mail.xn--p1ai":  "o'brien+news@mail.xn--p1ai",
	} {
		_, k, err := Normalize(in)
		if err != nil || k != key {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, k, err, key)
		}
	}
	for _, bad := range []string{"", "ada", "ada@", "@example.org", "ada@example", "ada@@example.org",
		"Ada <ada@example.org>", "ada@example.org\r\nBcc: x@example.org", "ada @example.org", "\"ada\"@example.org",
		"ada@[127.0.0.1]", "ada@127.0.0.1", "ada..b@example.org", ".ada@example.org", "ada@-x.org", "ada@x.o",
		"adä@example.org", strings.Repeat("a", 65) + "@example.org", "ada@" + strings.Repeat("a", 250) + ".org",
		"a,b@example.org", "ada(comment)@example.org"} {
		if _, _, err := Normalize(bad); err == nil {
			t.Errorf("Normalize(%q) accepted", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	s, err := NewSigner([]byte(strings.Repeat("x", 32)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)
	c := Claims{Purpose: Confirm, Email: "ada@example.org", List: Daily, Nonce: "n1", Expires: now.Add(time.Hour)}
	tok := s.Sign(c)
	got, err := s.Verify(tok, Confirm, now)
	if err != nil || got.Email != c.Email || got.List != Daily || got.Nonce != "n1" || !got.Expires.Equal(c.Expires) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := s.Verify(tok, Confirm, now.Add(time.Hour)); err != ErrExpired {
		t.Errorf("expired: %v", err)
	}
	if _, err := s.Verify(tok, Unsubscribe, now); err != ErrBadLink {
		t.Errorf("wrong purpose: %v", err)
	}
	other, _ := NewSigner([]byte(strings.Repeat("y", 32)))
	if _, err := other.Verify(tok, Confirm, now); err != ErrBadLink {
		t.Errorf("other key: %v", err)
	}
	for i := range tok {
		alt := tok[:i] + string(rune(tok[i]^1)) + tok[i+1:]
		if _, err := s.Verify(alt, Confirm, now); err == nil {
			t.Fatalf("altered token %d accepted", i)
		}
	}
	un := s.Sign(Claims{Purpose: Unsubscribe, Email: "ada@example.org", List: Weekly, Nonce: "n2"})
	if got, err := s.Verify(un, Unsubscribe, now.AddDate(10, 0, 0)); err != nil || !got.Expires.IsZero() {
		t.Errorf("unsubscribe links never expire: %+v %v", got, err)
	}
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(3, time.Minute)
	now := time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !l.Allow("192.0.2.1:1000", now) {
			t.Fatalf("request %d refused", i)
		}
	}
	if l.Allow("192.0.2.1:2000", now) {
		t.Error("fourth request allowed")
	}
	if !l.Allow("192.0.2.2:1000", now) {
		t.Error("another client refused")
	}
	if !l.Allow("192.0.2.1:1000", now.Add(time.Minute)) {
		t.Error("not refilled after a minute")
	}
	// IPv6 clients share their /64.
	if ClientKey("[2001:db8::1]:443") != ClientKey("[2001:db8::ffff]:80") || ClientKey("[::ffff:192.0.2.1]:1") != "192.0.2.1" {
		t.Error("client keys")
	}
	// A full table forgets idle clients, and refuses newcomers while full.
	l = NewLimiter(1, time.Minute)
	l.max = 2
	l.Allow("192.0.2.1:1", now)
	l.Allow("192.0.2.2:1", now)
	if l.Allow("192.0.2.3:1", now) {
		t.Error("newcomer allowed in a full table")
	}
	if !l.Allow("192.0.2.3:1", now.Add(2*time.Minute)) {
		t.Error("idle clients not forgotten")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ada@example.org", "a@b.co", "x\r\n@y.org", "\"q\"@x.org", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, key, err := Normalize(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(addr, "\r\n <>\",;()") || key != strings.ToLower(addr) || len(addr) > MaxAddress {
			t.Errorf("Normalize(%q) = %q, %q", s, addr, key)
		}
		if _, k2, err := Normalize(addr); err != nil || k2 != key {
			t.Errorf("not idempotent: %q", s)
		}
	})
}

func FuzzVerify(f *testing.F) {
	s, _ := NewSigner([]byte(strings.Repeat("x", 32)))
	f.Add(s.Sign(Claims{Purpose: Confirm, Email: "ada@example.org", List: Daily, Nonce: "n"}))
	f.Add("abc.def")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.Verify(tok, Confirm, time.Unix(0, 0))
		if err == nil && s.Sign(c) != tok {
			// A token that verifies is one the signer made.
			if _, err2 := s.Verify(s.Sign(c), Confirm, time.Unix(0, 0)); err2 != nil {
				t.Errorf("re-signed token fails: %v", err2)
			}
		}
	})
}
