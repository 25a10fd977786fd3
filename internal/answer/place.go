package answer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/atlas"
)

// MaxPlaces bounds how many distinct places one answer explains.
const MaxPlaces = 8

// Places returns the distinct places (provider, partition, region) that
// the matches name, in match order (most specific first), at most max
// (no bound when max is 0). Matches without a provider name no place.
func Places(ms []Found, max int) []atlas.Place {
	var out []atlas.Place
	for i := range ms {
		r := ms[i].Record
		if r.Provider == "" {
			continue
		}
		p := atlas.Place{Provider: r.Provider, Partition: r.Partition, Region: r.Region}
		if !slices.Contains(out, p) {
			out = append(out, p)
			if len(out) == max {
				break
			}
		}
	}
	return out
}

// PlaceAnswer is the atlas's whois answer for one place as of one day:
// a place a feed names (provider, partition, region), or a routed range
// (the AS that announces it and its registered country). It is built
// once per place and day ([Joiner.Place], [Joiner.Route]) and shared by
// every query that lands there; nobody may modify it.
type PlaceAnswer struct {
	Place atlas.Place
	Day   time.Time
	// Answer is the whois answer; nil when Err says why there is none.
	Answer *atlas.Answer
	Err    error

	opIDs, opNames []string
	jurisdictions  []string
	encode         sync.Once
	json           []byte
	jsonErr        error
}

// Jurisdictions returns the codes of the jurisdictions the place answers
// to as of the day (ISO 3166-1 alpha-2, or EU): where it is located,
// where its operators are incorporated, and where their controllers are.
func (p *PlaceAnswer) Jurisdictions() []string { return p.jurisdictions }

// OperatorIDs returns the atlas ids of the place's operators.
func (p *PlaceAnswer) OperatorIDs() []string { return p.opIDs }

// OperatorNames returns the display names of the place's operators.
func (p *PlaceAnswer) OperatorNames() []string { return p.opNames }

// MarshalJSON returns the answer's JSON, encoded once: many requests
// share one place, and re-encoding a whole whois answer per request
// would cost more than the rest of the request.
func (p *PlaceAnswer) MarshalJSON() ([]byte, error) {
	p.encode.Do(func() {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p.Answer); err != nil {
			p.jsonErr = fmt.Errorf("answer: encode whois of %v: %w", p.Place, err)
			return
		}
		p.json = bytes.TrimSpace(buf.Bytes())
	})
	return p.json, p.jsonErr
}

func newPlaceAnswer(a *atlas.Atlas, k placeKey) *PlaceAnswer {
	pa := &PlaceAnswer{Place: k.place, Day: k.day, opIDs: []string{}, opNames: []string{}, jurisdictions: []string{}}
	if k.asn != 0 {
		pa.Answer, pa.Err = a.WhoisRoute(k.asn, k.holder, k.country, k.day)
	} else {
		pa.Answer, pa.Err = a.WhoisPlace(k.place, k.day)
	}
	if pa.Err != nil {
		return pa
	}
	for _, op := range pa.Answer.Operators {
		if !slices.Contains(pa.opIDs, op.Operator) {
			pa.opIDs = append(pa.opIDs, op.Operator)
			pa.opNames = append(pa.opNames, a.DisplayName(op.Operator))
		}
	}
	for _, x := range pa.Answer.Jurisdictions {
		if code := a.JurisdictionCode(x.Jurisdiction); !slices.Contains(pa.jurisdictions, code) {
			pa.jurisdictions = append(pa.jurisdictions, code)
		}
	}
	return pa
}

// maxMemo bounds the memo of place answers; when full it starts over.
const maxMemo = 4096

// placeKey identifies a place answer: a feed's place, or a routed range
// (asn set) by its AS, holder name and country.
type placeKey struct {
	place   atlas.Place
	asn     uint32
	holder  string
	country string
	day     time.Time
}

// memo holds place answers per place and day. The atlas is immutable,
// so an answer never goes stale. It is safe for concurrent use.
type memo struct {
	mu sync.RWMutex
	m  map[placeKey]*PlaceAnswer
}

func (m *memo) get(a *atlas.Atlas, k placeKey) *PlaceAnswer {
	m.mu.RLock()
	pa := m.m[k]
	m.mu.RUnlock()
	if pa != nil {
		return pa
	}
	pa = newPlaceAnswer(a, k)
	m.mu.Lock()
	defer m.mu.Unlock()
	if old := m.m[k]; old != nil {
		return old
	}
	if len(m.m) >= maxMemo {
		clear(m.m)
	}
	m.m[k] = pa
	return pa
}
