package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// resolveEntity finds the entity a user means: an id, a name or alias
// (see [atlas.Atlas.Resolve]), or a region code that exactly one
// provider uses. Errors are client errors: 404 or 400 (ambiguous).
func (s *Server) resolveEntity(target string) (*atlas.Entity, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return nil, errorf(http.StatusBadRequest, "no entity given")
	}
	e, err := s.atlas.Resolve(target)
	if err == nil {
		return e, nil
	}
	if errors.Is(err, atlas.ErrNotFound) {
		if rs := s.atlas.RegionsWithCode(target); len(rs) == 1 {
			return rs[0], nil
		}
		return nil, errorf(http.StatusNotFound, "no entity is named %q; try /v1/search?q=", target)
	}
	return nil, atlasError(err)
}

// atlasError turns an error of an atlas query into a client error: the
// atlas does no I/O, so its errors are about the question asked.
func atlasError(err error) error {
	if errors.Is(err, atlas.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Detail: strings.TrimPrefix(err.Error(), "atlas: "), Err: err}
	}
	return &Error{Status: http.StatusBadRequest, Detail: strings.TrimPrefix(err.Error(), "atlas: "), Err: err}
}

// normalizeAnswer replaces the nil lists of a whois answer with empty
// ones, so the JSON has [] where the API promises an array. (The atlas
// leaves Location, Jurisdictions, Reach and Owners nil when empty.)
func normalizeAnswer(ans *atlas.Answer) *atlas.Answer {
	if ans.Location == nil {
		ans.Location = []atlas.Exposure{}
	}
	if ans.Jurisdictions == nil {
		ans.Jurisdictions = []atlas.Exposure{}
	}
	if ans.Reach == nil {
		ans.Reach = []atlas.Reach{}
	}
	for _, o := range ans.Ownership {
		if o.Owners == nil {
			o.Owners = []*atlas.Owner{}
		}
	}
	return ans
}
