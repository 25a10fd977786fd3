package web

import (
	"github.com/cloudatlas/cloudatlas/internal/answer"

	"net/http"
	"time"
)

// maxWithin bounds how many ranges inside one CIDR query are listed.
const maxWithin = 1000

// asOf reads the as_of query parameter by the one rule of
// [answer.ParseAsOf]: YYYY-MM-DD (or YYYY, YYYY-MM, meaning the start
// of that period); absent means today.
func (s *Server) asOf(r *http.Request) (time.Time, error) {
	return s.parseAsOf(r.URL.Query().Get("as_of"))
}

// parseAsOf parses an as_of value; "" means today.
func (s *Server) parseAsOf(v string) (time.Time, error) {
	return answer.ParseAsOf(v, s.now())
}
