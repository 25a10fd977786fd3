package cli

import (
	"fmt"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
	"github.com/cloudatlas/cloudatlas/internal/ranges"
)

// operatorCache joins ranges to the atlas: who operates the place a
// range names, as of one date. Each record is looked up once. It is not
// safe for concurrent use; workers take their own from clone.
type operatorCache struct {
	a    *atlas.Atlas
	at   time.Time
	seen map[*ranges.Record][]string
}

func newOperatorCache(a *atlas.Atlas, at time.Time) *operatorCache {
	return &operatorCache{a: a, at: at, seen: make(map[*ranges.Record][]string)}
}

func (o *operatorCache) clone() *operatorCache {
	if o == nil {
		return nil
	}
	return newOperatorCache(o.a, o.at)
}

// ids returns the operator entity ids of r's place.
func (o *operatorCache) ids(r *ranges.Record) []string {
	if ids, ok := o.seen[r]; ok {
		return ids
	}
	ids := o.a.PlaceOperators(atlas.Place{Provider: r.Provider, Partition: r.Partition, Region: r.Region}, o.at)
	o.seen[r] = ids
	return ids
}

// names returns the display names of r's operators.
func (o *operatorCache) names(r *ranges.Record) []string {
	ids := o.ids(r)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = o.a.Entity(id).Name
	}
	return out
}

// operators returns the operator cache the columns need, loading the
// embedded atlas, or nil when no column needs it.
func (e *Env) operators(cols []field, asOf string) (*operatorCache, error) {
	if !needsAtlas(cols) {
		return nil, nil
	}
	at := e.Now()
	if asOf != "" {
		d, err := atlas.ParseDate(asOf)
		if err != nil {
			return nil, fmt.Errorf("%w: --as-of: %v", errUsage, err)
		}
		at = d.Start()
	}
	a, err := loadAtlas()
	if err != nil {
		return nil, err
	}
	return newOperatorCache(a, at), nil
}
