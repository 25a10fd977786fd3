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

// AmbiguousError reports that a target names several entities and no
// rule picks one.
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

// Resolve returns the entity that target names exactly: an id, or an id
// slug, name, Chinese name or alias equal to target (case-insensitive). Among several exact matches a provider wins over
// its own family (see [Atlas.Find]). It fails with [ErrNotFound] or an
// [*AmbiguousError]; it never guesses from a fragment, so a search page
// can list the matches of a fragment instead.
func (a *Atlas) Resolve(target string) (*Entity, error) {
	return a.resolve(target, nil, false)
}

// Find is [Atlas.Resolve] that also accepts a region code and a unique
// fragment of a name: "Zhangbei" finds the Zhangbei data centres. Whois, entity and history
// use it.
func (a *Atlas) Find(target string) (*Entity, error) {
	return a.resolve(target, nil, true)
}

// resolve finds the entity target names, trying in turn:
//
//  1. an entity id;
//  2. an id slug, name, Chinese name or alias equal to target
//     (case-insensitive);
//  3. when fragments is set, a region code equal to target, and then a
//     fragment of the names: the entities whose texts start with target,
//     else those whose texts contain it.
//
// The first step with matches decides. Several matches are narrowed to
// the preferred kinds, when some match is of one; then, when one match
// is a provider and every other is of its family (its brand company,
// partitions, regions, data centers, and the companies that own, control
// or operate for them), the provider wins: "Alibaba" is Alibaba Cloud.
// Otherwise the answer is an [*AmbiguousError].
func (a *Atlas) resolve(target string, prefer []string, fragments bool) (*Entity, error) {
	target = strings.TrimSpace(target)
	if e := a.byID[target]; e != nil {
		return e, nil
	}
	q := strings.ToLower(target)
	if q == "" {
		return nil, fmt.Errorf("atlas: empty name: %w", ErrNotFound)
	}
	var cands []*Entity
	for _, k := range a.names.exact[q] {
		if !slices.Contains(cands, k.e) {
			cands = append(cands, k.e)
		}
	}
	if len(cands) == 0 && fragments {
		cands = a.RegionsWithCode(target)
	}
	if len(cands) == 0 && fragments {
		cands = a.fragment(q)
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("atlas: %q: %w", target, ErrNotFound)
	}
	return a.pick(target, cands, prefer)
}

// fragment returns the entities of the best rank that q is a prefix or
// substring of.
func (a *Atlas) fragment(q string) []*Entity {
	ms := a.Search(q, 0)
	var out []*Entity
	for _, m := range ms {
		if m.Rank != ms[0].Rank {
			break
		}
		out = append(out, m.Entity)
	}
	return out
}

// pick chooses among several candidates as [Atlas.resolve] describes.
func (a *Atlas) pick(target string, cands []*Entity, prefer []string) (*Entity, error) {
	if len(cands) == 1 {
		return cands[0], nil
	}
	if len(prefer) > 0 {
		var narrowed []*Entity
		for _, e := range cands {
			if slices.Contains(prefer, e.Kind) {
				narrowed = append(narrowed, e)
			}
		}
		if len(narrowed) == 1 {
			return narrowed[0], nil
		}
		if len(narrowed) > 0 {
			cands = narrowed
		}
	}
	if p := a.familyProvider(cands); p != nil {
		return p, nil
	}
	slices.SortStableFunc(cands, func(x, y *Entity) int { return cmp.Compare(x.ID, y.ID) })
	return nil, &AmbiguousError{Query: target, Choices: cands}
}

// familyProvider returns the one provider among cands when every other
// candidate belongs to its family, else nil.
func (a *Atlas) familyProvider(cands []*Entity) *Entity {
	var p *Entity
	for _, e := range cands {
		if e.Kind == KindProvider {
			if p != nil {
				return nil
			}
			p = e
		}
	}
	if p == nil {
		return nil
	}
	fam := a.family(p)
	for _, e := range cands {
		if !fam[e.ID] {
			return nil
		}
	}
	return p
}

// familyLinks are the predicates that tie an entity to a provider's
// family, in either direction.
var familyLinks = []string{"brand_of", "partition_of", "region_of", "operates", "owns", "controls",
	"subsidiary_of", "joint_venture", "located_in"}

// family returns the ids within three links of provider p over
// familyLinks (at any date), and the regions whose provider field is
// p's key. located_in is followed only between data centers and
// regions, so that a whole country is never family.
func (a *Atlas) family(p *Entity) map[string]bool {
	fam := map[string]bool{p.ID: true}
	for _, e := range a.Entities {
		if e.Kind == KindRegion && "provider/"+e.Provider == p.ID {
			fam[e.ID] = true
		}
	}
	frontier := []string{p.ID}
	for range 3 {
		var next []string
		for _, id := range frontier {
			for _, s := range a.About(id) {
				if !slices.Contains(familyLinks, s.Predicate) {
					continue
				}
				other := s.Object
				if other == id {
					other = s.Subject
				}
				if o := a.byID[other]; o == nil || o.Kind == KindJurisdiction || fam[other] {
					continue
				}
				fam[other] = true
				next = append(next, other)
			}
		}
		frontier = next
	}
	return fam
}
