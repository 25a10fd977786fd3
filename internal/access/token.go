package access

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// A token is "ca_" followed by 58 characters of lower-case base32 (RFC
// 4648, no padding) of 32 random bytes and the CRC-32 (IEEE) of those
// bytes, big-endian. The checksum lets a server refuse a mistyped or
// made-up token without asking the store; the random bytes make the
// secret. Only the SHA-256 of the whole token is stored, with its first
// characters (the prefix) to tell tokens apart in listings.
const (
	TokenPrefix = "ca_"
	tokenRandom = 32
	tokenBytes  = tokenRandom + 4
	// TokenLen is the length of a token in characters.
	TokenLen = len(TokenPrefix) + 58
	// PrefixLen is the length of the non-secret prefix shown in listings
	// ("ca_" and 8 characters, 40 of the 256 random bits).
	PrefixLen = len(TokenPrefix) + 8
)

var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Token is a well-formed API token (see [ParseToken]). It is a secret:
// never log it.
type Token string

// ErrMalformedToken is wrapped by the errors of [ParseToken].
var ErrMalformedToken = errors.New("malformed token")

// NewToken returns a new token with random bytes read from random
// (crypto/rand.Reader).
func NewToken(random io.Reader) (Token, error) {
	var b [tokenBytes]byte
	if _, err := io.ReadFull(random, b[:tokenRandom]); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	binary.BigEndian.PutUint32(b[tokenRandom:], crc32.ChecksumIEEE(b[:tokenRandom]))
	return Token(TokenPrefix + tokenEncoding.EncodeToString(b[:])), nil
}

// ParseToken checks that s is a token: its prefix, length, alphabet and
// checksum. The errors wrap [ErrMalformedToken] and never repeat s.
func ParseToken(s string) (Token, error) {
	if !strings.HasPrefix(s, TokenPrefix) {
		return "", fmt.Errorf("%w: a token starts with %q", ErrMalformedToken, TokenPrefix)
	}
	if len(s) != TokenLen {
		return "", fmt.Errorf("%w: a token has %d characters, this one %d", ErrMalformedToken, TokenLen, len(s))
	}
	var text [TokenLen - len(TokenPrefix)]byte
	copy(text[:], s[len(TokenPrefix):])
	var b [tokenBytes + 1]byte
	n, err := tokenEncoding.Decode(b[:], text[:])
	if err != nil || n != tokenBytes {
		return "", fmt.Errorf("%w: after %q a token has only the letters a-z and the digits 2-7", ErrMalformedToken, TokenPrefix)
	}
	if binary.BigEndian.Uint32(b[tokenRandom:]) != crc32.ChecksumIEEE(b[:tokenRandom]) {
		return "", fmt.Errorf("%w: its checksum does not match (a character was changed or lost)", ErrMalformedToken)
	}
	// Base32 leaves unused bits in the last character: only the encoding
	// of the bytes is a token, so that one token has one spelling.
	var again [len(text)]byte
	if tokenEncoding.Encode(again[:], b[:tokenBytes]); again != text {
		return "", fmt.Errorf("%w: its last character is not canonical", ErrMalformedToken)
	}
	return Token(s), nil
}

// Hash returns the hex SHA-256 of the token, the only form of it that
// is stored.
func (t Token) Hash() string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// Prefix returns the token's first characters, shown in listings to
// tell tokens apart; they do not reveal enough of it to use it.
func (t Token) Prefix() string { return string(t[:PrefixLen]) }

// String hides the secret part: a token printed by mistake in a log
// shows only its prefix.
func (t Token) String() string { return t.Prefix() + "..." }

// Secret returns the whole token, to show once to whoever created it.
func (t Token) Secret() string { return string(t) }
