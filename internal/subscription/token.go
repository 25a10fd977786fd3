package subscription

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The purposes of a signed link.
const (
	Confirm     = "confirm"     // confirms a pending subscription; expires
	Unsubscribe = "unsubscribe" // ends a subscription; never expires
)

// Claims is what a link says: for whom, to which list, for what, until
// when. Nonce is the subscription's: a subscription started anew after
// an unsubscribe has another, so older links no longer act on it.
type Claims struct {
	Purpose string
	Email   string
	List    string
	Nonce   string
	Expires time.Time // zero: never
}

// Signer signs and checks links with an HMAC-SHA256 key.
type Signer struct{ key []byte }

// MinKey is the shortest key accepted, in bytes.
const MinKey = 32

// NewSigner returns a signer with key.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < MinKey {
		return nil, fmt.Errorf("subscription: signing key has %d bytes, want at least %d", len(key), MinKey)
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// ErrBadLink reports a link that was altered, truncated, made for
// something else, or signed with another key.
var ErrBadLink = errors.New("the link is not valid: it may have been cut or altered; copy the whole link from the mail")

// ErrExpired reports a link whose time is up.
var ErrExpired = errors.New("the link has expired: subscribe again to get a new one")

var b64 = base64.RawURLEncoding

// Sign returns the token for c: its fields and their MAC, URL-safe.
func (s *Signer) Sign(c Claims) string {
	var exp int64
	if !c.Expires.IsZero() {
		exp = c.Expires.Unix()
	}
	payload := strings.Join([]string{"v1", c.Purpose, c.List, c.Nonce, strconv.FormatInt(exp, 10), c.Email}, "\n")
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(s.mac([]byte(payload)))
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)
}

// Verify checks token and returns its claims if it was signed with the
// signer's key for purpose and, when it expires, has not expired at now.
func (s *Signer) Verify(token, purpose string, now time.Time) (Claims, error) {
	p64, m64, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1024 {
		return Claims{}, ErrBadLink
	}
	payload, err1 := b64.DecodeString(p64)
	mac, err2 := b64.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(payload)) {
		return Claims{}, ErrBadLink
	}
	f := strings.SplitN(string(payload), "\n", 6)
	if len(f) != 6 || f[0] != "v1" || f[1] != purpose {
		return Claims{}, ErrBadLink
	}
	exp, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil {
		return Claims{}, ErrBadLink
	}
	c := Claims{Purpose: f[1], List: f[2], Nonce: f[3], Email: f[5]}
	if exp != 0 {
		c.Expires = time.Unix(exp, 0).UTC()
		if !now.Before(c.Expires) {
			return Claims{}, ErrExpired
		}
	}
	return c, nil
}
