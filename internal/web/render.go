package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// Error is an error with an HTTP status and a message that is safe to
// show to the client. Err, if set, is the internal cause; it is logged
// and never sent.
type Error struct {
	Status int
	Detail string
	Err    error
	// RetryAfter, when set, is sent as the Retry-After header (seconds).
	RetryAfter int
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Detail, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// errorf returns an *Error with status and a formatted detail.
func errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Detail: fmt.Sprintf(format, args...)}
}

// errNoRanges is returned by lookups while no range data is loaded.
var errNoRanges = &Error{Status: http.StatusServiceUnavailable,
	Detail: "no range data is loaded, so addresses cannot be attributed yet: run \"cloudatlas update\" " +
		"(or \"cloudatlas update --from DIR\" to import feed files): the server picks the data up within seconds"}

// statusOf maps err to an HTTP status and a client-safe detail. This is
// the only place that decides how an error looks to a client: the kinds
// of the domain's errors ([answer.KindOf]) each have one status.
func statusOf(err error) (int, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, e.Detail
	}
	switch answer.KindOf(err) {
	case answer.Invalid:
		return http.StatusBadRequest, err.Error()
	case answer.NotFound:
		return http.StatusNotFound, err.Error()
	case answer.Ambiguous:
		return http.StatusConflict, err.Error()
	case answer.Unavailable:
		return http.StatusServiceUnavailable, err.Error()
	case answer.TooLarge:
		return http.StatusRequestEntityTooLarge, err.Error()
	}
	return http.StatusInternalServerError, "internal error; the server log has the details"
}

// problem is an RFC 9457 problem details object. Choices, an extension
// member, lists what an ambiguous name could mean (status 409).
type problem struct {
	Type     string          `json:"type"`
	Title    string          `json:"title"`
	Status   int             `json:"status"`
	Detail   string          `json:"detail"`
	Instance string          `json:"instance,omitempty"`
	Choices  []answer.Choice `json:"choices,omitempty"`
}

// maxEcho bounds how much of a request path a problem document repeats.
const maxEcho = 200

// writeProblem sends err as application/problem+json.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status, detail := statusOf(err)
	s.logError(r, status, err)
	body, _ := json.Marshal(problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: detail, Instance: clipEcho(r.URL.Path), Choices: answer.ChoicesOf(err)})
	h := w.Header()
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// logError logs server-side failures with their cause; client errors
// are visible in the access log already.
func (s *Server) logError(r *http.Request, status int, err error) {
	if status >= 500 && !errors.Is(err, errNoRanges) {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
}

// writeJSON sends v as JSON with status 200.
func writeJSON(w http.ResponseWriter, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("web: encode response: %w", err)
	}
	return writeBytes(w, "application/json", buf.Bytes())
}

// writeBytes sends body with the content type and status 200.
func writeBytes(w http.ResponseWriter, contentType string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

// handlerFunc is an HTTP handler that returns an error instead of
// writing one; [Server.api] and [Server.page] turn the error into a
// response.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts h for the JSON API: errors become problem+json.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil && !s.started(w, r, err) {
			s.writeProblem(w, r, err)
		}
	})
}

// page adapts h for HTML pages: errors become an HTML error page.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil && !s.started(w, r, err) {
			s.writeErrorPage(w, r, err)
		}
	})
}

// started reports whether the response had begun when the handler
// failed (typically writing to a client that went away); then the error
// can no longer be sent, so it is only logged.
func (s *Server) started(w http.ResponseWriter, r *http.Request, err error) bool {
	sw, ok := w.(*statusWriter)
	if !ok || sw.status == 0 {
		return false
	}
	s.log.LogAttrs(r.Context(), slog.LevelWarn, "response failed after it started",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	return true
}

// clipEcho shortens client input that a response repeats, so that a
// long bad path or value is echoed at most once and briefly.
func clipEcho(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
