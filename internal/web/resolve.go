package web

import (
	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// resolveEntity finds the entity a user means, by the one rule of
// [answer.Joiner.ResolveEntity]: an id, a name or alias, or a region
// code (of the provider query parameter, or of the one provider using
// it). Its errors carry their kind: 400, 404 or 409 with the choices.
func (s *Server) resolveEntity(target, provider string) (*atlas.Entity, error) {
	return s.join.ResolveEntity(target, provider)
}
