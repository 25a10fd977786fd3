package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/lpm"
	"github.com/cloudatlas/cloudatlas/internal/query"
)

// parsed is one parsed address or CIDR input with the text it came from.
type parsed struct {
	query.Query
	input string
}

// parseInput parses an IP address or CIDR prefix (see [query.Parse]).
func parseInput(s string) (parsed, bool) {
	q, err := query.Parse(s)
	return parsed{Query: q, input: strings.TrimSpace(s)}, err == nil
}

// found is one match of a query.
type found = query.Found

// maxWithin bounds how many ranges inside a CIDR query are listed.
const maxWithin = 1000

// resolve returns the matches of q in tbl, most specific first; for a
// prefix, those containing it and then up to maxWithin inside it.
func resolve(tbl *lpm.Table, q parsed, buf []found) []found {
	return query.Resolve(tbl, q.Query, maxWithin, buf)
}

// asOf reads the as_of query parameter: YYYY-MM-DD (or YYYY, YYYY-MM,
// meaning the start of that period); absent means today.
func (s *Server) asOf(r *http.Request) (time.Time, error) {
	return s.parseAsOf(r.URL.Query().Get("as_of"))
}

// parseAsOf parses an as_of value; "" means today.
func (s *Server) parseAsOf(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return atlas.DateOf(s.now()).Start(), nil
	}
	d, err := atlas.ParseDate(v)
	if err != nil {
		return time.Time{}, errorf(http.StatusBadRequest, "as_of: %v", err)
	}
	return d.Start(), nil
}
