package web

import "net/http"

// health is the body of /healthz and /readyz.
type health struct {
	Status  string `json:"status"`
	Ranges  bool   `json:"ranges"`
	Records int    `json:"records"`
	Detail  string `json:"detail,omitempty"`
}

// handleHealthz reports that the process serves requests.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	st := s.state.Load()
	return writeJSON(w, health{Status: "ok", Ranges: st.ready(), Records: st.Records})
}

// handleReadyz reports whether the server can answer: the atlas is
// always loaded, so it is ready; without range data it still serves the
// atlas, and says so.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	st := s.state.Load()
	h := health{Status: "ready", Ranges: st.ready(), Records: st.Records}
	if !st.ready() {
		h.Detail = errNoRanges.Detail
	}
	return writeJSON(w, h)
}

// handleAPINotFound answers every /v1 path that no route serves.
func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) error {
	return errorf(http.StatusNotFound, "no API resource at %s (see /v1/openapi.json)", r.URL.Path)
}
