package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cloudatlas/cloudatlas/internal/gate"
)

// verdictKey is the context key of the gate's verdict on a request.
type verdictKey struct{}

// guard puts an API handler behind the access gate (Config.Access): the
// bearer token is checked, the request counted against the quotas of
// its organisation (or the anonymous allowance of the client address, as
// [Proxies.Client] tells it), and every answer carries the RateLimit
// headers. With withVerdict the handler finds the verdict in the
// request's context ([bulkLimit]). Without a gate it returns h as it is.
func (s *Server) guard(h http.Handler, withVerdict bool) http.Handler {
	g := s.cfg.Access
	if g == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := g.Admit(r.Context(), r.Header.Get("Authorization"))
		switch {
		case err == nil:
		case errors.Is(err, gate.ErrNoToken):
			v, err = g.AdmitAnonymous(s.cfg.Proxies.Client(r)), nil
		case gate.Refused(err):
			// A refused token costs the client's anonymous allowance too,
			// which bounds how fast tokens can be guessed.
			v = g.AdmitAnonymous(s.cfg.Proxies.Client(r))
		default:
			s.writeProblem(w, r, &Error{Status: http.StatusServiceUnavailable, RetryAfter: 5, Err: err,
				Detail: "the server cannot check tokens right now (its store does not answer); try again in a few seconds"})
			return
		}
		setRateLimit(w.Header(), &v)
		switch {
		case !v.Allowed:
			s.writeProblem(w, r, tooMany(&v))
		case err != nil:
			s.refuseToken(w, r, err)
		case withVerdict:
			kept := v // only this copy escapes to the heap
			h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), verdictKey{}, &kept)))
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// setRateLimit sets the RateLimit headers of draft-ietf-httpapi-
// ratelimit-headers: the limit and what is left of the window nearest to
// its limit, the seconds until it starts anew, and every quota of the
// plan. An unlimited allowance has none.
func setRateLimit(h http.Header, v *gate.Verdict) {
	if v.Limit == 0 {
		return
	}
	// One string holds the three numbers, one slice the four values.
	var buf [64]byte
	b := strconv.AppendInt(buf[:0], v.Limit, 10)
	n1 := len(b)
	b = strconv.AppendInt(b, v.Remaining, 10)
	n2 := len(b)
	b = strconv.AppendInt(b, v.Reset, 10)
	nums := string(b)
	vals := []string{nums[:n1], nums[n1:n2], nums[n2:], v.Policy}
	h["Ratelimit-Limit"] = vals[0:1:1]
	h["Ratelimit-Remaining"] = vals[1:2:2]
	h["Ratelimit-Reset"] = vals[2:3:3]
	h["Ratelimit-Policy"] = vals[3:4:4]
}

// tooMany is the 429 of a refused request.
func tooMany(v *gate.Verdict) *Error {
	per := v.Span.String()
	var e *Error
	if v.Org == "" {
		e = errorf(http.StatusTooManyRequests, "requests without a token are limited to %d a %s per client address; "+
			"try again in %d s, or send a token (Authorization: Bearer TOKEN) for more", v.Limit, per, v.RetryAfter)
	} else {
		e = errorf(http.StatusTooManyRequests, "organisation %s has used the %d requests a %s of its plan %s; try again in %d s",
			v.Org, v.Limit, per, v.Plan.Name, v.RetryAfter)
	}
	e.RetryAfter = int(v.RetryAfter)
	return e
}

// refuseToken answers a request whose credentials were refused: 401
// with a WWW-Authenticate challenge (RFC 6750), or 403 when the token
// is good but its plan is unknown to this server.
func (s *Server) refuseToken(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, gate.ErrNoPlan) {
		s.writeProblem(w, r, &Error{Status: http.StatusForbidden, Detail: err.Error()})
		return
	}
	code := "invalid_token"
	if errors.Is(err, gate.ErrNotBearer) {
		code = "invalid_request"
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="cloudatlas", error="`+code+`"`)
	s.writeProblem(w, r, &Error{Status: http.StatusUnauthorized,
		Detail: fmt.Sprintf("%v; requests without a token get the anonymous allowance", err)})
}

// bulkLimit returns the inputs a bulk request may have under the plan
// of the request's token (or the anonymous allowance), and the plan's
// name; without access control, the server's limit.
func bulkLimit(r *http.Request) (int, string) {
	v, _ := r.Context().Value(verdictKey{}).(*gate.Verdict)
	if v == nil || v.Plan.BulkInputs >= maxBulkItems {
		return maxBulkItems, ""
	}
	return v.Plan.BulkInputs, v.Plan.Name
}
