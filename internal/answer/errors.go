package answer

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// Kind is what went wrong, as every surface needs to know it: the
// command line maps kinds to exit codes in one place (cli.exitCode), the
// web server to HTTP statuses in one place (web.statusOf).
type Kind uint8

// The kinds of error.
const (
	Internal    Kind = iota // a bug or an I/O failure
	Invalid                 // the input or a flag value is malformed
	NotFound                // nothing is known by that name
	Ambiguous               // several things are known by that name
	Unavailable             // the data needed is not loaded
	TooLarge                // the request exceeds a limit
)

var kindNames = [...]string{"internal", "invalid", "not found", "ambiguous", "unavailable", "too large"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is an error of a known kind with a message fit to show a user.
// Choices lists what an ambiguous name could mean.
type Error struct {
	Kind    Kind
	Msg     string
	Choices []Choice
	Err     error // the cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Msg == "" {
		return e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Choice is one thing an ambiguous name could mean.
type Choice struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Provider is set for a region code that several providers use: it
	// is the provider to name to pick this one.
	Provider string `json:"provider,omitempty"`
}

// invalidf returns an error of kind [Invalid].
func invalidf(format string, args ...any) *Error {
	return &Error{Kind: Invalid, Msg: fmt.Sprintf(format, args...)}
}

// Invalidf returns an error of kind [Invalid], for callers that check
// their own flags and parameters.
func Invalidf(format string, args ...any) error { return invalidf(format, args...) }

// Unavailablef returns an error of kind [Unavailable] wrapping err.
func Unavailablef(err error, format string, args ...any) error {
	return &Error{Kind: Unavailable, Msg: fmt.Sprintf(format, args...), Err: err}
}

// TooLargef returns an error of kind [TooLarge].
func TooLargef(format string, args ...any) error {
	return &Error{Kind: TooLarge, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err: that of an [*Error] in its chain, else
// of the atlas's own errors, else [Internal].
func KindOf(err error) Kind {
	var e *Error
	var amb *atlas.AmbiguousError
	switch {
	case err == nil:
		return Internal
	case errors.As(err, &e):
		return e.Kind
	case errors.As(err, &amb):
		return Ambiguous
	case errors.Is(err, atlas.ErrNotFound):
		return NotFound
	case errors.Is(err, context.DeadlineExceeded):
		return Unavailable
	}
	return Internal
}

// ChoicesOf returns the choices of an ambiguous error, else nil.
func ChoicesOf(err error) []Choice {
	var e *Error
	if errors.As(err, &e) && len(e.Choices) > 0 {
		return e.Choices
	}
	var amb *atlas.AmbiguousError
	if errors.As(err, &amb) {
		out := make([]Choice, 0, len(amb.Choices))
		for _, c := range amb.Choices {
			out = append(out, Choice{ID: c.ID, Kind: c.Kind, Name: c.Name, Provider: c.Provider})
		}
		return out
	}
	return nil
}
