package atlas

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Rank says how well a search text matched a name.
type Rank int

// The ranks, best first.
const (
	RankExact Rank = iota
	RankPrefix
	RankSubstring
)

// String returns "exact", "prefix" or "substring".
func (r Rank) String() string {
	return [...]string{"exact", "prefix", "substring"}[r]
}

// MarshalText returns the rank's name.
func (r Rank) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Match is one search hit.
type Match struct {
	Entity  *Entity
	Rank    Rank
	Matched string // the id, name, Chinese name or alias that matched
}

// Hit is a search match as the command line and the API print it.
type Hit struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	NameZH  string `json:"name_zh,omitempty"`
	Rank    string `json:"rank"`
	Matched string `json:"matched"`
}

// Hit flattens m for output.
func (m Match) Hit() Hit {
	return Hit{ID: m.Entity.ID, Kind: m.Entity.Kind, Name: m.Entity.Name,
		NameZH: m.Entity.NameZH, Rank: m.Rank.String(), Matched: m.Matched}
}

// nameIndex finds entities by lowercased id, slug, name, Chinese name and
// aliases.
type nameIndex struct {
	exact map[string][]nameKey
	keys  []nameKey // every key, for prefix and substring scans
}

type nameKey struct {
	key, text string // lowercased and as written
	e         *Entity
}

func newNameIndex(es []*Entity) *nameIndex {
	ix := &nameIndex{exact: make(map[string][]nameKey)}
	for _, e := range es {
		texts := append([]string{e.ID, slug(e.ID), e.Name, e.NameZH}, e.Aliases...)
		for _, t := range texts {
			if t == "" {
				continue
			}
			k := nameKey{strings.ToLower(t), t, e}
			ix.exact[k.key] = append(ix.exact[k.key], k)
			ix.keys = append(ix.keys, k)
		}
	}
	return ix
}

// Search returns the entities whose id, name, Chinese name or alias
// matches text (case-insensitive), ranked exact > prefix > substring,
// then by id. Each entity appears once, with its best match. A limit of
// 0 or less means no limit.
func (a *Atlas) Search(text string, limit int) []Match {
	q := strings.ToLower(strings.TrimSpace(text))
	if q == "" {
		return nil
	}
	best := make(map[*Entity]Match)
	for _, k := range a.names.keys {
		r, ok := rankOf(k.key, q)
		if !ok {
			continue
		}
		if m, seen := best[k.e]; !seen || r < m.Rank {
			best[k.e] = Match{Entity: k.e, Rank: r, Matched: k.text}
		}
	}
	out := make([]Match, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(x, y Match) int {
		return cmp.Or(cmp.Compare(x.Rank, y.Rank), cmp.Compare(x.Entity.ID, y.Entity.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func rankOf(key, q string) (Rank, bool) {
	switch {
	case key == q:
		return RankExact, true
	case strings.HasPrefix(key, q):
		return RankPrefix, true
	case strings.Contains(key, q):
		return RankSubstring, true
	}
	return 0, false
}

// ErrNotFound reports that a target names no entity.
var ErrNotFound = errors.New("not found")

// Resolve returns the entity named by target: an id, else the one entity
// whose id slug, name, Chinese name or alias equals target
// (case-insensitive). It fails with [ErrNotFound] or an ambiguity error
// that lists the candidates.
func (a *Atlas) Resolve(target string) (*Entity, error) {
	if e := a.byID[target]; e != nil {
		return e, nil
	}
	keys := a.names.exact[strings.ToLower(strings.TrimSpace(target))]
	var found []*Entity
	for _, k := range keys {
		if !slices.Contains(found, k.e) {
			found = append(found, k.e)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("atlas: %q: %w", target, ErrNotFound)
	case 1:
		return found[0], nil
	}
	slices.SortFunc(found, func(x, y *Entity) int { return strings.Compare(x.ID, y.ID) })
	return nil, &AmbiguousError{Query: target, Choices: found}
}

// AmbiguousError reports that a target names several entities.
type AmbiguousError struct {
	Query   string
	Choices []*Entity // sorted by id
}

func (e *AmbiguousError) Error() string {
	ids := make([]string, len(e.Choices))
	for i, c := range e.Choices {
		ids[i] = c.ID
	}
	return fmt.Sprintf("%q is ambiguous: %s", e.Query, strings.Join(ids, ", "))
}
