package dns

import (
	"errors"
	"fmt"
)

// Kind classifies a failure to resolve a name. Its values are stable:
// snapshots store them.
type Kind string

// The kinds of failure.
const (
	KindInvalid   Kind = "invalid"        // not a valid host name
	KindNXDomain  Kind = "nxdomain"       // the name (or a CNAME target) does not exist
	KindNoAddress Kind = "no-address"     // the name exists but has no A or AAAA record
	KindServFail  Kind = "servfail"       // the resolver answered SERVFAIL
	KindRefused   Kind = "refused"        // the resolver answered REFUSED
	KindRcode     Kind = "rcode"          // another error response code (FORMERR, NOTIMP...)
	KindTimeout   Kind = "timeout"        // no answer within the timeout, after every retry
	KindNetwork   Kind = "network"        // the query could not be sent or read
	KindLoop      Kind = "cname-loop"     // the CNAME chain comes back to a name already in it
	KindTooDeep   Kind = "chain-too-deep" // the CNAME chain is longer than the limit
	KindCanceled  Kind = "canceled"       // the caller's context ended first
)

// Error is a failure to resolve one name. errors.Is(err, ErrNXDomain)
// (and the other Err values) compares kinds.
type Error struct {
	// Name is the name as asked.
	Name string
	Kind Kind
	// At is the name of the chain where the failure happened, when it is
	// not Name itself (an NXDOMAIN for a CNAME target, a loop's repeat).
	At string
	// Server is the resolver that answered or was tried last.
	Server string
	// Err is the underlying cause, if any.
	Err error
}

// Sentinels for errors.Is.
var (
	ErrInvalid   = &Error{Kind: KindInvalid}
	ErrNXDomain  = &Error{Kind: KindNXDomain}
	ErrNoAddress = &Error{Kind: KindNoAddress}
	ErrServFail  = &Error{Kind: KindServFail}
	ErrRefused   = &Error{Kind: KindRefused}
	ErrRcode     = &Error{Kind: KindRcode}
	ErrTimeout   = &Error{Kind: KindTimeout}
	ErrNetwork   = &Error{Kind: KindNetwork}
	ErrLoop      = &Error{Kind: KindLoop}
	ErrTooDeep   = &Error{Kind: KindTooDeep}
	ErrCanceled  = &Error{Kind: KindCanceled}
)

var kindText = map[Kind]string{
	KindInvalid:   "invalid host name",
	KindNXDomain:  "no such name (NXDOMAIN)",
	KindNoAddress: "no A or AAAA record",
	KindServFail:  "server failure (SERVFAIL)",
	KindRefused:   "query refused (REFUSED)",
	KindRcode:     "error response",
	KindTimeout:   "timed out",
	KindNetwork:   "network error",
	KindLoop:      "CNAME loop",
	KindTooDeep:   "CNAME chain too long",
	KindCanceled:  "canceled",
}

func (e *Error) Error() string {
	s := fmt.Sprintf("dns: %s: %s", e.Name, kindText[e.Kind])
	if e.At != "" && e.At != e.Name {
		s += " at " + e.At
	}
	if e.Server != "" {
		s += " (resolver " + e.Server + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, ErrTimeout) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Name == "" && t.Kind == e.Kind
}

// KindOf returns the kind of err when it is (or wraps) an *Error, else "".
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}
