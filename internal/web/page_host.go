package web

import (
	"net/http"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// hostPage is who's behind a host name: its resolution, what its names
// say, and the chain of each of its addresses.
type hostPage struct {
	pageBase
	Name      string
	AsOf      string
	Resolving bool // the server resolves names
	Resolved  bool
	Error     string
	CNAMEs    []string
	Evidence  []suffix.Evidence
	Addresses []*answerPage
}

// handleHostPage renders /host/{name}?as_of=.
func (s *Server) handleHostPage(w http.ResponseWriter, r *http.Request) error {
	hr, err := s.host(r)
	if err != nil {
		return err
	}
	p := &hostPage{pageBase: s.base(hr.Name+" — who's behind it", ""), Name: hr.Name, AsOf: answer.Day(hr.AsOf),
		Resolving: s.names.Resolver != nil, Resolved: hr.Resolved, CNAMEs: hr.CNAMEs(), Evidence: hr.Evidence}
	p.Query = hr.Name
	if hr.Err != nil {
		p.Error = hr.Err.Error()
	}
	for _, res := range hr.Results {
		ap := &answerPage{Input: res.Query.Input, AsOf: p.AsOf}
		s.fillAnswer(ap, res)
		p.Addresses = append(p.Addresses, ap)
	}
	return s.render(w, http.StatusOK, "host", p)
}
