package web

import (
	"net/http"
	"strconv"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// maxShownMatches bounds the range rows of an answer page.
const maxShownMatches = 200

// answerPage is the chain from an address to the laws that reach it.
type answerPage struct {
	pageBase
	Input    string
	AsOf     string
	IsPrefix bool
	Ranges   bool // range data is loaded
	Matches  []answer.Found
	Chains   []*chain
	Routing  *routeView // who announces it, when the routing tier knows
	Notes    []string   // what the answer lacks (feeds with no snapshot then)
	Sources  []atlas.SourceRef
}

// routeView is the routing tier's step of an answer: the AS that
// announces the address's range and the chain from its holder.
type routeView struct {
	Prefix, Holder, Country, Version string
	ASN                              uint32
	Snapshot                         int64
	Chain                            *chain // nil when the atlas has no answer
}

// handleAnswerPage renders /ip/{q}?as_of=.
func (s *Server) handleAnswerPage(w http.ResponseWriter, r *http.Request) error {
	q, err := answer.Parse(r.PathValue("q"))
	if err != nil {
		return err
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	p := &answerPage{pageBase: s.base(q.Input+" — who's behind it", ""), Input: q.Input,
		AsOf: answer.Day(day), IsPrefix: q.IsPrefix()}
	p.Query = q.Input
	if r2, notes, err := s.rangesAt(r.Context(), day); err == nil {
		p.Notes = notes
		s.fillAnswer(p, s.join.Answer(r2, q, day, maxWithin))
	}
	return s.render(w, http.StatusOK, "answer", p)
}

// fillAnswer puts the join's result on the page: the ranges and one
// chain per place.
func (s *Server) fillAnswer(p *answerPage, res *answer.Result) {
	p.Ranges = true
	p.Matches = res.Matches[:min(len(res.Matches), maxShownMatches)]
	for i, w := range res.Whois {
		if w.Err != nil {
			continue
		}
		c := newChain(strconv.Itoa(i), w.Place, w.Answer)
		p.Sources = c.adoptSources(p.Sources)
		p.Chains = append(p.Chains, c)
	}
	if w := res.Routing; w != nil {
		r := w.Found.Record
		p.Routing = &routeView{Prefix: r.Prefix.String(), Holder: r.Holder, Country: r.Country, ASN: r.ASN,
			Version: w.Found.Source.UpstreamID, Snapshot: w.Found.Source.SnapshotID}
		if w.Err == nil {
			p.Routing.Chain = newChain("r", atlas.Place{}, w.Answer)
			p.Sources = p.Routing.Chain.adoptSources(p.Sources)
		}
	}
}
