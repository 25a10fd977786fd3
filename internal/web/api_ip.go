package web

import (
	"net/http"

	"github.com/cloudatlas/cloudatlas/internal/answer"
)

// handleIP answers GET /v1/ip/{ip}: every range containing the address
// (or, for a CIDR, containing it and inside it), most specific first,
// and the whois chain of each distinct place they name, as of as_of
// ([answer.Result] in its JSON form).
func (s *Server) handleIP(w http.ResponseWriter, r *http.Request) error {
	q, err := answer.Parse(r.PathValue("ip"))
	if err != nil {
		return err
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	r2, notes, err := s.rangesAt(r.Context(), day)
	if err != nil {
		return err
	}
	res := s.join.Answer(r2, q, day, maxWithin)
	res.Notes = notes
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	body, err := res.AppendJSON((*bp)[:0])
	if err != nil {
		return err
	}
	*bp = append(body, '\n')
	return writeBytes(w, "application/json", *bp)
}
