package web

import (
	"net/http"
	"strings"
)

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

// handleAPINotFound answers every /v1 path that no route serves: 405
// with Allow when the path has routes for other methods, else 404.
func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) error {
	if err := s.methodNotAllowed(w, r); err != nil {
		return err
	}
	return errorf(http.StatusNotFound, "no API resource at %s (see /v1/openapi.json)", clipEcho(r.URL.Path))
}

// probeMethods are the methods a path is probed for.
var probeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// methodNotAllowed returns a 405 error, with the Allow header set, when
// some route serves r's path with another method; nil otherwise.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.methods.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return nil
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	return errorf(http.StatusMethodNotAllowed, "%s is not allowed on %s (allowed: %s)", clipEcho(r.Method), clipEcho(r.URL.Path), strings.Join(allow, ", "))
}
