package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// handleIP answers GET /v1/ip/{ip}: every range containing the address
// (or, for a CIDR, containing it and inside it), most specific first,
// and the whois chain of each distinct place they name, as of as_of.
func (s *Server) handleIP(w http.ResponseWriter, r *http.Request) error {
	q, ok := parseInput(r.PathValue("ip"))
	if !ok {
		return errorf(http.StatusBadRequest, "%q is not an IP address or CIDR prefix", r.PathValue("ip"))
	}
	day, err := s.asOf(r)
	if err != nil {
		return err
	}
	st := s.state.Load()
	if !st.ready() {
		return errNoRanges
	}
	matches := resolve(st.table, q, make([]found, 0, 8))
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	body, err := s.appendIPAnswer((*bp)[:0], q.input, day, matches)
	if err != nil {
		return err
	}
	*bp = body
	return writeBytes(w, "application/json", body)
}

// appendIPAnswer appends the JSON answer for one query. It splices the
// cached encodings of the whois answers instead of re-encoding them.
func (s *Server) appendIPAnswer(dst []byte, input string, day time.Time, matches []found) ([]byte, error) {
	head, err := json.Marshal(struct {
		Query string `json:"query"`
		AsOf  string `json:"as_of"`
	}{input, atlas.DateOf(day).String()})
	if err != nil {
		return nil, err
	}
	dst = append(dst, head[:len(head)-1]...)
	js := make([]matchJSON, len(matches))
	for i := range matches {
		js[i] = matchToJSON(&matches[i])
	}
	mb, err := json.Marshal(js)
	if err != nil {
		return nil, err
	}
	dst = append(append(dst, `,"matches":`...), mb...)
	dst = append(dst, `,"whois":[`...)
	n := 0
	for _, p := range places(matches) {
		ca := s.whois.place(p, day)
		if ca.err != nil {
			continue
		}
		pb, err := json.Marshal(placeJSON{p.Provider, p.Partition, p.Region})
		if err != nil {
			return nil, err
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = append(dst, `{"place":`...)
		dst = append(dst, pb...)
		dst = append(dst, `,"answer":`...)
		dst = append(dst, ca.json...)
		dst = append(dst, '}')
	}
	return append(dst, "]}\n"...), nil
}

// placeJSON is a place as the API names it.
type placeJSON struct {
	Provider  string `json:"provider"`
	Partition string `json:"partition"`
	Region    string `json:"region"`
}
