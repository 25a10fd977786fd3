package access

import (
	"errors"
	"strconv"
	"time"
)

// Span is the length of a quota window. Windows are fixed and aligned in
// UTC: a minute window starts at second 0, a day window at midnight.
type Span uint8

// The spans of a plan's quotas.
const (
	Minute Span = iota
	Day
)

// Spans lists every span, in order.
var Spans = [...]Span{Minute, Day}

// String returns "minute" or "day", as stored.
func (s Span) String() string {
	if s == Minute {
		return "minute"
	}
	return "day"
}

// ParseSpan returns the span named "minute" or "day".
func ParseSpan(name string) (Span, error) {
	switch name {
	case "minute":
		return Minute, nil
	case "day":
		return Day, nil
	}
	return 0, errors.New("span " + strconv.Quote(name) + ": want minute or day")
}

// Seconds returns the span's length in seconds.
func (s Span) Seconds() int64 {
	if s == Minute {
		return 60
	}
	return 86400
}

// Start returns the start of the window of span that holds t.
func (s Span) Start(t time.Time) time.Time {
	return time.Unix(t.Unix()-mod(t.Unix(), s.Seconds()), 0).UTC()
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// Usage is how many requests a window already admitted, before the
// request being decided: the minute window and the day window.
type Usage [len(Spans)]int64

// Decision is the answer to one request, with what the RateLimit
// headers say: the window nearest to its limit.
type Decision struct {
	Allowed bool
	// Limit, Remaining and Reset describe the most constrained window
	// (the one with the fewest requests left): its limit, what is left
	// after this request, and the seconds until it starts anew. Limit is
	// 0 when the plan is unlimited.
	Limit, Remaining, Reset int64
	// Span is the window described (the one exhausted when refused).
	Span Span
	// RetryAfter is, when refused, the seconds until a request can be
	// admitted again (at least 1).
	RetryAfter int64
}

// Decide decides whether plan p admits one more request at now, given
// what its current windows already admitted.
func (p Plan) Decide(used Usage, now time.Time) Decision {
	d := Decision{Allowed: true, Remaining: -1}
	for _, s := range Spans {
		limit := p.Limit(s)
		if limit == 0 {
			continue
		}
		left := limit - used[s]
		reset := s.Start(now).Unix() + s.Seconds() - now.Unix()
		if left <= 0 {
			// Refused: tell when the longest exhausted window resets.
			if d.Allowed || reset > d.RetryAfter {
				d = Decision{Limit: limit, Reset: reset, Span: s, RetryAfter: max(reset, 1)}
			}
			continue
		}
		if d.Allowed && (d.Remaining < 0 || left-1 < d.Remaining) {
			d = Decision{Allowed: true, Limit: limit, Remaining: left - 1, Reset: reset, Span: s}
		}
	}
	if d.Allowed && d.Remaining < 0 {
		d.Remaining = 0 // unlimited: Limit 0
	}
	return d
}

// Policy returns the plan's quotas in the syntax of the RateLimit-Policy
// header (draft-ietf-httpapi-ratelimit-headers): "60;w=60, 5000;w=86400";
// "" when unlimited.
func (p Plan) Policy() string {
	var b []byte
	for _, s := range Spans {
		if l := p.Limit(s); l > 0 {
			if len(b) > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendInt(b, l, 10)
			b = append(b, ";w="...)
			b = strconv.AppendInt(b, s.Seconds(), 10)
		}
	}
	return string(b)
}

// Count is a number of requests of one organisation in one window: a
// delta to add to the shared count, or (with N 0) a read of it.
type Count struct {
	OrgID int64
	Span  Span
	Start time.Time
	N     int64
}

// Credential is what a stored token grants: its organisation and plan.
type Credential struct {
	TokenID int64
	OrgID   int64
	Org     string
	Plan    string
	Revoked bool
}

// Errors of a token check; each also wraps the detail.
var (
	// ErrUnknownToken: well-formed, but no token has that hash.
	ErrUnknownToken = errors.New("unknown token")
	// ErrRevokedToken: the token was revoked.
	ErrRevokedToken = errors.New("revoked token")
)
