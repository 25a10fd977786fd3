package subscription

import (
	"fmt"
	"net/mail"
	"strings"
)

// MaxAddress is the longest address accepted (RFC 5321's path limit
// less the angle brackets).
const MaxAddress = 254

// Normalize checks that s is one plain mailbox address, as a person
// types it into a form ("ada@example.org": no display name, no comment,
// no quoted local part, no IP literal, ASCII only, a domain name with a
// dot), and returns it trimmed, with its key: the address lower-cased,
// under which it is stored once per list.
func Normalize(s string) (addr, key string, err error) {
	addr = strings.TrimSpace(s)
	bad := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("e-mail address %q: %s", clip(addr), why)
	}
	switch {
	case addr == "":
		return "", "", fmt.Errorf("e-mail address is missing")
	case len(addr) > MaxAddress:
		return bad(fmt.Sprintf("longer than %d characters", MaxAddress))
	}
	for _, r := range addr {
		if r < 0x21 || r > 0x7e {
			return bad("only plain ASCII letters, digits and punctuation, without spaces, are accepted")
		}
	}
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || strings.Contains(domain, "@") {
		return bad("want exactly one @, as in name@example.org")
	}
	if err := checkLocal(local); err != "" {
		return bad(err)
	}
	if err := checkDomain(domain); err != "" {
		return bad(err)
	}
	if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr || a.Name != "" {
		return bad("not a plain mailbox address")
	}
	return addr, strings.ToLower(addr), nil
}

// atext are the characters RFC 5322 allows in an unquoted local part,
// besides letters and digits.
const atext = "!#$%&'*+-/=?^_`{|}~"

func checkLocal(local string) string {
	switch {
	case local == "":
		return "nothing before the @"
	case len(local) > 64:
		return "more than 64 characters before the @"
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, ".."):
		return "a dot may not start or end the part before the @, nor follow another dot"
	}
	for _, r := range local {
		if !isAlnum(r) && r != '.' && !strings.ContainsRune(atext, r) {
			return fmt.Sprintf("character %q is not accepted before the @", r)
		}
	}
	return ""
}

func checkDomain(domain string) string {
	if domain == "" {
		return "no domain after the @"
	}
	if len(domain) > 253 {
		return "the domain is longer than 253 characters"
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "the domain needs a dot, as in example.org"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "each part of the domain must have 1 to 63 characters"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "a part of the domain may not start or end with a hyphen"
		}
		for _, r := range l {
			if !isAlnum(r) && r != '-' {
				return fmt.Sprintf("character %q is not accepted in the domain", r)
			}
		}
	}
	tld := labels[len(labels)-1]
	if !strings.HasPrefix(strings.ToLower(tld), "xn--") {
		for _, r := range tld {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return "the last part of the domain must be letters (an address at an IP is not accepted)"
			}
		}
		if len(tld) < 2 {
			return "the last part of the domain must have at least 2 letters"
		}
	}
	return ""
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// clip shortens input echoed in an error.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
