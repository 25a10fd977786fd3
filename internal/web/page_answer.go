package web

import (
	"net/http"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// answerPage is the chain from an address to the laws that reach it.
type answerPage struct {
	pageBase
	Input    string
	AsOf     string
	IsPrefix bool
	Ranges   bool // range data is loaded
	Matches  []matchJSON
	Chains   []*chain
	Sources  []atlas.SourceRef
}

// handleAnswerPage renders /ip/{q}?as_of=.
func (s *Server) handleAnswerPage(w http.ResponseWriter, r *http.Request) error {
	in := r.PathValue("q")
	q, ok := parseInput(in)
	if !ok {
		return errorf(http.StatusBadRequest, "%q is not an IP address or CIDR prefix", in)
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	p := s.answer(q, day)
	return s.render(w, http.StatusOK, "answer", p)
}

// answer builds the answer page of q at day.
func (s *Server) answer(q parsed, day time.Time) *answerPage {
	p := &answerPage{pageBase: s.base(q.input+" — who's behind it", ""), Input: q.input,
		AsOf: atlas.DateOf(day).String(), IsPrefix: q.IsPrefix()}
	p.Query = q.input
	st := s.state.Load()
	if !st.ready() {
		return p
	}
	p.Ranges = true
	matches := resolve(st.table, q, nil)
	for i := range matches {
		if i == 200 {
			break
		}
		p.Matches = append(p.Matches, matchToJSON(&matches[i]))
	}
	for _, pl := range places(matches) {
		if ca := s.whois.place(pl, day); ca.err == nil {
			c := newChain(pl, ca.answer)
			p.Sources = c.adoptSources(p.Sources)
			p.Chains = append(p.Chains, c)
		}
	}
	return p
}
